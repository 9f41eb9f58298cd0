"""Apply the chosen actions' effects to a copy of the practice's set-up."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from engine.core.closure_days import with_closure_days
from engine.core.conditions import Scope, holds, lookup, weigh
from engine.core.model import Action, ChosenAction, DataFlow, Effect, Plan, Problem, RuleSet

MISSING = object()


def plan_view(practice: Mapping[str, Any], setup: Mapping[str, Any],
              flows: Iterable[DataFlow] = (), day: str = "") -> dict[str, Any]:  # fmt: skip
    """The document that rule paths (``practice.*``, ``setup.*``) resolve against, with
    the national data flows in effect on ``day`` that the plan does not list and the day
    of each dated closure (engine/core/closure_days.py)."""
    return {"practice": practice, "setup": with_national_flows(with_closure_days(setup), flows, day)}


def with_national_flows(setup: Mapping[str, Any], flows: Iterable[DataFlow], day: str) -> Mapping[str, Any]:
    """``setup.data_sharing`` with each flow every practice has and the plan does not list
    (by its ``flow`` id) added, continuing: "nothing listed" never means "nothing at risk".
    They are not in any withdrawal of listed items, since the plan does not list them.
    A plan that leaves the list out altogether leaves it unknown: it may hold anything."""
    items = setup.get("data_sharing")
    if not isinstance(items, list):
        return setup
    named = {item.get("flow") for item in items if isinstance(item, dict)}
    implicit = [_flow_item(flow) for flow in flows if flow.in_effect(day) and flow.id not in named]
    if not implicit:
        return setup
    return {**setup, "data_sharing": [*items, *implicit]}


def _flow_item(flow: DataFlow) -> dict[str, Any]:
    return {"name": flow.name, "flow": flow.id, "legal_basis": flow.legal_basis,
            "purpose": flow.purpose, "status": "continue", "in_withdrawal": False}  # fmt: skip


def practice_view(plan: Plan, rules: RuleSet, day: str) -> dict[str, Any]:
    """The plan's view before any action, with the rule set's national data flows."""
    return plan_view(plan.practice, plan.setup, rules.flows, day)


def apply_effects(
    view: Mapping[str, Any],
    chosen: Iterable[ChosenAction],
    rules: RuleSet,
    as_of: str,
) -> dict[str, Any]:
    """A new view with every chosen action's effects applied, in catalogue order.

    A value that cannot be known (a missing parameter, or a ``where`` that is unknown
    for an item) is removed, so that constraints reading it answer "cannot tell".
    """
    result = dict(view)
    left_unknown: dict[str, str] = {}  # a set-up path -> the action that left it unknown
    for _index, choice, action, effect in chosen_effects(chosen, rules):
        chosen_when = _when(effect, action, choice, as_of)
        if chosen_when is False:
            continue
        value = _value_of(effect, action, choice) if chosen_when else MISSING
        if effect.for_each is None:
            # Another chosen action's unknown is not settled by this one's answer: which
            # one the practice means is the question (catalogue order decides nothing).
            if left_unknown.get(effect.target, action.id) != action.id:
                continue
            if value is MISSING:
                left_unknown[effect.target] = action.id
            else:
                left_unknown.pop(effect.target, None)
        _apply(effect, result, value, as_of)
    return result


def conflicting_actions(chosen: Iterable[ChosenAction], rules: RuleSet, as_of: str) -> list[Problem]:
    """Chosen actions that set one answer to different values. The plan then says two things
    the practice cannot both do, and whichever came last in the catalogue would hide the
    other's effect, and so the other's risk."""
    written: dict[str, tuple[str, Any]] = {}
    problems = []
    for index, choice, action, effect in chosen_effects(chosen, rules):
        value = _value_of(effect, action, choice)
        if effect.for_each is not None or value is MISSING or _when(effect, action, choice, as_of) is not True:
            continue
        first, first_value = written.setdefault(effect.target, (action.id, value))
        if first != action.id and first_value != value:
            problems.append(_conflict(first, first_value, action.id, value, effect.target, index, choice))
    return problems


ChosenEffects = list[tuple[int, ChosenAction, Action, Effect]]


def chosen_effects(chosen: Iterable[ChosenAction], rules: RuleSet) -> ChosenEffects:
    """Each effect of each chosen action, in catalogue order (the order effects apply in),
    with the choice's place in the plan and the choice itself."""
    by_id = {choice.id: (index, choice) for index, choice in enumerate(chosen)}
    return [(*by_id[a.id], a, e) for a in rules.actions if a.id in by_id for e in a.effects]


def _conflict(first: str, first_value: Any, second: str, value: Any, target: str, index: int,
              choice: ChosenAction) -> Problem:  # fmt: skip
    message = (f"the actions '{first}' and '{second}' both set {target}, one to {first_value!r} and "
               f"the other to {value!r}: the practice cannot do both")
    hint = "choose one of them, or give them parameters that agree"
    return Problem("conflicting-actions", message, choice.location, f"/actions/{index}", hint)


def _value_of(effect: Effect, action: Action, choice: ChosenAction) -> Any:
    if effect.param is None:
        return effect.value
    return action_params(action, choice).get(effect.param, MISSING)


