"""Seeded random plans for the benchmarks, drawn from the plan schema and the catalogue."""

from __future__ import annotations

import datetime
import math
import random
from typing import Any

from engine.core.model import ChosenAction, Plan, RuleSet

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


# Practices' list sizes in England are skewed: most hold 5,000 to 15,000 patients, a few
# over 30,000, and about 63 million patients over about 6,300 practices puts the mean
# near 10,000. A log-normal with median 8,500 and sigma 0.55 has that shape (mean about
# 9,900); it is a plausible spread for a benchmark, not a measured one.
LIST_SIZE_MEDIAN = 8_500
LIST_SIZE_SIGMA = 0.55
MOST_ACTIONS = 6
ANSWERED = 0.9  # the share of each section's questions a generated plan answers


def country_plans(count: int, rules: RuleSet, schema: dict[str, Any], seed: int = 2025) -> list[dict[str, Any]]:
    """``count`` plan documents, as practices would write them: valid, each different,
    with 0-6 chosen actions and about one answer in ten left out."""
    rng = random.Random(seed)
    return [_country_plan(index, rng, rules, schema) for index in range(count)]


def _country_plan(index: int, rng: random.Random, rules: RuleSet, schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema["properties"]
    action_ids = rng.sample([a.id for a in rules.actions], k=rng.randint(0, min(MOST_ACTIONS, len(rules.actions))))
    return {
        "practice": {
            "name": f"Practice {index}",
            "ods_code": f"Y{index:05d}",
            "contract": rng.choice(("GMS", "GMS", "GMS", "PMS", "APMS")),
            "registered_patients": _list_size(rng),
        },
        "assessed_on": _date(rng),
        "actions": [{"id": action_id} for action_id in action_ids],
        "setup": _answer(properties["setup"], rng),
    }


def _answer(schema: dict[str, Any], rng: random.Random) -> Any:
    """A value valid against ``schema``: required keys always given, others 9 in 10,
    deprecated ones never (a practice's plan is written from the current template)."""
    if "enum" in schema or "const" in schema or "oneOf" in schema:
        return _value(schema, rng)
    kind = schema.get("type", "object")
    if kind == "object":
        required = set(schema.get("required", ())) | set(schema.get("dependentRequired", {}))
        answers = {k: _answer(sub, rng) for k, sub in schema.get("properties", {}).items()
                   if k in required or (not sub.get("deprecated") and rng.random() < ANSWERED)}  # fmt: skip
        if "day" in answers and "date" in answers:  # a closure is regular (day) or one-off (date)
            del answers[rng.choice(("day", "date"))]
        return {k: v for k, v in answers.items() if k not in schema.get("dependentRequired", {})
                or all(n in answers for n in schema["dependentRequired"][k])}  # fmt: skip
    if kind == "array":
        return _answers(schema, rng)
    if kind == "string":
        return _text(schema, rng)
    return _value(schema, rng)


def _answers(schema: dict[str, Any], rng: random.Random) -> list[Any]:
    items = schema["items"]
    size = rng.randint(schema.get("minItems", 0), max(schema.get("minItems", 0), 3))
    if schema.get("uniqueItems") and "enum" in items:
        return rng.sample(items["enum"], k=min(size, len(items["enum"])))
    return [_answer(items, rng) for _ in range(size)]


def _text(schema: dict[str, Any], rng: random.Random) -> str:
    pattern = schema.get("pattern", "")
    if schema.get("format") == "date" or pattern.startswith("^(19|20|21)"):
        return _date(rng)
    if ":" in pattern:  # a time of day, HH:MM
        return f"{rng.randint(8, 17):02d}:{rng.choice((0, 30)):02d}"
    if pattern.startswith("^[A-Z]"):
        return f"Y{rng.randint(0, 99_999):05d}"
    return "text" if not pattern.startswith("^[a-z") else "a-reference"


def _list_size(rng: random.Random) -> int:
    return max(500, min(80_000, round(rng.lognormvariate(math.log(LIST_SIZE_MEDIAN), LIST_SIZE_SIGMA))))
