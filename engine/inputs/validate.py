"""JSON Schema and cross-reference checks on rule files and plans.

Nothing here raises on bad input: every check returns a list of ``Problem``s sorted by
location. Checks that need only one rule file (its schema, id == file stem, periods in
order, effect parameters declared) are in ``validate_rule_document``; checks across files
(duplicate ids, ``bears_on`` naming a constraint) are in ``validate_ruleset``, which takes
the raw documents so that its problems carry locations.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, relevance

from engine.core.closure_days import day_disagrees, day_words
from engine.core.errors import (
    closest,
    describe_schema_error,
    did_you_mean,
    join_pointer,
    shown,
    split_pointer,
)
from engine.core.escape import echoed
from engine.core.model import Action, Problem, RuleSet, SourceLocation
from engine.inputs import read, rule_safety
from engine.inputs.fastschema import Check, compile_schema, worth_it

RULE_KINDS = ("constraint", "action", "data_flow")
_FORMATS = Draft202012Validator.FORMAT_CHECKER
_REQUIRED = "{!r} is a required property"


def validate_rule_document(doc: read.Document) -> list[Problem]:
    """Problems with one rule file: its shape, and the checks that need only that file."""
    data = doc.data
    if not isinstance(data, dict):
        return [_problem(doc, "not-a-mapping", "the file must be a mapping of keys to values")]
    kind = data.get("kind")
    if kind not in RULE_KINDS:
        return [_kind_problem(doc, kind, "kind" in data)]
    problems = _schema_problems(doc, _rule_validator(kind), data, "rule-schema")
    if not problems:
        problems = _id_problems(doc, data) + _period_problems(doc, data)
        problems += _param_problems(doc, data) if kind == "action" else []
        findings = rule_safety.let_findings(data) + rule_safety.division_findings(data)
        findings += rule_safety.param_findings(data.get("params") or {})
        problems += [_problem(doc, code, message, pointer, hint) for code, pointer, message, hint in findings]
        problems += _contested_severity_problems(doc, data) if kind == "constraint" else []
    return _sorted(problems)


def validate_ruleset(documents: Sequence[read.Document]) -> list[Problem]:
    """Problems across rule files: duplicate ids, and ``bears_on`` naming no constraint."""
    rules = [doc for doc in documents if isinstance(doc.data, dict)]
    problems = _duplicate_ids(rules)
    known = sorted(str(d.data.get("id")) for d in rules if d.data.get("kind") == "constraint")
    for doc in rules:
        problems += _bears_on_problems(doc, known) if doc.data.get("kind") == "action" else []
    return _sorted(problems)


def validate_ruleset_manifest(doc: read.Document) -> list[Problem]:
    """Problems with a rules directory's ``ruleset.yaml``."""
    if not isinstance(doc.data, dict):
        return [_problem(doc, "not-a-mapping", "the file must be a mapping of keys to values")]
    validator = Draft202012Validator(read.builtin_schema("ruleset.schema.json"), format_checker=_FORMATS)
    return _sorted(_schema_problems(doc, validator, doc.data, "ruleset-schema"))


_PLANS_VALIDATED = itertools.count()


def validate_plan_document(doc: read.Document, rules: RuleSet) -> list[Problem]:
    """Problems with a plan: its shape, its action ids and each action's parameters."""
    quickly = worth_it(next(_PLANS_VALIDATED))
    quick = _plan_quick_check() if quickly else None
    valid = quick is not None and quick(doc.data) is True  # else jsonschema finds and words each problem
    problems = [] if valid else _schema_problems(doc, _plan_validator(), doc.data, "plan-schema")
    actions = doc.data.get("actions") if isinstance(doc.data, dict) else None
    if isinstance(actions, list):
        problems += _action_problems(doc, actions, rules, quickly)
    if not problems:
        problems += _closure_day_problems(doc)
    return _sorted(problems)


