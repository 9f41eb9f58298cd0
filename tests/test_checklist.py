"""The questions checklist: each missing path once, with what it unblocks, grouped and
ordered as the plan schema asks."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from engine.advice.checklist import OpenQuestion, QuestionGroup, group_key, questions_checklist
from engine.core.evaluate import Evaluator
from engine.core.model import ActionVerdict, Assessment, ChosenAction, RuleResult
from engine.inputs.load import load_plan, load_rules
from tests.builders import action, plan, ruleset

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text("utf-8"))
SETUP = SCHEMA["properties"]["setup"]["properties"]
OVERFLOW = {"type": "array", "description": "Where do urgent requests go once the limit is reached?"}
CAP = {"type": "integer", "description": "How many contacts a day per clinician?"}
RULES = ruleset(action("limit", params={"max_contacts": CAP, "urgent_overflow": OVERFLOW}),
                action("freeze"), action("switch-off"))  # fmt: skip
CLOSURES = SETUP["access"]["properties"]["closures"]["description"]
CBT = SETUP["telephony"]["properties"]["cbt_data_extraction_accepted"]["description"]
STATUS = SETUP["data_sharing"]["items"]["properties"]["status"]["description"]
BASIS = SETUP["data_sharing"]["items"]["properties"]["legal_basis"]["description"]
PATIENTS = SCHEMA["properties"]["practice"]["properties"]["registered_patients"]["description"]


def cannot_tell(rule_id: str, *missing: str, by: tuple[str, ...] = ("practice",)) -> RuleResult:
    return RuleResult(rule_id, "cannot_tell", "breach", attributed_to=by, missing=missing)


def assessment(results: tuple[RuleResult, ...], verdicts: tuple[ActionVerdict, ...]) -> Assessment:
    chosen = [ChosenAction(v.action_id, {}) for v in verdicts]
    return Assessment(plan({}, *chosen, practice={"name": "Sparse Surgery"}), "2026-04-01", results, verdicts)


def test_a_sparse_plan_asks_each_question_once_in_the_order_of_the_plan() -> None:
    results = (
        cannot_tell("cbt", "setup.telephony.cbt_data_extraction_accepted"),
        cannot_tell("flows", "setup.data_sharing[1].status", "setup.data_sharing[0].status",
                    "setup.data_sharing[0].legal_basis"),
        cannot_tell("overflow", "actions[0].urgent_overflow", "actions[0].max_contacts", by=("limit",)),
        cannot_tell("slots", "practice.registered_patients", "setup.access.closures"),
        RuleResult("gp-connect", "fail", "breach", attributed_to=("switch-off",)),
    )
    verdicts = (ActionVerdict("limit", "cannot_tell", ("overflow",)), ActionVerdict("freeze", "safe", ()),
                ActionVerdict("switch-off", "risk", ("gp-connect",)))  # fmt: skip

    checklist = questions_checklist(assessment(results, verdicts), RULES)

    assert checklist == (
        QuestionGroup("practice", "The practice", (
            OpenQuestion("practice.registered_patients", PATIENTS, (), ("slots",)),)),
        QuestionGroup("actions", "The collective actions the practice intends to take", (
            OpenQuestion("actions[0].max_contacts", "For the action limit: " + CAP["description"],
                         ("limit",), ("overflow",)),
            OpenQuestion("actions[0].urgent_overflow", "For the action limit: " + OVERFLOW["description"],
                         ("limit",), ("overflow",)))),
        QuestionGroup("access", "How patients can reach the practice during core hours", (
            OpenQuestion("setup.access.closures", CLOSURES, (), ("slots",)),)),
        QuestionGroup("telephony", "Cloud-based telephony data", (
            OpenQuestion("setup.telephony.cbt_data_extraction_accepted", CBT, (), ("cbt",)),)),
        QuestionGroup("data_sharing", "The data sharing agreements and collections the practice is party to", (
            OpenQuestion("setup.data_sharing[0].legal_basis", BASIS, (), ("flows",)),
            OpenQuestion("setup.data_sharing[0].status", STATUS, (), ("flows",)),
            OpenQuestion("setup.data_sharing[1].status", STATUS, (), ("flows",)))),
    )  # fmt: skip


def test_two_actions_waiting_on_one_question_share_it() -> None:
    results = (
        cannot_tell("first", "setup.telephony.cbt_data_extraction_accepted", by=("freeze",)),
        cannot_tell("second", "setup.telephony.cbt_data_extraction_accepted", by=("switch-off",)),
        cannot_tell("third", "setup.telephony.cbt_data_extraction_accepted"),
    )
    verdicts = (ActionVerdict("switch-off", "cannot_tell", ("second",)),
                ActionVerdict("freeze", "cannot_tell", ("first",)))  # fmt: skip

    checklist = questions_checklist(assessment(results, verdicts), RULES)

    assert checklist == (
        QuestionGroup("telephony", "Cloud-based telephony data", (
            OpenQuestion("setup.telephony.cbt_data_extraction_accepted", CBT, ("freeze", "switch-off"),
                         ("first", "second", "third")),)),
    )  # fmt: skip


def test_a_section_that_is_one_answer_is_headed_by_its_name() -> None:
    checklist = questions_checklist(assessment((cannot_tell("new", "setup.new_data_sharing"),), ()), RULES)

    assert [(group.key, group.title) for group in checklist] == [("new_data_sharing", "New data sharing")]


def test_a_plan_with_nothing_to_tell_has_no_questions() -> None:
    verdicts = (ActionVerdict("freeze", "safe", ()),)
    results = (RuleResult("pass", "pass", "breach"), RuleResult("fail", "fail", "breach", ("practice",)))

    assert questions_checklist(assessment(results, verdicts), RULES) == ()


def test_the_example_plan_answers_every_question_its_actions_need() -> None:
    rules = load_rules()
    riverside = Evaluator(rules).assess(load_plan(ROOT / "examples" / "riverside.yaml", rules))

    assert questions_checklist(riverside, rules) == ()


def test_the_untouched_template_asks_by_the_plan_schema_s_sections_in_order() -> None:
    rules = load_rules()
    template = Evaluator(rules).assess(load_plan(ROOT / "examples" / "plan-template.yaml", rules))

    keys = [group.key for group in questions_checklist(template, rules)]

    assert keys == [key for key in ["practice", *SETUP] if key in keys]
    assert keys[:3] == ["practice", "access", "first_contact"]


SCHEMA_PATHS = [f"setup.{section}.{field}" for section, node in SETUP.items()
                for field in node.get("properties", {})]  # fmt: skip


@given(st.lists(st.tuples(st.sampled_from(SCHEMA_PATHS), st.sampled_from(["a", "b", "c"])), max_size=30))
def test_every_missing_path_is_asked_exactly_once_and_the_order_is_the_plan_s(
    missing: list[tuple[str, str]],
) -> None:
    results = tuple(cannot_tell(rule_id, *[path for path, rule in missing if rule == rule_id])
                    for rule_id in ("a", "b", "c"))  # fmt: skip

    checklist = questions_checklist(assessment(results, ()), RULES)

    asked = [question.path for group in checklist for question in group.questions]
    assert asked == [path for path in SCHEMA_PATHS if path in dict(missing)]
    assert all(group_key(q.path) == group.key for group in checklist for q in group.questions)
    assert all(group.questions for group in checklist)
