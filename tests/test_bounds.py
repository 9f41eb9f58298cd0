from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core.bounds import LONGEST_STRING, check_facts, out_of_bounds
from engine.core.errors import InputError
from engine.inputs.load import load_rules
from tests.hostile.engine_support import ROOT, gpca

PLAN_SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
RULES = load_rules()


@pytest.mark.parametrize(("value", "fault"), [
    (1e16, "1e+16, larger than the engine takes (less than 1e15)"),
    (-1e16, "-1e+16, larger than the engine takes (less than 1e15)"),
    (10**20, "100000000000000000000, larger than the engine takes (less than 1e15)"),
    (1e-05, "1e-05, a fraction smaller than the engine takes (0.0001 or more, or 0)"),
    (float("nan"), "nan, not a finite number"),
    ("\ud83d", "'\\ud83d', a text with a lone surrogate, which is not Unicode text"),
    ("x" * (LONGEST_STRING + 1), "a text of 1,048,577 characters, longer than the engine takes (1,048,576)"),
])  # fmt: skip
def test_values_durable_rules_is_not_known_to_take_are_named(value: Any, fault: str) -> None:
    assert out_of_bounds(value) == fault


@pytest.mark.parametrize("value", [0, 0.0, 0.0001, -0.5, 999_999_999_999_999, True, None, "", "é" * 1000])
def test_values_inside_the_bounds_pass(value: Any) -> None:
    assert out_of_bounds(value) is None


def test_the_guard_names_the_field_of_each_fault_in_plan_words() -> None:
    with pytest.raises(InputError) as raised:
        check_facts([{"sid": "1", "setup__nhs111__slots": 1e16, "items": [{"x": 1}, {"x": 1e-9}]}])
    assert [p.message for p in raised.value.problems] == [
        "the value at 'setup.nhs111.slots' is out of the range gpca can evaluate: "
        "1e+16, larger than the engine takes (less than 1e15)",
        "the value at 'items[1].x' is out of the range gpca can evaluate: "
        "1e-09, a fraction smaller than the engine takes (0.0001 or more, or 0)",
    ]


def test_a_value_each_ruleset_is_asserted_is_named_once_and_each_fact_is_counted() -> None:
    items = [{"x": 1}, {"x": 1e-9}]
    with pytest.raises(InputError) as raised:
        check_facts([{"sid": "1", "items": items}, {"sid": "1", "items": items, "y": 1e16},
                     {f"k{n}": n for n in range(129)}, {"items": [{"x": 1e-9}]}])  # fmt: skip
    assert [p.message.partition(": ")[2] for p in raised.value.problems] == [
        "1e-09, a fraction smaller than the engine takes (0.0001 or more, or 0)",
        "1e+16, larger than the engine takes (less than 1e15)",
        "129 keys in one object, more than 128",
        "1e-09, a fraction smaller than the engine takes (0.0001 or more, or 0)",
    ]


def test_the_guard_refuses_objects_with_more_keys_than_durable_rules_takes() -> None:
    with pytest.raises(InputError) as raised:
        check_facts([{f"k{n}": n for n in range(200)}])
    assert raised.value.problems[0].message == (
        "the value at '' is out of the range gpca can evaluate: 200 keys in one object, more than 128")


