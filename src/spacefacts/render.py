"""Write records as a table, JSON, JSON Lines, CSV or Markdown: one path for every command.

rich, json and csv are imported inside the function that needs them, so that a command
pays only for the format it prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any

from spacefacts.errors import UnknownValueError
from spacefacts.model import RECORD_FIELDS, JsonRecord, Value, detail_fields
from spacefacts.query import close_matches
from spacefacts.search import spans

if TYPE_CHECKING:
    from rich.console import Console


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


@dataclass(frozen=True, slots=True, eq=False, repr=False)  # eq, repr: from Value
class Style(Value):
    """How a table looks: drawn with rich on a terminal, plain text otherwise."""

    fancy: bool  # rich table with box drawing (a terminal, or FORCE_COLOR)
    color: bool  # colour and bold in the rich table

    @classmethod
    def detect(cls, stream: IO[str], no_color: bool = False) -> Style:
        """Decide from the stream and the environment: NO_COLOR, TERM=dumb, FORCE_COLOR."""
        force = bool(os.environ.get("FORCE_COLOR"))
        dumb = os.environ.get("TERM") == "dumb"
        fancy = force or (_isatty(stream) and not dumb)
        color = fancy and not no_color and not os.environ.get("NO_COLOR") and not dumb
        return cls(fancy=fancy, color=color)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# Table columns per record kind: (field, header). Other formats carry every field.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "milestone": (
        ("date", "Date"),
        ("program", "Program"),
        ("title", "Title"),
        ("summary", "Summary"),
    ),
    "statement": (
        ("date", "Date"),
        ("speaker", "Speaker"),
        ("text", "Statement"),
        ("occasion", "Occasion"),
        ("verbatim", "Form"),
    ),
    "lunar_step": (
        ("step", "Step"),
        ("name", "Name"),
        ("goal", "Goal"),
        ("missions", "Missions"),
        ("achievements", "Key achievements"),
    ),
    "topic": (("id", "Topic"), ("statements", "Statements"), ("description", "Description")),
    "source": (
        ("id", "Id"),
        ("title", "Title"),
        ("publisher", "Publisher"),
        ("published", "Date"),
        ("cited_by", "Cited by"),
    ),
    "mission": (("id", "Id"), ("name", "Name"), ("step", "Step"), ("launch_date", "Launch date")),
    "hit": (
        ("kind", "Kind"),
        ("id", "Id"),
        ("date", "Date"),
        ("title", "Title"),
        ("snippet", "Match"),
    ),
    "anniversary": (
        ("date", "Date"),
        ("years_ago", "When"),
        ("kind", "Kind"),
        ("title", "Title"),
    ),
    "stat": (("group", "Group"), ("value", "Value"), ("count", "Count")),
    "problem": (
        ("file", "File"),
        ("line", "Line"),
        ("id", "Id"),
        ("field", "Field"),
        ("message", "Problem"),
    ),
}


def check_fields(
    kind: str, fields: Sequence[str] | None, valid: Sequence[str] | None = None
) -> list[str] | None:
    """Validate a --fields selection against the kind's JSON fields (or `valid`)."""
    if fields is None:
        return None
    valid = valid if valid is not None else RECORD_FIELDS[kind]
    for name in fields:
        if name not in valid:
            raise UnknownValueError("field", name, valid, close_matches(name, valid))
    return list(fields)


