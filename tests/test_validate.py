from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from engine.core.model import Action, Effect, Problem, RuleSet, SourceLocation
from engine.inputs.read import Document, read_yaml
from engine.inputs.validate import validate_plan_document, validate_rule_document, validate_ruleset

CONSTRAINT = """\
id: nhs111-minimum-slots
kind: constraint
ref: C-111-01
title: Offer the minimum of NHS 111 slots
force: contract
severity: breach
effective:
  - from: 2019-07-01
    until: null
sources:
  - title: LMC summary
    url: https://example.org/111
    quote: one appointment per 3,000 patients
    confidence: high
    why: Summarises the contract.
fails_when: {path: setup.nhs111.direct_booking_slots_per_day, lt: 1}
message: Too few NHS 111 slots.
remedy: Offer more NHS 111 slots.
examples:
  pass: [{note: enough, plan: {}}]
  fail: [{note: too few, plan: {}}]
"""
ACTION = """\
id: limit-daily-contacts
kind: action
title: Limit daily contacts
phases:
  - {name: 2024 action, from: 2024-08-01, until: null, status: recommended}
wording: Limit contacts per clinician per day.
sources:
  - title: BMA actions
    url: https://example.org/bma
    quote: limit daily contacts
    confidence: high
    why: The BMA's list.
params:
  max_contacts_per_clinician: {type: integer, minimum: 1, maximum: 1000, examples: [25]}
effects:
  - set: setup.capacity.max_contacts_per_clinician_per_day
    param: max_contacts_per_clinician
bears_on: [nhs111-minimum-slots]
instead: Keep to safe working levels.
examples:
  safe: [{note: fine, plan: {}}]
"""
PLAN = """\
practice: {name: Riverside Surgery, registered_patients: 9027}
assessed_on: 2024-11-05
actions:
  - id: limit-daily-contacts
    max_contacts_per_clinician: 25
setup:
  nhs111:
    direct_booking_slots_per_day: 3
    booking_channel: gp_connect
"""
RULES = RuleSet(
    constraints=(),
    actions=(
        Action(
            id="limit-daily-contacts",
            title="Limit daily contacts",
            phases=(),
            wording="",
            sources=(),
            effects=(Effect("setup.capacity.max_contacts_per_day", param="max_contacts"),),
            bears_on=(),
            params={"max_contacts_per_clinician": {"type": "integer", "examples": [25]}},
        ),
        Action("switch-off-gp-connect-update-record", "Switch off", (), "", (), (), ()),
    ),
    directories=(),
    digest="",
)


def doc_of(tmp_path: Path, name: str, text: str) -> Document:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return read_yaml(path)


def at(doc: Document, line: int, column: int) -> SourceLocation:
    return SourceLocation(doc.path, line, column)


# --- plans -----------------------------------------------------------------------------


def test_a_good_plan_has_no_problems(tmp_path: Path) -> None:
    assert validate_plan_document(doc_of(tmp_path, "plan.yaml", PLAN), RULES) == []


def test_a_dated_closure_whose_day_contradicts_its_date_is_refused(tmp_path: Path) -> None:
    closures = """  access:
    closures:
      - {route: premises, date: 2025-11-12, day: wednesday}
      - {route: premises, date: 2025-12-26, day: friday}
"""
    doc = doc_of(tmp_path, "plan.yaml", PLAN + closures)
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "closure-day",
            "closure 2 is dated 2025-12-26, which is a bank holiday, but its day says friday",
            at(doc, 13, 45),
            "/setup/access/closures/1/day",
            "leave out 'day' for a dated closure (gpca works it out from the date), or correct the date",
        )
    ]


def test_misspelt_setup_key_gets_did_you_mean(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "plan.yaml", PLAN.replace("  nhs111:", "  nhs11:"))
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "unknown-key",
            "unknown key 'nhs11'",
            at(doc, 7, 3),
            "/setup/nhs11",
            "did you mean 'nhs111'?",
        )
    ]


def test_wrong_type_is_said_in_plain_english(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "plan.yaml", PLAN.replace("per_day: 3", "per_day: two"))
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "plan-schema",
            "'setup.nhs111.direct_booking_slots_per_day' must be a whole number, but got 'two'",
            at(doc, 8, 5),
            "/setup/nhs111/direct_booking_slots_per_day",
            "write a whole number, without quotes",
        )
    ]


