"""Questions asked of the compiled fact base: filters, look-ups, relations, anniversaries.

Functions take a db.Database and plain values and return records in their JSON shape; they
print nothing. Filtering and ordering happen in SQL, so a large fact base is never decoded
whole for a short answer.

One rule for every filter (Filters): each may be given several values; values of one filter
combine with OR, different filters with AND. A record dated to a year or a month is in a date
range when its period overlaps the range (dates.overlaps).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from spacefacts.dates import check_range, parts_of
from spacefacts.db import Database, date_where
from spacefacts.errors import BadValueError, UnknownValueError
from spacefacts.model import (
    SCHEMA,
    SEARCHED,
    JsonRecord,
    Kind,
    Status,
    record_date,
    record_title,
)
from spacefacts.text import close_matches, fold, fold_words


def split_values(given: Iterable[str] | None, option: str) -> list[str]:
    """Values of a repeatable option, each of which may hold several separated by commas:
    ["change,tianwen", "shenzhou"] -> ["change", "tianwen", "shenzhou"] (each once). A value
    that names nothing ("", ",") is refused: it must never mean "everything"."""
    found: list[str] = []
    for value in given or ():
        parts = [v.strip() for v in value.split(",") if v.strip()]
        if not parts:
            raise BadValueError(f"{option} {value!r} names nothing: give a value")
        found += parts
    return list(dict.fromkeys(found))


class Filters:
    """What a listing keeps: values of one field are alternatives (OR), fields combine (AND).

    Names as the user gave them; each command resolves those its records have. A range whose
    start is after its end is refused here, once for every command.
    """

    __slots__ = (
        "occasions", "programs", "since", "speakers", "statuses", "tags", "topics", "until",
        "years",
    )  # fmt: skip

    def __init__(
        self,
        *,
        programs: Sequence[str] = (),
        topics: Sequence[str] = (),
        speakers: Sequence[str] = (),
        tags: Sequence[str] = (),
        occasions: Sequence[str] = (),
        statuses: Sequence[str] = (),
        years: Sequence[int] = (),
        since: str | None = None,
        until: str | None = None,
    ) -> None:
        check_range(since, until)
        self.programs, self.topics, self.speakers = programs, topics, speakers
        self.tags, self.occasions, self.statuses = tags, occasions, statuses
        self.years, self.since, self.until = years, since, until


# --- looking values up ---------------------------------------------------------------------


def lookup(what: str, value: str, names: dict[str, str], shown: Sequence[str]) -> str:
    """`value` if it is one of `shown`, else the id its folded form names in `names`; raise
    with suggestions if neither. An exact id wins over a folded match."""
    if value in shown:
        return value
    found = names.get(fold(value))
    if found is not None:
        return found
    close = close_matches(value, shown) or close_matches(fold(value), list(names))
    close = list(dict.fromkeys(names.get(c, c) for c in close))
    raise UnknownValueError(what, value, shown, close)


def find_topic(database: Database, name: str) -> str:
    ids = database.ids([Kind.topic])
    return lookup("topic", name, {fold(i): i for i in ids}, ids)


def find_program(database: Database, name: str) -> str:
    """The id of the program whose id, name or alias is `name` (folded)."""
    programs = database.select(Kind.program)
    names: dict[str, str] = {}
    for p in programs:
        for label in (p["id"], p["name"], p.get("name_zh") or p["id"], *p["aliases"]):
            names.setdefault(fold(label), p["id"])
            names.setdefault(fold(label.partition(" (")[0]), p["id"])
    return lookup("program", name, names, [p["id"] for p in programs])


def find_kind(name: str, kinds: Sequence[Kind]) -> Kind:
    """One of `kinds` by its name or plural, in any case ("Milestones" -> milestone)."""
    names: dict[str, str] = {}
    for kind in kinds:
        names[fold(kind.value)] = kind.value
        names[fold(kind.table)] = kind.value
    return Kind(lookup("kind", name, names, [k.value for k in kinds]))


def parse_years(values: Iterable[str] | None) -> list[int]:
    """`--year` values (repeatable, comma-separated) as years."""
    years = []
    for value in split_values(values, "--year"):
        if not (value.isascii() and value.isdigit() and len(value) == 4 and value != "0000"):
            raise BadValueError(f"--year {value!r}: give a year as YYYY, e.g. 2024")
        years.append(int(value))
    return years


def parse_kinds(values: Iterable[str] | None, allowed: Sequence[Kind] = SEARCHED) -> list[Kind]:
    """`--kind` values (repeatable, comma-separated) as kinds; [] when none is given."""
    return list(dict.fromkeys(find_kind(v, allowed) for v in split_values(values, "--kind")))


def find_occasion(database: Database, name: str) -> str:
    found = database.by_name(name, [Kind.occasion])
    if found is None:
        occasions = database.select(Kind.occasion)
        ids = [o["id"] for o in occasions]
        names = {fold(o["name"]): o["id"] for o in occasions}
        # an occasion is named by what happened there: "Shenzhou-21" suggests the occasions
        # whose id or name has it, before the closest spellings
        part = fold(name)
        holding = [o["id"] for o in occasions if part and part in fold(f"{o['id']} {o['name']}")]
        close = (
            holding[:5]
            or close_matches(name, ids)
            or [names[c] for c in close_matches(fold(name), list(names))]
        )
        raise UnknownValueError("occasion", name, (), close, "See `spacefacts occasions`.")
    return found


SPEAKING = (Kind.speaker, Kind.astronaut, Kind.publisher)  # who a statement's speaker may be


def find_speakers(database: Database, name: str) -> set[str]:
    """The ids of the speakers a --speaker value names: an id, a Chinese name, or whole words
    of a name or alias ("xi" is Xi Jinping, not Xinhua); raise with the closest names (of
    everyone quoted) when none matches."""
    wanted = set(fold_words(name)) - {""}
    if not wanted:
        raise BadValueError("--speaker needs a name")
    quoted = {r[0] for r in database.conn.execute("SELECT DISTINCT speaker FROM statement")}
    labels: dict[str, str] = {}  # a folded name -> the id
    found: set[str] = set()
    for kind in SPEAKING:
        for record in database.select(kind):
            if record["id"] not in quoted:
                continue
            names = [record["id"], record["name"], record.get("name_zh") or ""]
            names += record.get("aliases") or []
            for label in filter(None, names):
                labels.setdefault(fold(label), record["id"])
                if wanted <= set(fold_words(label)) or fold(label) == fold(name):
                    found.add(record["id"])
    if not found:
        close = close_matches(fold(name), list(labels))
        shown = list(dict.fromkeys(labels[c] for c in close))
        raise UnknownValueError("speaker", name, (), shown, "See `spacefacts speakers`.")
    return found


def find_tag(database: Database, kind: Kind, tag: str) -> str:
    tags = sorted(
        {
            row[0]
            for row in database.conn.execute(
                f"SELECT DISTINCT value FROM {kind.value}, json_each({kind.value}.tags)"
            )
        }
    )
    wanted = tag.strip().lower()
    if wanted in tags:
        return wanted
    raise UnknownValueError("tag", tag, (), close_matches(wanted, tags), "See `spacefacts tags`.")


def find_status(value: str) -> str:
    statuses = [s.value for s in Status]
    return lookup("status", value, {fold(s): s for s in statuses}, statuses)


# --- filters in SQL ------------------------------------------------------------------------


def _date_where(column: str, filters: Filters) -> tuple[list[str], list[Any]]:
    return date_where(column, filters.since, filters.until, filters.years)


def _any_of(column: str, values: Sequence[str], in_list: str = "") -> tuple[str, list[Any]]:
    """SQL: `column` is one of `values` (a JSON list column: holds one of them)."""
    marks = ", ".join("?" * len(values))
    if in_list:
        sql = f"EXISTS (SELECT 1 FROM json_each({in_list}.{column}) WHERE value IN ({marks}))"
        return sql, list(values)
    return f"{column} IN ({marks})", list(values)


def timeline(
    database: Database, filters: Filters, reverse: bool = False, limit: int | None = None
) -> tuple[list[JsonRecord], int]:
    """Milestones in chronological order (date, then id), filtered: the first `limit` of them,
    and how many there are in all."""
    where, params = _date_where("date", filters)
    for column, values, in_list in (
        ("program", [find_program(database, p) for p in filters.programs], ""),
        ("tags", [find_tag(database, Kind.milestone, t) for t in filters.tags], "milestone"),
        ("status", [find_status(s) for s in filters.statuses], ""),
    ):
        if values:
            sql, more = _any_of(column, values, in_list)
            where.append(sql)
            params += more
    order = "date DESC, id DESC" if reverse else "date, id"
    found = database.select(Kind.milestone, " AND ".join(where), params, order, limit)
    if limit is None or len(found) < limit:
        return found, len(found)
    return found, database.count(Kind.milestone, " AND ".join(where), params)


def statements(
    database: Database,
    filters: Filters,
    search: str | None = None,
    reverse: bool = False,
    limit: int | None = None,
) -> tuple[list[JsonRecord], int]:
    """Statements in chronological order (undated last), filtered: the first `limit`, and how
    many there are in all.

    A speaker matches by whole words of the name ("xi" finds Xi Jinping, not Xinhua); `search`
    uses the search engine (search.py), so `quote --search` finds what `search` finds.
    """
    where, params = _date_where("date", filters)
    speakers = set().union(*(find_speakers(database, s) for s in filters.speakers))
    for column, values, in_list in (
        ("topics", [find_topic(database, t) for t in filters.topics], "statement"),
        ("occasion", [find_occasion(database, o) for o in filters.occasions], ""),
        ("speaker", sorted(speakers), ""),
    ):
        if values:
            sql, more = _any_of(column, values, in_list)
            where.append(sql)
            params += more
    order = "date IS NULL, date DESC, seq DESC" if reverse else "date IS NULL, date, seq"
    records = database.select(Kind.statement, " AND ".join(where), params, order)
    if search is not None:
        from spacefacts import search as engine

        matching = engine.matching_ids(database, search, Kind.statement)
        records = [r for r in records if r["id"] in matching]
    return (records[:limit] if limit is not None else records), len(records)


def missions(database: Database, filters: Filters) -> list[JsonRecord]:
    """Missions in launch order (undated last), filtered by program, status and dates."""
    where, params = _date_where("launch_date", filters)
    for column, values in (
        ("program", [find_program(database, p) for p in filters.programs]),
        ("status", [find_status(s) for s in filters.statuses]),
    ):
        if values:
            sql, more = _any_of(column, values)
            where.append(sql)
            params += more
    return database.select(Kind.mission, " AND ".join(where), params, SCHEMA[Kind.mission].order)


def lunar(database: Database) -> list[JsonRecord]:
    """The three steps in order, then the record of what came after them (no step), whose
    missions are the step-less missions of the programs it names; left out when it has none."""
    steps = database.select(Kind.lunar_step, order=SCHEMA[Kind.lunar_step].order)
    return [s for s in steps if s["step"] is not None or s["missions"]]


def chinese_names(database: Database) -> dict[str, str]:
    """The Chinese name of every record that has one, by id."""
    found: dict[str, str] = {}
    for kind in Kind:
        if "name_zh" in SCHEMA[kind].field_names:
            sql = f"SELECT id, name_zh FROM {kind.value} WHERE name_zh IS NOT NULL"
            found.update(database.conn.execute(sql))
    return found


def missions_by_id(database: Database, ids: Sequence[str]) -> dict[str, JsonRecord]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return {m["id"]: m for m in database.select(Kind.mission, f"id IN ({marks})", list(ids))}


def listing(database: Database, kind: Kind) -> list[JsonRecord]:
    """Every record of `kind`, in its listing order."""
    return database.select(kind, order=SCHEMA[kind].order)


def speakers(database: Database) -> list[JsonRecord]:
    """Everyone quoted, most quoted first: the speakers, and the astronauts and publishers that
    statements name as their speaker, each in the speaker's JSON shape (an astronaut's role is
    "astronaut", a publisher's its kind, and its organisation itself)."""
    counts = dict(database.conn.execute("SELECT speaker, count(*) FROM statement GROUP BY speaker"))
    found = [s for s in database.select(Kind.speaker) if s["id"] in counts or not counts]
    for kind in (Kind.astronaut, Kind.publisher):
        for record in database.select(kind):
            if record["id"] in counts:
                found.append(_as_speaker(kind, record, counts[record["id"]]))
    found.sort(key=lambda s: (-s["statements"], s["name"], s["id"]))
    return found


