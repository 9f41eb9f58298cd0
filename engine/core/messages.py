"""A rule's message and remedy with their placeholders filled from the plan."""

from __future__ import annotations

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
    scope = Scope(view, day, rule.lets)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = term_value({"let": name}, scope) if name in rule.lets else lookup(view, name)
        return answer_words(value)

    return " ".join(PLACEHOLDER.sub(fill, template).split())


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
