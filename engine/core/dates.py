"""Date arithmetic that cannot overflow: plans may say 9999-12-31, and the calendar ends there.

A day past the last (or before the first) date Python can hold is taken as that date:
"after the end of time" and "the end of time" compare the same way against any date a plan
or rule can write, so no verdict depends on the difference.
"""

from __future__ import annotations

import datetime
import functools


def shift_days(day: str, days: int) -> str:
    """``day`` (YYYY-MM-DD) moved by ``days``, held within 0001-01-01 .. 9999-12-31."""
    start = datetime.date.fromisoformat(day)
    try:
        return (start + datetime.timedelta(days=int(days))).isoformat()
    except OverflowError:
        return (datetime.date.max if int(days) > 0 else datetime.date.min).isoformat()


def shift_months(day: str, months: int) -> str:
    """``day`` moved by whole calendar months, on the same day or the month's last day."""
    start = datetime.date.fromisoformat(day)
    month_index = start.year * 12 + start.month - 1 + int(months)
    year, month = divmod(month_index, 12)
    if year > datetime.MAXYEAR:
        return datetime.date.max.isoformat()
    if year < datetime.MINYEAR:
        return datetime.date.min.isoformat()
    last_day = _days_in_month(year, month + 1)
    return start.replace(year=year, month=month + 1, day=min(start.day, last_day)).isoformat()


def _days_in_month(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


@functools.lru_cache(maxsize=4096)  # a report words the same few dates again and again
def long_date(day: str | None) -> str:
    """'2025-10-01' -> '1 October 2025'; anything unparseable is shown as given."""
    if not day:
        return ""
    try:
        parsed = datetime.date.fromisoformat(day)
    except ValueError:
        return day
    return f"{parsed.day} {parsed:%B %Y}"


def span_words(start: str | None, end: str | None) -> str:
    """An inclusive period in words: '1 April 2026 to 31 March 2027', 'from 1 April 2026'."""
    if start and end:
        return f"{long_date(start)} to {long_date(end)}"
    if start:
        return f"from {long_date(start)}"
    if end:
        return f"until {long_date(end)}"
    return "always"
