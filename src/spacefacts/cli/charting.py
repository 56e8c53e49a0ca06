"""`spacefacts chart`: the fact base as lanes, marks and spans for chart.py."""

import sys

from spacefacts import chart, query
from spacefacts.cli import settings
from spacefacts.errors import BadValueError
from spacefacts.model import Kind, date_parts
from spacefacts.render import Style


def draw(
    since: int | None,
    until: int | None,
    programs: list[str],
    mark: str | None,
    width: int | None,
    fmt: str,
    output: str | None,
) -> None:
    database = settings().database()
    wanted = [query.find_program(database, p) for p in programs]
    lanes = [
        chart.Lane(p["id"], p["id"].replace("-", " ").title() if len(p["name"]) > 14 else p["name"])
        for p in database.select(Kind.program)
        if not wanted or p["id"] in wanted
    ]
    if wanted:  # the order given
        lanes.sort(key=lambda lane: wanted.index(lane.id))
    ids = {lane.id for lane in lanes}
    marks = [
        chart.Mark(m["id"], m["program"], date_parts(m["date"]), m["title"], query.planned(m))
        for m in database.select(Kind.milestone, order="date, id")
        if m["program"] in ids
    ]
    spans = []
    for m in database.select(Kind.mission, "launch_date IS NOT NULL"):
        if m["program"] not in ids:
            continue
        start = date_parts(m["launch_date"])
        end = date_parts(m["end_date"]) if m["end_date"] else None
        if end is None and m["status"] != "active":
            end = start
        spans.append(chart.Span(m["id"], m["program"], start, end, m["name"], query.planned(m)))
    if mark is not None and database.get(mark) is None:
        mark = query.find_record(database, mark)[1]["id"]
    if fmt == "svg":
        text = chart.svg(lanes, marks, spans, since, until, mark)
        from spacefacts.cli.files import write_output

        write_output(output, text)
        return
    if fmt != "text":
        raise BadValueError(f"--format {fmt!r}: give text or svg")
    style = Style.detect(sys.stdout, settings().no_color)
    columns = width or _columns()
    if style.color:
        from spacefacts.render import make_console

        drawn = chart.styled(lanes, marks, spans, columns, since, until, mark)
        if not drawn.plain:
            _nothing()
            return
        make_console(sys.stdout, style).print(drawn, crop=False)
        return
    text = chart.plain(lanes, marks, spans, columns, since, until, mark, unicode=_unicode())
    if not text:
        _nothing()
        return
    from spacefacts.cli.files import write_output

    write_output(output, text + "\n")


def _nothing() -> None:
    from spacefacts.cli import say

    say("nothing found in that range")


def _columns() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _unicode() -> bool:
    try:
        "●━◆".encode(sys.stdout.encoding or "utf-8")
        return True
    except (UnicodeEncodeError, LookupError):
        return False
