"""Apply the chosen actions' effects to a copy of the practice's set-up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from engine.conditions import Scope, holds
from engine.model import Action, ChosenAction, Effect, RuleSet

MISSING = object()


def plan_view(practice: Mapping[str, Any], setup: Mapping[str, Any]) -> dict[str, Any]:
    """The document that rule paths (``practice.*``, ``setup.*``) resolve against."""
    return {"practice": practice, "setup": setup}


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
    by_id = {choice.id: choice for choice in chosen}
    effects = [(a, e) for a in rules.actions if a.id in by_id for e in a.effects]
    result = dict(view)
    for action, effect in effects:
        _apply(effect, result, _value_of(effect, action, by_id[action.id]), as_of)
    return result


def _value_of(effect: Effect, action: Action, choice: ChosenAction) -> Any:
    if effect.param is None:
        return effect.value
    if effect.param in choice.params and choice.params[effect.param] is not None:
        return choice.params[effect.param]
    return action.params.get(effect.param, {}).get("default", MISSING)


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
