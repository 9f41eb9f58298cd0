from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import gpca
from engine.core.errors import InputError
from engine.core.horizon import check_day, earliest_covered, said_on_stderr, staleness
from engine.core.model import Period, replace
from engine.inputs.load import load_rules
from tests.builders import constraint, ruleset

RIVERSIDE = Path(__file__).resolve().parents[1] / "examples" / "riverside.yaml"
LATE = constraint("late", {"path": "setup.a", "eq": True}, effective=(Period("2024-04-01", None),))
EARLY = constraint("early", {"path": "setup.a", "eq": True}, effective=(Period("2019-07-01", "2020-01-01"),))


def test_the_earliest_covered_date_is_the_first_start_of_any_constraint() -> None:
    assert earliest_covered(ruleset(LATE, EARLY)) == "2019-07-01"


def test_a_constraint_in_effect_from_the_beginning_leaves_no_earliest_date() -> None:
    always = constraint("always", {"path": "setup.a", "eq": True}, effective=(Period(None, None),))
    assert earliest_covered(ruleset(LATE, always)) is None


def test_a_day_before_any_rule_is_refused_naming_where_it_came_from() -> None:
    with pytest.raises(InputError) as raised:
        check_day(ruleset(LATE, EARLY), "0001-01-01", "--as-of")
    [problem] = raised.value.problems
    assert (problem.code, problem.message, problem.hint) == (
        "date-out-of-range",
        "--as-of 0001-01-01 is before 2019-07-01, the earliest date any rule covers: "
        "gpca knows no rule in effect then, so it cannot say there is no risk",
        "assess on 2019-07-01 or later")


def test_the_first_covered_day_itself_is_accepted() -> None:
    assert check_day(ruleset(LATE, EARLY), "2019-07-01", "--as-of") is None


def test_a_day_after_the_sources_were_checked_is_warned_about_and_not_before() -> None:
    rules = replace(ruleset(LATE), sources_checked_to="2026-11-29")
    assert (staleness(rules, "2026-11-29"), staleness(rules, "2026-11-30")) == (None, (
        "warning: 2026-11-30 is after 2026-11-29, the date the rules' sources were last checked; "
        "the contract or guidance may have changed since, and gpca would not know"))


def test_the_national_rules_say_when_their_sources_were_checked() -> None:
    assert load_rules().sources_checked_to == "2026-11-29"


@pytest.mark.parametrize("command", ["check", "explain", "suggest"])
def test_as_of_year_one_is_input_not_no_risk(command: str) -> None:
    result = CliRunner().invoke(gpca, [command, str(RIVERSIDE), "--as-of", "0001-01-01"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("error[date-out-of-range]: --as-of 0001-01-01 is before 2018-10-01")


STALE = ("warning: 2027-06-01 is after 2026-11-29, the date the rules' sources were last checked; "
         "the contract or guidance may have changed since, and gpca would not know\n")


@pytest.mark.parametrize(("fmt", "stderr"), [("text", ""), ("markdown", ""), ("github", ""),
                                             ("json", STALE), ("sarif", STALE), ("html", STALE)])  # fmt: skip
def test_a_check_past_the_checked_date_says_so_in_the_report_and_on_stderr_only_if_the_report_is_data(
        fmt: str, stderr: str) -> None:  # fmt: skip
    result = CliRunner().invoke(gpca, ["check", str(RIVERSIDE), "--as-of", "2027-06-01", "--format", fmt])
    assert (result.exit_code, result.stdout.count("last checked to 29 November 2026"), result.stderr) == (
        1, 1, stderr)


def test_commands_whose_output_has_no_note_warn_on_stderr() -> None:
    assert [said_on_stderr(fmt) for fmt in (None, "json", "text")] == [True, True, False]


def test_a_timeline_past_the_checked_date_warns_and_still_answers() -> None:
    result = CliRunner().invoke(gpca, ["timeline", str(RIVERSIDE), "--to", "2030-01-01"])
    assert result.exit_code == 1
    assert result.stderr.startswith("warning: 2030-01-01 is after 2026-11-29")
