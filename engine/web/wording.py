"""Problems in the words of the NHS design system's error messages, for the planner's page.

The command line says a problem to whoever wrote the YAML ("'practice.ods_code' must be
text matching ..."); the page says it to a practice manager at the question itself, in
plain English, saying what to do, with no field paths, patterns, codes or parser words.
The words come from the question's own schema node, so a new field needs no edit here.
"""

from __future__ import annotations

import re
from typing import Any

from engine.advice.words import long_date
from engine.core.horizon import earliest_covered
from engine.core.model import Problem, RuleSet

_EXAMPLE = re.compile(r"\(for example ([^)]+)\)")
ASKED_FORM = "Enter it in the form the question asks for"
_MISSING_KEY = re.compile(r"missing required key '([^']+)'")
_YAML_WORDS = (  # what the YAML parser said -> what was wrong, in words
    ("flow sequence", "a list in square brackets was not closed"),
    ("flow mapping", "a mapping in curly brackets was not closed"),
    ("quoted scalar", "a quotation mark was not closed"),
    ("mapping values are not allowed", "a colon is out of place: put an answer that holds a colon in quotes"),
    ("found character '\\t'", "a tab is used to indent: indent with spaces"),
    ("block mapping", "the indenting is uneven: line the answers of one section up under each other"),
    ("block sequence", "the indenting of a list is uneven: line its '-' items up under each other"),
)  # fmt: skip
_BY_CODE = {
    "unknown-key": "The file has an answer the planner does not ask for. Remove it from the plan",
    "unknown-action": "The file chooses an action the planner does not know. Remove it from the plan",
    "duplicate-action": "The file chooses the same action twice. Remove one of them",
    "duplicate-key": "The file gives the same answer twice. Keep one of them",
    "conflicting-actions": "Two chosen actions change one answer in different ways. Choose only one of them",
    "closure-day": "The day of the week does not match the date. Correct the day or the date",
    "engine-bounds": "Enter a realistic value",
    "not-a-mapping": "The file is not a plan. Upload a plan file made by the planner or by gpca init",
    "file-too-large": "The file is too large to be a plan. Upload a plan file",
    "unreadable-file": "The file could not be read as text. Upload a plan file saved as plain text",
}


def page_problem(problem: Problem, node: dict[str, Any] | None, rules: RuleSet) -> str:
    """What the page says about ``problem`` at its question, whose schema node is ``node``."""
    if problem.code == "yaml-syntax":
        return yaml_words(problem)
    if problem.code == "date-out-of-range":
        first = earliest_covered(rules)
        after = f" on or after {long_date(first)}" if first else ""
        return f"Enter a date{after}: gpca knows no rule before then"
    if problem.code in _BY_CODE:
        return _BY_CODE[problem.code]
    if _MISSING_KEY.search(problem.message):
        return f"Answer this question: {_question(node)}" if node else "Answer this question"
    return field_words(node) if node else "Check this answer: it is not one the planner can read"


def yaml_words(problem: Problem) -> str:
    said = f"{problem.message} {problem.hint or ''}"
    what = next((words for clue, words in _YAML_WORDS if clue in said), "the file is not written as a plan")
    line = problem.location.line if problem.location else None
    return f"Line {line}: {what}" if line else what[0].upper() + what[1:]


def field_words(node: dict[str, Any]) -> str:
    """The error message for a question whose answer is not of the form it asks for."""
    kind = node.get("type")
    if node.get("format") == "date":
        return "Enter a real date, for example 1 October 2025"
    if "enum" in node or (kind == "array" and "enum" in node.get("items", {})):
        return "Choose one of the answers offered"
    if kind == "boolean":
        return "Choose yes or no"
    if kind in ("integer", "number") or "oneOf" in node:
        return _number_words(node)
    if "pattern" in node:
        example = _EXAMPLE.search(node.get("description", ""))
        return f"Enter it in the form of the example, like {example[1]}" if example else ASKED_FORM
    if "maxLength" in node:
        return f"Enter no more than {node['maxLength']:,} characters"
    return "Check this answer: it is not one the planner can read"


def _number_words(node: dict[str, Any]) -> str:
    whole = "a whole number" if node.get("type") == "integer" else "a number"
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f"Enter {whole} between {low:,} and {high:,}"
    if low is not None:
        return f"Enter {whole} of {low:,} or more"
    return f"Enter {whole}, in figures"


def _question(node: dict[str, Any]) -> str:
    return node.get("description") or "it is needed for a verdict"


def node_at(schema: dict[str, Any], pointer: str) -> dict[str, Any] | None:
    """The plan schema's node for a JSON pointer into a plan (list items by index)."""
    node: Any = schema
    for part in [p for p in pointer.split("/") if p]:
        if not isinstance(node, dict):
            return None
        if part.isdigit() and node.get("type") == "array":
            node = node.get("items")
        else:
            node = node.get("properties", {}).get(part)
    return node if isinstance(node, dict) else None
