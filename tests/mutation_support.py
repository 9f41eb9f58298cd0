"""Mutants of a rule: each single number or date in its logic changed, one at a time."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path

from engine.inputs.read import read_yaml

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOGIC = ("/effective", "/let", "/applies_when", "/fails_when")


def mutants(path: Path) -> Iterator[tuple[str, str]]:
    """(description, mutated text) for each number or date the rule's logic uses."""
    document = read_yaml(path)
    lines = path.read_text("utf-8").splitlines(keepends=True)
    for pointer, value in _scalars(document.data, ""):
        if not pointer.startswith(LOGIC) or isinstance(value, bool):
            continue
        place = document.locations[pointer]
        changed = _changed(value)
        if changed is None:
            continue
        mutated = _replace_on_line(lines, place.line - 1, str(value), changed)
        if mutated is not None:
            yield f"{path.name}:{place.line} {pointer}: {value} -> {changed}", mutated


def _scalars(data: object, pointer: str) -> Iterator[tuple[str, object]]:
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        yield pointer, data
        return
    for key, child in items:
        yield from _scalars(child, f"{pointer}/{key}")


def _changed(value: object) -> str | None:
    if isinstance(value, int):
        return str(value + 1)
    if isinstance(value, str) and DATE.match(value):
        return (datetime.date.fromisoformat(value) + datetime.timedelta(days=1)).isoformat()
    return None


def _replace_on_line(lines: list[str], index: int, old: str, new: str) -> str | None:
    """The file with ``old`` replaced by ``new`` once, on the value's line or the next few."""
    for offset in range(0, 3):
        line = lines[index + offset] if index + offset < len(lines) else ""
        pattern = re.compile(rf"(?<![\w.-]){re.escape(old)}(?![\w.-])")
        if pattern.search(line):
            copy = list(lines)
            copy[index + offset] = pattern.sub(new, line, count=1)
            return "".join(copy)
    return None
