"""`gpca init`: a commented plan to start from, never over a file that is there."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine.cli.init
from engine.cli import gpca
from engine.inputs.read import builtin_plan_template

TEMPLATE = builtin_plan_template()
EXISTS = ("error[unwritable-output]: '{}': it already exists; gpca init never overwrites a file\n"
          "  hint: name another PATH, or move the file away first\n")  # fmt: skip


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.cli.init, "_today", lambda: datetime.date(2026, 11, 30))


def run(args: list[str], answers: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(gpca, args, input=answers, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_the_template_dated_today_and_asks_nothing_off_a_terminal(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    assert run(["init", str(plan)]) == (0, (
        f"Wrote {plan} from the plan template ({TEMPLATE}).\n"
        "Answer what you know; leave the rest commented out, and gpca lists the questions that matter.\n"
        f"Then run:  gpca check {plan}\n"), "")
    expected = TEMPLATE.read_text("utf-8").replace("\nassessed_on: 2026-04-01\n", "\nassessed_on: 2026-11-30\n")
    assert plan.read_text("utf-8") == expected


def test_the_written_plan_is_checked_as_cannot_tell(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    assert run(["init", str(plan)])[0] == 0
    code, out, err = run(["check", str(plan), "--as-of", "2026-04-01"])
    assert (code, err) == (1, "")
    assert "Overall: CANNOT TELL (some answers are missing)" in out.splitlines()


def test_init_defaults_to_plan_yaml_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["init"])[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]


@pytest.mark.parametrize("kind", ["file", "dangling-link"])
def test_init_never_overwrites(kind: str, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    if kind == "file":
        plan.write_text("practice: {name: Mine}\n")
    else:
        plan.symlink_to(tmp_path / "elsewhere.yaml")
    assert run(["init", str(plan)]) == (2, "", EXISTS.format(plan))
    assert (plan.read_text() if kind == "file" else os.readlink(plan)) == (
        "practice: {name: Mine}\n" if kind == "file" else str(tmp_path / "elsewhere.yaml"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]


def test_init_into_a_missing_folder_is_exit_2_naming_it(tmp_path: Path) -> None:
    assert run(["init", str(tmp_path / "none" / "plan.yaml")]) == (
        2, "", f"error[unwritable-output]: '{tmp_path}/none/plan.yaml': there is no folder '{tmp_path}/none'\n"
               "  hint: create the folder first\n")  # fmt: skip


def test_on_a_terminal_init_asks_a_few_questions_and_checks_each_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.cli.init, "_interactive", lambda: True)
    plan = tmp_path / "plan.yaml"
    code, out, err = run(["init", str(plan)], "Riverside: Surgery\n\n12,400\n12400\n\n")
    assert code == 0
    assert out.startswith(  # the runner echoes what was typed
        "What is the practice called?: Riverside: Surgery\n"
        "What is the practice's ODS code (for example Y01234)?: \n"
        "How many patients are registered with the practice?: 12,400\n"
        "How many patients are registered with the practice?: 12400\n"
        "On what date should the plan be assessed? [2026-11-30]: \n"
        f"Wrote {plan}")
    assert err == ("  'practice.registered_patients' must be a whole number, but got '12,400'; "
                   "write it without the comma or space between the digits: 12400\n")  # fmt: skip
    text = plan.read_text("utf-8")
    assert ["  name: 'Riverside: Surgery'", "  # ods_code:", "  registered_patients: 12400",
            "assessed_on: 2026-11-30"] == [line for line in text.split("\n") if line.startswith(  # fmt: skip
            ("  name:", "  # ods_code:", "  registered_patients:", "assessed_on:"))]


def test_an_unanswered_name_keeps_the_template_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.cli.init, "_interactive", lambda: True)
    plan = tmp_path / "plan.yaml"
    assert run(["init", str(plan)], "\n\n\n2025-10-01\n")[0] == 0
    assert "\n  name: My practice\n" in plan.read_text("utf-8")
    assert "\nassessed_on: 2025-10-01\n" in plan.read_text("utf-8")


def test_input_that_ends_at_a_question_writes_nothing_and_is_no_risk_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.cli.init, "_interactive", lambda: True)
    plan = tmp_path / "plan.yaml"
    code, _, err = run(["init", str(plan)], "Riverside Surgery\n")
    assert (code, err) == (130, "\nInterrupted; nothing was written.\n")
    assert list(tmp_path.iterdir()) == []
