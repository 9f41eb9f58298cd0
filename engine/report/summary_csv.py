"""The CSV summary for advisers: one row per practice and chosen action.

Written beside the report (``gpca check --summary PATH``) for a spreadsheet: a row says
where an action stands, which rules it risks breaching and which answers the plan still
lacks.
"""

from __future__ import annotations

import csv
import io

from engine.core.model import ActionVerdict, Assessment, RuleResult

COLUMNS = ("practice", "ods_code", "plan", "action", "status", "rules_at_risk", "open_questions")
SEPARATOR = ";"  # between ids or paths inside one cell
FORMULA_STARTS = tuple("=+-@\t\r")


def summary_rows(assessment: Assessment) -> list[list[str]]:
    practice = assessment.plan.practice
    name, ods = _cell(practice.get("name")), _cell(practice.get("ods_code"))
    results = {result.rule_id: result for result in assessment.results}
    return [
        [name, ods, _cell(assessment.plan.path), verdict.action_id, verdict.status,
         SEPARATOR.join(_at_risk(verdict, results)), SEPARATOR.join(_open_questions(verdict, results))]
        for verdict in assessment.actions
    ]  # fmt: skip


def csv_lines(rows: list[list[str]]) -> str:
    """``rows`` as CSV text, each line ended by CRLF as RFC 4180 asks."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _cell(value: object) -> str:
    """The plan's own text for a cell; one a spreadsheet would run as a formula (it starts
    with =, +, -, @ or a tab or carriage return) is kept as text by a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _at_risk(verdict: ActionVerdict, results: dict[str, RuleResult]) -> list[str]:
    """The action's findings that fail: the rules it risks breaching."""
    return [rule_id for rule_id in verdict.findings if results[rule_id].outcome == "fail"]


def _open_questions(verdict: ActionVerdict, results: dict[str, RuleResult]) -> list[str]:
    """The plan's missing answers that leave one of the action's findings undecided."""
    asked = (results[r].missing for r in verdict.findings if results[r].outcome == "cannot_tell")
    return list(dict.fromkeys(path for missing in asked for path in missing))
