"""Pickup deadlines count the days the pickup library is open (ARCHITECTURE §5)."""

from __future__ import annotations

from datetime import date, timedelta, timezone

from ..catalogue.libraries import Libraries

JST = timezone(timedelta(hours=9), "JST")  # the library's days are Japan's days
MAX_SEARCH_DAYS = 366  # a library closed for a year is a data error, not a reason to loop


def pickup_deadline(libraries: Libraries, library_id: str, ready_on: date, open_days: int) -> date:
    """The last day to collect: the `open_days`-th day the library is open after `ready_on`."""
    day, counted = ready_on, 0
    for _ in range(MAX_SEARCH_DAYS):
        day += timedelta(days=1)
        if libraries.is_open(library_id, day):
            counted += 1
            if counted == open_days:
                return day
    raise ValueError(f"{library_id} has no {open_days} open days within a year of {ready_on}")
