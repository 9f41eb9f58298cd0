"""What the page is built from: the plan schema, the actions and the questions they need."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine import __version__
from engine.advice.words import period_words, phase_status_words
from engine.core.compile import CompiledRules, overlaps
from engine.core.model import Action, Period, RuleSet
from engine.inputs import load
from engine.web.plans import pointer_of

ALWAYS_ASKED = ("practice", "assessed_on", "actions")  # the page's first two sections


def catalogue(rules: RuleSet) -> dict[str, Any]:
    """Everything the page needs to draw its form; a new rule or field needs no page edit."""
    return {
        "gpca_version": __version__,
        "rules_digest": rules.digest,
        "today": dt.date.today().isoformat(),
        "schema": load.builtin_schema("plan.schema.json"),
        "actions": [_action(action) for action in sorted(rules.actions, key=lambda a: a.title)],
    }


def _action(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "title": action.title,
        "wording": " ".join(action.wording.split()),
        "phases": [
            {"name": p.name, "start": p.start, "end": p.end, "status": p.status,
             "words": f"{period_words(Period(p.start, p.end))}: {phase_status_words(action, p.status)} ({p.name})"}
            for p in action.phases
        ],  # fmt: skip
        "params": action.params,
        "required_params": list(action.required_params),
        "sources": [{"title": s.title, "url": s.url, "confidence": s.confidence}
                    for s in action.sources],  # fmt: skip
    }


def needed_questions(data: Any, rules: RuleSet, compiled: CompiledRules) -> list[str]:
    """The set-up questions (JSON pointers) that the chosen actions' constraints read.

    Those are the constraints in effect on the plan's date that the chosen actions bear
    on or whose fields their effects write; a list's question is the whole list.
    """
    chosen = _chosen(data, rules)
    day = _day(data)
    writes = [w for action in chosen for w in compiled.writes.get(action.id, ())]
    bears_on = {rule_id for action in chosen for rule_id in action.bears_on}
    pointers: set[str] = set()
    for constraint in rules.constraints:
        reads = compiled.reads[constraint.id]
        touched = constraint.id in bears_on or any(overlaps(r, w) for r in reads for w in writes)
        if touched and constraint.in_effect(day):
            pointers.update(pointer_of(read.partition("[]")[0]) for read in reads)
    return sorted(p for p in pointers if p.startswith("/setup/"))


def _chosen(data: Any, rules: RuleSet) -> list[Action]:
    entries = data.get("actions") if isinstance(data, dict) else None
    ids = {e.get("id") for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)} \
        if isinstance(entries, list) else set()  # fmt: skip
    return [action for action in rules.actions if action.id in ids]


def _day(data: Any) -> str:
    day = data.get("assessed_on") if isinstance(data, dict) else None
    try:
        return dt.date.fromisoformat(day).isoformat() if isinstance(day, str) else _today()
    except ValueError:
        return _today()


def _today() -> str:
    return dt.date.today().isoformat()
