"""The JSON report: one stable document per run, described by schemas/report.schema.json."""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec

from engine import __version__
from engine.advice.checklist import QuestionGroup, questions_checklist
from engine.advice.words import STATUS_VALUES, counts, earliest_note, unchecked_note
from engine.core.model import ActionVerdict, Assessment, Reading, RuleResult, RuleSet, Waiver, WaiverStatus
from engine.core.readings import CONTESTED, overall_key, readings_in_order, result_contested
from engine.inputs.waive import applied_waiver, unwaived_overall, waived_findings

OUTCOMES = ("pass", "fail", "cannot_tell", "not_applicable")
OVERALLS = ("no_risk", "risk", "cannot_tell")


def render_json(assessments: list[Assessment], rules: RuleSet) -> str:
    plans = [plan_object(assessment, rules) for assessment in assessments]
    document = {
        **document_head(rules),
        "plans": plans,
        "summary": _summary(assessments),
    }
    return indented_json(document, [plan["practice"] for plan in plans]) + "\n"


def indented_json(value: Any, answers: Any) -> str:
    """``value`` exactly as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, by
    msgspec's C encoder unless ``answers`` (the plan's own values inside it) hold a number
    msgspec would write differently."""
    if _c_encodable(answers):
        return msgspec.json.format(msgspec.json.encode(value), indent=2).decode()
    return json.dumps(value, indent=2, ensure_ascii=False)


def _c_encodable(value: Any) -> bool:
    """Whether msgspec writes ``value`` byte for byte as the json module does. Only a plan's
    own answers can differ: a float it writes with an exponent (1e16, where json writes
    1e+16), or an integer beyond 64 bits; everything else gpca writes is text, whole
    numbers or truth values."""
    if isinstance(value, dict):
        return all(_c_encodable(item) for item in value.values())
    if isinstance(value, list):
        return all(_c_encodable(item) for item in value)
    if isinstance(value, float):
        return math.isfinite(value) and "e" not in repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return -(2**63) <= value < 2**64
    return True


def plan_object(assessment: Assessment, rules: RuleSet) -> dict[str, Any]:
    """One plan's object of the report, as plain data in the report's key order."""
    plan = assessment.plan
    return {
        "path": plan.path,
        "plan_digest": plan.digest,
        "practice": plan.practice,
        "as_of": assessment.as_of,
        "after_sources_checked": rules.checked_before(assessment.as_of),
        "unchecked_note": unchecked_note(assessment.as_of, rules),
        "overall": assessment.overall,
        "overall_contested": overall_key(assessment, rules) == CONTESTED,
        "overall_unwaived": unwaived_overall(assessment),
        "waivers": [_waiver_status(status) for status in assessment.waivers],
        "actions": [_action(verdict, rules) for verdict in assessment.actions],
        "results": [_result(result, assessment, rules) for result in assessment.results],
        "questions": [_group(group) for group in questions_checklist(assessment, rules)],
    }


def _group(group: QuestionGroup) -> dict[str, Any]:
    """A group of the checklist: each open question once, with the actions and rules it unblocks."""
    questions = [{"path": q.path, "question": q.question, "actions": list(q.actions), "rules": list(q.rules)}
                 for q in group.questions]  # fmt: skip
    return {"key": group.key, "title": group.title, "questions": questions}


def _action(verdict: ActionVerdict, rules: RuleSet) -> dict[str, Any]:
    return {
        "id": verdict.action_id,
        "title": rules.action(verdict.action_id).title,
        "status": verdict.status,
        "contested": verdict.contested,
        "in_phase": verdict.in_phase,
        "findings": list(verdict.findings),
        "cautions": list(verdict.cautions),
    }


def _result(result: RuleResult, assessment: Assessment, rules: RuleSet) -> dict[str, Any]:
    fields = _result_fields(result, assessment, rules)
    waiver = applied_waiver(assessment, result.rule_id)
    fields["waiver"] = None if waiver is None else _waiver(waiver)
    if result_contested(result, rules):
        fields["readings"] = [_reading(r) for r in readings_in_order(rules.constraint(result.rule_id))]
    return fields


def _waiver(waiver: Waiver) -> dict[str, str]:
    return {"rule": waiver.rule, "reason": waiver.reason, "reference": waiver.reference,
            "approver": waiver.approver, "expires": waiver.expires}  # fmt: skip


def _waiver_status(status: WaiverStatus) -> dict[str, str]:
    return {**_waiver(status.waiver), "state": status.state}


def _reading(reading: Reading) -> dict[str, Any]:
    return {
        "reader": reading.reader,
        "by": reading.by,
        "position": reading.position,
        "notices_issued": reading.notices_issued,
        "words": reading.words,
        "sources": [{"title": s.title, "url": s.url, "confidence": s.confidence} for s in reading.sources],
    }


def _result_fields(result: RuleResult, assessment: Assessment, rules: RuleSet) -> dict[str, Any]:
    return {
        "rule_id": result.rule_id,
        "pack": rules.constraint(result.rule_id).pack,
        "outcome": result.outcome,
        "severity": result.severity,
        "attributed_to": list(result.attributed_to),
        "missing": list(result.missing),
        "message": result.message,
        "reason": result.reason,
        "earliest_note": earliest_note(rules.constraint(result.rule_id), assessment.plan.practice, assessment.as_of)
        if result.outcome in ("fail", "cannot_tell") else "",
    }


def _summary(assessments: list[Assessment]) -> dict[str, Any]:
    return {
        "plans": len(assessments),
        "overall": counts((a.overall for a in assessments), OVERALLS),
        "actions": counts((v.status for a in assessments for v in a.actions), STATUS_VALUES),
        "outcomes": counts((r.outcome for a in assessments for r in a.results), OUTCOMES),
        "waived_findings": sum(waived_findings(a) for a in assessments),
    }


def document_head(rules: RuleSet) -> dict[str, Any]:
    """The report's keys before its plans, for a report written plan by plan."""
    return {
        "gpca_version": __version__,
        "rules_digest": rules.digest,
        "rules_used": list(rules.origins),
        "sources_checked_to": rules.sources_checked_to,
    }


def summary_object(assessments: list[Assessment]) -> dict[str, Any]:
    """The report's "summary" of ``assessments``; summaries of parts add up to the whole's."""
    return _summary(assessments)