def _closure_day_problems(doc: read.Document) -> list[Problem]:
    """A dated closure whose own ``day`` is not its date's day: one of them is wrong, and the
    rules would believe the day."""
    closures = ((doc.data.get("setup") or {}).get("access") or {}).get("closures") or []
    problems = []
    for index, closure in enumerate(closures):
        date, day = closure.get("date"), closure.get("day")
        if day_disagrees(date, day):
            message = f"closure {index + 1} is dated {date}, which is {day_words(date)}, but its day says {day}"
            hint = "leave out 'day' for a dated closure (gpca works it out from the date), or correct the date"
            problems.append(_problem(doc, "closure-day", message, f"/setup/access/closures/{index}/day", hint))
    return problems


# --- rule checks ---------------------------------------------------------------------


def _kind_problem(doc: read.Document, kind: Any, present: bool) -> Problem:
    hint = "write 'kind: constraint' for a requirement, or 'kind: action' for a BMA action"
    if not present:
        return _problem(doc, "rule-schema", "missing required key 'kind'", "", hint)
    message = f"'kind' must be one of: constraint, action, but got {shown(kind)}"
    return _problem(doc, "rule-schema", message, "/kind", hint)


def _id_problems(doc: read.Document, data: dict[str, Any]) -> list[Problem]:
    stem = Path(doc.path).stem
    if data["id"] == stem:
        return []
    message = f"the id '{data['id']}' differs from the file name '{stem}'"
    hint = f"rename the file to {data['id']}.yaml, or change the id to '{stem}'"
    return [_problem(doc, "id-mismatch", message, "/id", hint)]


def _period_problems(doc: read.Document, data: dict[str, Any]) -> list[Problem]:
    key = "phases" if data["kind"] == "action" else "effective"
    problems = []
    for index, period in enumerate(data[key]):
        start, end = period.get("from"), period.get("until")
        if isinstance(start, str) and isinstance(end, str) and end < start:
            message = f"'{key}[{index}]' ends ({end}) before it starts ({start})"
            hint = "swap 'from' and 'until', or write 'until: null' for no end"
            problems.append(_problem(doc, "rule-schema", message, f"/{key}/{index}/until", hint))
    return problems


def _param_problems(doc: read.Document, data: dict[str, Any]) -> list[Problem]:
    params = data.get("params", {})
    problems = [
        _problem(doc, "rule-schema", f"parameter '{name}' has an invalid schema: {error}",
                 join_pointer("/params", name))
        for name, error in _bad_param_schemas(params)
    ]
    for index, effect in enumerate(data["effects"]):
        if "param" in effect and effect["param"] not in params:
            message = f"the effect uses the parameter '{effect['param']}', which is not declared"
            hint = did_you_mean(effect["param"], params) or "declare it under 'params'"
            pointer = f"/effects/{index}/param"
            problems.append(_problem(doc, "unknown-param", message, pointer, hint))
    for index, effect in enumerate(data.get("effects", [])):
        for name in sorted(_when_params(effect.get("when"))):
            if name not in params:
                message = f"the effect's 'when' reads the parameter '{name}', which is not declared"
                hint = did_you_mean(name, params) or "declare it under 'params'"
                problems.append(_problem(doc, "unknown-param", message, f"/effects/{index}/when", hint))
    for index, name in enumerate(data.get("required_params", [])):
        if name not in params:
            message = f"the required parameter '{name}' is not declared"
            hint = did_you_mean(name, params) or "declare it under 'params'"
            pointer = f"/required_params/{index}"
            problems.append(_problem(doc, "unknown-param", message, pointer, hint))
    return problems


def _contested_severity_problems(doc: read.Document, data: dict[str, Any]) -> list[Problem]:
    # A contested point risks a notice, so it must count as a risk for the exit code.
    readings = data.get("readings", ())
    commissioner = any(r["reader"] == "commissioner" and (r["position"] == "breach" or r.get("notices_issued"))
                       for r in readings)  # fmt: skip
    disputed = any(r["reader"] == "profession" and r["position"] == "not_a_breach" for r in readings)
    if not (commissioner and disputed) or data["severity"] in ("breach", "local_breach"):
        return []
    message = (f"the readings make this point contested, but its severity is {data['severity']!r}: "
               "a contested point risks a notice")  # fmt: skip
    hint = "give it the severity of the commissioner's reading (breach or local_breach)"
    return [_problem(doc, "contested-severity", message, "/severity", hint)]


