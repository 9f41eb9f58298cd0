"""The reporters: exact text for hand-built assessments, and JSON that meets its schema."""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import __version__
from engine.advice import questions
from engine.advice import words as common
from engine.advice.words import question_for
from engine.core.model import (
    PRACTICE,
    Action,
    ActionVerdict,
    Assessment,
    Constraint,
    Effect,
    Period,
    Phase,
    Plan,
    RuleResult,
    RuleSet,
    Source,
)
from engine.report import REPORTERS, render

BMA = Source(
    title="BMA: GP partner/contractor collective action: 9 actions you can take",
    url="https://www.bma.org.uk/9-actions",
    quote="Switch off GP Connect (Update Record) functionality",
    confidence="high",
    why="The BMA's own list.",
)
LMC = Source(
    title="Lincolnshire LMC: NHS 111 remote appointment booking",
    url="https://lincslmc.co.uk/nhs-111-remote-appointment-booking",
    quote="as a minimum ... 1 appointment per 3000 registered patients",
    confidence="medium",
    why="LMC summary of the GMS contract.",
)


def constraint(rule_id: str, **fields: object) -> Constraint:
    base: dict[str, object] = {
        "id": rule_id,
        "title": f"Title of {rule_id}",
        "ref": "C-X-01",
        "force": "contract",
        "severity": "breach",
        "effective": (Period("2019-07-01", None),),
        "sources": (LMC,),
        "fails_when": {"path": "setup.x", "eq": False},
        "message": "Message of " + rule_id,
        "remedy": "Remedy of " + rule_id,
    }
    base.update(fields)
    return Constraint(**base)  # type: ignore[arg-type]


RULES = RuleSet(
    constraints=(
        constraint(
            "gp-connect-update-record-enabled",
            title="Keep GP Connect Update Record switched on",
            effective=(Period("2025-10-01", None),),
            sources=(BMA, LMC),
            message="GP Connect Update Record is switched off.",
            remedy="Switch GP Connect Update Record back on.",
        ),
        constraint(
            "nhs111-minimum-slots",
            title="Offer at least the contractual minimum of NHS 111 direct-booking slots",
            lets={"min_slots": {"max": [1, 2]}},
            fails_when={"path": "setup.nhs111.slots", "lt": {"let": "min_slots"}},
            message=(
                "The practice offers {setup.nhs111.direct_booking_slots_per_day} slots a day;"
                " the minimum is {min_slots}."
            ),
            remedy="Offer at least {min_slots} slots a day for {practice.name}.",
        ),
        constraint(
            "online-consultation-core-hours",
            title="Keep online consultation open in core hours",
            severity="guidance_risk",
            effective=(Period("2025-10-01", None),),
        ),
        constraint(
            "data-sharing-dpn",
            title="Keep statutory data collections",
            severity="local_breach",
            effective=(Period("2024-08-01", "2025-02-28"),),
        ),
    ),
    actions=(
        Action(
            id="switch-off-gp-connect-update-record",
            title="Switch off GP Connect Update Record",
            phases=(
                Phase("2024 collective action", "2024-08-01", "2025-02-28", "recommended"),
                Phase("Contractually required to be on", "2025-10-01", None, "superseded"),
            ),
            wording="Switch off GP Connect (Update Record).",
            sources=(BMA,),
            effects=(Effect(target="setup.gp_connect.update_record_enabled", value=False),),
            bears_on=("gp-connect-update-record-enabled",),
            instead="Keep Update Record on and review incoming messages.",
        ),
        Action(
            id="limit-daily-contacts",
            title="Limit daily patient contacts per clinician",
            phases=(Phase("2024 collective action", "2024-08-01", None, "recommended"),),
            wording="Limit daily patient consultations per clinician to 25.",
            sources=(BMA,),
            effects=(Effect(target="setup.capacity.max", param="max_contacts"),),
            bears_on=("nhs111-minimum-slots",),
        ),
    ),
    directories=("rules",),
    digest="0123456789abcdef0123456789abcdef",
)

PLAN = Plan(
    path="plans/riverside.yaml",
    practice={"name": "Riverside Surgery", "ods_code": "Y01234", "registered_patients": 9027},
    assessed_on="2025-10-01",
    actions=(),
    setup={"nhs111": {"direct_booking_slots_per_day": 2}},
    raw=b"feedface",
)

