"""engine/advice/timeline.py: verdicts across rule changes (`gpca timeline`)."""

from __future__ import annotations

import pytest
from adviser_support import FIXTURES, ROOT, check_golden, evaluator, fixture_plan, rules
from test_explain import run

from engine.advice.timeline import boundary_dates, day_after, render_timeline, timeline
from engine.core.model import replace

OFF_2024 = "fixtures/data/update-record-off-2024.yaml"


def test_a_plan_keeping_update_record_off_turns_risky_on_1_october_2025() -> None:
    line = timeline(evaluator(), fixture_plan(OFF_2024))
    text = render_timeline(line, rules()).splitlines()
    assert line.changes[0].day == "2025-10-01"
    assert line.changes[0].actions == ("switch-off-gp-connect-update-record",)
    assert "From 2025-10-01: overall risk" in text
    assert text[-2:] == [
        "  switch-off-gp-connect-update-record: safe until 2025-09-30; risks breach from 2025-10-01",
        "  overall: no risk, then 2025-10-01: risk",
    ]


def test_the_timeline_matches_the_golden(update_golden: bool) -> None:
    text = render_timeline(timeline(evaluator(), fixture_plan(OFF_2024)), rules())
    check_golden("timeline-update-record-off.txt", text, update_golden)


def test_boundaries_include_starts_ends_the_day_after_and_plan_dates() -> None:
    days = boundary_dates(rules(), fixture_plan("fixtures/services/les-too-little-notice.yaml"))
    assert {"2025-10-01", "2026-03-31", "2026-04-01", "2024-08-01", "2024-08-02", "2024-09-02"} <= set(days)
    assert days == sorted(set(days))
    assert day_after("2024-02-28") == "2024-02-29"


def test_boundaries_include_the_phases_of_chosen_actions_only() -> None:
    plan = fixture_plan(OFF_2024)  # chooses switch-off-gp-connect-update-record alone
    days = set(boundary_dates(rules(), plan))
    assert {"2024-06-27", "2024-06-28", "2025-02-28", "2025-03-01"} <= days
    assert {"2026-05-01", "2024-09-30"}.isdisjoint(days)  # phases of actions not chosen


def test_strings_that_only_look_like_dates_are_not_boundaries() -> None:
    plan = replace(fixture_plan(OFF_2024), setup={"notes": ["2024-W01-1", "2024-02-30", "2024-07-15"]})
    assert "2024-07-15" in boundary_dates(rules(), plan)
    assert not {"2024-W01-1", "2024-02-30"} & set(boundary_dates(rules(), plan))


def test_a_range_that_ends_before_the_change_shows_none() -> None:
    line = timeline(evaluator(), fixture_plan(OFF_2024), end="2025-09-30")
    assert (line.changes, line.end) == ((), "2025-09-30")


@pytest.mark.parametrize("path", FIXTURES)
def test_every_fixture_has_a_timeline_whose_changes_are_real(path: str) -> None:
    line = timeline(evaluator(), fixture_plan(path))
    assert line.start.results == evaluator().assess(fixture_plan(path)).results
    for change in line.changes:
        before = {r.rule_id: (r.outcome, r.attributed_to) for r in change.before.results}
        after = {r.rule_id: (r.outcome, r.attributed_to) for r in change.after.results}
        assert before != after or change.before.actions != change.after.actions
        assert change.after.as_of == change.day


def test_gpca_timeline_names_1_october_2025(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("timeline", OFF_2024, "--from", "2025-01-01", "--to", "2025-12-31")
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == f"Timeline of Example Surgery ({OFF_2024}), 2025-01-01 to 2025-12-31"
    assert "From 2025-10-01: overall risk" in out.splitlines()


def test_gpca_timeline_refuses_a_range_that_ends_before_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("timeline", OFF_2024, "--from", "2025-01-01", "--to", "2024-01-01")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == "Error: Invalid value for --to: --to 2024-01-01 is before --from 2025-01-01."


def test_the_boundary_dates_include_the_day_a_late_variation_notice_binds() -> None:
    plan = fixture_plan("fixtures/binding/late-notice-not-yet-binding.yaml")
    assert "2026-04-24" in boundary_dates(rules(), plan)
    assert "2026-04-24" not in boundary_dates(rules(), replace(plan, practice={"name": "No notice"}))
