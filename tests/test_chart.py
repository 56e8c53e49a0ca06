"""The timeline chart: plain text fits its width, keeps every lane and mark; SVG is valid XML.

Golden files in tests/golden/ hold the plain chart at 60, 80 and 120 columns; regenerate them
with `SPACEFACTS_UPDATE_GOLDEN=1 pytest tests/test_chart.py` and review the diff.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from spacefacts.chart import Lane, Mark, Span, lane_label, plain, styled
from spacefacts.svg import svg

GOLDEN = Path(__file__).parent / "golden"

LANES = (
    Lane("dongfanghong", "Dongfanghong"),
    Lane("shenzhou", "Shenzhou"),
    Lane("change", "Chang'e"),
    Lane("tianwen", "Tianwen"),
    Lane("crewed-lunar", "Crewed lunar landing"),
)
MARKS = (
    Mark("dfh-1", "dongfanghong", (1970, 4, 24), "Dongfanghong-1, China's first satellite"),
    Mark("shenzhou-1", "shenzhou", (1999, 11, 20), "Shenzhou 1, first uncrewed test flight"),
    Mark("shenzhou-5", "shenzhou", (2003, 10, 15), "Shenzhou 5, Yang Liwei in orbit"),
    Mark("shenzhou-7", "shenzhou", (2008, 9, 25), "Shenzhou 7, first spacewalk"),
    Mark("shenzhou-23", "shenzhou", (2026, None, None), "Shenzhou 23", planned=True),
    Mark("change-1", "change", (2007, 10, 24), "Chang'e 1 launched"),
    Mark("change-3", "change", (2013, 12, 14), "Chang'e 3 lands with Yutu"),
    Mark("change-4", "change", (2019, 1, 3), "Chang'e 4, first far-side landing"),
    Mark("change-5", "change", (2020, 12, 1), "Chang'e 5 lands"),
    Mark("change-5-return", "change", (2020, 12, 16), "Chang'e 5 samples reach Earth"),
    Mark("change-6", "change", (2024, 6, 2), "Chang'e 6 lands on the far side"),
    Mark("change-7", "change", (2026, None, None), "Chang'e 7", planned=True),
    Mark("change-8", "change", (2028, None, None), "Chang'e 8", planned=True),
    Mark("tianwen-1", "tianwen", (2021, 5, 15), "Tianwen-1 lands Zhurong on Mars"),
    Mark("tianwen-3", "tianwen", (2028, None, None), "Tianwen-3", planned=True),
    Mark("lunar-landing", "crewed-lunar", (2030, None, None), "Crewed landing", planned=True),
)
SPANS = (
    Span("tiangong", "shenzhou", (2022, 6, 5), None, "Tiangong crewed without a break"),
    Span("yutu-2", "change", (2019, 1, 3), None, "Yutu-2 rover on the far side"),
    Span("zhurong", "tianwen", (2021, 5, 22), (2022, 5, None), "Zhurong rover on Mars"),
    Span("tianwen-2", "tianwen", (2025, 5, 29), (2027, None, None), "Tianwen-2", planned=True),
)
WIDTHS = (60, 80, 120, 200)
GLYPHS = {"●", "○", "◆", "*", "o", "#"}


def chart(
    width: int = 80,
    since: int | None = None,
    until: int | None = None,
    mark: str | None = None,
    unicode: bool = True,
) -> str:
    return plain(LANES, MARKS, SPANS, width, since=since, until=until, mark=mark, unicode=unicode)


def lane_rows(text: str) -> dict[str, str]:
    """The plot part of each lane's row, by lane id (rows follow the two axis lines)."""
    lines = text.split("\n")
    rows = lines[2 : 2 + len(LANES)]
    plot_start = len(lines[1]) - len(lines[1].lstrip(" "))
    return {lane.id: row[plot_start:] for lane, row in zip(LANES, rows, strict=True)}


def mark_count(row: str) -> int:
    """Milestones shown in a lane row: a glyph is one, a digit is that many."""
    return sum(1 if ch in GLYPHS else int(ch) if ch.isdigit() else 0 for ch in row)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("unicode", [True, False])
def test_every_line_fits_the_width_without_trailing_spaces(width: int, unicode: bool) -> None:
    lines = chart(width, unicode=unicode, mark="change-6").split("\n")
    assert all(cell_len(line) <= width for line in lines)
    assert all(line == line.rstrip() for line in lines)
    assert cell_len(lines[1]) == width  # the axis rule takes exactly the width given


