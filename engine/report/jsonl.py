"""The JSON Lines report: one plan's object per line, as ``$defs/plan`` in schemas/report.schema.json.

A program reading many plans takes each line as it comes, with no document to hold whole.
"""

from __future__ import annotations

import json

from engine.core.model import Assessment, RuleSet
from engine.report.json import plan_object


def render_jsonl(assessments: list[Assessment], rules: RuleSet) -> str:
    return "".join(plan_line(assessment, rules) for assessment in assessments)


def plan_line(assessment: Assessment, rules: RuleSet) -> str:
    """One plan's object on one line; JSON escapes every newline inside a string."""
    return json.dumps(plan_object(assessment, rules), ensure_ascii=False) + "\n"
