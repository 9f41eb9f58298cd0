"""A rule's message and remedy with their placeholders filled from the plan."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from engine.core.conditions import Scope, lookup, term_value
from engine.core.escape import plain
from engine.core.model import Constraint

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\}")
NOT_GIVEN = "(not given)"


def placeholders(template: str) -> list[str]:
    return PLACEHOLDER.findall(template)


def render_message(template: str, rule: Constraint, view: Mapping[str, Any], day: str) -> str:
    """The template with ``{plan.path}`` and ``{let}`` placeholders filled from the plan."""
    pieces = _pieces(template)  # the odd pieces are the placeholders' names
    scope = Scope(view, day, rule.lets) if rule.lets else None
    words = tuple(answer_words(term_value({"let": name}, scope) if scope and name in rule.lets else lookup(view, name))
                  for name in pieces[1::2])  # fmt: skip
    return _filled(pieces, words)


@functools.lru_cache(maxsize=1024)  # a rule set's templates, each split once
def _pieces(template: str) -> tuple[str, ...]:
    return tuple(PLACEHOLDER.split(template))


@functools.lru_cache(maxsize=4096)  # many plans fill a template with the same answers
def _filled(pieces: tuple[str, ...], words: tuple[str, ...]) -> str:
    text = list(pieces)
    text[1::2] = words
    return " ".join("".join(text).split())


def answer_words(value: Any) -> str:
    if value is None:
        return NOT_GIVEN
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # a list of answers, such as several overflow destinations
        return " and ".join(answer_words(item) for item in value) or "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return f"{value:,}"
    return plain(value)  # a plan's text: a newline in it must not start a line of the report
