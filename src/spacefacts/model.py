"""The schema: one definition per record kind, from which everything else is derived.

The loader and the validator (factbase), the SQLite tables and the JSON contract (db), the
table columns (render), the fact-file writer (store) and the reference in docs/ all read
SCHEMA. A record is a plain dict in its kind's JSON shape (JsonRecord): the fields of SCHEMA
in order, then "origin".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

JsonRecord = dict[str, Any]


class Kind(StrEnum):
    """A kind of record. Its value is the JSON name; `table` is its [[table]] in a fact file."""

    source = "source"
    topic = "topic"
    program = "program"
    occasion = "occasion"
    milestone = "milestone"
    statement = "statement"
    lunar_step = "lunar_step"
    mission = "mission"

    @property
    def table(self) -> str:
        return f"{self.value}s"

    @classmethod
    def from_table(cls, name: str) -> Kind | None:
        """The kind whose [[table]] is `name` ("milestones" -> milestone), or None."""
        return next((k for k in cls if k.table == name), None)


class Status(StrEnum):
    """Whether a dated thing happened: the timeline marks anything but `done`."""

    done = "done"
    planned = "planned"
    active = "active"  # launched and still working (missions)
    failed = "failed"
    cancelled = "cancelled"


# Field types: how a TOML value is checked and stored.
TEXT, TEXTS, DATE, INT, BOOL, STATUS = "text", "texts", "date", "int", "bool", "status"
REF, REFS = "ref", "refs"  # an id, a list of ids, of the kinds in Field.to (empty: any kind)


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record kind."""

    name: str
    type: str
    required: bool = False
    to: tuple[Kind, ...] = ()  # the kinds a ref/refs field points to; () for any
    derived: bool = False  # computed when loading (JSON only): never written in a fact file
    help: str = ""

    @property
    def is_list(self) -> bool:
        return self.type in (TEXTS, REFS)


def _f(name: str, type_: str, help_: str, *, req: bool = False, to: tuple[Kind, ...] = ()) -> Field:
    return Field(name, type_, req, to, False, help_)


def _derived(name: str, type_: str, help_: str) -> Field:
    return Field(name, type_, False, (), True, help_)


_ID = _f("id", TEXT, "Unique, stable kebab-case id.", req=True)
_SOURCES = _f("sources", REFS, "Ids of the sources it cites.", req=True, to=(Kind.source,))
_ALIASES = _f("aliases", TEXTS, "Other names (Chinese names, abbreviations).")
_STATUS = _f("status", STATUS, "done, planned, active, failed or cancelled (default done).")

