"""Coverage in domain terms, and the --min threshold."""

from __future__ import annotations

from pathlib import Path

from test_cli import run_cli

from engine.authoring.coverage import measure
from engine.authoring.suite import run_suite
from engine.inputs.load import load_rules

ROOT = Path(__file__).resolve().parent.parent


def test_coverage_of_one_file_names_what_is_untested() -> None:
    rules = load_rules(None)
    coverage = measure(run_suite([ROOT / "fixtures/nhs111/slots-2750-none.yaml"], rules), rules)
    assert coverage.covered == 0
    gaps = [str(gap) for gap in coverage.gaps]
    assert "rules/constraints/nhs111-minimum-slots.yaml:1:1: constraint nhs111-minimum-slots: no passing fixture" in gaps
    assert "rules/actions/limit-daily-contacts.yaml:1:1: action limit-daily-contacts: no fixture expects it to be safe" in gaps


def test_below_the_minimum_exits_1() -> None:
    code, _, err = run_cli(["test", "--min", "50", str(ROOT / "fixtures/nhs111")])
    assert code == 1
    assert err.splitlines()[-1].startswith("coverage ") and err.splitlines()[-1].endswith("is below the minimum of 50%")
