"""The plans that gpca once called SAFE although a missing answer decided them.

Each is checked through ``gpca check``, as a practice would run it: the action must be
CANNOT TELL or RISKS BREACH, and the questions must be the action's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from engine.cli import gpca

CASES = Path(__file__).parent.parent / "fixtures" / "no-false-safe"


def check(fixture: str, tmp_path: Path) -> dict:
    plan = yaml.safe_load((CASES / fixture).read_text(encoding="utf-8"))["plan"]
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan), encoding="utf-8")
    result = CliRunner().invoke(gpca, ["check", "--format", "json", str(path)], prog_name="gpca")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def verdict(report: dict, action_id: str) -> dict:
    plan = report["plans"][0]
    return next(a for a in plan["actions"] if a["id"] == action_id)


def missing(report: dict, rule_id: str) -> list[str]:
    return next(r for r in report["plans"][0]["results"] if r["rule_id"] == rule_id)["missing"]


def test_medicines_software_removed_beside_a_service_whose_terms_are_silent(tmp_path: Path) -> None:
    report = check("medopt-removed-les-terms-silent-2026.yaml", tmp_path)
    assert verdict(report, "remove-medicines-optimisation-software-2026")["status"] == "cannot_tell"
    assert missing(report, "medicines-optimisation-software-les") == ["setup.services[0].requires_medopt_software"]


def test_a_contact_limit_with_no_overflow_asks_the_actions_own_questions(tmp_path: Path) -> None:
    report = check("contact-limit-no-overflow-2026.yaml", tmp_path)
    assert verdict(report, "limit-daily-contacts")["status"] == "cannot_tell"
    assert missing(report, "first-contact-appropriate-response") == [
        "actions[0].non_urgent_overflow", "actions[0].urgent_overflow"]
    assert missing(report, "urgent-same-day-response") == [
        "actions[0].urgent_overflow", "actions[0].urgent_same_day_once_full"]


@pytest.mark.parametrize("destination", ["nhs111", "local-urgent-care"])
def test_a_same_day_answer_from_before_a_contact_limit_does_not_carry_through_it(
        destination: str, tmp_path: Path) -> None:  # fmt: skip
    report = check(f"contact-limit-urgent-to-{destination}-2026.yaml", tmp_path)
    # Diverting urgent patients once full is itself a contested risk of a notice from
    # April 2026 (urgent-overflow-elsewhere-from-april-2026); the stale answer is still asked.
    assert (verdict(report, "limit-daily-contacts")["status"], verdict(report, "limit-daily-contacts")["contested"]) == (
        "risk", True)
    assert missing(report, "urgent-same-day-response") == ["actions[0].urgent_same_day_once_full"]


def test_withdrawing_secondary_use_sharing_with_no_list_and_no_scope(tmp_path: Path) -> None:
    report = check("withdraw-secondary-use-no-list-no-scope.yaml", tmp_path)
    assert verdict(report, "withdraw-secondary-use-data-sharing")["status"] == "cannot_tell"
    assert missing(report, "statutory-collections-continue") == ["actions[0].scope", "setup.data_sharing"]


def test_withdrawing_every_secondary_use_reaches_the_national_collections_no_plan_lists(tmp_path: Path) -> None:
    report = check("withdraw-every-secondary-use-no-list.yaml", tmp_path)
    assert verdict(report, "withdraw-secondary-use-data-sharing")["status"] == "risk"


def test_a_freeze_that_names_no_scope_asks_for_it(tmp_path: Path) -> None:
    report = check("freeze-no-scope.yaml", tmp_path)
    assert verdict(report, "freeze-new-data-sharing")["status"] == "cannot_tell"
    assert missing(report, "new-statutory-collections-accepted") == ["actions[0].scope"]
