"""Build the model's records from documents: rule sets, with packs layered over them, and plans.

Every problem with a file the user wrote is raised as one ``InputError`` listing all of
them; nothing else escapes from here on bad input.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.core.errors import InputError
from engine.core.model import (
    Action,
    ChosenAction,
    Constraint,
    DataFlow,
    Effect,
    Example,
    Period,
    Phase,
    Plan,
    Problem,
    Reading,
    RuleSet,
    Source,
    replace,
    sha256_of,
)
from engine.inputs import validate
from engine.inputs.migrate import migrate_setup, migrate_shapes
from engine.inputs.read import Document, builtin_rules_dir, builtin_schema, read_yaml

_EXAMPLE_KINDS = ("pass", "fail", "cannot_tell", "safe", "risk")


# --- rules -----------------------------------------------------------------------------


def load_rules(directories: Sequence[Path] | None = None) -> RuleSet:
    """Every rule under ``constraints/`` and ``actions/`` of each directory (default: built-in)."""
    from engine.inputs import packs  # packs reads manifests with read_yaml, defined here

    builtin = builtin_rules_dir()
    roots = packs.layered_roots(directories, builtin) if directories is not None else [builtin]
    problems: list[Problem] = []
    documents: list[tuple[Path, Document]] = []
    for root in roots:
        files = _rule_files(root)
        if not files:
            message = f"'{root}' holds no rule files (constraints/*.yaml or actions/*.yaml)"
            problems.append(Problem("unreadable-file", message, hint="check the directory"))
        for file in files:
            try:
                documents.append((root, read_yaml(file)))
            except InputError as error:
                problems += error.problems
    unreadable = bool(problems)
    documents, overrides, layer_problems = packs.layer_documents(documents)
    problems += layer_problems
    for root, doc in documents:
        problems += validate.validate_rule_document(doc) + _folder_problems(root, doc)
    if not unreadable:  # a rule we could not read would make every reference to it look wrong
        problems += validate.validate_ruleset([doc for _, doc in documents])
    checked_to, manifest_problems = _sources_checked_to(roots)
    problems += manifest_problems
    if problems:
        raise InputError(problems)
    return replace(_build_ruleset(roots, documents), overrides=tuple(overrides), sources_checked_to=checked_to)


def _sources_checked_to(roots: list[Path]) -> tuple[str | None, list[Problem]]:
    """The earliest ``sources_checked_to`` of the directories' ``ruleset.yaml`` files:
    a layered set is only as current as its least recently checked layer."""
    dates: list[str] = []
    problems: list[Problem] = []
    for root in roots:
        path = root / RULESET_MANIFEST
        if not path.exists():
            continue
        try:
            doc = read_yaml(path)
        except InputError as error:
            problems += error.problems
            continue
        found = validate.validate_ruleset_manifest(doc)
        problems += found
        if not found:
            dates.append(str(doc.data["sources_checked_to"]))
    return (min(dates) if dates else None), problems


RULESET_MANIFEST = "ruleset.yaml"


RULE_FOLDERS = {"constraint": "constraints", "action": "actions", "data_flow": "data-flows"}


def _rule_files(root: Path) -> list[Path]:
    return [file for folder in RULE_FOLDERS.values() for file in sorted(root.glob(f"{folder}/*.yaml"))]


def _folder_problems(root: Path, doc: Document) -> list[Problem]:
    """A constraint under actions/ (or the reverse) is almost certainly a mistake."""
    folder = Path(doc.path).parent.name
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if not isinstance(kind, str) or kind not in RULE_FOLDERS or folder == RULE_FOLDERS[kind]:
        return []
    message = f"this file says 'kind: {kind}' but is in {folder}/"
    hint = f"move it to {root / RULE_FOLDERS[kind]}/"
    return [Problem("rule-schema", message, doc.locations.get("/kind"), "/kind", hint)]


def _build_ruleset(roots: list[Path], documents: list[tuple[Path, Document]]) -> RuleSet:
    from engine.inputs.packs import is_national

    constraints, actions, flows = [], [], []
    builtin = builtin_rules_dir()
    publishers: dict[Path, str] = {}
    for root, doc in documents:
        pack = "national" if is_national(root, builtin) else root.name
        if doc.data["kind"] == "constraint":
            constraints.append(_constraint(doc, pack))
        elif doc.data["kind"] == "data_flow":
            flows.append(_data_flow(doc, pack))
        else:
            if root not in publishers:
                publishers[root] = "" if pack == "national" else _publisher(root)
            actions.append(_action(doc, pack, publishers[root]))
    return RuleSet(
        constraints=tuple(sorted(constraints, key=lambda rule: rule.id)),
        actions=tuple(sorted(actions, key=lambda action: action.id)),
        directories=tuple(str(root) for root in roots),
        digest=_ruleset_digest(documents),
        flows=tuple(sorted(flows, key=lambda flow: flow.id)),
        origins=rule_origins(roots),
    )


def rule_origins(roots: Sequence[Path]) -> tuple[str, ...]:
    """Each rules directory as reports name it, e.g. "national (rules/)": its pack, and
    where it is in the project around the current directory (so never cached with the rules)."""
    from engine.inputs.packs import is_national
    from engine.inputs.project import find_project_quietly

    builtin = builtin_rules_dir()
    project = find_project_quietly(Path.cwd())
    packs = ["national" if is_national(root, builtin) else root.name for root in roots]
    return tuple(f"{pack} ({_origin_place(root, builtin, project)})" for pack, root in zip(packs, roots))


def _origin_place(root: Path, builtin: Path, project: Any) -> str:
    from engine.inputs.project import shown_path

    # the installed copy is "built-in" even from a virtualenv inside the project
    projects_own = project is not None and root.resolve() in [own.resolve() for own in project.rules]
    return "built-in" if root.resolve() == builtin.resolve() and not projects_own else shown_path(root, project)


def _data_flow(doc: Document, pack: str) -> DataFlow:
    data = doc.data
    return DataFlow(
        id=data["id"],
        name=data["name"],
        legal_basis=data["legal_basis"],
        purpose=data["purpose"],
        effective=_periods(data["effective"]),
        sources=_sources(data["sources"]),
        notes=data.get("notes", ""),
        file=doc.path,
        pack=pack,
    )


def _periods(periods: list[dict[str, Any]]) -> tuple[Period, ...]:
    return tuple(Period(p.get("from"), p.get("until")) for p in periods)


def _sources(sources: list[dict[str, Any]]) -> tuple[Source, ...]:
    """A rule's or data flow's sources; an ``inference`` has no URL."""
    return tuple(Source(**{"url": "", **source}) for source in sources)


def _ruleset_digest(documents: list[tuple[Path, Document]]) -> str:
    entries = sorted(
        (Path(doc.path).relative_to(root).as_posix(), doc.digest) for root, doc in documents
    )
    lines = "".join(f"{relative}\0{file_digest}\n" for relative, file_digest in entries)
    return sha256_of(lines.encode())


def _constraint(doc: Document, pack: str) -> Constraint:
    data = doc.data
    return Constraint(
        id=data["id"],
        title=data["title"],
        ref=data["ref"],
        force=data["force"],
        severity=data["severity"],
        effective=_periods(data["effective"]),
        sources=_sources(data["sources"]),
        fails_when=data["fails_when"],
        message=data["message"],
        remedy=data["remedy"],
        applies_when=data.get("applies_when"),
        lets=data.get("let", {}),
        examples=_examples(data["examples"]),
        file=doc.path,
        pack=pack,
        binds_by_variation=data.get("binds_by_variation", False),
        readings=tuple(_reading(reading) for reading in data.get("readings", ())),
    )


def _reading(data: dict[str, Any]) -> Reading:
    return Reading(
        reader=data["reader"],
        by=data["by"],
        position=data["position"],
        words=data["words"],
        sources=_sources(data["sources"]),
        notices_issued=data.get("notices_issued", False),
    )


def _publisher(root: Path) -> str:
    """Who recommends a local pack's own actions: the ``publisher`` its pack.yaml names, else
    the pack; "" for a rules directory that is no pack (a copy of the national rules)."""
    from engine.inputs.packs import MANIFEST, manifest

    if not (root / MANIFEST).exists():
        return ""
    data = manifest(root)
    found = data.get("publisher") if isinstance(data, dict) else None
    return found.strip() if isinstance(found, str) and found.strip() else f"the local rule pack '{root.name}'"


def _action(doc: Document, pack: str, publisher: str = "") -> Action:
    data = doc.data
    return Action(
        id=data["id"],
        title=data["title"],
        phases=tuple(_phase(phase) for phase in data["phases"]),
        wording=data["wording"],
        sources=_sources(data["sources"]),
        effects=tuple(_effect(effect) for effect in data["effects"]),
        bears_on=tuple(data["bears_on"]),
        params=data.get("params", {}),
        required_params=tuple(data.get("required_params", ())),
        instead=data["instead"],
        records=tuple(data.get("records", ())),
        examples=_examples(data["examples"]),
        file=doc.path,
        pack=pack,
        publisher=publisher,
    )


def _phase(data: dict[str, Any]) -> Phase:
    wording = data.get("wording", "")
    return Phase(data["name"], data["from"], data.get("until"), data["status"], wording)


def _effect(data: dict[str, Any]) -> Effect:
    return Effect(
        data["set"], data.get("value"), data.get("param"), data.get("for_each"), data.get("where"),
        data.get("when"),
    )


def _examples(data: dict[str, Any]) -> tuple[Example, ...]:
    return tuple(
        Example(example["note"], kind, example["plan"])  # type: ignore[arg-type]
        for kind in _EXAMPLE_KINDS
        for example in data.get(kind, ())
    )


# --- plans -----------------------------------------------------------------------------


def empty_sections(data: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each heading that holds nothing (``access:`` with every field below it
    commented out, as in the plan template) read as an empty mapping.

    An empty mapping answers nothing, so every question in it stays unknown. Only mappings:
    an empty list (``closures: []``) is an answer, so an empty list heading stays an error.
    """
    properties = schema.get("properties", {})
    filled = dict(data)
    for key, value in data.items():
        part = properties.get(key)
        if not isinstance(part, dict) or part.get("type") != "object":
            continue
        if value is None:
            filled[key] = {}
        elif isinstance(value, dict):
            filled[key] = empty_sections(value, part)
    return filled