def action_params(action: Action, choice: ChosenAction) -> dict[str, Any]:
    """The chosen action's parameters as given, each missing one at its default if any."""
    given = {name: value for name, value in choice.params.items() if value is not None}
    defaults = {name: schema["default"] for name, schema in action.params.items() if "default" in schema}
    return {**defaults, **given}


def _when(effect: Effect, action: Action, choice: ChosenAction, as_of: str) -> bool | None:
    if effect.when is None:
        return True
    return holds(effect.when, Scope(action_params(action, choice), as_of))


def questions_behind(path: str, chosen: tuple[ChosenAction, ...], rules: RuleSet, view: Mapping[str, Any],
                     as_of: str, effects: ChosenEffects | None = None) -> tuple[str, ...] | None:  # fmt: skip
    """What settles a plan path that a chosen action's effect left unknown: the action's
    own parameters (``actions[0].urgent_overflow``), or the item fields its ``where``
    reads; None when no effect left it unknown, so the path itself is the question.
    ``view`` is the set-up before the actions. Every effect that may write the path asks
    what would settle it (one action's unknown is not settled by another's answer); if
    none surely writes it, the set-up's own answer may stand, and is asked when missing.
    Answering every question asked therefore settles the path. ``effects``: the chosen
    effects, if already listed."""
    asked: list[str] = []
    surely_set = False
    for index, choice, action, effect in reversed(chosen_effects(chosen, rules) if effects is None else effects):
        applies, missing = _settles(path, effect, action, choice, f"actions[{index}].", view, as_of)
        asked += missing
        surely_set = surely_set or applies is True
    if not asked:
        return None
    return tuple(dict.fromkeys(asked + ([] if surely_set or _answered(view, path) else [path])))


def _settles(path: str, effect: Effect, action: Action, choice: ChosenAction, own: str,
             view: Mapping[str, Any], as_of: str) -> tuple[bool | None, list[str]]:  # fmt: skip
    """Whether the effect sets ``path`` (unknown when its ``when`` or ``where`` is), and
    the questions that would settle it: those, and its parameter if missing."""
    asks_list = effect.for_each is not None and effect.for_each == path  # the list itself is asked
    item_path = _item_of(path, effect) if effect.for_each and not asks_list else None
    if not asks_list and ((effect.target != path) if effect.for_each is None else item_path is None):
        return False, []  # the effect does not write the path: the usual case, found first
    params = action_params(action, choice)
    value = [own + effect.param] if effect.param is not None and effect.param not in params else []
    if asks_list:
        when = weigh(effect.when, Scope(params, as_of)) if effect.when is not None else (True, set())
        return (False, []) if when[0] is False else (None, [own + p for p in sorted(when[1])] + value)
    tests: list[tuple[bool | None, list[str]]] = []
    if effect.when is not None:
        selected, missing = weigh(effect.when, Scope(params, as_of))
        tests.append((selected, [own + p for p in sorted(missing)]))
    if item_path is not None and effect.where is not None:
        index, prefix = item_path
        items = lookup(view, effect.for_each or "")
        item = items[index] if isinstance(items, list) and index < len(items) else None
        if not isinstance(item, dict):
            return False, []
        selected, missing = weigh(effect.where, Scope(item, as_of))
        tests.append((selected, [prefix + p for p in sorted(missing)]))
    if any(selected is False for selected, _ in tests):
        return False, []
    applies = None if any(selected is None for selected, _ in tests) else True
    return applies, [question for _, missing in tests for question in missing] + value


def _answered(view: Mapping[str, Any], path: str) -> bool:
    data: Any = view
    for step in re.split(r"\.|\[|\]\.?", path):
        if step.isdigit():
            data = data[int(step)] if isinstance(data, list) and int(step) < len(data) else None
        elif step:
            data = data.get(step) if isinstance(data, dict) else None
    return data is not None


def _item_of(path: str, effect: Effect) -> tuple[int, str] | None:
    """For ``setup.list[2].field``, the index 2 and the prefix ``setup.list[2].``, when
    the effect writes that field of each item of that list."""
    head = f"{effect.for_each}["
    if not path.startswith(head) or not path.endswith("]." + effect.target):
        return None
    index = path[len(head):-len("]." + effect.target)]
    return (int(index), f"{head}{index}].") if index.isdigit() else None


def _apply(effect: Effect, view: dict[str, Any], value: Any, as_of: str) -> None:
    if effect.for_each is None:
        _assign(view, effect.target, value)
        return
    *parents, leaf = effect.for_each.split(".")
    container = _writable(view, parents)
    if not isinstance(container.get(leaf), list):
        return
    items = container[leaf] = [dict(i) if isinstance(i, dict) else i for i in container[leaf]]
    for item in items:
        if not isinstance(item, dict):
            continue
        selected = True if effect.where is None else holds(effect.where, Scope(item, as_of))
        if selected is True:
            _assign(item, effect.target, value)
        elif selected is None:
            _assign(item, effect.target, MISSING)


def _writable(data: dict[str, Any], steps: list[str]) -> dict[str, Any]:
    """The mapping at ``steps``, each mapping on the way copied: the plan is never changed."""
    for step in steps:
        child = data.get(step)
        data[step] = child = dict(child) if isinstance(child, dict) else {}
        data = child
    return data


def _assign(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    data = _writable(data, parents)
    if value is MISSING:
        data.pop(leaf, None)
    else:
        data[leaf] = value
