"""Which records become anniversaries in the calendar export, and how each one reads.

One event per thing per day: a mission's launch and the milestone about that launch (same day,
same program, the milestone names the mission or relates to it) are one event citing the
sources of both. Every summary says the year it happened: "Shenzhou-5: China's first crewed
flight (2003)". Records dated only to a month or a year, planned and cancelled ones, are left
out and counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacefacts.dates import parts_of
from spacefacts.errors import BadValueError
from spacefacts.factbase import Records
from spacefacts.ics import Event
from spacefacts.model import SCHEMA, JsonRecord, Kind, Status, record_date, record_title, status_of
from spacefacts.serialise import citation
from spacefacts.text import fold_words

CALENDAR_KINDS = (Kind.milestone, Kind.mission, Kind.statement, Kind.occasion)


def parse_alarm(text: str) -> tuple[int, int]:
    """--alarm HH:MM: the time of day of the reminder."""
    hours, _, minutes = text.strip().partition(":")
    if hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
        h, m = int(hours), int(minutes)
        if 0 <= h <= 23 and 0 <= m <= 59:
            return h, m
    raise BadValueError(f"--alarm {text!r}: give a time of day as HH:MM, e.g. 09:00")


def events(
    records: Records, kinds: Sequence[Kind], programs: Iterable[str]
) -> tuple[list[Event], dict[str, int]]:
    """The events of the chosen kinds and programs, and what was left out, counted by why."""
    for kind in kinds:
        if kind not in CALENDAR_KINDS:
            held = ", ".join(k.table for k in CALENDAR_KINDS[:-1])
            raise BadValueError(f"--kind {kind.value}: a calendar holds {held} and occasions")
    wanted = set(programs)
    sources = {s["id"]: s for s in records[Kind.source]}
    names = {p["id"]: p["name"].partition(" (")[0] for p in records[Kind.program]}
    left_out = {"dated to a month or a year": 0, "planned": 0, "cancelled": 0, "undated": 0}
    dated: list[tuple[Kind, JsonRecord, tuple[int, int, int]]] = []
    for kind in kinds or (Kind.milestone, Kind.mission):
        for record in records[kind]:
            if wanted and record.get("program") not in wanted:
                continue
            date = record_date(kind, record)
            status = status_of(record)
            if not status.happened:  # a failed launch still has its anniversary
                left_out[status.value] += 1
            elif not date:
                left_out["undated"] += 1
            elif len(date) < 10:
                left_out["dated to a month or a year"] += 1
            else:
                year, month, day = parts_of(date)
                assert month is not None and day is not None
                dated.append((kind, record, (year, month, day)))
    merged = _merge(dated)
    found = [_event(group, sources, names) for group in merged]
    return found, left_out


def _merge(
    dated: list[tuple[Kind, JsonRecord, tuple[int, int, int]]],
) -> list[list[tuple[Kind, JsonRecord, tuple[int, int, int]]]]:
    """Groups of one thing: a milestone and the mission it is about, on the same day."""
    missions = {
        (record["program"], day): (kind, record, day)
        for kind, record, day in dated
        if kind is Kind.mission
    }
    taken: set[str] = set()
    groups: list[list[tuple[Kind, JsonRecord, tuple[int, int, int]]]] = []
    for kind, record, day in dated:
        if kind is not Kind.milestone:
            continue
        mission = missions.get((record["program"], day))
        if mission is not None and mission[1]["id"] not in taken and _about(record, mission[1]):
            taken.add(mission[1]["id"])
            groups.append([(kind, record, day), mission])
        else:
            groups.append([(kind, record, day)])
    groups += [
        [(kind, record, day)]
        for kind, record, day in dated
        if kind is not Kind.milestone and record["id"] not in taken
    ]
    groups.sort(key=lambda g: (g[0][2], g[0][1]["id"]))
    return groups


def _about(milestone: JsonRecord, mission: JsonRecord) -> bool:
    """Whether a milestone is about a mission: it relates to it, or its title names it."""
    if mission["id"] in (milestone.get("related") or ()):
        return True
    name = fold_words(mission["name"])
    title = fold_words(milestone["title"])
    return any(title[i : i + len(name)] == name for i in range(len(title) - len(name) + 1))


def _event(
    group: list[tuple[Kind, JsonRecord, tuple[int, int, int]]],
    sources: dict[str, JsonRecord],
    names: dict[str, str],
) -> Event:
    kind, record, day = group[0]
    title = record_title(kind, record)
    about: list[str] = []
    cited: list[JsonRecord] = []
    for part_kind, part, _ in group:
        if part_kind is Kind.mission:
            about += part.get("achievements") or []
        about.append(part.get("summary") or part.get("text") or "")
        cited += [sources[s] for s in part.get("sources") or [] if s in sources]
    if len(group) > 1:
        mission = group[1][1]
        if not set(fold_words(mission["name"])) <= set(fold_words(title)):
            title = f"{mission['name']}: {title}"
    cited = list({s["id"]: s for s in cited}.values())
    program = record.get("program")
    lines = [*dict.fromkeys(a for a in about if a), *(f"Source: {citation(s)}" for s in cited)]
    return Event(
        uid="+".join(f"{k.value}-{r['id']}" for k, r, _ in group),
        date=day,
        summary=f"{title} ({day[0]})",
        description="\n".join(lines),
        categories=(str(names.get(program, program)),) if program else (),
        url=next((s["url"] for s in cited if _web(s.get("url"))), None),
    )


def _web(url: object) -> bool:
    """Only web addresses go into a calendar (never javascript:, data: or file:)."""
    return isinstance(url, str) and url.lower().startswith(("https://", "http://"))


__all__ = ["SCHEMA", "Status", "events", "parse_alarm"]
