"""Every example in every rule file is a test, on both evaluators."""

from __future__ import annotations

import pytest

from engine.core.evaluate import Evaluator
from engine.core.model import Action, ChosenAction, Constraint, Example, Plan
from engine.core.reference import reference_outcomes
from engine.inputs.load import load_rules

RULES = load_rules(None)
EVALUATOR = Evaluator(RULES)


def example_plan(example: Example) -> Plan:
    data = example.plan
    chosen = tuple(
        ChosenAction(entry["id"], {k: v for k, v in entry.items() if k != "id"})
        for entry in data.get("actions", ())
    )
    return Plan("example", data.get("practice", {}), data["assessed_on"], chosen, data.get("setup", {}))


def cases() -> list[object]:
    rules: list[Constraint | Action] = [*RULES.constraints, *RULES.actions]
    return [
        pytest.param(rule, example, id=f"{rule.id}/{example.expect}/{example.note}")
        for rule in rules
        for example in rule.examples
    ]


@pytest.mark.parametrize(("rule", "example"), cases())
def test_rule_example(rule: Constraint | Action, example: Example) -> None:
    plan = example_plan(example)
    assessment = EVALUATOR.assess(plan)
    if isinstance(rule, Constraint):
        assert assessment.result(rule.id).outcome == example.expect
        assert reference_outcomes(RULES, plan)[rule.id] == example.expect
    else:
        verdict = next(v for v in assessment.actions if v.action_id == rule.id)
        assert verdict.status == example.expect, verdict


def test_every_constraint_has_a_passing_and_a_failing_example() -> None:
    lacking = [
        rule.id for rule in RULES.constraints
        if not {"pass", "fail"} <= {example.expect for example in rule.examples}
    ]  # fmt: skip
    assert lacking == []


def test_every_action_has_a_safe_example() -> None:
    lacking = [a.id for a in RULES.actions if "safe" not in {e.expect for e in a.examples}]
    assert lacking == []
