"""`gpca compare`: the verdicts that differ between two assessments, and why.

Two plans under one rule set differ because the plan values a rule reads differ; one
plan under two rule sets differs because a rule was added, removed or changed. Either
way the reasons come from the traces of the two evaluations, not from a third one.
"""

from __future__ import annotations

from collections.abc import Iterator

from msgspec import Struct

from engine.advice.explain import OUTCOME_LABELS, value_words
from engine.advice.words import ACTION_STATUS_LABELS
from engine.core.model import ActionVerdict, Assessment, Constraint, RuleSet
from engine.core.readings import verdict_key
from engine.core.trace import Step, trace_rule

ABSENT = "absent"
LABELS = {**OUTCOME_LABELS, **ACTION_STATUS_LABELS, ABSENT: "NOT IN THIS RULE SET",
          "not chosen": "NOT CHOSEN"}  # fmt: skip


class Difference(Struct, frozen=True):
    subject: str  # "rule <id>" or "action <id>"
    left: str
    right: str
    why: tuple[str, ...]


def compare(left: Assessment, right: Assessment, left_rules: RuleSet,
            right_rules: RuleSet) -> list[Difference]:  # fmt: skip
    """Every rule outcome and action status that differs, in rule-id then action order."""
    differences = _rule_differences(left, right, left_rules, right_rules)
    mine = {v.action_id: v for v in left.actions}
    theirs = {v.action_id: v for v in right.actions}
    for action_id in dict.fromkeys([*mine, *theirs]):
        a, b = _status(mine.get(action_id)), _status(theirs.get(action_id))
        if a != b:
            why = _action_why(mine.get(action_id), theirs.get(action_id), left, right)
            differences.append(Difference(f"action {action_id}", a, b, why))
    return differences


def _status(verdict: ActionVerdict | None) -> str:
    return verdict_key(verdict) if verdict else "not chosen"


def _action_why(mine: ActionVerdict | None, theirs: ActionVerdict | None, left: Assessment,
                right: Assessment) -> tuple[str, ...]:  # fmt: skip
    """The findings behind an action's change: each rule whose outcome moved, or that became or
    stopped being the action's own."""
    if mine is None or theirs is None:
        return (f"the action is chosen only in the {'second' if mine is None else 'first'} plan",)
    reasons = []
    for rule_id in sorted({*mine.findings, *theirs.findings}):
        a, b = left.outcome_of(rule_id, ABSENT), right.outcome_of(rule_id, ABSENT)
        if a != b:
            reasons.append(f"rule {rule_id}: {LABELS[a]} -> {LABELS[b]}")
        elif (rule_id in mine.findings) != (rule_id in theirs.findings):
            side = "second" if rule_id in theirs.findings else "first"
            reasons.append(f"rule {rule_id} ({LABELS[b]}) is put down to the action only in the {side}")
    return tuple(reasons) or (f"its findings are the same ({', '.join(theirs.findings)}), but the rules' severities or readings differ",)


def _rule_differences(left: Assessment, right: Assessment, left_rules: RuleSet,
                      right_rules: RuleSet) -> list[Difference]:  # fmt: skip
    outcomes_l = {r.rule_id: r.outcome for r in left.results}
    outcomes_r = {r.rule_id: r.outcome for r in right.results}
    differences = []
    for rule_id in sorted({*outcomes_l, *outcomes_r}):
        a, b = outcomes_l.get(rule_id, ABSENT), outcomes_r.get(rule_id, ABSENT)
        if a == b:
            continue
        why = _why(rule_id, left, right, left_rules, right_rules)
        differences.append(Difference(f"rule {rule_id}", a, b, tuple(why)))
    return differences


def _why(rule_id: str, left: Assessment, right: Assessment, left_rules: RuleSet,
         right_rules: RuleSet) -> list[str]:  # fmt: skip
    ids_l = {c.id for c in left_rules.constraints}
    ids_r = {c.id for c in right_rules.constraints}
    if rule_id not in ids_l:
        return ["the rule is only in the second rule set"]
    if rule_id not in ids_r:
        return ["the rule is only in the first rule set"]
    reasons = _rule_changes(left_rules.constraint(rule_id), right_rules.constraint(rule_id))
    trace_l, trace_r = trace_rule(left, left_rules, rule_id), trace_rule(right, right_rules, rule_id)
    if trace_l.in_effect != trace_r.in_effect:
        day = right.as_of if trace_r.in_effect else left.as_of
        which = "second" if trace_r.in_effect else "first"
        if left.as_of == right.as_of:  # same date: only the rule sets can differ
            return [*reasons, f"on {day} the rule is in effect only under the {which} rule set"]
        return [*reasons, f"the rule is in effect only on the {which} date, {day}"]
    seen_l, seen_r = _seen(trace_l.fails, trace_l.applies), _seen(trace_r.fails, trace_r.applies)
    for path in sorted({*seen_l, *seen_r}):
        if seen_l.get(path) != seen_r.get(path):
            reasons.append(f"{path}: {value_words(seen_l.get(path))} -> {value_words(seen_r.get(path))}")
    return reasons


def _rule_changes(old: Constraint, new: Constraint) -> list[str]:
    changes = []
    for name in ("effective", "applies_when", "fails_when", "lets", "severity"):
        if getattr(old, name) != getattr(new, name):
            changes.append(f"the rule's {name.replace('_', ' ')} changed")
    return changes


def _seen(*steps: Step | None) -> dict[str, object]:
    return {leaf.path: leaf.actual for step in steps if step is not None for leaf in _leaves(step)}


def _leaves(step: Step) -> Iterator[Step]:
    if step.kind == "compare":
        yield step
    for child in step.children:
        yield from _leaves(child)


def render_comparison(differences: list[Difference], left: str, right: str) -> str:
    lines = [f"Comparing {left} (first) with {right} (second)"]
    if not differences:
        lines.append("No verdict differs.")
    for difference in differences:
        a, b = (LABELS.get(x, x.upper()) for x in (difference.left, difference.right))
        lines.append(f"  {difference.subject}: {a} -> {b}")
        lines += [f"    because {reason}" for reason in difference.why]
    return "\n".join(lines) + "\n"