def test_a_narrow_width_is_clamped_to_60() -> None:
    assert chart(20) == chart(60)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_lane_is_dropped_and_long_names_are_shortened(width: int) -> None:
    rows = chart(width).split("\n")[2 : 2 + len(LANES)]
    for lane, row in zip(LANES, rows, strict=True):
        assert row.startswith(lane.name[:12])
    assert rows[-1].startswith("Crewed lunar…")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_mark_is_shown(width: int) -> None:
    rows = lane_rows(chart(width))
    for lane in LANES:
        expected = sum(1 for m in MARKS if m.lane == lane.id)
        assert mark_count(rows[lane.id]) == expected, (lane.id, rows[lane.id])


def test_two_marks_in_one_cell_show_their_count() -> None:
    text = chart(80)
    assert "2" in lane_rows(text)["change"]  # Chang'e 5 landing and return, two weeks apart
    assert "2-9 milestones in one cell" in text


def test_planned_marks_use_the_planned_glyph() -> None:
    rows = lane_rows(chart(80))
    assert rows["crewed-lunar"].strip() == "○"
    assert "●" not in rows["crewed-lunar"]
    assert "─" in rows["tianwen"]  # Tianwen-2 is a planned span
    ascii_rows = lane_rows(chart(80, unicode=False))
    assert ascii_rows["crewed-lunar"].strip() == "o"
    assert "-" in ascii_rows["tianwen"]


def test_the_legend_explains_the_glyphs() -> None:
    assert "● milestone  ○ planned  ━ mission  ─ planned mission" in chart(80)
    assert "* milestone  o planned  = mission  - planned mission" in chart(80, unicode=False)


def test_since_and_until_narrow_the_range() -> None:
    text = chart(80, since=2019, until=2024)
    axis = text.split("\n")[0].split()
    assert axis[0] == "2019"
    assert axis[-1] == "2024"
    rows = lane_rows(text)
    assert rows["dongfanghong"] == ""  # the lane stays, empty
    assert mark_count(rows["change"]) == 4  # Chang'e 4, 5 (twice) and 6
    assert mark_count(rows["crewed-lunar"]) == 0


def test_default_range_runs_from_the_first_to_the_last_dated_item() -> None:
    assert chart(120).split("\n")[0].split()[0] == "1970"
    assert chart(120).split("\n")[0].split()[-1] == "2030"


def test_nothing_in_range_is_an_empty_string() -> None:
    assert plain(LANES, [], [], 80) == ""
    assert chart(80, since=1980, until=1990) == ""
    assert svg(LANES, [], []) == ""


def test_the_highlighted_mark_is_drawn_and_named_in_the_legend() -> None:
    text = chart(80, mark="change-6")
    assert "◆" in lane_rows(text)["change"]
    assert "◆ Chang'e 6 lands on the far side (2024-06-02)" in text
    ascii_text = chart(80, mark="change-6", unicode=False)
    assert "#" in lane_rows(ascii_text)["change"]
    assert "# Chang'e 6 lands on the far side (2024-06-02)" in ascii_text


def test_a_highlighted_span_starts_with_the_highlight_glyph() -> None:
    row = lane_rows(chart(80, mark="tiangong"))["shenzhou"]
    assert "◆━" in row


def test_a_highlighted_span_leaves_the_marks_over_it_countable() -> None:
    marks = (Mark("landing", "change", (2024, 6, 2), "Chang'e 6 lands"),)
    spans = (Span("change-6", "change", (2024, 5, 3), (2024, 6, 25), "Chang'e 6"),)
    lanes = (Lane("change", "Chang'e"),)
    row = lane_rows_of(plain(lanes, marks, spans, 200, since=2023, until=2025, mark="change-6"))
    assert "◆" in row and "●" in row


def lane_rows_of(text: str) -> str:
    return text.split("\n")[2]


def test_an_ongoing_span_stops_at_now() -> None:
    lanes = (Lane("station", "Tiangong"), Lane("plan", "Crewed lunar"))
    spans = (Span("tianhe", "station", (2021, 4, 29), None, "Tianhe, crewed"),)
    marks = (Mark("landing", "plan", (2030, None, None), "Landing", planned=True),)
    later = plain(lanes, marks, spans, 80).split("\n")[2]
    now = plain(lanes, marks, spans, 80, now=(2025, 1, 1)).split("\n")[2]
    assert later.endswith("━")  # without `now`: to the chart's end, 2030
    assert now.count("━") < later.count("━") and len(now) < len(later)
    root = ET.fromstring(svg(lanes, marks, spans, now=(2025, 1, 1)))
    (rect,) = [e for e in root.iter() if "span" in (e.get("class") or "").split()]
    assert "ongoing" in (rect.get("class") or "")
    # an ongoing span alone ends the chart at now's year
    alone = plain(lanes[:1], [], spans, 80, now=(2025, 1, 1)).split("\n")[0].split()
    assert alone[-1] == "2025"


