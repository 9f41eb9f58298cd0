"""The dates ahead when an action's verdict changes, found by re-assessing the plan.

A verdict can change only where some rule's period starts or ends, so the plan is
assessed again on each such date after the assessment date, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.evaluate import Evaluator
from engine.model import Plan, RuleSet
from engine.report.common import ACTION_STATUS_WORDS, long_date

MAX_DATES = 60  # a bound on the work one request can cause


def change_dates(rules: RuleSet, plan: Plan, after: str) -> list[str]:
    """Every first day on which some constraint or chosen action's phase starts or stops."""
    chosen = {choice.id for choice in plan.actions}
    spans = [(p.start, p.end) for c in rules.constraints for p in c.effective]
    spans += [(p.start, p.end) for a in rules.actions if a.id in chosen for p in a.phases]
    days = {start for start, _ in spans if start} | {_next_day(end) for _, end in spans if end}
    return sorted(day for day in days if day > after)[:MAX_DATES]


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def timelines(evaluator: Evaluator, plan: Plan, as_of: str) -> dict[str, list[dict[str, Any]]]:
    """For each chosen action, the dates ahead on which its verdict or menu status changes."""
    current = {v.action_id: v for v in evaluator.assess(plan, as_of).actions}
    changes: dict[str, list[dict[str, Any]]] = {action_id: [] for action_id in current}
    for day in change_dates(evaluator.rules, plan, as_of):
        for verdict in evaluator.assess(plan, day).actions:
            before = current[verdict.action_id]
            if (verdict.status, verdict.in_phase) != (before.status, before.in_phase):
                changes[verdict.action_id].append(_change(day, verdict, before.in_phase))
            current[verdict.action_id] = verdict
    return changes


def _change(day: str, verdict: Any, was_in_phase: bool) -> dict[str, Any]:
    menu = ""
    if verdict.in_phase != was_in_phase:
        menu = "it joins the BMA menu" if verdict.in_phase else "it leaves the BMA menu"
    return {
        "date": day,
        "date_words": long_date(day),
        "status": verdict.status,
        "status_words": ACTION_STATUS_WORDS[verdict.status],
        "findings": list(verdict.findings),
        "menu": menu,
    }