def _as_speaker(kind: Kind, record: JsonRecord, statements: int) -> JsonRecord:
    role = "astronaut" if kind is Kind.astronaut else record.get("kind")
    organisation = record["id"] if kind is Kind.publisher else None
    shaped = {f.name: record.get(f.name) for f in SCHEMA[Kind.speaker].fields}
    shaped |= {"role": role, "organisation": organisation, "statements": statements}
    shaped["aliases"] = record.get("aliases") or []
    # a publisher's "sources" is how many it published, not the ids a speaker cites
    cited = record.get("sources") if kind is not Kind.publisher else None
    shaped["sources"] = cited if isinstance(cited, list) else []
    return {**shaped, "origin": record["origin"]}


def sources(database: Database, publishers: Sequence[str] = ()) -> list[JsonRecord]:
    """The sources, of these publishers (or credited to them) if given."""
    wanted = [find_publisher(database, p) for p in publishers]
    if not wanted:
        return listing(database, Kind.source)
    marks = ", ".join("?" * len(wanted))
    where = f"publisher IN ({marks}) OR credit IN ({marks})"
    return database.select(Kind.source, where, [*wanted, *wanted], SCHEMA[Kind.source].order)


def find_publisher(database: Database, name: str) -> str:
    publishers = database.select(Kind.publisher)
    names: dict[str, str] = {}
    for p in publishers:
        for label in (p["id"], p["name"], p.get("name_zh") or "", *(p.get("domains") or ())):
            if label:
                names.setdefault(fold(label), p["id"])
    shown = [p["id"] for p in publishers]
    try:
        return lookup("publisher", name, names, shown if len(shown) <= 20 else [])
    except UnknownValueError as err:
        raise UnknownValueError(
            "publisher", name, (), err.close, "See `spacefacts publishers`."
        ) from None


