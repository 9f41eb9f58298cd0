"""The questions still to answer: every plan path a "cannot tell" finding waits on, asked
once, with the chosen actions and rules it unblocks, grouped by the part of the plan it
belongs to, in the order the plan schema (and so the plan template) asks them.

The advice layer between the verdicts and the pages that show them (the reports, the
planner): it formats and orders, and never decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from msgspec import Struct

from engine.advice.questions import ACTION_PARAMETER_PATH, path_parts, plan_schema, question_for
from engine.core.model import Assessment, Plan, RuleSet

SETUP = "setup"  # the plan's section whose parts are groups of their own


class OpenQuestion(Struct, frozen=True):
    path: str  # the plan path, e.g. setup.telephony.cloud_based
    question: str  # in plain English, as the reports ask it
    actions: tuple[str, ...]  # chosen action ids whose verdict waits on it; () for the practice as a whole
    rules: tuple[str, ...]  # rule ids waiting on it


class QuestionGroup(Struct, frozen=True):
    key: str  # a stable slug: practice, actions, telephony, data_sharing, ...
    title: str  # a plain-English heading, sentence case
    questions: tuple[OpenQuestion, ...]


def questions_checklist(assessment: Assessment, rules: RuleSet) -> tuple[QuestionGroup, ...]:
    """Every path a cannot_tell result is missing, once, grouped and in the plan's order."""
    waiting = _rules_waiting(assessment)
    owners = _actions_of(assessment)
    questions = [
        OpenQuestion(path, question_for(path, assessment.plan, rules),
                     _in_order(action for rule_id in rule_ids for action in owners.get(rule_id, ())),
                     tuple(rule_ids))  # fmt: skip
        for path, rule_ids in waiting.items()
    ]
    sections = _sections(plan_schema())
    by_group: dict[str, list[OpenQuestion]] = {}
    for question in questions:
        by_group.setdefault(group_key(question.path), []).append(question)
    return tuple(
        QuestionGroup(key, _title(key, sections.get(key)),
                      tuple(sorted(by_group[key], key=lambda q: _path_order(q.path, assessment.plan, rules))))
        for key in sorted(by_group, key=lambda key: _position(key, list(sections)))
    )  # fmt: skip


def group_key(path: str) -> str:
    """The part of the plan a path belongs to: a section of the set-up, else the plan's own key."""
    parts = path_parts(path)
    return parts[1] if parts[0] == SETUP and len(parts) > 1 else parts[0]


def _rules_waiting(assessment: Assessment) -> dict[str, list[str]]:
    """Each missing path, with the cannot_tell rules that wait on it, in the results' order."""
    waiting: dict[str, list[str]] = {}
    for result in assessment.results:
        if result.outcome == "cannot_tell":
            for path in result.missing:
                waiting.setdefault(path, []).append(result.rule_id)
    return waiting


def _actions_of(assessment: Assessment) -> dict[str, list[str]]:
    """The chosen actions each finding is attributed to, in the plan's order."""
    owners: dict[str, list[str]] = {}
    for verdict in assessment.actions:
        for rule_id in verdict.findings:
            owners.setdefault(rule_id, []).append(verdict.action_id)
    return owners


def _in_order(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _sections(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The plan's parts in the schema's order, the set-up's own sections in its place."""
    sections: dict[str, dict[str, Any]] = {}
    for key, node in schema.get("properties", {}).items():
        sections.update(node.get("properties", {}) if key == SETUP else {key: node})
    return sections


def _title(key: str, node: dict[str, Any] | None) -> str:
    """The schema's description of a section, or its name in words where the description is
    a question (a section that is a single answer)."""
    description = str((node or {}).get("description", ""))
    if description and not description.endswith("?") and node.get("type") in ("object", "array"):
        return description
    words = key.replace("_", " ")
    return words[:1].upper() + words[1:]


def _position(name: str, names: list[str]) -> tuple[int, str]:
    """Where ``name`` stands among ``names``; after them all, by name, when it is not there."""
    return (names.index(name) if name in names else len(names), name)


def _path_order(path: str, plan: Plan, rules: RuleSet) -> tuple[tuple[int, str], ...]:
    """A path's place in the plan: each step's position among its schema node's properties,
    a list item by its index, a chosen action's parameter by the action's own parameters."""
    own = ACTION_PARAMETER_PATH.fullmatch(path)
    if own is not None:
        index = int(own[1])
        params = list(rules.action(plan.actions[index].id).params) if index < len(plan.actions) else []
        return ((index, ""), _position(own[2], params))
    order: list[tuple[int, str]] = []
    node: dict[str, Any] = plan_schema()
    for part in path_parts(path):
        if part.isdigit():
            order.append((int(part), ""))
            continue
        if "items" in node and "properties" not in node:
            node = node["items"]
        properties = node.get("properties", {})
        order.append(_position(part, list(properties)))
        node = properties.get(part, {})
    return tuple(order) + ((0, path),)
