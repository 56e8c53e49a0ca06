"""Write records as a table, JSON, JSON Lines, CSV or Markdown: one path for every command.

Text from a fact file is data: tables build rich Text objects (never markup), and every text
format shows control characters as visible escapes (text.visible); CSV cells that a
spreadsheet would run as a formula are neutralised (text.csv_safe). rich, json and csv are
imported inside the function that needs them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any

from spacefacts.errors import UnknownValueError
from spacefacts.model import JsonRecord, detail_fields, fields_of
from spacefacts.text import close_matches, csv_safe, pad, plain_cell, visible, width

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


def _env_off(name: str) -> bool:
    return os.environ.get(name, None) == "0"


@dataclass(frozen=True, slots=True)
class Style:
    """How a table looks: drawn with rich on a terminal, plain text otherwise."""

    fancy: bool  # rich table with box drawing (a terminal, or FORCE_COLOR)
    color: bool  # colour and bold in the rich table
    width: int | None = None  # columns; None: the terminal's (or $COLUMNS)

    @classmethod
    def detect(cls, stream: IO[str], no_color: bool = False) -> Style:
        """From the stream and the environment: NO_COLOR, FORCE_COLOR, CLICOLOR, TERM=dumb."""
        env = os.environ
        forced = bool(env.get("FORCE_COLOR")) and not _env_off("FORCE_COLOR")
        forced = forced or (bool(env.get("CLICOLOR_FORCE")) and not _env_off("CLICOLOR_FORCE"))
        dumb = env.get("TERM") == "dumb"
        fancy = forced or (_isatty(stream) and not dumb)
        off = no_color or bool(env.get("NO_COLOR")) or _env_off("FORCE_COLOR")
        off = off or _env_off("CLICOLOR") or dumb
        return cls(fancy=fancy, color=fancy and not off)


def shows(sample: str) -> bool:
    """Whether stdout's encoding can write `sample` (not so with PYTHONIOENCODING=ascii)."""
    import sys

    try:
        sample.encode(sys.stdout.encoding or "utf-8")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass
class Output:
    """Where and how a command prints: chosen once from the options, passed to every writer."""

    format: Format = Format.table
    fields: list[str] | None = None
    style: Style = field(default_factory=lambda: Style(False, False))
    header: bool = True
    stream: IO[str] | None = None
    ascii_json: bool = False  # the output encoding cannot show every character

    @property
    def serialised(self) -> bool:
        return self.format is not Format.table


# --- table columns -------------------------------------------------------------------------

# Per kind: (field, header). Plain tables show them all, one record per line; the rich tables
# compose some of them (see _FANCY) so the text that carries the content gets the room.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "milestone": (
        ("date", "Date"), ("id", "Id"), ("program", "Program"), ("status", "Status"),
        ("title", "Title"), ("summary", "Summary"),
    ),
    "statement": (
        ("date", "Date"), ("id", "Id"), ("speaker", "Speaker"), ("verbatim", "Form"),
        ("text", "Statement"), ("occasion_name", "Occasion"),
    ),
    "lunar_step": (
        ("step", "Step"), ("name", "Name"), ("goal", "Goal"), ("missions", "Missions"),
    ),
    "topic": (("id", "Topic"), ("statements", "Statements"), ("description", "Description")),
    "program": (
        ("id", "Id"), ("milestones", "Milestones"), ("missions", "Missions"), ("name", "Name"),
    ),
    "occasion": (("date", "Date"), ("id", "Id"), ("statements", "Statements"), ("name", "Name")),
    "source": (
        ("id", "Id"), ("published", "Date"), ("cited_by", "Cited"), ("publisher", "Publisher"),
        ("title", "Title"),
    ),
    "mission": (
        ("launch_date", "Launch"), ("id", "Id"), ("program", "Program"), ("status", "Status"),
        ("type", "Type"), ("name", "Name"),
    ),
    "hit": (
        ("kind", "Kind"), ("date", "Date"), ("id", "Id"), ("title", "Title"),
        ("snippet", "Match"),
    ),
    "anniversary": (
        ("date", "Date"), ("years_ago", "When"), ("kind", "Kind"), ("id", "Id"),
        ("title", "Title"),
    ),
    "stat": (("group", "Group"), ("value", "Value"), ("count", "Count")),
    "speaker": (
        ("statements", "Statements"), ("first", "First"), ("last", "Last"),
        ("speaker", "Speaker"),
    ),
    "problem": (
        ("file", "File"), ("line", "Line"), ("severity", "Severity"), ("id", "Id"),
        ("field", "Field"), ("message", "Problem"),
    ),
}  # fmt: skip

