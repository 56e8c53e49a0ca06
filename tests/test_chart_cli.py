"""`spacefacts chart` and `spacefacts export --format ics`, run as a user runs them.

Both write through files.write_output (straight to descriptor 1), so they run in a subprocess,
on tests/fixtures/chart.toml with SPACEFACTS_TODAY fixed: the golden files do not move with the
calendar. Regenerate the golden files with `SPACEFACTS_UPDATE_GOLDEN=1 pytest
tests/test_chart_cli.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from test_ics import as_date, events_of, parse, split_list, unescape

from conftest import FIXTURES

CHART = FIXTURES / "chart.toml"
GOLDEN = Path(__file__).parent / "golden"
TODAY = "2025-01-01"
LANES = ["Dongfanghong", "Shenzhou", "Chang'e", "ILRS", "Crewed lunar"]  # by first date
LANE_IDS = ["dongfanghong", "shenzhou", "change", "ilrs", "crewed-lunar"]
GLYPHS = {"●": False, "○": True, "◆": None}  # glyph -> planned (None: the highlight)
SGR = re.compile(r"\x1b\[[0-9;]*m")


def cli(
    *args: str, code: int = 0, data: Path = CHART, **env: str
) -> subprocess.CompletedProcess[str]:
    """`spacefacts --data DATA ARGS` in a subprocess (stdout a pipe), its exit code checked."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SPACEFACTS_") and k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")
    }
    clean |= {
        "SPACEFACTS_CACHE_DIR": os.environ["SPACEFACTS_CACHE_DIR"],  # the test's own (conftest)
        "SPACEFACTS_TODAY": TODAY,
        "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"],
        "PYTHONIOENCODING": "utf-8",
        **env,
    }
    raw = subprocess.run(
        [sys.executable, "-m", "spacefacts", "--data", str(data), *args],
        capture_output=True,
        env=clean,
        check=False,
    )
    # decoded by hand: text mode would turn the calendar's CRLF into LF
    done = subprocess.CompletedProcess(
        raw.args, raw.returncode, raw.stdout.decode("utf-8"), raw.stderr.decode("utf-8")
    )
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done


def records(command: str, data: Path = CHART) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(cli(command, "--json", data=data).stdout)
    return found


def rows(text: str) -> dict[str, str]:
    """Each lane's plot cells by lane name (the rows after the two axis lines)."""
    lines = text.split("\n")
    plot_start = len(lines[1]) - len(lines[1].lstrip(" "))
    found: dict[str, str] = {}
    for line in lines[2:]:
        if not line:
            break
        found[line[:plot_start].strip()] = line[plot_start:]
    return found


def marks(row: str) -> Counter[bool | None]:
    """The marks in a lane row, counted by planned (True), done (False), highlighted (None)."""
    return Counter(GLYPHS[ch] for ch in row if ch in GLYPHS)


def year(record: dict[str, Any]) -> int:
    return int(record["date"][:4])


