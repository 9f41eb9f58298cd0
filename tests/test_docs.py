"""docs/rules.md is generated from the rule files and must be up to date."""

from __future__ import annotations

from pathlib import Path

from engine.authoring.catalogue_doc import render_catalogue
from engine.inputs.load import load_rules

ROOT = Path(__file__).resolve().parent.parent


def test_the_rule_catalogue_document_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert committed == render_catalogue(load_rules(None)), "run 'gpca docs' and commit docs/rules.md"


def test_every_rule_has_an_entry() -> None:
    text = (ROOT / "docs" / "rules.md").read_text("utf-8")
    rules = load_rules(None)
    assert [r.id for r in (*rules.constraints, *rules.actions) if f"\n### {r.id}\n" not in text] == []
