"""Fixtures: example plans with their expected outcomes, checked against the engine.

A fixture file (schemas/fixture.schema.json) holds a note, a whole plan and what gpca
is expected to say of it: the overall verdict, an outcome per rule, a status per action
and, optionally, to whom each finding is attributed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from engine.errors import InputError, did_you_mean
from engine.load import Document, builtin_schema, plan_from_document, read_yaml
from engine.model import Assessment, Plan, Problem, RuleSet, SourceLocation


@dataclass(frozen=True)
class Case:
    path: str
    note: str
    plan: Plan
    expect: dict[str, Any]
    document: Document

    def location(self, *steps: str) -> SourceLocation | None:
        return _near(self.document, "/expect/" + "/".join(steps))


@dataclass(frozen=True)
class Mismatch:
    subject: str  # "overall", "rule <id>", "action <id>" or "attribution of <id>"
    expected: Any
    got: Any
    location: SourceLocation | None

    def __str__(self) -> str:
        place = f"{self.location}: " if self.location else ""
        return f"{place}{self.subject}: expected {self.expected}, got {self.got}"


def load_case(path: str | Path, rules: RuleSet) -> Case:
    """The fixture in ``path``; every problem with it raises one ``InputError``."""
    document = read_yaml(path)
    problems = _schema_problems(document)
    if problems:
        raise InputError(problems)
    problems = _unknown_ids(document, rules)
    plan = plan_from_document(document.part("/plan"), rules) if not problems else None
    if problems or plan is None:
        raise InputError(problems)
    data = document.data
    return Case(document.path, data["note"], plan, data["expect"], document)


def check_case(case: Case, assessment: Assessment) -> list[Mismatch]:
    """What the engine said that the fixture did not expect, in the fixture's order."""
    expect = case.expect
    mismatches = []
    if "overall" in expect and expect["overall"] != assessment.overall:
        mismatches.append(Mismatch("overall", expect["overall"], assessment.overall, case.location("overall")))
    for rule_id, outcome in expect.get("rules", {}).items():
        got = assessment.result(rule_id).outcome
        if got != outcome:
            mismatches.append(Mismatch(f"rule {rule_id}", outcome, got, case.location("rules", rule_id)))
    statuses = {verdict.action_id: verdict.status for verdict in assessment.actions}
    for action_id, status in expect.get("actions", {}).items():
        got = statuses.get(action_id, "not chosen in the plan")
        if got != status:
            mismatches.append(Mismatch(f"action {action_id}", status, got, case.location("actions", action_id)))
    for rule_id, causes in expect.get("attributed", {}).items():
        got = sorted(assessment.result(rule_id).attributed_to)
        if got != sorted(causes):
            mismatches.append(Mismatch(f"attribution of {rule_id}", sorted(causes), got,
                                       case.location("attributed", rule_id)))  # fmt: skip
    return mismatches


def _schema_problems(document: Document) -> list[Problem]:
    validator = Draft202012Validator(builtin_schema("fixture.schema.json"))
    problems = []
    for error in validator.iter_errors(document.data):
        pointer = "".join(f"/{step}" for step in error.absolute_path)
        problems.append(Problem("fixture-schema", error.message, _near(document, pointer), pointer))
    return problems


def _unknown_ids(document: Document, rules: RuleSet) -> list[Problem]:
    expect = document.data["expect"]
    known = {
        "rules": [rule.id for rule in rules.constraints],
        "attributed": [rule.id for rule in rules.constraints],
        "actions": [action.id for action in rules.actions],
    }
    problems = []
    for section, names in known.items():
        for name in expect.get(section, {}):
            if name not in names:
                pointer = f"/expect/{section}/{name}"
                kind = "action" if section == "actions" else "rule"
                problems.append(Problem(f"unknown-{kind}", f"no {kind} is named '{name}'",
                                        _near(document, pointer), pointer, did_you_mean(name, names)))  # fmt: skip
    return problems


def _near(document: Document, pointer: str) -> SourceLocation | None:
    while pointer and pointer not in document.locations:
        pointer = pointer.rpartition("/")[0]
    return document.locations.get(pointer)
