"""Pure functions over a FactBase: look-ups, filters, ordering and text folding."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from spacefacts.errors import UnknownValueError
from spacefacts.model import (
    FactBase,
    FactIndex,
    JsonRecord,
    Milestone,
    Program,
    Statement,
    Topic,
)

_LAST = (10_000, 0, 0)  # sort key for records without a date: after every dated one


def fold(text: str) -> str:
    """Fold text for matching: case, accents, apostrophes, hyphens and spaces do not count.

    "Chang’e-5", "Chang'e 5", "change5" and "CHANGE 5" all fold to "change5".
    """
    import re  # here, not at import: most runs never fold text

    if text.isascii():  # NFKD changes no ASCII text, and casefold() is lower() there
        return re.sub(r"[\W_]+", "", text.lower())
    import unicodedata

    # [\W_] is exactly "not str.isalnum()" for every code point (checked in test_query).
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKD", text.casefold()))


def _words(text: str) -> set[str]:
    """The folded words of a name: "Xi Jinping" -> {"xi", "jinping"}."""
    return {fold(word) for word in text.split()} - {""}


def close_matches(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known values closest to `value`, best first (for "did you mean ...")."""
    import difflib

    return difflib.get_close_matches(value.casefold(), list(known), n=n, cutoff=0.6)


def lookup(what: str, value: str, names: dict[str, str], shown: Sequence[str]) -> str:
    """Resolve `value` through `names` (folded name -> canonical id) or raise with suggestions."""
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
) -> list[Statement]:
    """Statements in chronological order (undated last), filtered by topic, speaker and text.

    `speaker` matches whole names ("xi" finds Xi Jinping, not Xinhua); `search` is a folded
    substring of the text.
    """
    topic_id = find_topic(factbase, topic).id if topic is not None else None
    speaker_words = _words(speaker) if speaker is not None else None
    search_key = fold(search) if search is not None else None
    index = factbase.index
    if index is not None:
        topics, texts = index.statement_topics, index.statement_text
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
        for s in factbase.statements
        if (topic_id is None or topic_id in s.topics)
        and (speaker_words is None or speaker_words <= _words(s.speaker))
        and (search_key is None or search_key in fold(s.text))
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
        statement_text=[fold(s.text) for s in statements],
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
