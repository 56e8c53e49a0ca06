"""`spacefacts chart`: the fact base as lanes, marks and spans for chart.py (and svg.py)."""

import sys
from typing import Annotated

import typer

from spacefacts import chart, query
from spacefacts.cli.common import Command, examples, say, settings, write_file
from spacefacts.cli.options import ProgramOption
from spacefacts.dates import bound, parts_of
from spacefacts.db import Database
from spacefacts.errors import BadValueError
from spacefacts.model import JsonRecord, Kind, Status, status_of
from spacefacts.query import split_values

FORMATS = ("text", "svg")

app = typer.Typer()


@app.command(
    "chart",
    cls=Command,
    epilog=examples(
        "spacefacts chart\nspacefacts chart --since 2000 --program change --program tianwen\n"
        "spacefacts chart --format svg --output timeline.svg"
    ),
)
def chart_command(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", help="From this year (YYYY; YYYY-MM counts its year).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this year (YYYY; YYYY-MM counts its year).")
    ] = None,
    program: ProgramOption = None,
    mark: Annotated[str | None, typer.Option("--mark", help="Highlight this record (id).")] = None,
    width: Annotated[
        int | None, typer.Option("--width", min=60, max=200, help="Columns (default: terminal).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text (default) or svg.")] = "text",
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to FILE (svg: default stdout).")
    ] = None,
) -> None:
    """A visual timeline: one lane per program, a mark per milestone, spans for missions."""
    first, last = bound(since, "--since"), bound(until, "--until")
    years = (int(first[:4]) if first else None, int(last[:4]) if last else None)
    draw(ctx, *years, split_values(program, "--program"), mark, width, fmt, output)


def draw(
    ctx: typer.Context,
    since: int | None,
    until: int | None,
    programs: list[str],
    mark: str | None,
    width: int | None,
    fmt: str,
    output: str | None,
) -> None:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise BadValueError(f"--format {fmt!r}: give {' or '.join(FORMATS)}")
    if since is not None and until is not None and since > until:
        raise BadValueError(f"--since {since} is after --until {until}")
    database = settings(ctx).database()
    wanted = list(dict.fromkeys(query.find_program(database, p) for p in programs))
    marks = [
        chart.Mark(m["id"], m["program"], parts_of(m["date"]), m["title"], _planned(m))
        for m in database.select(Kind.milestone, order="date, id")
        if not wanted or m["program"] in wanted
    ]
    spans = [_span(m) for m in database.select(Kind.mission, "launch_date IS NOT NULL")]
    spans = [s for s in spans if not wanted or s.lane in wanted]
    items: list[chart.Mark | chart.Span] = [*marks, *spans]
    lanes = _lanes(database, wanted, items)
    if mark is not None:
        mark = _mark(database, mark, {item.id for item in items})
    from spacefacts.dates import today

    now = parts_of(today())
    if fmt == "svg":
        from spacefacts.svg import svg

        _write(ctx, output, svg(lanes, marks, spans, since, until, mark, now), since, until)
        return
    from spacefacts.serialise import Style, shows

    style = Style.detect(sys.stdout, settings(ctx).no_color)
    columns = width or _columns()
    if style.color and output in (None, "-"):
        from spacefacts.views import render_text

        drawn = chart.styled(lanes, marks, spans, columns, since, until, mark, now=now)
        if not drawn.plain:
            _nothing(ctx, since, until)
            return
        # the chart is laid out for `columns`: a console of another width would wrap it
        wide = Style(style.fancy, style.color, max(columns, chart.MIN_WIDTH))
        write_file(ctx, None, render_text(drawn, wide))
        return
    unicode = output not in (None, "-") or shows("●━◆…┬")  # a file is always written as UTF-8
    text = chart.plain(lanes, marks, spans, columns, since, until, mark, unicode, now)
    _write(ctx, output, text and text + "\n", since, until)


def _planned(record: JsonRecord) -> bool:
    return status_of(record) is Status.planned


def _span(mission: JsonRecord) -> chart.Span:
    """A mission from launch to its end; an ongoing one is drawn to today, one without an end
    is a day."""
    start = parts_of(mission["launch_date"])
    end = parts_of(mission["end_date"]) if mission["end_date"] else None
    if end is None and not status_of(mission).ongoing:
        end = start
    title = mission["name"]
    return chart.Span(mission["id"], mission["program"], start, end, title, _planned(mission))


def _lanes(
    database: Database, wanted: list[str], items: list[chart.Mark | chart.Span]
) -> list[chart.Lane]:
    """A lane per program: the order given, else by each program's first date (then file order,
    programs with nothing dated last), so the lanes read as a history from top to bottom."""
    programs = [p for p in database.select(Kind.program) if not wanted or p["id"] in wanted]
    first: dict[str, tuple[int, int, int]] = {}
    for item in items:
        year, month, day = item.date if isinstance(item, chart.Mark) else item.start
        key = (year, month or 0, day or 0)
        first[item.lane] = min(first.get(item.lane, key), key)
    if wanted:
        programs.sort(key=lambda p: wanted.index(p["id"]))
    else:
        never = (10000, 0, 0)
        programs.sort(key=lambda p: first.get(p["id"], never))  # stable: file order on ties
    return [
        chart.Lane(p["id"], chart.lane_label(p["name"], p["aliases"]), p["name"]) for p in programs
    ]


def _mark(database: Database, value: str, drawn: set[str]) -> str:
    """The id of the record to highlight; one that is never drawn is a usage error."""
    kind, record = database.get(value) or query.find_record(database, value)
    if record["id"] not in drawn:
        why = (
            "it has no launch date"
            if kind is Kind.mission and not record.get("launch_date")
            else "it is not in the programs charted"
            if kind in (Kind.milestone, Kind.mission)
            else f"a {kind.value} is not drawn: give a milestone or a mission"
        )
        raise BadValueError(f"--mark {value!r}: {why}")
    return str(record["id"])


def _write(
    ctx: typer.Context, output: str | None, text: str, since: int | None, until: int | None
) -> None:
    if not text:
        _nothing(ctx, since, until)
        return
    write_file(ctx, output, text)


def _nothing(ctx: typer.Context, since: int | None, until: int | None) -> None:
    if since is None and until is None:
        say(ctx, "nothing to chart")
    else:
        say(ctx, f"nothing to chart in {since or '…'}-{until or '…'}")


def _columns() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns
