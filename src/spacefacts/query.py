"""Pure functions over a FactBase: look-ups, filters, ordering and text folding."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from spacefacts.errors import BadValueError, UnknownValueError
from spacefacts.model import (
    FactBase,
    FactIndex,
    JsonRecord,
    LunarStep,
    Milestone,
    Mission,
    PartialDate,
    Program,
    Source,
    Statement,
    Topic,
)

if TYPE_CHECKING:
    import datetime as dt

_LAST = (10_000, 0, 0)  # sort key for records without a date: after every dated one


# Every ASCII character that is not a letter or a digit, to delete.
_ASCII_NOT_ALNUM = dict.fromkeys(i for i in range(128) if not chr(i).isalnum())


def fold(text: str) -> str:
    """Fold text for matching: case, accents, apostrophes, hyphens and spaces do not count.

    "Chang’e-5", "Chang'e 5", "change5" and "CHANGE 5" all fold to "change5".
    """
    if text.isascii():  # NFKD changes no ASCII text, and casefold() is lower() there
        return text.lower().translate(_ASCII_NOT_ALNUM)  # one C call: 2.5x re.sub
    import re  # here, not at import: most runs never fold text
    import unicodedata

    # [\W_] is exactly "not str.isalnum()" for every code point (checked in test_query).
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKD", text.casefold()))


def _words(text: str) -> set[str]:
    """The folded words of a name: "Xi Jinping" -> {"xi", "jinping"}."""
    return {fold(word) for word in text.split()} - {""}


def close_matches(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known values closest to `value`, best first (for "did you mean ...")."""
    import difflib

    return difflib.get_close_matches(value.casefold(), list(known), n=n, cutoff=0.7)


def lookup(what: str, value: str, names: dict[str, str], shown: Sequence[str]) -> str:
    """`value` if it is one of the ids `shown`, else the id its folded form names in `names`
    (folded name -> id); raise with suggestions if neither. An exact id wins over a folded
    match: ids such as "a-1" and "a1" fold alike."""
    if value in shown:
        return value
    found = names.get(fold(value))
    if found is not None:
        return found
    raise UnknownValueError(what, value, shown, close_matches(value, shown))


def find_topic(factbase: FactBase, name: str) -> Topic:
    """The topic called `name`, case-insensitively."""
    topics = {t.id: t for t in factbase.topics}
    names = {fold(t): t for t in topics}
    return topics[lookup("topic", name, names, list(topics))]


def find_program(factbase: FactBase, name: str) -> Program:
    """The program whose id, name or one of its aliases is `name` (folded)."""
    programs = {p.id: p for p in factbase.programs}
    names: dict[str, str] = {}
    for program in factbase.programs:
        for label in (program.id, program.name, *program.aliases):
            names.setdefault(fold(label), program.id)
    return programs[lookup("program", name, names, list(programs))]


def timeline(
    factbase: FactBase,
    program: str | None = None,
    since: int | None = None,
    until: int | None = None,
    limit: int | None = None,
) -> list[Milestone]:
    """Milestones in chronological order, filtered by program and by year (inclusive)."""
    wanted = find_program(factbase, program).id if program is not None else None
    index = factbase.index
    if index is not None:
        programs, years = index.milestone_program, index.milestone_year
        hits = (
            i
            for i in index.milestone_order
            if (wanted is None or programs[i] == wanted)
            and (since is None or years[i] >= since)
            and (until is None or years[i] <= until)
        )
        return [factbase.milestones[i] for i in islice(hits, limit)]
    found = [
        m
        for m in factbase.milestones
        if (wanted is None or m.program == wanted)
        and (since is None or m.date.year >= since)
        and (until is None or m.date.year <= until)
    ]
    if limit is not None and limit < len(found) // 8:
        import heapq  # a partial sort: `--limit 10` of 100,000 need not sort them all

        return heapq.nsmallest(limit, found, key=_milestone_order)
    found.sort(key=_milestone_order)
    return found[:limit] if limit is not None else found