def tags(database: Database) -> list[JsonRecord]:
    """Every tag of the milestones, with how many milestones have it."""
    sql = (
        "SELECT value, count(*) FROM milestone, json_each(milestone.tags) "
        "GROUP BY value ORDER BY count(*) DESC, value"
    )
    return [{"tag": t, "milestones": n} for t, n in database.conn.execute(sql)]


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
        raise UnknownValueError("id", value, (), close, "See `spacefacts search WORDS`.")
    return found


_RELATION_NAMES = {
    "related": ("related", "related"),
    "outcome": ("outcome", "outcome of"),
    "occasion": ("said at occasion", "statement made here"),
    "milestone": ("said at", "said here"),
    "program": ("program", "belongs here"),
    "programs": ("gathers program", "gathered in"),
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
        for mission in record["missions"]:
            add(mission["id"], "mission")
    if kind is Kind.mission:
        for step in lunar(database):
            if any(m["id"] == record["id"] for m in step["missions"]):
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
        "date": record_date(kind, record),
        "citations": citations,
        "relations": relations(database, kind, record),
    }


# --- on this day ---------------------------------------------------------------------------


def _dated(
    database: Database, kinds: Sequence[Kind] = (), programs: Sequence[str] = ()
) -> list[tuple[Kind, str, JsonRecord]]:
    """(kind, date, record) of every dated record of `kinds` (default: all dated kinds but
    sources), of `programs` if given (statements have none: left out then)."""
    found = []
    wanted = [find_program(database, p) for p in programs]
    for kind in kinds or SEARCHED:
        column = SCHEMA[kind].date
        assert column is not None
        where, params = f"{column} IS NOT NULL", list(wanted)
        if wanted:
            if "program" not in SCHEMA[kind].field_names:
                continue
            where += f" AND program IN ({', '.join('?' * len(wanted))})"
        for record in database.select(kind, where, params):
            found.append((kind, record[column], record))
    return found


