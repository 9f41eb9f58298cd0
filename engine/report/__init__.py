"""Reporters turn assessments into text for people or JSON for programs.

Reporters format and never decide: every verdict comes from the evaluator.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from engine.core.model import Assessment, RuleSet

Reporter = Callable[[list[Assessment], RuleSet], str]

# format -> "module:function"; imported only when used, to keep gpca's start-up short.
REPORTERS: dict[str, str] = {
    "text": "engine.report.text:render_text",
    "json": "engine.report.json:render_json",
    "jsonl": "engine.report.jsonl:render_jsonl",
    "sarif": "engine.report.sarif:render_sarif",
    "github": "engine.report.github:render_github",
    "junit": "engine.report.junit:render_junit_check",
    "markdown": "engine.report.markdown:render_markdown",
    "html": "engine.report.html:render_html",
}

__all__ = ["REPORTERS", "Reporter", "reporter", "render"]


def reporter(fmt: str) -> Reporter:
    module, _, function = REPORTERS[fmt].partition(":")
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def render(fmt: str, assessments: list[Assessment], rules: RuleSet) -> str:
    """The report on ``assessments`` in format ``fmt`` (a key of REPORTERS)."""
    return reporter(fmt)(assessments, rules)