ASSESSMENT = Assessment(
    plan=PLAN,
    as_of="2025-10-01",
    results=(
        RuleResult(
            "gp-connect-update-record-enabled",
            "fail",
            "breach",
            attributed_to=("switch-off-gp-connect-update-record",),
            message="GP Connect Update Record is switched off.",
            remedy="Switch GP Connect Update Record back on.",
        ),
        RuleResult(
            "nhs111-minimum-slots",
            "fail",
            "breach",
            attributed_to=(PRACTICE,),
            message="The practice offers 2 slots a day; the minimum is 3.",
            remedy="Offer at least 3 slots a day for Riverside Surgery.",
        ),
        RuleResult(
            "online-consultation-core-hours",
            "cannot_tell",
            "guidance_risk",
            attributed_to=("limit-daily-contacts",),
            missing=("setup.online.oc_switch_off", "setup.data_sharing[0].status"),
        ),
        RuleResult(
            "data-sharing-dpn",
            "not_applicable",
            "local_breach",
            reason="not in effect on 1 October 2025",
        ),
    ),
    actions=(
        ActionVerdict(
            "switch-off-gp-connect-update-record",
            "risk",
            findings=("gp-connect-update-record-enabled",),
            in_phase=False,
        ),
        ActionVerdict(
            "limit-daily-contacts",
            "cannot_tell",
            findings=("online-consultation-core-hours",),
        ),
    ),
)

SAFE_ASSESSMENT = Assessment(
    plan=PLAN,
    as_of="2024-11-05",
    results=(
        RuleResult("nhs111-minimum-slots", "pass", "breach"),
        RuleResult("gp-connect-update-record-enabled", "not_applicable", "breach"),
    ),
    actions=(ActionVerdict("switch-off-gp-connect-update-record", "safe", findings=()),),
)

SCHEMAS = Path(__file__).parent.parent / "schemas"
REPORT_SCHEMA = json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8"))
PLAN_SCHEMA = json.loads((SCHEMAS / "plan.schema.json").read_text(encoding="utf-8"))
# The questions in the text report come from the plan schema; a fixed one keeps the
# report tests about formatting, not about the schema's current wording.
QUESTIONS = {
    "properties": {
        "setup": {
            "properties": {
                "online": {"properties": {"oc_switch_off": {"description": "When is it off?"}}},
                "data_sharing": {
                    "items": {"properties": {"status": {"description": "Is it continuing?"}}}
                },
            }
        }
    }
}


@pytest.fixture(autouse=True)
def fixed_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(questions, "plan_schema", lambda: QUESTIONS)

RISK_REPORT = """\
Riverside Surgery (ODS code Y01234)
Plan: plans/riverside.yaml
Assessed as of: 1 October 2025
Rules version: gpca <version>, rules 0123456789ab
Overall: RISK OF BREACH

Your chosen actions
  RISKS BREACH: Switch off GP Connect Update Record (switch-off-gp-connect-update-record)
  CANNOT TELL: Limit daily patient contacts per clinician (limit-daily-contacts)
Questions still to answer: 2, listed below

What gpca found for your chosen actions
  RISKS BREACH: Switch off GP Connect Update Record (switch-off-gp-connect-update-record)
    Note: this action is not on the BMA menu on 1 October 2025; from 1 October 2025 it is superseded
    (Contractually required to be on).
    - Keep GP Connect Update Record switched on (gp-connect-update-record-enabled)
      GP Connect Update Record is switched off.
      Severity: breach of the core contract
      Source (high confidence): BMA: GP partner/contractor collective action: 9 actions you can take
        https://www.bma.org.uk/9-actions
    What to do instead:
      Keep Update Record on and review incoming messages.

  CANNOT TELL: Limit daily patient contacts per clinician (limit-daily-contacts)
    We cannot tell whether 1 rule would be broken until the plan answers 2 questions listed below
    (gpca explain shows each rule).

Already the case, whatever you choose
  - Offer at least the contractual minimum of NHS 111 direct-booking slots (nhs111-minimum-slots)
    The practice offers 2 slots a day; the minimum is 3.
    Severity: breach of the core contract
    Source (medium confidence): Lincolnshire LMC: NHS 111 remote appointment booking
      https://lincslmc.co.uk/nhs-111-remote-appointment-booking
    What to do instead:
      Offer at least 3 slots a day for Riverside Surgery.

Questions still to answer (2)
  Online consultation and online access
    * When is it off? (setup.online.oc_switch_off)
      Unblocks: Limit daily patient contacts per clinician
  The data sharing agreements and collections the practice is party to
    * Is it continuing? (setup.data_sharing[0].status)
      Unblocks: Limit daily patient contacts per clinician

Not applicable on this date:
  - 1 rule not in effect on 1 October 2025 (gpca rules lists each rule's dates)

2 actions: 0 safe, 0 safe with cautions, 1 risks breach, 1 cannot tell; 4 constraints checked: 0
pass, 2 fail, 0 caution, 1 cannot tell, 1 not applicable
""".replace("<version>", __version__)

