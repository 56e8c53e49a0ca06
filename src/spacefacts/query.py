"""Pure functions over a FactBase: look-ups, filters, ordering and text folding."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from spacefacts.errors import UnknownValueError
from spacefacts.model import FactBase, JsonRecord, Milestone, Program, Statement, Topic

_LAST = (10_000, 0, 0)  # sort key for records without a date: after every dated one


def fold(text: str) -> str:
    """Fold text for matching: case, accents, apostrophes, hyphens and spaces do not count.

    "Chang’e-5", "Chang'e 5", "change5" and "CHANGE 5" all fold to "change5".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


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
    found = [
        m
        for m in factbase.milestones
        if (wanted is None or m.program == wanted)
        and (since is None or m.date.year >= since)
        and (until is None or m.date.year <= until)
    ]
    found.sort(key=lambda m: (m.date.key, m.id))
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
    found = [
        s
        for s in factbase.statements
        if (topic_id is None or topic_id in s.topics)
        and (speaker_words is None or speaker_words <= _words(s.speaker))
        and (search_key is None or search_key in fold(s.text))
    ]
    found.sort(key=lambda s: s.date.key if s.date else _LAST)
    return found


def lunar_steps(factbase: FactBase) -> list[JsonRecord]:
    """The lunar program's steps in order, each with its missions in launch order."""
    return [factbase.step_record(s) for s in sorted(factbase.lunar_steps, key=lambda s: s.step)]


def topics(factbase: FactBase) -> list[JsonRecord]:
    """The topic vocabulary, in file order, with how many statements each has."""
    counts = dict.fromkeys((t.id for t in factbase.topics), 0)
    for statement in factbase.statements:
        for topic in statement.topics:
            counts[topic] = counts.get(topic, 0) + 1
    return [
        {"id": t.id, "description": t.description, "statements": counts[t.id], "origin": t.origin}
        for t in factbase.topics
    ]
