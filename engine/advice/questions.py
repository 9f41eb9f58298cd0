"""The plain-English question behind a plan path: the plan schema's wording of a field,
or a chosen action's own parameter. Below the reporters and the checklist, which both ask
in these words; decides nothing."""

from __future__ import annotations

import re
from typing import Any

from engine.core.model import Plan, RuleSet

ACTION_PARAMETER_PATH = re.compile(r"actions\[(\d+)\]\.([a-z_][a-z0-9_]*)")


def plan_schema() -> dict[str, Any]:
    from engine.inputs.read import builtin_schema

    return builtin_schema("plan.schema.json")


def path_parts(path: str) -> list[str]:
    """A plan path's steps, list items as their index: ``setup.services[1].stops_on`` and
    ``setup.services.1.stops_on`` are both ``["setup", "services", "1", "stops_on"]``."""
    return [part for part in re.split(r"[.\[\]]+", path) if part]


def schema_node(path: str) -> dict[str, Any] | None:
    """The plan schema's node for a plan path (list items as [0] or []), if it has one."""
    node: dict[str, Any] | None = plan_schema()
    for part in path_parts(path):
        if part.isdigit():
            continue
        if "items" in node and "properties" not in node:
            node = node["items"]
        node = node.get("properties", {}).get(part)
        if node is None:
            return None
    return node


def question_for(path: str, plan: Plan | None = None, rules: RuleSet | None = None) -> str:
    """The plan schema's description of a dotted plan path, or the path itself; for a
    chosen action's own parameter (``actions[0].urgent_overflow``), the parameter's
    description when the plan and rules are given."""
    own = ACTION_PARAMETER_PATH.fullmatch(path)
    if own is not None:
        return _parameter_question(int(own[1]), own[2], plan, rules) or path
    node = schema_node(path)
    return path if node is None else str(node.get("description", path))


def _parameter_question(index: int, name: str, plan: Plan | None, rules: RuleSet | None) -> str | None:
    if plan is None or index >= len(plan.actions):
        return None
    action_id = plan.actions[index].id
    if rules is None:
        return f"{name.replace('_', ' ')}, for the action {action_id}"
    description = rules.action(action_id).params.get(name, {}).get("description")
    return f"For the action {action_id}: {description}" if description else None