def dated(doc: Document, as_of: str | None) -> Document:
    """``doc`` with ``assessed_on: as_of`` when it has no date of its own and one is given."""
    if as_of is None or not isinstance(doc.data, dict) or "assessed_on" in doc.data:
        return doc
    return replace(doc, data={**doc.data, "assessed_on": as_of})


def load_plan(path: str | Path, rules: RuleSet, as_of: str | None = None) -> Plan:
    """The plan in ``path``, checked against the plan schema and ``rules``' actions."""
    return plan_from_document(read_yaml(path), rules, as_of)


def plan_from_document(doc: Document, rules: RuleSet, as_of: str | None = None) -> Plan:
    """The plan a document holds, checked against the plan schema and ``rules``' actions.

    A plan may leave out ``assessed_on`` when the command gives the date (``as_of``).
    """
    doc = dated(doc, as_of)
    if isinstance(doc.data, dict):
        doc = replace(doc, data=empty_sections(doc.data, builtin_schema("plan.schema.json")))
    reshaped, shape_warnings = migrate_shapes(doc.data, doc.locations)
    doc = Document(doc.path, reshaped, doc.locations, doc.raw)
    problems = validate.validate_plan_document(doc, rules)
    if problems:
        raise InputError(problems)
    data = doc.data
    actions = tuple(
        ChosenAction(entry["id"], {k: v for k, v in entry.items() if k != "id"},
                     doc.locations.get(f"/actions/{index}"))
        for index, entry in enumerate(data.get("actions", []))
    )
    setup, warnings = migrate_setup(data.get("setup") or {}, doc.locations)
    return Plan(
        path=doc.path,
        practice=data.get("practice") or {},
        assessed_on=data["assessed_on"],
        actions=actions,
        setup=setup,
        locations=doc.locations,
        raw=doc.raw,
        warnings=shape_warnings + warnings,
    )