def test_a_number_with_a_comma_is_told_the_comma_is_the_problem(tmp_path: Path) -> None:
    text = PLAN.replace("{name: Riverside Surgery, registered_patients: 9027}",
                        "\n  name: Riverside Surgery\n  registered_patients: 12,400")  # fmt: skip
    doc = doc_of(tmp_path, "plan.yaml", text)
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "plan-schema",
            "'practice.registered_patients' must be a whole number, but got '12,400'",
            at(doc, 3, 3),
            "/practice/registered_patients",
            "write it without the comma or space between the digits: 12400",
        )
    ]


def test_a_number_with_a_comma_in_braces_is_told_it_was_cut_in_two(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "plan.yaml", PLAN.replace("patients: 9027}", "patients: 12,400}"))
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "unknown-key",
            "unknown key '400'",
            at(doc, 1, 61),
            "/practice/400",
            "inside { } a comma starts a new entry, so 12,400 was read as 12 and a key '400'; "
            "write the number without the comma: 12400",
        )
    ]


def test_a_bare_action_id_is_told_to_write_id(tmp_path: Path) -> None:
    text = PLAN.replace("  - id: limit-daily-contacts\n    max_contacts_per_clinician: 25\n",
                        "  - limit-daily-contacts\n")  # fmt: skip
    doc = doc_of(tmp_path, "plan.yaml", text)
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "plan-schema",
            "'actions[0]' must be a mapping, but got 'limit-daily-contacts'",
            at(doc, 4, 5),
            "/actions/0",
            "write '- id: limit-daily-contacts': each entry is a mapping that starts with its id",
        )
    ]


def test_enum_lists_the_choices(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "plan.yaml", PLAN.replace("channel: gp_connect", "channel: gp_conect"))
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "plan-schema",
            "'setup.nhs111.booking_channel' must be one of: gp_connect, other_connected_service,"
            " phone_line, none, but got 'gp_conect'",
            at(doc, 9, 5),
            "/setup/nhs111/booking_channel",
            "did you mean 'gp_connect'?",
        )
    ]


def test_impossible_date_is_reported(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "plan.yaml", PLAN.replace("2024-11-05", "2024-02-30"))
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "plan-schema",
            "'assessed_on' must be a real date, but got '2024-02-30'",
            at(doc, 2, 1),
            "/assessed_on",
        )
    ]


def test_missing_required_key_is_reported_at_its_parent(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "plan.yaml", PLAN.replace("{name: Riverside Surgery, ", "{"))
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "plan-schema", "'practice' is missing required key 'name'", at(doc, 1, 1), "/practice"
        )
    ]


def test_misspelt_action_id_gets_did_you_mean(tmp_path: Path) -> None:
    text = PLAN.replace("id: limit-daily-contacts", "id: limit-daily-contact")
    doc = doc_of(tmp_path, "plan.yaml", text)
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "unknown-action",
            "no action is named 'limit-daily-contact'",
            at(doc, 4, 5),
            "/actions/0/id",
            "did you mean 'limit-daily-contacts'? Run 'gpca actions' to list them",
        )
    ]


def test_unknown_action_far_from_any_name_gets_the_listing_hint(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "plan.yaml", PLAN.replace("id: limit-daily-contacts", "id: strike"))
    [problem] = validate_plan_document(doc, RULES)
    assert (problem.code, problem.hint) == ("unknown-action", "run 'gpca actions' to list them")


def test_bad_action_parameter_type(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "plan.yaml", PLAN.replace("clinician: 25", "clinician: twenty-five"))
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "action-params",
            "'max_contacts_per_clinician' must be a whole number, but got 'twenty-five'",
            at(doc, 5, 5),
            "/actions/0/max_contacts_per_clinician",
            "write a number such as 25",
        )
    ]


def test_unknown_action_parameter_gets_did_you_mean(tmp_path: Path) -> None:
    text = PLAN.replace("max_contacts_per_clinician:", "max_contact_per_clinician:")
    doc = doc_of(tmp_path, "plan.yaml", text)
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "action-params",
            "the action 'limit-daily-contacts' has no parameter 'max_contact_per_clinician'",
            at(doc, 5, 5),
            "/actions/0/max_contact_per_clinician",
            "did you mean 'max_contacts_per_clinician'?",
        )
    ]


def test_duplicate_action_is_reported_at_the_second(tmp_path: Path) -> None:
    text = PLAN.replace("setup:", "  - id: limit-daily-contacts\nsetup:")
    doc = doc_of(tmp_path, "plan.yaml", text)
    assert validate_plan_document(doc, RULES) == [
        Problem(
            "duplicate-action",
            "the action 'limit-daily-contacts' is listed twice (first as actions[0])",
            at(doc, 6, 5),
            "/actions/1/id",
            "list each action once, with all its parameters in that one entry",
        )
    ]