# Rich tables: (narrow columns shown as they are, the main column's lines, its header).
# The main column stacks its fields, first bold, the id dim: every row shows what `show` takes.
_FANCY: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "milestone": (("date", "program"), ("title", "id", "summary"), "Milestone"),
    "statement": (("date", "speaker"), ("text", "id", "occasion_name"), "Statement"),
    "lunar_step": (("step",), ("name", "goal", "missions"), "Step"),
    "topic": (("id", "statements"), ("description",), "Description"),
    "program": (("milestones", "missions"), ("name", "id", "description"), "Program"),
    "occasion": (("date", "statements"), ("name", "id"), "Occasion"),
    "source": (("published", "cited_by"), ("title", "id", "publisher"), "Source"),
    "mission": (("launch_date", "program", "status"), ("name", "id", "type"), "Mission"),
    "hit": (("kind", "date"), ("title", "id", "snippet"), "Hit"),
    "anniversary": (("date", "years_ago"), ("title", "id"), "Record"),
    "speaker": (("statements", "first", "last"), ("speaker",), "Speaker"),
    "problem": (("line", "severity"), ("message", "file", "id", "field"), "Problem"),
}
_NARROW_STYLE = {
    "date": "green",
    "published": "green",
    "launch_date": "green",
    "program": "magenta",
}


def check_fields(
    kind: str, fields: Sequence[str] | None, valid: Sequence[str] | None = None
) -> list[str] | None:
    """Validate a --fields selection against the kind's JSON fields (or `valid`)."""
    if fields is None:
        return None
    valid = valid if valid is not None else fields_of(kind)
    for name in fields:
        if name not in valid:
            raise UnknownValueError("field", name, valid, close_matches(name, valid))
    return list(fields)


def records(
    out: Output,
    kind: str,
    found: Sequence[JsonRecord],
    title: str | None = None,
) -> str:
    """`found` records of `kind` in the chosen format, as one string."""
    chosen = check_fields(kind, out.fields)
    names = chosen if chosen is not None else list(fields_of(kind))
    if out.serialised:
        return serialise([{n: r.get(n) for n in names} for r in found], names, out)
    if chosen is None and out.style.fancy and kind in _FANCY:
        return _to_text([_fancy_table(kind, found, out.style, title)], out.style)
    columns = [(f, f) for f in chosen] if chosen is not None else list(COLUMNS[kind])
    rows = [[_cell_text(kind, f, r) for f, _ in columns] for r in found]
    if out.style.fancy:
        return _to_text([_grid(columns, rows, out.style, title)], out.style)
    return plain_table(rows, [h for _, h in columns], out.header)