SCHEMA: dict[Kind, tuple[Field, ...]] = {
    Kind.source: (
        _ID,
        _f("title", TEXT, "Title of the work.", req=True),
        _f("publisher", TEXT, "Who published it.", req=True),
        _f("author", TEXT, "Who wrote it."),
        _f("published", DATE, "Publication date."),
        _f("url", TEXT, "Where to read it."),
        _f("note", TEXT, "What it supports: the sentence, the date as the source gives it."),
        _derived("cited_by", INT, "How many records cite it."),
    ),
    Kind.topic: (
        _ID,
        _f("description", TEXT, "What statements on this topic are about.", req=True),
        _derived("statements", INT, "How many statements have this topic."),
    ),
    Kind.program: (
        _ID,
        _f("name", TEXT, "Full name.", req=True),
        _f("description", TEXT, "One sentence."),
        _ALIASES,
        _derived("milestones", INT, "How many milestones belong to it."),
        _derived("missions", INT, "How many missions belong to it."),
    ),
    Kind.occasion: (
        _ID,
        _f("name", TEXT, "What the occasion was: a message, a meeting, a talk.", req=True),
        _f("date", DATE, "When (Beijing time)."),
        _f("milestone", REF, "The milestone it belongs to.", to=(Kind.milestone,)),
        _SOURCES,
        _derived("statements", INT, "How many statements were made at it."),
    ),
    Kind.milestone: (
        _ID,
        _f("date", DATE, "YYYY, YYYY-MM or YYYY-MM-DD, Beijing time.", req=True),
        _f("title", TEXT, "One line.", req=True),
        _f("summary", TEXT, "One to three sentences.", req=True),
        _f("program", REF, "The program it belongs to.", req=True, to=(Kind.program,)),
        _STATUS,
        _f("tags", TEXTS, "Free lowercase words."),
        _SOURCES,
        _ALIASES,
        _f("related", REFS, "Ids of related records of any kind."),
        _f("outcome", REF, "What became of a plan or expectation.", to=(Kind.milestone,)),
    ),
    Kind.statement: (
        _ID,
        _f("text", TEXT, "The words (verbatim) or their content (reported).", req=True),
        _f("speaker", TEXT, "Who said it.", req=True),
        _f("date", DATE, "When; taken from the occasion when it has one."),
        _f("occasion", REF, "The occasion it was said at.", to=(Kind.occasion,)),
        _f("topics", REFS, "Topics of the vocabulary.", req=True, to=(Kind.topic,)),
        _f("verbatim", BOOL, "true: the source quotes these exact words.", req=True),
        _SOURCES,
        _f("excerpt", TEXT, "The source's sentence it is taken from."),
        _f("milestone", REF, "The milestone it was said at.", to=(Kind.milestone,)),
        _derived("occasion_name", TEXT, "The occasion's name."),
    ),
    Kind.lunar_step: (
        _ID,
        _f("step", INT, "1, 2 or 3.", req=True),
        _f("name", TEXT, "Name of the step.", req=True),
        _f("goal", TEXT, "What the step set out to do.", req=True),
        _SOURCES,
        _derived("missions", TEXTS, "Ids of its missions, in launch order."),
    ),
    Kind.mission: (
        _ID,
        _f("name", TEXT, "Name of the craft or flight.", req=True),
        _f("program", REF, "The program it belongs to.", req=True, to=(Kind.program,)),
        _f("type", TEXT, "orbiter, lander and rover, crewed spacecraft, ..."),
        _f("step", INT, "The lunar step (1-3) it belongs to, for the three-step missions."),
        _STATUS,
        _f("launch_date", DATE, "Launch date (Beijing time)."),
        _f("end_date", DATE, "Landing, return or end date (Beijing time)."),
        _f("crew", TEXTS, "Astronauts aboard."),
        _f("achievements", TEXTS, "Key achievements, one phrase each."),
        _ALIASES,
        _SOURCES,
    ),
}

# What JSON records of the listing commands carry besides the kinds above.
EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "hit": ("kind", "id", "date", "title", "snippet", "score"),
    "anniversary": ("kind", "id", "date", "title", "years_ago"),
    "stat": ("group", "value", "count"),
    "problem": ("file", "line", "column", "id", "field", "message", "severity"),
    "speaker": ("speaker", "statements", "first", "last"),
}


def fields_of(kind: str) -> tuple[str, ...]:
    """The JSON fields of a kind, in output order (the documented contract)."""
    if kind in EXTRA_FIELDS:
        return EXTRA_FIELDS[kind]
    return (*(f.name for f in SCHEMA[Kind(kind)]), "origin")


def detail_fields(kind: str) -> tuple[str, ...]:
    """One record shown in full: its kind's fields, its citations and relations."""
    return ("kind", *fields_of(kind), "citations", "relations")


def stored(kind: Kind) -> tuple[Field, ...]:
    """The fields a fact file holds for `kind` (not the derived ones)."""
    return tuple(f for f in SCHEMA[kind] if not f.derived)


def type_name(value: object) -> str:
    """How problem messages name a TOML value's type: "a string", "an integer", "a table"."""
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
    if len(parts) > 1 and not 1 <= month <= 12:
        raise ValueError(f"{value!r} has no month {month}")
    if len(parts) > 2:
        import calendar

        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise ValueError(f"{value!r} is not a day of the calendar")
    return value


def date_parts(iso: str) -> tuple[int, int | None, int | None]:
    """(year, month or None, day or None) of a checked date string."""
    parts = [int(p) for p in iso.split("-")]
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


def record_date(kind: str, record: JsonRecord) -> str | None:
    """The date a record is placed at: a milestone's, a mission's launch, a source's."""
    if kind == "mission":
        return record.get("launch_date")
    if kind == "source":
        return record.get("published")
    return record.get("date")


def record_title(kind: str, record: JsonRecord) -> str:
    """A record as a one-line title."""
    if kind == "statement":
        from spacefacts.text import shorten

        return f"{record['speaker']}: {shorten(record['text'], 90)}"
    title = str(record.get("title") or record.get("name") or record.get("id"))
    status = record.get("status")
    return f"{title} ({status})" if status in ("planned", "failed", "cancelled") else title
