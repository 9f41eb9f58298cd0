from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from strategies import from_schema

from engine.inputs.fastschema import QUICK_FROM_PLAN, compile_schema
from engine.inputs.read import builtin_schema, read_yaml

ROOT = Path(__file__).resolve().parent.parent
FORMATS = Draft202012Validator.FORMAT_CHECKER
PLAN_SCHEMA = builtin_schema("plan.schema.json")
CHECK = compile_schema(PLAN_SCHEMA)
VALIDATOR = Draft202012Validator(PLAN_SCHEMA, format_checker=FORMATS)


def validator_of(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FORMATS)
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 2_000_000), st.floats(allow_nan=False), st.text(max_size=5),
    st.sampled_from(["none", "2024-02-30", "2024-01-01", "premises", "Y01234", "12:30", "x" * 201]),
    st.lists(st.sampled_from(["a", "b", 1, True, "none"]), max_size=3), st.just({}), st.just({"bogus": 1}),
)  # fmt: skip


@st.composite
def _mutated(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """``value`` with one place in it changed: replaced, given an unknown key, or cut."""
    children = list(value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else [])
    if not children or depth > 6 or draw(st.integers(0, 3)) == 0:
        return draw(ODD_VALUES)
    key, child = draw(st.sampled_from(children))
    changed = value.copy()
    how = draw(st.sampled_from(["into", "into", "cut", "extra"]))
    if how == "cut":
        del changed[key]
    elif how == "extra" and isinstance(changed, dict):
        changed["not_a_field"] = draw(ODD_VALUES)
    else:
        changed[key] = draw(_mutated(child, depth + 1))
    return changed


@st.composite
def _documents(draw: st.DrawFn) -> Any:
    valid = draw(from_schema(PLAN_SCHEMA))
    return draw(st.one_of(st.just(valid), _mutated(valid)))


def test_the_plan_schema_compiles() -> None:
    assert CHECK is not None


@given(_documents())
def test_a_plan_found_valid_is_one_jsonschema_finds_valid(document: Any) -> None:
    verdict = CHECK(document)
    event(f"verdict {verdict}")
    assert verdict in (True, None)
    if verdict:
        assert VALIDATOR.is_valid(document)


EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.yaml") if p.name != "plan-template.yaml")


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_example_plans_are_found_valid_without_jsonschema(name: str) -> None:
    data = read_yaml(ROOT / "examples" / name).data
    assert (CHECK(data), VALIDATOR.is_valid(data)) == (True, True)


@pytest.mark.parametrize(("schema", "value", "valid"), [
    ({"type": "integer"}, 1.0, True), ({"type": "integer"}, True, False), ({"type": "number"}, False, False),
    ({"enum": ["a"]}, "a", True), ({"enum": ["a"]}, 1, False), ({"const": "none"}, "none", True),
    ({"uniqueItems": True}, ["a", "a"], False), ({"uniqueItems": True}, [1, True], True),
    ({"minimum": 1}, True, True), ({"maxLength": 2}, 123, True), ({"required": ["a"]}, [], True),
    ({"oneOf": [{"type": "integer"}, {"const": "none"}]}, "none", True),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 3, False),
    ({"properties": {"a": {"type": "string"}}, "additionalProperties": False}, {"b": 1}, False),
    ({"additionalProperties": {"type": "string"}}, {"b": 1}, False),
    ({"dependentRequired": {"a": ["b"]}}, {"a": 1}, False),
    ({"format": "date"}, "2024-02-30", False), ({"format": "date"}, "2024-02-29", True),
    ({"pattern": "^x"}, "yx", False),
    ({"maxLength": 2}, "ab", True), ({"maxLength": 2}, "abc", False), ({"minLength": 2}, "a", False),
    ({"maximum": 3}, 3, True), ({"maximum": 3}, 3.5, False), ({"minimum": 1}, 0, False),
    ({"maxItems": 1}, [1, 2], False), ({"minItems": 1}, [], False), ({"type": "string"}, 1, False),
    ({"required": ["a"]}, {}, False), ({"items": {"type": "string"}}, ["a", 1], False),
    ({"type": ["string", "null"]}, None, True), ({"properties": {"a": True}}, {"a": 1}, True),
])  # fmt: skip
def test_valid_is_trusted_and_anything_else_left_to_jsonschema(schema: dict[str, Any], value: Any, valid: bool) -> None:
    check = compile_schema(schema)
    assert check is not None
    assert (check(value), Draft202012Validator(schema, format_checker=FORMATS).is_valid(value)) == (
        True if valid else None, valid)


@pytest.mark.parametrize(("value", "verdict"), [
    (2**70, None), (-(2**70), True), (float("nan"), None), (float("inf"), None), (True, None),
])  # fmt: skip
def test_numbers_beyond_64_bits_or_not_finite_are_judged_as_jsonschema_would(value: Any, verdict: bool | None) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 5}}}
    check = compile_schema(schema)
    assert check is not None
    assert (check({"n": value}), validator_of(schema).is_valid({"n": value})) == (verdict, verdict is True)


def test_a_schema_jsonschema_rs_cannot_build_is_left_to_jsonschema() -> None:
    assert compile_schema({"type": "decimal"}) is None


ONE_THEN_MANY = """
import sys
from engine.inputs.load import load_plan, load_rules
rules = load_rules(None)
seen = []
for _ in range({plans}):
    load_plan("examples/riverside.yaml", rules)
    seen.append("jsonschema_rs" in sys.modules)
print(seen)
"""


def test_the_quick_check_is_imported_only_once_several_plans_are_checked() -> None:
    import subprocess
    import sys

    script = ONE_THEN_MANY.format(plans=QUICK_FROM_PLAN + 1)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str([False] * QUICK_FROM_PLAN + [True])
