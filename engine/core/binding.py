"""When a contract change binds one practice, not only the nation.

A change to the contract reaches each practice as a variation notice from its commissioner,
and takes effect once the notice period has passed, whether or not the practice signs;
the notice period is at least 14 days. A constraint marked ``binds_by_variation`` starts on
its national date, which is therefore the earliest date it can bind a practice. A plan that
gives its variation notice (``practice.contract_variation_notice_on``, the national date of
the changes it brings in, ``practice.contract_variation_changes_from``, and its period,
``practice.contract_variation_notice_days``) is bound from the later of the national date
and the end of the notice period.

Both evaluators (engine/core/evaluate.py and engine/core/reference.py) and the trace ask ``binds``,
so they cannot disagree about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.core.conditions import add_days
from engine.core.dates import long_date
from engine.core.model import Constraint, Period, RuleSet

MIN_NOTICE_DAYS = 14


def binding_start(period: Period, rule: Constraint, practice: Mapping[str, Any]) -> str | None:
    """The first day ``period`` of ``rule`` binds the practice."""
    notice_on = practice.get("contract_variation_notice_on")
    if not (rule.binds_by_variation and period.start and notice_on):
        return period.start
    if practice.get("contract_variation_changes_from") != period.start:
        return period.start
    days = max(MIN_NOTICE_DAYS, practice.get("contract_variation_notice_days") or MIN_NOTICE_DAYS)
    return max(period.start, add_days(notice_on, days))


def binds(rule: Constraint, practice: Mapping[str, Any], day: str) -> bool:
    """Whether ``rule`` binds the practice on ``day``."""
    return any(Period(binding_start(p, rule, practice), p.end).contains(day) for p in rule.effective)


def not_yet_binding(rules: RuleSet, practice: Mapping[str, Any], day: str) -> frozenset[str]:
    """The constraints in effect nationally on ``day`` that do not yet bind the practice."""
    return frozenset(rule.id for rule in rules.constraints
                     if rule.binds_by_variation and rule.in_effect(day) and not binds(rule, practice, day))  # fmt: skip


def national_only(rule: Constraint, practice: Mapping[str, Any], day: str) -> str | None:
    """The national start of the period covering ``day`` when the plan gives no variation
    notice for it: that date is only the earliest the rule can bind the practice."""
    if not rule.binds_by_variation:
        return None
    for period in rule.effective:
        if period.start and period.contains(day) and (
                practice.get("contract_variation_changes_from") != period.start
                or not practice.get("contract_variation_notice_on")):  # fmt: skip
            return period.start
    return None


def not_binding_reason(rule: Constraint, practice: Mapping[str, Any], day: str) -> str:
    """Why a rule in effect nationally on ``day`` does not bind the practice yet."""
    period = next(p for p in rule.effective if p.contains(day))
    start = binding_start(period, rule, practice)
    days = max(MIN_NOTICE_DAYS, practice.get("contract_variation_notice_days") or MIN_NOTICE_DAYS)
    served = long_date(practice.get("contract_variation_notice_on"))
    return (f"in effect nationally from {long_date(period.start)}, but binds this practice only from "
            f"{long_date(start)}: its variation notice was served on {served} with {days} days' notice")  # fmt: skip
