"""An assessment as plain data for the page and the HTML report.

This formats and never decides: statuses, findings and missing answers all come from
the evaluator's ``Assessment``.
"""

from __future__ import annotations

from typing import Any

from engine.advice.words import (
    ACTION_PARAMETER_PATH,
    ACTION_STATUS_WORDS,
    ACTION_STATUSES,
    OVERALL_LABELS,
    OVERALL_WORDS,
    SEVERITY_WORDS,
    earliest_note,
    long_date,
    phase_note,
    question_for,
    unchecked_note,
    reading_heading,
)
from engine.core.model import PRACTICE, Action, ActionVerdict, Assessment, Constraint, RuleResult, RuleSet
from engine.core.readings import CONTESTED, LMC_ADVICE, overall_key, readings_in_order, result_contested, verdict_key
from engine.web.plans import pointer_of


def assessment_dict(assessment: Assessment, rules: RuleSet) -> dict[str, Any]:
    practice = [r for r in assessment.results
                if PRACTICE in r.attributed_to and r.outcome in ("fail", "cannot_tell")]  # fmt: skip
    overall = overall_key(assessment, rules)
    return {
        "as_of": assessment.as_of,
        "as_of_words": long_date(assessment.as_of),
        "overall": assessment.overall,
        "overall_contested": overall == CONTESTED,
        "overall_words": OVERALL_WORDS[overall],
        "overall_label": OVERALL_LABELS[overall],  # the words of `gpca check`'s "Overall:" line
        "unchecked_note": unchecked_note(assessment.as_of, rules),
        "action_statuses": [[status, said.counted] for status, said in ACTION_STATUSES.items()],
        "actions": [action_dict(v, assessment, rules) for v in assessment.actions],
        "practice": [finding_dict(r, assessment, rules, None) for r in practice],
        "not_applicable": [
            {"rule_id": r.rule_id, "title": rules.constraint(r.rule_id).title, "reason": r.reason}
            for r in assessment.results if r.outcome == "not_applicable"
        ],  # fmt: skip
    }


def action_dict(verdict: ActionVerdict, assessment: Assessment, rules: RuleSet) -> dict[str, Any]:
    action = rules.action(verdict.action_id)
    results = [assessment.result(rule_id) for rule_id in verdict.findings]
    cautions = [assessment.result(rule_id) for rule_id in verdict.cautions]
    return {
        "id": action.id,
        "title": action.title,
        "status": verdict.status,
        "status_words": ACTION_STATUS_WORDS[verdict_key(verdict)],
        "status_title": ACTION_STATUSES[verdict_key(verdict)].title,
        "status_label": ACTION_STATUSES[verdict_key(verdict)].label,
        "light": ACTION_STATUSES[verdict_key(verdict)].light,
        "contested": verdict.contested,
        "in_phase": verdict.in_phase,
        "phase_note": "" if verdict.in_phase
                      else phase_note(action, assessment.as_of, "This action", in_words=True),
        "findings": [finding_dict(r, assessment, rules, action) for r in results],
        "cautions": [finding_dict(r, assessment, rules, action) for r in cautions],
        # said once, after its findings, however many there are
        "instead": action.instead if any(r.outcome == "fail" for r in results) else "",
    }


def finding_dict(result: RuleResult, assessment: Assessment, rules: RuleSet,
                 action: Action | None) -> dict[str, Any]:  # fmt: skip
    constraint = rules.constraint(result.rule_id)
    failed = result.outcome == "fail"
    return {
        "rule_id": result.rule_id,
        "title": constraint.title,
        "outcome": result.outcome,
        "severity": result.severity,
        "severity_words": SEVERITY_WORDS[result.severity],
        "message": result.message,
        # an action's own `instead` is said once on the action; else the rule's remedy
        "remedy": result.remedy if failed and (action is None or not action.instead) else "",
        "sources": [
            {"title": s.title, "url": s.url, "confidence": s.confidence}
            for s in constraint.sources
        ],
        "missing": [question_dict(path, assessment, rules) for path in result.missing],
        "earliest_note": earliest_note(constraint, assessment.plan.practice, assessment.as_of),
        "readings": _readings(constraint) if result_contested(result, rules) else [],
    }


def _readings(constraint: Constraint) -> list[dict[str, Any]]:
    return [{"heading": reading_heading(r), "words": r.words, "lmc": LMC_ADVICE,
             "sources": [{"title": s.title, "url": s.url, "confidence": s.confidence} for s in r.sources]}
            for r in readings_in_order(constraint)]  # fmt: skip


def question_dict(path: str, assessment: Assessment, rules: RuleSet) -> dict[str, str]:
    """The question that settles ``path``, as the evaluator asked it: a chosen action's
    own parameter (``actions[0].urgent_overflow``) or a set-up field."""
    own = ACTION_PARAMETER_PATH.fullmatch(path)
    if own is not None:
        index, name = int(own[1]), own[2]
        schema = rules.action(assessment.plan.actions[index].id).params.get(name, {})
        return {"path": path, "pointer": f"/actions/{index}/{name}",
                "question": schema.get("description") or name}
    return {"path": path, "pointer": pointer_of(path), "question": question_for(path)}
