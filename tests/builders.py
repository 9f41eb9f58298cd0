"""Small builders of model dataclasses for unit tests."""

from __future__ import annotations

from typing import Any

from engine.core.model import (
    Action,
    ChosenAction,
    Constraint,
    Effect,
    Period,
    Phase,
    Plan,
    RuleSet,
    Source,
)

SOURCE = Source("A source", "https://example.org", "a quote", "high", "because")


def constraint(rule_id: str, fails_when: dict[str, Any], **fields: Any) -> Constraint:
    values: dict[str, Any] = {
        "title": f"Title of {rule_id}",
        "ref": "C-TEST-01",
        "force": "contract",
        "severity": "breach",
        "effective": (Period("2020-01-01", None),),
        "sources": (SOURCE,),
        "message": "message",
        "remedy": "remedy",
    }
    values.update(fields)
    return Constraint(id=rule_id, fails_when=fails_when, **values)


def action(action_id: str, *effects: Effect, **fields: Any) -> Action:
    values: dict[str, Any] = {
        "title": f"Title of {action_id}",
        "phases": (Phase("2024 action", "2024-08-01", None, "recommended"),),
        "wording": "wording",
        "sources": (SOURCE,),
        "bears_on": (),
    }
    values.update(fields)
    return Action(id=action_id, effects=tuple(effects), **values)


def ruleset(*rules: Constraint | Action) -> RuleSet:
    constraints = tuple(sorted((r for r in rules if isinstance(r, Constraint)), key=lambda r: r.id))
    actions = tuple(sorted((r for r in rules if isinstance(r, Action)), key=lambda r: r.id))
    return RuleSet(constraints, actions, ("test",), "digest")


def plan(setup: dict[str, Any], *actions: str | ChosenAction, day: str = "2025-01-01",
         practice: dict[str, Any] | None = None) -> Plan:  # fmt: skip
    chosen = tuple(a if isinstance(a, ChosenAction) else ChosenAction(a, {}) for a in actions)
    return Plan("plan.yaml", practice or {"name": "Test"}, day, chosen, setup)