def _when_params(when: Any) -> set[str]:
    """The parameter names an effect's ``when`` condition reads."""
    if isinstance(when, list):
        return set().union(*(_when_params(part) for part in when))
    if not isinstance(when, dict):
        return set()
    names = {when["path"].split(".")[0]} if isinstance(when.get("path"), str) else set()
    return names.union(*(_when_params(value) for value in when.values() if isinstance(value, (dict, list))))


def _bad_param_schemas(params: dict[str, Any]) -> Iterable[tuple[str, str]]:
    for name, schema in params.items():
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            yield name, error.message


def _duplicate_ids(rules: list[read.Document]) -> list[Problem]:
    """Constraints and actions share one namespace of ids, so that an id names one rule."""
    problems = []
    first: dict[str, read.Document] = {}
    for doc in rules:
        rule_id = doc.data.get("id")
        if isinstance(rule_id, str) and rule_id in first:
            message = f"the id '{rule_id}' is also used by {first[rule_id].path}"
            hint = "rule ids must be unique"
            problems.append(_problem(doc, "duplicate-id", message, "/id", hint))
        elif isinstance(rule_id, str):
            first[rule_id] = doc
    return problems


def _bears_on_problems(doc: read.Document, constraints: list[str]) -> list[Problem]:
    problems = []
    bears_on = doc.data.get("bears_on")
    for index, rule_id in enumerate(bears_on if isinstance(bears_on, list) else []):
        if isinstance(rule_id, str) and rule_id not in constraints:
            hint = did_you_mean(rule_id, constraints) or "constraints live in constraints/<id>.yaml"
            message = f"no constraint is named '{rule_id}'"
            pointer = f"/bears_on/{index}"
            problems.append(_problem(doc, "unknown-constraint", message, pointer, hint))
    return problems


@functools.cache
def _rule_validator(kind: str) -> Draft202012Validator:
    schema = read.builtin_schema("rule.schema.json")
    branch = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"}
    return Draft202012Validator(branch, format_checker=_FORMATS)


@functools.cache
def _plan_validator() -> Draft202012Validator:
    return Draft202012Validator(read.builtin_schema("plan.schema.json"), format_checker=_FORMATS)


@functools.cache
def _plan_quick_check() -> Check | None:
    return compile_schema(read.builtin_schema("plan.schema.json"))


# --- plan checks ---------------------------------------------------------------------


def _action_problems(doc: read.Document, entries: list[Any], rules: RuleSet, quickly: bool) -> list[Problem]:
    problems: list[Problem] = []
    known = {action.id: action for action in rules.actions}
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        action_id = entry.get("id") if isinstance(entry, dict) else None
        pointer = f"/actions/{index}"
        if not isinstance(action_id, str):
            continue
        if action_id in seen:
            first = seen[action_id]
            message = f"the action '{echoed(action_id)}' is listed twice (first as actions[{first}])"
            hint = "list each action once, with all its parameters in that one entry"
            problems.append(_problem(doc, "duplicate-action", message, pointer + "/id", hint))
        elif action_id not in known:
            problems.append(_unknown_action(doc, action_id, pointer + "/id", sorted(known)))
        else:
            problems += _entry_problems(doc, entry, pointer, known[action_id], quickly)
        seen.setdefault(action_id, index)
    return problems


def _unknown_action(doc: read.Document, action_id: str, pointer: str, known: list[str]) -> Problem:
    listing = "run 'gpca actions' to list them"
    suggestion = did_you_mean(action_id, known)
    hint = f"{suggestion} {listing[0].upper()}{listing[1:]}" if suggestion else listing
    return _problem(doc, "unknown-action", f"no action is named '{echoed(action_id)}'", pointer, hint)


def _entry_problems(
    doc: read.Document, entry: dict[str, Any], pointer: str, action: Action, quickly: bool
) -> list[Problem]:
    quick = _entry_quick_check(action) if quickly else None
    if quick is not None and quick(entry) is True:
        return []
    validator = Draft202012Validator(_entry_schema(action), format_checker=_FORMATS)
    return _schema_problems(
        doc, validator, entry, "action-params", pointer,
        unknown=lambda key, key_pointer: _unknown_param(doc, action, key, key_pointer),
    )


