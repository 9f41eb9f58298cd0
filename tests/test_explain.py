"""engine/advice/explain.py: messages, missing paths, and traces in words (`gpca explain`)."""

from __future__ import annotations

import pytest
from adviser_support import FIXTURES, ROOT, assess, check_golden, rules, share_evaluator
from click.testing import CliRunner

from engine.advice.explain import deciding, explain, trace_lines
from engine.advice.words import question_for
from engine.cli import gpca
from engine.core.horizon import earliest_covered
from engine.core.trace import Step, trace_rule

BELOW = "fixtures/nhs111/already-below-minimum.yaml"
THREE = "fixtures/nhs111/slots-9027-three.yaml"
OFF_2025 = "fixtures/data/update-record-off-oct-2025.yaml"
EXITS = {"no_risk": 0, "risk": 1, "cannot_tell": 1}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(gpca, list(args), prog_name="gpca", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_why_not_names_the_comparison_that_kept_the_rule_quiet() -> None:
    trace = trace_rule(assess(THREE), rules(), "nhs111-minimum-slots")
    question = "How many appointment slots a day can NHS 111 book directly into?"
    assert trace_lines(trace, "2024-11-05")[-2:] == [
        "So it passes; kept quiet by:",
        f"  - {question} (setup.nhs111.direct_booking_slots_per_day): 3",
    ]


def test_an_empty_list_that_kept_a_rule_quiet_is_named_not_left_out() -> None:
    trace = trace_rule(assess("fixtures/registration/formal-closure-approved.yaml"), rules(),
                       "core-hours-access-before-october-2025")  # fmt: skip
    question = question_for("setup.access.closures")
    assert trace_lines(trace, "2024-11-05")[-2:] == [
        "So it passes; kept quiet by:",
        f"  - {question} (setup.access.closures): an empty list",
    ]


def test_why_not_says_when_a_rule_is_out_of_its_effective_period() -> None:
    trace = trace_rule(assess(BELOW), rules(), "gp-connect-update-record-enabled")
    assert trace_lines(trace, "2024-11-05") == [
        "Not in effect on 2024-11-05: in effect from 1 October 2025."
    ]


def test_deciding_keeps_only_the_parts_that_settled_the_answer() -> None:
    yes, no = Step("compare", True, "a", "eq", 1, 1), Step("compare", False, "b", "eq", 1, 2)
    assert deciding(Step("all", False, children=(yes, no))) == [no]
    assert deciding(Step("any", True, children=(yes, no))) == [yes]
    assert deciding(Step("not", False, children=(yes,))) == [yes]


def test_explain_of_a_finding_matches_the_golden(update_golden: bool) -> None:
    check_golden("explain-update-record-off.txt", explain(assess(OFF_2025), rules()), update_golden)


def test_explain_of_one_action_matches_the_golden(update_golden: bool) -> None:
    text = explain(assess("fixtures/services/les-too-little-notice.yaml"), rules(), "serve-notice-voluntary-services")
    check_golden("explain-les-notice-action.txt", text, update_golden)


@pytest.mark.parametrize("path", FIXTURES)
def test_gpca_explain_works_on_every_fixture(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    share_evaluator(monkeypatch)
    code, out, err = run("explain", path)
    if assess(path).as_of < earliest_covered(rules()):  # no rule known then: refused, not "no risk"
        assert (code, err.split(":")[0]) == (2, "error[date-out-of-range]")
        return
    assert (code, err) == (EXITS[assess(path).overall], "")
    header = " ".join(out.split("\n\n")[0].split())  # a long path wraps the header
    assert header.startswith(f"{path}: assessed as of {assess(path).as_of}; overall {assess(path).overall.replace('_', ' ')}")


def test_gpca_explain_of_an_unknown_rule_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("explain", BELOW, "nhs111-minimum-slot")
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == "error[unknown-constraint]: no rule is named 'nhs111-minimum-slot'"
