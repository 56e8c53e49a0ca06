"""One render path: every format carries the same records; tables stay plain when piped."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import GOOD
from spacefacts import db, factbase, query, search, views
from spacefacts.errors import Problem, UnknownValueError
from spacefacts.model import Kind, detail_fields, fields_of
from spacefacts.serialise import Format, Output, Style

DB = db.open_factbase([factbase.FactFile(GOOD, "test")], use_cache=False)
RECORDS = query.timeline(DB, query.Filters())[0]
PLAIN = Style(fancy=False, color=False)


def rendered(
    fmt: Format,
    fields: list[str] | None = None,
    style: Style = PLAIN,
    found: list[dict[str, object]] | None = None,
    kind: str = "milestone",
    header: bool = True,
) -> str:
    out = Output(fmt, fields, style, header)
    return views.records(out, kind, RECORDS if found is None else found, "Title")


def test_json_records_have_the_documented_fields_in_order() -> None:
    assert tuple(RECORDS[0]) == fields_of("milestone")
    assert tuple(query.statements(DB, query.Filters())[0][0]) == fields_of("statement")
    for kind in (Kind.source, Kind.topic, Kind.program, Kind.occasion, Kind.mission):
        assert tuple(query.listing(DB, kind)[0]) == fields_of(kind.value)
    assert tuple(query.lunar(DB)[0]) == fields_of("lunar_step")
    assert tuple(query.lunar(DB)[-1]) == fields_of("lunar_step")
    assert tuple(search.search(DB, "samples").hits[0]) == fields_of("hit")
    assert tuple(query.on_this_day(DB, 2026, 4, 24)[0]) == fields_of("anniversary")
    assert tuple(query.stats(DB)[0]) == fields_of("stat")
    assert tuple(query.speakers(DB)[0]) == fields_of("speaker")
    for ident in ("dfh-1", "s-coop", "m-5", "step-one", "src-a", "meeting-2021-02", "change"):
        kind, record = query.find_record(DB, ident)
        assert tuple(query.detail(DB, kind, record)) == detail_fields(kind.value)
    problem = Problem("f.toml", "must not be empty", 3, None, "m1", "title")
    assert tuple(problem.as_record()) == fields_of("problem")


def test_json_and_jsonl_round_trip() -> None:
    assert json.loads(rendered(Format.json)) == RECORDS
    assert [json.loads(line) for line in rendered(Format.jsonl).splitlines()] == RECORDS


def test_json_keeps_chinese_text_unless_the_output_cannot_show_it() -> None:
    found = query.listing(DB, Kind.program)
    assert "嫦娥工程" in views.records(Output(Format.json), "program", found)
    ascii_only = views.records(Output(Format.json, ascii_json=True), "program", found)
    assert ascii_only.isascii() and json.loads(ascii_only) == found


def test_csv_parses_back_to_the_records() -> None:
    rows = list(csv.DictReader(io.StringIO(rendered(Format.csv))))
    assert [r["id"] for r in rows] == [r["id"] for r in RECORDS]
    assert rows[0]["tags"] == "satellite; first"
    assert rows[1]["date"] == "2020-12" and rows[1]["outcome"] == ""
    no_header = list(csv.reader(io.StringIO(rendered(Format.csv, header=False))))
    assert [r[0] for r in no_header] == [r["id"] for r in RECORDS]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_csv_neutralises_what_a_spreadsheet_would_run(text: str) -> None:
    found = [{**RECORDS[0], "title": text}]
    (row,) = csv.DictReader(io.StringIO(rendered(Format.csv, found=found)))
    assert row["title"] != text and row["title"].endswith(text)


def test_markdown_has_a_header_a_rule_and_a_line_per_record() -> None:
    lines = rendered(Format.markdown, ["id", "title"]).splitlines()
    assert lines[:3] == ["| id | title |", "|---|---|", "| dfh-1 | First satellite |"]
    assert len(lines) == 2 + len(RECORDS)
    piped = rendered(Format.markdown, ["title"], found=[{**RECORDS[0], "title": "a | b <c>"}])
    assert piped.splitlines()[2] == "| a \\| b &lt;c&gt; |"


def test_plain_table_is_one_aligned_line_per_record() -> None:
    lines = rendered(Format.table).splitlines()
    assert len(lines) == 1 + len(RECORDS)
    assert lines[0].split() == ["Date", "Id", "Program", "Status", "Title", "Summary"]
    assert lines[1].split()[:3] == ["1970-04-24", "dfh-1", "dongfanghong"]
    starts = {line.index(record["id"]) for line, record in zip(lines[1:], RECORDS, strict=True)}
    assert starts == {12}  # every id in the same column
    bare = rendered(Format.table, header=False).splitlines()
    assert [line.split() for line in bare] == [line.split() for line in lines[1:]]


def test_plain_table_aligns_chinese_text_by_display_width() -> None:
    rows = [["嫦娥五号", "x"], ["Chang'e-5", "y"]]
    lines = views.plain_table(rows, ["Name", "Mark"]).splitlines()
    from spacefacts.text import width

    assert [width(line[: line.rindex(" ") + 1]) for line in lines] == [11, 11, 11]


def test_fancy_table_without_colour_has_no_escape_codes() -> None:
    text = rendered(Format.table, style=Style(fancy=True, color=False, width=80))
    assert "\x1b" not in text and "First satellite" in text and "─" in text  # a drawn rule
    assert "Crewed lunar landing (planned)" in text
    coloured = rendered(Format.table, style=Style(fancy=True, color=True, width=80))
    assert "\x1b[" in coloured


def test_fact_text_is_data_never_markup_or_terminal_codes() -> None:
    found = [{**RECORDS[0], "title": "It [the probe] has [bold]landed[/bold] \x1b[31m [sic]"}]
    for style in (PLAIN, Style(fancy=True, color=True, width=120)):
        text = rendered(Format.table, style=style, found=found)
        assert "It [the probe] has [bold]landed[/bold]" in text
        assert "\x1b[31m" not in text and "[sic]" in text


def test_unknown_field_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownValueError) as caught:
        rendered(Format.json, ["titel"])
    assert caught.value.close[0] == "title"
    assert "summary" in caught.value.known


def test_detail_in_every_format() -> None:
    kind, record = query.find_record(DB, "s-coop")
    shown = [query.detail(DB, kind, record)]
    assert json.loads(views.detail(Output(Format.json), "statement", shown)) == shown
    plain = views.detail(Output(), "statement", shown)
    assert plain.splitlines()[:2] == ["kind           statement", "id             s-coop"]
    assert "  [1] Author A, “Source A”, Publisher A, 2022-04-24, https://example.org/a" in plain
    picked = views.detail(Output(Format.json, ["id", "citations"]), "statement", shown)
    assert [list(r) for r in json.loads(picked)] == [["id", "citations"]]


@pytest.mark.parametrize(
    ("env", "tty", "fancy", "color"),
    [
        ({}, True, True, True),
        ({}, False, False, False),
        ({"NO_COLOR": "1"}, True, True, False),
        ({"TERM": "dumb"}, True, False, False),
        ({"FORCE_COLOR": "1"}, False, True, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True, False),
        ({"FORCE_COLOR": "0"}, True, True, False),
        ({"CLICOLOR": "0"}, True, True, False),
        ({"CLICOLOR_FORCE": "1"}, False, True, True),
    ],
)
def test_style_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], tty: bool, fancy: bool, color: bool
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert Style.detect(Stream()) == Style(fancy=fancy, color=color)
    assert Style.detect(Stream(), no_color=True).color is False


def test_search_terms_are_highlighted_only_in_colour() -> None:
    hits = search.search(DB, "satellite reaches", marked=True).hits
    coloured = views.records(Output(style=Style(True, True, 100)), "hit", hits)
    plain = views.records(Output(style=Style(True, False, 100)), "hit", hits)
    assert "\x1b[1;7mreaches\x1b[0m" in coloured
    assert "\x1b" not in plain and "First satellite" in plain


@pytest.mark.parametrize(
    ("years", "text"),
    [
        (0, "the same year"),
        (1, "1 year ago"),
        (56, "56 years ago"),
        (-1, "in 1 year"),
        (-4, "in 4 years"),
    ],
)
def test_ago(years: int, text: str) -> None:
    assert views.ago(years) == text


def test_decade_chart_plain_and_drawn() -> None:
    stats = query.stats(DB)
    plain = views.decade_chart(stats, PLAIN)
    assert plain.splitlines()[1:] == [
        "Milestones per decade",
        "1970s  #############                             1",
        "2020s  ########################################  3",
        "2030s  #############                             1",
    ]
    drawn = views.decade_chart(stats, Style(True, False, 80))
    assert "█" in drawn and "\x1b" not in drawn
