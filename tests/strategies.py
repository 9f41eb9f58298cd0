"""Hypothesis strategies for plans, built from the plan schema and the rule catalogue."""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import strategies as st

from engine.core.apply import conflicting_actions
from engine.core.model import ChosenAction, Plan, RuleSet

FIRST_DAY = datetime.date(2018, 1, 1)
LAST_DAY = datetime.date(2027, 12, 31)


def iso_dates() -> st.SearchStrategy[str]:
    return st.dates(FIRST_DAY, LAST_DAY).map(datetime.date.isoformat)


def boundary_dates(rules: RuleSet) -> st.SearchStrategy[str]:
    """Dates on and either side of every effective-period edge, where verdicts flip."""
    edges = {p.start for r in rules.constraints for p in r.effective if p.start}
    edges |= {p.end for r in rules.constraints for p in r.effective if p.end}
    near = set()
    for edge in edges:
        day = datetime.date.fromisoformat(edge)
        near |= {(day + datetime.timedelta(days=d)).isoformat() for d in (-1, 0, 1)}
    return st.sampled_from(sorted(near)) if near else iso_dates()


def from_schema(schema: dict[str, Any], root: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """Values valid against the subset of JSON Schema that the plan schema uses."""
    root = root or schema
    if "$ref" in schema:
        return from_schema(_resolve(schema["$ref"], root), root)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    if "oneOf" in schema or "anyOf" in schema:
        return st.one_of([from_schema(s, root) for s in schema.get("oneOf", schema.get("anyOf"))])
    return _BY_TYPE[_type_of(schema)](schema, root)


def complete_from_schema(schema: dict[str, Any], root: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Like ``from_schema``, but every object answers every property: a whole answer."""
    if "$ref" in schema:
        return complete_from_schema(_resolve(schema["$ref"], root), root)
    if "enum" in schema or "const" in schema or "oneOf" in schema or "anyOf" in schema:
        return from_schema(schema, root)
    kind = _type_of(schema)
    if kind == "object":
        return st.fixed_dictionaries(
            {key: complete_from_schema(sub, root) for key, sub in schema.get("properties", {}).items()})
    if kind == "array":
        items = complete_from_schema(schema.get("items", {"type": "string"}), root)
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=3)
    return _BY_TYPE[kind](schema, root)


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "object")
    return kind[0] if isinstance(kind, list) else kind


def _resolve(reference: str, root: dict[str, Any]) -> dict[str, Any]:
    node: Any = root
    for step in reference.removeprefix("#/").split("/"):
        node = node[step]
    return node


def _object(schema: dict[str, Any], root: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = {key: from_schema(sub, root) for key, sub in schema.get("properties", {}).items()}
    required = set(schema.get("required", ()))
    sparse = st.fixed_dictionaries(
        {key: value for key, value in properties.items() if key in required},
        optional={key: value for key, value in properties.items() if key not in required},
    )
    # Complete objects too, or nearly every constraint would answer "cannot tell".
    return st.one_of(st.fixed_dictionaries(properties), sparse)


def _array(schema: dict[str, Any], root: dict[str, Any]) -> st.SearchStrategy[list[Any]]:
    items = from_schema(schema.get("items", {"type": "string"}), root)
    size = {"min_size": schema.get("minItems", 0), "max_size": min(4, schema.get("maxItems", 4))}
    return st.lists(items, unique=bool(schema.get("uniqueItems")), **size)


def _integer(schema: dict[str, Any], _root: dict[str, Any]) -> st.SearchStrategy[int]:
    low = schema.get("minimum", 0)
    return st.integers(low, schema.get("maximum", max(low, 0) + 20_000))


def _string(schema: dict[str, Any], _root: dict[str, Any]) -> st.SearchStrategy[str]:
    if schema.get("format") == "date":
        return iso_dates()
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    return st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


_BY_TYPE = {
    "object": _object,
    "array": _array,
    "integer": _integer,
    "number": _integer,
    "string": _string,
    "boolean": lambda _schema, _root: st.booleans(),
    "null": lambda _schema, _root: st.none(),
}


@st.composite
def chosen_actions(draw: st.DrawFn, rules: RuleSet) -> tuple[ChosenAction, ...]:
    ids = draw(st.lists(st.sampled_from([a.id for a in rules.actions]), unique=True, max_size=6))
    chosen = []
    for action_id in ids:
        params_schema = {"type": "object", "properties": rules.action(action_id).params}
        chosen.append(ChosenAction(action_id, draw(from_schema(params_schema))))
    return tuple(chosen)


@st.composite
def plans(draw: st.DrawFn, rules: RuleSet, plan_schema: dict[str, Any]) -> Plan:
    properties = plan_schema["properties"]
    practice = draw(from_schema(properties["practice"], plan_schema))
    setup = draw(from_schema(properties["setup"], plan_schema))
    day = draw(st.one_of(boundary_dates(rules), iso_dates()))
    # Actions that set one answer to different values are refused, not assessed.
    actions = draw(chosen_actions(rules).filter(lambda chosen: not conflicting_actions(chosen, rules, day)))
    return Plan("generated.yaml", practice, day, actions, setup)
