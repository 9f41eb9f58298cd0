"""engine/core/closure_days.py: the day of a dated closure, bank holidays in England and Wales."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.core.closure_days import BANK_HOLIDAYS_FILE, bank_holidays, day_disagrees, day_of, with_closure_days


@pytest.mark.parametrize(("date", "day"), [
    ("2025-11-12", "wednesday"),        # a training afternoon
    ("2025-11-15", "saturday"),
    ("2025-11-16", "sunday"),
    ("2025-12-26", "bank_holiday"),     # Boxing Day
    ("2026-12-28", "bank_holiday"),     # Boxing Day's substitute: 26 December 2026 is a Saturday
    ("2026-12-26", "saturday"),
    ("2023-05-08", "bank_holiday"),     # the coronation
    ("2024-12-24", "tuesday"),          # Christmas Eve is not a bank holiday
    ("2030-06-01", "saturday"),         # a weekend needs no list
    ("2030-06-03", None),               # a weekday of a year not listed cannot be known
    ("2022-12-27", None),
    ("not a date", None),
])  # fmt: skip
def test_day_of_a_date(date: str, day: str | None) -> None:
    assert day_of(date) == day


def test_the_list_is_england_and_wales_from_gov_uk_for_2023_to_2027() -> None:
    data = yaml.safe_load(BANK_HOLIDAYS_FILE.read_text(encoding="utf-8"))
    assert (data["source"], data["division"]) == ("https://www.gov.uk/bank-holidays", "england-and-wales")
    calendar = bank_holidays()
    assert (calendar.first_year, calendar.last_year) == (2023, 2027)
    per_year = {year: sorted(d for d in calendar.dates if d.startswith(str(year))) for year in range(2023, 2028)}
    assert {year: len(days) for year, days in per_year.items()} == {2023: 9, 2024: 8, 2025: 8, 2026: 8, 2027: 8}
    assert all(datetime.date.fromisoformat(d).weekday() < 5 for d in calendar.dates)  # substitute days listed


@given(st.dates(datetime.date(2023, 1, 1), datetime.date(2027, 12, 31)))
def test_every_listed_year_gives_every_date_a_day(date: datetime.date) -> None:
    day = day_of(date.isoformat())
    assert day is not None
    assert (day == "bank_holiday") == (date.isoformat() in bank_holidays().dates)


def test_a_dated_closure_gets_its_day_and_a_given_day_stands() -> None:
    setup = {"access": {"closures": [
        {"route": "premises", "date": "2025-12-26", "from": "08:00", "until": "18:30"},
        {"route": "telephone", "date": "2025-11-12", "day": "wednesday"},
        {"route": "online", "day": "monday"},
        {"route": "premises", "date": "2030-06-03"},
    ]}, "nhs111": {}}
    before = repr(setup)
    assert with_closure_days(setup) == {"access": {"closures": [
        {"route": "premises", "date": "2025-12-26", "day": "bank_holiday", "from": "08:00", "until": "18:30"},
        {"route": "telephone", "date": "2025-11-12", "day": "wednesday"},
        {"route": "online", "day": "monday"},
        {"route": "premises", "date": "2030-06-03"},
    ]}, "nhs111": {}}
    assert repr(setup) == before
    assert with_closure_days({"access": {"closures": []}}) == {"access": {"closures": []}}


def test_a_day_that_contradicts_its_date_is_found() -> None:
    assert day_disagrees("2025-12-26", "friday")
    assert day_disagrees("2025-11-12", "weekdays")
    assert not day_disagrees("2025-11-12", "wednesday")
    assert not day_disagrees("2030-06-03", "bank_holiday")  # not known either way
    assert not day_disagrees(None, "monday")
