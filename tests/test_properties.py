"""Properties of the engine over generated plans, checked against the reference evaluator."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.evaluate import Evaluator
from engine.load import builtin_schema, load_rules
from engine.model import PRACTICE, Plan, replace
from engine.reference import reference_attribution, reference_outcomes
from tests.strategies import plans

RULES = load_rules(None)
EVALUATOR = Evaluator(RULES)
PLANS = plans(RULES, builtin_schema("plan.schema.json"))


def verdicts(plan: Plan) -> dict[str, tuple[str, frozenset[str]]]:
    return {r.rule_id: (r.outcome, frozenset(r.attributed_to)) for r in EVALUATOR.assess(plan).results}


@given(PLANS)
def test_every_schema_valid_plan_gets_a_verdict(plan: Plan) -> None:
    assessment = EVALUATOR.assess(plan)
    assert [r.rule_id for r in assessment.results] == [c.id for c in RULES.constraints]
    assert [v.action_id for v in assessment.actions] == [a.id for a in plan.actions]
    assert assessment.overall in ("no_risk", "risk", "cannot_tell")


@given(PLANS)
def test_durable_rules_and_the_reference_evaluator_agree(plan: Plan) -> None:
    assessment = EVALUATOR.assess(plan)
    assert {r.rule_id: r.outcome for r in assessment.results} == reference_outcomes(RULES, plan)
    engine_attribution = {r.rule_id: set(r.attributed_to) for r in assessment.results if r.attributed_to}
    reference = {rule_id: set(causes) for rule_id, causes in reference_attribution(RULES, plan).items()}
    assert engine_attribution == reference


@given(PLANS, st.randoms(use_true_random=False))
def test_verdicts_do_not_depend_on_the_order_of_actions_or_list_items(plan: Plan, random) -> None:
    actions = list(plan.actions)
    random.shuffle(actions)
    setup = {key: _shuffled(value, random) for key, value in plan.setup.items()}
    reordered = replace(plan, actions=tuple(actions), setup=setup)
    assert verdicts(reordered) == verdicts(plan)


@given(PLANS, st.data())
def test_removing_an_action_never_adds_a_finding_attributed_to_another(plan: Plan, data) -> None:
    if not plan.actions:
        return
    removed = data.draw(st.sampled_from(plan.actions))
    fewer = replace(plan, actions=tuple(a for a in plan.actions if a != removed))
    before = _findings_by_action(plan)
    after = _findings_by_action(fewer)
    for action_id, findings in after.items():
        assert findings <= before.get(action_id, set()), action_id


def _findings_by_action(plan: Plan) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for result in EVALUATOR.assess(plan).results:
        for cause in result.attributed_to:
            if cause != PRACTICE:
                found.setdefault(cause, set()).add(result.rule_id)
    return found


def _shuffled(value, random):
    if isinstance(value, list):
        copy = list(value)
        random.shuffle(copy)
        return copy
    return value
