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
from spacefacts.model import RECORD_FIELDS, JsonRecord
from spacefacts.query import close_matches

if TYPE_CHECKING:
    from rich.console import Console


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


@dataclass(frozen=True, slots=True)
class Style:
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
    "source": (("id", "Id"), ("title", "Title"), ("publisher", "Publisher"), ("published", "Date")),
    "problem": (
        ("file", "File"),
        ("line", "Line"),
        ("id", "Id"),
        ("field", "Field"),
        ("message", "Problem"),
    ),
}


def check_fields(kind: str, fields: Sequence[str] | None) -> list[str] | None:
    """Validate a --fields selection against the kind's JSON fields."""
    if fields is None:
        return None
    valid = RECORD_FIELDS[kind]
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
) -> None:
    """Write `records` of `kind` to `stream` in `fmt`, keeping only `fields` if given."""
    chosen = check_fields(kind, fields)
    if fmt is Format.table:
        columns = tuple((f, f) for f in chosen) if chosen is not None else COLUMNS[kind]
        rows = list(_table_rows(records, kind, columns, chosen is None))
        if style.fancy:
            _rich_table(rows, columns, stream, style, title)
        else:
            stream.write(_plain_table(rows, [h for _, h in columns]))
        return
    names = chosen if chosen is not None else list(RECORD_FIELDS[kind])
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
        elif kind == "statement" and styled:
            row = {**record, "verbatim": "verbatim" if record["verbatim"] else "reported"}
            if record["verbatim"]:
                row["text"] = f"“{record['text']}”"
            yield [cell(row.get(f)) for f, _ in columns]
        else:
            yield [cell(record.get(f)) for f, _ in columns]


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
) -> None:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title,
        box=box.ROUNDED,
        header_style="bold cyan" if style.color else "",
        title_style="bold" if style.color else "",
        show_lines=True,
    )
    for field, header in columns:
        narrow = field in _NARROW
        table.add_column(
            header, no_wrap=narrow, style=_COLUMN_STYLE.get(field, "") if style.color else ""
        )
    for row in rows:
        table.add_row(*row)
    make_console(stream, style).print(table)


_NARROW = frozenset(
    {"date", "step", "program", "statements", "verbatim", "published", "id", "line"}
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