def _anniversary(kind: Kind, date: str, record: JsonRecord, year: int) -> JsonRecord:
    return {
        "kind": kind.value,
        "id": record["id"],
        "date": date,
        "title": record_title(kind, record),
        "years_ago": year - int(date[:4]),
    }


def on_this_day(
    database: Database,
    year: int,
    month: int,
    day: int,
    whole_month: bool = False,
    window: int = 0,
    kinds: Sequence[Kind] = (),
    programs: Sequence[str] = (),
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
    for kind, date, record in _dated(database, kinds, programs):
        _, m, d = parts_of(date)
        if (m, d) in wanted or (whole_month and m == month and d is None):
            found.append((date, record["id"], _anniversary(kind, date, record, year)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in found]


def nearest_anniversaries(
    database: Database,
    year: int,
    month: int,
    day: int,
    kinds: Sequence[Kind] = (),
    programs: Sequence[str] = (),
) -> list[JsonRecord]:
    """The closest day-dated anniversaries before and after `month`-`day` (any year)."""
    key = (month, day)
    before: tuple[tuple[int, int], list[JsonRecord]] | None = None
    after: tuple[tuple[int, int], list[JsonRecord]] | None = None
    for kind, date, record in _dated(database, kinds, programs):
        _, m, d = parts_of(date)
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
    kinds: Sequence[Kind] = (),
    topics: Sequence[str] = (),
    seed: int | None = None,
) -> tuple[Kind, JsonRecord] | None:
    """One milestone, statement or mission at random; the same `seed` gives the same pick."""
    import random

    wanted = list(kinds) or list(SEARCHED)
    if topics:
        if Kind.statement not in wanted:
            raise BadValueError("--topic picks statements; it cannot be used with that --kind")
        chosen, _ = statements(database, Filters(topics=topics))
        pool = [(Kind.statement, r["id"]) for r in chosen]
    else:
        pool = [(k, i) for k in wanted for i in database.ids([k])]
    pool.sort(key=lambda pair: pair[1])
    if not pool:
        return None
    kind, ident = random.Random(seed).choice(pool)
    found = database.get(ident)
    return (kind, found[1]) if found else None


def stats(database: Database) -> list[JsonRecord]:
    """How current the facts are (group "as_of": the date, and the records), then counts by
    kind, by program and status (milestones), by topic and by decade."""
    rows: list[JsonRecord] = []

    def add(group: str, pairs: Sequence[tuple[str, int]]) -> None:
        rows.extend({"group": group, "value": k, "count": int(n)} for k, n in pairs)

    conn = database.conn
    as_of = conn.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()
    if as_of and as_of[0]:  # how current the facts are, and how many records are that current
        add("as_of", [(as_of[0], sum(database.count(k) for k in Kind))])
    add("kind", [(k.value, database.count(k)) for k in Kind])
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


# --- what is next --------------------------------------------------------------------------


def upcoming(database: Database, filters: Filters, today: str) -> list[JsonRecord]:
    """Planned milestones and missions, soonest first (a date at a coarser precision sorts by
    its first day; undated last); those whose date has passed come first, marked overdue."""
    from spacefacts.dates import first_day, last_day

    found: list[tuple[tuple[int, str, str], JsonRecord]] = []
    for kind in (Kind.milestone, Kind.mission):
        where, params = "status = ?", [Status.planned.value]
        programs = [find_program(database, p) for p in filters.programs]
        if programs:
            where += f" AND program IN ({', '.join('?' * len(programs))})"
            params += programs
        for record in database.select(kind, where, params):
            date = record_date(kind, record)
            overdue = date is not None and last_day(date) < today
            in_days = None
            if date is not None and len(date) == 10 and not overdue:
                import datetime as dt

                in_days = (dt.date.fromisoformat(date) - dt.date.fromisoformat(today)).days
            entry = {
                "kind": kind.value,
                "id": record["id"],
                "date": date,
                "title": record_title(kind, record).removesuffix(Status.planned.mark),
                "program": record["program"],
                "in_days": in_days,
                "overdue": overdue,
                "sources": record["sources"],
            }
            order = (0 if overdue else 1, first_day(date) if date else "9999", record["id"])
            found.append((order, entry))
    found.sort(key=lambda pair: pair[0])
    return [entry for _, entry in found]
