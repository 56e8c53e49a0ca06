"""The anniversaries calendar, read back by a small strict RFC 5545 parser written here.

The parser unfolds lines, splits properties and unescapes TEXT; it rejects what RFC 5545 forbids
(bare LF, a line over 75 octets, an unknown escape), so a pass means a strict client reads it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from spacefacts.ics import CALNAME, Event, calendar

STAMP = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
HOSTILE = "a,b;c\\d\nnew"
LONG_CJK = "嫦娥六号" * 20 + " 月球背面采样返回"

EVENTS = (
    Event(
        uid="dfh-1",
        date=(1970, 4, 24),
        summary="Dongfanghong-1, China's first satellite",
        description="Launched from Jiuquan on a Long March 1.\nIt played 'The East Is Red'.",
        categories=("milestone", "satellite"),
        url="https://example.org/dfh-1",
    ),
    Event(
        uid="change-6",
        date=(2024, 6, 2),
        summary=LONG_CJK,
        description=LONG_CJK + "Chang'e 6",
        categories=("lunar", "嫦娥"),
    ),
    Event(
        uid="hostile",
        date=(2003, 10, 15),
        summary=HOSTILE,
        description="\x1b[31mred\x07 and\r\ncrlf\ttab",
        categories=(HOSTILE, "plain"),
    ),
    Event(uid="leap", date=(2024, 2, 29), summary="A leap day", description=""),
)

Property = tuple[str, dict[str, str], str]


def parse(text: str) -> list[Property]:
    """Physical lines -> unfolded content lines -> (NAME, params, raw value)."""
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    for raw in physical:
        assert b"\n" not in raw and b"\r" not in raw, raw
        assert len(raw) <= 75, (len(raw), raw)
        raw.decode("utf-8")  # a fold never splits a multi-byte character
    lines: list[str] = []
    for raw in physical:
        line = raw.decode("utf-8")
        if line.startswith((" ", "\t")):
            assert lines, "a continuation line needs a line to continue"
            lines[-1] += line[1:]
        else:
            lines.append(line)
    props: list[Property] = []
    for line in lines:
        head, sep, value = line.partition(":")  # no quoted parameter values are written
        assert sep, line
        name, *params = head.split(";")
        assert name and name == name.upper() and name.replace("-", "").isalnum(), name
        props.append((name, dict(p.split("=", 1) for p in params), value))
    return props


def unescape(value: str) -> str:
    """RFC 5545 3.3.11 TEXT; an unknown escape or a bare ';' or ',' fails."""
    out: list[str] = []
    chars = iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            assert nxt in "\\;,nN", f"bad escape \\{nxt}"
            out.append("\n" if nxt in "nN" else nxt)
        else:
            assert ch not in ";,", f"unescaped {ch!r} in {value!r}"
            out.append(ch)
    return "".join(out)


def split_list(value: str) -> list[str]:
    """A TEXT list: split on commas that are not escaped, then unescape each item."""
    items, current, escaped = [], "", False
    for ch in value:
        if escaped:
            current += "\\" + ch
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            items.append(unescape(current))
            current = ""
        else:
            current += ch
    return [*items, unescape(current)]


def events_of(props: list[Property]) -> list[dict[str, tuple[dict[str, str], str]]]:
    """The VEVENT components, each as NAME -> (params, value); a property appears once."""
    assert props[0] == ("BEGIN", {}, "VCALENDAR")
    assert props[-1] == ("END", {}, "VCALENDAR")
    found: list[dict[str, tuple[dict[str, str], str]]] = []
    current: dict[str, tuple[dict[str, str], str]] | None = None
    for name, params, value in props[1:-1]:
        if (name, value) == ("BEGIN", "VEVENT"):
            assert current is None
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            assert name not in current, name
            current[name] = (params, value)
    assert current is None
    return found


def as_date(value: str) -> dt.date:
    return dt.datetime.strptime(value, "%Y%m%d").date()


@pytest.fixture(scope="module")
def output() -> str:
    return calendar(EVENTS, stamp=STAMP)


def test_lines_end_in_crlf_and_fold_within_75_octets(output: str) -> None:
    parse(output)  # the assertions are in the parser
    assert "\n" not in output.replace("\r\n", "")


def test_the_calendar_header(output: str) -> None:
    props = {name: value for name, _, value in parse(output)[:7]}
    assert props["VERSION"] == "2.0"
    assert unescape(props["PRODID"]) == "-//spacefacts//spacefacts//EN"
    assert props["CALSCALE"] == "GREGORIAN"
    assert unescape(props["X-WR-CALNAME"]) == CALNAME == "China space anniversaries (spacefacts)"


def test_every_event_has_the_required_properties_and_a_unique_uid(output: str) -> None:
    found = events_of(parse(output))
    assert len(found) == len(EVENTS)
    for event in found:
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event)
        assert event["DTSTAMP"][1] == "20260101T120000Z"
        assert event["TRANSP"][1] == "TRANSPARENT"
    uids = [unescape(event["UID"][1]) for event in found]
    assert uids == [
        "dfh-1@spacefacts",
        "change-6@spacefacts",
        "hostile@spacefacts",
        "leap@spacefacts",
    ]
    assert len(set(uids)) == len(uids)


def test_dates_round_trip_as_yearly_all_day_events(output: str) -> None:
    for given, event in zip(EVENTS, events_of(parse(output)), strict=True):
        params, value = event["DTSTART"]
        assert params == {"VALUE": "DATE"}
        assert as_date(value) == dt.date(*given.date)
        assert event["DURATION"][1] == "P1D"  # one whole day (DTEND would overflow 9999-12-31)
        assert "DTEND" not in event
    rules = [event["RRULE"][1] for event in events_of(parse(output))]
    assert rules[:3] == ["FREQ=YEARLY"] * 3
    assert rules[3] == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"  # Feb 29: last day of February


def test_text_escaping_round_trips(output: str) -> None:
    dfh, change, hostile, leap = events_of(parse(output))
    assert unescape(hostile["SUMMARY"][1]) == HOSTILE
    assert hostile["SUMMARY"][1] == "a\\,b\\;c\\\\d\\nnew"
    assert split_list(hostile["CATEGORIES"][1]) == [HOSTILE, "plain"]
    assert unescape(dfh["DESCRIPTION"][1]).endswith("\nIt played 'The East Is Red'.")
    assert dfh["URL"][1] == "https://example.org/dfh-1"
    assert "URL" not in change
    assert "DESCRIPTION" not in leap  # nothing to say: no empty property


def test_control_characters_are_stripped(output: str) -> None:
    hostile = events_of(parse(output))[2]
    assert unescape(hostile["DESCRIPTION"][1]) == "[31mred and\ncrlf\ttab"
    assert not any(ord(ch) < 0x20 and ch not in "\r\n\t" for ch in output)


def test_long_chinese_text_folds_between_characters(output: str) -> None:
    change = events_of(parse(output))[1]
    assert unescape(change["SUMMARY"][1]) == LONG_CJK
    assert unescape(change["DESCRIPTION"][1]) == LONG_CJK + "Chang'e 6"
    assert split_list(change["CATEGORIES"][1]) == ["lunar", "嫦娥"]
    folded = [line for line in output.split("\r\n") if line.startswith(" ")]
    assert len(folded) >= 4
    # 3-octet characters: a folded line is cut 73..75 octets in, never shorter
    lines = output.split("\r\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("SUMMARY:嫦娥"))
    assert lines[first] == "SUMMARY:" + LONG_CJK[:22]
    assert all(73 <= len(line.encode()) <= 75 for line in lines[first : first + 3])


def test_a_repeated_uid_or_an_invalid_date_is_an_error() -> None:
    with pytest.raises(ValueError, match="repeated"):
        calendar([EVENTS[0], EVENTS[0]], stamp=STAMP)
    with pytest.raises(ValueError):
        calendar([Event(uid="x", date=(2023, 2, 29), summary="no such day")], stamp=STAMP)


def test_the_stamp_defaults_to_now_in_utc() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    (event,) = events_of(parse(calendar([EVENTS[0]])))
    stamp = dt.datetime.strptime(event["DTSTAMP"][1], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert before <= stamp <= dt.datetime.now(dt.UTC)


def test_the_icalendar_library_reads_it_too(output: str) -> None:
    icalendar = pytest.importorskip("icalendar")
    cal = icalendar.Calendar.from_ical(output)
    found = list(cal.walk("VEVENT"))
    assert str(found[0]["UID"]) == "dfh-1@spacefacts"
    assert [e.decoded("DTSTART") for e in found] == [dt.date(*e.date) for e in EVENTS]
    assert str(found[1]["SUMMARY"]) == LONG_CJK
    assert str(found[2]["SUMMARY"]) == HOSTILE
    assert found[0]["RRULE"]["FREQ"] == ["YEARLY"]