SAFE_REPORT = """\
Riverside Surgery (ODS code Y01234)
Plan: plans/riverside.yaml
Assessed as of: 5 November 2024
Rules version: gpca <version>, rules 0123456789ab
Overall: NO RISK FOUND

Your chosen actions
  SAFE: Switch off GP Connect Update Record (switch-off-gp-connect-update-record)
Questions still to answer: none

Already the case, whatever you choose
  Nothing: the practice as it is meets every rule checked.

Not applicable on this date:
  - 1 rule not in effect on 5 November 2024 (gpca rules lists each rule's dates)

1 action: 1 safe, 0 safe with cautions, 0 risks breach, 0 cannot tell; 2 constraints checked: 1
pass, 0 fail, 0 caution, 0 cannot tell, 1 not applicable
""".replace("<version>", __version__)

DISCLAIMER = "gpca is decision support, not legal advice. Check with your LMC before acting.\n"


def test_text_report_groups_findings_by_action_then_practice() -> None:
    assert render("text", [ASSESSMENT], RULES) == RISK_REPORT + "\n" + DISCLAIMER


def test_text_report_for_several_plans_ends_with_a_plan_summary() -> None:
    got = render("text", [SAFE_ASSESSMENT, ASSESSMENT], RULES)
    summary = "2 plans: 1 risk, 0 cannot tell, 1 no risk\n"
    assert got == SAFE_REPORT + "\n" + RISK_REPORT + "\n" + summary + "\n" + DISCLAIMER


def test_text_report_lines_stay_under_100_characters_except_urls() -> None:
    lines = render("text", [ASSESSMENT, SAFE_ASSESSMENT], RULES).splitlines()
    assert [line for line in lines if len(line) > 100 and "https://" not in line] == []


def test_text_report_says_when_the_plan_chooses_no_action() -> None:
    quiet = Assessment(PLAN, "2025-10-01", SAFE_ASSESSMENT.results, ())
    lines = render("text", [quiet], RULES).splitlines()
    assert lines[6:8] == ["Your chosen actions", "  The plan chooses no actions."]


def test_text_report_notes_an_action_off_the_menu_in_no_phase() -> None:
    verdict = ActionVerdict("switch-off-gp-connect-update-record", "safe", (), in_phase=False)
    gap = Assessment(PLAN, "2025-06-01", SAFE_ASSESSMENT.results, (verdict,))
    lines = render("text", [gap], RULES).splitlines()
    assert lines[10:13] == ["What gpca found for your chosen actions",
                            "  SAFE: Switch off GP Connect Update Record (switch-off-gp-connect-update-record)",
                            "    Note: this action is not on the BMA menu on 1 June 2025."]


def test_text_report_shows_the_header_without_an_ods_code() -> None:
    plan = Plan("p.yaml", {"name": "Hill Practice"}, "2025-10-01", (), {})
    lines = render("text", [Assessment(plan, "2025-10-01", (), ())], RULES).splitlines()
    assert lines[0] == "Hill Practice (ODS code not given)"


