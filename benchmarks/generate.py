"""Seeded random plans for the benchmarks, drawn from the plan schema and the catalogue."""

from __future__ import annotations

import datetime
import random
from typing import Any

from engine.model import ChosenAction, Plan, RuleSet

FIRST_DAY = datetime.date(2023, 1, 1).toordinal()
LAST_DAY = datetime.date(2027, 12, 31).toordinal()


def random_plans(count: int, rules: RuleSet, schema: dict[str, Any], seed: int = 2024) -> list[Plan]:
    rng = random.Random(seed)
    return [_plan(index, rng, rules, schema) for index in range(count)]


def _plan(index: int, rng: random.Random, rules: RuleSet, schema: dict[str, Any]) -> Plan:
    properties = schema["properties"]
    action_ids = rng.sample([a.id for a in rules.actions], k=rng.randint(0, min(5, len(rules.actions))))
    return Plan(
        path=f"generated-{index}.yaml",
        practice=_value(properties["practice"], rng),
        assessed_on=_date(rng),
        actions=tuple(ChosenAction(action_id, {}) for action_id in action_ids),
        setup=_value(properties["setup"], rng),
    )


def _value(schema: dict[str, Any], rng: random.Random) -> Any:
    if "enum" in schema:
        return rng.choice(schema["enum"])
    if "const" in schema:
        return schema["const"]
    if "oneOf" in schema:
        return _value(rng.choice(schema["oneOf"]), rng)
    kind = schema.get("type", "object")
    if kind == "object":
        return {k: _value(sub, rng) for k, sub in schema.get("properties", {}).items() if rng.random() < 0.9}
    if kind == "array":
        return [_value(schema["items"], rng) for _ in range(rng.randint(0, 3))]
    if kind == "boolean":
        return rng.random() < 0.7
    if kind == "integer":
        return rng.randint(schema.get("minimum", 0), min(schema.get("maximum", 20_000), 20_000))
    if schema.get("format") == "date":
        return _date(rng)
    return "text"


def _date(rng: random.Random) -> str:
    return datetime.date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY)).isoformat()
