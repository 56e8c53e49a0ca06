"""A visual timeline of programs: one lane each, milestones as marks, missions as spans.

Pure: plain typed values in, a string (or a Rich `Text`) out; nothing is printed. Three outputs
share one selection step: `plain` (terminal text), `styled` (the same layout in colour) and `svg`.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["Date", "Lane", "Mark", "Span", "lane_label", "plain", "styled", "svg"]

Date = tuple[int, int | None, int | None]
"""(year, month or None, day or None); a day needs a month."""

MIN_WIDTH = 60
MAX_WIDTH = 200
NAME_CELLS = 14  # the lane-name column never takes more, so the time axis keeps its room


@dataclass(frozen=True, slots=True)
class Lane:
    """One row of the chart (a program), drawn in the order given.

    `name` heads the row (shortened to fit: see `lane_label`); `title`, the full name, is the
    SVG tooltip.
    """

    id: str
    name: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Mark:
    """A milestone on one date."""

    id: str
    lane: str
    date: Date
    title: str
    planned: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """A mission or crewed stay; `end` None means ongoing: drawn to `now`, or the chart's end."""

    id: str
    lane: str
    start: Date
    end: Date | None
    title: str
    planned: bool = False


# --- dates and the selection shared by every output --------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _bounds(date: Date) -> tuple[float, float]:
    """The first and the last instant a (partial) date may mean, in fractional years."""
    year, month, day = date
    if not 1 <= year <= 9999:
        raise ValueError(f"year out of range: {date!r}")
    if month is None:
        if day is not None:
            raise ValueError(f"a day needs a month: {date!r}")
        return float(year), float(year + 1)
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {date!r}")
    first = year + (month - 1) / 12
    if day is None:
        return first, first + 1 / 12
    days = _days_in_month(year, month)
    if not 1 <= day <= days:
        raise ValueError(f"day out of range: {date!r}")
    one_day = 1 / (12 * days)
    return first + (day - 1) * one_day, first + day * one_day


def _iso(date: Date) -> str:
    year, month, day = date
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return text


def _when(record: Mark | Span) -> str:
    if isinstance(record, Mark):
        return _iso(record.date)
    if record.end is None:
        return f"{_iso(record.start)} onwards"
    return f"{_iso(record.start)} to {_iso(record.end)}"


@dataclass(frozen=True, slots=True)
class _Scene:
    """What is drawn: the year range (inclusive) and the in-range items with their lane index."""

    lo: int
    hi: int
    marks: list[tuple[int, Mark]]
    spans: list[tuple[int, Span]]
    highlight: Mark | Span | None  # the record named by `mark`, drawn or not
    highlight_shown: bool
    now: Date | None  # where ongoing spans stop; None: at the chart's end

    def x(self, t: float, size: float) -> float:
        """Time `t` (fractional year) as a position in 0..size."""
        return (min(max(t, self.lo), self.hi + 1) - self.lo) * size / (self.hi + 1 - self.lo)

    def stop(self, span: Span) -> float:
        """When a span ends, in fractional years (an ongoing one: now, or the chart's end)."""
        if span.end is not None:
            return _bounds(span.end)[1]
        if self.now is not None:
            return max(_bounds(self.now)[1], _bounds(span.start)[1])
        return self.hi + 1.0