_ENTRY_CHECKS: dict[int, tuple[Action, Check | None]] = {}  # id -> (the action, held; its check)


def _entry_quick_check(action: Action) -> Check | None:
    """The quick check of an entry choosing ``action``, compiled once per action."""
    found = _ENTRY_CHECKS.get(id(action))
    if found is None or found[0] is not action:
        if len(_ENTRY_CHECKS) >= 1024:
            _ENTRY_CHECKS.clear()
        found = _ENTRY_CHECKS[id(action)] = (action, compile_schema(_entry_schema(action)))
    return found[1]


def _entry_schema(action: Action) -> dict[str, Any]:
    """The schema of an entry choosing ``action``: its id and its parameters, no other key."""
    return {
        "type": "object",
        "properties": {"id": {"type": "string"}, **action.params},
        "required": list(action.required_params),
        "additionalProperties": False,
    }


def _unknown_param(doc: read.Document, action: Action, key: str, pointer: str) -> Problem:
    names = sorted(action.params)
    listing = f"its parameters are: {', '.join(names)}" if names else "it takes no parameters"
    hint = did_you_mean(key, names) or listing
    message = f"the action '{action.id}' has no parameter '{echoed(key)}'"
    return _problem(doc, "action-params", message, pointer, hint)


# --- schema errors as problems ------------------------------------------------------


def _schema_problems(
    doc: read.Document,
    validator: Draft202012Validator,
    data: Any,
    code: str,
    base: str = "",
    unknown: Callable[[str, str], Problem] | None = None,
) -> list[Problem]:
    """Every schema error as a problem; ``unknown(key, pointer)`` words an unknown key."""
    problems: list[Problem] = []
    suggested: set[tuple[str, str]] = set()  # (object pointer, key) offered as "did you mean"
    leaves = [leaf for error in validator.iter_errors(data) for leaf in _refine(error)]
    for error in _without_redundant_formats(leaves):
        if error.validator == "additionalProperties" and error.validator_value is False:
            problems += _unknown_keys(doc, error, base, suggested, unknown)
        else:
            problems += _schema_error_problems(doc, error, code, base)
    return [p for p in problems if (p.pointer, p.message) not in _missing_messages(suggested)]


def _without_redundant_formats(errors: list[ValidationError]) -> list[ValidationError]:
    """'05/11/2024' breaks both the date pattern and the date format: report it once."""
    others = {tuple(e.absolute_path) for e in errors if e.validator != "format"}
    return [e for e in errors if e.validator != "format" or tuple(e.absolute_path) not in others]