def _extremes(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Schema-valid values at the edges the schema allows: each bound, the longest text
    with awkward characters, the largest lists (up to 300 items)."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    if "oneOf" in schema:
        return st.one_of([_extremes(branch) for branch in schema["oneOf"]])
    kind = schema.get("type", "object")
    if kind == "integer":
        low, high = schema.get("minimum", 0), schema.get("maximum", 10**6)
        return st.one_of(st.sampled_from([low, high]), st.integers(low, high))
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return _extreme_text(schema)
    if kind == "array":
        most, least = min(schema.get("maxItems", 300), 300), schema.get("minItems", 0)
        items = _extremes(schema["items"])
        if schema.get("uniqueItems"):  # a list of answers from a closed list: the longest is all of them
            every = list(schema["items"]["enum"])[:most]
            return st.one_of(st.lists(items, min_size=least, max_size=3, unique=True), st.just(every))
        return st.one_of(st.lists(items, min_size=least, max_size=3),
                         items.map(lambda item: [item] * most))  # fmt: skip
    properties = {key: _extremes(sub) for key, sub in schema.get("properties", {}).items()}
    required = set(schema.get("required", ()))
    needed = {k: v for k, v in properties.items() if k in required}
    optional = {k: v for k, v in properties.items() if k not in required}
    drawn = st.fixed_dictionaries(needed, optional=optional)
    dependent = schema.get("dependentRequired", {})
    return _with_dependents(drawn, properties, dependent) if dependent else drawn


@st.composite
def _with_dependents(draw: st.DrawFn, drawn: st.SearchStrategy[dict[str, Any]],
                     properties: dict[str, st.SearchStrategy[Any]],
                     dependent: dict[str, list[str]]) -> dict[str, Any]:  # fmt: skip
    """An object whose every key named in ``dependentRequired`` brings the keys it needs,
    so the value stays schema-valid (the contract variation notice needs its start date)."""
    value = draw(drawn)
    wanted = [k for key in value if key in dependent for k in dependent[key] if k not in value]
    while wanted:
        key = wanted.pop()
        if key not in value:
            value[key] = draw(properties[key])
            wanted += [k for k in dependent.get(key, ()) if k not in value]
    return value


def _extreme_text(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if schema.get("format") == "date":
        return st.sampled_from(["1900-01-01", "2199-12-31", "2024-02-29", "2000-03-31"])
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    most = schema.get("maxLength", 200)
    awkward = st.sampled_from(["x", "é", "\u202e", "😀", "\\", "'", '"', "{", "%s", "\t"])
    return st.one_of(awkward.map(lambda c: (c * most)[:most]), st.text(max_size=most).filter(str.strip))


@st.composite
def _extreme_plans(draw: st.DrawFn) -> dict[str, Any]:
    properties = PLAN_SCHEMA["properties"]
    ids = draw(st.lists(st.sampled_from([a.id for a in RULES.actions]), unique=True, max_size=5))
    actions = [{"id": action_id, **draw(_extremes({"type": "object", "properties": RULES.action(action_id).params}))}
               for action_id in ids]  # fmt: skip
    return {"practice": draw(_extremes(properties["practice"])),
            "assessed_on": draw(_extreme_text(properties["assessed_on"])),
            "actions": actions, "setup": draw(_extremes(properties["setup"]))}  # fmt: skip


@settings(max_examples=int(os.environ.get("GPCA_CHILD_EXAMPLES", "8")))  # each runs gpca in a child
@given(_extreme_plans())
def test_schema_valid_extremes_never_crash_the_engine(tmp_path_factory: pytest.TempPathFactory,
                                                      plan: dict[str, Any]) -> None:  # fmt: skip
    path = Path(tmp_path_factory.mktemp("extreme")) / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    run = gpca("check", "--format", "json", path)
    assert run.clean, run.err[-2000:]
    assert run.code in (0, 1, 2), run.err[-2000:]
    # Refused only where the rules leave a bound to the engine (an action parameter with
    # no maximum), know no date so early, a dated closure's day contradicts its date, or two
    # actions set one answer differently (checks across fields, which the schema cannot
    # state); any other exit 2 is the schema letting through what it should not.
    codes = set(re.findall(r"error\[([a-z-]+)\]", run.err))
    assert codes <= {"engine-bounds", "date-out-of-range", "closure-day", "conflicting-actions"}, run.err[-2000:]
    assert (run.code == 2) == bool(codes), run.err[-2000:]


EDGES = [1e15, -1e15, 999_999_999_999_999, 1e-4, -1e-4, 9.9e-5, 0.0, -0.0, float("nan"), "\ud800", "é",
         "x" * (LONGEST_STRING + 1), [[[[[[[1]]]]]]], [[[[[[[[1]]]]]]]], list(range(10_000)),
         list(range(10_001)), dict.fromkeys(map(str, range(128)), 1), dict.fromkeys(map(str, range(129)), 1),
         {"\udc00": 1}, {1: 1}]  # fmt: skip
_EDGES = st.one_of(st.none(), st.booleans(), st.integers(-(10**16), 10**16), st.floats(), st.sampled_from(EDGES),
                   st.text(max_size=5))  # fmt: skip
_NESTED = st.recursive(_EDGES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.one_of(st.text(max_size=3), st.just("\udc00"), st.integers(0, 2)), inner, max_size=3), max_leaves=12)


@given(st.lists(st.dictionaries(st.text(max_size=3), _NESTED, max_size=4), max_size=3))
def test_the_quick_check_passes_exactly_the_facts_the_full_walk_finds_nothing_in(facts: list[dict[str, Any]]) -> None:
    from engine.core.bounds import _facts_faults, _facts_within

    assert _facts_within(facts) == (not list(_facts_faults(facts)))


@pytest.mark.parametrize("edge", EDGES, ids=range(len(EDGES)))
def test_the_quick_check_agrees_with_the_full_walk_at_each_edge(edge: Any) -> None:
    from engine.core.bounds import _facts_faults, _facts_within

    facts = [{"k": edge}, {"k": [edge]}, {"k": {"x": edge}}]
    assert [_facts_within([f]) for f in facts] == [not list(_facts_faults([f])) for f in facts]


_FLOATS_WITHIN = st.floats(min_value=1e-4, max_value=1e15, exclude_max=True) | st.just(0.0)


@given(st.lists(st.dictionaries(st.text(max_size=3), _NESTED | _FLOATS_WITHIN | st.lists(_FLOATS_WITHIN), max_size=4),
                max_size=3))  # fmt: skip
def test_what_the_guard_lets_through_is_written_as_json_dumps_writes_it(facts: list[dict[str, Any]]) -> None:
    from engine.core.evaluate import _encode

    try:
        check_facts(facts)
    except InputError:
        return
    text = _encode(facts).decode()
    assert text == json.dumps(facts, ensure_ascii=False, separators=(",", ":"))
    assert "e" not in _numbers(facts)  # an exponent crashes the C engine


def _numbers(value: Any) -> str:
    """Every number in ``value`` as JSON writes it, space-separated (no text to confuse a search)."""
    if isinstance(value, dict):
        return " ".join(_numbers(item) for item in value.values())
    if isinstance(value, list):
        return " ".join(_numbers(item) for item in value)
    return json.dumps(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""


@pytest.mark.parametrize("leaf", ["text", True, None, 1, {}, []])
def test_the_quick_check_refuses_a_value_of_any_kind_nested_too_deep(leaf: Any) -> None:
    from engine.core.bounds import DEEPEST, _facts_faults, _facts_within

    deep: Any = {"leaf": leaf}  # the leaf as deep as may be: the fact's value is at depth 1
    for _ in range(DEEPEST - 2):
        deep = {"in": deep}
    deeper = {"in": deep}
    assert (_facts_within([{"k": deep}]), _facts_within([{"k": deeper}])) == (True, False)
    assert (list(_facts_faults([{"k": deep}])), bool(list(_facts_faults([{"k": deeper}])))) == ([], True)