def test_json_report_gives_the_checklist_of_questions_still_to_answer() -> None:
    document = json.loads(render("json", [ASSESSMENT, SAFE_ASSESSMENT], RULES))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    waiting = {"actions": ["limit-daily-contacts"], "rules": ["online-consultation-core-hours"]}
    assert [plan["questions"] for plan in document["plans"]] == [[
        {"key": "online", "title": "Online consultation and online access", "questions": [
            {"path": "setup.online.oc_switch_off", "question": "When is it off?", **waiting}]},
        {"key": "data_sharing", "title": "The data sharing agreements and collections the practice is party to",
         "questions": [{"path": "setup.data_sharing[0].status", "question": "Is it continuing?", **waiting}]},
    ], []]  # fmt: skip


def test_json_report_validates_and_keeps_every_result_field() -> None:
    document = json.loads(render("json", [ASSESSMENT, SAFE_ASSESSMENT], RULES))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    assert document["plans"][0]["results"][2] == {
        "rule_id": "online-consultation-core-hours",
        "pack": "national",
        "outcome": "cannot_tell",
        "severity": "guidance_risk",
        "attributed_to": ["limit-daily-contacts"],
        "missing": ["setup.online.oc_switch_off", "setup.data_sharing[0].status"],
        "message": "",
        "reason": "",
        "earliest_note": "",
        "waiver": None,
    }
    assert document["plans"][0]["actions"][0] == {
        "id": "switch-off-gp-connect-update-record",
        "title": "Switch off GP Connect Update Record",
        "status": "risk",
        "contested": False,
        "in_phase": False,
        "findings": ["gp-connect-update-record-enabled"],
        "cautions": [],
    }
    assert document["summary"] == {
        "plans": 2,
        "overall": {"no_risk": 1, "risk": 1, "cannot_tell": 0},
        "actions": {"safe": 1, "safe_with_cautions": 0, "risk": 1, "cannot_tell": 1},
        "outcomes": {"pass": 1, "fail": 2, "cannot_tell": 1, "not_applicable": 2},
        "waived_findings": 0,
    }
    assert (document["gpca_version"], document["rules_digest"]) == (__version__, RULES.digest)
    assert [p["overall"] for p in document["plans"]] == ["risk", "no_risk"]


def test_report_schema_rejects_an_unknown_outcome() -> None:
    document = json.loads(render("json", [ASSESSMENT], RULES))
    document["plans"][0]["results"][0]["outcome"] = "maybe"
    with pytest.raises(jsonschema.ValidationError) as raised:
        jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    assert raised.value.message.startswith("'maybe' is not one of")


def test_report_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)


RESULTS = st.builds(
    RuleResult,
    rule_id=st.sampled_from([c.id for c in RULES.constraints]),
    outcome=st.sampled_from(["pass", "fail", "cannot_tell", "not_applicable"]),
    severity=st.sampled_from(["breach", "local_breach", "guidance_risk", "advisory"]),
    attributed_to=st.lists(st.sampled_from([PRACTICE, "limit-daily-contacts"])).map(tuple),
    missing=st.lists(st.sampled_from(["setup.nhs111.booking_channel", "x.y"])).map(tuple),
    message=st.text(max_size=20),
    reason=st.text(max_size=20),
)
VERDICTS = st.builds(
    ActionVerdict,
    action_id=st.sampled_from([a.id for a in RULES.actions]),
    status=st.sampled_from(["safe", "risk", "cannot_tell"]),
    findings=st.just(()),
    in_phase=st.booleans(),
)


@given(st.lists(st.tuples(st.lists(RESULTS, max_size=4), st.lists(VERDICTS, max_size=2))))
def test_json_report_always_validates(
    runs: list[tuple[list[RuleResult], list[ActionVerdict]]],
) -> None:
    assessments = [Assessment(PLAN, "2025-10-01", tuple(r), tuple(v)) for r, v in runs]
    document = json.loads(render("json", assessments, RULES))
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)
    assert document["summary"]["plans"] == len(runs)


def test_question_for_maps_list_items_through_the_schema() -> None:
    assert question_for("setup.data_sharing[0].status") == "Is it continuing?"
    assert question_for("setup.data_sharing.3.status") == "Is it continuing?"
    assert question_for("setup.nowhere") == "setup.nowhere"


