"""Coverage in domain terms: which rules and condition branches the fixtures never test.

A constraint is covered when some fixture expects it to pass and some fixture expects
it to fail; the percentage that ``--min`` checks is of constraints covered so. The
report also lists constraints with no cannot-tell fixture, actions with no safe fixture
and condition branches (each comparison or quantifier seen true and seen false, on the
fixtures' plans as their actions leave them) that no fixture exercises.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from msgspec import Struct

from engine.authoring.suite import SuiteResult
from engine.core.apply import apply_effects, practice_view
from engine.core.conditions import QUANTIFIERS, Scope, holds
from engine.core.errors import InputError
from engine.core.model import SAFE_STATUSES, Condition, Constraint, RuleSet, SourceLocation
from engine.inputs.read import read_yaml


class Gap(Struct, frozen=True):
    subject: str  # "constraint <id>", "action <id>" or "branch <id> <pointer>"
    lacking: str  # what no fixture provides
    location: SourceLocation | None = None

    def __str__(self) -> str:
        place = f"{self.location}: " if self.location else ""
        return f"{place}{self.subject}: {self.lacking}"


class Coverage(Struct, frozen=True):
    constraints: int
    covered: int  # constraints with a passing and a failing fixture
    branches: int
    branches_covered: int
    gaps: tuple[Gap, ...]

    @property
    def percent(self) -> float:
        return 100.0 if not self.constraints else 100.0 * self.covered / self.constraints


def measure(result: SuiteResult, rules: RuleSet) -> Coverage:
    expected = _expected(result)
    gaps = [gap for rule in rules.constraints for gap in _constraint_gaps(rule, expected)]
    safe = {a for case_expect in _expects(result)
            for a, s in case_expect.get("actions", {}).items() if s in SAFE_STATUSES}  # fmt: skip
    gaps += [Gap(f"action {a.id}", "no fixture expects it to be safe", _top(a.file))
             for a in rules.actions if a.id not in safe]  # fmt: skip
    seen = _branches_seen(result, rules)
    branch_gaps = [gap for rule in rules.constraints for gap in _branch_gaps(rule, seen)]
    covered = sum(1 for r in rules.constraints if {"pass", "fail"} <= expected.get(r.id, set()))
    branches = sum(1 for r in rules.constraints for _ in _leaves(r))
    return Coverage(len(rules.constraints), covered, branches, branches - len(branch_gaps),
                    tuple(gaps + branch_gaps))  # fmt: skip


def _expects(result: SuiteResult) -> list[dict[str, Any]]:
    return [run.case.expect for run in result.runs]


def _expected(result: SuiteResult) -> dict[str, set[str]]:
    expected: dict[str, set[str]] = {}
    for expect in _expects(result):
        for rule_id, outcome in expect.get("rules", {}).items():
            expected.setdefault(rule_id, set()).add(outcome)
    return expected


def _constraint_gaps(rule: Constraint, expected: dict[str, set[str]]) -> list[Gap]:
    have = expected.get(rule.id, set())
    words = {"pass": "passing", "fail": "failing", "cannot_tell": "cannot-tell"}
    return [Gap(f"constraint {rule.id}", f"no {words[o]} fixture", _top(rule.file))
            for o in ("pass", "fail", "cannot_tell") if o not in have]  # fmt: skip


def _leaves(rule: Constraint) -> Iterator[tuple[str, Condition]]:
    """Each comparison or quantifier of the rule's conditions, with its JSON pointer."""
    for key in ("applies_when", "fails_when"):
        condition = getattr(rule, key)
        if condition is not None:
            yield from _walk(condition, f"/{key}")


def _walk(condition: Condition, pointer: str) -> Iterator[tuple[str, Condition]]:
    for combinator in ("all", "any"):
        if combinator in condition:
            for index, part in enumerate(condition[combinator]):
                yield from _walk(part, f"{pointer}/{combinator}/{index}")
            return
    if "not" in condition:
        yield from _walk(condition["not"], f"{pointer}/not")
        return
    yield pointer, condition


def _branches_seen(result: SuiteResult, rules: RuleSet) -> set[tuple[str, str, bool]]:
    seen: set[tuple[str, str, bool]] = set()
    for run in result.runs:
        plan, day = run.assessment.plan, run.assessment.as_of
        view = apply_effects(practice_view(plan, rules, day), plan.actions, rules, day)
        for rule in rules.constraints:
            if rule.in_effect(day):
                scope = Scope(view, day, rule.lets)
                for pointer, leaf in _leaves(rule):
                    value = holds(leaf, scope)
                    if value is not None:
                        seen.add((rule.id, pointer, value))
    return seen


def _branch_gaps(rule: Constraint, seen: set[tuple[str, str, bool]]) -> list[Gap]:
    gaps = []
    for pointer, leaf in _leaves(rule):
        missing = [word for word, value in (("true", True), ("false", False))
                   if (rule.id, pointer, value) not in seen]  # fmt: skip
        if missing:
            subject = f"branch {rule.id} {pointer} ({_leaf_words(leaf)})"
            gaps.append(Gap(subject, f"never {' or '.join(missing)} in any fixture", _at(rule.file, pointer)))
    return gaps


def _leaf_words(leaf: Condition) -> str:
    quantifier = next((q for q in QUANTIFIERS if q in leaf), None)
    if quantifier:
        return f"{quantifier} {leaf[quantifier]}"
    op = next(key for key in leaf if key != "path")
    return f"{leaf['path']} {op} {leaf[op]}"


def _top(file: str) -> SourceLocation | None:
    return _at(file, "")


@functools.lru_cache(maxsize=1024)
def _at(file: str, pointer: str) -> SourceLocation | None:
    if not file:
        return None
    try:
        place = read_yaml(file).locations.get(pointer)
    except InputError:
        return None
    return place.shown() if place else None


def render_coverage(coverage: Coverage) -> str:
    lines = [str(gap) for gap in coverage.gaps]
    lines.append(f"coverage: {coverage.covered} of {coverage.constraints} constraints have a passing "
                 f"and a failing fixture ({coverage.percent:.1f}%); {coverage.branches_covered} of "
                 f"{coverage.branches} condition branches exercised")  # fmt: skip
    return "\n".join(lines) + "\n"
