"""For the planner: the dates ahead when a chosen action's verdict or its place on the
BMA menu changes, found by re-assessing the plan on the timeline's boundary dates
(engine/advice/timeline.py) and nowhere else.
"""

from __future__ import annotations

from typing import Any

from engine.advice.timeline import boundary_dates
from engine.advice.words import ACTION_STATUS_WORDS, long_date
from engine.core.evaluate import Evaluator
from engine.core.model import Plan, RuleSet
from engine.core.readings import verdict_key

MAX_DATES = 60  # a bound on the work one request can cause


def change_dates(rules: RuleSet, plan: Plan, after: str) -> list[str]:
    """The dates after ``after`` on which a chosen action's verdict or phase could change."""
    return [day for day in boundary_dates(rules, plan) if day > after][:MAX_DATES]


def timelines(evaluator: Evaluator, plan: Plan, as_of: str) -> dict[str, list[dict[str, Any]]]:
    """For each chosen action, the dates ahead on which its verdict or menu status changes."""
    current = {v.action_id: v for v in evaluator.assess(plan, as_of).actions}
    changes: dict[str, list[dict[str, Any]]] = {action_id: [] for action_id in current}
    for day in change_dates(evaluator.rules, plan, as_of):
        for verdict in evaluator.assess(plan, day).actions:
            before = current[verdict.action_id]
            if (verdict_key(verdict), verdict.in_phase) != (verdict_key(before), before.in_phase):
                changes[verdict.action_id].append(_change(day, verdict, before))
            current[verdict.action_id] = verdict
    return changes


def _change(day: str, verdict: Any, before: Any) -> dict[str, Any]:
    menu = ""
    words = ACTION_STATUS_WORDS[verdict_key(verdict)]
    if verdict.in_phase != before.in_phase:
        menu = "it joins the BMA menu" if verdict.in_phase else "it leaves the BMA menu"
    return {
        "date": day,
        "date_words": long_date(day),
        "status": verdict.status,
        "status_words": words if verdict_key(verdict) != verdict_key(before) else f"still {words}",
        "findings": list(verdict.findings),
        "menu": menu,
    }
