"""engine/advice/compare.py: verdicts that differ between two plans or two rule sets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from adviser_support import FIXTURES, ROOT, assess, rules
from test_explain import run

from engine.advice.compare import Difference, compare, render_comparison
from engine.core.evaluate import Evaluator
from engine.inputs.load import load_rules
from engine.inputs.read import builtin_rules_dir

THREE = "fixtures/nhs111/slots-9027-three.yaml"
BELOW = "fixtures/nhs111/already-below-minimum.yaml"
OFF_2024 = "fixtures/data/update-record-off-2024.yaml"


def test_two_plans_differ_on_the_value_the_rule_reads() -> None:
    differences = compare(assess(THREE), assess(BELOW), rules(), rules())
    assert differences == [Difference("rule nhs111-minimum-slots", "pass", "fail",
                                      ("setup.nhs111.direct_booking_slots_per_day: 3 -> 2",))]  # fmt: skip
    assert render_comparison(differences, "A", "B") == (
        "Comparing A (first) with B (second)\n"
        "  rule nhs111-minimum-slots: PASS -> FAIL\n"
        "    because setup.nhs111.direct_booking_slots_per_day: 3 -> 2\n"
    )


@pytest.mark.parametrize("path", FIXTURES)
def test_a_plan_compared_with_itself_differs_nowhere(path: str) -> None:
    assert compare(assess(path), assess(path), rules(), rules()) == []


def _rules_with_update_record_from(tmp_path: Path, start: str) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), copy)
    rule = copy / "constraints" / "gp-connect-update-record-enabled.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("from: 2025-10-01", f"from: {start}"), encoding="utf-8")
    return copy


def test_one_plan_under_two_rule_sets_names_the_changed_rule(tmp_path: Path) -> None:
    new_rules = load_rules([_rules_with_update_record_from(tmp_path, "2024-01-01")])
    plan = assess(OFF_2024).plan
    right = Evaluator(new_rules).assess(plan)
    assert compare(assess(OFF_2024), right, rules(), new_rules) == [
        Difference("rule gp-connect-update-record-enabled", "not_applicable", "fail",
                   ("the rule's effective changed", "on 2024-11-05 the rule is in effect only under the second rule set")),
        Difference("action switch-off-gp-connect-update-record", "safe", "risk",
                   ("rule gp-connect-update-record-enabled: NOT APPLICABLE -> FAIL",)),
    ]


def test_gpca_compare_needs_a_second_plan_or_new_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("compare", THREE)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == "Error: give either a second plan or --rules-new DIR, not both or neither."


def test_gpca_compare_under_new_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    new = _rules_with_update_record_from(tmp_path, "2024-01-01")
    monkeypatch.chdir(ROOT)
    code, out, err = run("compare", OFF_2024, "--rules-new", str(new))
    assert (code, err) == (1, "")
    assert out.splitlines()[:2] == ["Comparing the first rules (first) with --rules-new (second)",
                                    "  rule gp-connect-update-record-enabled: NOT APPLICABLE -> FAIL"]


def test_two_dates_say_which_date_the_rule_is_in_effect_on() -> None:
    differences = compare(assess(OFF_2024), assess(OFF_2024, "2025-10-01"), rules(), rules())
    by_subject = {d.subject: d for d in differences}
    assert by_subject["rule gp-connect-update-record-enabled"] == Difference("rule gp-connect-update-record-enabled", "not_applicable", "fail",
                                        ("the rule is in effect only on the second date, 2025-10-01",))


def test_an_action_chosen_in_one_plan_only_says_so() -> None:
    differences = compare(assess(THREE), assess(OFF_2024), rules(), rules())
    by_subject = {d.subject: d for d in differences}
    assert by_subject["action switch-off-gp-connect-update-record"] == Difference(
        "action switch-off-gp-connect-update-record", "not chosen", "safe",
        ("the action is chosen only in the second plan",))
