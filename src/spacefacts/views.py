"""Terminal views: tables that fit the terminal, cards, one record in full, the lunar steps.

Tables build rich Text objects (never markup) from fact text made visible (text.visible); at a
terminal they are drawn with Rich, into a pipe they are plain aligned text, one record per
line, padded no wider than their content. rich is imported inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from spacefacts.errors import UnknownValueError
from spacefacts.model import JsonRecord, detail_fields, fields_of, listing
from spacefacts.serialise import Output, Style, cell, citation, serialise
from spacefacts.text import (
    close_matches,
    marked_spans,
    pad,
    plain_cell,
    plain_snippet,
    visible,
    width,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

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
    shape: str,
    found: Sequence[JsonRecord],
    title: str | None = None,
) -> str:
    """`found` records of a kind or shape in the chosen format, as one string."""
    chosen = check_fields(shape, out.fields)
    names = chosen if chosen is not None else list(fields_of(shape))
    if out.serialised:
        return serialise([{n: r.get(n) for n in names} for r in found], names, out)
    layout = listing(shape)
    if chosen is None and out.style.fancy and layout.main:
        return _to_text([_fancy_table(shape, found, out.style, title)], out.style)
    columns = [(f, f) for f in chosen] if chosen is not None else list(layout.columns)
    rows = [[_cell_text(shape, f, r) for f, _ in columns] for r in found]
    if out.style.fancy:
        return _to_text([_grid(columns, rows, out.style, title)], out.style)
    return plain_table(rows, [h for _, h in columns], out.header)


def _cell_text(kind: str, name: str, record: JsonRecord) -> str:
    value = record.get(name)
    if name == "verbatim" and isinstance(value, bool):
        return "verbatim" if value else "reported"
    if name == "years_ago" and isinstance(value, int):
        return ago(value)
    if name == "text" and kind == "statement" and record.get("verbatim"):
        return f"“{value}”"
    if name == "snippet" and isinstance(value, str):
        return plain_snippet(value)
    if name == "in_days" and isinstance(value, int):
        return "today" if value == 0 else f"in {value} day{'s' if value != 1 else ''}"
    if name == "in_days" and record.get("overdue"):
        return "overdue: no report yet"
    if name == "missions" and isinstance(value, list):  # ids, as `show` takes them
        return "; ".join(
            f"{m.get('id')}{status_mark(m)}" if isinstance(m, dict) else str(m) for m in value
        )
    return cell(value)


def ago(years: int) -> str:
    """Years between a record and the day asked about, in words (that day may be in any year:
    `on 2003-10-15` asks about 2003, so 0 is "the same year", not "this year")."""
    if years == 0:
        return "the same year"
    if years < 0:
        return f"in {-years} year{'s' if years < -1 else ''}"
    return f"{years} year{'s' if years > 1 else ''} ago"


def status_mark(record: JsonRecord) -> str:
    """What a title shows for a record that is not simply done."""
    from spacefacts.model import status_of

    return status_of(record).mark


# --- plain tables --------------------------------------------------------------------------


PAD_LIMIT = 32  # cells: a longer cell is not padded, so one long value never widens every row


def plain_table(rows: Sequence[Sequence[str]], headers: Sequence[str], header: bool = True) -> str:
    """Aligned columns by display width, one line per record, control characters escaped.

    A column is padded to its widest cell of at most PAD_LIMIT cells; the last is not padded.
    """
    flat = [[plain_cell(c) for c in row] for row in rows]
    all_rows = [list(headers), *flat] if header else flat
    if not all_rows:
        return ""
    widths = [
        max((w for r in all_rows if (w := width(r[i])) <= PAD_LIMIT), default=0)
        for i in range(len(headers))
    ]
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


def _to_text(renderables: Sequence[RenderableType], style: Style, crop: bool = True) -> str:
    import io

    buffer = io.StringIO()
    console = make_console(buffer, style)
    if style.width is None:
        console.width = _terminal_width()
    for renderable in renderables:
        # a line that must stay whole (a url) is written as it is: the terminal wraps it
        whole = getattr(renderable, "no_wrap", None) is True
        console.print(renderable, crop=crop and not whole, soft_wrap=whole)
    return "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))


def render_text(renderable: RenderableType, style: Style) -> str:
    """One renderable drawn for a terminal of the style's width, lines never cut."""
    return _to_text([renderable], style, crop=False)


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

    layout = listing(kind)
    narrow, main, header = layout.narrow, layout.main, layout.header
    room = style.width or _terminal_width()
    if room < CARD_WIDTH:
        return _cards(kind, found, style, title)
    if layout.row:
        dense = _dense(kind, found, style, title, room)
        if dense is not None:
            return dense
    table = Table(
        title=Text(safe(title)) if title else None,
        box=box.ROUNDED,
        header_style="bold cyan" if style.color else "",
        title_style="bold" if style.color else "",
        show_lines=True,
        expand=True,
    )
    left = " / ".join(layout.title(n) for n in narrow[:2])
    table.add_column(left, overflow="fold", max_width=16, ratio=None)
    table.add_column(header, overflow="fold", ratio=1)
    for record in found:
        table.add_row(
            _left_cell(kind, narrow, record, style), _main_cell(kind, main, record, style)
        )
    return table