def test_question_for_reads_the_shipped_plan_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    setup = PLAN_SCHEMA["properties"]["setup"]["properties"]
    assert question_for("setup.nhs111.direct_booking_slots_per_day") == (
        setup["nhs111"]["properties"]["direct_booking_slots_per_day"]["description"]
    )
    assert question_for("setup.services[1].stops_on") == (
        setup["services"]["items"]["properties"]["stops_on"]["description"]
    )


def test_render_rejects_an_unknown_format() -> None:
    with pytest.raises(KeyError):
        render("yaml", [ASSESSMENT], RULES)
    assert sorted(REPORTERS) == ["github", "html", "json", "jsonl", "junit", "markdown", "sarif", "text"]


@functools.cache
def _riverside_assessment() -> Assessment:
    from adviser_support import evaluator, rules

    from engine.inputs.load import load_plan

    return evaluator().assess(load_plan(Path(__file__).resolve().parent.parent / "examples" / "riverside.yaml", rules()))


def _named(name: str) -> Assessment:
    from engine.core.model import replace

    assessment = _riverside_assessment()
    plan = replace(assessment.plan, practice={**assessment.plan.practice, "name": name})
    return replace(assessment, plan=plan)


def _report_lines(fmt: str, name: str) -> list[str]:
    from adviser_support import rules

    return render(fmt, [_named(name)], rules()).splitlines()


@given(st.text(max_size=60))
def test_no_practice_name_adds_a_line_to_the_text_report(name: str) -> None:
    honest, forged = _report_lines("text", "Riverside"), _report_lines("text", name)
    assert len(forged) == len(honest)
    assert [line for line in forged if line.startswith("Overall: ")] == ["Overall: RISK OF BREACH"]


@given(st.text(max_size=60))
def test_no_practice_name_adds_a_heading_or_a_line_to_the_markdown_report(name: str) -> None:
    honest, forged = _report_lines("markdown", "Riverside"), _report_lines("markdown", name)
    assert len(forged) == len(honest)
    headings = [line for line in forged if line.startswith("#")]
    assert len(headings) == len([line for line in honest if line.startswith("#")])
    assert headings[0].endswith(": collective-action plan check")


CHECKED_RULES = RuleSet(RULES.constraints, RULES.actions, RULES.directories, RULES.digest,
                        sources_checked_to="2025-09-30")  # fmt: skip
UNCHECKED_NOTE = ("The rules' sources were last checked to 30 September 2025; this check is as of "
                  "1 October 2025, after that date, so the contract or the BMA menu may have changed "
                  "since. Check with your LMC.")  # fmt: skip


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_says_when_the_check_is_after_the_sources_were_checked(fmt: str) -> None:
    flat = " ".join(render(fmt, [ASSESSMENT], CHECKED_RULES).replace("\\n", " ").split())
    assert UNCHECKED_NOTE in html.unescape(flat)


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_format_warns_on_a_check_within_the_checked_date(fmt: str) -> None:
    text = render(fmt, [SAFE_ASSESSMENT], CHECKED_RULES)
    assert "sources were last checked" not in text


def test_the_json_report_gives_the_checked_date_and_meets_its_schema() -> None:
    document = json.loads(render("json", [ASSESSMENT, SAFE_ASSESSMENT], CHECKED_RULES))
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["sources_checked_to"] == "2025-09-30"
    assert [p["after_sources_checked"] for p in document["plans"]] == [True, False]
    assert [p["unchecked_note"] for p in document["plans"]] == [UNCHECKED_NOTE, ""]


def test_the_json_report_says_when_a_national_date_is_only_the_earliest() -> None:
    rule = constraint("gp-connect-update-record-enabled", effective=(Period("2025-10-01", None),),
                      binds_by_variation=True)  # fmt: skip
    rules = RuleSet((rule, *RULES.constraints[1:]), RULES.actions, RULES.directories, RULES.digest)
    document = json.loads(render("json", [ASSESSMENT], rules))
    jsonschema.validate(document, REPORT_SCHEMA)
    notes = {r["rule_id"]: r["earliest_note"] for r in document["plans"][0]["results"]}
    assert notes["gp-connect-update-record-enabled"] == (
        "This duty starts nationally on 1 October 2025: that is the earliest date it can bind the practice, "
        "which is bound once its contract variation notice has run (at least 14 days). Give "
        "practice.contract_variation_notice_on to check the practice's own date.")
    assert notes["nhs111-minimum-slots"] == ""


