"""Attribute each finding to the chosen actions that cause it, or to the practice.

A finding is the practice's only when it is provably the same with and without the
chosen actions: no chosen action writes a field the constraint reads, or it fails both
with no action and with all of them. Otherwise, and always for a "cannot tell" that an
action's writes bear on (a doubt the action may turn either way), it belongs to the
chosen actions whose effects write a field the constraint reads (known from the
compiled rules, without evaluating anything). Where several such actions could cause it,
the plan is evaluated once more without each of them, in the same durable_rules session,
and those whose removal clears the finding are named; where none does alone, each is
enough to cause it and all are named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec import Struct

from engine.core.apply import apply_effects
from engine.core.compile import overlaps, paths_in, paths_written
from engine.core.conditions import QUANTIFIERS, Scope, holds, lookup
from engine.core.model import PRACTICE, Condition, Constraint, Outcome, Plan, RuleSet

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
    planned: dict[str, Any]  # the set-up with every chosen action applied


def attribute_findings(scene: Scene, planned: dict[str, Outcome], baseline: dict[str, Outcome],
                       run: Run) -> dict[str, tuple[str, ...]]:  # fmt: skip
    attribution: dict[str, tuple[str, ...]] = {}
    contested: dict[str, tuple[str, ...]] = {}
    for rule_id, outcome in planned.items():
        if outcome not in ("fail", "cannot_tell"):
            continue
        candidates = tuple(c.id for c in scene.plan.actions if rule_id in scene.affects.get(c.id, ()))
        already = candidates and _already(scene, rule_id, outcome, baseline[rule_id])
        if rule_id not in scene.affected or not candidates or already:
            attribution[rule_id] = (PRACTICE,)
        elif len(candidates) == 1 or outcome == "cannot_tell":
            # A doubt stays with every action that could tip it: leaving one of two actions
            # that write the same field out changes nothing, yet either makes it unsafe.
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


def _already(scene: Scene, rule_id: str, planned: Outcome, baseline: Outcome) -> bool:
    """Whether the finding is provably the same with no action at all. Two "cannot
    tell"s are only when the actions' writes leave every comparison of the rule as it
    was: otherwise the missing answers may fail it with the actions and not without."""
    if planned != baseline:
        return False
    return planned == "fail" or unchanged_by_actions(scene, scene.rules.constraint(rule_id))


def unchanged_by_actions(scene: Scene, rule: Constraint) -> bool:
    """Whether every comparison the rule makes has the same value with and without the
    chosen actions, for every answer still missing: known and equal in both, or unknown
    in both and reading nothing an action writes (so one answer fills both alike)."""
    written = set().union(*(paths_written(scene.rules.action(c.id)) for c in scene.plan.actions))
    let_reads = paths_in(list(rule.lets.values()))
    planned = Scope(scene.planned, scene.day, rule.lets)
    baseline = Scope(scene.baseline, scene.day, rule.lets)
    conditions = [c for c in (rule.applies_when, rule.fails_when) if c is not None]
    return all(_agrees(c, planned, baseline, "", written, let_reads) for c in conditions)


def _agrees(condition: Condition, planned: Scope, baseline: Scope, prefix: str,
            written: set[str], let_reads: set[str]) -> bool:  # fmt: skip
    parts = condition.get("all") or condition.get("any")
    if parts is not None:
        return all(_agrees(part, planned, baseline, prefix, written, let_reads) for part in parts)
    if "not" in condition:
        return _agrees(condition["not"], planned, baseline, prefix, written, let_reads)
    for quantifier in QUANTIFIERS:
        if quantifier in condition:
            path = condition[quantifier]
            return _items_agree(condition, path, planned, baseline, prefix, written, let_reads)
    reads = paths_in(condition, prefix) | (let_reads if _mentions_let(condition) else set())
    with_actions, without = holds(condition, planned), holds(condition, baseline)
    if with_actions is None or without is None:
        return with_actions is None and without is None and not _touched(reads, written)
    return with_actions == without


def _items_agree(condition: Condition, path: str, planned: Scope, baseline: Scope, prefix: str,
                 written: set[str], let_reads: set[str]) -> bool:  # fmt: skip
    ours, theirs = lookup(planned.data, path), lookup(baseline.data, path)
    if not isinstance(ours, list) or not isinstance(theirs, list):
        return ours is None and theirs is None and not _touched({prefix + path}, written)
    inner = f"{prefix}{path}[]."
    return len(ours) == len(theirs) and all(
        _agrees(condition["where"], planned.within(a), baseline.within(b), inner, written, let_reads)
        for a, b in zip(ours, theirs)
    )


def _touched(reads: set[str], written: set[str]) -> bool:
    return any(overlaps(r, w) for r in reads for w in written)


def _mentions_let(node: Any) -> bool:
    if isinstance(node, dict):
        return "let" in node or any(_mentions_let(value) for value in node.values())
    return isinstance(node, list) and any(_mentions_let(value) for value in node)


def _still(outcome: Outcome, hits: Hits, rule_id: str, action_id: str) -> bool:
    variant = f"without:{action_id}"
    fired = {o for r, o, v in hits if r == rule_id and v == variant}
    if outcome == "fail":
        return "fail" in fired
    return not fired  # cannot tell: nothing fires
