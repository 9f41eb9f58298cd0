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
    pieces = _pieces(template)
    if len(pieces) == 1:
        return " ".join(template.split())
    scope = Scope(view, day, rule.lets)
    text = list(pieces)
    for index in range(1, len(pieces), 2):  # the odd pieces are the placeholders' names
        name = pieces[index]
        text[index] = answer_words(term_value({"let": name}, scope) if name in rule.lets else lookup(view, name))
    return " ".join("".join(text).split())


@functools.lru_cache(maxsize=1024)  # a rule set's templates, each split once
def _pieces(template: str) -> tuple[str, ...]:
    return tuple(PLACEHOLDER.split(template))


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
