"""The dates ahead when an action's verdict changes, found by re-assessing the plan.

A verdict can change only where some rule's period starts or ends, or on a date the
plan names (a notice served, a service stopping), which rules compare with the date; so
the plan is assessed again on each such date (and the day after it) and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from engine.evaluate import Evaluator
from engine.model import Plan, RuleSet
from engine.report.common import ACTION_STATUS_WORDS, long_date

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_DATES = 60  # a bound on the work one request can cause


def change_dates(rules: RuleSet, plan: Plan, after: str) -> list[str]:
    """Every first day on which some constraint or chosen action's phase starts or stops."""
    chosen = {choice.id for choice in plan.actions}
    spans = [(p.start, p.end) for c in rules.constraints for p in c.effective]
    spans += [(p.start, p.end) for a in rules.actions if a.id in chosen for p in a.phases]
    days = {start for start, _ in spans if start} | {_next_day(end) for _, end in spans if end}
    named = set(_plan_dates(plan.setup))
    days |= named | {_next_day(day) for day in named}
    return sorted(day for day in days if day > after)[:MAX_DATES]


def _plan_dates(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [day for value in node.values() for day in _plan_dates(value)]
    if isinstance(node, list):
        return [day for value in node for day in _plan_dates(value)]
    if not (isinstance(node, str) and _ISO_DATE.fullmatch(node)):
        return []
    try:
        return [dt.date.fromisoformat(node).isoformat()]
    except ValueError:
        return []


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
                changes[verdict.action_id].append(_change(day, verdict, before))
            current[verdict.action_id] = verdict
    return changes


def _change(day: str, verdict: Any, before: Any) -> dict[str, Any]:
    menu = ""
    words = ACTION_STATUS_WORDS[verdict.status]
    if verdict.in_phase != before.in_phase:
        menu = "it joins the BMA menu" if verdict.in_phase else "it leaves the BMA menu"
    return {
        "date": day,
        "date_words": long_date(day),
        "status": verdict.status,
        "status_words": words if verdict.status != before.status else f"still {words}",
        "findings": list(verdict.findings),
        "menu": menu,
    }