def test_plan_problems_are_sorted_by_location(tmp_path: Path) -> None:
    text = PLAN.replace("per_day: 3", "per_day: two").replace("2024-11-05", "05/11/2024")
    doc = doc_of(tmp_path, "plan.yaml", text.replace("nhs111:", "nhs111:\n    colour: red"))
    lines = [(p.location.line, p.code) for p in validate_plan_document(doc, RULES) if p.location]
    assert lines == [(2, "plan-schema"), (8, "unknown-key"), (9, "plan-schema")]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
plan_like = st.fixed_dictionaries(
    {},
    optional={
        "practice": json_values,
        "assessed_on": json_values,
        "actions": st.lists(
            st.dictionaries(st.sampled_from(["id", "max_contacts_per_clinician", "x"]), json_values)
        ),
        "setup": json_values,
        "extra": json_values,
    },
)


@given(data=plan_like | json_values)
def test_validate_plan_never_raises(data: Any) -> None:
    problems = validate_plan_document(Document("plan.yaml", data, {}, ""), RULES)
    assert all(isinstance(problem, Problem) for problem in problems)


RULE_KEYS = st.sampled_from(["id", "kind", "params", "effects", "effective", "bears_on", "x"])


@given(data=st.dictionaries(RULE_KEYS, json_values))
@example(data={"effective": [{"²": None}]})  # a key that is a digit to str.isdigit, but no int
def test_validate_rule_never_raises(data: dict[str, Any]) -> None:
    for kind in ("constraint", "action", data.get("kind")):
        problems = validate_rule_document(Document("r.yaml", {**data, "kind": kind}, {}, ""))
        assert all(isinstance(problem, Problem) for problem in problems)


# --- rules -----------------------------------------------------------------------------


def test_good_rules_have_no_problems(tmp_path: Path) -> None:
    docs = [
        doc_of(tmp_path, "nhs111-minimum-slots.yaml", CONSTRAINT),
        doc_of(tmp_path, "limit-daily-contacts.yaml", ACTION),
    ]
    assert [validate_rule_document(doc) for doc in docs] + [validate_ruleset(docs)] == [[], [], []]


def test_misspelt_rule_key_gets_did_you_mean_and_nothing_else(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "nhs111-minimum-slots.yaml", CONSTRAINT.replace("severity:", "severty:"))
    assert validate_rule_document(doc) == [
        Problem(
            "unknown-key",
            "unknown key 'severty'",
            at(doc, 6, 1),
            "/severty",
            "did you mean 'severity'?",
        )
    ]


def test_rule_id_must_match_file_stem(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "nhs111-slots.yaml", CONSTRAINT)
    assert validate_rule_document(doc) == [
        Problem(
            "id-mismatch",
            "the id 'nhs111-minimum-slots' differs from the file name 'nhs111-slots'",
            at(doc, 1, 1),
            "/id",
            "rename the file to nhs111-minimum-slots.yaml, or change the id to 'nhs111-slots'",
        )
    ]


def test_rule_kind_is_required(tmp_path: Path) -> None:
    text = CONSTRAINT.replace("kind: constraint\n", "")
    doc = doc_of(tmp_path, "nhs111-minimum-slots.yaml", text)
    assert validate_rule_document(doc) == [
        Problem(
            "rule-schema",
            "missing required key 'kind'",
            at(doc, 1, 1),
            "",
            "write 'kind: constraint' for a requirement, or 'kind: action' for a BMA action",
        )
    ]


def test_rule_schema_error_descends_into_the_meant_branch(tmp_path: Path) -> None:
    text = ACTION.replace("param: max", "param: off\n    x: max")
    doc = doc_of(tmp_path, "limit-daily-contacts.yaml", text)
    [first, second] = validate_rule_document(doc)
    assert (first.code, first.message, first.location, first.hint) == (
        "rule-schema",
        "'effects[0].param' must be text, but got false",
        at(doc, 17, 5),
        "put it in quotes: YAML reads yes, no, on and off as true or false",
    )
    assert (second.code, second.message, second.location) == (
        "unknown-key",
        "unknown key 'x'",
        at(doc, 18, 5),
    )