def output(
    records: Sequence[JsonRecord],
    kind: str,
    fmt: Format,
    stream: IO[str],
    style: Style,
    fields: Sequence[str] | None = None,
    title: str | None = None,
    highlight: Sequence[str] = (),
) -> None:
    """Write `records` of `kind` to `stream` in `fmt`, keeping only `fields` if given.

    In a coloured table, the folded terms of `highlight` are marked in the text columns.
    """
    chosen = check_fields(kind, fields)
    if fmt is Format.table:
        columns = tuple((f, f) for f in chosen) if chosen is not None else COLUMNS[kind]
        if chosen is None and style.fancy:
            columns = _FANCY_COLUMNS.get(kind, columns)
        rows = list(_table_rows(records, kind, columns, chosen is None))
        if style.fancy:
            _rich_table(rows, columns, stream, style, title, highlight)
        else:
            stream.write(_plain_table(rows, [h for _, h in columns]))
        if kind == "stat" and chosen is None:
            _decade_chart(records, stream, style)
        return
    _write(records, chosen if chosen is not None else RECORD_FIELDS[kind], fmt, stream)


def _write(
    records: Sequence[JsonRecord], names: Sequence[str], fmt: Format, stream: IO[str]
) -> None:
    """Write `records`, keeping the fields `names`, in one of the serialised formats."""
    picked = [{name: record.get(name) for name in names} for record in records]
    _WRITERS[fmt](picked, names, stream)


# --- cells and rows ------------------------------------------------------------------------