def test_a_phase_replaced_by_the_menu_reads_as_words() -> None:
    action = Action(id="a", title="A", phases=(Phase("Roadshow option", "2024-06-05", "2024-07-31", "superseded_by_menu"),),
                    wording="w", sources=(BMA,), effects=(), bears_on=())  # fmt: skip
    assert common.phase_note(action, "2024-07-01", "This action") == (
        "This action is not on the BMA menu on 1 July 2024; 5 June 2024 to 31 July 2024 it is replaced by the "
        "BMA's menu of August 2024 (Roadshow option).")


def test_a_contested_risk_is_shown_with_both_readings_in_text_and_json() -> None:
    from engine.core.evaluate import Evaluator
    from engine.inputs.load import load_rules
    from engine.authoring.verify import load_case

    rules = load_rules(None)
    case = load_case(Path(__file__).parent.parent / "fixtures" / "capacity" / "overflow-to-nhs111-2025.yaml", rules)
    assessment = Evaluator(rules).assess(case.plan)
    text = render("text", [assessment], rules)
    assert "  RISKS A NOTICE (CONTESTED): Limit daily patient contacts per clinician (limit-daily-contacts)\n" in text
    assert "      Severity: breach of the core contract, on the commissioner's reading\n" in text
    assert "      Contested: the readings differ.\n" in text
    summary = " ".join(text.split())
    assert ("1 action: 0 safe, 0 safe with cautions, 0 risks breach, 1 risks a notice (contested), "
            "0 cannot tell;") in summary
    document = json.loads(render("json", [assessment], rules))
    (action,) = document["plans"][0]["actions"]
    assert (action["status"], action["contested"]) == ("risk", True)
    (result,) = [r for r in document["plans"][0]["results"] if r["rule_id"] == "no-nhs111-overflow-in-core-hours"]
    assert [(r["reader"], r["by"], r["position"]) for r in result["readings"]] == [
        ("commissioner", "NHS England (national FAQs, as published by North East London ICB)", "breach"),
        ("profession", "BMA (safe working guidance)", "not_a_breach"),
    ]
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(document)


CAUTIONED = Path(__file__).parent.parent / "fixtures" / "capacity" / "limit-daily-contacts-2025-warning.yaml"


@pytest.fixture(scope="module")
def cautioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import yaml

    path = tmp_path_factory.mktemp("cautions") / "plan.yaml"
    path.write_text(yaml.safe_dump(yaml.safe_load(CAUTIONED.read_text("utf-8"))["plan"]), "utf-8")
    return path


def check_as(fmt: str, path: Path) -> tuple[int, str]:
    from click.testing import CliRunner

    from engine.cli import gpca

    result = CliRunner().invoke(gpca, ["check", "--format", fmt, str(path)], prog_name="gpca")
    return result.exit_code, result.output


def test_an_action_with_only_guidance_cautions_is_safe_with_cautions_in_every_format(cautioned: Path) -> None:
    code, text = check_as("text", cautioned)
    assert code == 0  # exit codes are unchanged: no contract-level finding
    assert "Overall: NO RISK FOUND" in text
    assert "  SAFE, WITH CAUTIONS: Limit daily patient contacts per clinician (limit-daily-contacts)" in text
    summary = " ".join(text.split("\n\n")[-2].split())
    assert "0 fail, 1 caution" in summary and "1 safe with cautions" in summary
    document = json.loads(check_as("json", cautioned)[1])
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["plans"][0]["actions"][0]["status"] == "safe_with_cautions"
    assert document["summary"]["actions"]["safe_with_cautions"] == 1
    assert ("- 🟡 [SAFE, WITH CAUTIONS: Limit daily patient contacts per clinician](#action-limit-daily-contacts)"
            in check_as("markdown", cautioned)[1])
    assert '<span class="light safe_with_cautions">SAFE, WITH CAUTIONS</span>' in check_as("html", cautioned)[1]
    sarif = json.loads(check_as("sarif", cautioned)[1])
    assert [(a["action"], a["status"]) for a in sarif["runs"][0]["properties"]["actions"]] == [
        ("limit-daily-contacts", "safe_with_cautions")]


