"""Three-valued evaluation of the condition language in plain Python.

``holds`` answers True, False or None (unknown: the plan leaves out a field the answer
depends on). The engine uses it where durable_rules cannot reach: the ``where`` of an
action's effects, ``count`` terms and comparisons inside list items. The reference
evaluator uses it for whole constraints, as the test oracle for the compiled rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from msgspec import Struct, field

from engine.core.dates import shift_days, shift_months
from engine.core.model import Condition, Outcome

UNKNOWN = None
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
    # on a list-valued field: whether any of its items is one of the literals (or none is)
    "any_in": lambda a, b: isinstance(a, list) and any(item in b for item in a),
    "none_in": lambda a, b: isinstance(a, list) and not any(item in b for item in a),
}
LITERAL_LISTS = ("in", "not_in", "any_in", "none_in")  # operators whose operand is a list of literals
LIST_OPERATORS = ("any_in", "none_in")  # operators that read a list-valued field
QUANTIFIERS = ("any_item", "all_items")


class Scope(Struct):
    """What paths resolve against: the plan view (or one list item), the date, the lets."""

    data: Mapping[str, Any]
    as_of: str
    lets: Mapping[str, Any] = field(default_factory=dict)
    let_values: dict[str, Any] = field(default_factory=dict)
    root: Mapping[str, Any] | None = None  # the whole view, when ``data`` is one list item

    def within(self, item: Mapping[str, Any]) -> Scope:
        return Scope(item, self.as_of, self.lets, self.let_values, self.root or self.data)

    def at_root(self) -> Scope:
        return Scope(self.root or self.data, self.as_of, self.lets, self.let_values)


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path, or None when any step is missing."""
    return _lookup_steps(data, path.split("."))


def _lookup_steps(data: Any, steps: Iterable[str]) -> Any:
    for step in steps:
        if type(data) is not dict or step not in data:  # plans are plain dicts; abc checks are slow
            return None
        data = data[step]
    return data


def holds(condition: Condition, scope: Scope) -> bool | None:
    if "all" in condition:
        return _decide((holds(part, scope) for part in condition["all"]), False)
    if "any" in condition:
        return _decide((holds(part, scope) for part in condition["any"]), True)
    if "not" in condition:
        inner = holds(condition["not"], scope)
        return None if inner is None else not inner
    for quantifier in QUANTIFIERS:
        if quantifier in condition:
            return _quantify(quantifier, condition, scope)
    return _compare(condition, scope)


def rule_outcome(applies: bool | None, fails: bool | None) -> Outcome:
    """A rule in effect, settled by what is known: one known-false condition is enough.

    Not applicable when its applicability is known false and no finding when its failing
    condition is known false, whatever else is unknown; "cannot tell" only when neither
    is settled and some answer could still make it fail.
    """
    if applies is False:
        return "not_applicable"
    if fails is False:
        return "pass"
    if applies is None or fails is None:
        return "cannot_tell"
    return "fail"


def comparison_operator(condition: Condition) -> str:
    for op in COMPARISONS:  # a plain loop: this runs for every comparison the engine makes
        if op in condition:
            return op
    raise KeyError(f"no comparison in {condition}")


def _compare(condition: Condition, scope: Scope) -> bool | None:
    op = comparison_operator(condition)
    left = lookup(scope.data, condition["path"])
    right = condition[op] if op in LITERAL_LISTS else term_value(condition[op], scope)
    return _compared(COMPARISONS[op], op in LIST_OPERATORS, left, right)


