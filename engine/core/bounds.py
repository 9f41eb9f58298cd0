"""What the durable_rules C engine is known to take, and the guard that keeps facts inside it.

Each limit is half or less of where durable_rules was measured to fail (with
durable_rules 2.0.28, asserting one fact into a Host with no dispatch threads):

- a float written with an exponent (``1e+16``, ``-1e+16``, ``1e-05``: Python writes
  floats of magnitude 1e16 and above, or below 1e-4, that way) crashes it (SIGSEGV);
  integers are written in full and did not crash even at 31 digits, but are kept
  where a float of the same size would be safe;
- a string over 16 MiB crashes it; 16,000,000 characters did not;
- an object of 255 or more keys crashes it; 300 keys in a list item is error 302;
- 100,000 list items and keys of 100,000 characters did not fail;
- more than about 64 alternatives of one ruleset passing at once is error 303, and
  400 on one field spun for ever (see ``ALTERNATIVES_PER_RULESET`` in engine/core/shard.py).

The plan schema keeps every field well inside these; this guard is the last line, so
that nothing (a derived value, a rule's literal, a plan built in code) can reach the
C engine out of bounds. It refuses, never rounds: a changed value could change a
verdict.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from engine.core.errors import InputError
from engine.core.model import Problem

LARGEST_NUMBER = 1e15  # a float crashed at 1e16
SMALLEST_FRACTION = 1e-4  # 1e-05 crashed; 0.0001 is written without an exponent
LONGEST_STRING = 1 << 20  # characters; 17,000,000 crashed
MOST_KEYS = 128  # per object; 255 crashed
MOST_ITEMS = 10_000  # per list; 100,000 worked
DEEPEST = 8  # objects and lists within one another, from the fact down


def check_facts(facts: list[dict[str, Any]]) -> None:
    """Raise ``InputError`` naming each value durable_rules is not known to take."""
    if _facts_within(facts):
        return  # the usual case, found without naming the path of every value on the way
    problems = [_problem(path, why) for path, why in _facts_faults(facts)]
    if problems:
        raise InputError(problems[:10])


def _facts_faults(facts: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """The faults of each fact, each value walked once: the facts of one session are
    each ruleset's part of the same few facts, so they share their values (a list of
    hundreds of items is in several), and walking each again found nothing new at a
    cost of half of each evaluation."""
    walked: set[tuple[str, int]] = set()
    for fact in facts:
        if len(fact) > MOST_KEYS:
            yield "", f"{len(fact)} keys in one object, more than {MOST_KEYS}"
        for key, value in fact.items():
            if (key, id(value)) in walked:
                continue
            walked.add((key, id(value)))
            yield from _key_faults(key, str(key))
            yield from _faults(value, str(key), 1)


def _facts_within(facts: list[dict[str, Any]]) -> bool:
    """Whether ``_facts_faults`` would find nothing; False for anything unusual, which the
    full walk then words."""
    walked: set[tuple[str, int]] = set()
    for fact in facts:
        if len(fact) > MOST_KEYS:
            return False
        for key, value in fact.items():
            if (key, id(value)) in walked:
                continue
            walked.add((key, id(value)))
            if type(key) is not str or not _text_within(key) or not _within(value, 1):
                return False
    return True


def _entries_within(value: dict[Any, Any], depth: int) -> bool:
    """``_within`` of each key and value, the usual texts and flags checked here rather
    than each in a call of its own (this runs for every item of every list asserted)."""
    if depth > DEEPEST:
        return not value
    for key, item in value.items():
        if type(key) is not str or not (key.isascii() and len(key) <= LONGEST_STRING or _text_within(key)):
            return False
        kind = type(item)
        if kind is bool or item is None or kind is str and item.isascii() and len(item) <= LONGEST_STRING:
            continue
        if not _within(item, depth):
            return False
    return True


def _within(value: Any, depth: int) -> bool:
    if depth > DEEPEST:
        return False
    kind = type(value)
    if kind is str:
        return _text_within(value)
    if kind is bool or value is None:
        return True
    if kind is int:
        return -LARGEST_NUMBER < value < LARGEST_NUMBER
    if kind is float:
        return (value == 0 or SMALLEST_FRACTION <= abs(value)) and abs(value) < LARGEST_NUMBER
    if kind is dict:
        return len(value) <= MOST_KEYS and _entries_within(value, depth + 1)
    if kind is list:
        return len(value) <= MOST_ITEMS and all(_within(item, depth + 1) for item in value)
    return False


def _text_within(text: str) -> bool:
    if len(text) > LONGEST_STRING:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_literals(definition: Any, name: str = "") -> None:
    """Raise ``InputError`` naming each rule literal durable_rules is not known to take."""
    problems = [_problem(path, why) for path, why in _literal_faults(definition, name)]
    if problems:
        raise InputError(problems[:10])


def _literal_faults(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, item in node.items():
            yield from _literal_faults(item, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _literal_faults(item, f"{path}[{index}]")
    elif not callable(node):
        fault = out_of_bounds(node)
        if fault:
            yield path, fault


def out_of_bounds(value: Any) -> str | None:
    """Why durable_rules cannot take this scalar, or None if it can."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _number_fault(value)
    if isinstance(value, str):
        return _string_fault(value)
    return f"a {type(value).__name__}, which the engine has no type for"


def _faults(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    if depth > DEEPEST:
        yield path, f"nested more than {DEEPEST} deep"
    elif isinstance(value, dict):
        if len(value) > MOST_KEYS:
            yield path, f"{len(value)} keys in one object, more than {MOST_KEYS}"
        for key, item in value.items():
            yield from _key_faults(key, f"{path}.{key}" if path else str(key))
            yield from _faults(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list):
        if len(value) > MOST_ITEMS:
            yield path, f"{len(value)} items in one list, more than {MOST_ITEMS}"
        for index, item in enumerate(value):
            yield from _faults(item, f"{path}[{index}]", depth + 1)
    else:
        fault = out_of_bounds(value)
        if fault:
            yield path, fault


def _key_faults(key: Any, path: str) -> Iterator[tuple[str, str]]:
    fault = out_of_bounds(key) if isinstance(key, str) else "a key that is not text"
    if fault:
        yield path, f"its name is {fault}"


def _number_fault(number: int | float) -> str | None:
    if isinstance(number, float) and not math.isfinite(number):
        return f"{number}, not a finite number"
    if abs(number) >= LARGEST_NUMBER:
        return f"{_cut(repr(number))}, larger than the engine takes (less than 1e15)"
    if isinstance(number, float) and 0 < abs(number) < SMALLEST_FRACTION:
        return f"{number!r}, a fraction smaller than the engine takes (0.0001 or more, or 0)"
    return None


def _string_fault(text: str) -> str | None:
    if len(text) > LONGEST_STRING:
        return f"a text of {len(text):,} characters, longer than the engine takes ({LONGEST_STRING:,})"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return f"{_cut(ascii(text))}, a text with a lone surrogate, which is not Unicode text"
    return None


def _cut(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _problem(path: str, why: str) -> Problem:
    return Problem(
        "engine-bounds",
        f"the value at '{_cut(path.replace('__', '.'))}' is out of the range gpca can evaluate: {why}",
        hint="give a realistic value (see schemas/plan.schema.json for each field's range)",
    )
