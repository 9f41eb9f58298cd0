"""Reporters turn assessments into text for people or JSON for programs.

Reporters format and never decide: every verdict comes from the evaluator.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.model import Assessment, RuleSet
from engine.report.github import render_github
from engine.report.html import render_html
from engine.report.json import render_json
from engine.report.markdown import render_markdown
from engine.report.sarif import render_sarif
from engine.report.text import render_text

Reporter = Callable[[list[Assessment], RuleSet], str]

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "markdown": render_markdown,
    "html": render_html,
}

__all__ = ["REPORTERS", "Reporter", "render"]


def render(fmt: str, assessments: list[Assessment], rules: RuleSet) -> str:
    """The report on ``assessments`` in format ``fmt`` (a key of REPORTERS)."""
    return REPORTERS[fmt](assessments, rules)
