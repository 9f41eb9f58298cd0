"""What a practice could change: the smallest fixes, a safe subset, safe additions.

Fixes are derived from the rule conditions, read off the trace of each finding: every
comparison that set the finding off (or left it unknown) yields the values that would
make it false. Each candidate is applied to the plan and re-checked by the engine; only
those that clear their finding and add no other are kept.

Before the engine re-checks a candidate, the finding's own rule is walked in Python on
the changed plan (the walk the trace already holds the engine to): a candidate that
leaves its own finding standing cannot be kept, so it never costs an engine session.
On a plan with hundreds of list items nearly every candidate is of that kind (one
item's change leaves the others failing), and the search goes from minutes to seconds
with the same suggestions.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from msgspec import Struct

from engine.advice.explain import deciding, value_words
from engine.core.apply import apply_effects, conflicting_actions, practice_view
from engine.core.compile import paths_in
from engine.core.conditions import Scope, holds, rule_outcome
from engine.core.dates import shift_days
from engine.core.model import PRACTICE, Assessment, Plan, replace
from engine.core.trace import Step, trace_rule

if TYPE_CHECKING:
    from engine.core.evaluate import Evaluator

FINDINGS = ("fail", "cannot_tell")
# Fields that describe the world rather than the practice's choices: changing them would
# "fix" a finding by misdescribing the practice, so they are never suggested.
FIXED_FIELDS = ("legal_basis", "purpose", "kind", "name", "termination_notice_days",
                "termination_notice_months", "requires_medopt_software")  # fmt: skip
NEEDS = {"eq": "anything but", "ne": "exactly", "lt": "at least", "le": "more than",
         "gt": "at most", "ge": "less than", "in": "none of", "not_in": "one of",
         "any_in": "none of", "none_in": "one of"}  # fmt: skip
MAX_CANDIDATES = 12
MAX_SUBSET_ACTIONS = 10
TIME_OF_DAY = re.compile(r"^\d{2}:\d{2}$")  # closures: a time of day moves by minutes


class Change(Struct, frozen=True):
    kind: str  # set | param | drop
    target: str  # a plan path (set), "action-id.param" (param) or an action id (drop)
    value: Any = None
    words: str = ""


class Fix(Struct, frozen=True):
    rule_id: str
    changes: tuple[Change, ...]


def apply_change(plan: Plan, change: Change) -> Plan:
    """The plan with one change made; the original is left untouched."""
    if change.kind == "drop":
        return replace(plan, actions=tuple(c for c in plan.actions if c.id != change.target))
    if change.kind == "param":
        action_id, _, name = change.target.partition(".")
        actions = tuple(replace(c, params={**c.params, name: change.value}) if c.id == action_id
                        else c for c in plan.actions)  # fmt: skip
        return replace(plan, actions=actions)
    path = change.target.removeprefix("setup.")
    steps = [int(s) if s.isdigit() else s for s in re.split(r"\.|\[|\]\.?", path) if s != ""]
    return replace(plan, setup=_assigned(plan.setup, steps, change.value))


def _assigned(data: Any, steps: list[Any], value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``steps``, a missing mapping on the way made.
    Only the containers on the path are copied: the rest is shared, as plans are never
    changed in place, and copying a set-up of hundreds of items per candidate fix was
    most of the time `gpca suggest` took once the engine was spared."""
    copied: Any = list(data) if isinstance(data, list) else dict(data)
    step, rest = steps[0], steps[1:]
    if rest:
        inner = copied[step] if isinstance(step, int) else copied.get(step)
        if isinstance(step, str) and not isinstance(inner, (dict, list)):
            inner = {}
        value = _assigned(inner, rest, value)
    copied[step] = value
    return copied


def _listed(setup: Any, path: str) -> bool:
    """Whether every list item the path steps through is one the plan itself lists."""
    data = setup
    for step in re.split(r"\.|\[|\]\.?", path):
        if step.isdigit():
            if not isinstance(data, list) or int(step) >= len(data):
                return False
            data = data[int(step)]
        elif step:
            data = data.get(step) if isinstance(data, dict) else None
    return True


def findings(assessment: Assessment) -> set[tuple[str, str]]:
    return {(r.rule_id, r.outcome) for r in assessment.results if r.outcome in FINDINGS}


def clears(before: Assessment, after: Assessment, rule_id: str) -> bool:
    """The finding on ``rule_id`` is gone and no other finding is new or worse."""
    target = {(rule_id, outcome) for outcome in FINDINGS}
    return after.result(rule_id).outcome not in FINDINGS and findings(after) <= findings(before) - target


def fixes(evaluator: Evaluator, assessment: Assessment) -> dict[str, list[Fix]]:
    """For each finding, the smallest re-checked sets of changes that clear it."""
    found = {}
    for rule_id, _ in sorted(findings(assessment)):
        found[rule_id] = fixes_for(evaluator, assessment, rule_id)
    return found


def fixes_for(evaluator: Evaluator, assessment: Assessment, rule_id: str) -> list[Fix]:
    candidates = candidate_changes(evaluator, assessment, rule_id)[:MAX_CANDIDATES]
    for size in (1, 2):
        verified = [Fix(rule_id, combo) for combo in itertools.combinations(candidates, size)
                    if _works(evaluator, assessment, rule_id, combo)]  # fmt: skip
        if verified:
            return verified
    return []


def _works(evaluator: Evaluator, assessment: Assessment, rule_id: str,
           changes: tuple[Change, ...]) -> bool:  # fmt: skip
    if len({c.target for c in changes}) < len(changes):
        return False
    plan = assessment.plan
    for change in changes:
        plan = apply_change(plan, change)
    if still_found(evaluator, plan, assessment.as_of, rule_id):
        return False
    if conflicting_actions(plan.actions, evaluator.rules, assessment.as_of):
        return False  # a fix that sets an action against another is no fix
    return clears(assessment, evaluator.assess(plan, as_of=assessment.as_of), rule_id)


