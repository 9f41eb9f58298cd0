"""Shared by the adviser's tests: the built-in rules, one evaluator, fixtures and goldens."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from engine import __version__
from engine.authoring.verify import load_case
from engine.core.evaluate import Evaluator
from engine.core.model import Assessment, Plan, RuleSet, replace
from engine.inputs.load import load_rules
from engine.inputs.waive import with_waivers

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures").glob("**/*.yaml"))


@functools.cache
def rules() -> RuleSet:
    return load_rules()


@functools.cache
def evaluator() -> Evaluator:
    return Evaluator(rules())


def fixture_plan(relative: str) -> Plan:
    case = load_case(ROOT / relative, rules())
    plan = with_waivers(case.plan, case.document.part("/plan"), rules())
    return replace(plan, path=relative)


def assess(relative: str, as_of: str | None = None) -> Assessment:
    return evaluator().assess(fixture_plan(relative), as_of=as_of)


def check_golden(name: str, text: str, update: bool) -> None:
    """Compare with tests/golden/<name>, or rewrite it with --update-golden."""
    text = text.replace(rules().digest, "<rules-digest>")
    text = text.replace(__version__, "<version>")  # a release is a one-line bump (docs/releasing.md)
    for directory in rules().directories:  # where the clone is must not matter
        text = text.replace(directory, "<rules-dir>")
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden {name}; run pytest --update-golden and review it"
    assert text == path.read_text(encoding="utf-8")


def share_evaluator(monkeypatch: "pytest.MonkeyPatch") -> None:
    """CLI commands build an Evaluator per run; each holds a durable_rules Host with its
    own threads, and hundreds of them in one test process crash durable_rules."""
    import engine.core.evaluate

    monkeypatch.setattr(engine.core.evaluate, "Evaluator", lambda _rules: evaluator())
