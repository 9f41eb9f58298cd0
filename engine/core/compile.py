"""Compile constraints into a durable_rules ruleset, in its JSON (plain dict) form.

Each constraint becomes up to three durable_rules rules: ``<id>:fail``, ``<id>:pass``
and ``<id>:na``. Three-valued logic is compiled by pushing negation to the leaves: a
comparison *holds* when its field exists and the comparison is true, and *fails* when
its field exists and the comparison is false. ``fail`` needs the rule to apply and its
failing condition to hold; ``na`` needs its applicability known false; ``pass`` needs
only its failing condition known false (where ``na`` fires too, ``na`` wins). When none
fires, the outcome is "cannot tell".

What durable_rules cannot express is computed once per plan and asserted as extra
fields of the fact (``Derived``): terms such as ``floor``, ``let``, dates and counts,
the length of each quantified list, any comparison inside a list item whose operand
is not a literal (durable_rules cannot compare two fields of one item), and any
condition on a list item that needs an "or" (durable_rules never matches an ``$or``
inside ``$iany``/``$iall``).
"""

from __future__ import annotations

from typing import Any, Literal

from msgspec import Struct, field

from engine.core.conditions import COMPARISONS, LIST_OPERATORS, QUANTIFIERS, comparison_operator
from engine.core.model import Action, Condition, Constraint, Period, RuleSet
from engine.core.shard import Shard, split

AS_OF_KEY = "_as_of"
OUTCOME_SUFFIXES = ("fail", "pass", "na")
DURABLE_OPERATORS = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
NEGATED = {"eq": "ne", "ne": "eq", "lt": "ge", "le": "gt", "gt": "le", "ge": "lt",
           "in": "not_in", "not_in": "in", "any_in": "none_in", "none_in": "any_in"}  # fmt: skip


class Derived(Struct, frozen=True):
    """A value the engine computes in Python and asserts as a field of the fact."""

    key: str
    kind: Literal["term", "flag", "length"]
    expression: Any  # a term, a condition (flag) or a list path (length)
    rule_id: str
    within: str | None = None  # for flags: the list whose items carry the field


class CompiledRules(Struct, frozen=True):
    name: str
    definition: dict[str, dict[str, Any]]  # durable rule name -> {"all": [{"m": ...}]}
    outcomes: dict[str, tuple[str, str]]  # durable rule name -> (constraint id, outcome)
    derived: tuple[Derived, ...]
    reads: dict[str, frozenset[str]]  # constraint id -> plan paths it reads
    writes: dict[str, frozenset[str]]  # action id -> plan paths its effects write
    affects: dict[str, frozenset[str]]  # action id -> constraint ids reading what it writes
    shards: tuple[Shard, ...] = ()  # the durable_rules rulesets the rules are split into


def flat_key(path: str) -> str:
    """The fact key of a dotted plan path; facts are flat, with lists of flat items."""
    return path.replace(".", "__")


def compile_rules(rules: RuleSet, name: str = "gpca") -> CompiledRules:
    definition: dict[str, dict[str, Any]] = {}
    outcomes: dict[str, tuple[str, str]] = {}
    derived: list[Derived] = []
    for constraint in rules.constraints:
        compiler = _ConstraintCompiler(constraint, len(derived))
        for outcome, expression in compiler.rules().items():
            rule_name = f"{constraint.id}:{outcome}"
            definition[rule_name] = {"all": [{"m": expression}]}
            outcomes[rule_name] = (constraint.id, outcome)
        derived.extend(compiler.derived)
    reads = {rule.id: frozenset(paths_read(rule)) for rule in rules.constraints}
    writes = {action.id: frozenset(paths_written(action)) for action in rules.actions}
    affects = {
        action_id: frozenset(
            rule_id for rule_id, read in reads.items()
            if any(overlaps(r, w) for r in read for w in written)
        )
        for action_id, written in writes.items()
    }  # fmt: skip
    owners = {rule_name: rule_id for rule_name, (rule_id, _outcome) in outcomes.items()}
    shards = split(name, definition, owners)
    return CompiledRules(name, definition, outcomes, tuple(derived), reads, writes, affects, shards)