def test_misspelt_term_key_gets_did_you_mean(tmp_path: Path) -> None:
    text = CONSTRAINT.replace("lt: 1}", "lt: {lett: x}}")
    doc = doc_of(tmp_path, "nhs111-minimum-slots.yaml", text)
    assert validate_rule_document(doc) == [
        Problem(
            "rule-schema",
            "'fails_when.lt' does not match any of the forms allowed here",
            at(doc, 16, 63),
            "/fails_when/lt",
            "did you mean 'let'?",
        )
    ]


def test_period_must_not_end_before_it_starts(tmp_path: Path) -> None:
    text = CONSTRAINT.replace("until: null", "until: 2018-01-01")
    doc = doc_of(tmp_path, "nhs111-minimum-slots.yaml", text)
    assert validate_rule_document(doc) == [
        Problem(
            "rule-schema",
            "'effective[0]' ends (2018-01-01) before it starts (2019-07-01)",
            at(doc, 9, 5),
            "/effective/0/until",
            "swap 'from' and 'until', or write 'until: null' for no end",
        )
    ]


def test_effect_param_must_be_declared(tmp_path: Path) -> None:
    text = ACTION.replace("param: max_contacts", "param: max_contact")
    doc = doc_of(tmp_path, "limit-daily-contacts.yaml", text)
    assert validate_rule_document(doc) == [
        Problem(
            "unknown-param",
            "the effect uses the parameter 'max_contact_per_clinician', which is not declared",
            at(doc, 17, 5),
            "/effects/0/param",
            "did you mean 'max_contacts_per_clinician'?",
        )
    ]


def test_param_schema_must_be_valid(tmp_path: Path) -> None:
    text = ACTION.replace("type: integer", "type: whole")
    doc = doc_of(tmp_path, "limit-daily-contacts.yaml", text)
    [problem] = validate_rule_document(doc)
    assert (problem.code, problem.pointer, problem.location) == (
        "rule-schema",
        "/params/max_contacts_per_clinician",
        at(doc, 14, 3),
    )


def test_bears_on_unknown_constraint_gets_did_you_mean(tmp_path: Path) -> None:
    constraint = doc_of(tmp_path, "nhs111-minimum-slots.yaml", CONSTRAINT)
    text = ACTION.replace("[nhs111-minimum-slots]", "[nhs111-minimum-slot]")
    action = doc_of(tmp_path, "limit-daily-contacts.yaml", text)
    assert validate_ruleset([constraint, action]) == [
        Problem(
            "unknown-constraint",
            "no constraint is named 'nhs111-minimum-slot'",
            at(action, 18, 12),
            "/bears_on/0",
            "did you mean 'nhs111-minimum-slots'?",
        )
    ]


def test_duplicate_rule_id_is_reported_at_the_second(tmp_path: Path) -> None:
    first = doc_of(tmp_path, "a/nhs111-minimum-slots.yaml", CONSTRAINT)
    second = doc_of(tmp_path, "b/nhs111-minimum-slots.yaml", CONSTRAINT)
    assert validate_ruleset([first, second]) == [
        Problem(
            "duplicate-id",
            f"the id 'nhs111-minimum-slots' is also used by {first.path}",
            at(second, 1, 1),
            "/id",
            "rule ids must be unique",
        )
    ]


READINGS = """readings:
  - reader: commissioner
    by: NHS England
    position: breach
    words: The commissioner says this is a breach.
    sources:
      - {title: A source, url: "https://example.org/a", quote: It is a breach., confidence: high, why: It says so.}
  - reader: profession
    by: BMA
    position: not_a_breach
    words: The profession says this is not a breach.
    sources:
      - {title: A source, url: "https://example.org/b", quote: It is not a breach., confidence: high, why: It says so.}
"""


def test_a_contested_rule_must_count_as_a_risk(tmp_path: Path) -> None:
    text = CONSTRAINT.replace("severity: breach", "severity: guidance_risk") + READINGS
    doc = doc_of(tmp_path, "nhs111-minimum-slots.yaml", text)
    assert validate_rule_document(doc) == [
        Problem(
            "contested-severity",
            "the readings make this point contested, but its severity is 'guidance_risk': "
            "a contested point risks a notice",
            at(doc, 6, 1),
            "/severity",
            "give it the severity of the commissioner's reading (breach or local_breach)",
        )
    ]


def test_a_contested_rule_with_a_breach_severity_has_no_problems(tmp_path: Path) -> None:
    doc = doc_of(tmp_path, "nhs111-minimum-slots.yaml", CONSTRAINT + READINGS)
    assert validate_rule_document(doc) == []
