"""A JSON Schema compiled once into plain Python checks, for the common case of a valid plan.

jsonschema walks a schema anew for every value it checks, a third of loading a plan.
The checks here answer only the question most plans ask (is it valid?) and answer it
as jsonschema would: ``True`` (valid), ``False`` (invalid) or ``None`` (not sure). Only
``True`` is ever taken on trust; anything else goes to jsonschema, which words the
problems. A schema using a keyword outside the subset below is not compiled at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool | None]

_ANNOTATIONS = frozenset(
    {"description", "title", "deprecated", "$schema", "$id", "default", "examples", "$comment"})
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: (isinstance(value, int) and not isinstance(value, bool))
    or (isinstance(value, float) and value.is_integer()),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
}


class Unsupported(Exception):
    """The schema uses a keyword (or a form of one) these checks do not reproduce."""


def compile_schema(schema: Any, formats: FormatChecker | None) -> Check | None:
    """``schema``'s checks, or None when it is outside the subset."""
    try:
        return _compile(schema, formats)
    except Unsupported:
        return None


def _compile(schema: Any, formats: FormatChecker | None) -> Check:
    if schema is True or schema == {}:
        return lambda value: True
    if not isinstance(schema, dict):
        raise Unsupported(repr(schema))
    checks = [_keyword(key, word, schema, formats) for key, word in schema.items() if key not in _ANNOTATIONS]
    return _all(tuple(check for check in checks if check is not None))


def _all(checks: tuple[Check, ...]) -> Check:
    def check(value: Any) -> bool | None:
        sure = True
        for one in checks:
            verdict = one(value)
            if verdict is False:
                return False
            if verdict is None:
                sure = False
        return True if sure else None

    return check


def _keyword(key: str, word: Any, schema: dict[str, Any], formats: FormatChecker | None) -> Check | None:
    builders = {
        "type": _type, "enum": _enum, "const": _const, "pattern": _pattern,
        "minLength": _min_length, "maxLength": _max_length, "minimum": _minimum, "maximum": _maximum,
        "minItems": _min_items, "maxItems": _max_items, "required": _required,
        "uniqueItems": _unique_items, "dependentRequired": _dependent_required,
    }  # fmt: skip
    if key in builders:
        return builders[key](word)
    if key == "format":
        return _format(word, formats)
    if key == "properties":
        return _properties(word, schema.get("additionalProperties", True), formats)
    if key == "additionalProperties":
        return None if "properties" in schema else _properties({}, word, formats)
    if key == "items":
        return _items(_compile(word, formats))
    if key == "oneOf":
        return _one_of(tuple(_compile(branch, formats) for branch in word))
    raise Unsupported(key)


def _type(word: Any) -> Check:
    kinds = [word] if isinstance(word, str) else word
    if not isinstance(kinds, list) or any(kind not in _TYPES for kind in kinds):
        raise Unsupported(f"type {word!r}")
    tests = tuple(_TYPES[kind] for kind in kinds)
    return lambda value: any(test(value) for test in tests)


def _enum(word: Any) -> Check:
    if not isinstance(word, list) or not all(type(item) is str for item in word):
        raise Unsupported("an enum of other than text")
    allowed = frozenset(word)
    return lambda value: isinstance(value, str) and value in allowed


def _const(word: Any) -> Check:
    if type(word) is not str:
        raise Unsupported("a const other than text")
    return lambda value: isinstance(value, str) and value == word


def _pattern(word: str) -> Check:
    compiled = re.compile(word)
    return lambda value: not isinstance(value, str) or compiled.search(value) is not None


def _format(word: str, formats: FormatChecker | None) -> Check | None:
    if formats is None:
        return None
    return lambda value: formats.conforms(value, word)


def _min_length(word: int) -> Check:
    return lambda value: not isinstance(value, str) or len(value) >= word


def _max_length(word: int) -> Check:
    return lambda value: not isinstance(value, str) or len(value) <= word


def _minimum(word: float) -> Check:
    return lambda value: not _TYPES["number"](value) or value >= word


def _maximum(word: float) -> Check:
    return lambda value: not _TYPES["number"](value) or value <= word


def _min_items(word: int) -> Check:
    return lambda value: not isinstance(value, list) or len(value) >= word


def _max_items(word: int) -> Check:
    return lambda value: not isinstance(value, list) or len(value) <= word


def _required(word: list[str]) -> Check:
    return lambda value: not isinstance(value, dict) or all(key in value for key in word)


def _unique_items(word: bool) -> Check | None:
    if not word:
        return None

    def check(value: Any) -> bool | None:
        if not isinstance(value, list):
            return True
        if not all(type(item) is str for item in value):
            return None  # jsonschema's own equality (1 is not True) decides
        return len(set(value)) == len(value)

    return check


def _dependent_required(word: dict[str, list[str]]) -> Check:
    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        return all(needed in value for key, needs in word.items() if key in value for needed in needs)

    return check


def _properties(word: dict[str, Any], additional: Any, formats: FormatChecker | None) -> Check:
    known = {key: _compile(sub, formats) for key, sub in word.items()}
    extra: Check | bool | None = None  # None: any key may follow; False: none may
    if additional is False:
        extra = False
    elif additional is not True:
        extra = _compile(additional, formats)

    def check(value: Any) -> bool | None:
        if not isinstance(value, dict):
            return True
        sure = True
        for key, item in value.items():
            test = known.get(key, extra)
            if test is None:
                continue
            verdict = False if test is False else test(item)
            if verdict is False:
                return False
            if verdict is None:
                sure = False
        return True if sure else None

    return check


def _items(each: Check) -> Check:
    def check(value: Any) -> bool | None:
        if not isinstance(value, list):
            return True
        verdicts = [each(item) for item in value]
        return False if False in verdicts else None if None in verdicts else True

    return check


def _one_of(branches: tuple[Check, ...]) -> Check:
    def check(value: Any) -> bool | None:
        verdicts = [branch(value) for branch in branches]
        if None in verdicts:
            return None
        return verdicts.count(True) == 1

    return check
