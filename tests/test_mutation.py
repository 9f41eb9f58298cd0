"""Changing any single number or date in a sampled rule's logic makes `gpca test` fail.

Runs in a temporary copy of the rules, through the engine API (not a subprocess).
tests/mutation_support.py makes the mutants: each integer + 1, each date + 1 day.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mutation_support import mutants

from engine.authoring.suite import fixture_files, run_suite
from engine.core.errors import InputError
from engine.inputs.load import load_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = fixture_files([ROOT / "fixtures"])
SAMPLE = [
    "gp-connect-update-record-enabled",
    "urgent-same-day-response",
    "daily-contact-cap",
    "online-consultation-no-request-cap",
    "patient-charter-published",
    "informal-list-closure",
    "uncommissioned-work-notice",
    "caip-simpler-online-requests-declared",
]


def killed(rules_dir: Path) -> bool:
    try:
        result = run_suite(FIXTURES, load_rules([rules_dir]))
    except InputError:
        return True
    return bool(result.failed or result.errors)


@pytest.mark.parametrize("rule_id", SAMPLE)
def test_every_mutant_of_a_sampled_rule_is_caught(tmp_path: Path, rule_id: str) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    path = rules_dir / "constraints" / f"{rule_id}.yaml"
    original = path.read_text("utf-8")
    found = list(mutants(path))
    assert found, f"{rule_id} has no number or date to mutate"
    survivors = []
    for description, text in found:
        path.write_text(text, "utf-8")
        if not killed(rules_dir):
            survivors.append(description)
        path.write_text(original, "utf-8")
    assert survivors == []
