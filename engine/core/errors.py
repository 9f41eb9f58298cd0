"""The two roots of failure, and how a problem with the user's input is shown.

``InputError`` is the user's fault (exit code 2); ``InternalError`` is ours (exit code 3).
The CLI maps them to exit codes in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from engine.core.escape import clip, plain
from engine.core.model import Problem

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class EngineError(Exception):
    """The root of every error gpca raises on purpose."""


class InputError(EngineError):
    """A plan, a rule file or the command line is wrong; ``problems`` says how."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(render_problem(problem) for problem in self.problems))


class InternalError(EngineError):
    """A bug in gpca: something that valid input should never cause."""


def render_problem(problem: Problem) -> str:
    """The house format: ``path:line:col: error[code]: message``, then ``at`` and ``hint``."""
    head = f"error[{problem.code}]: {problem.message}"
    lines = [f"{problem.location}: {head}" if problem.location else head]
    if problem.pointer:
        lines.append(f"  at {pointer_to_path(problem.pointer)}")
    if problem.hint:
        lines.append(f"  hint: {problem.hint}")
    return "\n".join(lines)


def pointer_to_path(pointer: str) -> str:
    """A JSON pointer as a JSONPath-like string: ``/actions/0/id`` -> ``$.actions[0].id``."""
    path = "$"
    for segment in split_pointer(pointer):
        if segment.isdigit():
            path += f"[{clip(segment)}]"
        elif _IDENTIFIER.match(segment):
            path += f".{clip(segment)}"
        else:
            path += "[" + repr(clip(segment)) + "]"  # repr escapes control characters
    return path


def split_pointer(pointer: str) -> list[str]:
    """The unescaped segments of an RFC 6901 pointer; ``""`` (the root) has none."""
    if not pointer:
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def join_pointer(parent: str, segment: object) -> str:
    """``parent`` extended by one key or index, escaped as RFC 6901 requires."""
    return parent + "/" + str(segment).replace("~", "~0").replace("/", "~1")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``did you mean 'x'?`` for the closest of ``choices``, or ``None`` if none is close."""
    match = closest(word, choices)
    return f"did you mean '{match}'?" if match else None


def closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib  # only a mistake needs it, so start-up does not pay for it

    matches = difflib.get_close_matches(word, list(choices), n=1)
    return matches[0] if matches else None


def shown(value: Any) -> str:
    """A value as the user wrote it, for 'but got ...'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return "'" + clip(plain(value), 40) + "'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return str(value)


_TYPE_NAMES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty (null)",
}
_TYPE_HINTS = {
    "integer": "write a whole number, without quotes",
    "number": "write a number, without quotes",
    "boolean": "write true or false, without quotes",
    "array": "write a list, one '- item' per line",
    "object": "write a mapping of keys to values, one 'key: value' per line",
}
_PATTERN_FORMS = {
    r"^\d{4}-\d{2}-\d{2}$": "a date written YYYY-MM-DD, such as 2025-10-01",
    r"^(19|20|21)\d{2}-\d{2}-\d{2}$": "a date from 1900 to 2199 written YYYY-MM-DD, such as 2025-10-01",
    r"\S": "text that is not only spaces",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "lower-case words joined by hyphens, such as nhs111-minimum-slots",
    r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$": (
        "a dotted path such as setup.nhs111.booking_channel"
    ),
}
_BOUNDS = {
    "minimum": "at least {}",
    "maximum": "at most {}",
    "exclusiveMinimum": "more than {}",
    "exclusiveMaximum": "less than {}",
    "minLength": "at least {} characters long",
    "maxLength": "at most {} characters long",
    "minItems": "a list of at least {} items",
    "maxItems": "a list of at most {} items",
}


def describe_schema_error(error: ValidationError, label: str) -> tuple[str, str | None]:
    """A jsonschema error in plain English, and a hint: ``(message, hint)``."""
    name = f"'{label}'" if label else "the file"
    got = shown(error.instance)
    keyword, expected = error.validator, error.validator_value
    if keyword == "type":
        hint = _type_hint(expected, error.schema, error.instance)
        return _type_message(name, expected, error), hint
    if keyword == "enum":
        choices = ", ".join(str(choice) for choice in expected)
        hint = None
        if isinstance(error.instance, str):
            hint = did_you_mean(error.instance, map(str, expected))
        return f"{name} must be one of: {choices}, but got {got}", hint
    if keyword == "const":
        return f"{name} must be {shown(expected)}, but got {got}", None
    if keyword == "pattern":
        form = _PATTERN_FORMS.get(str(expected), f"text matching {expected}")
        return f"{name} must be {form}, but got {got}", None
    if keyword == "format":
        return f"{name} must be a real {expected}, but got {got}", None
    if keyword in _BOUNDS:
        return f"{name} must be {_BOUNDS[str(keyword)].format(expected)}, but got {got}", None
    if keyword == "dependentRequired" and isinstance(error.instance, dict):
        key, needed = next((k, n) for k, needs in expected.items() if k in error.instance
                           for n in needs if n not in error.instance)  # fmt: skip
        return f"{name} gives '{key}' but not '{needed}'", f"add '{needed}', or leave out '{key}'"
    if keyword in ("oneOf", "anyOf"):
        return f"{name} does not match any of the forms allowed here", _forms_hint(error)
    return f"{name} is not valid: {error.message}", None


def _type_message(name: str, expected: Any, error: ValidationError) -> str:
    names = [_TYPE_NAMES.get(kind, kind) for kind in _as_list(expected)]
    wanted = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"{name} must be {wanted}, but got {shown(error.instance)}"


_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}([, ]\d{3})+(\.\d+)?$")


def _type_hint(expected: Any, schema: Any, instance: Any) -> str | None:
    kinds = _as_list(expected)
    hint = _TYPE_HINTS.get(kinds[0]) if len(kinds) == 1 else None
    if kinds == ["string"] and isinstance(instance, bool):
        return "put it in quotes: YAML reads yes, no, on and off as true or false"
    if kinds[0] in ("integer", "number") and isinstance(instance, str) and _GROUPED_NUMBER.match(instance):
        bare = instance.replace(",", "").replace(" ", "")
        return f"write it without the comma or space between the digits: {bare}"
    if kinds == ["object"] and isinstance(instance, str) and "id" in _required(schema):
        return f"write '- id: {clip(plain(instance), 60)}': each entry is a mapping that starts with its id"
    examples = schema.get("examples") if isinstance(schema, dict) else None
    if hint and kinds[0] in ("integer", "number") and isinstance(examples, list) and examples:
        return f"write a number such as {examples[0]}"
    return hint


def _required(schema: Any) -> list[str]:
    return [str(key) for key in schema.get("required", [])] if isinstance(schema, dict) else []


def _as_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _forms_hint(error: ValidationError) -> str | None:
    """For a failed ``oneOf`` of mappings: the key the author probably meant, or the keys."""
    keys: list[str] = []
    for branch in error.validator_value if isinstance(error.validator_value, list) else []:
        required = branch.get("required", []) if isinstance(branch, dict) else []
        keys += [str(key) for key in required if key not in keys]
    if not keys:
        return None
    written = [str(key) for key in error.instance] if isinstance(error.instance, dict) else []
    suggestions = [did_you_mean(key, keys) for key in written if key not in keys]
    return next((s for s in suggestions if s), None) or f"use one of the keys: {', '.join(keys)}"
