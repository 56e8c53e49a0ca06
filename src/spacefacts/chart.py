"""A visual timeline of programs: one lane each, milestones as marks, missions as spans.

Pure: plain typed values in, a string (or a Rich `Text`) out; nothing is printed. Three outputs
share one selection step (`select`): `plain` (terminal text), `styled` (the same layout in colour)
and svg.py's `svg`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacefacts.dates import days_in_month
from spacefacts.text import cut, plain_cell
from spacefacts.text import width as display_width

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["Date", "Lane", "Mark", "Span", "lane_label", "plain", "styled"]

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


def bounds(date: Date) -> tuple[float, float]:
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
    days = days_in_month(year, month)
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


def when(record: Mark | Span) -> str:
    if isinstance(record, Mark):
        return _iso(record.date)
    if record.end is None:
        return f"{_iso(record.start)} onwards"
    return f"{_iso(record.start)} to {_iso(record.end)}"


@dataclass(frozen=True, slots=True)
class Scene:
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
            return bounds(span.end)[1]
        if self.now is not None:
            return max(bounds(self.now)[1], bounds(span.start)[1])
        return self.hi + 1.0


def select(
    lanes: Sequence[Lane],
    marks: Sequence[Mark],
    spans: Sequence[Span],
    since: int | None,
    until: int | None,
    mark: str | None,
    now: Date | None = None,
) -> Scene | None:
    """Validate the items and pick those in range; None when nothing is left to draw."""
    index = {lane.id: i for i, lane in enumerate(lanes)}
    if now is not None:
        bounds(now)
    years: list[int] = []
    records: list[Mark | Span] = [*marks, *spans]
    for item in records:
        if item.lane not in index:
            raise ValueError(f"{item.id!r} names an unknown lane {item.lane!r}")
        if isinstance(item, Mark):
            bounds(item.date)
            years.append(item.date[0])
        else:
            start = bounds(item.start)
            years.append(item.start[0])
            if item.end is not None:
                if bounds(item.end)[1] < start[1]:
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
    return Scene(lo, hi, shown_marks, shown_spans, found, shown, now)


def _last(span: Span, now: Date | None) -> int:
    """The last year a span covers (an ongoing one without `now`: any year)."""
    if span.end is not None:
        return span.end[0]
    return 9999 if now is None else max(now[0], span.start[0])


# --- text helpers -------------------------------------------------------------------------------


def _one_line(text: str, ascii_only: bool) -> str:
    """Terminal-safe single line: whitespace runs become one space, and control characters
    visible escapes, as in every other text output (text.plain_cell)."""
    line = plain_cell(text)
    if ascii_only:
        import unicodedata

        decomposed = unicodedata.normalize("NFKD", line)
        line = "".join(
            ch if ch.isascii() else "?" for ch in decomposed if not unicodedata.combining(ch)
        )
    return line


def fit(text: str, cells: int, ellipsis: str) -> str:
    """Shorten `text` to at most `cells` display columns, marking the cut with `ellipsis`."""
    if display_width(text) <= cells:
        return text
    room = cells - display_width(ellipsis)
    if room < 1:
        ellipsis, room = "", cells
    return cut(text, room).rstrip() + ellipsis


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
        if candidate and display_width(candidate) <= cells:
            return candidate
    kept: list[str] = []
    for word in words:
        if display_width(" ".join([*kept, word])) > cells:
            break
        kept.append(word)
    return " ".join(kept) if kept else fit(full, cells, "…")


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


def axis_step(per_year: float, room: float) -> int:
    """The smallest readable year step whose labels are at least `room` apart."""
    return next((step for step in _STEPS if step * per_year >= room), _STEPS[-1])


def _axis(scene: Scene, plot: int, pad: str, g: _Glyphs) -> tuple[_Line, _Line]:
    """The year labels and the tick rule above the lanes; labels never overlap or overflow."""
    label_cells = len(str(scene.hi)) + 1
    step = axis_step(plot / (scene.hi + 1 - scene.lo), label_cells)
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


def _lane_cells(scene: Scene, lane: int, plot: int, g: _Glyphs) -> tuple[list[_Seg], set[int]]:
    """One lane's plot cells, and the milestone counts that were collapsed into a digit."""
    cells = [_Seg(" ")] * plot
    chosen = scene.highlight.id if scene.highlight_shown and scene.highlight else None
    spans = [s for i, s in scene.spans if i == lane]
    # planned first, done over them, the highlighted one last so nothing hides it
    spans.sort(key=lambda s: (s.id == chosen, not s.planned))
    highlighted: tuple[range, bool] | None = None
    for item in spans:
        start = scene.x(bounds(item.start)[0], plot)
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
            col = min(plot - 1, int(scene.x(sum(bounds(m.date)) / 2, plot)))
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
    scene: Scene, counts: set[int], mark: str | None, width: int, g: _Glyphs, ascii_only: bool
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
            about = f"{found.title} ({when(found)})"
            if not scene.highlight_shown:
                about += f", outside {scene.lo}-{scene.hi}"
        items.append((g.highlight, _one_line(about, ascii_only)))
    lines: list[_Line] = []
    line: _Line = []
    used = 0
    for glyph, label in items:
        label = fit(label, width - display_width(glyph) - 1, g.ellipsis)
        size = display_width(glyph) + 1 + display_width(label)
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
    scene = select(lanes, marks, spans, since, until, mark, now)
    if scene is None:
        return []
    g = _UNICODE if unicode else _ASCII
    width = min(MAX_WIDTH, max(MIN_WIDTH, width))
    names = [_one_line(lane.name, not unicode) for lane in lanes]
    name_cells = max(1, min(NAME_CELLS, max((display_width(n) for n in names), default=1)))
    plot = width - name_cells - 1
    labels, ticks = _axis(scene, plot, " " * (name_cells + 1), g)
    lines: list[_Line] = [labels, ticks]
    counts: set[int] = set()
    for i, name in enumerate(names):
        short = fit(name, name_cells, g.ellipsis)
        head = _Seg(short + " " * (name_cells + 1 - display_width(short)), i)
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
