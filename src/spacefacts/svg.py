"""The chart as a standalone SVG document: the same selection as the text chart (chart.select).

XML is written by hand (escaping, attributes): what XML 1.0 cannot carry is dropped, and text
from a fact file is character data, never markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from spacefacts.chart import Date, Lane, Mark, Scene, Span, axis_step, bounds, fit, select, when

_NOT_XML = (0xFFFE, 0xFFFF)


def _is_control(ch: str) -> bool:
    """C0, DEL, C1, and what XML 1.0 forbids besides (U+FFFE, U+FFFF, lone surrogates)."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in _NOT_XML


def _xml_text(text: str) -> str:
    """Strip what XML 1.0 cannot carry (controls other than tab and newline)."""
    return "".join(ch for ch in text if ch in "\t\n" or not _is_control(ch))


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
    scene = select(lanes, marks, spans, since, until, mark, now)
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
    step = axis_step(plot / years, 44.0)
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
        name = fit(_xml_text(lane.name).replace("\t", " ").replace("\n", " "), _LABEL_CHARS, "…")
        out.append(f"<g {_attrs(class_='lane', data_id=lane.id)}>")
        out.append(_tooltip(lane.title or lane.name))
        label = _attrs(class_="lane-label", x=8.0, y=mid + 4.0)
        out.append(f"<text {label}>{_escape(name)}</text>")
        rule = _attrs(x1=_LEFT, y1=mid, x2=_LEFT + plot, y2=mid, stroke="#eeeeee")
        out.append(f"<line {rule}/>")
        for _, item in sorted((p for p in scene.spans if p[0] == i), key=lambda p: p[1].planned):
            x0 = _LEFT + scene.x(bounds(item.start)[0], plot)
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
            tip = _tooltip(f"{when(item)} {item.title}")
            out.append(f"<rect {box} {look}>{tip}</rect>")
        for _, m in (p for p in scene.marks if p[0] == i):
            cx = _LEFT + scene.x(sum(bounds(m.date)) / 2, plot)
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
            out.append(f"<circle {dot} {look}>{_tooltip(f'{when(m)} {m.title}')}</circle>")
        out.append("</g>")
    out += _svg_legend(scene, mark, legend_y)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_legend(scene: Scene, mark: str | None, y: float) -> list[str]:
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
            about = f"{when(found)} {found.title}"
            if not scene.highlight_shown:
                about += f", outside {scene.lo}-{scene.hi}"
        dot = _attrs(class_="legend-glyph", cx=_LEFT, cy=y + 22.0, r="8", fill="#ffffff")
        out.append(f'<circle {dot} stroke="#000000" stroke-width="2"/>')
        text = _escape(_xml_text(f"highlighted: {about}"))
        out.append(f"<text {_attrs(x=_LEFT + 14.0, y=y + 26.0)}>{text}</text>")
    out.append("</g>")
    return out
