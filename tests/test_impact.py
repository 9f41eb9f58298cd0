"""`gpca impact`: a changed number in a rule shows as a row per changed verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_cli import run_cli

ROOT = Path(__file__).resolve().parent.parent


def _rules_with_divisor(tmp_path: Path, divisor: int) -> Path:
    """A copy of the rules whose NHS 111 minimum divides the list size by ``divisor``."""
    new = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", new)
    rule = new / "constraints" / "nhs111-minimum-slots.yaml"
    rule.write_text(rule.read_text("utf-8").replace("3000]", f"{divisor}]"), "utf-8")
    return new


def test_impact_of_a_changed_divisor(tmp_path: Path) -> None:
    new = _rules_with_divisor(tmp_path, 2500)
    code, out, _ = run_cli(["impact", "--old", str(ROOT / "rules"), "--new", str(new),
                            str(ROOT / "fixtures" / "nhs111")])  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "### gpca impact: 2 verdict changes in 1 of 14 plans"
    assert lines[2] == "| plan | verdict | before | after | why |"
    assert any("| rule nhs111-minimum-slots | pass | fail | rule changed; now nhs111-minimum-slots is fail" in line
               for line in lines)  # fmt: skip


def test_impact_against_a_git_revision_with_no_change() -> None:
    code, out, _ = run_cli(["impact", "--base", "HEAD", str(ROOT / "fixtures" / "nhs111")])
    assert code == 0
    assert out.endswith("No verdict changes.\n")


def test_a_rule_that_now_passes_is_explained_by_what_kept_it_quiet(tmp_path: Path) -> None:
    new = _rules_with_divisor(tmp_path, 7000)
    code, out, _ = run_cli(["impact", "--old", str(ROOT / "rules"), "--new", str(new),
                            str(ROOT / "fixtures" / "nhs111" / "slots-6000-one.yaml")])  # fmt: skip
    rows = [line for line in out.splitlines() if "| rule nhs111-minimum-slots |" in line]
    assert (code, rows) == (0, [
        f"| {ROOT}/fixtures/nhs111/slots-6000-one.yaml | rule nhs111-minimum-slots | fail | pass | rule changed; now "
        "nhs111-minimum-slots is pass (breach): kept quiet by setup.nhs111.direct_booking_slots_per_day is 1 |"])
