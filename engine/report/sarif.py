"""`gpca check --format sarif`: SARIF 2.1.0 for code scanning, one rule entry per rule id.

Each failing or cannot-tell constraint is a result located at the plan file's line: the
chosen action's entry when an action causes it, else the field the rule reads.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine import __version__
from engine.advice.words import ACTION_STATUS_LABELS, reading_heading, unchecked_note
from engine.core.model import BREACH_SEVERITIES, ActionVerdict, Assessment, Constraint, RuleResult, RuleSet, Waiver
from engine.core.readings import LMC_ADVICE, readings_in_order, result_contested
from engine.inputs.waive import applied_waiver, waived_findings, waiver_words
from engine.report.locate import finding_location
from engine.report.stream import Layout, Part, indented, joined

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/gpca/gpca"


RESULT_MARGIN, ACTION_MARGIN = " " * 8, " " * 10  # where the two lists' items sit in the document
_HOLE = "\x00"  # stands for a list's items in the document's skeleton


def render_sarif(assessments: list[Assessment], rules: RuleSet) -> str:
    return joined("sarif", assessments, rules)


def plan_part(assessment: Assessment, rules: RuleSet) -> Part:
    """The plan's results; its actions' statuses aside, for the run's properties after
    every plan's results; and its tally of counts and notes."""
    index = {rule.id: i for i, rule in enumerate(rules.constraints)}
    results = [_result(r, assessment, rules, index) for r in assessment.results if r.outcome in ("fail", "cannot_tell")]
    verdicts = [_verdict(v, assessment) for v in assessment.actions]
    notes = frozenset({unchecked_note(assessment.as_of, rules)} - {""})
    tally = {"results": len(results), "actions": len(verdicts), "waived": waived_findings(assessment), "notes": notes}
    return Part(_items(results, RESULT_MARGIN), tally, _items(verdicts, ACTION_MARGIN))


def _items(items: list[dict[str, Any]], margin: str) -> str:
    """Items of a list, each on its own lines, "," between; the "," before the next plan's is
    the Writer's."""
    return ",".join("\n" + indented(item, margin, item) for item in items)


def _opening(rules: RuleSet) -> str:
    return _skeleton(rules, 0, frozenset())[0]


def _closing(tally: dict[str, Any], _count: int, rules: RuleSet) -> tuple[str, str]:
    """What follows the results and the actions; a list left empty is written "[]", as in
    `json.dumps`, so the line break before its "]" goes when nothing came before it."""
    _, after_results, after_actions = _skeleton(rules, tally["waived"], tally["notes"])
    return _after(after_results, tally["results"]), _after(after_actions, tally["actions"]) + "\n"


def _after(text: str, items: int) -> str:
    return text if items else text.lstrip()


def _skeleton(rules: RuleSet, waived: int, notes: frozenset[str]) -> list[str]:
    """The document around its two lists' items: before the results, between the results
    and the actions, and after the actions."""
    driver = {"name": "gpca", "version": __version__, "informationUri": INFORMATION_URI,
              "rules": [_rule(rule) for rule in rules.constraints]}  # fmt: skip
    run: dict[str, Any] = {"tool": {"driver": driver}, "results": [_HOLE],
                           "properties": {"actions": [_HOLE], "waivedFindings": waived}}  # fmt: skip
    if notes:
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": [
            {"level": "warning", "message": {"text": note}} for note in sorted(notes)]}]  # fmt: skip
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return re.split(r'\n *"\\u0000"', json.dumps(document, indent=2, ensure_ascii=False))


def _verdict(verdict: ActionVerdict, assessment: Assessment) -> dict[str, Any]:
    """Each chosen action's status, so that "safe, with cautions" is told from "safe"."""
    return {"plan": assessment.plan.path, "asOf": assessment.as_of, "action": verdict.action_id,
            "status": verdict.status, "statusLabel": ACTION_STATUS_LABELS[verdict.status]}  # fmt: skip


def _rule(rule: Constraint) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.remedy.split())},
        "defaultConfiguration": {"level": level(rule.severity, "fail")},
        "properties": {"ref": rule.ref, "force": rule.force, "severity": rule.severity, "pack": rule.pack},
    }
    cited = [source.url for source in rule.sources if source.url]
    if cited:
        entry["helpUri"] = cited[0]
    return entry


def level(severity: str, outcome: str) -> str:
    if outcome == "cannot_tell":
        return "warning"
    return "error" if severity in BREACH_SEVERITIES else "warning" if severity == "guidance_risk" else "note"


def _result(result: RuleResult, assessment: Assessment, rules: RuleSet, index: dict[str, int]) -> dict[str, Any]:
    place = finding_location(result, assessment, rules)
    region = {"startLine": place.line, "startColumn": place.column}
    location = {"physicalLocation": {"artifactLocation": {"uri": place.path}, "region": region}}
    entry = {
        "ruleId": result.rule_id,
        "ruleIndex": index[result.rule_id],
        "level": level(result.severity, result.outcome),
        "message": {"text": _contested_message(result, rules)},
        "locations": [location],
        "properties": {"outcome": result.outcome, "attributedTo": list(result.attributed_to),
                       "asOf": assessment.as_of, "pack": rules.constraint(result.rule_id).pack,
                       "contested": result_contested(result, rules),
                       "actionStatuses": {v.action_id: v.status for v in assessment.actions
                                          if v.action_id in result.attributed_to}},  # fmt: skip
    }
    waiver = applied_waiver(assessment, result.rule_id)
    if waiver is not None:
        entry["suppressions"] = [_suppression(waiver)]
    return entry


def _suppression(waiver: Waiver) -> dict[str, Any]:
    """SARIF's own mark for a result accepted outside the tool: the plan's waiver, which
    the plan's author, not a comment in the scanned file, recorded."""
    return {"kind": "external", "status": "accepted", "justification": waiver_words(waiver),
            "properties": {"reason": waiver.reason, "reference": waiver.reference,
                           "approver": waiver.approver, "expires": waiver.expires}}  # fmt: skip


def _contested_message(result: RuleResult, rules: RuleSet) -> str:
    if not result_contested(result, rules):
        return message(result)
    rule = rules.constraint(result.rule_id)
    said = " ".join(f'{reading_heading(r)}: "{r.words}" <{r.sources[0].url}>' for r in readings_in_order(rule))
    return f"Risks a notice (contested): {message(result)} {said} {LMC_ADVICE}"


def message(result: RuleResult) -> str:
    if result.outcome == "cannot_tell":
        return "Cannot tell: the plan leaves out " + (", ".join(result.missing) or "a value the rule needs") + "."
    return result.message or result.rule_id


LAYOUT = Layout(plan_part, _opening, ",", _closing, aside_between=",")
