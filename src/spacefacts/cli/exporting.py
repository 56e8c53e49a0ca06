"""`spacefacts export`: the fact base as a fact file, CSV, an SQLite database or a calendar."""

import os
from pathlib import Path
from typing import Annotated

import typer

from spacefacts import factbase, store
from spacefacts.cli.common import Command, examples, say, settings, write_file
from spacefacts.cli.options import ProgramOption
from spacefacts.errors import BadValueError, WriteError
from spacefacts.model import JsonRecord, Kind, fields_of
from spacefacts.query import split_values

app = typer.Typer()

FORMATS = ("toml", "json", "csv", "sqlite", "ics")


@app.command(
    "export",
    cls=Command,
    epilog=examples(
        "spacefacts export > all-facts.toml\n"
        "spacefacts export --only personal --format json --output my-facts.json\n"
        "spacefacts export --format csv --output csv/\n"
        "spacefacts export --format sqlite --output facts.db\n"
        "spacefacts export --format ics --alarm 09:00 --output anniversaries.ics"
    ),
)
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help="toml (default), json, csv, sqlite or ics.")
    ] = "toml",
    as_json: Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")] = False,
    only: Annotated[
        store.Only | None,
        typer.Option("--only", case_sensitive=False, help="Only the personal or the base records."),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="csv, ics: only these kinds (repeatable; or a,b)."),
    ] = None,
    program: ProgramOption = None,
    bom: Annotated[
        bool, typer.Option("--bom", help="csv: start each file with a UTF-8 byte-order mark.")
    ] = False,
    alarm: Annotated[
        str | None,
        typer.Option("--alarm", metavar="HH:MM", help="ics: a reminder at this time of the day."),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write to FILE (csv: a DIRECTORY, one file per kind)."),
    ] = None,
    target: Annotated[
        str | None,
        typer.Argument(metavar="[FILE]", help="The same as --output FILE.", show_default=False),
    ] = None,
) -> None:
    """Write the fact base as a fact file (TOML, JSON), CSV, an SQLite database or a calendar."""
    if target is not None and output is not None and target != output:
        raise BadValueError(f"give the file once: {target!r} or --output {output!r}")
    output = output or target
    chosen = "json" if as_json else fmt.lower()
    if chosen not in FORMATS:
        raise BadValueError(f"--format {fmt!r}: give one of {', '.join(FORMATS)}")
    if as_json and fmt.lower() not in ("toml", "json"):
        raise BadValueError(f"--json and --format {fmt} disagree: give one of them")
    for given, option, formats in (
        (kind, "--kind", ("csv", "ics")),
        (program, "--program", ("ics",)),
        (bom, "--bom", ("csv",)),
        (alarm, "--alarm", ("ics",)),
    ):
        if given and chosen not in formats:
            raise BadValueError(f"{option} goes with --format {' or '.join(formats)}")
    everything = factbase.load(settings(ctx).files())
    factbase.derive(everything)  # counts and names, as the JSON of every command has them
    records = store.select(everything, only)
    kinds = [_kind(k) for k in split_values(kind, "--kind")]
    if chosen in ("toml", "json"):
        write_file(ctx, output, store.export_text(records, chosen, only))
    elif chosen == "csv":
        _csv(ctx, records, kinds, bom, output)
    elif chosen == "sqlite":
        _sqlite(ctx, records, output)
    else:
        _ics(ctx, records, kinds, split_values(program, "--program"), alarm, output)


def _kind(name: str) -> Kind:
    from spacefacts.query import find_kind

    return find_kind(name, list(Kind))


def _csv(
    ctx: typer.Context,
    records: factbase.Records,
    kinds: list[Kind],
    bom: bool,
    output: str | None,
) -> None:
    from spacefacts import fileio
    from spacefacts.serialise import Format, Output, serialise

    chosen = kinds or list(Kind)
    # a directory: one that exists, a path ending in "/", or a new path for several kinds
    directory = output is not None and (
        output.endswith(("/", os.sep))
        or Path(output).is_dir()
        or (
            len(chosen) > 1
            and not os.path.lexists(output)
            and fileio.output_descriptor(output) is None
        )
    )
    if not directory and len(chosen) != 1:
        raise BadValueError(
            "--format csv writes one file per kind: give --output DIRECTORY, or one --kind"
        )
    out = Output(Format.csv)
    texts = {}
    for kind in chosen:
        names = list(fields_of(kind.value))
        text = serialise([{n: r.get(n) for n in names} for r in records[kind]], names, out)
        texts[f"{kind.table}.csv"] = (("\ufeff" if bom else "") + text).encode("utf-8")
    if not directory:
        write_file(ctx, output, next(iter(texts.values())))
        return
    # a folder of tables also says what they are: the schema version and how current
    about = [{"key": "schema_version", "value": str(factbase.SCHEMA_VERSION)}]
    about += [{"key": "as_of", "value": records.as_of}] if records.as_of else []
    text = serialise(about, ["key", "value"], out)
    texts["meta.csv"] = (("\ufeff" if bom else "") + text).encode("utf-8")
    assert output is not None
    folder = Path(output)
    if any(fileio.same_file(folder / name, f) for name in texts for f in settings(ctx).loaded()):
        raise WriteError(f"refusing to write into {output}: it holds a fact file in use")
    fileio.write_directory(folder, texts)
    say(ctx, f"wrote {len(texts)} files in {output}")


def _sqlite(ctx: typer.Context, records: factbase.Records, output: str | None) -> None:
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
        db.finish_export(conn)
        conn.close()
        data = target.read_bytes()
    write_file(ctx, output, data)


def _ics(
    ctx: typer.Context,
    records: factbase.Records,
    kinds: list[Kind],
    programs: list[str],
    alarm: str | None,
    output: str | None,
) -> None:
    """Day-dated records as yearly all-day events; the others are counted on stderr."""
    import datetime as dt

    from spacefacts import calendar, ics, query

    # names and aliases as every other command takes them, from the whole fact base
    wanted = {query.find_program(settings(ctx).database(), p) for p in programs}
    events, left_out = calendar.events(records, kinds, wanted)
    skipped = ", ".join(f"{n} {why}" for why, n in left_out.items() if n)
    tail = f"; left out: {skipped}" if skipped else ""
    if not events:  # RFC 5545 wants at least one component: write no empty calendar
        say(ctx, f"no calendar written: no record dated to the day{tail}")
        return
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # stable output: same file, same bytes
    reminder = calendar.parse_alarm(alarm) if alarm is not None else None
    about = f"spacefacts: facts as of {records.as_of}" if records.as_of else None
    write_file(ctx, output, ics.calendar(events, stamp=stamp, alarm=reminder, description=about))
    say(ctx, f"{len(events)} calendar events{tail}")


__all__ = ["Command", "JsonRecord", "app"]
