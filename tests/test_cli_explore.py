"""End to end for exploring: search, show, sources, on, random, stats, formats and completion."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from conftest import GOOD, run, run_json, runner
from spacefacts.cli import app

SEED = "xinhua-2022-04-24-space-dream"


# --- matching that forgives how people type ------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Chang'e-5", "Chang’e 5", "change5", "change 5", "CHANGÉ-5", "chang e 5", "嫦娥五号"]
)
def test_search_finds_change_5_however_it_is_typed(text: str) -> None:
    hits = run_json("search", text)
    assert (hits[0]["kind"], hits[0]["id"], hits[0]["date"]) == (
        "mission",
        "change-5",
        "2020-11-24",
    )
    assert "change-5-mission" in [h["id"] for h in hits] or text == "嫦娥五号"


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("东方红一号", "dongfanghong-1-launch"),
        ("嫦娥五号", "change-5"),
        ("天问一号", "first-mars-landing"),
        ("祝融", "first-mars-landing"),
        ("天和", "tianhe-astronaut-talk"),
        ("神舟十二号", "tianhe-astronaut-talk"),
        ("天宫", "space-station-completion-expected"),
        ("中国空间站", "tianhe-launch"),  # the program's alias reaches its milestones
    ],
)
def test_search_finds_chinese_names(name: str, record: str) -> None:
    assert record in [h["id"] for h in run_json("search", name)]


@pytest.mark.parametrize("value", ["change5", "Chang’e 5", "CHANGE-5", "嫦娥五号"])
def test_show_looks_up_ids_and_names_folded(value: str) -> None:
    (shown,) = run_json("show", value)
    assert (shown["kind"], shown["id"], shown["name"]) == ("mission", "change-5", "Chang'e-5")


def test_quote_search_forgives_curly_apostrophes_and_hyphens() -> None:
    quotes = run_json("quote", "--search", "chang’e 5 probe")
    assert [q["id"] for q in quotes] == ["xinhua-change-5-ten-years"]


def test_search_ranks_titles_above_body_text() -> None:
    hits = run_json("search", "Zhurong")
    # The Mars landing has Zhurong as an alias (head); no other record names it.
    assert hits[0]["id"] == "first-mars-landing"
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_kind_and_limit() -> None:
    hits = run_json("search", "cooperation", "--kind", "statements", "--limit", "3")
    assert len(hits) == 3 and {h["kind"] for h in hits} == {"statement"}
    assert all("cooperation" in f"{h['id']} {h['title']} {h['snippet']}".lower() for h in hits)


# --- did you mean ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["quote", "--topic", "coperation"], "did you mean 'cooperation'"),
        (["timeline", "--program", "tianwenn"], "did you mean 'tianwen'"),
        (["search", "moon", "--kind", "milestne"], "did you mean 'milestone'"),
        (["show", "xi-2021-02-vital-milestne"], "did you mean 'xi-2021-02-vital-milestone'"),
        (["random", "--topic", "piece"], "did you mean 'peace'"),
        (["search", "moon", "--fields", "titel"], "did you mean 'title'"),
        (["show", "change-5", "--fields", "nmae"], "did you mean 'name'"),
    ],
)
def test_unknown_values_exit_2_and_name_the_closest(args: list[str], expected: str) -> None:
    result = run(*args, code=2)
    assert result.stdout == ""
    assert expected in result.stderr


def test_search_with_no_hits_suggests_a_word_and_prints_an_empty_result() -> None:
    result = run("search", "coperation", "--json")
    assert json.loads(result.stdout) == []
    assert "did you mean 'cooperation'" in result.stderr


def test_empty_search_text_is_a_usage_error() -> None:
    result = run("search", "' , '", code=2)
    assert "nothing to search for" in result.stderr


# --- show ------------------------------------------------------------------------------------


def test_show_statement_cites_its_source_with_the_quoted_sentence() -> None:
    (shown,) = run_json("show", "xi-2021-02-vital-milestone")
    assert shown["kind"] == "statement" and shown["verbatim"] is True
    (source,) = shown["citations"]
    assert (source["id"], source["title"], source["publisher"], source["author"]) == (
        SEED,
        "Xi Focus: Invigorating China's space exploration dream",
        "Xinhua",
        "Li Jiayao",
    )
    assert source["published"] == "2022-04-24"
    assert shown["excerpt"].startswith('"It is a vital milestone')
    assert shown["relations"] == [
        {
            "relation": "said at",
            "kind": "milestone",
            "id": "change-5-team-meeting",
            "date": "2021-02-22",
            "title": "Xi meets representatives of the Chang'e-5 mission",
        }
    ]


def test_show_statement_table_prints_citation_and_quote() -> None:
    text = run("show", "xi-2021-02-vital-milestone").stdout
    assert "Li Jiayao, “Xi Focus: Invigorating China's space exploration dream”, Xinhua" in text
    assert 'quoted: “"It is a vital milestone' in text
    assert "said at" in text and "change-5-team-meeting" in text


def test_show_milestone_lists_the_statements_made_there() -> None:
    (shown,) = run_json("show", "change-5-team-meeting")
    made_here = {r["id"] for r in shown["relations"] if r["relation"] == "statement made here"}
    said_there = {q["id"] for q in run_json("quote") if q["milestone"] == "change-5-team-meeting"}
    assert made_here == said_there and "xi-2021-02-vital-milestone" in made_here
    assert {"change-5-mission", "change-5"} <= {r["id"] for r in shown["relations"]}


def test_show_mission_names_its_lunar_step() -> None:
    (shown,) = run_json("show", "change-4")
    steps = [r for r in shown["relations"] if r["relation"] == "lunar step"]
    assert [(r["id"], r["title"]) for r in steps] == [("lunar-step-landing", "Landing")]


def test_show_fields_pick_what_is_printed() -> None:
    (shown,) = run_json("show", "dongfanghong-1-launch", "--fields", "id,date,aliases")
    assert shown == {
        "id": "dongfanghong-1-launch",
        "date": "1970-04-24",
        "aliases": ["东方红一号", "DFH-1"],
    }


# --- sources ---------------------------------------------------------------------------------


def test_sources_count_the_records_that_cite_them() -> None:
    counts = {s["id"]: s["cited_by"] for s in run_json("sources")}
    steps = run_json("lunar")
    citing = [*run_json("timeline"), *run_json("quote"), *steps]
    citing += [m for s in steps for m in s["missions"]]
    assert counts[SEED] == sum(SEED in r["sources"] for r in citing)
    assert counts[SEED] > 30
    assert all(n >= 1 for n in counts.values())


# --- on this day -----------------------------------------------------------------------------


def test_on_04_24_shows_dongfanghong_1() -> None:
    found = run_json("on", "2026-04-24")
    assert (found[0]["id"], found[0]["date"], found[0]["years_ago"]) == (
        "dongfanghong-1-launch",
        "1970-04-24",
        56,
    )
    assert all(r["date"].endswith("-04-24") for r in found)
    assert run("on", "2026-04-24").stdout.splitlines()[1].split()[:4] == [
        "1970-04-24",
        "56",
        "years",
        "ago",
    ]


def test_on_without_a_year_counts_from_this_year() -> None:
    (first, *_) = run_json("on", "04-24")
    assert first["years_ago"] == dt.date.today().year - 1970


def test_on_month_adds_records_known_only_to_the_month() -> None:
    exact = {r["id"] for r in run_json("on", "2021-02-22")}
    month = {r["id"] for r in run_json("on", "2021-02-22", "--month")}
    assert exact == {"change-5-team-meeting"}
    assert month - exact >= {"xi-2021-02-vital-milestone"}


def test_on_defaults_to_today() -> None:
    today = dt.date.today().strftime("-%m-%d")
    assert all(r["date"].endswith(today) for r in run_json("on"))


@pytest.mark.parametrize("bad", ["13-01", "2023-02-29", "april", "04/24"])
def test_on_rejects_impossible_days(bad: str) -> None:
    assert "MM-DD" in run("on", bad, code=2).stderr


# --- random ----------------------------------------------------------------------------------


def test_random_with_a_seed_is_repeatable() -> None:
    first = run_json("random", "--seed", "7")
    assert first == run_json("random", "--seed", "7")
    picked = {run_json("random", "--seed", str(n))[0]["id"] for n in range(8)}
    assert len(picked) > 1


def test_random_filters_by_kind_and_topic() -> None:
    (quote,) = run_json("random", "--kind", "statement", "--topic", "peace", "--seed", "1")
    assert quote["kind"] == "statement" and "peace" in quote["topics"]
    (mission,) = run_json("random", "--kind", "mission", "--seed", "2")
    assert mission["kind"] == "mission" and mission["citations"]
    assert "--topic" in run("random", "--kind", "milestone", "--topic", "peace", code=2).stderr


# --- stats -----------------------------------------------------------------------------------


def test_stats_counts_agree_with_the_listings() -> None:
    stats = run_json("stats")
    counts = {(r["group"], r["value"]): r["count"] for r in stats}
    milestones = run_json("timeline")
    assert counts[("kind", "milestone")] == len(milestones)
    assert counts[("kind", "statement")] == len(run_json("quote"))
    assert counts[("decade", "1970s")] == 1
    decades = sum(n for (group, _), n in counts.items() if group == "decade")
    assert decades == len(milestones)
    topics = {t["id"]: t["statements"] for t in run_json("topics")}
    assert {v: n for (g, v), n in counts.items() if g == "topic"} == topics


def test_stats_table_ends_with_a_decade_chart() -> None:
    plain = run("stats").stdout
    assert "Milestones per decade" in plain
    chart = plain.split("Milestones per decade")[1]
    assert "1970s  #" in chart and "\x1b" not in plain
    fancy = run("stats", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "80"}).stdout
    assert "█" in fancy and "╭" in fancy and "\x1b" not in fancy


# --- every format, parsed back ---------------------------------------------------------------

COMMANDS = [
    ["search", "change 5"],
    ["sources"],
    ["on", "2026-04-24"],
    ["stats"],
    ["timeline"],
    ["quote", "--topic", "peace"],
]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


@pytest.mark.parametrize("args", COMMANDS, ids=[a[0] for a in COMMANDS])
def test_every_format_carries_the_json_records(args: list[str]) -> None:
    records = run_json(*args)
    assert records
    lines = run(*args, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == records
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))
    assert rows == [{k: _as_text(v) for k, v in r.items()} for r in records]
    markdown = run(*args, "--format", "markdown").stdout.splitlines()
    assert len(markdown) == 2 + len(records)
    assert markdown[0] == "| " + " | ".join(records[0]) + " |"
    assert markdown[2].startswith(f"| {_as_text(next(iter(records[0].values())))} |")


@pytest.mark.parametrize("args", COMMANDS, ids=[a[0] for a in COMMANDS])
def test_fields_pick_columns_in_every_format(args: list[str]) -> None:
    records = run_json(*args)
    first, last = next(iter(records[0])), list(records[0])[-1]
    picked = run_json(*args, "--fields", f"{last},{first}")
    assert picked == [{last: r[last], first: r[first]} for r in records]
    header = run(*args, "--format", "csv", "--fields", f"{last},{first}").stdout.splitlines()[0]
    assert header == f"{last},{first}"


def test_show_csv_has_one_row_per_record() -> None:
    rows = list(csv.DictReader(io.StringIO(run("show", "change-5", "--format", "csv").stdout)))
    assert len(rows) == 1 and rows[0]["id"] == "change-5" and rows[0]["kind"] == "mission"


# --- colour and terminals --------------------------------------------------------------------

ALL = [["search", "change 5"], ["show", "xi-2021-02-vital-milestone"], ["on", "04-24"], ["stats"]]
ALL += [["sources"], ["random", "--seed", "1"], ["timeline"], ["lunar"]]


@pytest.mark.parametrize("args", ALL, ids=[a[0] for a in ALL])
def test_piped_output_has_no_escape_codes_or_box_drawing(args: list[str]) -> None:
    text = run(*args).stdout
    assert text and "\x1b" not in text and "│" not in text and "╭" not in text


def _in_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run `python -m spacefacts ARGS` with its stdout on a pseudo-terminal; return the output."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    clean.update({"TERM": "xterm-256color", "COLUMNS": "100", **env})
    done = subprocess.run(
        [sys.executable, "-m", "spacefacts", *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        env=clean,
        check=False,
        timeout=60,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("args", [["stats"], ["search", "change 5"], ["show", "change-5"]])
def test_no_color_in_a_terminal_has_no_escape_codes(args: list[str]) -> None:
    coloured = _in_a_terminal(args, {})
    assert "\x1b[" in coloured  # a terminal gets colour: the check below can fail
    plain = _in_a_terminal(args, {"NO_COLOR": "1"})
    assert "\x1b" not in plain and "╭" in plain
    assert "\x1b" not in _in_a_terminal(["--no-color", *args], {})
    dumb = _in_a_terminal(args, {"TERM": "dumb"})
    assert "\x1b" not in dumb and "╭" not in dumb


# --- shell completion ------------------------------------------------------------------------


def _complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers for the last word of `words`."""
    parts = words.split(" ")
    result = runner.invoke(
        app,
        [],
        prog_name="spacefacts",
        env={
            "_SPACEFACTS_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
            **(env or {}),
        },
    )
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_completion_offers_topics_programs_ids_and_kinds() -> None:
    assert _complete("spacefacts quote --topic co") == ["cooperation"]
    assert _complete("spacefacts timeline --program tian") == ["tianwen", "tiangong"]
    assert "change-5-team-meeting" in _complete("spacefacts show change-5-")
    assert _complete("spacefacts search moon --kind m") == ["milestone", "mission"]
    assert _complete("spacefacts random --topic pe") == ["peace"]


def test_completion_follows_data_and_never_fails() -> None:
    assert _complete(f"spacefacts --data {GOOD} show s-") == ["s-coop", "s-peace"]
    assert _complete("spacefacts show s-", {"SPACEFACTS_DATA": str(GOOD)}) == ["s-coop", "s-peace"]
    assert _complete("spacefacts --data /no/such/file.toml show x") == []
