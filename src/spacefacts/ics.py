"""Anniversaries as an iCalendar file (RFC 5545): one all-day, yearly VEVENT per event.

Written by hand (no dependency): TEXT escaping (3.3.11), CRLF line ends and folding at 75 octets
without splitting a UTF-8 character (3.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CALNAME", "Alarm", "Event", "calendar"]

CALNAME = "China space anniversaries (spacefacts)"
UID_DOMAIN = "@spacefacts"
_FOLD_OCTETS = 75  # per physical line, CRLF excluded; a continuation's leading space counts


@dataclass(frozen=True, slots=True)
class Event:
    """One anniversary: the first occurrence's date (year, month, day), repeated every year."""

    uid: str
    date: tuple[int, int, int]
    summary: str
    description: str = ""
    categories: tuple[str, ...] = ()
    url: str | None = None


Alarm = tuple[int, int]
"""A reminder at this (hour, minute) of the day of the event."""


def _clean(text: str) -> str:
    """Line ends as newlines; other control characters (but tab) removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in text if ch in "\t\n" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F)
    )


def _text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545 3.3.11)."""
    value = _clean(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def _date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, only ever between characters."""
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
    for ch in line:
        octets = len(ch.encode("utf-8"))
        if size + octets > _FOLD_OCTETS:
            pieces.append("".join(piece))
            piece, size = [], 1  # the continuation line's leading space
        piece.append(ch)
        size += octets
    pieces.append("".join(piece))
    return "\r\n ".join(pieces)


def _event(event: Event, stamp: str, alarm: Alarm | None = None) -> list[str]:
    start = dt.date(*event.date)
    # Feb 29 recurs on the last day of February, so the anniversary is kept in common years too
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" if (start.month, start.day) == (2, 29) else ""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(event.uid)}{UID_DOMAIN}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(start)}",
        "DURATION:P1D",  # not DTEND: the day after 9999-12-31 has no date
        f"RRULE:{rule or 'FREQ=YEARLY'}",
        f"SUMMARY:{_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{_text(event.description)}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(_text(c) for c in event.categories))
    url = "".join(_clean(event.url or "").split())  # a URI: no escaping, but no whitespace
    if url.lower().startswith(("https://", "http://")):  # never javascript:, data:, file:
        lines.append(f"URL:{url}")
    lines.append("TRANSP:TRANSPARENT")
    if alarm is not None:
        hours, minutes = alarm
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_text(event.summary)}",
            f"TRIGGER;RELATED=START:PT{hours}H{minutes}M",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def calendar(
    events: Sequence[Event],
    prodid: str = "-//spacefacts//spacefacts//EN",
    stamp: dt.datetime | None = None,
    alarm: Alarm | None = None,
    description: str | None = None,
) -> str:
    """The VCALENDAR text, CRLF line ends included.

    `stamp` is every DTSTAMP (a naive value is taken as UTC); pass one for reproducible output,
    the default is now. Raises ValueError on an invalid date or a repeated uid.
    """
    when = stamp or dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    stamp_text = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_text(prodid)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(CALNAME)}",
    ]
    if description:  # what the calendar is, and how current (Apple, Google, Thunderbird show it)
        lines.append(f"X-WR-CALDESC:{_text(description)}")
    seen: set[str] = set()
    for event in events:
        uid = _text(event.uid)  # compared as written: "a" and "a\x07" would be one UID
        if uid in seen:
            raise ValueError(f"repeated event uid {event.uid!r}")
        seen.add(uid)
        lines += _event(event, stamp_text, alarm)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
