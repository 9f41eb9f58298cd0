"""Trace a constraint's condition tree over the facts its verdict came from.

The trace reads the planned fact exactly as the durable_rules session asserted it
(``Assessment.facts``), including the values the engine derived in Python, and walks
the rule's condition tree recording each comparison's outcome and the plan value it
saw. The traced outcome must equal the engine's; if it ever differs, that is a bug and
``InternalError`` is raised rather than a trace that disagrees with the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from engine.core.binding import binds
from engine.core.compile import AS_OF_KEY, Derived, compile_rules, flat_key
from engine.core.conditions import QUANTIFIERS, Scope, comparison_operator, holds, lookup, rule_outcome, term_value
from engine.core.errors import InternalError
from engine.core.model import Assessment, Condition, Constraint, Outcome, RuleResult, RuleSet

_ENGINE_KEYS = ("sid", "variant")


class Step(Struct, frozen=True):
    """One node of a traced condition: its truth value (None: unknown) and what it saw."""

    kind: str  # all | any | not | compare | any_item | all_items
    value: bool | None
    path: str = ""  # the concrete plan path, e.g. setup.data_sharing[0].status
    op: str = ""
    expected: Any = None  # the value the comparison looks for (the right-hand side)
    actual: Any = None  # the plan's value
    label: str = ""  # for a list item: its name
    children: tuple[Step, ...] = ()


class RuleTrace(Struct, frozen=True):
    rule: Constraint
    result: RuleResult
    in_effect: bool
    applies: Step | None  # None when the rule has no applies_when or is out of effect
    fails: Step | None  # None when out of effect or not applicable

    @property
    def outcome(self) -> Outcome:
        return self.result.outcome


def trace_assessment(assessment: Assessment, rules: RuleSet) -> list[RuleTrace]:
    """A trace of every constraint, in the assessment's order."""
    return [trace_rule(assessment, rules, result.rule_id) for result in assessment.results]


def trace_rule(assessment: Assessment, rules: RuleSet, rule_id: str) -> RuleTrace:
    if not assessment.facts:
        raise InternalError("the assessment kept no facts to trace")
    rule, result = rules.constraint(rule_id), assessment.result(rule_id)
    fact = assessment.facts
    day = str(fact.get(AS_OF_KEY, assessment.as_of))
    tracer = _Tracer(rule, fact, _derived_for(rules, rule_id), day)
    trace = tracer.trace(result)
    if _outcome(trace) != result.outcome:
        raise InternalError(
            f"the trace of {rule_id} says {_outcome(trace)} but the engine said {result.outcome}"
        )
    return trace


_COMPILED: dict[int, tuple[RuleSet, tuple[Derived, ...]]] = {}


def _all_derived(rules: RuleSet) -> tuple[Derived, ...]:
    # RuleSet holds dicts, so it cannot be an lru_cache key; keep the object alive with it.
    if id(rules) not in _COMPILED or _COMPILED[id(rules)][0] is not rules:
        _COMPILED[id(rules)] = (rules, compile_rules(rules).derived)
    return _COMPILED[id(rules)][1]


def _derived_for(rules: RuleSet, rule_id: str) -> list[Derived]:
    return [d for d in _all_derived(rules) if d.rule_id == rule_id]


def _outcome(trace: RuleTrace) -> Outcome:
    if not trace.in_effect:
        return "not_applicable"
    applies = True if trace.applies is None else trace.applies.value
    fails = None if trace.fails is None else trace.fails.value
    return rule_outcome(applies, fails)


def unflatten(fact: Mapping[str, Any]) -> dict[str, Any]:
    """The plan view a flat fact was made from; engine and derived keys are left out."""
    view: dict[str, Any] = {}
    for key, value in fact.items():
        if key.startswith("_") or key in _ENGINE_KEYS:
            continue
        *parents, leaf = key.split("__")
        target = view
        for step in parents:
            target = target.setdefault(step, {})
        target[leaf] = [unflatten(v) if isinstance(v, Mapping) else v for v in value] \
            if isinstance(value, list) else value
    return view


