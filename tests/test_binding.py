"""When a contract change binds one practice: the later of the national date and its notice."""

from __future__ import annotations

import datetime

from builders import constraint, ruleset
from hypothesis import given
from hypothesis import strategies as st
from strategies import iso_dates

from engine.core.binding import binding_start, binds, national_only, not_binding_reason, not_yet_binding
from engine.core.model import Period

NATIONAL = "2026-04-01"
RULE = constraint("a-duty", {"path": "setup.x", "eq": False}, effective=(Period(NATIONAL, None),),
                  binds_by_variation=True)  # fmt: skip
PERIOD = RULE.effective[0]


def notice(on: str, days: int | None = None, changes_from: str = NATIONAL) -> dict[str, object]:
    practice: dict[str, object] = {"contract_variation_notice_on": on, "contract_variation_changes_from": changes_from}
    return practice if days is None else {**practice, "contract_variation_notice_days": days}


def test_a_late_notice_binds_fourteen_days_after_it_is_served() -> None:
    assert binding_start(PERIOD, RULE, notice("2026-04-10")) == "2026-04-24"


def test_an_early_notice_binds_on_the_national_date() -> None:
    assert binding_start(PERIOD, RULE, notice("2026-03-01")) == NATIONAL


def test_a_longer_notice_period_is_honoured_and_a_shorter_one_is_raised_to_fourteen_days() -> None:
    assert binding_start(PERIOD, RULE, notice("2026-04-10", 28)) == "2026-05-08"
    assert binding_start(PERIOD, RULE, notice("2026-04-10", 7)) == "2026-04-24"


def test_a_notice_for_another_change_or_no_notice_leaves_the_national_date() -> None:
    assert binding_start(PERIOD, RULE, notice("2026-04-10", changes_from="2025-10-01")) == NATIONAL
    assert binding_start(PERIOD, RULE, {}) == NATIONAL


def test_a_rule_not_brought_in_by_variation_ignores_the_notice() -> None:
    statutory = constraint("a-statute", {"path": "setup.x", "eq": False}, effective=(PERIOD,))
    assert binding_start(PERIOD, statutory, notice("2026-04-10")) == NATIONAL


def test_the_rules_not_yet_binding_and_why() -> None:
    practice = notice("2026-04-10")
    assert not_yet_binding(ruleset(RULE), practice, "2026-04-23") == frozenset({"a-duty"})
    assert not_yet_binding(ruleset(RULE), practice, "2026-04-24") == frozenset()
    assert not_binding_reason(RULE, practice, "2026-04-23") == (
        "in effect nationally from 1 April 2026, but binds this practice only from 24 April 2026: its "
        "variation notice was served on 10 April 2026 with 14 days' notice")


def test_without_a_notice_the_national_date_is_only_the_earliest() -> None:
    assert national_only(RULE, {}, "2026-05-01") == NATIONAL
    assert national_only(RULE, notice("2026-04-10"), "2026-05-01") is None
    assert national_only(RULE, {}, "2026-03-31") is None


@given(iso_dates(), st.integers(min_value=1, max_value=365))
def test_the_binding_start_is_the_later_of_the_national_date_and_the_notice_end(served: str, days: int) -> None:
    start = binding_start(PERIOD, RULE, notice(served, days))
    notice_end = (datetime.date.fromisoformat(served) + datetime.timedelta(days=max(14, days))).isoformat()
    assert start == max(NATIONAL, notice_end)


@given(iso_dates(), iso_dates())
def test_a_notice_never_brings_a_duty_forward_and_binding_never_stops(served: str, day: str) -> None:
    practice = notice(served)
    if binds(RULE, practice, day):
        assert RULE.in_effect(day)
        later = (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()
        assert binds(RULE, practice, later)
    assert binds(RULE, {}, day) == RULE.in_effect(day)