def still_found(evaluator: Evaluator, plan: Plan, day: str, rule_id: str) -> bool:
    """Whether the rule, a finding on the unchanged plan, is still one on this plan.

    A change makes no difference to whether the rule is in effect or binds (those
    depend on the date and the practice, which no fix changes), so only its conditions
    are walked, over the view the engine asserts.
    """
    rule = evaluator.rules.constraint(rule_id)
    view = apply_effects(practice_view(plan, evaluator.rules, day), plan.actions, evaluator.rules, day)
    scope = Scope(view, day, rule.lets)
    applies = True if rule.applies_when is None else holds(rule.applies_when, scope)
    return applies is not False and rule_outcome(applies, holds(rule.fails_when, scope)) in FINDINGS


def candidate_changes(evaluator: Evaluator, assessment: Assessment, rule_id: str) -> list[Change]:
    trace = trace_rule(assessment, evaluator.rules, rule_id)
    leaves = [leaf for step in (trace.applies, trace.fails) if step is not None and step.value is not False
              for leaf in deciding(step)]  # fmt: skip
    changes = [c for leaf in leaves for c in _leaf_changes(evaluator, assessment, leaf)]
    causes = [a for a in assessment.result(rule_id).attributed_to if a != PRACTICE]
    changes += [c for a in causes for c in _narrower(evaluator, assessment.plan, a)]
    changes += [Change("drop", a, None, f"leave out the action {a}") for a in causes]
    return [c for i, c in enumerate(changes) if c not in changes[:i]]  # a value may be a list: unhashable


def _leaf_changes(evaluator: Evaluator, assessment: Assessment, leaf: Step) -> list[Change]:
    if not leaf.path.startswith("setup.") or leaf.path.rsplit(".", 1)[-1] in FIXED_FIELDS:
        return []
    if not _listed(assessment.plan.setup, leaf.path.removeprefix("setup.")):
        return []  # a national data flow gpca adds: no answer in the plan to change
    values = [v for v in falsifying(leaf) if v != leaf.actual]
    writer = _param_writer(evaluator, assessment.plan, leaf.path)
    need = f"the rule is met with {NEEDS[leaf.op]} {value_words(leaf.expected)}"
    values = [v for v in values if _valid(_schema_node(leaf.path), v)]
    if writer is not None:
        action_id, _, name = writer.partition(".")
        schema = evaluator.rules.action(action_id).params.get(name, {})
        return [Change("param", writer, v, f"set the parameter {writer} to {value_words(v)} ({need})")
                for v in values if _valid(schema, v)]  # fmt: skip
    return [Change("set", leaf.path, v, f"change {leaf.path} from {value_words(leaf.actual)} to "
                   f"{value_words(v)} ({need})") for v in values]  # fmt: skip


def _narrower(evaluator: Evaluator, plan: Plan, action_id: str) -> list[Change]:
    """The action with another choice of what it covers: each other value of a parameter
    that selects which of its effects apply (a withdrawal's scope, say)."""
    action = evaluator.rules.action(action_id)
    chosen = next(c for c in plan.actions if c.id == action_id)
    selectors = sorted({name for e in action.effects if e.when is not None for name in paths_in(e.when)})
    return [Change("param", f"{action_id}.{name}", value,
                   f"keep the action but set its parameter {action_id}.{name} to {value_words(value)}")
            for name in selectors for value in action.params.get(name, {}).get("enum", ())
            if value != chosen.params.get(name)]  # fmt: skip


def _param_writer(evaluator: Evaluator, plan: Plan, path: str) -> str | None:
    """'action.param' when a chosen action sets this path from one of its parameters."""
    for choice in plan.actions:
        for effect in evaluator.rules.action(choice.id).effects:
            if effect.for_each is None and effect.target == path and effect.param:
                return f"{choice.id}.{effect.param}"
    return None


def falsifying(leaf: Step) -> list[Any]:
    """Values of the compared field that make the comparison false."""
    expected, op = leaf.expected, leaf.op
    if op == "any_in":  # the list without the items it must not hold, if any are left
        kept = [v for v in leaf.actual or () if v not in expected]
        return [kept] if kept else []
    if op in ("in", "not_in"):
        options = _enum_of(leaf.path)
        return [v for v in options if (v in expected) == (op == "not_in")]
    if expected is None:
        return []
    if op == "eq":
        return [not expected] if isinstance(expected, bool) else [v for v in _enum_of(leaf.path) if v != expected]
    if op == "ne":
        return [expected]
    step = {"lt": 0, "le": 1, "gt": 0, "ge": -1}[op]
    return [_shift(expected, step)]


def _shift(value: Any, days: int) -> Any:
    """A number, an ISO date (by days) or a time of day HH:MM (by minutes), moved by ``days``."""
    if isinstance(value, str) and TIME_OF_DAY.match(value):
        minutes = int(value[:2]) * 60 + int(value[3:]) + days
        return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
    if isinstance(value, str):
        return shift_days(value, days)
    return value + days


def _schema_node(path: str) -> dict[str, Any]:
    from engine.advice.words import schema_node

    return schema_node(path) or {}


def _enum_of(path: str) -> list[Any]:
    node = _schema_node(path)
    return list(node.get("enum", [True, False] if node.get("type") == "boolean" else []))


def _valid(schema: dict[str, Any], value: Any) -> bool:
    """A suggestion must itself be a valid plan: the value must fit the field's schema."""
    return Draft202012Validator(schema).is_valid(value)