def _compared(test: Callable[[Any, Any], bool], wants_list: bool, left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return UNKNOWN
    if wants_list != isinstance(left, list):  # a list compared as one value, or the reverse
        return UNKNOWN
    try:
        return test(left, right)
    except TypeError:  # a schema-valid plan never gets here; a mistyped rule answers unknown
        return UNKNOWN


def _quantify(quantifier: str, condition: Condition, scope: Scope) -> bool | None:
    where = condition["where"]
    return _over_items(lookup(scope.data, condition[quantifier]), lambda item: holds(where, scope.within(item)),
                       quantifier == "any_item")  # fmt: skip


def _over_items(items: Any, answer: Callable[[Any], bool | None], decisive: bool) -> bool | None:
    if not isinstance(items, list):
        return UNKNOWN
    return _decide(map(answer, items), decisive)


def _decide(answers: Iterable[bool | None], decisive: bool) -> bool | None:
    """Three-valued "any" (``decisive`` True: one true answer decides) or "all" (False:
    one false answer decides); otherwise unknown if any answer is. Stops at the first
    deciding answer."""
    seen_unknown = False
    for answer in answers:
        if answer is decisive:
            return decisive
        seen_unknown = seen_unknown or answer is None
    return UNKNOWN if seen_unknown else not decisive


def term_value(term: Any, scope: Scope) -> Any:
    """The value of an operand, or None when an input is missing."""
    if not isinstance(term, dict):
        return term
    kind, argument = next(iter(term.items()))
    if kind == "count":
        return _count(term, scope)
    return TERMS[kind](argument, scope)


def _let(name: str, scope: Scope) -> Any:
    if name not in scope.let_values:
        scope.let_values[name] = term_value(scope.lets[name], scope.at_root())
    return scope.let_values[name]


def _count(term: dict[str, Any], scope: Scope) -> int | None:
    where = term["where"]
    return _tally(lookup(scope.data, term["count"]), lambda item: holds(where, scope.within(item)))


def _tally(items: Any, answer: Callable[[Any], bool | None]) -> int | None:
    if not isinstance(items, list):
        return UNKNOWN
    answers = [answer(item) for item in items]
    return UNKNOWN if None in answers else answers.count(True)


def _arithmetic(function: Callable[..., Any]) -> Callable[[list[Any], Scope], Any]:
    def evaluate(arguments: list[Any], scope: Scope) -> Any:
        return _applied(function, [term_value(argument, scope) for argument in arguments])

    return evaluate


def _applied(function: Callable[..., Any], values: list[Any]) -> Any:
    if any(value is None for value in values):
        return UNKNOWN
    try:
        return function(*values)
    except (ZeroDivisionError, TypeError, ValueError, OverflowError):
        return UNKNOWN


def add_months(day: str, months: int) -> str:
    return shift_months(day, months)


def add_days(day: str, days: int) -> str:
    return shift_days(day, days)


FUNCTIONS: dict[str, Callable[..., Any]] = {  # the terms that compute from a list of terms
    "add": lambda *values: sum(values),
    "mul": lambda *values: math.prod(values),
    "sub": lambda a, b: a - b,
    "div": lambda a, b: a / b,
    "max": max,
    "min": min,
    "add_days": add_days,
    "add_months": add_months,
}
TERMS: dict[str, Callable[[Any, Scope], Any]] = {
    "path": lambda path, scope: lookup(scope.data, path),
    "var": lambda _name, scope: scope.as_of,
    "let": _let,
    **{kind: _arithmetic(function) for kind, function in FUNCTIONS.items()},
    "floor": lambda argument, scope: _arithmetic(math.floor)([argument], scope),
}

Test = Callable[[Scope], "bool | None"]
Value = Callable[[Scope], Any]


def compile_condition(condition: Condition) -> Test:
    """``holds`` for this one condition, its shape read once: a function of the scope that
    answers exactly as ``holds(condition, scope)`` does. The engine derives values with it
    for every plan; the reference evaluator keeps to ``holds``, so each checks the other."""
    if "all" in condition:
        return _compiled_decision(condition["all"], False)
    if "any" in condition:
        return _compiled_decision(condition["any"], True)
    if "not" in condition:
        inner = compile_condition(condition["not"])
        return lambda scope: _negated(inner(scope))
    for quantifier in QUANTIFIERS:
        if quantifier in condition:
            steps, where = condition[quantifier].split("."), compile_condition(condition["where"])
            decisive = quantifier == "any_item"
            return lambda scope: _over_items(_lookup_steps(scope.data, steps),
                                             lambda item: where(scope.within(item)), decisive)  # fmt: skip
    return _compiled_comparison(condition)


def _compiled_decision(parts: list[Condition], decisive: bool) -> Test:
    tests = tuple(compile_condition(part) for part in parts)
    return lambda scope: _decide((test(scope) for test in tests), decisive)


def _negated(value: bool | None) -> bool | None:
    return None if value is None else not value


def _compiled_comparison(condition: Condition) -> Test:
    op = comparison_operator(condition)
    steps, test, wants_list = condition["path"].split("."), COMPARISONS[op], op in LIST_OPERATORS
    right = _constant(condition[op]) if op in LITERAL_LISTS else compile_term(condition[op])
    return lambda scope: _compared(test, wants_list, _lookup_steps(scope.data, steps), right(scope))


def compile_term(term: Any) -> Value:
    """``term_value`` for this one term, its shape read once (see ``compile_condition``)."""
    if not isinstance(term, dict):
        return _constant(term)
    kind, argument = next(iter(term.items()))
    if kind == "count":
        steps, where = argument.split("."), compile_condition(term["where"])
        return lambda scope: _tally(_lookup_steps(scope.data, steps), lambda item: where(scope.within(item)))
    if kind == "path":
        steps = argument.split(".")
        return lambda scope: _lookup_steps(scope.data, steps)
    if kind == "var":
        return lambda scope: scope.as_of
    if kind == "let":
        return lambda scope: _let(argument, scope)
    function, arguments = (math.floor, [argument]) if kind == "floor" else (FUNCTIONS[kind], argument)
    values = tuple(compile_term(each) for each in arguments)
    return lambda scope: _applied(function, [value(scope) for value in values])


def _constant(value: Any) -> Value:
    return lambda _scope: value


def unknowns(condition: Condition, scope: Scope, prefix: str = "") -> set[str]:
    """The plan paths whose absence leaves the condition unknown (empty when it is known).

    Inside a list the path names the item, e.g. ``setup.services[1].notice_served_on``.
    """
    return _weigh(condition, scope, prefix)[1]


def weigh(condition: Condition, scope: Scope) -> tuple[bool | None, set[str]]:
    """The condition's value and, when it is unknown, the plan paths that leave it so."""
    return _weigh(condition, scope, "")


Weighed = tuple[bool | None, set[str]]


def _weigh(condition: Condition, scope: Scope, prefix: str) -> Weighed:
    """The condition's value and, when it is unknown, the missing paths that leave it so."""
    if "all" in condition or "any" in condition:
        decisive = "all" not in condition  # a true part decides "any", a false part "all"
        parts = condition["all" if "all" in condition else "any"]
        return _combine([_weigh(part, scope, prefix) for part in parts], decisive)
    if "not" in condition:
        return _not_weighed(_weigh(condition["not"], scope, prefix))
    for quantifier in QUANTIFIERS:
        if quantifier in condition:
            where = condition["where"]
            return _weigh_items(condition[quantifier], lambda s, p: _weigh(where, s, p),
                                quantifier == "any_item", scope, prefix)  # fmt: skip
    return _weighed_comparison(condition, _compare(condition, scope), scope, prefix)


def _not_weighed(weighed: Weighed) -> Weighed:
    value, missing = weighed
    return (None if value is None else not value), missing


def _weighed_comparison(condition: Condition, value: bool | None, scope: Scope, prefix: str) -> Weighed:
    """A comparison's value, and if unknown, the missing paths that leave it so."""
    if value is not None:
        return value, set()
    op = comparison_operator(condition)
    left = lookup(scope.data, condition["path"])
    # A field left out is the question; so is one whose answer is of the other shape (a list
    # where the rule expects one value, or the reverse), since nothing else can settle it.
    mismatched = left is not None and (op in LIST_OPERATORS) != isinstance(left, list)
    missing = {prefix + condition["path"]} if left is None or mismatched else set()
    return None, missing | _unknown_terms(condition[op], scope, prefix)


def _combine(weighed: list[tuple[bool | None, set[str]]], decisive: bool) -> tuple[bool | None, set[str]]:
    value = _decide((part for part, _ in weighed), decisive)
    if value is not None:
        return value, set()
    return None, set().union(*(missing for part, missing in weighed if part is None))


def _weigh_items(path: str, where: Callable[[Scope, str], Weighed], decisive: bool, scope: Scope,
                 prefix: str) -> Weighed:  # fmt: skip
    items = lookup(scope.data, path)
    if not isinstance(items, list):
        return None, {prefix + path}
    weighed = [where(scope.within(item), f"{prefix}{path}[{i}].") for i, item in enumerate(items)]
    return _combine(weighed, decisive)


def compile_weigh(condition: Condition) -> Callable[[Scope, str], Weighed]:
    """``weigh`` for this one condition (with a prefix for the paths it names), its shape
    read once, as ``compile_condition`` is for ``holds``."""
    if "all" in condition or "any" in condition:
        decisive = "all" not in condition
        parts = tuple(compile_weigh(part) for part in condition["all" if "all" in condition else "any"])
        return lambda scope, prefix: _combine([part(scope, prefix) for part in parts], decisive)
    if "not" in condition:
        inner = compile_weigh(condition["not"])
        return lambda scope, prefix: _not_weighed(inner(scope, prefix))
    for quantifier in QUANTIFIERS:
        if quantifier in condition:
            path, where = condition[quantifier], compile_weigh(condition["where"])
            decisive = quantifier == "any_item"
            return lambda scope, prefix: _weigh_items(path, where, decisive, scope, prefix)
    test = _compiled_comparison(condition)
    return lambda scope, prefix: _weighed_comparison(condition, test(scope), scope, prefix)


def _unknown_items(path: str, where: Condition, scope: Scope, prefix: str) -> set[str]:
    items = lookup(scope.data, path)
    if not isinstance(items, list):
        return {prefix + path}
    found: set[str] = set()
    for index, item in enumerate(items):
        found |= unknowns(where, scope.within(item), f"{prefix}{path}[{index}].")
    return found


def _unknown_terms(term: Any, scope: Scope, prefix: str) -> set[str]:
    if not isinstance(term, dict) or term_value(term, scope) is not None:
        return set()
    kind, argument = next(iter(term.items()))
    if kind == "path":
        return {prefix + argument}
    if kind == "let":
        return _unknown_terms(scope.lets[argument], scope.at_root(), "")
    if kind == "count":
        return _unknown_items(argument, term["where"], scope, prefix)
    arguments = argument if isinstance(argument, list) else [argument]
    return set().union(*(_unknown_terms(a, scope, prefix) for a in arguments))
