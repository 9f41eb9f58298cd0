"""Fixtures: example plans with their expected outcomes, checked against the engine.

A fixture file (schemas/fixture.schema.json) holds one case, a note, a whole plan and
what gpca is expected to say of it: the overall verdict, an outcome per rule, a status
per action and, optionally, to whom each finding is attributed. A file may instead hold
``cases:``, a list of such cases (the same schema describes both forms). A case with no
expectation is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from msgspec import Struct

from engine.core.errors import InputError, did_you_mean
from engine.core.model import PRACTICE, Assessment, Plan, Problem, RuleSet, SourceLocation
from engine.core.readings import verdict_key
from engine.inputs.load import plan_from_document
from engine.inputs.read import Document, builtin_schema, read_yaml


class Case(Struct, frozen=True):
    path: str
    note: str
    plan: Plan
    expect: dict[str, Any]
    document: Document
    base: str = ""  # the case's JSON pointer in its file: "" or "/cases/<n>"

    def location(self, *steps: str) -> SourceLocation | None:
        return self.document.location_of(self.base + "/expect/" + "/".join(steps))

    @property
    def name(self) -> str:
        index = self.base.rpartition("/")[2]
        return f"{self.path}[{index}]" if self.base else self.path


class Mismatch(Struct, frozen=True):
    subject: str  # "overall", "rule <id>", "action <id>" or "attribution of <id>"
    expected: Any
    got: Any
    location: SourceLocation | None

    def __str__(self) -> str:
        place = f"{self.location}: " if self.location else ""
        return f"{place}{self.subject}: expected {self.expected}, got {self.got}"


def load_case(path: str | Path, rules: RuleSet) -> Case:
    """The one fixture in ``path``; every problem with it raises one ``InputError``."""
    cases = load_cases(path, rules)
    if len(cases) != 1:
        raise InputError([Problem("fixture-schema", f"'{path}' holds {len(cases)} cases, not one")])
    return cases[0]


def load_cases(path: str | Path, rules: RuleSet) -> list[Case]:
    """Every case in the fixture file ``path``; all its problems raise one ``InputError``."""
    document = read_yaml(path)
    bases = _case_bases(document)
    problems = _missing_expectations(document, bases) or _schema_problems(document)
    problems = problems or [p for base in bases for p in _unknown_ids(document, base, rules)]
    if problems:
        raise InputError(problems)
    return [_case(document, base, rules) for base in bases]


def _case_bases(document: Document) -> list[str]:
    cases = document.data.get("cases") if isinstance(document.data, dict) else None
    if not isinstance(cases, list):
        return [""]
    return [f"/cases/{index}" for index in range(len(cases))]


def _missing_expectations(document: Document, bases: list[str]) -> list[Problem]:
    message = "this case has no expectation: say what gpca should answer under 'expect'"
    hint = "add 'expect:' with 'overall', 'rules' or 'actions'"
    return [Problem("no-expectation", message, document.location_of(base + "/expect"), base, hint)
            for base in bases if _expects_nothing(document.part(base).data if base else document.data)]  # fmt: skip


def _expects_nothing(case: Any) -> bool:
    return isinstance(case, dict) and not case.get("expect")


def _case(document: Document, base: str, rules: RuleSet) -> Case:
    data = document.part(base).data if base else document.data
    plan = plan_from_document(document.part(base + "/plan"), rules)
    return Case(document.path, data["note"], plan, data["expect"], document, base)


def check_case(case: Case, assessment: Assessment) -> list[Mismatch]:
    """What the engine said that the fixture did not expect, in the fixture's order."""
    expect = case.expect
    mismatches = []
    if "overall" in expect and expect["overall"] != assessment.overall:
        where = case.location("overall")
        mismatches.append(Mismatch("overall", expect["overall"], assessment.overall, where))
    for rule_id, outcome in expect.get("rules", {}).items():
        got = assessment.result(rule_id).outcome
        if got != outcome:
            where = case.location("rules", rule_id)
            mismatches.append(Mismatch(f"rule {rule_id}", outcome, got, where))
    statuses = {verdict.action_id: verdict_key(verdict) for verdict in assessment.actions}
    for action_id, status in expect.get("actions", {}).items():
        got = statuses.get(action_id, "not chosen in the plan")
        if got != status:
            where = case.location("actions", action_id)
            mismatches.append(Mismatch(f"action {action_id}", status, got, where))
    for rule_id, causes in expect.get("attributed", {}).items():
        got = sorted(assessment.result(rule_id).attributed_to)
        if got != sorted(causes):
            where = case.location("attributed", rule_id)
            mismatches.append(Mismatch(f"attribution of {rule_id}", sorted(causes), got, where))
    return mismatches


def _schema_problems(document: Document) -> list[Problem]:
    validator = Draft202012Validator(builtin_schema("fixture.schema.json"))
    problems = []
    for error in validator.iter_errors(document.data):
        pointer = "".join(f"/{step}" for step in error.absolute_path)
        problems.append(Problem("fixture-schema", error.message, document.location_of(pointer), pointer))
    return problems


def _unknown_ids(document: Document, base: str, rules: RuleSet) -> list[Problem]:
    expect = (document.part(base).data if base else document.data)["expect"]
    constraints = [rule.id for rule in rules.constraints]
    actions = [action.id for action in rules.actions]
    named = [("rules", rule_id, "rule", constraints) for rule_id in expect.get("rules", {})]
    named += [("actions", action_id, "action", actions) for action_id in expect.get("actions", {})]
    for rule_id, causes in expect.get("attributed", {}).items():
        named.append(("attributed", rule_id, "rule", constraints))
        named += [(f"attributed/{rule_id}", cause, "action", [*actions, PRACTICE])
                  for cause in causes if cause not in (*actions, PRACTICE)]  # fmt: skip
    return [_unknown(document, f"{base}/expect/{section}/{name}", name, kind, known)
            for section, name, kind, known in named if name not in known]  # fmt: skip


def _unknown(document: Document, pointer: str, name: str, kind: str, known: list[str]) -> Problem:
    message = f"no {kind} is named '{name}'"
    hint = did_you_mean(name, known)
    return Problem(f"unknown-{kind}", message, document.location_of(pointer), pointer, hint)