def statements(
    factbase: FactBase,
    topic: str | None = None,
    speaker: str | None = None,
    search: str | None = None,
    folded_texts: Sequence[str] | None = None,
) -> list[Statement]:
    """Statements in chronological order (undated last), filtered by topic, speaker and text.

    `speaker` matches whole names ("xi" finds Xi Jinping, not Xinhua); `search` is a folded
    substring of the text. `folded_texts`, fold(text) of every statement in file order (as the
    search index keeps them), spares folding, and for a cached fact base decoding, every one.
    """
    topic_id = find_topic(factbase, topic).id if topic is not None else None
    speaker_words = _words(speaker) if speaker is not None else None
    search_key = fold(search) if search is not None else None
    texts: Sequence[str] = ()
    if search_key is not None:
        texts = folded_texts or [fold(s.text) for s in factbase.statements]
    index = factbase.index
    if index is not None:
        topics = index.statement_topics
        speakers = {name: _words(name) for name in set(index.statement_speaker)}
        return [
            factbase.statements[i]
            for i in index.statement_order
            if (topic_id is None or topic_id in topics[i])
            and (speaker_words is None or speaker_words <= speakers[index.statement_speaker[i]])
            and (search_key is None or search_key in texts[i])
        ]
    found = [
        s
        for i, s in enumerate(factbase.statements)
        if (topic_id is None or topic_id in s.topics)
        and (speaker_words is None or speaker_words <= _words(s.speaker))
        and (search_key is None or search_key in texts[i])
    ]
    found.sort(key=_statement_order)
    return found


def _statement_order(statement: Statement) -> tuple[int, int, int]:
    return statement.date.key if statement.date else _LAST


def _milestone_order(milestone: Milestone) -> tuple[tuple[int, int, int], str]:
    return (milestone.date.key, milestone.id)


def build_index(factbase: FactBase) -> FactIndex:
    """Precompute what timeline and statements filter and sort on (stored by the cache)."""
    milestones, statements = factbase.milestones, factbase.statements
    milestone_keys = [_milestone_order(m) for m in milestones]
    statement_keys = [_statement_order(s) for s in statements]
    return FactIndex(
        milestone_order=sorted(range(len(milestones)), key=milestone_keys.__getitem__),
        milestone_program=[m.program for m in milestones],
        milestone_year=[m.date.year for m in milestones],
        statement_order=sorted(range(len(statements)), key=statement_keys.__getitem__),
        statement_topics=[s.topics for s in statements],
        statement_speaker=[s.speaker for s in statements],
    )


def lunar_steps(factbase: FactBase) -> list[JsonRecord]:
    """The lunar program's steps in order, each with its missions in launch order."""
    return [factbase.step_record(s) for s in sorted(factbase.lunar_steps, key=lambda s: s.step)]


def topics(factbase: FactBase) -> list[JsonRecord]:
    """The topic vocabulary, in file order, with how many statements each has."""
    counts = dict.fromkeys((t.id for t in factbase.topics), 0)
    index = factbase.index
    every = index.statement_topics if index else (s.topics for s in factbase.statements)
    for statement_topics in every:
        for topic in statement_topics:
            counts[topic] = counts.get(topic, 0) + 1
    return [
        {"id": t.id, "description": t.description, "statements": counts[t.id], "origin": t.origin}
        for t in factbase.topics
    ]


def find_kind(name: str, kinds: Sequence[str]) -> str:
    """One of `kinds`, by its name or plural, case-insensitively ("Milestones" -> "milestone")."""
    names: dict[str, str] = {}
    for kind in kinds:
        names[fold(kind)] = kind
        names[fold(kind) + "s"] = kind
    return lookup("kind", name, names, kinds)


# --- one record in full --------------------------------------------------------------------

Model = Milestone | Statement | Mission | LunarStep | Source


def records_by_id(factbase: FactBase) -> dict[str, tuple[str, Model]]:
    """Every record `show` can print, by id, with its kind."""
    found: dict[str, tuple[str, Model]] = {}
    groups: tuple[tuple[str, Iterable[Model]], ...] = (
        ("milestone", factbase.milestones),
        ("statement", factbase.statements),
        ("mission", factbase.missions),
        ("lunar_step", factbase.lunar_steps),
        ("source", factbase.sources),
    )
    for kind, records in groups:
        for record in records:
            found[record.id] = (kind, record)
    return found


