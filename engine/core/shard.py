"""Split the compiled rules into durable_rules rulesets small enough for its limits.

durable_rules walks the alternatives of a ruleset that a fact passes on a fixed stack:
measured with durable_rules 2.0.28, 60 alternatives of one rule passing at once worked
and 70 were error 303 (``ERR_MAX_STACK_SIZE``); 60 extra constraints on one plan field
were error 303 and 400 spun for ever. An alternative is one branch of a rule's
condition written as an "or" of "and"s, so ``{$or: [a, b]}`` is two and
``{$and: [{$or: [a, b]}, {$or: [c, d]}]}`` four. Each ruleset here holds at most
``ALTERNATIVES_PER_RULESET``, well under half the limit even if every one passed,
and each is asserted only the fact keys its rules read.
"""

from __future__ import annotations

import math
from typing import Any

from msgspec import Struct

from engine.core.errors import InputError
from engine.core.model import Problem

ALTERNATIVES_PER_RULESET = 24
ITEM_PREFIX = "$i."
OPERATORS = frozenset({"$lt", "$lte", "$gt", "$gte", "$neq", "$ex", "$nex"})


class Shard(Struct, frozen=True):
    name: str  # the durable_rules ruleset name
    rules: tuple[str, ...]  # durable rule names
    keys: frozenset[str]  # the fact keys those rules read
    item_keys: dict[str, frozenset[str]] = {}  # per list key: the keys of its items they read


def alternatives(expression: Any) -> int:
    """How many branches the expression has once written as an "or" of "and"s."""
    if not isinstance(expression, dict):
        return 1
    if "$or" in expression:
        if _one_value_of_one_key(expression["$or"]):
            return 1  # a field holds one value, so at most one of them passes
        return sum(alternatives(part) for part in expression["$or"])
    if "$and" in expression:
        return math.prod(alternatives(part) for part in expression["$and"])
    return 1


def _one_value_of_one_key(parts: list[Any]) -> bool:
    """An "or" of equality tests on one key: what ``in`` compiles to."""
    keys = [next(iter(part)) if isinstance(part, dict) and len(part) == 1 else "$" for part in parts]
    return len(set(keys)) == 1 and not keys[0].startswith("$")


def fact_keys(expression: Any) -> set[str]:
    """The top-level fact keys a durable expression reads."""
    keys: set[str] = set()
    if not isinstance(expression, dict):
        return keys
    for key, value in expression.items():
        if key in ("$and", "$or"):
            for part in value:
                keys |= fact_keys(part)
        elif key in ("$iany", "$iall"):
            keys |= set(value)  # the list; what its items hold is asserted with them
        elif key in OPERATORS:
            keys |= fact_keys(value)
        else:
            if not key.startswith(ITEM_PREFIX):
                keys.add(key)
            if isinstance(value, dict) and "$m" in value and not value["$m"].startswith(ITEM_PREFIX):
                keys.add(value["$m"])
    return keys


def item_keys(expression: Any, found: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Per list key, the keys of its items a durable expression reads (``$i.`` keys)."""
    found = {} if found is None else found
    if isinstance(expression, dict):
        for key, value in expression.items():
            if key in ("$iany", "$iall"):
                for list_key, where in value.items():
                    found.setdefault(list_key, set()).update(_item_fields(where))
            elif key in ("$and", "$or"):
                for part in value:
                    item_keys(part, found)
    return found


def _item_fields(expression: Any) -> set[str]:
    if not isinstance(expression, dict):
        return set()
    fields = set()
    for key, value in expression.items():
        if key.startswith(ITEM_PREFIX):
            fields.add(key.removeprefix(ITEM_PREFIX))
        if isinstance(value, dict) and isinstance(value.get("$m"), str) and value["$m"].startswith(ITEM_PREFIX):
            fields.add(value["$m"].removeprefix(ITEM_PREFIX))
        for part in value if isinstance(value, list) else [value]:
            fields |= _item_fields(part)
    return fields


def split(name: str, definition: dict[str, dict[str, Any]], owners: dict[str, str]) -> tuple[Shard, ...]:
    """Rulesets of at most ``ALTERNATIVES_PER_RULESET`` alternatives, keeping the rules of
    one constraint together; a constraint too large for any ruleset is refused."""
    by_constraint: dict[str, list[str]] = {}
    for rule_name in definition:
        by_constraint.setdefault(owners[rule_name], []).append(rule_name)
    groups: list[list[str]] = [[]]
    load = 0
    problems = []
    for constraint_id, rule_names in by_constraint.items():
        weight = sum(alternatives(definition[r]["all"][0]["m"]) for r in rule_names)
        if weight > ALTERNATIVES_PER_RULESET:
            problems.append(_too_complex(constraint_id, weight))
            continue
        if load + weight > ALTERNATIVES_PER_RULESET:
            groups.append([])
            load = 0
        groups[-1] += rule_names
        load += weight
    if problems:
        raise InputError(problems)
    return tuple(_shard(f"{name}-{index}", group, definition) for index, group in enumerate(groups) if group)


def _shard(name: str, group: list[str], definition: dict[str, dict[str, Any]]) -> Shard:
    expressions = [definition[r]["all"][0]["m"] for r in group]
    items: dict[str, set[str]] = {}
    for expression in expressions:
        item_keys(expression, items)
    return Shard(name, tuple(group), frozenset().union(*(fact_keys(e) for e in expressions)),
                 {key: frozenset(fields) for key, fields in items.items()})  # fmt: skip


def _too_complex(constraint_id: str, weight: int) -> Problem:
    return Problem(
        "rule-too-complex",
        f"constraint '{constraint_id}' is too complex for the engine: its conditions come to "
        f"{weight} alternatives, and a constraint may have at most {ALTERNATIVES_PER_RULESET}",
        hint="split it into several constraints, or use 'in' where it lists values with 'any'",
    )
