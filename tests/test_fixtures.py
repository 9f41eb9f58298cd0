"""Every fixture's expectations hold, on durable_rules and on the reference evaluator."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.authoring.verify import check_case, load_case
from engine.core.evaluate import Evaluator
from engine.core.model import SAFE_STATUSES
from engine.core.reference import reference_outcomes
from engine.inputs.load import load_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.yaml"))
RULES = load_rules(None)
EVALUATOR = Evaluator(RULES)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_fixture(path: Path) -> None:
    case = load_case(path, RULES)
    assessment = EVALUATOR.assess(case.plan)
    assert [str(m) for m in check_case(case, assessment)] == []
    reference = reference_outcomes(RULES, case.plan)
    assert {r: reference[r] for r in case.expect.get("rules", {})} == case.expect.get("rules", {})


def test_every_constraint_has_a_passing_and_a_failing_fixture() -> None:
    seen: dict[str, set[str]] = {}
    for path in FIXTURES:
        for rule_id, outcome in load_case(path, RULES).expect.get("rules", {}).items():
            seen.setdefault(rule_id, set()).add(outcome)
    lacking = [c.id for c in RULES.constraints if not {"pass", "fail"} <= seen.get(c.id, set())]
    assert lacking == []


def test_every_action_has_a_safe_fixture() -> None:
    safe = {a for path in FIXTURES for a, s in load_case(path, RULES).expect.get("actions", {}).items()
            if s in SAFE_STATUSES}  # fmt: skip
    assert [a.id for a in RULES.actions if a.id not in safe] == []
