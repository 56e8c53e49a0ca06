"""Every format carries the same records; tables stay plain when not on a terminal."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import GOOD
from spacefacts import factbase, query, search
from spacefacts.errors import Problem, UnknownValueError
from spacefacts.model import RECORD_FIELDS, detail_fields
from spacefacts.render import Format, Style, output

FB = factbase.load([factbase.FactFile(GOOD, "test")])
RECORDS = [m.as_record() for m in query.timeline(FB)]
PLAIN = Style(fancy=False, color=False)


def render(fmt: Format, fields: list[str] | None = None, style: Style = PLAIN) -> str:
    stream = io.StringIO()
    output(RECORDS, "milestone", fmt, stream, style, fields)
    return stream.getvalue()


def test_record_fields_match_the_documented_contract() -> None:
    assert tuple(FB.milestones[0].as_record()) == RECORD_FIELDS["milestone"]
    assert tuple(FB.statements[0].as_record()) == RECORD_FIELDS["statement"]
    assert tuple(FB.sources[0].as_record()) == RECORD_FIELDS["source"]
    assert tuple(query.lunar_steps(FB)[0]) == RECORD_FIELDS["lunar_step"]
    assert tuple(query.topics(FB)[0]) == RECORD_FIELDS["topic"]
    assert tuple(query.sources(FB)[0]) == RECORD_FIELDS["source"]
    assert tuple(FB.missions[0].as_record()) == RECORD_FIELDS["mission"]
    assert tuple(search.search(FB, search.search_index(FB), "samples")[0]) == RECORD_FIELDS["hit"]
    assert tuple(query.on_this_day(FB, 2026, 4, 24)[0]) == RECORD_FIELDS["anniversary"]
    assert tuple(query.stats(FB)[0]) == RECORD_FIELDS["stat"]
    for ident in ("dfh-1", "s-coop", "m-5", "step-one", "src-a"):
        kind, record = query.find_record(FB, ident)
        assert tuple(query.detail(FB, kind, record)) == detail_fields(kind)
    problem = Problem("f.toml", "must not be empty", 3, None, "m1", "title")
    assert tuple(problem.as_record()) == RECORD_FIELDS["problem"]


def test_json_and_jsonl_round_trip() -> None:
    assert json.loads(render(Format.json)) == RECORDS
    assert [json.loads(line) for line in render(Format.jsonl).splitlines()] == RECORDS


def test_csv_parses_back_to_the_records() -> None:
    rows = list(csv.DictReader(io.StringIO(render(Format.csv))))
    assert [r["id"] for r in rows] == [r["id"] for r in RECORDS]
    assert rows[0]["tags"] == "satellite"
    assert rows[1]["date"] == "2020-12"


def test_markdown_has_a_header_a_rule_and_a_line_per_record() -> None:
    lines = render(Format.markdown, ["id", "title"]).splitlines()
    assert lines[0] == "| id | title |"
    assert len(lines) == 2 + len(RECORDS)
    assert lines[2] == "| dfh-1 | First satellite |"


def test_plain_table_has_no_escape_codes_or_box_drawing() -> None:
    text = render(Format.table)
    assert "\x1b" not in text and "│" not in text
    assert text.splitlines()[1].split()[:2] == ["1970-04-24", "dongfanghong"]


def test_fancy_table_without_colour_has_no_escape_codes() -> None:
    text = render(Format.table, style=Style(fancy=True, color=False))
    assert "\x1b" not in text and "First satellite" in text


def test_unknown_field_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownValueError) as caught:
        render(Format.json, ["titel"])
    assert caught.value.close[0] == "title"
    assert "summary" in caught.value.known


@pytest.mark.parametrize(
    ("env", "tty", "fancy", "color"),
    [
        ({}, True, True, True),
        ({}, False, False, False),
        ({"NO_COLOR": "1"}, True, True, False),
        ({"TERM": "dumb"}, True, False, False),
        ({"FORCE_COLOR": "1"}, False, True, True),
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


def test_search_terms_are_highlighted_only_in_colour() -> None:
    hits = search.search(FB, search.search_index(FB), "satellite")
    coloured, plain = io.StringIO(), io.StringIO()
    output(hits, "hit", Format.table, coloured, Style(True, True), None, None, ["satellite"])
    output(hits, "hit", Format.table, plain, Style(True, False), None, None, ["satellite"])
    assert "\x1b[1;7msatellite\x1b[0m" in coloured.getvalue()
    assert "\x1b" not in plain.getvalue() and "First satellite" in plain.getvalue()
