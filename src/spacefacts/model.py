"""Typed, immutable records of the fact base, and their JSON shapes (the documented contract)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

JsonRecord = dict[str, Any]


def type_name(value: object) -> str:
    """How problem messages name a TOML value's type: "a string", "an integer", "a table"."""
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a float"}
    names |= {list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


class Value:
    """__eq__, __hash__ and __repr__ as @dataclass writes them, written once for every record.

    @dataclass compiles these three per class with exec() at import; shared, they save ~3 ms of
    every run's start-up (bench/run.py). dataclasses.fields, replace and asdict work as usual.
    """

    __slots__ = ()

    def _fields(self, flag: str) -> tuple[str, ...]:
        fields = getattr(self, "__dataclass_fields__", {})
        return tuple(name for name, f in fields.items() if getattr(f, flag))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = self._fields("compare")
        return all(getattr(self, n) == getattr(other, n) for n in names)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in self._fields("compare")))

    def __repr__(self) -> str:
        values = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields("repr"))
        return f"{type(self).__qualname__}({values})"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class PartialDate(Value):
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Parse "YYYY", "YYYY-MM", "YYYY-MM-DD" or a TOML date; raise ValueError if impossible."""
        if not isinstance(value, str):
            import datetime as dt  # TOML dates are rare here: pay for datetime only then

            if isinstance(value, dt.datetime):
                raise ValueError("expected a date, not a date-time")
            if isinstance(value, dt.date):
                return cls(value.year, value.month, value.day)
            raise ValueError(f"expected a date string, got {type_name(value)}")
        parts = value.split("-")
        if (
            len(parts) > 3
            or len(parts[0]) != 4
            or any(len(p) != 2 for p in parts[1:])
            or not all(p.isdigit() and p.isascii() for p in parts)
        ):
            raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"{value!r} has no month {month}")
        if day is not None and month is not None:
            import calendar

            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{value!r} is not a day of the calendar")
        return cls(year, month, day)

    @property
    def key(self) -> tuple[int, int, int]:
        """Chronological sort key; a coarser date sorts before the finer dates inside it."""
        return (self.year, self.month or 0, self.day or 0)

    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        return self.iso()


def _iso(date: PartialDate | None) -> str | None:
    return date.iso() if date is not None else None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Source(Value):
    """A publication a record cites."""

    id: str
    title: str
    publisher: str
    author: str | None = None
    published: PartialDate | None = None
    url: str | None = None
    note: str | None = None
    origin: str = ""

    def as_record(self, cited_by: int | None = None) -> JsonRecord:
        """The source's JSON shape; `cited_by` is how many records cite it, when counted."""
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "author": self.author,
            "published": _iso(self.published),
            "url": self.url,
            "note": self.note,
            "cited_by": cited_by,
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Topic(Value):
    """A topic of the controlled vocabulary that statements are tagged with."""

    id: str
    description: str
    origin: str = ""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Program(Value):
    """A space program (Chang'e, Tianwen, ...): milestones belong to one."""

    id: str
    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Milestone(Value):
    """An event of the timeline, dated at the precision its source gives."""

    id: str
    date: PartialDate
    title: str
    summary: str
    program: str
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    origin: str = ""

    def as_record(self) -> JsonRecord:
        return {
            "id": self.id,
            "date": self.date.iso(),
            "title": self.title,
            "summary": self.summary,
            "program": self.program,
            "tags": list(self.tags),
            "sources": list(self.sources),
            "aliases": list(self.aliases),
            "related": list(self.related),
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Statement(Value):
    """An attributed statement: a verbatim quote or reported speech."""

    id: str
    text: str
    speaker: str
    occasion: str
    verbatim: bool
    topics: tuple[str, ...]
    sources: tuple[str, ...]
    date: PartialDate | None = None
    excerpt: str | None = None
    milestone: str | None = None
    origin: str = ""

    def as_record(self) -> JsonRecord:
        return {
            "id": self.id,
            "text": self.text,
            "speaker": self.speaker,
            "date": _iso(self.date),
            "occasion": self.occasion,
            "topics": list(self.topics),
            "verbatim": self.verbatim,
            "sources": list(self.sources),
            "excerpt": self.excerpt,
            "milestone": self.milestone,
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Mission(Value):
    """A lunar mission, part of one step of the lunar program."""

    id: str
    name: str
    step: int
    launch_date: PartialDate | None
    achievements: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    origin: str = ""

    def as_record(self) -> JsonRecord:
        return {
            "id": self.id,
            "name": self.name,
            "step": self.step,
            "launch_date": _iso(self.launch_date),
            "achievements": list(self.achievements),
            "aliases": list(self.aliases),
            "sources": list(self.sources),
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LunarStep(Value):
    """One of the three steps of the lunar program."""

    id: str
    step: int
    name: str
    goal: str
    sources: tuple[str, ...] = ()
    origin: str = ""


class FactIndex(NamedTuple):
    """What the queries filter and sort on, precomputed (by the cache) for a large fact base.

    Positions refer to FactBase.milestones and FactBase.statements; with an index, a query
    decodes only the records it returns (the cache decodes records lazily).
    """

    milestone_order: Sequence[int]  # timeline order: (date, id)
    milestone_program: Sequence[str]
    milestone_year: Sequence[int]
    statement_order: Sequence[int]  # chronological, undated last, file order among equals
    statement_topics: Sequence[tuple[str, ...]]
    statement_speaker: Sequence[str]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FactBase(Value):
    """Every record of one or more fact files, validated; lists keep file order.

    Sequences are tuples when parsed from TOML, lazy sequences when read from the cache.
    """

    files: tuple[str, ...] = ()
    sources: Sequence[Source] = ()
    topics: Sequence[Topic] = ()
    programs: Sequence[Program] = ()
    milestones: Sequence[Milestone] = ()
    statements: Sequence[Statement] = ()
    lunar_steps: Sequence[LunarStep] = ()
    missions: Sequence[Mission] = ()
    index: FactIndex | None = field(default=None, compare=False, repr=False)

    def missions_of(self, step: LunarStep) -> list[Mission]:
        """The missions of a lunar step, in launch order (undated last)."""
        found = [m for m in self.missions if m.step == step.step]
        return sorted(found, key=lambda m: m.launch_date.key if m.launch_date else (9999, 0, 0))

    def step_record(self, step: LunarStep) -> JsonRecord:
        return {
            "step": step.step,
            "id": step.id,
            "name": step.name,
            "goal": step.goal,
            "missions": [m.as_record() for m in self.missions_of(step)],
            "sources": list(step.sources),
            "origin": step.origin,
        }


# The JSON contract: the fields of each record kind, in output order (README.md documents them).
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "milestone": (
        "id", "date", "title", "summary", "program", "tags", "sources", "aliases", "related",
        "origin",
    ),
    "statement": (
        "id", "text", "speaker", "date", "occasion", "topics", "verbatim", "sources", "excerpt",
        "milestone", "origin",
    ),
    "lunar_step": ("step", "id", "name", "goal", "missions", "sources", "origin"),
    "topic": ("id", "description", "statements", "origin"),
    "source": (
        "id", "title", "publisher", "author", "published", "url", "note", "cited_by", "origin",
    ),
    "mission": (
        "id", "name", "step", "launch_date", "achievements", "aliases", "sources", "origin",
    ),
    "hit": ("kind", "id", "date", "title", "snippet", "score"),
    "anniversary": ("kind", "id", "date", "title", "years_ago"),
    "stat": ("group", "value", "count"),
    "problem": ("file", "line", "column", "id", "field", "message"),
}  # fmt: skip


def detail_fields(kind: str) -> tuple[str, ...]:
    """The fields of one record shown in full: its kind's fields, its citations and relations."""
    return ("kind", *RECORD_FIELDS[kind], "citations", "relations")
