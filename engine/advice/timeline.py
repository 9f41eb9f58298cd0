"""How a plan's verdicts change over time as rules come into and go out of effect.

The plan is assessed at the start of the range and on every date within it on which
a constraint's effective period or a chosen action's phase starts, ends, or has just
ended (the day after an end), and on every date the plan itself names (a notice
served, a service stopping), since rules compare those with the assessment date. Only
dates where some verdict changes are reported.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from engine.advice.words import (
    fit,
    ACTION_STATUS_LABELS,
    ACTION_STATUS_WORDS,
    OUTCOME_WORDS,
    OVERALL_WORDS,
)
from engine.core.binding import binding_start, binds
from engine.core.dates import shift_days
from engine.core.model import Assessment, Plan, RuleSet
from engine.core.readings import verdict_key

if TYPE_CHECKING:
    from engine.core.evaluate import Evaluator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Change(Struct, frozen=True):
    """What is different on ``day`` from the previous date assessed."""

    day: str
    before: Assessment
    after: Assessment
    rules: tuple[str, ...]  # constraint ids whose outcome changed
    actions: tuple[str, ...]  # chosen action ids whose status changed


class Timeline(Struct, frozen=True):
    plan: Plan
    start: Assessment
    changes: tuple[Change, ...]
    end: str


def day_after(day: str) -> str:
    return shift_days(day, 1)


def boundary_dates(rules: RuleSet, plan: Plan) -> list[str]:
    """Every date on which a verdict or a chosen action's place on the menu could change,
    with each rule starting when it binds this practice (engine/core/binding.py)."""
    chosen = {choice.id for choice in plan.actions}
    spans = [(binding_start(p, rule, plan.practice), p.end) for rule in rules.constraints for p in rule.effective]
    spans += [(p.start, p.end) for a in rules.actions if a.id in chosen for p in a.phases]
    days = {day for span in spans for day in span if day}
    days |= {day_after(end) for _, end in spans if end}
    for day in _plan_dates(plan.setup):
        days.update((day, day_after(day)))
    return sorted(days)


def _plan_dates(data: Any) -> Iterable[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _plan_dates(value)
    elif isinstance(data, list):
        for value in data:
            yield from _plan_dates(value)
    elif isinstance(data, str) and _ISO_DATE.fullmatch(data) and _is_date(data):
        yield data


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def timeline(evaluator: Evaluator, plan: Plan, start: str | None = None,
             end: str | None = None) -> Timeline:  # fmt: skip
    """The plan's verdicts from ``start`` (default: assessed_on) to ``end``."""
    first = start or plan.assessed_on
    days = [d for d in boundary_dates(evaluator.rules, plan) if d > first and (end is None or d <= end)]
    last = end or (days[-1] if days else first)
    previous = evaluator.assess(plan, as_of=first)
    opening, changes = previous, []
    for day in days:
        current = evaluator.assess(plan, as_of=day)
        change = _difference(day, previous, current)
        if change is not None:
            changes.append(change)
        previous = current
    return Timeline(plan, opening, tuple(changes), last)


def _difference(day: str, before: Assessment, after: Assessment) -> Change | None:
    rules = tuple(r.rule_id for r, s in zip(before.results, after.results)
                  if (r.outcome, r.attributed_to) != (s.outcome, s.attributed_to))  # fmt: skip
    actions = tuple(a.action_id for a, b in zip(before.actions, after.actions)
                    if (verdict_key(a), a.findings, a.cautions) != (verdict_key(b), b.findings, b.cautions))  # fmt: skip
    if not rules and not actions:
        return None
    return Change(day, before, after, rules, actions)




def render_timeline(line: Timeline, rules: RuleSet) -> str:
    plan = line.plan
    name = plan.practice.get("name") or "Unnamed practice"
    blocks = [f"Timeline of {name} ({plan.path}), {line.start.as_of} to {line.end}",
              _opening(line.start)]  # fmt: skip
    blocks += [_change_block(change, rules) for change in line.changes]
    if not line.changes:
        blocks.append("No verdict changes in this range.")
    blocks.append(_summary(line))
    return fit("\n\n".join(blocks)) + "\n"


def _opening(assessment: Assessment) -> str:
    lines = [f"On {assessment.as_of}: overall {OVERALL_WORDS[assessment.overall]}"]
    lines += [f"  {ACTION_STATUS_LABELS[verdict_key(v)]}: {v.action_id}" for v in assessment.actions]
    if not assessment.actions:
        lines.append("  The plan chooses no actions.")
    return "\n".join(lines)


def _change_block(change: Change, rules: RuleSet) -> str:
    lines = [f"From {change.day}: overall {OVERALL_WORDS[change.after.overall]}"]
    for before, after in zip(change.before.actions, change.after.actions):
        if after.action_id in change.actions:
            cautions = f" (cautions: {', '.join(after.cautions)})" if after.cautions else ""
            lines.append(f"  {after.action_id}: {ACTION_STATUS_LABELS[verdict_key(before)]} -> {ACTION_STATUS_LABELS[verdict_key(after)]}{cautions}")
    quiet = [r for r in change.rules if _quiet(change, r)]
    for rule_id in (r for r in change.rules if r not in quiet):
        rule = rules.constraint(rule_id)
        old, new = change.before.result(rule_id), change.after.result(rule_id)
        lines.append(f"  {rule_id} ({rule.title}): {OUTCOME_WORDS[old.outcome]} -> "
                     f"{OUTCOME_WORDS[new.outcome]}")  # fmt: skip
        practice = change.after.plan.practice
        lines.append(f"    why: {_why(binds(rule, practice, change.before.as_of), binds(rule, practice, change.day), change.day)}")
        if new.message:
            lines.append(f"    {new.message}")
    if quiet:
        lines.append(f"  and, with no finding either side: {', '.join(quiet)}")
    return "\n".join(lines)


def _quiet(change: Change, rule_id: str) -> bool:
    outcomes = {change.before.result(rule_id).outcome, change.after.result(rule_id).outcome}
    return outcomes <= {"pass", "not_applicable"}


def _why(was: bool, now: bool, day: str) -> str:
    if now and not was:
        return f"the rule comes into effect for this practice on {day}"
    if was and not now:
        return f"the rule is no longer in effect from {day}"
    return f"a date in the plan is reached or passed on {day}"


def _summary(line: Timeline) -> str:
    lines = ["In short:"]
    for index, verdict in enumerate(line.start.actions):
        spans, status, since = [], verdict_key(verdict), line.start.as_of
        for change in line.changes:
            new = verdict_key(change.after.actions[index])
            if new != status:
                spans.append(f"{ACTION_STATUS_WORDS[status]} until {_eve(change.day)}")
                status, since = new, change.day
        spans.append(f"{ACTION_STATUS_WORDS[status]} from {since}" if spans else f"{ACTION_STATUS_WORDS[status]} throughout")
        lines.append(f"  {verdict.action_id}: {'; '.join(spans)}")
    overall = [f"{c.day}: {OVERALL_WORDS[c.after.overall]}" for c in line.changes
               if c.after.overall != c.before.overall]  # fmt: skip
    lines.append("  overall: " + (OVERALL_WORDS[line.start.overall] + (", then " + ", ".join(overall) if overall else " throughout")))
    return "\n".join(lines)


def _eve(day: str) -> str:
    return shift_days(day, -1)
