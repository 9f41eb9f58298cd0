"""The day of a dated closure: a day of the week, or a bank holiday in England and Wales.

Core hours are 08:00-18:30, Monday to Friday, except bank holidays. A closure given by its
date (a training afternoon) is turned into the ``day`` the rules test before any rule sees
it: the weekday's name, ``saturday``/``sunday``, or ``bank_holiday``. Durable_rules has no
date type, so this is computed here, in Python, like the engine's other derived values.
A weekday in a year the bank-holiday list does not cover is left unknown: gpca then asks
for the closure's day rather than guessing that it is not a bank holiday.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from msgspec import Struct

BANK_HOLIDAYS_FILE = Path(__file__).with_name("bank-holidays.yaml")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BANK_HOLIDAY = "bank_holiday"


class BankHolidays(Struct, frozen=True):
    first_year: int
    last_year: int
    dates: frozenset[str]
    source: str


@functools.cache
def bank_holidays() -> BankHolidays:
    # The file ships inside the package and is read once; yaml reads its dates as dates.
    data = yaml.safe_load(BANK_HOLIDAYS_FILE.read_text(encoding="utf-8"))
    dates = frozenset(day.isoformat() for day in data["dates"])
    return BankHolidays(data["first_year"], data["last_year"], dates, data["source"])


def day_of(date: str) -> str | None:
    """The closure day of an ISO date, or None when it cannot be known (a weekday in a year
    whose bank holidays are not listed, or text that is not a date)."""
    try:
        day = datetime.date.fromisoformat(date)
    except (TypeError, ValueError):
        return None
    name = DAY_NAMES[day.weekday()]
    if day.weekday() >= 5:
        return name  # a weekend day is outside core hours whatever the list says
    calendar = bank_holidays()
    if not calendar.first_year <= day.year <= calendar.last_year:
        return None
    return BANK_HOLIDAY if date in calendar.dates else name


def with_closure_days(setup: Mapping[str, Any]) -> Mapping[str, Any]:
    """``setup.access.closures`` with the day of each dated closure that gives no day of its
    own; the plan's own ``day``, where given, stands (validation checks that it agrees)."""
    access = setup.get("access")
    closures = access.get("closures") if isinstance(access, dict) else None
    if not isinstance(closures, list) or not any(_needs_day(item) for item in closures):
        return setup
    dated = [_with_day(item) if _needs_day(item) else item for item in closures]
    return {**setup, "access": {**access, "closures": dated}}


def _needs_day(item: Any) -> bool:
    return isinstance(item, dict) and item.get("date") is not None and item.get("day") is None


def _with_day(item: dict[str, Any]) -> dict[str, Any]:
    day = day_of(item["date"])
    return item if day is None else {**item, "day": day}


def day_disagrees(date: Any, day: Any) -> bool:
    """Whether a closure's own ``day`` contradicts its ``date`` (where the date's day is known)."""
    known = day_of(date) if isinstance(date, str) else None
    return known is not None and day is not None and day != known


def day_words(date: str) -> str:
    """The date's day in words, for a message: "a Monday", "a bank holiday"."""
    day = day_of(date)
    return "a bank holiday" if day == BANK_HOLIDAY else f"a {str(day).capitalize()}"