@pytest.mark.parametrize(
    ("name", "aliases", "label"),
    [
        ("Shenzhou", (), "Shenzhou"),
        ("Chang'e (Chinese Lunar Exploration Program)", ("嫦娥工程", "CLEP"), "Chang'e"),
        ("Dongfanghong (The East Is Red) satellites", ("东方红",), "Dongfanghong"),
        ("International Lunar Research Station (ILRS)", ("国际月球科研站", "ILRS"), "ILRS"),
        ("International Lunar Research Station", ("ILRS",), "ILRS"),
        ("Crewed lunar landing program", ("载人登月", "Mengzhou"), "Crewed lunar"),
        ("Chinese Mars exploration program", (), "Chinese Mars"),
        ("Beidou program", (), "Beidou program"),
        ("Lunar research programme (LRP)", ("LRP",), "Lunar research"),
        ("Supercalifragilisticexpialidocious", (), "Supercalifrag…"),
        ("嫦娥工程", (), "嫦娥工程"),
        ("\x1b[2Jevil\x07 name", (), "\\x1b[2Jevil\\x…"),  # escapes shown
    ],
)
def test_lane_label_keeps_names_a_reader_knows(
    name: str, aliases: tuple[str, ...], label: str
) -> None:
    assert lane_label(name, aliases) == label
    assert cell_len(label) <= 14


def test_styled_colours_a_run_once_not_each_cell() -> None:
    text = styled(LANES, MARKS, SPANS, 120)
    runs = [text.plain[span.start : span.end] for span in text.spans]
    assert any(len(run) > 3 and set(run) == {"━"} for run in runs)  # Tiangong, one run


def test_svg_lane_tooltip_is_the_full_name() -> None:
    lanes = (Lane("ilrs", "ILRS", "International Lunar Research Station (ILRS)"),)
    root = ET.fromstring(svg(lanes, [Mark("a", "ilrs", (2021, 3, 9), "Agreement")], []))
    lane = next(e for e in root.iter() if e.get("class") == "lane")
    title = lane.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "International Lunar Research Station (ILRS)"
    label = next(e for e in root.iter() if e.get("class") == "lane-label")
    assert label.text == "ILRS"


def test_a_highlight_outside_the_range_or_unknown_is_said() -> None:
    assert "outside 2019-2024" in chart(80, since=2019, until=2024, mark="dfh-1")
    assert "◆ nope: no such record" in chart(80, mark="nope")


def test_ascii_mode_prints_only_ascii() -> None:
    lanes = (*LANES, Lane("cjk", "嫦娥工程 Chang'e"))
    marks = (*MARKS, Mark("cjk-1", "cjk", (2004, 1, 23), "嫦娥工程 approved"))
    text = plain(lanes, marks, SPANS, 80, unicode=False, mark="cjk-1")
    assert text.isascii()


def test_unknown_lane_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown lane"):
        plain(LANES, [Mark("x", "nowhere", (2000, 1, 1), "x")], [], 80)


HOSTILE = "<script>&\x1b[31m\x07\x85 \"quoted\" 'single'"