def _missing_messages(suggested: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """A misspelt key also makes the key it meant missing: say so only once."""
    return {(pointer, _missing_message(pointer, key)) for pointer, key in suggested}


def _unknown_keys(
    doc: read.Document,
    error: ValidationError,
    base: str,
    suggested: set[tuple[str, str]],
    unknown: Callable[[str, str], Problem] | None,
) -> list[Problem]:
    parent = _pointer(base, error.absolute_path)
    if unknown is not None and not error.absolute_path:
        return [unknown(key, join_pointer(parent, key)) for key in _extra_keys(error)]
    allowed = sorted(error.schema.get("properties", {}))
    problems = []
    for key in _extra_keys(error):
        match = closest(key, allowed)
        if match:
            suggested.add((parent, match))
        listing = f"the keys allowed here are: {', '.join(allowed)}" if len(allowed) <= 12 else None
        hint = f"did you mean '{match}'?" if match else _cut_number_hint(key, error.instance) or listing
        pointer = join_pointer(parent, key)
        problems.append(_problem(doc, "unknown-key", f"unknown key '{echoed(key)}'", pointer, hint))
    return problems


def _cut_number_hint(key: str, mapping: Any) -> str | None:
    """``{patients: 12,400}`` is read as ``patients: 12`` and a key ``400``: say why."""
    if not (key.isascii() and key.isdigit() and isinstance(mapping, dict)
            and mapping.get(int(key), mapping.get(key)) is None):  # "²" is a digit, but no int
        return None
    keys = [str(k) for k in mapping]
    before = mapping[list(mapping)[keys.index(key) - 1]] if keys.index(key) > 0 else None
    if not isinstance(before, int) or isinstance(before, bool):
        return None
    return (f"inside {{ }} a comma starts a new entry, so {before},{key} was read as {before} and a key "
            f"'{key}'; write the number without the comma: {before}{key}")  # fmt: skip


def _extra_keys(error: ValidationError) -> list[str]:
    allowed = error.schema.get("properties", {})
    return [str(key) for key in error.instance if key not in allowed]


_MISSING_HINTS = {
    ("plan-schema", "", "assessed_on"): "add the date to assess on, such as 'assessed_on: 2025-10-01', "
                                        "or give it on the command line: --as-of 2025-10-01",
}


def _schema_error_problems(
    doc: read.Document, error: ValidationError, code: str, base: str
) -> list[Problem]:
    """One problem per missing key for ``required``; otherwise one problem."""
    pointer = _pointer(base, error.absolute_path)
    if error.validator == "required":
        # jsonschema reports each missing key as its own error, naming it only in the message.
        missing = [k for k in error.validator_value if error.message == _REQUIRED.format(k)]
        if missing:
            hint = _MISSING_HINTS.get((code, pointer, missing[0]))
            return [_problem(doc, code, _missing_message(pointer, missing[0]), pointer, hint)]
    label = _label(error.absolute_path)
    message, hint = describe_schema_error(error, label)
    return [_problem(doc, code, message, pointer, hint)]


def _refine(error: ValidationError) -> list[ValidationError]:
    """Like ``jsonschema.exceptions.best_match``, but every error of the one ``oneOf`` branch
    whose required keys the instance has, and descending through branches that agree."""
    if not error.context:
        return [error]
    branch = _chosen_branch(error)
    if branch:
        return [leaf for inner in branch for leaf in _refine(inner)]
    ranked = sorted(error.context, key=relevance)
    first = ranked[0]
    if len(ranked) > 1 and relevance(ranked[1]) == relevance(first):
        if (ranked[1].message, ranked[1].path) != (first.message, first.path):
            return [error]
    return _refine(first)


def _chosen_branch(error: ValidationError) -> list[ValidationError]:
    """The errors of the only branch whose required keys all appear in the instance."""
    branches = error.validator_value
    if not isinstance(error.instance, dict) or not isinstance(branches, list):
        return []
    keys = set(error.instance)
    chosen = [
        index
        for index, branch in enumerate(branches)
        if isinstance(branch, dict) and set(branch.get("required", [None])) <= keys
    ]
    if len(chosen) != 1:
        return []
    return [e for e in error.context if list(e.relative_schema_path)[:1] == chosen]


def _missing_message(pointer: str, key: str) -> str:
    if not pointer:
        return f"missing required key '{key}'"
    return f"'{_label(split_pointer(pointer))}' is missing required key '{key}'"


def _label(path: Iterable[Any]) -> str:
    """``['setup', 'nhs111', 'x']`` -> ``setup.nhs111.x``; list indices as ``[0]``."""
    label = ""
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            label += f"[{part}]"
        else:
            label += f".{part}" if label else str(part)
    return label


def _pointer(base: str, path: Iterable[Any]) -> str:
    pointer = base
    for part in path:
        pointer = join_pointer(pointer, part)
    return pointer


def _problem(
    doc: read.Document, code: str, message: str, pointer: str = "", hint: str | None = None
) -> Problem:
    return Problem(code, message, doc.location_of(pointer), pointer, hint)


def _sorted(problems: list[Problem]) -> list[Problem]:
    def key(problem: Problem) -> tuple[str, int, int, str, str, str]:
        where = problem.location or SourceLocation("", 0, 0)
        place = (where.path, where.line, where.column)
        return (*place, problem.pointer, problem.code, problem.message)

    return sorted(problems, key=key)
