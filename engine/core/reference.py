"""A small pure-Python evaluator of the rule language: the engine's test oracle.

Besides the tests, only the pack lint uses it, to run national examples against a
local override without building a durable_rules Host for it.

It shares the plan view, the effects and the term arithmetic with the engine, and
answers every constraint by walking its condition tree directly, with no durable_rules
and no static analysis. Attribution is by brute force: one full evaluation without
each chosen action. The engine must agree with it on every plan.
"""

from __future__ import annotations

from engine.core.apply import apply_effects, practice_view
from engine.core.attribute import Scene, unchanged_by_actions
from engine.core.binding import binds
from engine.core.compile import overlaps, paths_read, paths_written
from engine.core.conditions import Scope, holds, rule_outcome
from engine.core.model import BREACH_SEVERITIES, PRACTICE, ChosenAction, Constraint, Outcome, Plan, RuleSet


def reference_outcomes(rules: RuleSet, plan: Plan, as_of: str | None = None,
                       chosen: tuple[ChosenAction, ...] | None = None) -> dict[str, Outcome]:  # fmt: skip
    day = as_of or plan.assessed_on
    actions = plan.actions if chosen is None else chosen
    view = apply_effects(practice_view(plan, rules, day), actions, rules, day)
    return {rule.id: _outcome(rule, Scope(view, day, rule.lets)) for rule in rules.constraints}


def _outcome(rule: Constraint, scope: Scope) -> Outcome:
    if not binds(rule, scope.data["practice"], scope.as_of):
        return "not_applicable"
    applies = True if rule.applies_when is None else holds(rule.applies_when, scope)
    if applies is False:
        return "not_applicable"
    return rule_outcome(applies, holds(rule.fails_when, scope))


def reference_attribution(rules: RuleSet, plan: Plan, as_of: str | None = None) -> dict[str, tuple[str, ...]]:
    """For each finding, the actions without which it would not stand, or that bear on
    it, or the practice when it is provably the same with and without them."""
    planned = reference_outcomes(rules, plan, as_of)
    baseline = reference_outcomes(rules, plan, as_of, chosen=())
    without = {
        choice.id: reference_outcomes(rules, plan, as_of, tuple(c for c in plan.actions if c != choice))
        for choice in plan.actions
    }
    day = as_of or plan.assessed_on
    before = practice_view(plan, rules, day)
    after = apply_effects(before, plan.actions, rules, day)
    scene = Scene({}, rules, plan, before, day, frozenset(), after)
    attribution = {}
    for rule_id, outcome in planned.items():
        if outcome not in ("fail", "cannot_tell"):
            continue
        writers = _writers(rules, plan, rules.constraint(rule_id))
        if not writers or _unchanged(scene, rules.constraint(rule_id), outcome, baseline[rule_id]):
            attribution[rule_id] = (PRACTICE,)
            continue
        causes = tuple(a for a, outcomes in without.items() if outcomes[rule_id] != outcome)
        attribution[rule_id] = causes if causes and outcome == "fail" else writers
    return attribution


def _writers(rules: RuleSet, plan: Plan, rule: Constraint) -> tuple[str, ...]:
    reads = paths_read(rule)
    return tuple(
        choice.id for choice in plan.actions
        if any(overlaps(r, w) for r in reads for w in paths_written(rules.action(choice.id)))
    )  # fmt: skip


def _unchanged(scene: Scene, rule: Constraint, outcome: Outcome, baseline: Outcome) -> bool:
    """The same finding with and without the actions, for every answer still missing."""
    if outcome != baseline:
        return False
    return outcome == "fail" or unchanged_by_actions(scene, rule)


def reference_verdicts(rules: RuleSet, plan: Plan, as_of: str | None = None) -> dict[str, str]:
    """Each chosen action's status, from the outcomes and attribution above alone."""
    outcomes = reference_outcomes(rules, plan, as_of)
    attribution = reference_attribution(rules, plan, as_of)
    verdicts = {}
    for choice in plan.actions:
        mine = [rule_id for rule_id, causes in attribution.items() if choice.id in causes]
        severe = [r for r in mine
                  if outcomes[r] == "fail" and rules.constraint(r).severity in BREACH_SEVERITIES]  # fmt: skip
        unknown = [r for r in mine if outcomes[r] == "cannot_tell"]
        cautions = [r for r in mine if outcomes[r] == "fail" and r not in severe]
        verdicts[choice.id] = ("risk" if severe else "cannot_tell" if unknown
                               else "safe_with_cautions" if cautions else "safe")  # fmt: skip
    return verdicts
