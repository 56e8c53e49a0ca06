"""`spacefacts export`: the fact base as a fact file, CSV, an SQLite database or a calendar."""

import os
from pathlib import Path

from spacefacts import factbase, paths, store
from spacefacts.cli import say, settings
from spacefacts.cli.files import write_output
from spacefacts.errors import BadValueError, WriteError
from spacefacts.model import JsonRecord, Kind, fields_of


def run(
    fmt: str,
    only: store.Only | None,
    kinds: list[str],
    programs: list[str],
    bom: bool,
    output: str | None,
) -> None:
    files = settings().files()
    records = store.select(factbase.load(files), only)
    if fmt in ("toml", "json"):
        _fact_file(files, records, fmt, only, output)
    elif fmt == "csv":
        _csv(records, [_kind(k) for k in kinds], bom, output)
    elif fmt == "sqlite":
        _sqlite(records, output)
    else:
        _ics(records, [_kind(k) for k in kinds], programs, output)


def _kind(name: str) -> Kind:
    from spacefacts.query import find_kind

    return find_kind(name, list(Kind))


def _fact_file(
    files: list[factbase.FactFile],
    records: factbase.Records,
    fmt: str,
    only: store.Only | None,
    output: str | None,
) -> None:
    text = store.export_text(records, fmt, only)
    loaded = [f for f in files if output is not None and paths.same_file(Path(output), f.path)]
    if loaded:
        # Onto a fact file in use: only if the fact base stays valid with it.
        problems = factbase.check(files, {loaded[0].path: text.encode("utf-8")}, strict=True)[1]
        if fmt != "toml" or any(p.severity == "error" for p in problems):
            raise WriteError(
                f"refusing to write {output}: it is a fact file in use, and this export "
                "would leave a fact base that does not load"
            )
    write_output(output, text, check_loaded=False)


def _csv(records: factbase.Records, kinds: list[Kind], bom: bool, output: str | None) -> None:
    from spacefacts.render import Format, Output, serialise

    chosen = kinds or list(Kind)
    # a directory: one that exists, a path ending in "/", or a new path for several kinds
    directory = output is not None and (
        output.endswith(os.sep)
        or Path(output).is_dir()
        or (
            len(chosen) > 1
            and not Path(output).exists()
            and paths.output_descriptor(output) is None
        )
    )
    if not directory and len(chosen) != 1:
        raise BadValueError(
            "--format csv writes one file per kind: give --output DIRECTORY, or one --kind"
        )
    out = Output(Format.csv)
    for kind in chosen:
        names = list(fields_of(kind.value))
        text = serialise([{n: r.get(n) for n in names} for r in records[kind]], names, out)
        data = ("\ufeff" if bom else "") + text
        if directory:
            assert output is not None
            folder = Path(output)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise WriteError(f"cannot create {output}: {err.strerror or err}") from None
            write_output(str(folder / f"{kind.table}.csv"), data)
        else:
            write_output(output, data)


def _sqlite(records: factbase.Records, output: str | None) -> None:
    import sys
    import tempfile

    from spacefacts import db, search

    if output is None and sys.stdout.isatty():
        raise BadValueError("an SQLite database is binary: give --output FILE")
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "facts.sqlite"
        conn = db.compile_records(records, target)
        database = db.Database(conn, [])
        database.ensure_lookups()  # the whole compiled form: links, names, search index
        search.ensure_index(database)
        conn.close()
        write_output(output, target.read_bytes())


def _ics(
    records: factbase.Records, kinds: list[Kind], programs: list[str], output: str | None
) -> None:
    """Day-dated records as yearly all-day events; the others are counted on stderr."""
    import datetime as dt

    from spacefacts import ics, query
    from spacefacts.model import date_parts, record_date, record_title
    from spacefacts.render import citation

    dated = (Kind.milestone, Kind.mission, Kind.statement, Kind.occasion)
    for kind in kinds:
        if kind not in dated:
            held = ", ".join(k.table for k in dated[:-1]) + f" and {dated[-1].table}"
            raise BadValueError(f"--kind {kind.value}: a calendar holds {held}")
    # names and aliases as every other command takes them, from the whole fact base
    wanted = {query.find_program(settings().database(), p) for p in programs}
    sources = {s["id"]: s for s in records[Kind.source]}
    names = {p["id"]: p["name"].partition(" (")[0] for p in records[Kind.program]}
    events: list[ics.Event] = []
    left_out = {"dated to a month or a year": 0, "planned": 0, "cancelled": 0, "undated": 0}
    for kind in kinds or [Kind.milestone, Kind.mission]:
        for record in records[kind]:
            program = record.get("program")
            if wanted and program not in wanted:
                continue
            date = record_date(kind.value, record)
            year, month, day = date_parts(date) if date else (0, None, None)
            status = record.get("status")
            if status in ("planned", "cancelled"):  # a failed launch still has its anniversary
                left_out[status] += 1
            elif not date:
                left_out["undated"] += 1
            elif month is None or day is None:
                left_out["dated to a month or a year"] += 1
            else:
                cited = [sources[s] for s in record.get("sources") or [] if s in sources]
                about = record.get("summary") or record.get("text") or record.get("name")
                if kind is Kind.mission:
                    about = "; ".join(record.get("achievements") or []) or about
                lines = [about, *(f"Source: {citation(s)}" for s in cited)]
                events.append(
                    ics.Event(
                        uid=f"{kind.value}-{record['id']}",
                        date=(year, month, day),
                        summary=record_title(kind.value, record),
                        description="\n".join(str(line) for line in lines if line),
                        categories=(str(names.get(program, program)),) if program else (),
                        url=next((s["url"] for s in cited if s.get("url")), None),
                    )
                )
    skipped = ", ".join(f"{n} {why}" for why, n in left_out.items() if n)
    tail = f"; left out: {skipped}" if skipped else ""
    if not events:  # RFC 5545 wants at least one component: write no empty calendar
        say(f"no calendar written: no record dated to the day{tail}")
        return
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # stable output: same file, same bytes
    write_output(output, ics.calendar(events, stamp=stamp))
    say(f"{len(events)} calendar events{tail}")


__all__ = ["JsonRecord", "run"]
