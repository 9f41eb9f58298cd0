"""Local rule packs, layered over the national rules.

A pack is a rules directory (``constraints/``, ``actions/``, optionally ``fixtures/``)
with a ``pack.yaml`` manifest saying ``layers_over: national``; naming it with
``--rules`` then loads the national rules first. A pack may add constraints and actions,
and may replace a national rule of the same id to tighten it. Every such override is
recorded on the rule set and reported; one that visibly weakens the national rule (a
lower severity, or dates the national rule covers left out) is refused, and ``gpca lint``
also refuses one under which a national ``fail`` example no longer fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.core.dates import shift_days
from engine.core.model import Override, Problem

MANIFEST = "pack.yaml"
SEVERITY_RANK = {"advisory": 0, "guidance_risk": 1, "local_breach": 2, "breach": 3}
LEGAL_BASIS_RANK = {"voluntary": 1, "contractual": 2, "statutory_dpn": 3}


def layered_roots(directories: Sequence[Path], builtin: Path) -> list[Path]:
    """The directories to load, with the national rules first when a pack layers over them."""
    roots = [Path(d) for d in directories]
    wants_national = any(manifest(root).get("layers_over") == "national" for root in roots)
    has_national = any(is_national(root, builtin) for root in roots)
    return [builtin, *roots] if wants_national and not has_national else roots


def is_national(root: Path, builtin: Path) -> bool:
    """The built-in rules, or a copy of them being edited: a whole rule set (it has a
    ``ruleset.yaml``) that is no pack (it has no ``pack.yaml``)."""
    if root.resolve() == builtin.resolve():
        return True
    return (root / "ruleset.yaml").is_file() and not (root / MANIFEST).exists()


def manifest(root: Path) -> dict[str, Any]:
    from engine.inputs.read import read_yaml

    path = root / MANIFEST
    # Anything named pack.yaml is read, so a manifest gpca cannot read (a broken link, a
    # FIFO) is an error, not a pack silently taken as standing alone.
    return read_yaml(path).data if path.exists() or path.is_symlink() else {}


def layer(documents: list[tuple[Path, Any]]) -> tuple[list[tuple[Path, Any]], list[Override]]:
    """The documents with each rule overridden by a later directory dropped, and the overrides."""
    last: dict[str, tuple[Path, Any]] = {}
    for root, doc in documents:
        rule_id = doc.data.get("id") if isinstance(doc.data, dict) else None
        if isinstance(rule_id, str):
            last.setdefault(rule_id, (root, doc))
            if last[rule_id][0] != root:
                last[rule_id] = (root, doc)
    overrides, kept = [], []
    for root, doc in documents:
        rule_id = doc.data.get("id") if isinstance(doc.data, dict) else None
        winner = last.get(rule_id) if isinstance(rule_id, str) else None
        if winner is not None and winner[0] != root:
            overrides.append(Override(rule_id, winner[0].name, winner[1].path, doc.path))
            continue
        kept.append((root, doc))
    return kept, overrides


def layer_documents(
    documents: list[tuple[Path, Any]],
) -> tuple[list[tuple[Path, Any]], list[Override], list[Problem]]:
    """The documents that stay, the overrides, and the problems of overrides that weaken."""
    kept, overrides = layer(documents)
    return kept, overrides, weakenings(overrides, documents)


def weakenings(overrides: list[Override], documents: list[tuple[Path, Any]]) -> list[Problem]:
    """Problems for overrides that lower the severity or drop dates of the national rule."""
    by_file = {doc.path: doc for _, doc in documents}
    problems = []
    for override in overrides:
        new, old = by_file[override.file], by_file[override.replaces]
        for message, pointer in _weakened(new.data, old.data):
            hint = f"a pack may tighten {override.replaces}, never weaken it; give the rule a new id"
            problems.append(Problem("pack-weakens", message, new.locations.get(pointer), pointer, hint))
    return problems


def _weakened(new: dict[str, Any], old: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    # A malformed kind, severity or date is the rule schema's to report; comparing it
    # here would only crash.
    if not (isinstance(new.get("kind"), str) and isinstance(old.get("kind"), str)):
        return found
    if new.get("kind") != old.get("kind"):
        found.append((f"this {new.get('kind')} replaces a national {old.get('kind')}", "/kind"))
        return found
    if new.get("kind") == "data_flow":
        if LEGAL_BASIS_RANK.get(new.get("legal_basis"), 0) < LEGAL_BASIS_RANK.get(old.get("legal_basis"), 0):
            found.append((f"the legal basis {new.get('legal_basis')} is weaker than the national "
                          f"{old.get('legal_basis')}", "/legal_basis"))  # fmt: skip
        if not _covers(new.get("effective", []), old.get("effective", [])):
            found.append(("the dates in effect leave out dates the national data flow covers", "/effective"))
    if new.get("kind") == "constraint":
        if _rank(new.get("severity")) < _rank(old.get("severity"), default=0):
            found.append((f"the severity {new.get('severity')} is lower than the national "
                          f"{old.get('severity')}", "/severity"))  # fmt: skip
        new_spans, old_spans = _spans(new.get("effective", [])), _spans(old.get("effective", []))
        if new_spans is not None and old_spans is not None and not _covers(new_spans, old_spans):
            found.append(("the dates in effect leave out dates the national rule covers", "/effective"))
    return found


def _rank(severity: Any, default: int = len(SEVERITY_RANK)) -> int:
    return SEVERITY_RANK.get(severity, default) if isinstance(severity, str) else default


def _spans(periods: Any) -> list[tuple[str, str]] | None:
    """``effective`` as (from, until) dates, open ends filled in; ``None`` if malformed."""
    if not isinstance(periods, list) or not all(isinstance(p, dict) for p in periods):
        return None
    spans = [(p.get("from") or "0000-00-00", p.get("until") or "9999-12-31") for p in periods]
    return spans if all(_is_day(day) for span in spans for day in span) else None


def _is_day(value: Any) -> bool:
    import datetime

    if value == "0000-00-00":
        return True
    try:
        datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and len(value) == 10


def _covers(new: list[tuple[str, str]], old: list[tuple[str, str]]) -> bool:
    """Whether the union of ``new`` periods contains every ``old`` period."""
    spans = sorted(new)
    return all(_covered(start, end, spans) for start, end in old)


def _covered(start: str, end: str, spans: list[tuple[str, str]]) -> bool:
    reach = start
    for span_start, span_end in spans:
        if span_start > reach:
            return False
        if span_end >= end:
            return True
        if span_end >= reach:
            reach = shift_days(span_end, 1)
    return False
