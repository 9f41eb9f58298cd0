"""engine/waive.py: waivers are matched, counted apart and never silently dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from adviser_support import ROOT, evaluator, fixture_plan, rules
from test_explain import run

from engine.errors import InputError
from engine.explain import explain
from engine.model import Waiver, WaiverStatus, replace
from engine.waive import load_plan_with_waivers, review_waivers, unwaived_overall, waiver_lines

OC_OFF = "fixtures/online/off-at-capacity-practice-2025.yaml"
RULE = "online-consultation-open-core-hours"
AGREED = Waiver(RULE, "ICB agreed exceptional switch-off", "ICB letter 2025-09-12", "ICB primary care lead", "2025-12-31")
LAPSED = replace(AGREED, expires="2025-09-30")
STRAY = replace(AGREED, rule="nhs111-minimum-slots")


def reviewed(*waivers: Waiver):  # type: ignore[no-untyped-def]
    plan = replace(fixture_plan(OC_OFF), waivers=waivers)
    return review_waivers(evaluator().assess(plan))


def test_a_waiver_is_applied_expired_or_unmatched() -> None:
    assessment = reviewed(AGREED, LAPSED, STRAY)
    assert assessment.waivers == (WaiverStatus(AGREED, "applied"), WaiverStatus(LAPSED, "expired"),
                                  WaiverStatus(STRAY, "unmatched"))  # fmt: skip
    assert assessment.waived == frozenset({RULE})


def test_a_waived_finding_is_still_reported_and_counted_apart() -> None:
    assessment = reviewed(AGREED)
    assert (assessment.result(RULE).outcome, assessment.overall, unwaived_overall(assessment)) == ("fail", "risk", "risk")
    both = reviewed(AGREED, replace(AGREED, rule="access-routes-throughout-core-hours"))
    assert (both.overall, unwaived_overall(both)) == ("risk", "no_risk")
    assert "  Waived by a local agreement recorded in the plan (see waivers)" in explain(assessment, rules(), RULE).splitlines()


def test_an_expired_waiver_waives_nothing() -> None:
    assessment = reviewed(LAPSED)
    assert (assessment.waived, unwaived_overall(assessment)) == (frozenset(), "risk")
    assert waiver_lines(assessment) == [
        f"{RULE}: EXPIRED: it no longer covers anything; reason: ICB agreed exceptional switch-off; "
        "reference: ICB letter 2025-09-12; approved by ICB primary care lead; expires 2025-09-30"
    ]


def _plan_file(tmp_path: Path, waivers: list[dict[str, str]]) -> Path:
    data = yaml.safe_load((ROOT / OC_OFF).read_text(encoding="utf-8"))["plan"]
    data["waivers"] = waivers
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_waivers_are_read_from_the_plan_file(tmp_path: Path) -> None:
    entry = {"rule": RULE, "reason": AGREED.reason, "reference": AGREED.reference,
             "approver": AGREED.approver, "expires": AGREED.expires}  # fmt: skip
    plan = load_plan_with_waivers(_plan_file(tmp_path, [entry]), rules())
    assert [replace(w, location=None) for w in plan.waivers] == [AGREED]
    assert (plan.waivers[0].location.line, plan.waivers[0].location.column) == (103, 3)  # the overflow lists take a line each


def test_a_waiver_without_an_approver_is_invalid_input(tmp_path: Path) -> None:
    entry = {"rule": RULE, "reason": "r", "reference": "x", "expires": "2025-12-31"}
    with pytest.raises(InputError) as caught:
        load_plan_with_waivers(_plan_file(tmp_path, [entry]), rules())
    assert [p.code for p in caught.value.problems] == ["plan-schema"]
    assert caught.value.problems[0].message == "'waivers[0]' is missing required key 'approver'"


def test_gpca_check_markdown_lists_the_waiver(tmp_path: Path) -> None:
    entry = {"rule": "nhs111-minimum-slots", "reason": "r", "reference": "x", "approver": "a", "expires": "2030-01-01"}
    code, out, err = run("check", str(_plan_file(tmp_path, [entry])), "--format", "markdown")
    assert (code, err) == (1, "")
    assert "0 applied, 0 expired, 1 matching no finding." in out.splitlines()
    assert "- nhs111-minimum-slots: UNMATCHED: no finding of this rule on the date; reason: r; reference: x; approved by a; expires 2030-01-01" in out.splitlines()


def _entry(**changes: str) -> dict[str, str]:
    return {"rule": RULE, "reason": "r", "reference": "x", "approver": "a", "expires": "2025-12-31", **changes}


def _problems(tmp_path: Path, entry: dict[str, str]) -> list[tuple[str, str, str | None]]:
    with pytest.raises(InputError) as caught:
        load_plan_with_waivers(_plan_file(tmp_path, [entry]), rules())
    return [(p.code, p.message, p.hint) for p in caught.value.problems]


def test_a_waiver_naming_an_unknown_rule_is_input_with_did_you_mean(tmp_path: Path) -> None:
    assert _problems(tmp_path, _entry(rule="online-consultation-open-core-hour")) == [(
        "unknown-rule", "the waiver names no rule gpca knows: 'online-consultation-open-core-hour'",
        "did you mean 'online-consultation-open-core-hours'? run 'gpca rules' to list the rules")]


def test_a_waiver_naming_an_action_is_input(tmp_path: Path) -> None:
    assert _problems(tmp_path, _entry(rule="limit-daily-contacts")) == [(
        "unknown-rule", "'limit-daily-contacts' is an action, not a rule: a waiver names the constraint "
        "whose finding the agreement accepts",
        "run 'gpca check' on the plan and name a rule it reports; 'gpca rules' lists them")]


@pytest.mark.parametrize("field", ["approver", "reason", "reference"])
def test_a_waiver_field_of_only_spaces_is_input(tmp_path: Path, field: str) -> None:
    assert _problems(tmp_path, _entry(**{field: "   "})) == [(
        "plan-schema", f"'waivers[0].{field}' must be text that is not only spaces, but got '   '", None)]


def test_gpca_check_exits_2_for_a_waiver_of_an_unknown_rule(tmp_path: Path) -> None:
    code, out, err = run("check", str(_plan_file(tmp_path, [_entry(rule="no-such-rule")])))
    assert (code, out) == (2, "")
    assert "error[unknown-rule]: the waiver names no rule gpca knows: 'no-such-rule'" in err
