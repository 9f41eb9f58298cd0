"""Date arithmetic held within the calendar Python can hold."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from engine.core.dates import long_date, shift_days, shift_months, span_words


def test_days_past_the_ends_of_the_calendar_stop_there() -> None:
    assert shift_days("9999-12-31", 1) == "9999-12-31"
    assert shift_days("0001-01-01", -1) == "0001-01-01"
    assert shift_days("2024-02-28", 1) == "2024-02-29"


def test_months_keep_the_day_or_take_the_months_last() -> None:
    assert shift_months("2024-01-31", 1) == "2024-02-29"
    assert shift_months("2025-03-31", -1) == "2025-02-28"
    assert shift_months("2024-11-30", 14) == "2026-01-30"
    assert shift_months("9999-12-01", 3) == "9999-12-31"
    assert shift_months("0001-02-01", -3) == "0001-01-01"


@given(st.dates(), st.integers(-10**7, 10**7))
def test_shift_days_never_overflows_and_agrees_inside_the_calendar(day: datetime.date, days: int) -> None:
    shifted = datetime.date.fromisoformat(shift_days(day.isoformat(), days))
    try:
        assert shifted == day + datetime.timedelta(days=days)
    except OverflowError:
        assert shifted in (datetime.date.min, datetime.date.max)


@given(st.dates(), st.integers(-200_000, 200_000))
def test_shift_months_never_overflows(day: datetime.date, months: int) -> None:
    datetime.date.fromisoformat(shift_months(day.isoformat(), months))


def test_periods_are_said_in_words_open_ends_included() -> None:
    assert [span_words("2026-04-01", None), span_words("2026-04-01", "2027-03-31"),
            span_words(None, "2025-09-30"), span_words(None, None), long_date("2026-13-01")] == [  # fmt: skip
        "from 1 April 2026", "1 April 2026 to 31 March 2027", "until 30 September 2025", "always", "2026-13-01"]