class _ConstraintCompiler(Struct):
    constraint: Constraint
    counter: int
    derived: list[Derived] = field(default_factory=list)

    def rules(self) -> dict[str, Any]:
        period = _periods(self.constraint.effective)
        applies = self.constraint.applies_when
        gate = [period] if period else []
        if applies is not None:
            gate.append(self.compile(applies, True))
        in_effect = [period] if period else []
        fails_when = self.constraint.fails_when
        # A known-false failing condition settles the rule whatever its applicability:
        # "pass" is not gated on applies_when; where "na" also fires, "na" wins.
        compiled = {
            "fail": _and([*gate, self.compile(fails_when, True)]),
            "pass": _and([*in_effect, self.compile(fails_when, False)]),
        }
        if applies is not None:
            compiled["na"] = _and([*in_effect, self.compile(applies, False)])
        return compiled

    def compile(self, condition: Condition, positive: bool, item: str | None = None) -> Any:
        """The durable expression for the condition holding (positive) or failing."""
        for combinator in ("all", "any"):
            if combinator in condition:
                parts = [self.compile(part, positive, item) for part in condition[combinator]]
                return _and(parts) if (combinator == "all") == positive else _or(parts)
        if "not" in condition:
            return self.compile(condition["not"], not positive, item)
        if item is not None and _needs_flag(condition):
            return {f"$i.{self._derive('flag', condition, item)}": positive}
        if any(quantifier in condition for quantifier in QUANTIFIERS):
            return self._quantifier(condition, positive)
        return self._comparison(condition, positive, item)

    def _quantifier(self, condition: Condition, positive: bool) -> Any:
        quantifier = "any_item" if "any_item" in condition else "all_items"
        path = condition[quantifier]
        where = self.compile(condition["where"], positive, item=path)
        if _has_or(where):  # durable_rules silently never matches an $or inside a list item
            where = {f"$i.{self._derive('flag', condition['where'], path)}": positive}
        empty = {self._derive("length", path): 0}
        if (quantifier == "any_item") == positive:
            return {"$iany": {flat_key(path): where}}
        return _or([empty, {"$iall": {flat_key(path): where}}])

    def _comparison(self, condition: Condition, positive: bool, item: str | None) -> Any:
        op = comparison_operator(condition)
        op = op if positive else NEGATED[op]
        key = ("$i." if item else "") + flat_key(condition["path"])
        operand = condition[op] if op in condition else condition[NEGATED[op]]
        present = [{"$ex": {key: 1}}]
        if op in LIST_OPERATORS:
            return self._list_membership(condition["path"], op, operand)
        if op in ("in", "not_in"):
            return _and([*present, _membership(key, op, operand)])
        if isinstance(operand, dict):
            reference = self._reference(operand)
            present.append({"$ex": {reference: 1}})
            operand = {"$m": reference}
        test = {key: operand} if op == "eq" else {DURABLE_OPERATORS[op]: {key: operand}}
        return _and([*present, test])

    def _list_membership(self, path: str, op: str, values: list[Any]) -> Any:
        """Some item of a list of literals is one of ``values`` (any_in), or none is. A
        scalar compared with ``$i`` inside ``$iany``/``$iall`` is matched natively;
        ``$iall`` never matches an empty list, so its length is asserted for ``none_in``."""
        key = flat_key(path)
        if op == "any_in":
            return _and([{"$ex": {key: 1}}, _or([{"$iany": {key: {"$i": value}}} for value in values])])
        every_item = {"$iall": {key: _and([{"$neq": {"$i": value}} for value in values])}}
        return _or([{self._derive("length", path): 0}, _and([{"$ex": {key: 1}}, every_item])])

    def _reference(self, term: dict[str, Any]) -> str:
        if set(term) == {"path"}:
            return flat_key(term["path"])
        return self._derive("term", term)

    def _derive(self, kind: Literal["term", "flag", "length"], expression: Any,
                within: str | None = None) -> str:  # fmt: skip
        for known in self.derived:  # fail and pass share their derived values
            if (known.kind, known.expression, known.within) == (kind, expression, within):
                return known.key
        if kind == "length":
            key = f"_len__{flat_key(expression)}"
        else:
            key = f"_{kind[0]}{self.counter + len(self.derived)}"
        self.derived.append(Derived(key, kind, expression, self.constraint.id, within))
        return key


def _needs_flag(condition: Condition) -> bool:
    """Inside a list item, only comparisons against literals compile natively."""
    if any(quantifier in condition for quantifier in QUANTIFIERS):
        return True
    if not any(op in condition for op in COMPARISONS):
        return False
    if any(op in condition for op in LIST_OPERATORS):  # a list within a list item
        return True
    operand = condition[comparison_operator(condition)]
    return isinstance(operand, dict)


def _has_or(expression: Any) -> bool:
    if isinstance(expression, dict):
        return "$or" in expression or any(_has_or(value) for value in expression.values())
    if isinstance(expression, list):
        return any(_has_or(value) for value in expression)
    return False


def _membership(key: str, op: str, values: list[Any]) -> Any:
    if op == "in":
        return _or([{key: value} for value in values])
    return _and([{"$neq": {key: value}} for value in values])


def _and(parts: list[Any]) -> Any:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: list[Any]) -> Any:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _periods(periods: tuple[Period, ...]) -> Any:
    """The durable test that the assessment date falls in an effective period."""
    tests = []
    for period in periods:
        bounds = []
        if period.start:
            bounds.append({"$gte": {AS_OF_KEY: period.start}})
        if period.end:
            bounds.append({"$lte": {AS_OF_KEY: period.end}})
        if not bounds:
            return None
        tests.append(_and(bounds))
    return _or(tests) if tests else None


def paths_read(constraint: Constraint) -> set[str]:
    paths: set[str] = set()
    for condition in (constraint.applies_when, constraint.fails_when):
        if condition is not None:
            _collect(condition, "", paths)
    for term in constraint.lets.values():
        _collect(term, "", paths)
    return paths


def paths_in(node: Any, prefix: str = "") -> set[str]:
    """The plan paths a condition or term reads, list items as ``list[].field``."""
    paths: set[str] = set()
    _collect(node, prefix, paths)
    return paths


def _collect(node: Any, prefix: str, paths: set[str]) -> None:
    if isinstance(node, list):
        for part in node:
            _collect(part, prefix, paths)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "path":
            paths.add(prefix + value)
        elif key in (*QUANTIFIERS, "count"):
            paths.add(prefix + value)
            _collect(node["where"], f"{prefix}{value}[].", paths)
        elif key != "where":
            _collect(value, prefix, paths)


def paths_written(action: Action) -> set[str]:
    return {
        f"{effect.for_each}[].{effect.target}" if effect.for_each else effect.target
        for effect in action.effects
    }


def overlaps(read: str, written: str) -> bool:
    """Whether writing one path can change the value read at the other."""
    shorter, longer = sorted((read, written), key=len)
    return longer == shorter or longer.startswith((shorter + ".", shorter + "[]"))