def _scene(
    lanes: Sequence[Lane],
    marks: Sequence[Mark],
    spans: Sequence[Span],
    since: int | None,
    until: int | None,
    mark: str | None,
    now: Date | None = None,
) -> _Scene | None:
    """Validate the items and pick those in range; None when nothing is left to draw."""
    index = {lane.id: i for i, lane in enumerate(lanes)}
    if now is not None:
        _bounds(now)
    years: list[int] = []
    records: list[Mark | Span] = [*marks, *spans]
    for item in records:
        if item.lane not in index:
            raise ValueError(f"{item.id!r} names an unknown lane {item.lane!r}")
        if isinstance(item, Mark):
            _bounds(item.date)
            years.append(item.date[0])
        else:
            start = _bounds(item.start)
            years.append(item.start[0])
            if item.end is not None:
                if _bounds(item.end)[1] < start[1]:
                    raise ValueError(f"{item.id!r} ends before it starts")
                years.append(item.end[0])
            elif now is not None:
                years.append(max(now[0], item.start[0]))
    if not years:
        return None
    lo = min(years) if since is None else since
    hi = max(years) if until is None else until
    if lo > hi:
        return None
    shown_marks = [(index[m.lane], m) for m in marks if lo <= m.date[0] <= hi]
    shown_spans = [(index[s.lane], s) for s in spans if s.start[0] <= hi and _last(s, now) >= lo]
    if not shown_marks and not shown_spans:
        return None
    shown_ids = {m.id for _, m in shown_marks} | {s.id for _, s in shown_spans}
    found = next((item for item in records if item.id == mark), None)
    shown = found is not None and mark in shown_ids
    return _Scene(lo, hi, shown_marks, shown_spans, found, shown, now)


def _last(span: Span, now: Date | None) -> int:
    """The last year a span covers (an ongoing one without `now`: any year)."""
    if span.end is not None:
        return span.end[0]
    return 9999 if now is None else max(now[0], span.start[0])


# --- text helpers -------------------------------------------------------------------------------

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


_NOT_XML = (0xFFFE, 0xFFFF)