class _Tracer:
    def __init__(self, rule: Constraint, fact: Mapping[str, Any], derived: list[Derived],
                 day: str) -> None:  # fmt: skip
        self.rule, self.fact, self.derived = rule, fact, derived
        self.scope = Scope(unflatten(fact), day, rule.lets)

    def trace(self, result: RuleResult) -> RuleTrace:
        if not binds(self.rule, self.scope.data.get("practice", {}), self.scope.as_of):
            return RuleTrace(self.rule, result, False, None, None)
        applies = None if self.rule.applies_when is None else self.step(self.rule.applies_when)
        fails = None if applies is not None and applies.value is False else self.step(self.rule.fails_when)
        return RuleTrace(self.rule, result, True, applies, fails)

    def step(self, condition: Condition, scope: Scope | None = None, prefix: str = "",
             item: tuple[str, Mapping[str, Any]] | None = None) -> Step:  # fmt: skip
        scope = scope or self.scope
        if item is not None:
            self._check_flag(condition, scope, *item)
        for kind in ("all", "any"):
            if kind in condition:
                parts = tuple(self.step(part, scope, prefix, item) for part in condition[kind])
                return Step(kind, holds(condition, scope), children=parts)
        if "not" in condition:
            inner = self.step(condition["not"], scope, prefix, item)
            return Step("not", holds(condition, scope), children=(inner,))
        for kind in QUANTIFIERS:
            if kind in condition:
                return self._quantifier(kind, condition, scope, prefix)
        return self._comparison(condition, scope, prefix)

    def _quantifier(self, kind: str, condition: Condition, scope: Scope, prefix: str) -> Step:
        path = condition[kind]
        items = lookup(scope.data, path)
        flat_items = self.fact.get(flat_key(path)) if not prefix else None
        children = []
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, Mapping):
                item_prefix = f"{prefix}{path}[{index}]."
                flat = (path, flat_items[index]) if isinstance(flat_items, list) else None
                inner = self.step(condition["where"], scope.within(item), item_prefix, flat)
                name = str(item.get("name", f"item {index + 1}"))
                children.append(Step("item", inner.value, f"{prefix}{path}[{index}]", label=name,
                                     children=(inner,)))  # fmt: skip
        return Step(kind, holds(condition, scope), prefix + path, children=tuple(children))

    def _comparison(self, condition: Condition, scope: Scope, prefix: str) -> Step:
        op = comparison_operator(condition)
        operand = condition[op]
        expected = operand if op in ("in", "not_in") else term_value(operand, scope)
        self._check_derived(operand, expected, prefix)
        actual = lookup(scope.data, condition["path"])
        value = holds(condition, scope)
        return Step("compare", value, prefix + condition["path"], op, expected, actual)

    def _check_flag(self, condition: Condition, scope: Scope, within: str,
                    flat_item: Mapping[str, Any]) -> None:  # fmt: skip
        """A flag the engine asserted on a list item must be the value the trace finds."""
        for derived in self.derived:
            if derived.kind == "flag" and derived.within == within and derived.expression == condition:
                asserted, traced = flat_item.get(derived.key), holds(condition, scope)
                if asserted != traced:
                    raise InternalError(f"{self.rule.id}: the engine asserted {asserted!r} "
                                        f"for an item of {within}, the trace found {traced!r}")  # fmt: skip

    def _check_derived(self, operand: Any, expected: Any, prefix: str) -> None:
        """A top-level term the engine asserted must be the value the trace uses."""
        if prefix or not isinstance(operand, dict) or set(operand) == {"path"}:
            return
        for derived in self.derived:
            if derived.kind == "term" and derived.expression == operand:
                asserted = self.fact.get(derived.key)
                if asserted != expected:
                    raise InternalError(f"{self.rule.id}: the engine asserted {asserted!r} "
                                        f"for {operand}, the trace computed {expected!r}")  # fmt: skip

