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
        problems = factbase.check(files, {loaded[0].path: text.encode("utf-8")})[1]
        if fmt != "toml" or any(p.severity == "error" for p in problems):
            raise WriteError(
                f"refusing to write {output}: it is a fact file in use, and this export "
                "would leave a fact base that does not load"
            )
    write_output(output, text, check_loaded=False)


def _csv(records: factbase.Records, kinds: list[Kind], bom: bool, output: str | None) -> None:
    from spacefacts.render import Format, Output, serialise

    chosen = kinds or list(Kind)
    directory = output is not None and (output.endswith(os.sep) or Path(output).is_dir())
    if not directory and len(chosen) != 1:
        raise BadValueError(
            "--format csv writes one file per kind: give --output DIRECTORY, or one --kind"
        )
    out = Output(Format.csv)
    for kind in chosen:
        names = [f for f in fields_of(kind.value)]
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
        search.ensure_index(db.Database(conn, []))
        conn.close()
        write_output(output, target.read_bytes())


def _ics(
    records: factbase.Records, kinds: list[Kind], programs: list[str], output: str | None
) -> None:
    import datetime as dt

    from spacefacts import ics
    from spacefacts.model import date_parts, record_title
    from spacefacts.render import citation

    chosen = kinds or [Kind.milestone, Kind.mission]
    sources = {s["id"]: s for s in records[Kind.source]}
    wanted = set(programs)
    events: list[ics.Event] = []
    skipped = 0
    for kind in chosen:
        column = "launch_date" if kind is Kind.mission else "date"
        for record in records[kind]:
            program = record.get("program")
            if wanted and program not in wanted:
                continue
            date = record.get(column)
            parts = date_parts(date) if date else (0, None, None)
            if parts[2] is None or parts[1] is None or record.get("status") == "planned":
                skipped += 1
                continue
            cited = [sources[s] for s in record.get("sources") or [] if s in sources]
            summary = (
                record.get("summary")
                or record.get("text")
                or "; ".join(record.get("achievements") or [])
            )
            lines = [summary, *(f"Source: {citation(s)}" for s in cited)]
            url = next((s.get("url") for s in cited if s.get("url")), None)
            events.append(
                ics.Event(
                    uid=f"{kind.value}-{record['id']}",
                    date=(parts[0], parts[1], parts[2]),
                    summary=record_title(kind.value, record),
                    description="\n".join(line for line in lines if line),
                    categories=(program,) if program else (),
                    url=url,
                )
            )
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # stable output: same file, same bytes
    write_output(output, ics.calendar(events, stamp=stamp))
    left_out = f"{skipped} records left out (not dated to the day, or planned)"
    say(f"{len(events)} calendar events; {left_out}")


__all__ = ["JsonRecord", "run"]