def cell(value: Any) -> str:
    """One value as table/CSV text: lists joined by "; ", nested records by their name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        name = str(value.get("name") or value.get("id") or "")
        date = value.get("launch_date") or value.get("date")
        return f"{name} ({date})" if date else name
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    return str(value)


def _table_rows(
    records: Sequence[JsonRecord], kind: str, columns: Sequence[tuple[str, str]], styled: bool
) -> Iterator[list[str]]:
    """Rows of cell text; the default lunar table has one row per mission."""
    for record in records:
        if kind == "lunar_step" and styled:
            yield from _lunar_rows(record)
        elif kind == "hit" and styled:
            row = {**record, "hit": f"{record['title']}  ({record['id']})\n{record['snippet']}"}
            yield [cell(row.get(f)) for f, _ in columns]
        elif kind == "anniversary" and styled:
            yield [cell(record.get(f)) if f != "years_ago" else _ago(record[f]) for f, _ in columns]
        elif kind == "statement" and styled:
            row = {**record, "verbatim": "verbatim" if record["verbatim"] else "reported"}
            if record["verbatim"]:
                row["text"] = f"“{record['text']}”"
            yield [cell(row.get(f)) for f, _ in columns]
        else:
            yield [cell(record.get(f)) for f, _ in columns]


def _ago(years: int) -> str:
    if years == 0:
        return "this year"
    if years < 0:
        return f"in {-years} year{'s' if years < -1 else ''}"
    return f"{years} year{'s' if years > 1 else ''} ago"


def _lunar_rows(step: JsonRecord) -> Iterator[list[str]]:
    missions = step["missions"] or [{}]
    for i, mission in enumerate(missions):
        head = [str(step["step"]), step["name"], step["goal"]] if i == 0 else ["", "", ""]
        achievements = "\n".join(f"• {a}" for a in mission.get("achievements", []))
        yield [*head, cell(mission) if mission else "", achievements]


# --- tables --------------------------------------------------------------------------------


def _plain_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """Aligned columns, one line per row, no colour or box drawing: safe for grep and cut."""
    flat = [[" ".join(c.split()) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in flat)]) for i, h in enumerate(headers)]
    lines = []
    for row in [list(headers), *flat]:
        padded = [c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*padded, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def make_console(stream: IO[str], style: Style) -> Console:
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=style.fancy,
        color_system="auto" if style.color else None,
        highlight=False,
        soft_wrap=False,
    )


def _rich_table(
    rows: Sequence[Sequence[str]],
    columns: Sequence[tuple[str, str]],
    stream: IO[str],
    style: Style,
    title: str | None,
    highlight: Sequence[str] = (),
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=title,
        box=box.ROUNDED,
        header_style="bold cyan" if style.color else "",
        title_style="bold" if style.color else "",
        show_lines=columns[0][0] != "group",  # one-line stat rows: a rule between groups only
    )
    for field, header in columns:
        narrow = field in _NARROW
        table.add_column(
            header, no_wrap=narrow, style=_COLUMN_STYLE.get(field, "") if style.color else ""
        )
    marked = [i for i, (f, _) in enumerate(columns) if f in _HIGHLIGHTED]
    for n, row in enumerate(rows):
        cells: list[str | Text] = list(row)
        if highlight and style.color:
            for i in marked:
                text = Text(row[i])
                for start, end in spans(row[i], highlight):
                    text.stylize("bold reverse", start, end)
                cells[i] = text
        last_of_group = n + 1 < len(rows) and rows[n + 1][0] != row[0]
        table.add_row(*cells, end_section=not table.show_lines and last_of_group)
    make_console(stream, style).print(table)


def _decade_chart(records: Sequence[JsonRecord], stream: IO[str], style: Style) -> None:
    """Milestones per decade as bars: drawn with rich on a terminal, with "#" otherwise."""
    decades = [(r["value"], int(r["count"])) for r in records if r["group"] == "decade"]
    if not decades:
        return
    most = max(n for _, n in decades) or 1
    width = 40
    if not style.fancy:
        lines = ["", "Milestones per decade"]
        for decade, n in decades:
            lines.append(f"{decade}  {'#' * max(1, round(n / most * width)):<{width}}  {n}")
        stream.write("\n".join(lines) + "\n")
        return
    from rich.bar import Bar
    from rich.table import Table

    chart = Table.grid(padding=(0, 2))
    chart.title = "Milestones per decade"
    chart.title_style = "bold" if style.color else ""
    chart.add_column(no_wrap=True)
    chart.add_column(width=width)
    chart.add_column(justify="right")
    for decade, n in decades:
        bar = Bar(most, 0, n, width=width, color="cyan" if style.color else "default")
        chart.add_row(decade, bar, str(n))
    console = make_console(stream, style)
    console.print()
    console.print(chart)


# A terminal is narrower than a search hit: one column holds the title, id and snippet.
_FANCY_COLUMNS = {"hit": (("kind", "Kind"), ("date", "Date"), ("hit", "Hit"))}
_HIGHLIGHTED = frozenset({"title", "snippet", "text", "summary", "hit"})
_NARROW = frozenset(
    {
        "date",
        "step",
        "program",
        "statements",
        "verbatim",
        "published",
        "id",
        "kind",
        "years_ago",
        "count",
        "score",
        "group",
        "launch_date",
        "cited_by",
        "line",
    }
)
_COLUMN_STYLE = {"date": "green", "published": "green", "program": "magenta", "speaker": "yellow"}


# --- serialised formats --------------------------------------------------------------------


def _write_json(records: list[JsonRecord], names: Sequence[str], stream: IO[str]) -> None:
    import json

    stream.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")


def _write_jsonl(records: list[JsonRecord], names: Sequence[str], stream: IO[str]) -> None:
    import json

    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def _write_csv(records: list[JsonRecord], names: Sequence[str], stream: IO[str]) -> None:
    import csv

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(names)
    for record in records:
        writer.writerow([cell(record[name]) for name in names])


def _write_markdown(records: list[JsonRecord], names: Sequence[str], stream: IO[str]) -> None:
    def escape(text: str) -> str:
        return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")

    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for record in records:
        lines.append("| " + " | ".join(escape(cell(record[n])) for n in names) + " |")
    stream.write("\n".join(lines) + "\n")


_WRITERS: dict[Format, Callable[[list[JsonRecord], Sequence[str], IO[str]], None]] = {
    Format.json: _write_json,
    Format.jsonl: _write_jsonl,
    Format.csv: _write_csv,
    Format.markdown: _write_markdown,
}


# --- one record in full --------------------------------------------------------------------


def detail(
    records: Sequence[JsonRecord],
    kind: str,
    fmt: Format,
    stream: IO[str],
    style: Style,
    fields: Sequence[str] | None = None,
) -> None:
    """Write records shown in full (`show`, `random`): a detail view in table mode."""
    valid = detail_fields(kind)
    chosen = check_fields(kind, fields, valid)
    names = chosen if chosen is not None else list(valid)
    if fmt is not Format.table:
        _write(records, names, fmt, stream)
        return
    for record in records:
        if style.fancy:
            _rich_detail(record, names, chosen is None, stream, style)
        else:
            stream.write(_plain_detail(record, names, chosen is None))


def citation(source: JsonRecord) -> str:
    """A source as one line: author, “title”, publisher, date, url."""
    parts = [source.get("author"), f"“{source['title']}”", source.get("publisher")]
    parts += [source.get("published"), source.get("url")]
    return ", ".join(str(p) for p in parts if p)


def _detail_parts(
    record: JsonRecord, names: Sequence[str], full: bool
) -> tuple[list[tuple[str, str]], list[tuple[str, str | None]], list[list[str]]]:
    """(field rows, citations with the quoted sentence, relation rows) of one detail record."""
    hidden = {"kind", "citations", "relations"} | ({"excerpt"} if full else set())
    rows = [(n, cell(record.get(n))) for n in names if n not in hidden]
    quoted = record.get("excerpt") if record.get("kind") == "statement" else None
    cites: list[tuple[str, str | None]] = []
    if "citations" in names:
        cites = [(citation(s), quoted) for s in record.get("citations") or []]
    related: list[list[str]] = []
    if "relations" in names:
        related = [
            [r["relation"], r["kind"], r["id"], r["date"] or "", r["title"]]
            for r in record.get("relations") or []
        ]
    return rows, cites, related


def _plain_detail(record: JsonRecord, names: Sequence[str], full: bool) -> str:
    rows, cites, related = _detail_parts(record, names, full)
    width = max((len(n) for n, _ in rows), default=0)
    lines = [f"{n.ljust(width)}  {' '.join(v.split())}".rstrip() for n, v in rows]
    if cites:
        lines += ["", "Sources"]
        for i, (text, quoted) in enumerate(cites, start=1):
            lines.append(f"  [{i}] {text}")
            if quoted:
                lines.append(f"      quoted: “{' '.join(quoted.split())}”")
    if related:
        lines += ["", "Related"]
        table = _plain_table(related, ["relation", "kind", "id", "date", "title"])
        lines += ["  " + line for line in table.splitlines()[1:]]
    return "\n".join(lines) + "\n"


def _rich_detail(
    record: JsonRecord, names: Sequence[str], full: bool, stream: IO[str], style: Style
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    rows, cites, related = _detail_parts(record, names, full)
    bold = "bold" if style.color else ""
    title = " ".join(str(p) for p in (record.get("kind"), record.get("id")) if p)
    main = Table(title=title or None, box=box.ROUNDED, show_header=False, title_style=bold)
    main.add_column(style="bold cyan" if style.color else "", no_wrap=True)
    main.add_column(overflow="fold")  # long urls and ids wrap instead of being cut
    for name, value in rows:
        main.add_row(name, Text(value))
    console = make_console(stream, style)
    if rows:
        console.print(main)
    if cites:
        table = Table(title="Sources", box=box.ROUNDED, show_header=False, title_style=bold)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        for i, (text, quoted) in enumerate(cites, start=1):
            quote = f"\nQuoted: “{quoted}”" if quoted else ""
            table.add_row(Text(f"[{i}]"), Text(text + quote))
        console.print(table)
    if related:
        table = Table(title="Related", box=box.ROUNDED, title_style=bold)
        table.add_column("Relation", no_wrap=True)
        table.add_column("Date", no_wrap=True)
        table.add_column("Record", overflow="fold")
        for relation, kind, ident, date, what in related:
            table.add_row(Text(relation), Text(date), Text(f"{what}\n{kind} {ident}"))
        console.print(table)
