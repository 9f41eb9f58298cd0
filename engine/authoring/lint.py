"""`gpca lint`: what a rule author should fix before a rule can be trusted.

Beyond the load-time checks (schema, unique ids matching file names, actions naming
constraints that exist, each period in order), lint checks that every plan field a rule
reads or an action writes is in the plan schema, that every source has a confidence, that
a rule's periods are in order and do not overlap, that no two rules in overlapping periods
give contradictory verdicts on the same condition, and that message and remedy
placeholders resolve. Every finding is a ``Problem`` naming file:line.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from engine.authoring.lint_sources import citation_problems
from engine.core.compile import paths_read, paths_written
from engine.core.conditions import LIST_OPERATORS, QUANTIFIERS, comparison_operator
from engine.core.errors import InputError
from engine.core.messages import placeholders
from engine.core.model import Constraint, Period, Problem, RuleSet, SourceLocation, nearest_location
from engine.inputs.load import load_rules
from engine.inputs.read import builtin_schema, read_yaml

NEGATIONS = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt",
             "in": "not_in", "not_in": "in", "any_in": "none_in", "none_in": "any_in"}  # fmt: skip


def lint(directories: Sequence[Path] | None = None) -> tuple[list[Problem], RuleSet | None]:
    """Every problem with the rules in ``directories``, and the rules if they load."""
    try:
        rules = load_rules(directories)
    except InputError as error:
        return error.problems, None
    problems = [p for rule in rules.constraints for p in _constraint_problems(rule)]
    problems += [p for action in rules.actions for p in _action_problems(action)]
    problems += _contradictions(rules.constraints)
    problems += _engine_problems(rules)
    from engine.authoring.lint_packs import weakened_examples

    problems += weakened_examples(rules)
    problems += citation_problems(rules)
    return sorted(problems, key=_order), rules


def _engine_problems(rules: RuleSet) -> list[Problem]:
    """What `gpca check` would refuse when it compiles the rules for durable_rules."""
    from engine.core.bounds import check_literals
    from engine.core.compile import compile_rules

    try:
        check_literals(compile_rules(rules).definition)
    except InputError as error:
        return error.problems
    return []


def _order(problem: Problem) -> tuple[str, int]:
    place = problem.location
    return (place.path, place.line) if place else ("", 0)


def _constraint_problems(rule: Constraint) -> list[Problem]:
    problems = [_unknown_field(rule.file, path) for path in sorted(paths_read(rule))
                if not schema_has(path)]  # fmt: skip
    problems += _source_problems(rule.file, rule.sources)
    problems += _period_problems(rule)
    problems += _placeholder_problems(rule)
    problems += _shape_problems(rule)
    return [p for p in problems if p is not None]


def _action_problems(action: Any) -> list[Problem]:
    problems = [_unknown_field(action.file, path, "writes") for path in sorted(paths_written(action))
                if not schema_has(path)]  # fmt: skip
    return problems + _source_problems(action.file, action.sources)


def schema_has(path: str) -> bool:
    """Whether the dotted plan path (``a.b[].c`` for list items) is in the plan schema."""
    node: dict[str, Any] = builtin_schema("plan.schema.json")
    for step in path.replace("[]", ".[]").split("."):
        if step == "[]":
            node = node.get("items", {})
            continue
        node = node.get("properties", {}).get(step)
        if node is None:
            return False
    return True


def _shape_problems(rule: Constraint) -> list[Problem]:
    """A comparison whose operator does not fit the shape of its field: ``eq`` on a list of
    answers (never true or false, so always "cannot tell"), or ``any_in`` on one answer."""
    problems = []
    for condition in (rule.applies_when, rule.fails_when):
        for path, op, written in _comparisons(condition, ""):
            node = _schema_node(path)
            if node is None or (node.get("type") == "array") == (op in LIST_OPERATORS):
                continue
            if op in LIST_OPERATORS:
                message, hint = f"the rule tests '{path}', a single answer, with '{op}'", "use eq, in or not_in"
            else:
                message, hint = f"the rule tests '{path}', a list of answers, with '{op}'", "use any_in or none_in"
            problems.append(Problem("operator-shape", message, _find(rule.file, written), hint=hint))
    return problems


def _comparisons(condition: Any, prefix: str) -> Iterator[tuple[str, str, str]]:
    if not isinstance(condition, dict):
        return
    for key in ("all", "any"):
        for part in condition.get(key, ()):
            yield from _comparisons(part, prefix)
    if "not" in condition:
        yield from _comparisons(condition["not"], prefix)
    for quantifier in QUANTIFIERS:
        if quantifier in condition:
            yield from _comparisons(condition["where"], f"{prefix}{condition[quantifier]}[].")
    if "path" in condition:
        yield prefix + condition["path"], comparison_operator(condition), condition["path"]


def _schema_node(path: str) -> dict[str, Any] | None:
    node: dict[str, Any] = builtin_schema("plan.schema.json")
    for step in path.replace("[]", ".[]").split("."):
        node = node.get("items", {}) if step == "[]" else node.get("properties", {}).get(step)
        if node is None:
            return None
    return node


def _unknown_field(file: str, path: str, verb: str = "reads") -> Problem:
    leaf = path.rpartition("[].")[2] if "[]." in path else path
    message = f"the rule {verb} '{path}', which is not a field of the plan schema"
    hint = "fix the path, or ask for the field to be added to schemas/plan.schema.json"
    return Problem("unknown-plan-field", message, _find(file, leaf), hint=hint)


def _source_problems(file: str, sources: Sequence[Any]) -> list[Problem]:
    if not sources:
        return [Problem("no-source", "the rule cites no source", _at(file, ""), "/sources",
                        "cite at least one source, with a confidence")]  # fmt: skip
    return [Problem("no-confidence", f"source {i + 1} gives no confidence", _at(file, f"/sources/{i}"),
                    f"/sources/{i}", "add 'confidence: high', 'medium' or 'low'")
            for i, source in enumerate(sources) if not source.confidence]  # fmt: skip


def _period_problems(rule: Constraint) -> list[Problem]:
    problems = []
    for index, (before, after) in enumerate(zip(rule.effective, rule.effective[1:]), start=1):
        if (after.start or "") <= (before.end or "9999-12-31"):
            message = f"effective[{index}] starts before effective[{index - 1}] ends"
            hint = "list the periods in date order, without overlaps"
            pointer = f"/effective/{index}"
            problems.append(Problem("period-order", message, _at(rule.file, pointer), pointer, hint))
    return problems


def _placeholder_problems(rule: Constraint) -> list[Problem]:
    problems = []
    for key in ("message", "remedy"):
        for name in placeholders(getattr(rule, key)):
            if name not in rule.lets and not schema_has(name):
                message = f"the {key} placeholder '{{{name}}}' is neither a let nor a plan field"
                hint = f"the lets are: {', '.join(rule.lets) or 'none'}"
                problems.append(Problem("unresolved-placeholder", message, _at(rule.file, f"/{key}"),
                                        f"/{key}", hint))  # fmt: skip
    return problems


def _contradictions(constraints: Sequence[Constraint]) -> list[Problem]:
    problems = []
    for first, second in combinations(constraints, 2):
        if first.applies_when != second.applies_when or not _overlap(first.effective, second.effective):
            continue
        if _negates(first.fails_when, second.fails_when):
            verdict = "fails when the other passes"
        elif first.fails_when == second.fails_when and first.severity != second.severity:
            verdict = f"gives {second.severity} where the other gives {first.severity}"
        else:
            continue
        message = f"in a period shared with '{first.id}', this rule {verdict} on the same condition"
        problems.append(Problem("contradictory-rules", message, _at(second.file, "/fails_when"), "/fails_when",
                                f"give the two rules periods that do not overlap, or merge them ({first.file})"))  # fmt: skip
    return problems


def _negates(one: Any, other: Any) -> bool:
    if one == {"not": other} or other == {"not": one}:
        return True
    if "path" not in one or "path" not in other or one["path"] != other["path"]:
        return False
    op = next((k for k in one if k in NEGATIONS), None)
    return op is not None and other.get(NEGATIONS[op], object()) == one[op] and len(other) == 2


def _overlap(first: Sequence[Period], second: Sequence[Period]) -> bool:
    return any((a.start or "") <= (b.end or "9999") and (b.start or "") <= (a.end or "9999")
               for a in first for b in second)  # fmt: skip


@functools.lru_cache(maxsize=512)
def _locations(file: str) -> dict[str, SourceLocation]:
    try:
        locations = read_yaml(file).locations if file else {}
    except InputError:
        return {}
    return {key: place.shown() for key, place in locations.items()}


def _at(file: str, pointer: str) -> SourceLocation | None:
    return nearest_location(_locations(file), pointer) or SourceLocation(file, 1, 1)


def _find(file: str, value: str) -> SourceLocation | None:
    """Where the file first uses ``value`` as a scalar (a path), or its first line."""
    try:
        document = read_yaml(file)
    except InputError:
        return _at(file, "")
    pointer = next(_pointers_of(document.data, value, ""), "")
    return _at(file, pointer)


def _pointers_of(data: Any, value: str, pointer: str) -> Iterator[str]:
    if data == value:
        yield pointer
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, child in items:
        yield from _pointers_of(child, value, f"{pointer}/{key}")