_LAST_MIN = 24  # cells a wrapping column of a one-line-per-record table needs at least
# Free text: these columns wrap when the line is too long; the others (dates, ids, counts,
# programs, statuses) never do, so an id is always whole on its line.
_WRAPPING = frozenset({"title", "name", "type", "text", "description", "role", "summary"})


def _dense(
    kind: str, found: Sequence[JsonRecord], style: Style, title: str | None, room: int
) -> Any:
    """One line per record (the `row` fields; free text wrapping when long), or None when the
    fields that never wrap do not leave the text columns room enough in `room` columns."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    layout = listing(kind)
    names = layout.row
    marked = "status" not in names  # the title says the status, unless a column does
    cells = [[_cell_text(kind, n, r) + (status_mark(r) if marked and n in ("title", "name")
              else "") for n in names] for r in found]  # fmt: skip
    wraps = [n in _WRAPPING or i == len(names) - 1 for i, n in enumerate(names)]
    widths = [
        _LAST_MIN if wraps[i] else max([width(layout.title(n)), *(width(row[i]) for row in cells)])
        for i, n in enumerate(names)
    ]
    if sum(widths) + 3 * len(names) + 1 > room:
        return None
    table = Table(
        title=Text(safe(title)) if title else None,
        box=box.SIMPLE_HEAD,
        header_style="bold cyan" if style.color else "",
        title_style="bold" if style.color else "",
        expand=False,
    )
    for i, name in enumerate(names):
        colour = _NARROW_STYLE.get(name, "") if style.color else ""
        if name == "id" and style.color:
            colour = "cyan"
        # rich narrows the widest wrapping columns first when the line is too long
        table.add_column(Text(layout.title(name)), style=colour, no_wrap=not wraps[i],
                         overflow="fold", min_width=_LAST_MIN if wraps[i] else None)  # fmt: skip
    for row in cells:
        table.add_row(*(Text(safe(c)) for c in row))
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

    layout = listing(kind)
    narrow, main = layout.narrow, layout.main
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


def _detail_parts(
    record: JsonRecord, names: Sequence[str], full: bool
) -> tuple[list[tuple[str, str]], list[tuple[str, str | None, str | None]], list[list[str]]]:
    hidden = {"kind", "citations", "relations"} | ({"excerpt"} if full else set())
    if full and "date" not in fields_of(str(record.get("kind"))):
        hidden.add("date")  # the same as its own date field (launch_date, published)
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
        # outside any box, each url whole on a line of its own: never cut, so a terminal can
        # still open it and a reader can copy it
        yield Text("Sources", style=bold, justify="center")
        for i, source in enumerate(record.get("citations") or [], start=1):
            yield Text(safe(f"[{i}] {citation(source, with_url=False)}"))
            url = source.get("url")
            if url:
                link = f"link {url}" if style.color and url.startswith(("http:", "https:")) else ""
                yield Text("    " + safe(url), style=link, no_wrap=True, overflow="ignore")
            if cites[i - 1][1]:
                yield Text(safe(f"    Quoted: “{cites[i - 1][1]}”"))
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
            table.add_column("Goal", ratio=1, overflow="fold")
            table.add_column("Missions", ratio=2, overflow="fold")
            for step in chosen:
                text = Text()
                for brief in step["missions"]:
                    _mission_lines(text, missions.get(brief["id"], brief), style)
                goal = Text(safe(step["name"]), style=bold)
                goal.append("\n" + safe(step["goal"]))
                table.add_row(Text(str(step["step"])), goal, text)
        else:
            table.add_column("Launch", no_wrap=True, style="green" if style.color else "")
            table.add_column("Mission", ratio=1, overflow="fold")
            for brief in chosen[0]["missions"]:
                mission = missions.get(brief["id"], brief)
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


# --- Chinese names -------------------------------------------------------------------------

_REFERENCES = {"program": "program", "speaker_name": "speaker", "publisher_name": "publisher"}


def localise(found: Sequence[JsonRecord], names: dict[str, str]) -> list[JsonRecord]:
    """Records for a terminal in Chinese: a record's name, and the names it shows of the
    records it refers to (its program, speaker, publisher, crew), in Chinese where there is
    one; English elsewhere. The records themselves are not changed."""
    shown = []
    for record in found:
        copy = dict(record)
        if copy.get("name_zh"):
            copy["name"] = copy["name_zh"]
        ident = copy.get("id")
        if copy.get("kind") == "mission" and isinstance(ident, str) and ident in names:
            title = str(copy.get("title", ""))  # a hit, an anniversary: "Name (status)"
            mark = title[title.rfind(" (") :] if title.endswith(")") and " (" in title else ""
            copy["title"] = names[ident] + mark
        for field, via in _REFERENCES.items():
            target = copy.get(via)
            if field in copy and isinstance(target, str) and target in names:
                copy[field] = names[target]
        if "program" in copy and isinstance(copy["program"], str):
            copy["program"] = names.get(copy["program"], copy["program"])
        if isinstance(copy.get("crew_names"), list):
            pairs = zip(copy["crew"], copy["crew_names"], strict=False)
            copy["crew_names"] = [names.get(i, n) for i, n in pairs]
        if isinstance(copy.get("missions"), list):
            copy["missions"] = [
                {**m, "name": names.get(m["id"], m["name"])} if isinstance(m, dict) else m
                for m in copy["missions"]
            ]
        shown.append(copy)
    return shown