def test_each_action_status_has_its_words_in_one_table() -> None:
    assert list(common.ACTION_STATUSES) == ["safe", "safe_with_cautions", "risk", "contested", "cannot_tell"]
    assert common.ACTION_STATUS_LABELS["safe_with_cautions"] == "SAFE, WITH CAUTIONS"
    assert common.ACTION_STATUS_LABELS["contested"] == "RISKS A NOTICE (CONTESTED)"
    assert set(REPORT_SCHEMA["$defs"]["action_status"]["enum"]) == set(common.STATUS_VALUES)


# --- the width text is wrapped to -------------------------------------------------------


def test_fit_wraps_long_lines_under_their_words_and_never_breaks_a_url() -> None:
    url = "https://example.org/" + "a" * 40
    text = "\n".join(["short line", "  [yes] one two three four five", "  - one two three four five",
                      "  plain one two three four five", f"    {url}", f"Plan: {url} (the plan)"])  # fmt: skip
    assert common.fit(text, 20) == "\n".join([
        "short line",
        "  [yes] one two",
        "        three four",
        "        five",
        "  - one two three",
        "    four five",
        "  plain one two",
        "    three four five",
        f"    {url}",
        f"Plan: {url}",
        "  (the plan)",
    ])  # fmt: skip


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def fileno(self) -> int:
        return 1


@pytest.mark.parametrize(("tty", "columns", "width"), [(False, 160, 100), (True, 160, 160), (True, 20, 40)])
def test_text_is_as_wide_as_the_terminal_and_100_when_there_is_none(
    tty: bool, columns: int, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import sys

    monkeypatch.setattr(sys, "stdout", _Stream(tty))
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((columns, 50)))
    assert common.text_width() == width


@given(st.integers(40, 200))
def test_every_line_of_a_rule_in_full_fits_any_width(width: int) -> None:
    from adviser_support import rules

    from engine.report.catalogue import render_rule

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "text_width", lambda: width)
        text = render_rule(rules(), "limit-daily-contacts") + render_rule(rules(), "les-termination-notice")
    # only a word that could not fit after the line's indent and a marker (a URL) may stick out
    def unfittable(line: str) -> bool:
        room = width - (len(line) - len(line.lstrip())) - len("[unknown] ")
        return any(len(word) > room for word in line.split())

    assert [line for line in text.splitlines() if len(line) > width and not unfittable(line)] == []


_WORDS = st.lists(st.text("ab-/é ", min_size=1, max_size=30).map(lambda w: w.strip() or "x"), max_size=25)


@given(_WORDS, st.one_of(st.integers(-2, 2), st.integers(-80, 80)), st.sampled_from(["", "  ", "    - "]),
       st.sampled_from(["", "  ", "Plan: "]))  # fmt: skip
def test_wrap_lays_out_text_as_textwrap_does(words: list[str], offset: int, indent: str, first: str) -> None:
    import textwrap

    text = " ".join(" ".join(words).split())
    width = max(10, len(first) + len(text) + offset)  # often just too narrow, or just wide enough
    expected = textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=indent,
                             break_long_words=False, break_on_hyphens=False)  # fmt: skip
    assert list(common.wrapped(text, width, first, indent)) == expected


_ANSWERS = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(st.text(max_size=6), _ANSWERS, max_size=4))
def test_json_report_is_written_as_the_json_module_writes_it(practice: dict[str, object]) -> None:
    from engine.core.model import replace
    from engine.report.json import indented_json, plan_object

    assessment = replace(ASSESSMENT, plan=replace(PLAN, practice={**PLAN.practice, **practice}))
    written = render("json", [assessment, SAFE_ASSESSMENT], RULES)
    assert written == json.dumps(json.loads(written), indent=2, ensure_ascii=False) + "\n"
    plan = plan_object(assessment, RULES)  # one plan, as the report written plan by plan has it
    assert indented_json(plan, plan["practice"]) == json.dumps(plan, indent=2, ensure_ascii=False)
    assert json.loads(indented_json(plan, plan["practice"])) == json.loads(written)["plans"][0]
