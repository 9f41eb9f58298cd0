"""Rule-file checks that keep `gpca check` from crashing or hanging on a rule: each
``let`` defined, none defined through itself; action parameters written in the plain
JSON Schema subset that cannot reach a file or the network or backtrack for ever.

They run when rules load (so `gpca check` refuses such a rule, exit 2) and so in
`gpca lint` too. Each finding is ``(code, pointer, message, hint)`` within the rule file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.core.errors import did_you_mean, join_pointer

Finding = tuple[str, str, str, str | None]

# What a parameter's schema may say. References ($ref, $dynamicRef, $id, ...) are left
# out because the validator would follow them to a file or URL; patterns because
# Python's regular expressions backtrack (``^(a+)+$`` took minutes on 30 characters).
PARAM_KEYWORDS = frozenset({
    "type", "enum", "const", "default", "description", "title", "examples",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "items",
    "oneOf", "anyOf", "format",
})  # fmt: skip
PARAM_FORMATS = frozenset({"date"})


def let_findings(data: dict[str, Any]) -> list[Finding]:
    """Lets used but not defined, and lets defined through themselves."""
    lets = data.get("let") or {}
    findings: list[Finding] = []
    for pointer, name in _let_uses(data):
        if name not in lets:
            hint = did_you_mean(name, lets) or "define it under 'let'"
            findings.append(("undefined-let", pointer, f"the let '{name}' is used but never defined", hint))
    findings += _cycles(lets)
    return findings


def division_findings(data: dict[str, Any]) -> list[Finding]:
    """Divisions by a term that is zero whatever the plan says: the rule could never be
    worked out, and would answer neither pass nor fail."""
    return [("division-by-zero", pointer, "this divides by a term that is always 0",
             "divide by a number other than 0")
            for pointer, divisor in _divisors(data) if _constant(divisor, data.get("let") or {}) == 0]


def _divisors(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        division = node.get("div")
        if isinstance(division, list) and len(division) == 2:
            yield join_pointer(join_pointer(pointer, "div"), "1"), division[1]
        for key, value in node.items():
            if key not in ("examples", "message", "remedy", "sources", "notes"):
                yield from _divisors(value, join_pointer(pointer, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _divisors(value, f"{pointer}/{index}")


def _constant(term: Any, lets: dict[str, Any]) -> Any:
    """The term's value when it reads no plan answer and no date; None otherwise."""
    from engine.core.conditions import Scope, term_value

    try:
        return term_value(term, Scope({}, "", lets))
    except Exception:  # noqa: BLE001 - a malformed term is the schema's to report, not this check's
        return None


def _let_uses(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if set(node) == {"let"} and isinstance(node["let"], str):
            yield join_pointer(pointer, "let"), node["let"]
            return
        for key, value in node.items():
            if key not in ("examples", "message", "remedy", "sources"):
                yield from _let_uses(value, join_pointer(pointer, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _let_uses(value, f"{pointer}/{index}")


def _cycles(lets: dict[str, Any]) -> list[Finding]:
    uses = {name: [used for _pointer, used in _let_uses(term) if used in lets] for name, term in lets.items()}
    findings: list[Finding] = []
    reported: set[frozenset[str]] = set()
    for name in lets:
        cycle = _cycle_from(name, uses, [name])
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            findings.append(("let-cycle", join_pointer("/let", name), _cycle_message(cycle),
                             "define each let from plan paths, numbers and lets defined before it"))  # fmt: skip
    return findings


def _cycle_from(start: str, uses: dict[str, list[str]], trail: list[str]) -> list[str] | None:
    for used in uses[trail[-1]]:
        if used == start:
            return trail
        if used not in trail:
            found = _cycle_from(start, uses, [*trail, used])
            if found:
                return found
    return None


def _cycle_message(cycle: list[str]) -> str:
    if len(cycle) == 1:
        return f"the let '{cycle[0]}' is defined through itself"
    loop = " -> ".join(f"'{name}'" for name in [*cycle, cycle[0]])
    return f"the lets {loop} are defined through each other, so none has a value"


def param_findings(params: dict[str, Any]) -> list[Finding]:
    """Keywords outside the safe subset, in every parameter's schema."""
    return [finding for name, schema in params.items()
            for finding in _schema_findings(schema, join_pointer("/params", name), name)]  # fmt: skip


def _schema_findings(schema: Any, pointer: str, name: str) -> Iterator[Finding]:
    if not isinstance(schema, dict):
        return
    for keyword, value in schema.items():
        where = join_pointer(pointer, keyword)
        if keyword not in PARAM_KEYWORDS:
            yield "forbidden-keyword", where, f"parameter '{name}' uses '{keyword}', which rules may not use", _why(keyword)
        elif keyword == "format" and not (isinstance(value, str) and value in PARAM_FORMATS):
            yield "forbidden-keyword", where, f"parameter '{name}' uses the format {value!r}; only 'date' is allowed", None
        elif keyword == "items":
            yield from _schema_findings(value, where, name)
        elif keyword in ("oneOf", "anyOf") and isinstance(value, list):
            for index, branch in enumerate(value):
                yield from _schema_findings(branch, f"{where}/{index}", name)
    if schema.get("type") in ("integer", "number") and "maximum" not in schema:
        # Without a maximum, an answer such as 1e16 passes the plan schema and is refused only
        # at the engine's boundary, far from the field the user typed it in.
        yield ("unbounded-param", pointer, f"parameter '{name}' is a number with no 'maximum'",
               "give the largest realistic value, so that a larger answer is refused at its field")


def _why(keyword: str) -> str:
    if keyword.startswith("$"):
        return "a reference can reach a file or the network; write the schema out in full"
    if keyword in ("pattern", "patternProperties"):
        return "a regular expression can take exponential time; use 'enum' or 'maxLength' instead"
    return f"use only: {', '.join(sorted(PARAM_KEYWORDS))}"
