"""The JSON report: one stable document per run, described by schemas/report.schema.json."""

from __future__ import annotations

import json
from typing import Any

from engine import __version__
from engine.model import ActionVerdict, Assessment, RuleResult, RuleSet
from engine.report.common import ACTION_STATUSES, counts

OUTCOMES = ("pass", "fail", "cannot_tell", "not_applicable")
OVERALLS = ("no_risk", "risk", "cannot_tell")


def render_json(assessments: list[Assessment], rules: RuleSet) -> str:
    document = {
        "gpca_version": __version__,
        "rules_digest": rules.digest,
        "plans": [_plan(assessment, rules) for assessment in assessments],
        "summary": _summary(assessments),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _plan(assessment: Assessment, rules: RuleSet) -> dict[str, Any]:
    plan = assessment.plan
    return {
        "path": plan.path,
        "plan_digest": plan.digest,
        "practice": plan.practice,
        "as_of": assessment.as_of,
        "overall": assessment.overall,
        "actions": [_action(verdict, rules) for verdict in assessment.actions],
        "results": [_result(result, rules) for result in assessment.results],
    }


def _action(verdict: ActionVerdict, rules: RuleSet) -> dict[str, Any]:
    return {
        "id": verdict.action_id,
        "title": rules.action(verdict.action_id).title,
        "status": verdict.status,
        "in_phase": verdict.in_phase,
        "findings": list(verdict.findings),
        "cautions": list(verdict.cautions),
    }


def _result(result: RuleResult, rules: RuleSet) -> dict[str, Any]:
    return {
        "rule_id": result.rule_id,
        "pack": rules.constraint(result.rule_id).pack,
        "outcome": result.outcome,
        "severity": result.severity,
        "attributed_to": list(result.attributed_to),
        "missing": list(result.missing),
        "message": result.message,
        "reason": result.reason,
    }


def _summary(assessments: list[Assessment]) -> dict[str, Any]:
    return {
        "plans": len(assessments),
        "overall": counts((a.overall for a in assessments), OVERALLS),
        "actions": counts((v.status for a in assessments for v in a.actions), tuple(ACTION_STATUSES)),
        "outcomes": counts((r.outcome for a in assessments for r in a.results), OUTCOMES),
    }
