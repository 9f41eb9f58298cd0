"""Attribute each finding to the chosen actions that cause it, or to the practice.

A finding is the practice's when it stands with no action at all. Otherwise it belongs
to the chosen actions whose effects write a field the constraint reads (known from the
compiled rules, without evaluating anything). Where several such actions could cause it,
the plan is evaluated once more without each of them, in the same durable_rules session,
and those whose removal clears the finding are named; where none does alone, each is
enough to cause it and all are named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec import Struct

from engine.apply import apply_effects
from engine.model import PRACTICE, Outcome, Plan, RuleSet

PLANNED, BASELINE = "planned", "baseline"
Hits = set[tuple[str, str, str]]  # (constraint id, outcome, variant)
Variant = tuple[dict[str, Any], str, frozenset[str] | None]  # (view, variant name, rule ids)
Run = Callable[[list[Variant]], Hits]


class Scene(Struct, frozen=True):
    affects: dict[str, frozenset[str]]  # action id -> constraint ids reading what it writes
    rules: RuleSet
    plan: Plan
    baseline: dict[str, Any]  # the set-up as the practice is, no action applied
    day: str
    affected: frozenset[str]  # constraint ids any chosen action can change


def attribute_findings(scene: Scene, planned: dict[str, Outcome], baseline: dict[str, Outcome],
                       run: Run) -> dict[str, tuple[str, ...]]:  # fmt: skip
    attribution: dict[str, tuple[str, ...]] = {}
    contested: dict[str, tuple[str, ...]] = {}
    for rule_id, outcome in planned.items():
        if outcome not in ("fail", "cannot_tell"):
            continue
        candidates = tuple(c.id for c in scene.plan.actions if rule_id in scene.affects.get(c.id, ()))
        if rule_id not in scene.affected or _already(outcome, baseline[rule_id]) or not candidates:
            attribution[rule_id] = (PRACTICE,)
        elif len(candidates) == 1:
            attribution[rule_id] = candidates
        else:
            contested[rule_id] = candidates
    if contested:
        attribution.update(_leave_one_out(scene, contested, planned, run))
    return attribution


def _leave_one_out(scene: Scene, contested: dict[str, tuple[str, ...]], planned: dict[str, Outcome],
                   run: Run) -> dict[str, tuple[str, ...]]:  # fmt: skip
    variants: list[Variant] = []
    for action_id in sorted({a for candidates in contested.values() for a in candidates}):
        others = [c for c in scene.plan.actions if c.id != action_id]
        view = apply_effects(scene.baseline, others, scene.rules, scene.day)
        variants.append((view, f"without:{action_id}", frozenset(contested)))
    hits = run(variants)
    return {
        rule_id: tuple(a for a in candidates if not _still(planned[rule_id], hits, rule_id, a)) or candidates
        for rule_id, candidates in contested.items()
    }


def _already(planned: Outcome, baseline: Outcome) -> bool:
    """Whether the finding stands with no action at all."""
    return baseline == "fail" or (planned == "cannot_tell" and baseline == "cannot_tell")


def _still(outcome: Outcome, hits: Hits, rule_id: str, action_id: str) -> bool:
    variant = f"without:{action_id}"
    fired = {o for r, o, v in hits if r == rule_id and v == variant}
    if outcome == "fail":
        return "fail" in fired
    return not fired  # cannot tell: nothing fires