def test_hostile_text_never_reaches_the_terminal_raw() -> None:
    lanes = (Lane("evil", "\x1b[2J<b>evil\x07"),)
    marks = (Mark("m", "evil", (2000, 1, 1), HOSTILE),)
    text = plain(lanes, marks, [], 80, mark="m")
    assert not any((ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F for ch in text)
    assert "<script>&\\x1b[31m" in text  # printable text stays, as data; ESC shown as \x1b


def test_styled_matches_plain_and_parses_no_markup() -> None:
    lanes = (*LANES, Lane("markup", "[bold red]x[/]"))
    text = styled(lanes, MARKS, SPANS, 80, mark="change-6")
    assert text.plain == plain(lanes, MARKS, SPANS, 80, mark="change-6")
    assert "[bold red]x[/]" in text.plain
    styles = {str(span.style) for span in text.spans}
    assert "cyan" in styles  # the first lane's colour
    assert any("dim" in style for style in styles)  # planned items


def milestones(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if "milestone" in (e.get("class") or "").split()]


def test_svg_is_valid_xml_with_one_element_per_milestone() -> None:
    root = ET.fromstring(svg(LANES, MARKS, SPANS, mark="change-6"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    found = milestones(root)
    assert len(found) == len(MARKS)
    assert {e.get("data-id") for e in found} == {m.id for m in MARKS}
    planned = {e.get("data-id") for e in found if "planned" in (e.get("class") or "")}
    assert planned == {m.id for m in MARKS if m.planned}
    spans = [e for e in root.iter() if "span" in (e.get("class") or "").split()]
    assert len(spans) == len(SPANS)
    highlighted = [e for e in found if "highlight" in (e.get("class") or "")]
    assert [e.get("data-id") for e in highlighted] == ["change-6"]
    labels = [e.text for e in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Chang'e" in labels
    assert "1970" in labels


def test_svg_draws_only_marks_in_range() -> None:
    root = ET.fromstring(svg(LANES, MARKS, SPANS, since=2019, until=2024))
    expected = {m.id for m in MARKS if 2019 <= m.date[0] <= 2024}
    assert {e.get("data-id") for e in milestones(root)} == expected


def test_svg_escapes_and_strips_hostile_text() -> None:
    lanes = (Lane("evil", "<b>&evil\x1b"),)
    marks = (Mark('m"1', "evil", (2000, 1, 1), HOSTILE),)
    document = svg(lanes, marks, [], mark='m"1')
    assert "<script>" not in document
    assert not any(ord(ch) < 0x20 and ch not in "\n\t" for ch in document)
    root = ET.fromstring(document)
    (dot,) = milestones(root)
    assert dot.get("data-id") == 'm"1'
    title = dot.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "2000-01-01 <script>&[31m \"quoted\" 'single'"


@pytest.mark.parametrize("width", [60, 80, 120])
def test_golden(width: int) -> None:
    check_golden(f"chart-{width}.txt", chart(width))


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME byte for byte, or rewrite it (SPACEFACTS_UPDATE_GOLDEN=1)."""
    path = GOLDEN / name
    data = (text + "\n").encode("utf-8")
    if os.environ.get("SPACEFACTS_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.read_bytes() == data, f"{name} differs; SPACEFACTS_UPDATE_GOLDEN=1 rewrites it"


# --- property: whatever is drawn fits the width ------------------------------------------------

NAMES = st.text(alphabet="abcXYZ é'-嫦娥六号工程", min_size=1, max_size=30)
DATES = st.tuples(
    st.integers(1950, 2060), st.none() | st.integers(1, 12), st.just(None) | st.integers(1, 28)
).map(lambda d: (d[0], d[1], d[2] if d[1] is not None else None))


@st.composite
def scenes(draw: st.DrawFn) -> tuple[list[Lane], list[Mark], list[Span]]:
    lanes = [Lane(f"l{i}", draw(NAMES)) for i in range(draw(st.integers(1, 6)))]
    lane_ids = st.sampled_from([lane.id for lane in lanes])
    marks = [
        Mark(f"m{i}", draw(lane_ids), draw(DATES), draw(NAMES), draw(st.booleans()))
        for i in range(draw(st.integers(0, 40)))
    ]
    spans: list[Span] = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(DATES)
        years = draw(st.none() | st.integers(0, 20))
        end = None if years is None else (start[0] + years, None, None)
        spans.append(Span(f"s{i}", draw(lane_ids), start, end, draw(NAMES), draw(st.booleans())))
    return lanes, marks, spans


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    scene=scenes(),
    width=st.integers(60, 200),
    unicode=st.booleans(),
    since=st.none() | st.integers(1950, 2060),
    until=st.none() | st.integers(1950, 2060),
    mark=st.none() | st.sampled_from(["m0", "s0", "missing"]),
)
def test_property_every_line_fits(
    scene: tuple[list[Lane], list[Mark], list[Span]],
    width: int,
    unicode: bool,
    since: int | None,
    until: int | None,
    mark: str | None,
) -> None:
    lanes, marks, spans = scene
    text = plain(lanes, marks, spans, width, since, until, mark, unicode)
    if not text:
        return
    lines = text.split("\n")
    assert all(cell_len(line) <= width for line in lines)
    assert all(line == line.rstrip() for line in lines)
    assert len(lines) >= 2 + len(lanes) + 2  # axis, every lane, blank line, legend
    if not unicode:
        assert text.isascii()
