"""Explain a verdict in plain words: fill a rule's message, and name what is missing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from engine.conditions import Scope, lookup, term_value
from engine.model import Constraint

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
        return _words(value)

    return " ".join(PLACEHOLDER.sub(fill, template).split())


def _words(value: Any) -> str:
    if value is None:
        return NOT_GIVEN
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def missing_paths(view: Mapping[str, Any], reads: Iterable[str]) -> tuple[str, ...]:
    """The plan paths a rule reads that the plan leaves out, e.g. setup.services[1].kind."""
    missing: set[str] = set()
    for path in reads:
        list_path, _, item_path = path.partition("[].")
        if not item_path:
            if lookup(view, path) is None:
                missing.add(path)
            continue
        items = lookup(view, list_path)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if lookup(item, item_path) is None:
                missing.add(f"{list_path}[{index}].{item_path}")
    return tuple(sorted(missing))