def _is_control(ch: str) -> bool:
    """C0, DEL, C1, and what XML 1.0 forbids besides (U+FFFE, U+FFFF, lone surrogates)."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in _NOT_XML


def _one_line(text: str, ascii_only: bool) -> str:
    """Terminal-safe single line: whitespace runs become one space, and control characters
    visible escapes, as in every other text output (text.plain_cell)."""
    from spacefacts.text import plain_cell

    line = plain_cell(text)
    if ascii_only:
        decomposed = unicodedata.normalize("NFKD", line)
        line = "".join(
            ch if ch.isascii() else "?" for ch in decomposed if not unicodedata.combining(ch)
        )
    return line


def _xml_text(text: str) -> str:
    """Strip what XML 1.0 cannot carry (controls other than tab and newline)."""
    return "".join(ch for ch in text if ch in "\t\n" or not _is_control(ch))


def _char_cells(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    # East Asian "ambiguous" (the box-drawing and circle glyphs) counts 1, as Rich counts it
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _cells(text: str) -> int:
    return sum(_char_cells(ch) for ch in text)


def _fit(text: str, cells: int, ellipsis: str) -> str:
    """Shorten `text` to at most `cells` display columns, marking the cut with `ellipsis`."""
    if _cells(text) <= cells:
        return text
    room = cells - _cells(ellipsis)
    if room < 1:
        ellipsis, room = "", cells
    kept: list[str] = []
    used = 0
    for ch in text:
        used += _char_cells(ch)
        if used > room:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + ellipsis


_GENERIC = frozenset({"program", "programme", "project", "series", "satellites", "missions"})


def lane_label(name: str, aliases: Sequence[str] = (), cells: int = NAME_CELLS) -> str:
    """A program's name short enough to head a lane, in words a reader recognises.

    The first that fits of: the name; its part before a parenthesis ("Chang'e (Chinese Lunar
    Exploration Program)" -> "Chang'e"); that part without a generic last word ("... program");
    an acronym, in the parenthesis or among the aliases ("ILRS"); its first whole words ("Crewed
    lunar"). Only then is it cut, with an ellipsis.
    """
    full = " ".join(_one_line(name, False).split())
    base, _, rest = full.partition(" (")
    words = base.split()
    while len(words) > 1 and words[-1].casefold() in _GENERIC:
        words.pop()
    inner = rest.removesuffix(")").strip()
    acronyms = [a for a in (inner, *aliases) if a.isascii() and a.isalnum() and a.isupper()]
    for candidate in (full, base, " ".join(words), *acronyms):
        if candidate and _cells(candidate) <= cells:
            return candidate
    kept: list[str] = []
    for word in words:
        if _cells(" ".join([*kept, word])) > cells:
            break
        kept.append(word)
    return " ".join(kept) if kept else _fit(full, cells, "…")


# --- the text layout (plain and styled share it) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Glyphs:
    done: str
    planned: str
    span: str
    span_planned: str
    highlight: str
    ellipsis: str
    tick: str
    rule: str


_UNICODE = _Glyphs("●", "○", "━", "─", "◆", "…", "┬", "─")
_ASCII = _Glyphs("*", "o", "=", "-", "#", "...", "+", "-")
_MANY = "+"  # ten or more milestones in one cell; 2..9 show as the digit

_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


@dataclass(frozen=True, slots=True)
class _Seg:
    """A run of text and how `styled` colours it (lane -1: no lane colour)."""

    text: str
    lane: int = -1
    planned: bool = False
    strong: bool = False


_Line = list[_Seg]


def _trim(line: _Line) -> _Line:
    """Drop trailing spaces (and the segments they empty)."""
    out = list(line)
    while out:
        last = out[-1]
        text = last.text.rstrip(" ")
        if text:
            out[-1] = _Seg(text, last.lane, last.planned, last.strong)
            break
        out.pop()
    return out


def _step(per_year: float, room: float) -> int:
    """The smallest readable year step whose labels are at least `room` apart."""
    return next((step for step in _STEPS if step * per_year >= room), _STEPS[-1])


def _axis(scene: _Scene, plot: int, pad: str, g: _Glyphs) -> tuple[_Line, _Line]:
    """The year labels and the tick rule above the lanes; labels never overlap or overflow."""
    label_cells = len(str(scene.hi)) + 1
    step = _step(plot / (scene.hi + 1 - scene.lo), label_cells)
    labels = [" "] * plot
    ticks = [g.rule] * plot
    end = -1  # first free column after the last label
    for year in range(math.ceil(scene.lo / step) * step, scene.hi + 1, step):
        col = min(plot - 1, int(scene.x(year, plot)))
        text = str(year)
        start = min(col, plot - len(text))  # the last label may lean left to stay inside
        if start <= end:
            continue
        labels[start : start + len(text)] = list(text)
        ticks[col] = g.tick
        end = start + len(text)
    return _trim([_Seg(pad + "".join(labels))]), [_Seg(pad), _Seg("".join(ticks))]


def _lane_cells(scene: _Scene, lane: int, plot: int, g: _Glyphs) -> tuple[list[_Seg], set[int]]:
    """One lane's plot cells, and the milestone counts that were collapsed into a digit."""
    cells = [_Seg(" ")] * plot
    chosen = scene.highlight.id if scene.highlight_shown and scene.highlight else None
    spans = [s for i, s in scene.spans if i == lane]
    # planned first, done over them, the highlighted one last so nothing hides it
    spans.sort(key=lambda s: (s.id == chosen, not s.planned))
    highlighted: tuple[range, bool] | None = None
    for item in spans:
        start = scene.x(_bounds(item.start)[0], plot)
        first = min(plot - 1, int(start))
        last = max(first, min(plot - 1, math.ceil(scene.x(scene.stop(item), plot)) - 1))
        glyph = g.span_planned if item.planned else g.span
        for col in range(first, last + 1):
            cells[col] = _Seg(glyph, lane, item.planned, item.id == chosen)
        if item.id == chosen:
            highlighted = range(first, last + 1), item.planned
    groups: dict[int, list[Mark]] = {}
    for i, m in scene.marks:
        if i == lane:
            col = min(plot - 1, int(scene.x(sum(_bounds(m.date)) / 2, plot)))
            groups.setdefault(col, []).append(m)
    counts: set[int] = set()
    for col, group in groups.items():
        planned = all(m.planned for m in group)
        if any(m.id == chosen for m in group):
            cells[col] = _Seg(g.highlight, lane, planned, True)
        elif len(group) == 1:
            cells[col] = _Seg(g.planned if planned else g.done, lane, planned)
        else:
            counts.add(len(group))
            cells[col] = _Seg(str(len(group)) if len(group) < 10 else _MANY, lane, planned)
    if highlighted is not None:
        # the span's first cell that no milestone takes: the marks over a span stay countable
        cols, planned = highlighted
        col = next((c for c in cols if c not in groups), cols[0])
        cells[col] = _Seg(g.highlight, lane, planned, True)
    return cells, counts


def _legend(
    scene: _Scene, counts: set[int], mark: str | None, width: int, g: _Glyphs, ascii_only: bool
) -> list[_Line]:
    items: list[tuple[str, str]] = [
        (g.done, "milestone"),
        (g.planned, "planned"),
        (g.span, "mission"),
        (g.span_planned, "planned mission"),
    ]
    if any(n < 10 for n in counts):
        items.append(("2-9", "milestones in one cell"))
    if any(n >= 10 for n in counts):
        items.append((_MANY, "10 or more in one cell"))
    if mark is not None:
        found = scene.highlight
        if found is None:
            about = f"{mark}: no such record"
        else:
            about = f"{found.title} ({_when(found)})"
            if not scene.highlight_shown:
                about += f", outside {scene.lo}-{scene.hi}"
        items.append((g.highlight, _one_line(about, ascii_only)))
    lines: list[_Line] = []
    line: _Line = []
    used = 0
    for glyph, label in items:
        label = _fit(label, width - _cells(glyph) - 1, g.ellipsis)
        size = _cells(glyph) + 1 + _cells(label)
        if line and used + 2 + size > width:
            lines.append(line)
            line, used = [], 0
        if line:
            line.append(_Seg("  "))
            used += 2
        strong = glyph == g.highlight
        line += [_Seg(glyph, strong=strong), _Seg(" " + label)]
        used += size
    lines.append(line)
    return lines


def _layout(
    lanes: Sequence[Lane],
    marks: Sequence[Mark],
    spans: Sequence[Span],
    width: int,
    since: int | None,
    until: int | None,
    mark: str | None,
    unicode: bool,
    now: Date | None,
) -> list[_Line]:
    scene = _scene(lanes, marks, spans, since, until, mark, now)
    if scene is None:
        return []
    g = _UNICODE if unicode else _ASCII
    width = min(MAX_WIDTH, max(MIN_WIDTH, width))
    names = [_one_line(lane.name, not unicode) for lane in lanes]
    name_cells = max(1, min(NAME_CELLS, max((_cells(n) for n in names), default=1)))
    plot = width - name_cells - 1
    labels, ticks = _axis(scene, plot, " " * (name_cells + 1), g)
    lines: list[_Line] = [labels, ticks]
    counts: set[int] = set()
    for i, name in enumerate(names):
        short = _fit(name, name_cells, g.ellipsis)
        head = _Seg(short + " " * (name_cells + 1 - _cells(short)), i)
        cells, collapsed = _lane_cells(scene, i, plot, g)
        counts |= collapsed
        lines.append(_trim([head, *cells]))
    lines.append([])
    lines += _legend(scene, counts, mark, width, g, not unicode)
    return lines


def plain(
    lanes: Sequence[Lane],
    marks: Sequence[Mark],
    spans: Sequence[Span],
    width: int,
    since: int | None = None,
    until: int | None = None,
    mark: str | None = None,
    unicode: bool = True,
    now: Date | None = None,
) -> str:
    """The chart as text within `width` columns (clamped to 60..200); "" when nothing is drawn.

    Lines are joined by newlines, without a final one. `since`/`until` are inclusive years;
    `mark` is the id of a milestone or span to highlight; ongoing spans stop at `now`.
    """
    lines = _layout(lanes, marks, spans, width, since, until, mark, unicode, now)
    return "\n".join("".join(seg.text for seg in line) for line in lines)


_PALETTE = ("cyan", "magenta", "green", "yellow", "bright_blue", "red", "bright_green", "blue")


def styled(
    lanes: Sequence[Lane],
    marks: Sequence[Mark],
    spans: Sequence[Span],
    width: int,
    since: int | None = None,
    until: int | None = None,
    mark: str | None = None,
    unicode: bool = True,
    now: Date | None = None,
) -> Text:
    """The `plain` layout as Rich text: a colour per lane, planned items dim, no markup parsed."""
    from rich.text import Text

    text = Text(no_wrap=True, overflow="ignore")
    lines = _layout(lanes, marks, spans, width, since, until, mark, unicode, now)
    for n, line in enumerate(lines):
        if n:
            text.append("\n")
        run, run_style = "", ""
        for seg in line:
            parts = [_PALETTE[seg.lane % len(_PALETTE)]] if seg.lane >= 0 else []
            if seg.planned:
                parts.append("dim")
            if seg.strong:
                parts.append("bold reverse")
            style = " ".join(parts)
            if style != run_style and run:  # one styled run per colour, not one per cell
                text.append(run, style=run_style)
                run = ""
            run, run_style = run + seg.text, style
        if run:
            text.append(run, style=run_style)
    return text


# --- SVG ----------------------------------------------------------------------------------------

_SVG_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
_LEFT, _TOP, _ROW, _LABEL_CHARS = 170.0, 44.0, 30.0, 24


def _escape(text: str) -> str:
    """XML character data, as xml.sax.saxutils.escape (not imported: the text chart needs none)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quoteattr(text: str) -> str:
    """An XML attribute value in double quotes; whitespace controls kept as references."""
    text = _escape(text).replace('"', "&quot;")
    return '"' + text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def _attrs(**values: str | float) -> str:
    parts: list[str] = []
    for key, value in values.items():
        text = f"{value:.1f}" if isinstance(value, float) else _xml_text(value)
        parts.append(f"{key.rstrip('_').replace('_', '-')}={_quoteattr(text)}")
    return " ".join(parts)


def _tooltip(text: str) -> str:
    return f"<title>{_escape(_xml_text(text))}</title>"


def svg(
    lanes: Sequence[Lane],
    marks: Sequence[Mark],
    spans: Sequence[Span],
    since: int | None = None,
    until: int | None = None,
    mark: str | None = None,
    now: Date | None = None,
) -> str:
    """A standalone SVG document of the chart; "" when nothing is drawn.

    Each milestone is one element of class "milestone" (plus "planned", "highlight"), each span
    a <rect> of class "span" (plus "planned", "ongoing", "highlight"); both carry data-id and a
    <title> tooltip.
    """
    scene = _scene(lanes, marks, spans, since, until, mark, now)
    if scene is None:
        return ""
    years = scene.hi + 1 - scene.lo
    plot = min(1000.0, max(480.0, years * 20.0))
    width = _LEFT + plot + 30.0
    legend_y = _TOP + len(lanes) * _ROW + 26.0
    height = legend_y + (52.0 if mark is not None else 30.0)
    chosen = scene.highlight.id if scene.highlight_shown and scene.highlight else None
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" {_attrs(width=width, height=height)}'
        f' viewBox="0 0 {width:.1f} {height:.1f}" font-family="sans-serif" font-size="12">',
        _tooltip(f"Timeline {scene.lo}-{scene.hi}"),
        f"<rect {_attrs(width=width, height=height, fill='#ffffff')}/>",
        '<g class="axis">',
    ]
    step = _step(plot / years, 44.0)
    bottom = _TOP + len(lanes) * _ROW
    for year in range(math.ceil(scene.lo / step) * step, scene.hi + 1, step):
        x = _LEFT + scene.x(year, plot)
        line = _attrs(x1=x, y1=_TOP - 8.0, x2=x, y2=bottom, stroke="#dddddd")
        out.append(f"<line {line}/>")
        out.append(f"<text {_attrs(x=x, y=_TOP - 14.0, text_anchor='middle')}>{year}</text>")
    out.append("</g>")
    for i, lane in enumerate(lanes):
        colour = _SVG_COLOURS[i % len(_SVG_COLOURS)]
        mid = _TOP + i * _ROW + _ROW / 2
        name = _fit(_xml_text(lane.name).replace("\t", " ").replace("\n", " "), _LABEL_CHARS, "…")
        out.append(f"<g {_attrs(class_='lane', data_id=lane.id)}>")
        out.append(_tooltip(lane.title or lane.name))
        label = _attrs(class_="lane-label", x=8.0, y=mid + 4.0)
        out.append(f"<text {label}>{_escape(name)}</text>")
        rule = _attrs(x1=_LEFT, y1=mid, x2=_LEFT + plot, y2=mid, stroke="#eeeeee")
        out.append(f"<line {rule}/>")
        for _, item in sorted((p for p in scene.spans if p[0] == i), key=lambda p: p[1].planned):
            x0 = _LEFT + scene.x(_bounds(item.start)[0], plot)
            x1 = max(x0 + 2.0, _LEFT + scene.x(scene.stop(item), plot))
            classes = " ".join(
                ["span"]
                + (["planned"] if item.planned else [])
                + (["ongoing"] if item.end is None else [])
                + (["highlight"] if item.id == chosen else [])
            )
            box = _attrs(
                class_=classes, data_id=item.id, x=x0, y=mid - 5.0, width=x1 - x0, height=10.0
            )
            look = _attrs(rx="3", fill=colour, fill_opacity="0.35" if item.planned else "0.85")
            if item.planned:
                look += ' stroke="' + colour + '" stroke-dasharray="4 2"'
            if item.id == chosen:
                look += ' stroke="#000000" stroke-width="2"'
            tip = _tooltip(f"{_when(item)} {item.title}")
            out.append(f"<rect {box} {look}>{tip}</rect>")
        for _, m in (p for p in scene.marks if p[0] == i):
            cx = _LEFT + scene.x(sum(_bounds(m.date)) / 2, plot)
            classes = " ".join(
                ["milestone"]
                + (["planned"] if m.planned else [])
                + (["highlight"] if m.id == chosen else [])
            )
            dot = _attrs(class_=classes, data_id=m.id, cx=cx, cy=mid)
            look = _attrs(
                r="8" if m.id == chosen else "5",
                fill="#ffffff" if m.planned else colour,
                stroke="#000000" if m.id == chosen else colour,
                stroke_width="2",
            )
            out.append(f"<circle {dot} {look}>{_tooltip(f'{_when(m)} {m.title}')}</circle>")
        out.append("</g>")
    out += _svg_legend(scene, mark, legend_y)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_legend(scene: _Scene, mark: str | None, y: float) -> list[str]:
    colour = _SVG_COLOURS[0]
    out = [f"<g {_attrs(class_='legend')}>"]
    x = _LEFT
    for label, planned in (("milestone", False), ("planned", True)):
        fill = "#ffffff" if planned else colour
        dot = _attrs(class_="legend-glyph", cx=x, cy=y, r="5", fill=fill, stroke=colour)
        out.append(f"<circle {dot}/>")
        out.append(f"<text {_attrs(x=x + 10.0, y=y + 4.0)}>{label}</text>")
        x += 100.0
    for label, planned in (("mission", False), ("planned mission", True)):
        box = _attrs(class_="legend-glyph", x=x, y=y - 5.0, width=24.0, height=10.0, rx="3")
        look = _attrs(fill=colour, fill_opacity="0.35" if planned else "0.85")
        out.append(f"<rect {box} {look}/>")
        out.append(f"<text {_attrs(x=x + 30.0, y=y + 4.0)}>{label}</text>")
        x += 140.0
    if mark is not None:
        found = scene.highlight
        if found is None:
            about = f"{mark}: no such record"
        else:
            about = f"{_when(found)} {found.title}"
            if not scene.highlight_shown:
                about += f", outside {scene.lo}-{scene.hi}"
        dot = _attrs(class_="legend-glyph", cx=_LEFT, cy=y + 22.0, r="8", fill="#ffffff")
        out.append(f'<circle {dot} stroke="#000000" stroke-width="2"/>')
        text = _escape(_xml_text(f"highlighted: {about}"))
        out.append(f"<text {_attrs(x=_LEFT + 14.0, y=y + 26.0)}>{text}</text>")
    out.append("</g>")
    return out