# --- the text chart -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 120])
def test_golden(width: int) -> None:
    text = cli("chart", "--width", str(width)).stdout
    path = GOLDEN / f"chart-cli-{width}.txt"
    if os.environ.get("SPACEFACTS_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"
    lines = text.rstrip("\n").split("\n")
    assert all(cell_len(line) <= width for line in lines)
    assert cell_len(lines[1]) == width  # the axis rule takes the whole width


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_every_lane_and_every_milestone_is_shown(width: int) -> None:
    milestones = records("timeline")
    text = cli("chart", "--width", str(width)).stdout
    drawn = rows(text)
    assert list(drawn) == LANES  # every program, oldest first, with a readable name
    for name, program in zip(LANES, LANE_IDS, strict=True):
        mine = [m for m in milestones if m["program"] == program]
        expected = Counter(m["status"] == "planned" for m in mine)
        assert marks(drawn[name]) == expected, (name, drawn[name])


@pytest.mark.parametrize(("since", "until"), [(2005, 2020), (2019, 2030), (1960, 2003)])
def test_since_and_until_keep_the_milestones_in_range(since: int, until: int) -> None:
    milestones = records("timeline")
    text = cli("chart", "--width", "80", "--since", str(since), "--until", str(until)).stdout
    axis = text.split("\n")[0].split()
    assert int(axis[0]) >= since and int(axis[-1]) <= until
    drawn = rows(text)
    assert list(drawn) == LANES  # lanes stay, even empty
    for name, program in zip(LANES, LANE_IDS, strict=True):
        expected = sum(
            1 for m in milestones if m["program"] == program and since <= year(m) <= until
        )
        assert sum(marks(drawn[name]).values()) == expected, (name, drawn[name])


def test_spans_planned_things_and_the_legend() -> None:
    text = cli("chart", "--width", "120").stdout
    drawn = rows(text)
    assert "━" in drawn["Shenzhou"]  # Shenzhou-13, six months in orbit
    assert "─" in drawn["Chang'e"]  # Chang'e-7, a planned mission
    assert drawn["Crewed lunar"].strip() == "○"  # planned only: no span for the undated Mengzhou
    assert "● milestone  ○ planned  ━ mission  ─ planned mission" in text


def test_an_active_mission_runs_to_today() -> None:
    def ongoing(today: str) -> int:
        row = rows(cli("chart", "--width", "120", SPACEFACTS_TODAY=today).stdout)["Chang'e"]
        return row.count("━")

    assert ongoing("2023-01-01") < ongoing(TODAY)  # Chang'e-4 has been working since 2018


def test_the_width_comes_from_the_terminal() -> None:
    for columns in ("60", "100", "200", "40", "300"):
        lines = cli("chart", COLUMNS=columns).stdout.rstrip("\n").split("\n")
        expected = min(200, max(60, int(columns)))
        assert cell_len(lines[1]) == expected
        assert all(cell_len(line) <= expected for line in lines)


def test_colour_only_when_asked_and_the_same_text() -> None:
    plain = cli("chart", "--width", "80").stdout
    assert "\x1b" not in plain
    coloured = cli("chart", "--width", "80", FORCE_COLOR="1").stdout
    assert "\x1b[" in coloured
    assert SGR.sub("", coloured) == plain
    assert cli("chart", "--width", "80", FORCE_COLOR="1", NO_COLOR="1").stdout == plain


def test_programs_by_name_or_alias_in_the_order_given() -> None:
    text = cli("chart", "--width", "80", "--program", "神舟", "--program", "CLEP").stdout
    assert list(rows(text)) == ["Shenzhou", "Chang'e"]


def test_an_unknown_program_is_a_usage_error_with_a_suggestion() -> None:
    done = cli("chart", "--program", "shenzou", code=2)
    assert done.stdout == ""
    assert "did you mean 'shenzhou'?" in done.stderr


def test_nothing_in_range_says_so_and_succeeds() -> None:
    done = cli("chart", "--since", "1980", "--until", "1990")
    assert done.stdout == ""
    assert done.stderr == "spacefacts: nothing to chart in 1980-1990\n"
    assert cli("chart", "--format", "svg", "--since", "1980", "--until", "1990").stdout == ""


def test_bad_ranges_and_formats_are_usage_errors() -> None:
    assert "after --until" in cli("chart", "--since", "2020", "--until", "2000", code=2).stderr
    assert "give text or svg" in cli("chart", "--format", "png", code=2).stderr
    assert cli("chart", "--width", "30", code=2).stdout == ""


def test_mark_highlights_one_record_and_names_it() -> None:
    text = cli("chart", "--width", "80", "--mark", "change-3-landing").stdout
    drawn = rows(text)
    assert marks(drawn["Chang'e"])[None] == 1
    assert "◆" not in "".join(row for name, row in drawn.items() if name != "Chang'e")
    assert "◆ Chang'e-3 lands with Yutu (2013-12-14)" in text
    by_name = cli("chart", "--width", "80", "--mark", "Chang'e-3 lands with Yutu").stdout
    assert by_name == text
    outside = cli("chart", "--width", "80", "--mark", "dfh-1", "--since", "2000").stdout
    assert "◆ Dongfanghong-1, China's first satellite (1970-04-24), outside 2000-2030" in outside


def test_mark_of_something_never_drawn_is_a_usage_error() -> None:
    assert "did you mean 'dfh-1'" in cli("chart", "--mark", "dfh-l", code=2).stderr
    assert "give a milestone or a mission" in cli("chart", "--mark", "ilrs", code=2).stderr
    assert "no launch date" in cli("chart", "--mark", "mengzhou", code=2).stderr
    not_charted = cli("chart", "--program", "ilrs", "--mark", "dfh-1", code=2)
    assert "not in the programs charted" in not_charted.stderr


def test_text_to_a_file_is_the_piped_text(tmp_path: Path) -> None:
    target = tmp_path / "chart.txt"
    done = cli("chart", "--width", "80", "--output", str(target), FORCE_COLOR="1")
    assert done.stdout == ""
    assert target.read_text(encoding="utf-8") == cli("chart", "--width", "80").stdout


# --- SVG ----------------------------------------------------------------------------------------


def milestone_ids(document: str) -> list[str]:
    root = ET.fromstring(document)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return [
        e.get("data-id", "") for e in root.iter() if "milestone" in (e.get("class") or "").split()
    ]


def test_svg_has_one_milestone_element_per_milestone(tmp_path: Path) -> None:
    milestones = records("timeline")
    document = cli("chart", "--format", "svg").stdout
    assert sorted(milestone_ids(document)) == sorted(m["id"] for m in milestones)
    target = tmp_path / "timeline.svg"
    done = cli("chart", "--format", "svg", "--output", str(target))
    assert done.stdout == ""
    assert target.read_text(encoding="utf-8") == document
    assert "<script" not in document and "href" not in document  # standalone: nothing to fetch
    lanes = [e for e in ET.fromstring(document).iter() if e.get("class") == "lane-label"]
    assert [e.text for e in lanes] == LANES


def test_svg_in_range_only() -> None:
    milestones = records("timeline")
    document = cli("chart", "--format", "svg", "--since", "2005", "--until", "2020").stdout
    expected = sorted(m["id"] for m in milestones if 2005 <= year(m) <= 2020)
    assert sorted(milestone_ids(document)) == expected


# --- hostile text -------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> [bold red]Yutu[/] \x1b[31mred\x07 & more"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = CHART.read_text(encoding="utf-8")
    escaped = json.dumps(HOSTILE)  # a JSON string is a TOML basic string here
    path = tmp_path_factory.mktemp("hostile") / "facts.toml"
    path.write_text(text.replace('"Chang\'e-3 lands with Yutu"', escaped), encoding="utf-8")
    return path


def test_hostile_titles_are_plain_text_in_the_terminal(hostile: Path) -> None:
    shown = "<script>alert(1)</script> [bold red]Yutu[/] \\x1b[31mred\\x07 & more"
    for env in ({}, {"FORCE_COLOR": "1"}):
        out = cli("chart", "--width", "120", "--mark", "change-3-landing", data=hostile, **env)
        text = SGR.sub("", out.stdout)
        assert "\x1b" not in text and "\x07" not in text
        assert f"◆ {shown} (2013-12-14)" in text  # no markup read; escapes shown, not obeyed


def test_hostile_titles_are_escaped_in_svg(hostile: Path) -> None:
    document = cli("chart", "--format", "svg", data=hostile).stdout
    assert "<script>" not in document and "\x1b" not in document
    root = ET.fromstring(document)
    dot = next(e for e in root.iter() if e.get("data-id") == "change-3-landing")
    title = dot.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "2013-12-14 <script>alert(1)</script> [bold red]Yutu[/] [31mred & more"


# --- the calendar -------------------------------------------------------------------------------


def day_dated() -> dict[str, str]:
    """UID -> date of every day-dated, not planned milestone and mission, from the JSON."""
    found: dict[str, str] = {}
    for kind, command, field in (
        ("milestone", "timeline", "date"),
        ("mission", "missions", "launch_date"),
    ):
        for record in records(command):
            date = record[field]
            if date and len(date) == 10 and record["status"] != "planned":
                found[f"{kind}-{record['id']}@spacefacts"] = date
    return found


def test_ics_has_an_event_per_day_dated_record() -> None:
    done = cli("export", "--format", "ics")
    found = events_of(parse(done.stdout))
    expected = day_dated()
    # the mission Shenzhou-5 and the milestone of its flight, the same day: one event
    merged = "milestone-shenzhou-5-flight+mission-shenzhou-5@spacefacts"
    expected[merged] = expected.pop("milestone-shenzhou-5-flight@spacefacts")
    assert expected.pop("mission-shenzhou-5@spacefacts") == expected[merged]
    assert len(found) == len(expected) == 9
    for event in found:
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY"} <= set(event)
        assert event["DTSTART"][0] == {"VALUE": "DATE"}
        assert event["RRULE"][1] == "FREQ=YEARLY"
    uids = [unescape(e["UID"][1]) for e in found]
    assert len(set(uids)) == len(uids)
    dates = {u: as_date(e["DTSTART"][1]).isoformat() for u, e in zip(uids, found, strict=True)}
    assert dates == expected
    assert done.stderr == (
        "spacefacts: 9 calendar events; left out: 2 dated to a month or a year, 4 planned\n"
    )


def test_ics_is_the_same_bytes_every_run_and_in_a_file(tmp_path: Path) -> None:
    first = cli("export", "--format", "ics").stdout
    assert cli("export", "--format", "ics").stdout == first
    target = tmp_path / "space.ics"
    cli("export", "--format", "ics", "--output", str(target))
    assert target.read_bytes().decode("utf-8") == first


def test_ics_event_text_cites_its_sources() -> None:
    found = events_of(parse(cli("export", "--format", "ics").stdout))
    event = next(e for e in found if e["UID"][1] == "milestone-change-1-launch@spacefacts")
    assert unescape(event["SUMMARY"][1]) == "Chang'e-1, the first lunar probe (2007)"
    description = unescape(event["DESCRIPTION"][1]).split("\n")
    assert description[0] == "The first step: orbiting."
    assert description[1] == "Source: “Chang'e Programme”, Hong Kong Science Museum"
    assert description[2].endswith("Xinhua, 2022-04-24, https://example.org/xinhua/space-dream")
    assert event["URL"][1] == "https://example.org/xinhua/space-dream"
    assert split_list(event["CATEGORIES"][1]) == ["Chang'e"]


def test_ics_program_and_kind_narrow_it() -> None:
    found = events_of(parse(cli("export", "--format", "ics", "--program", "神舟").stdout))
    assert {split_list(e["CATEGORIES"][1])[0] for e in found} == {"Shenzhou"}
    assert len(found) == 3  # two milestones, two missions: Shenzhou-5's flight and mission one
    missions = events_of(parse(cli("export", "--format", "ics", "--kind", "missions").stdout))
    assert sorted(unescape(e["UID"][1]) for e in missions) == [
        "mission-change-4@spacefacts",
        "mission-shenzhou-13@spacefacts",
        "mission-shenzhou-5@spacefacts",
    ]


def test_ics_bad_program_or_kind_is_a_usage_error() -> None:
    done = cli("export", "--format", "ics", "--program", "shenzou", code=2)
    assert done.stdout == "" and "did you mean 'shenzhou'?" in done.stderr
    assert "a calendar holds" in cli("export", "--format", "ics", "--kind", "source", code=2).stderr


def test_ics_with_nothing_to_write_writes_nothing() -> None:
    done = cli("export", "--format", "ics", "--program", "crewed-lunar")
    assert done.stdout == ""
    said = "no calendar written: no record dated to the day; left out: 2 planned"
    assert done.stderr == f"spacefacts: {said}\n"


# --- start-up -----------------------------------------------------------------------------------


def imported(*args: str) -> set[str]:
    """The modules `spacefacts ARGS` imports, read from `python -X importtime`."""
    done = cli(*args, PYTHONPROFILEIMPORTTIME="1")
    found = {
        line.split("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "[us]" not in line
    }
    assert "spacefacts.cli" in found  # the parse works
    return found


def test_chart_and_ics_are_imported_by_their_commands_only() -> None:
    ours = {"spacefacts.chart", "spacefacts.svg", "spacefacts.ics"}
    assert not ours & imported("timeline", "--json")
    assert not ours & imported("export", "--format", "toml")
    chart = imported("chart", "--width", "80")
    assert "spacefacts.chart" in chart
    # Rich's cell widths (the one display width) only: no console, no table, no XML
    heavy = {m for m in chart if m.startswith(("rich.console", "rich.table", "xml"))}
    assert not heavy and not {"spacefacts.ics", "spacefacts.svg"} & chart
    calendar = imported("export", "--format", "ics")
    assert "spacefacts.ics" in calendar
    assert not {m for m in calendar if m.split(".")[0] == "rich" or m == "spacefacts.chart"}


def test_ics_keeps_a_failed_launch_and_leaves_out_a_cancelled_plan(tmp_path: Path) -> None:
    text = CHART.read_text(encoding="utf-8")
    text = text.replace('end_date = "2003-10-16"', 'end_date = "2003-10-16"\nstatus = "failed"')
    text = text.replace(
        'summary = "The second step: landing."', 'summary = "x"\nstatus = "cancelled"'
    )
    path = tmp_path / "facts.toml"
    path.write_text(text, encoding="utf-8")
    done = cli("export", "--format", "ics", data=path)
    uids = {unescape(e["UID"][1]) for e in events_of(parse(done.stdout))}
    assert "milestone-shenzhou-5-flight+mission-shenzhou-5@spacefacts" in uids
    assert "milestone-change-3-landing@spacefacts" not in uids
    assert "4 planned, 1 cancelled" in done.stderr