def serialise(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    """Records in one of the serialised formats, keeping the fields `names`."""
    return _WRITERS[out.format](found, names, out)


# --- cells ---------------------------------------------------------------------------------


def cell(value: Any) -> str:
    """One value as table or CSV text: lists joined by "; ", booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return str(value.get("name") or value.get("title") or value.get("id") or "")
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    return str(value)


def _cell_text(kind: str, name: str, record: JsonRecord) -> str:
    value = record.get(name)
    if name == "verbatim" and isinstance(value, bool):
        return "verbatim" if value else "reported"
    if name == "years_ago" and isinstance(value, int):
        return ago(value)
    if name == "text" and kind == "statement" and record.get("verbatim"):
        return f"“{value}”"
    if name == "snippet" and isinstance(value, str):
        from spacefacts.search import plain_snippet

        return plain_snippet(value)
    return cell(value)


def ago(years: int) -> str:
    if years == 0:
        return "this year"
    if years < 0:
        return f"in {-years} year{'s' if years < -1 else ''}"
    return f"{years} year{'s' if years > 1 else ''} ago"


def status_mark(record: JsonRecord) -> str:
    """What a title shows for a record that is not simply done."""
    status = record.get("status")
    return "" if status in (None, "done") else f" ({status})"


# --- plain tables --------------------------------------------------------------------------


def plain_table(rows: Sequence[Sequence[str]], headers: Sequence[str], header: bool = True) -> str:
    """Aligned columns by display width, one line per record, control characters escaped."""
    flat = [[plain_cell(c) for c in row] for row in rows]
    all_rows = [list(headers), *flat] if header else flat
    if not all_rows:
        return ""
    widths = [max(width(r[i]) for r in all_rows) for i in range(len(headers))]
    lines = []
    for row in all_rows:
        padded = [pad(c, w) for c, w in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*padded, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


# --- rich tables ---------------------------------------------------------------------------


def make_console(stream: IO[str] | None, style: Style) -> Console:
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=style.fancy,
        color_system="auto" if style.color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        width=style.width,
        legacy_windows=False,
    )


def _to_text(renderables: Sequence[RenderableType], style: Style) -> str:
    import io

    buffer = io.StringIO()
    console = make_console(buffer, style)
    if style.width is None:
        console.width = _terminal_width()
    for renderable in renderables:
        console.print(renderable)
    return "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))


def _terminal_width() -> int:
    import shutil

    return max(40, shutil.get_terminal_size((80, 24)).columns)


def safe(text: str) -> str:
    """Fact text for a rich Text: control characters made visible, newlines kept."""
    return visible(text, newlines=True)


CARD_WIDTH = 80  # narrower terminals get one card per record instead of a table


def _fancy_table(kind: str, found: Sequence[JsonRecord], style: Style, title: str | None) -> Any:
    """A rich table whose left column stacks the short fields (date first) and whose main
    column gets the room; below CARD_WIDTH columns, cards (see _cards)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    narrow, main, header = _FANCY[kind]
    headers = dict(COLUMNS[kind])
    if (style.width or _terminal_width()) < CARD_WIDTH:
        return _cards(kind, found, style, title)
    table = Table(
        title=Text(safe(title)) if title else None,
        box=box.ROUNDED,
        header_style="bold cyan" if style.color else "",
        title_style="bold" if style.color else "",
        show_lines=True,
        expand=True,
    )
    left = " / ".join(headers.get(n, n.title()) for n in narrow[:2])
    table.add_column(left, overflow="fold", max_width=16, ratio=None)
    table.add_column(header, overflow="fold", ratio=1)
    for record in found:
        table.add_row(
            _left_cell(kind, narrow, record, style), _main_cell(kind, main, record, style)
        )
    return table


def _left_cell(kind: str, names: Sequence[str], record: JsonRecord, style: Style) -> Any:
    from rich.text import Text

    text = Text()
    for i, name in enumerate(names):
        value = _cell_text(kind, name, record) or ("-" if i == 0 else "")  # keep the lines apart
        if not value:
            continue
        if i:
            text.append("\n")
        colour = _NARROW_STYLE.get(name, "") if style.color else ""
        text.append(
            safe(value), style=colour if i == 0 or colour else ("dim" if style.color else "")
        )
    return text


def _cards(kind: str, found: Sequence[JsonRecord], style: Style, title: str | None) -> Any:
    """One block per record: the short fields on a line, then the main fields, a rule between."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    narrow, main, _ = _FANCY[kind]
    parts: list[Any] = []
    if title:
        parts.append(Text(safe(title), style="bold" if style.color else ""))
    for n, record in enumerate(found):
        if n or title:
            parts.append(Rule(style="dim" if style.color else ""))
        head = Text(" · ").join(
            Text(safe(v), style=_NARROW_STYLE.get(name, "") if style.color else "")
            for name in narrow
            if (v := _cell_text(kind, name, record))
        )
        parts.append(head)
        parts.append(_main_cell(kind, main, record, style))
    return Group(*parts)


def _main_cell(kind: str, names: Sequence[str], record: JsonRecord, style: Style) -> Any:
    from rich.text import Text

    text = Text()
    for i, name in enumerate(names):
        value = record.get(name)
        if value in (None, "", []):
            continue
        if text:
            text.append("\n")
        if name == "snippet":
            from spacefacts.search import marked_spans

            plain, spans = marked_spans(str(value))
            start = len(text)
            text.append(safe(plain))
            for a, b in spans:
                text.stylize("bold reverse" if style.color else "underline", start + a, start + b)
        elif name == "id":
            text.append(safe(str(value)), style="cyan" if style.color else "")
        elif i == 0:
            shown = _cell_text(kind, name, record) + status_mark(record)
            text.append(safe(shown), style="bold" if style.color else "")
        else:
            text.append(safe(_cell_text(kind, name, record)), style="dim" if style.color else "")
    return text


def _grid(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], style: Style,
    title: str | None,
) -> Any:  # fmt: skip
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(safe(title)) if title else None,
        box=box.ROUNDED,
        header_style="bold cyan" if style.color else "",
    )
    for _, header in columns:
        table.add_column(Text(header), overflow="fold")
    for row in rows:
        table.add_row(*(Text(safe(c)) for c in row))
    return table


def decade_chart(found: Sequence[JsonRecord], style: Style) -> str:
    """Milestones per decade as bars: drawn with rich on a terminal, with "#" otherwise."""
    decades = [(str(r["value"]), int(r["count"])) for r in found if r["group"] == "decade"]
    if not decades:
        return ""
    most = max(n for _, n in decades) or 1
    bar_width = 40
    if not style.fancy:
        lines = ["", "Milestones per decade"]
        for decade, n in decades:
            lines.append(f"{decade}  {'#' * max(1, round(n / most * bar_width)):<{bar_width}}  {n}")
        return "\n".join(lines) + "\n"
    from rich.bar import Bar
    from rich.table import Table

    chart = Table.grid(padding=(0, 2))
    chart.title = "Milestones per decade"
    chart.add_column(no_wrap=True)
    chart.add_column(width=bar_width)
    chart.add_column(justify="right")
    for decade, n in decades:
        chart.add_row(
            decade,
            Bar(most, 0, n, width=bar_width, color="cyan" if style.color else "default"),
            str(n),
        )
    return "\n" + _to_text([chart], style)


# --- serialised formats --------------------------------------------------------------------


def _write_json(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    """A JSON array: indented at a terminal; piped, one record per line, which json's C
    encoder writes (an indented dump uses the pure-Python one: about 5 ms of the shipped
    timeline's start-up budget)."""
    import json

    if out.style.fancy:
        return _json_safe(json.dumps(found, ensure_ascii=out.ascii_json, indent=2)) + "\n"
    if not found:
        return "[]\n"
    rows = ",\n".join("  " + json.dumps(r, ensure_ascii=out.ascii_json) for r in found)
    return _json_safe(f"[\n{rows}\n]") + "\n"


def _write_jsonl(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    import json

    return "".join(_json_safe(json.dumps(r, ensure_ascii=out.ascii_json)) + "\n" for r in found)


def _json_safe(text: str) -> str:
    """JSON with DEL, the C1 controls and the characters that reorder text or end a line
    (bidi marks and overrides, U+2028, U+2029) as \\u escapes: json.dumps(ensure_ascii=False)
    writes them raw, and a terminal acts on C1 CSI (U+009B). Still JSON; it parses back to the
    same values. Outside strings JSON has only ASCII punctuation, so only strings change."""
    if text.isascii() and "\x7f" not in text:
        return text
    import re

    unsafe = "[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
    return re.sub(unsafe, lambda m: f"\\u{ord(m.group()):04x}", text)


def _csv_value(value: Any) -> str:
    return csv_safe(visible(cell(value), newlines=True))


def _write_csv(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    """CSV, a header row first (unless --no-header). Each cell is text.visible'd (control
    characters as escapes) and then text.csv_safe'd: a cell that begins with "=", "+", "-",
    "@", a tab or a carriage return gets a leading single quote ("=1+1" -> "'=1+1", "-2" ->
    "'-2"), as OWASP recommends against formula injection when the file opens in a
    spreadsheet. The csv module does the quoting."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if out.header:
        writer.writerow(names)
    for record in found:
        writer.writerow([_csv_value(record[name]) for name in names])
    return buffer.getvalue()


def markdown_cell(text: str) -> str:
    """A Markdown table cell: one line, pipes and HTML characters escaped."""
    text = plain_cell(text).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write_markdown(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    lines = []
    if out.header:
        lines += ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for record in found:
        lines.append("| " + " | ".join(markdown_cell(cell(record[n])) for n in names) + " |")
    return "\n".join(lines) + "\n"


_WRITERS: dict[Format, Callable[[list[JsonRecord], Sequence[str], Output], str]] = {
    Format.json: _write_json,
    Format.jsonl: _write_jsonl,
    Format.csv: _write_csv,
    Format.markdown: _write_markdown,
}


# --- one record in full --------------------------------------------------------------------


def detail(
    out: Output, kind: str, found: Sequence[JsonRecord], valid: Sequence[str] | None = None
) -> str:
    """Records shown in full (`show`, `random`): a detail view in table mode.

    `valid` widens the fields --fields may name (random: those of every kind it may pick; a
    field the record does not have is null).
    """
    chosen = check_fields(kind, out.fields, valid or detail_fields(kind))
    names = chosen if chosen is not None else list(detail_fields(kind))
    if out.serialised:
        return serialise([{n: r.get(n) for n in names} for r in found], names, out)
    parts = []
    for record in found:
        if out.style.fancy:
            parts.append(
                _to_text(list(_rich_detail(record, names, chosen is None, out.style)), out.style)
            )
        else:
            parts.append(_plain_detail(record, names, chosen is None))
    return "".join(parts)


def citation(source: JsonRecord) -> str:
    """A source as one line: author, “title”, publisher, date, url."""
    parts = [source.get("author"), f"“{source['title']}”", source.get("publisher")]
    parts += [source.get("published"), source.get("url")]
    return ", ".join(str(p) for p in parts if p)


def _detail_parts(
    record: JsonRecord, names: Sequence[str], full: bool
) -> tuple[list[tuple[str, str]], list[tuple[str, str | None, str | None]], list[list[str]]]:
    hidden = {"kind", "citations", "relations"} | ({"excerpt"} if full else set())
    rows = [(n, cell(record.get(n))) for n in names if n not in hidden]
    if full:  # the whole record: a field with no value is left out (--fields shows it)
        rows = [(n, v) for n, v in rows if v]
    quoted = record.get("excerpt") if record.get("kind") == "statement" else None
    cites: list[tuple[str, str | None, str | None]] = []
    if "citations" in names:
        cites = [(citation(s), quoted, s.get("note")) for s in record.get("citations") or []]
    related: list[list[str]] = []
    if "relations" in names:
        related = [
            [r["relation"], r["kind"], r["id"], r["date"] or "", r["title"]]
            for r in record.get("relations") or []
        ]
    return rows, cites, related


def _plain_detail(record: JsonRecord, names: Sequence[str], full: bool) -> str:
    rows, cites, related = _detail_parts(record, names, full)
    if full and record.get("kind"):
        rows.insert(0, ("kind", str(record["kind"])))
    label = max((len(n) for n, _ in rows), default=0)
    lines = [f"{n.ljust(label)}  {plain_cell(v)}".rstrip() for n, v in rows]
    if cites:
        lines += ["", "Sources"]
        for i, (text, quoted, _) in enumerate(cites, start=1):
            lines.append(f"  [{i}] {plain_cell(text)}")
            if quoted:
                lines.append(f"      quoted: “{plain_cell(quoted)}”")
    if related:
        lines += ["", "Related"]
        table = plain_table(related, ["relation", "kind", "id", "date", "title"], header=False)
        lines += ["  " + line for line in table.splitlines()]
    return "\n".join(lines) + "\n"


def _rich_detail(
    record: JsonRecord, names: Sequence[str], full: bool, style: Style
) -> Iterator[Any]:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    rows, cites, related = _detail_parts(record, names, full)
    bold = "bold" if style.color else ""
    title = " ".join(str(p) for p in (record.get("kind"), record.get("id")) if p)
    main = Table(
        title=Text(safe(title)) if title else None,
        box=box.ROUNDED,
        show_header=False,
        title_style=bold,
    )
    main.add_column(style="bold cyan" if style.color else "", no_wrap=True)
    main.add_column(overflow="fold")
    for name, value in rows:
        main.add_row(Text(name), Text(safe(value)))
    if rows:
        yield main
    if cites:
        table = Table(title="Sources", box=box.ROUNDED, show_header=False, title_style=bold)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        for i, (text, quoted, _) in enumerate(cites, start=1):
            quote = f"\nQuoted: “{quoted}”" if quoted else ""
            table.add_row(Text(f"[{i}]"), Text(safe(text + quote)))
        yield table
    if related:
        table = Table(title="Related", box=box.ROUNDED, title_style=bold)
        table.add_column("Relation", no_wrap=True)
        table.add_column("Date", no_wrap=True)
        table.add_column("Record", overflow="fold")
        for relation, kind, ident, date, what in related:
            table.add_row(Text(relation), Text(date), Text(safe(f"{what}\n{kind} {ident}")))
        yield table


# --- the lunar program ---------------------------------------------------------------------


def lunar(out: Output, steps: Sequence[JsonRecord], missions: dict[str, JsonRecord]) -> str:
    """The three steps as one table, then what came after them as another (a terminal)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    style = out.style
    bold = "bold" if style.color else ""
    tables = []
    for part in ("steps", "after"):
        chosen = [s for s in steps if (s["step"] is None) == (part == "after")]
        if not chosen:
            continue
        title = "China's three-step lunar program" if part == "steps" else chosen[0]["name"]
        table = Table(title=Text(title), box=box.ROUNDED, title_style=bold, show_lines=True,
                      header_style="bold cyan" if style.color else "")  # fmt: skip
        if part == "steps":
            table.add_column("Step", no_wrap=True)
            table.add_column("Goal", ratio=1, min_width=16)
            table.add_column("Missions", ratio=2, min_width=24)
            for step in chosen:
                text = Text()
                for ident in step["missions"]:
                    _mission_lines(text, missions.get(ident), style)
                goal = Text(safe(step["name"]), style=bold)
                goal.append("\n" + safe(step["goal"]))
                table.add_row(Text(str(step["step"])), goal, text)
        else:
            table.add_column("Launch", no_wrap=True, style="green" if style.color else "")
            table.add_column("Mission", ratio=1, min_width=24)
            for ident in chosen[0]["missions"]:
                mission = missions.get(ident)
                if mission is None:
                    continue
                text = Text()
                _mission_lines(text, mission, style, dated=False)
                table.add_row(Text(mission.get("launch_date") or ""), text)
        tables.append(table)
    return _to_text(tables, style)


def _mission_lines(text: Any, mission: JsonRecord | None, style: Style, dated: bool = True) -> None:
    if mission is None:
        return
    if text:
        text.append("\n")
    head = mission["name"] + status_mark(mission)
    if dated and mission.get("launch_date"):
        head += f" ({mission['launch_date']})"
    text.append(safe(head), style="bold" if style.color else "")
    text.append("  " + safe(mission["id"]), style="cyan" if style.color else "")
    for achievement in mission.get("achievements") or []:
        text.append("\n• " + safe(achievement))
