"""Plans in and out of the planner: JSON or YAML text in, problems, plans and YAML out."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import yaml

from engine.core.errors import InputError
from engine.core.model import ChosenAction, Plan, Problem, RuleSet
from engine.inputs import read, validate
from engine.inputs.migrate import migrate_shapes

PLAN_NAME = "plan.yaml"  # what problems call the plan: the browser holds no file name
_MISSING_KEY = re.compile(r"missing required key '([^']+)'")


class PlanProblems(Exception):
    """The input is not a plan gpca can check; ``problems`` says why, field by field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise PlanProblems([Problem("not-json", "the page sent something that is not JSON")])


def parse_yaml(body: bytes) -> read.Document:
    """The uploaded YAML as a document with locations, as ``gpca check`` would read it."""
    try:
        text = read._decode(body, PLAN_NAME)  # the loader's own checks and messages
    except InputError as error:
        raise PlanProblems(error.problems) from None
    try:
        # read_yaml only reads files; the planner must not write the upload to disk.
        data, locations = read._parse(text, PLAN_NAME)
    except read._Trouble as trouble:
        raise PlanProblems([trouble.problem]) from None
    return read.Document(PLAN_NAME, data, locations, body)


def document(data: Any) -> read.Document:
    """Plan data from the page as a document; it has no lines, only JSON pointers."""
    return read.Document(PLAN_NAME, data, {}, json.dumps(data, sort_keys=True).encode())


def reshaped(doc: read.Document) -> read.Document:
    """The document with answers whose shape changed in today's shape (engine/inputs/migrate.py)."""
    return read.Document(doc.path, migrate_shapes(doc.data, doc.locations)[0], doc.locations, doc.raw)


def checked_plan(doc: read.Document, rules: RuleSet) -> Plan:
    """The plan in ``doc``, or ``PlanProblems`` with everything wrong with it."""
    if not isinstance(doc.data, dict):
        raise PlanProblems([Problem("not-a-mapping", "a plan is a mapping of keys to values")])
    problems = validate.validate_plan_document(doc, rules)
    if problems:
        raise PlanProblems(problems)
    data = doc.data
    actions = tuple(
        ChosenAction(entry["id"], {k: v for k, v in entry.items() if k != "id"})
        for entry in data.get("actions", [])
    )
    return Plan(PLAN_NAME, data.get("practice") or {}, data["assessed_on"], actions,
                data.get("setup") or {}, doc.locations, doc.raw)  # fmt: skip


UNNAMED = "(practice not named yet)"  # the verdicts do not need a name; the files do
_SET_ASIDE_UNDER = ("/practice/", "/setup/")


def set_aside(data: dict[str, Any], problems: list[Problem]) -> tuple[dict[str, Any], list[Problem]] | None:
    """The plan with each answer that has a problem left out, so the rest can still be
    assessed, and the problems that remain to show; None when a problem is not one answer
    of the practice's set-up (the date, an action, a list entry's missing key), which no
    verdict can stand without. A left-out answer reads as unanswered, and an unanswered
    question can only turn a verdict to "cannot tell", never to SAFE."""
    kept = copy.deepcopy(data)
    shown = []
    for problem in problems:
        field, missing = problem_field(problem), _MISSING_KEY.search(problem.message)
        if field == "/practice/name" and missing:
            kept.setdefault("practice", {})["name"] = UNNAMED  # not an error before the user acts
            continue
        if not field.startswith(_SET_ASIDE_UNDER) or missing:
            return None
        if not _remove(kept, field):
            return None
        shown.append(problem)
    return kept, shown


def _remove(data: Any, pointer: str) -> bool:
    *parents, last = pointer.split("/")[1:]
    for part in parents:
        data = data[int(part)] if isinstance(data, list) and part.isdigit() else (
            data.get(part) if isinstance(data, dict) else None)  # fmt: skip
        if data is None:
            return False
    if isinstance(data, dict) and last in data:
        del data[last]
        return True
    return False


def problem_field(problem: Problem) -> str:
    """The pointer of the question a problem concerns."""
    missing = _MISSING_KEY.search(problem.message)
    if missing:  # the schema blames the parent; the page shows it at the missing question
        return f"{problem.pointer}/{missing.group(1)}"
    return problem.pointer


def problem_dict(problem: Problem) -> dict[str, Any]:
    """A problem for the page, with ``field``: the pointer of the question it concerns."""
    field = problem_field(problem)
    where = problem.location
    return {
        "code": problem.code,
        "message": problem.message,
        "hint": problem.hint or "",
        "pointer": problem.pointer,
        "field": field,
        "line": where.line if where else None,
        "column": where.column if where else None,
    }


def to_yaml(data: dict[str, Any]) -> str:
    """The plan as YAML that ``gpca check`` reads unchanged, keys in the schema's order."""
    ordered = _ordered(data, read.builtin_schema("plan.schema.json"))
    head = "# A gpca plan, made with the planner (gpca serve). Check it with: gpca check FILE\n"
    body = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)
    return head + body


def _ordered(value: Any, schema: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_ordered(item, schema.get("items", {})) for item in value]
    if not isinstance(value, dict):
        return value
    known = list(schema.get("properties", {}))
    keys = [k for k in known if k in value] + [k for k in value if k not in known]
    return {k: _ordered(value[k], schema.get("properties", {}).get(k, {})) for k in keys}


def pointer_of(path: str) -> str:
    """A dotted plan path as a JSON pointer: ``setup.services[1].kind`` -> ``/setup/services/1/kind``."""
    parts = [part for part in re.split(r"[.\[\]]+", path) if part]
    return "".join(f"/{part}" for part in parts)