def find_record(factbase: FactBase, value: str) -> tuple[str, Model]:
    """The record whose id, or a milestone's title, a mission's name or an alias, is `value`.

    Matching is folded: "change5", "Chang'e 5" and "嫦娥五号" all find the mission change-5.
    """
    records = records_by_id(factbase)
    names = {fold(ident): ident for ident in records}
    # A mission's name wins over a milestone's alias: "嫦娥五号" is the probe itself.
    for mission in factbase.missions:
        for label in (mission.name, *mission.aliases):
            names.setdefault(fold(label), mission.id)
    for milestone in factbase.milestones:
        for label in (milestone.title, *milestone.aliases):
            names.setdefault(fold(label), milestone.id)
    found = names.get(fold(value))
    if found is None:
        raise UnknownValueError("id", value, (), close_matches(value, list(records)))
    return records[found]


def record_date(record: Model) -> PartialDate | None:
    """A record's date: a milestone's or statement's, a mission's launch, a source's."""
    if isinstance(record, Milestone | Statement):
        return record.date
    if isinstance(record, Mission):
        return record.launch_date
    if isinstance(record, Source):
        return record.published
    return None


def shorten(text: str, width: int = 90) -> str:
    """`text` cut at a word boundary to at most about `width` characters, with "…"."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > width // 2 else width].rstrip(" ,;:") + "…"


def statement_title(statement: Statement) -> str:
    """A statement as a one-line title: its speaker and the start of its text."""
    return f"{statement.speaker}: {shorten(statement.text)}"


def record_title(record: Model) -> str:
    """A record as a one-line title: a milestone's or source's title, a name, a statement."""
    if isinstance(record, Statement):
        return statement_title(record)
    if isinstance(record, Milestone | Source):
        return record.title
    return record.name


def brief(kind: str, record: Model, relation: str) -> JsonRecord:
    """A record named in another's `relations`: how it relates, and enough to find it."""
    date = record_date(record)
    return {
        "relation": relation,
        "kind": kind,
        "id": record.id,
        "date": date.iso() if date else None,
        "title": record_title(record),
    }


def _citing_kinds(
    factbase: FactBase,
) -> tuple[Iterable[Milestone | Statement | LunarStep | Mission], ...]:
    """The kinds of records that cite sources."""
    return factbase.milestones, factbase.statements, factbase.missions, factbase.lunar_steps


def citation_counts(factbase: FactBase) -> dict[str, int]:
    """How many records (milestones, statements, lunar steps, missions) cite each source."""
    counts = dict.fromkeys((s.id for s in factbase.sources), 0)
    for group in _citing_kinds(factbase):
        for record in group:
            for source in set(record.sources):
                counts[source] = counts.get(source, 0) + 1
    return counts


def sources(factbase: FactBase) -> list[JsonRecord]:
    """Every source in file order, with how many records cite it."""
    counts = citation_counts(factbase)
    return [s.as_record(counts.get(s.id, 0)) for s in factbase.sources]


def relations(factbase: FactBase, kind: str, record: Model) -> list[JsonRecord]:
    """The records related to `record`, through the ids stored in the fact base, both ways."""
    records = records_by_id(factbase)
    found: list[JsonRecord] = []
    seen: set[str] = {record.id}

    def add(ident: str, relation: str) -> None:
        if ident not in seen and ident in records:
            seen.add(ident)
            found.append(brief(*records[ident], relation))

    if isinstance(record, Statement) and record.milestone:
        add(record.milestone, "said at")
    if isinstance(record, Milestone):
        for statement in factbase.statements:
            if statement.milestone == record.id:
                add(statement.id, "statement made here")
        for ident in record.related:
            add(ident, "related")
    if isinstance(record, Mission):
        for step in factbase.lunar_steps:
            if step.step == record.step:
                add(step.id, "lunar step")
    if isinstance(record, LunarStep):
        for mission in factbase.missions_of(record):
            add(mission.id, "mission")
    for milestone in factbase.milestones:
        if record.id in milestone.related:
            add(milestone.id, "related")
    if isinstance(record, Source):
        for group in _citing_kinds(factbase):
            for citing in group:
                if record.id in citing.sources:
                    add(citing.id, "cites it")
    return found


def detail(factbase: FactBase, kind: str, record: Model) -> JsonRecord:
    """One record in full: its fields, the full record of each source it cites, its relations."""
    counts = citation_counts(factbase)
    by_id = {s.id: s for s in factbase.sources}
    cited = () if isinstance(record, Source) else record.sources
    # the record in its kind's JSON shape, the same as the listing commands print
    if isinstance(record, LunarStep):
        own = factbase.step_record(record)
    elif isinstance(record, Source):
        own = record.as_record(counts.get(record.id, 0))
    else:
        own = record.as_record()
    return {
        "kind": kind,
        **own,
        "citations": [by_id[s].as_record(counts.get(s, 0)) for s in cited if s in by_id],
        "relations": relations(factbase, kind, record),
    }


