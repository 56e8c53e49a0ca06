"""Dates: the one parser of the fact base's dates and of every date given on the command line.

A date is a string at the precision its source gives: "YYYY", "YYYY-MM" or "YYYY-MM-DD", in
Beijing time. Such a date stands for a period (a year, a month, a day); a range filter keeps a
record when its period overlaps the range, so "2026" is in `--since 2026-06`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from spacefacts.errors import BadValueError

if TYPE_CHECKING:
    import datetime

ENV_TODAY = "SPACEFACTS_TODAY"
MIN_YEAR, MAX_YEAR = 1, 9999

Parts = tuple[int, int | None, int | None]
"""(year, month or None, day or None) of a checked date."""


def type_name(value: object) -> str:
    """How messages name a TOML value's type: "a string", "an integer", "a table"."""
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a float"}
    names |= {list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def parse_date(value: object) -> str:
    """A date as "YYYY", "YYYY-MM" or "YYYY-MM-DD" (checked); raise ValueError if it is not."""
    if not isinstance(value, str):
        import datetime as dt

        if isinstance(value, dt.datetime):
            raise ValueError("expected a date, not a date-time")
        if isinstance(value, dt.date):
            return value.isoformat()
        raise ValueError(f"expected a date string, got {type_name(value)}")
    parts = value.split("-")
    if (
        len(parts) > 3
        or len(parts[0]) != 4
        or any(len(p) != 2 for p in parts[1:])
        or not all(p.isdigit() and p.isascii() for p in parts)
    ):
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(p) for p in (*parts, "0", "0")[:3])
    if year < MIN_YEAR:
        raise ValueError(f"{value!r} has no year 0: years run from 0001")
    if len(parts) > 1 and not 1 <= month <= 12:
        raise ValueError(f"{value!r} has no month {month}")
    if len(parts) > 2 and not 1 <= day <= days_in_month(year, month):
        raise ValueError(f"{value!r} is not a day of the calendar")
    return value


def days_in_month(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


def parts_of(iso: str) -> Parts:
    """(year, month or None, day or None) of a checked date string."""
    parts = [int(p) for p in iso.split("-")]
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


def first_day(iso: str) -> str:
    """The first day of the period a date stands for: "2026" -> "2026-01-01"."""
    return (iso + "-01-01")[:10] if len(iso) == 4 else (iso + "-01")[:10]


def last_day(iso: str) -> str:
    """The last day of the period a date stands for: "2024-02" -> "2024-02-29"."""
    year, month, day = parts_of(iso)
    if day is not None:
        return iso
    if month is None:
        return f"{year:04d}-12-31"
    return f"{year:04d}-{month:02d}-{days_in_month(year, month):02d}"


def bound(text: str | None, option: str) -> str | None:
    """A --since/--until value: YYYY, YYYY-MM or YYYY-MM-DD; BadValueError otherwise."""
    if text is None:
        return None
    try:
        return parse_date(text.strip())
    except ValueError:
        raise BadValueError(f"{option} {text!r}: give YYYY, YYYY-MM or YYYY-MM-DD") from None


def check_range(since: str | None, until: str | None) -> None:
    """--since after --until is a usage error (compared at the coarser precision)."""
    if since is not None and until is not None and first_day(since) > last_day(until):
        raise BadValueError(f"--since {since} is after --until {until}")


def overlaps(iso: str, since: str | None, until: str | None) -> bool:
    """Whether the period of `iso` overlaps the range from `since` to `until` (either open)."""
    if since is not None and last_day(iso) < first_day(since):
        return False
    return until is None or first_day(iso) <= last_day(until)


def parse_day(text: str, today: str) -> tuple[int, int, int]:
    """(year, month, day) of "MM-DD" (this year) or "YYYY-MM-DD"; raise BadValueError."""
    given = text.strip().split("-")
    parts = [today[:4], *given] if len(given) == 2 else given
    if len(parts) == 3 and all(p.isdigit() and p.isascii() and len(p) < 6 for p in parts):
        year, month, day = (int(p) for p in parts)
        leap_ok = len(given) == 2 and (month, day) == (2, 29)
        valid = MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12
        if valid and (leap_ok or 1 <= day <= days_in_month(year, month)):
            return year, month, day
    raise BadValueError(f"{text!r} is not a day: give MM-DD or YYYY-MM-DD, e.g. 04-24")


def today() -> str:
    """Today's date in Beijing time, as the fact base's dates are; or $SPACEFACTS_TODAY
    (YYYY-MM-DD), for tests and reproducible runs (a malformed value is a usage error).

    Beijing time, not the local date: on a launch day the record is dated by Beijing's
    calendar, which is a day ahead of the Americas for part of the day.
    """
    given = os.environ.get(ENV_TODAY)
    if given:
        try:
            if len(given) == 10:
                return parse_date(given)
        except ValueError:
            pass
        raise BadValueError(f"{ENV_TODAY}={given!r}: give a day as YYYY-MM-DD")
    import datetime as dt

    beijing = dt.timezone(dt.timedelta(hours=8))
    return now().astimezone(beijing).date().isoformat()


def now() -> datetime.datetime:
    """The current instant (tests replace it, to run at any time and in any zone)."""
    import datetime as dt

    return dt.datetime.now(dt.UTC)
