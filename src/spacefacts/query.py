"""Questions asked of the compiled fact base: filters, look-ups, relations, anniversaries.

Functions take a db.Database and plain values and return records in their JSON shape; they
print nothing. Filtering and ordering happen in SQL, so a large fact base is never decoded
whole for a short answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spacefacts.db import Database
from spacefacts.errors import BadValueError, UnknownValueError
from spacefacts.model import (
    JsonRecord,
    Kind,
    Status,
    date_parts,
    parse_date,
    record_title,
)
from spacefacts.text import close_matches, fold, fold_words

LUNAR_PROGRAMS = ("change", "crewed-lunar", "ilrs")  # what `lunar` shows after the three steps
AFTER_STEPS = "after-the-three-steps"


def lookup(what: str, value: str, names: dict[str, str], shown: Sequence[str]) -> str:
    """`value` if it is one of `shown`, else the id its folded form names in `names`; raise
    with suggestions if neither. An exact id wins over a folded match."""
    if value in shown:
        return value
    found = names.get(fold(value))
    if found is not None:
        return found
    raise UnknownValueError(what, value, shown, close_matches(value, shown))


def find_topic(database: Database, name: str) -> str:
    ids = database.ids([Kind.topic])
    return lookup("topic", name, {fold(i): i for i in ids}, ids)


def find_program(database: Database, name: str) -> str:
    """The id of the program whose id, name or alias is `name` (folded)."""
    programs = database.select(Kind.program)
    names: dict[str, str] = {}
    for p in programs:
        for label in (p["id"], p["name"], *p["aliases"]):
            names.setdefault(fold(label), p["id"])
    return lookup("program", name, names, [p["id"] for p in programs])


def find_kind(name: str, kinds: Sequence[Kind]) -> Kind:
    """One of `kinds` by its name or plural, in any case ("Milestones" -> milestone)."""
    names: dict[str, str] = {}
    for kind in kinds:
        names[fold(kind.value)] = kind.value
        names[fold(kind.table)] = kind.value
    return Kind(lookup("kind", name, names, [k.value for k in kinds]))


def bound(text: str | None, option: str) -> str | None:
    """A --since/--until value: YYYY, YYYY-MM or YYYY-MM-DD."""
    if text is None:
        return None
    try:
        return parse_date(text.strip())
    except ValueError:
        raise BadValueError(f"{option} {text!r}: give YYYY, YYYY-MM or YYYY-MM-DD") from None


def _date_where(
    column: str, since: str | None, until: str | None, year: int | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if since is not None and until is not None and since[: len(until)] > until:
        raise BadValueError(f"--since {since} is after --until {until}")
    if since is not None:
        where.append(f"{column} >= ?")
        params.append(since)
    if until is not None:  # "2020-05" includes every day of May 2020
        where.append(f"{column} < ?")
        params.append(until + "~")
    if year is not None:
        where.append(f"substr({column}, 1, 4) = ?")
        params.append(f"{year:04d}")
    return where, params


def timeline(
    database: Database,
    program: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    tag: str | None = None,
    status: str | None = None,
    reverse: bool = False,
    limit: int | None = None,
) -> list[JsonRecord]:
    """Milestones in chronological order (date, then id), filtered."""
    where, params = _date_where("date", since, until, year)
    if program is not None:
        where.append("program = ?")
        params.append(find_program(database, program))
    if tag is not None:
        where.append("EXISTS (SELECT 1 FROM json_each(milestone.tags) WHERE value = ?)")
        params.append(tag.strip().lower())
    if status is not None:
        where.append("status = ?")
        params.append(status)
    order = "date DESC, id DESC" if reverse else "date, id"
    return database.select(Kind.milestone, " AND ".join(where), params, order, limit)


def statements(
    database: Database,
    topic: str | None = None,
    speaker: str | None = None,
    search: str | None = None,
    occasion: str | None = None,
    since: str | None = None,
    until: str | None = None,
    reverse: bool = False,
    limit: int | None = None,
) -> list[JsonRecord]:
    """Statements in chronological order (undated last), filtered.

    `speaker` matches whole words of the name ("xi" finds Xi Jinping, not Xinhua); `search`
    uses the search engine (search.py), so `quote --search` finds what `search` finds.
    """
    where, params = _date_where("date", since, until, None)
    if topic is not None:
        where.append("EXISTS (SELECT 1 FROM json_each(statement.topics) WHERE value = ?)")
        params.append(find_topic(database, topic))
    if occasion is not None:
        found = database.by_name(occasion, [Kind.occasion])
        if found is None:
            ids = database.ids([Kind.occasion])
            raise UnknownValueError("occasion", occasion, (), close_matches(occasion, ids))
        where.append("occasion = ?")
        params.append(found)
    records = database.select(
        Kind.statement,
        " AND ".join(where),
        params,
        "date IS NULL, date DESC, seq DESC" if reverse else "date IS NULL, date, seq",
    )
    if speaker is not None:
        wanted = set(fold_words(speaker)) - {""}
        if not wanted:
            raise BadValueError("--speaker needs a name")
        records = [r for r in records if wanted <= set(fold_words(r["speaker"]))]
    if search is not None:
        from spacefacts import search as engine

        matching = engine.matching_ids(database, search, Kind.statement)
        records = [r for r in records if r["id"] in matching]
    return records[:limit] if limit is not None else records


def lunar(database: Database) -> list[JsonRecord]:
    """The three steps in order, then one more entry for what came after them.

    The last entry has `step` null and id "after-the-three-steps": the missions of the lunar
    programs (Chang'e, crewed landing, research station) that belong to no step.
    """
    steps = database.select(Kind.lunar_step, order="step")
    marks = ", ".join("?" * len(LUNAR_PROGRAMS))
    after = database.select(
        Kind.mission,
        f"step IS NULL AND program IN ({marks})",
        LUNAR_PROGRAMS,
        "launch_date IS NULL, launch_date, id",
    )
    if not after:
        return steps
    steps.append(
        {
            "id": AFTER_STEPS,
            "step": None,
            "name": "After the three steps",
            "goal": "What followed the program's three steps: later Chang'e missions, the "
            "crewed landing and the research station (not part of any step).",
            "sources": sorted({s for m in after for s in m["sources"]}),
            "missions": [m["id"] for m in after],
            "origin": "derived",
        }
    )
    return steps


def missions_by_id(database: Database, ids: Sequence[str]) -> dict[str, JsonRecord]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return {m["id"]: m for m in database.select(Kind.mission, f"id IN ({marks})", list(ids))}


def listing(database: Database, kind: Kind, program: str | None = None) -> list[JsonRecord]:
    """Every record of `kind` in file order (missions: by launch date), optionally one program's."""
    if kind is Kind.mission:
        where, params = ("program = ?", [find_program(database, program)]) if program else ("", [])
        return database.select(kind, where, params, "launch_date IS NULL, launch_date, id")
    if kind is Kind.occasion:
        return database.select(kind, order="date IS NULL, date, id")
    return database.select(kind)


def speakers(database: Database) -> list[JsonRecord]:
    """Who is quoted, how often, and the first and last dates."""
    sql = (
        "SELECT speaker, count(*), min(date), max(date) FROM statement "
        "GROUP BY speaker ORDER BY count(*) DESC, speaker"
    )
    return [
        {"speaker": s, "statements": n, "first": first, "last": last}
        for s, n, first, last in database.conn.execute(sql)
    ]


# --- one record in full --------------------------------------------------------------------


def find_record(database: Database, value: str) -> tuple[Kind, JsonRecord]:
    """The record whose id, or a name, title or alias (folded), is `value`."""
    ident = database.by_name(value)
    found = database.get(ident) if ident is not None else None
    if found is None:
        ids = database.ids()
        close = close_matches(value, ids)
        if not close:
            key = fold(value)
            close = [i for i in ids if key and fold(i).startswith(key)][:3]
        raise UnknownValueError("id", value, (), close)
    return found


_RELATION_NAMES = {
    "related": ("related", "related"),
    "outcome": ("outcome", "outcome of"),
    "occasion": ("said at occasion", "statement made here"),
    "milestone": ("said at", "said here"),
    "program": ("program", "belongs here"),
    "topics": ("topic", "statement"),
    "sources": ("cites", "cited by"),
}


def relations(database: Database, kind: Kind, record: JsonRecord) -> list[JsonRecord]:
    """Records linked to `record`, both ways, except the sources it cites (see citations)."""
    found: list[JsonRecord] = []
    seen = {record["id"]}

    def add(ident: str, relation: str) -> None:
        if ident in seen:
            return
        brief = database.brief(ident)
        if brief is None:
            return
        seen.add(ident)
        other, date, title = brief
        found.append(
            {"relation": relation, "kind": other.value, "id": ident, "date": date, "title": title}
        )

    for source, target, field in database.links(record["id"]):
        outward, inward = _RELATION_NAMES.get(field, (field, field))
        if source == record["id"]:
            if field != "sources":
                add(target, outward)
        else:
            add(source, inward)
    if kind is Kind.lunar_step:
        for ident in record["missions"]:
            add(ident, "mission")
    if kind is Kind.mission and record["step"] is not None:
        for step in database.select(Kind.lunar_step, "step = ?", (record["step"],)):
            add(step["id"], "lunar step")
    groups = list(dict.fromkeys(r["relation"] for r in found))
    found.sort(key=lambda r: (groups.index(r["relation"]), r["date"] or "9999", r["id"]))
    return found


def detail(database: Database, kind: Kind, record: JsonRecord) -> JsonRecord:
    """One record in full: its fields, the sources it cites in full, its relations."""
    cited = [] if kind is Kind.source else record.get("sources") or []
    citations = []
    for ident in cited:
        found = database.get(ident)
        if found is not None:
            citations.append(found[1])
    return {
        "kind": kind.value,
        **record,
        "citations": citations,
        "relations": relations(database, kind, record),
    }


# --- on this day ---------------------------------------------------------------------------


def parse_day(text: str, today: str) -> tuple[int, int, int]:
    """(year, month, day) of "MM-DD" (this year) or "YYYY-MM-DD"; raise BadValueError."""
    import calendar

    parts = text.strip().split("-")
    if len(parts) == 2:
        parts = [today[:4], *parts]
    if len(parts) == 3 and all(p.isdigit() and p.isascii() and len(p) < 6 for p in parts):
        year, month, day = (int(p) for p in parts)
        leap_ok = len(text.strip().split("-")) == 2 and (month, day) == (2, 29)
        valid = 1 <= year <= 9999 and 1 <= month <= 12
        if valid and (leap_ok or 1 <= day <= calendar.monthrange(year, month)[1]):
            return year, month, day
    raise BadValueError(f"{text!r} is not a day: give MM-DD or YYYY-MM-DD, e.g. 04-24")


def _dated(database: Database) -> list[tuple[str, str, JsonRecord]]:
    """(kind, date, record) of every dated milestone, statement and mission."""
    found = []
    for kind, column in (
        (Kind.milestone, "date"),
        (Kind.statement, "date"),
        (Kind.mission, "launch_date"),
    ):
        for record in database.select(kind, f"{column} IS NOT NULL"):
            found.append((kind.value, record[column], record))
    return found


def _anniversary(kind: str, date: str, record: JsonRecord, year: int) -> JsonRecord:
    return {
        "kind": kind,
        "id": record["id"],
        "date": date,
        "title": record_title(kind, record),
        "years_ago": year - int(date[:4]),
    }


def on_this_day(
    database: Database, year: int, month: int, day: int, whole_month: bool = False, window: int = 0
) -> list[JsonRecord]:
    """Dated records whose day of the year is within `window` days of `month`-`day`.

    With `whole_month`, records dated only to the month `month` count too.
    """
    import datetime as dt

    wanted = set()
    centre = dt.date(2000, month, day)  # a leap year, so that 02-29 exists
    for offset in range(-window, window + 1):
        other = centre + dt.timedelta(days=offset)
        wanted.add((other.month, other.day))
    found = []
    for kind, date, record in _dated(database):
        _, m, d = date_parts(date)
        if (m, d) in wanted or (whole_month and m == month and d is None):
            found.append((date, record["id"], _anniversary(kind, date, record, year)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in found]


def nearest_anniversaries(database: Database, year: int, month: int, day: int) -> list[JsonRecord]:
    """The closest day-dated anniversaries before and after `month`-`day` (any year)."""
    key = (month, day)
    before: tuple[tuple[int, int], list[JsonRecord]] | None = None
    after: tuple[tuple[int, int], list[JsonRecord]] | None = None
    for kind, date, record in _dated(database):
        _, m, d = date_parts(date)
        if m is None or d is None or (m, d) == key:
            continue
        entry = _anniversary(kind, date, record, year)
        if (m, d) < key:
            if before is None or (m, d) > before[0]:
                before = ((m, d), [entry])
            elif (m, d) == before[0]:
                before[1].append(entry)
        elif after is None or (m, d) < after[0]:
            after = ((m, d), [entry])
        elif (m, d) == after[0]:
            after[1].append(entry)
    return [*(before[1] if before else []), *(after[1] if after else [])]


# --- random and stats ----------------------------------------------------------------------


def pick(
    database: Database,
    kinds: Sequence[Kind] | None = None,
    topic: str | None = None,
    seed: int | None = None,
) -> tuple[Kind, JsonRecord] | None:
    """One milestone, statement or mission at random; the same `seed` gives the same pick."""
    import random

    wanted = list(kinds) if kinds else [Kind.milestone, Kind.statement, Kind.mission]
    if topic is not None:
        if Kind.statement not in wanted:
            raise BadValueError("--topic picks statements; it cannot be used with that --kind")
        pool = [(Kind.statement, r["id"]) for r in statements(database, topic=topic)]
    else:
        pool = [(k, i) for k in wanted for i in database.ids([k])]
    pool.sort(key=lambda pair: pair[1])
    if not pool:
        return None
    kind, ident = random.Random(seed).choice(pool)
    found = database.get(ident)
    return (kind, found[1]) if found else None


def stats(database: Database) -> list[JsonRecord]:
    """Counts by kind, by program and status (milestones), by topic and by decade."""
    rows: list[JsonRecord] = []

    def add(group: str, pairs: Sequence[tuple[str, int]]) -> None:
        rows.extend({"group": group, "value": k, "count": int(n)} for k, n in pairs)

    add("kind", [(k.value, database.count(k)) for k in Kind])
    conn = database.conn
    add("program", list(conn.execute("SELECT id, milestones FROM program ORDER BY seq")))
    add(
        "status",
        list(
            conn.execute("SELECT status, count(*) FROM milestone GROUP BY status ORDER BY 2 DESC")
        ),
    )
    add("topic", list(conn.execute("SELECT id, statements FROM topic ORDER BY seq")))
    decades = conn.execute(
        "SELECT (CAST(substr(date, 1, 4) AS INTEGER) / 10 * 10) || 's', count(*) "
        "FROM milestone GROUP BY 1 ORDER BY 1"
    )
    add("decade", list(decades))
    publishers = conn.execute("SELECT count(DISTINCT publisher) FROM source").fetchone()[0]
    add("sources", [("publishers", publishers)])
    return rows


def planned(record: JsonRecord) -> bool:
    """Not yet done: what the timeline and the chart mark as planned."""
    return record.get("status") == Status.planned.value