# --- on this day ---------------------------------------------------------------------------


def parse_day(text: str, today: dt.date) -> tuple[int, int, int]:
    """(year, month, day) of "MM-DD" (this year) or "YYYY-MM-DD"; raise BadValueError."""
    import calendar

    parts = text.strip().split("-")
    if len(parts) == 2:
        parts = [str(today.year), *parts]
    ok = len(parts) == 3 and all(p.isdigit() and p.isascii() for p in parts)
    if ok:
        year, month, day = (int(p) for p in parts)
        # 02-29 is an anniversary even in a year without one: check it against a leap year.
        leap_ok = len(text.strip().split("-")) == 2 and (month, day) == (2, 29)
        if 1 <= month <= 12 and (leap_ok or 1 <= day <= calendar.monthrange(year, month)[1]):
            return year, month, day
    raise BadValueError(f"{text!r} is not a day: give MM-DD or YYYY-MM-DD, e.g. 04-24")


def on_this_day(
    factbase: FactBase, year: int, month: int, day: int, whole_month: bool = False
) -> list[JsonRecord]:
    """Dated records whose month and day are `month` and `day`, oldest first, as anniversaries.

    With `whole_month`, records dated only to the month `month` are listed too.
    """
    dated: list[tuple[str, Model, PartialDate | None]] = [
        *(("milestone", m, m.date) for m in factbase.milestones),
        *(("statement", s, s.date) for s in factbase.statements),
        *(("mission", m, m.launch_date) for m in factbase.missions),
    ]
    found = []
    for kind, record, date in dated:
        if date is None or date.month != month:
            continue
        if date.day == day or (whole_month and date.day is None):
            found.append((date.key, record.id, kind, record, date))
    found.sort(key=lambda item: (item[0], item[1]))
    return [
        {
            "kind": kind,
            "id": record.id,
            "date": date.iso(),
            "title": record_title(record),
            "years_ago": year - date.year,
        }
        for _, _, kind, record, date in found
    ]


# --- random and stats ----------------------------------------------------------------------


def pick(
    factbase: FactBase,
    kinds: Sequence[str] | None = None,
    topic: str | None = None,
    seed: int | None = None,
) -> tuple[str, Model] | None:
    """One milestone, statement or mission at random; the same `seed` gives the same pick."""
    import random

    wanted = set(kinds) if kinds else {"milestone", "statement", "mission"}
    pool = [(k, r) for k, r in records_by_id(factbase).values() if k in wanted]
    if topic is not None:  # only statements have topics
        topic_id = find_topic(factbase, topic).id
        pool = [(k, r) for k, r in pool if isinstance(r, Statement) and topic_id in r.topics]
    pool.sort(key=lambda pair: pair[1].id)  # file order must not change what a seed picks
    if not pool:
        return None
    return random.Random(seed).choice(pool)


def stats(factbase: FactBase) -> list[JsonRecord]:
    """Counts by kind, by program (milestones), by topic (statements) and by decade (milestones)."""
    rows: list[JsonRecord] = []

    def add(group: str, counts: dict[str, int]) -> None:
        rows.extend({"group": group, "value": k, "count": n} for k, n in counts.items())

    add(
        "kind",
        {
            "milestone": len(factbase.milestones),
            "statement": len(factbase.statements),
            "mission": len(factbase.missions),
            "lunar_step": len(factbase.lunar_steps),
            "source": len(factbase.sources),
            "program": len(factbase.programs),
            "topic": len(factbase.topics),
        },
    )
    programs = dict.fromkeys((p.id for p in factbase.programs), 0)
    decades: dict[str, int] = {}
    for milestone in sorted(factbase.milestones, key=lambda m: m.date.key):
        programs[milestone.program] = programs.get(milestone.program, 0) + 1
        decade = f"{milestone.date.year // 10 * 10}s"
        decades[decade] = decades.get(decade, 0) + 1
    add("program", programs)
    add("topic", {t["id"]: t["statements"] for t in topics(factbase)})
    add("decade", decades)
    return rows
