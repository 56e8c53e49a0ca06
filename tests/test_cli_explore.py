"""End to end for exploring: search, show, sources, on, random, formats, colour and completion."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from conftest import GOOD, on_good, run, run_json, runner
from spacefacts.cli import app

SEED = "xinhua-2022-04-24-space-dream"


# --- search --------------------------------------------------------------------------------


def search_json(*words: str) -> Any:
    """Every hit of `search WORDS`, parsed."""
    return run_json("search", *words, "--limit", "1000")


@pytest.mark.parametrize(
    "words",
    [["Chang'e-5"], ["Chang’e 5"], ["change5"], ["change 5"], ["CHANGÉ-5"], ["嫦娥五号"],
     ["chang", "e", "5"]],
)  # fmt: skip
def test_search_finds_change_5_however_it_is_typed(words: list[str]) -> None:
    hits = search_json(*words)
    assert (hits[0]["kind"], hits[0]["id"], hits[0]["date"]) == (
        "mission",
        "change-5",
        "2020-11-24",
    )


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("东方红一号", "dongfanghong-1-launch"),
        ("嫦娥五号", "change-5"),
        ("嫦娥四号", "change-4"),
        ("天问一号", "tianwen-1-launch"),
        ("祝融", "zhurong-rover-named"),
        ("天和", "tianhe-launch"),
        ("神舟十二号", "shenzhou-12"),
    ],
)
def test_search_finds_chinese_names(name: str, record: str) -> None:
    assert record in [h["id"] for h in search_json(name)]


def test_search_finds_a_program_alias_in_its_records() -> None:
    assert "tianhe-launch" in [h["id"] for h in search_json("中国空间站")]


def test_search_hits_on_the_small_base() -> None:
    hits = run_json(*on_good("search", "samples"))
    assert [h["id"] for h in hits] == ["change-5-return", "change-6-return", "m-6", "m-5"]
    first = hits[0]
    assert first == {
        "kind": "milestone",
        "id": "change-5-return",
        "date": "2020-12",
        "title": "Samples return",
        "snippet": "Chang'e-5 brings samples back from the Moon.",  # plain text, no marks
        "score": first["score"],
    }
    plain = run(*on_good("search", "samples")).stdout.splitlines()
    assert plain[1].split()[:3] == ["milestone", "2020-12", "change-5-return"]
    assert "\ue000" not in "".join(plain)  # match marks never reach plain text


def test_search_kind_and_limit() -> None:
    result = run("search", "cooperation", "--kind", "statements", "--limit", "3", "--json")
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and {h["kind"] for h in hits} == {"statement"}
    total = len(search_json("cooperation", "--kind", "statements"))
    assert result.stderr == ""  # a script asked for 3: no note
    table = run("search", "cooperation", "--kind", "statements", "--limit", "3")
    assert table.stderr == f"spacefacts: showing 3 of {total} (--limit to see more)\n"


def test_search_with_no_hits_suggests_a_word_and_prints_an_empty_result() -> None:
    result = run("search", "coperation", "--json")
    assert json.loads(result.stdout) == []
    assert "did you mean 'cooperation'" in result.stderr


@pytest.mark.parametrize("text", ["' , '", "", "…"])
def test_empty_search_text_is_a_usage_error(text: str) -> None:
    result = run("search", text, code=2)
    assert (
        result.stderr
        == f"spacefacts: error: nothing to search for in {text!r}: give a word or a name\n"
    )


# --- did you mean --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["quote", "--topic", "coperation"], "did you mean 'cooperation'"),
        (["timeline", "--program", "tianwenn"], "did you mean 'tianwen'"),
        (["search", "moon", "--kind", "milestne"], "did you mean 'milestone'"),
        (["show", "xi-2021-02-vital-milestne"], "did you mean 'xi-2021-02-vital-milestone'"),
        (["show", "zhurong-first"], "did you mean 'zhurong-first-drive-on-mars'"),  # a prefix
        (["random", "--topic", "piece"], "did you mean 'peace'"),
        (["search", "moon", "--fields", "titel"], "did you mean 'title'"),
        (["show", "change-5", "--fields", "nmae"], "did you mean 'name'"),
        (["quote", "--occasion", "xi-2021-05-15-mars-landing-mesage"],
         "did you mean 'xi-2021-05-15-mars-landing-message'"),
    ],
)  # fmt: skip
def test_unknown_values_exit_2_and_name_the_closest(args: list[str], expected: str) -> None:
    result = run(*args, code=2)
    assert result.stdout == ""
    assert expected in result.stderr


def test_show_suggests_the_id_a_prefix_starts() -> None:
    result = run(*on_good("show", "tianhe"), code=2)
    assert (
        result.stderr == "spacefacts: error: unknown id 'tianhe'; did you mean 'tianhe-launch'?\n"
    )
    assert run(*on_good("show", "dfh1x"), code=2).stderr.endswith("did you mean 'dfh-1'?\n")


def test_an_unknown_value_without_a_close_match_is_one_sentence_then_the_list() -> None:
    result = run("timeline", "--fields", "qqqq", code=2)
    assert result.stderr.startswith("spacefacts: error: unknown field 'qqqq'. Known fields: ")


# --- show ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["change-5", "change5", "Chang’e 5", "CHANGE-5", "嫦娥五号"])
def test_show_looks_up_ids_names_and_aliases(value: str) -> None:
    (shown,) = run_json("show", value)
    assert (shown["kind"], shown["id"], shown["name"]) == ("mission", "change-5", "Chang'e-5")
    assert (shown["launch_date"], shown["step"]) == ("2020-11-24", 3)


def test_show_a_program_id_shows_the_program() -> None:
    (shown,) = run_json("show", "change")
    assert (shown["kind"], shown["id"]) == ("program", "change")
    assert shown["milestones"] == len(run_json("timeline", "--program", "change"))
    belongs = {r["id"] for r in shown["relations"] if r["relation"] == "belongs here"}
    assert {"change-5", "change-6"} <= belongs


def test_show_says_what_kind_of_record_it_is_when_piped() -> None:
    first = run("show", "change").stdout.splitlines()[0]
    assert "program" in first.split()


def test_show_statement_cites_its_source_with_the_quoted_sentence() -> None:
    (shown,) = run_json("show", "xi-2021-02-vital-milestone")
    assert shown["kind"] == "statement" and shown["verbatim"] is True
    assert (shown["occasion"], shown["date"]) == ("xi-2021-02-22-change-5-meeting", "2021-02-22")
    (source,) = shown["citations"]
    assert (source["id"], source["author"]) == (SEED, "Li Jiayao")
    # a Xinhua article on China Military Online's site: the page's publisher, and the wire
    assert (source["publisher"], source["credit"]) == ("china-military-online", "xinhua")
    assert shown["excerpt"].startswith('"It is a vital milestone')
    relations = {(r["relation"], r["id"]) for r in shown["relations"]}
    assert ("said at occasion", "xi-2021-02-22-change-5-meeting") in relations


def test_show_statement_table_prints_citation_and_quote() -> None:
    text = run("show", "xi-2021-02-vital-milestone").stdout
    cited = "Li Jiayao, “Xi Focus: Invigorating China's space exploration dream”, China Military"
    assert cited + " Online (Xinhua News Agency), 2022-04-24, http://eng.chinamil.com.cn/" in text
    assert 'quoted: “"It is a vital milestone' in text


def test_show_an_occasion_lists_every_statement_made_there() -> None:
    (shown,) = run_json("show", "xi-2021-02-22-change-5-meeting")
    assert shown["kind"] == "occasion"
    made_here = {r["id"] for r in shown["relations"] if r["relation"] == "statement made here"}
    said = {q["id"] for q in run_json("quote", "--occasion", "xi-2021-02-22-change-5-meeting")}
    assert made_here == said and "xi-2021-02-vital-milestone" in made_here
    assert shown["statements"] == len(said)


def test_show_mission_names_its_lunar_step() -> None:
    (shown,) = run_json("show", "change-4")
    steps = [r for r in shown["relations"] if r["relation"] == "lunar step"]
    assert [(r["id"], r["title"]) for r in steps] == [("lunar-step-landing", "Landing")]


def test_show_fields_pick_what_is_printed() -> None:
    (shown,) = run_json("show", "dongfanghong-1-launch", "--fields", "id,date,aliases")
    assert shown == {
        "id": "dongfanghong-1-launch",
        "date": "1970-04-24",
        "aliases": shown["aliases"],
    }
    assert "东方红一号" in shown["aliases"]


def test_show_csv_has_one_row_per_record() -> None:
    rows = list(csv.DictReader(io.StringIO(run("show", "change-5", "--format", "csv").stdout)))
    assert len(rows) == 1 and rows[0]["id"] == "change-5" and rows[0]["kind"] == "mission"


# --- sources -------------------------------------------------------------------------------


def test_sources_count_the_records_that_cite_them() -> None:
    assert [(s["id"], s["cited_by"]) for s in run_json(*on_good("sources"))] == [
        ("src-a", 13),
        ("src-b", 6),
    ]
    counts = {s["id"]: s["cited_by"] for s in run_json("sources")}
    assert counts[SEED] > 30
    assert all(n >= 1 for n in counts.values())


# --- on this day ---------------------------------------------------------------------------


def test_on_04_24_shows_dongfanghong_1() -> None:
    found = run_json("on", "2026-04-24")
    first = {(r["kind"], r["id"], r["date"], r["years_ago"]) for r in found[:2]}
    # the launch, as a mission and as its milestone, 56 years ago: the oldest first
    assert first == {
        ("mission", "dongfanghong-1", "1970-04-24", 56),
        ("milestone", "dongfanghong-1-launch", "1970-04-24", 56),
    }
    assert all(r["date"].endswith("-04-24") for r in found)
    line = run("on", "2026-04-24").stdout.splitlines()[1].split()
    assert line[:4] == ["1970-04-24", "56", "years", "ago"]


def test_on_window_takes_days_around() -> None:
    assert [r["id"] for r in run_json(*on_good("on", "2026-04-26", "--window", "2"))] == ["dfh-1"]
    wider = run_json(*on_good("on", "2026-04-26", "--window", "3"))
    assert [r["id"] for r in wider] == ["dfh-1", "tianhe-launch"]
    assert run("on", "04-24", "--window", "200", code=2).stdout == ""


def test_on_month_adds_records_known_only_to_the_month() -> None:
    assert run_json(*on_good("on", "2026-12-01")) == []
    month = run_json(*on_good("on", "2026-12-01", "--month"))
    assert [(r["id"], r["date"], r["years_ago"]) for r in month] == [
        ("change-5-return", "2020-12", 6)
    ]


def test_on_a_day_with_nothing_shows_the_nearest_anniversaries() -> None:
    result = run(*on_good("on"), env={"SPACEFACTS_TODAY": "2026-05-01"})
    assert result.stderr == "spacefacts: nothing on 05-01; the nearest anniversaries:\n"
    lines = result.stdout.splitlines()
    assert [line.split()[5] for line in lines[1:]] == ["tianhe-launch", "m-6"]
    assert lines[1].startswith("2021-04-29  5 years ago")


@pytest.mark.parametrize("bad", ["13-01", "2023-02-29", "april", "04/24"])
def test_on_rejects_impossible_days(bad: str) -> None:
    assert "MM-DD" in run("on", bad, code=2).stderr


# --- random --------------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("kind", "fields"),
    [(None, "id,kind,sources"), ("milestone", "id,date,title"), ("mission", "id,launch_date,crew"),
     ("statement", "id,speaker,text"), ("milestone,mission", "kind,id,status")],
)  # fmt: skip
def test_random_fields_never_fail_whichever_kind_is_picked(kind: str | None, fields: str) -> None:
    kinds = ["--kind", kind] if kind else []
    seen = set()
    for seed in range(25):
        (picked,) = run_json("random", *kinds, "--fields", fields, "--seed", str(seed))
        assert list(picked) == fields.split(",")
        seen.add(run_json("random", *kinds, "--seed", str(seed))[0]["kind"])
    assert len(seen) == len(kind.split(",")) if kind else len(seen) == 3


def test_random_fields_answer_the_same_for_every_pick() -> None:
    # a field that only some kinds have: the answer must not depend on the seed
    codes = {runner.invoke(app, ["random", "--fields", "id,date", "--seed", str(n)]).exit_code
             for n in range(25)}  # fmt: skip
    assert len(codes) == 1


# --- every format, parsed back -------------------------------------------------------------

COMMANDS = [
    ["search", "change 5", "--limit", "100"],
    ["sources"],
    ["on", "2026-04-24"],
    ["stats"],
    ["timeline"],
    ["quote", "--topic", "peace"],
    ["missions"],
    ["programs"],
    ["occasions"],
    ["speakers"],
    ["lunar"],
]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "; ".join(str(v["id"]) if isinstance(v, dict) else str(v) for v in value)
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


@pytest.mark.parametrize("args", COMMANDS, ids=[a[0] for a in COMMANDS])
def test_fields_pick_columns_in_every_format(args: list[str]) -> None:
    records = run_json(*args)
    first, last = next(iter(records[0])), list(records[0])[-1]
    picked = run_json(*args, "--fields", f"{last},{first}")
    assert picked == [{last: r[last], first: r[first]} for r in records]
    header = run(*args, "--format", "csv", "--fields", f"{last},{first}").stdout.splitlines()[0]
    assert header == f"{last},{first}"


# --- colour and terminals ------------------------------------------------------------------

ALL = [["search", "change 5"], ["show", "xi-2021-02-vital-milestone"], ["on", "04-24"], ["stats"]]
ALL += [["sources"], ["random", "--seed", "1"], ["timeline"], ["lunar"], ["missions"]]


@pytest.mark.parametrize("args", ALL, ids=[a[0] for a in ALL])
def test_piped_output_has_no_escape_codes_or_box_drawing(args: list[str]) -> None:
    text = run(*args).stdout
    assert text and "\x1b" not in text and "│" not in text and "╭" not in text


def _in_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run `python -m spacefacts ARGS` with its stdout on a pseudo-terminal; return the output."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    clean.update({"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "10000"})
    clean.update({"SPACEFACTS_NO_PAGER": "1", **env})
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
    assert "\x1b" not in _in_a_terminal([*args, "--no-color"], {})  # after the command too
    for off in ({"FORCE_COLOR": "0"}, {"CLICOLOR": "0"}):
        assert "\x1b" not in _in_a_terminal(args, off)
    dumb = _in_a_terminal(args, {"TERM": "dumb"})
    assert "\x1b" not in dumb and "╭" not in dumb


# --- shell completion ----------------------------------------------------------------------


def _complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers for the last word of `words`."""
    from typer._completion_classes import completion_init

    completion_init()  # what `spacefacts` does when it starts (CliRunner skips it)
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
    assert set(_complete("spacefacts timeline --program tian")) == {"tianwen", "tiangong"}
    assert "change-5-team-meeting" in _complete("spacefacts show change-5-")
    assert _complete("spacefacts search moon --kind m") == ["milestone", "mission"]
    assert _complete("spacefacts random --topic pe") == ["peace"]
    assert _complete("spacefacts quote --fields occasion_n") == ["occasion_name"]
    assert _complete("spacefacts timeline --fields occasion_n") == []  # not a milestone's
    assert _complete("spacefacts timeline --fields id,ti") == ["id,title"]


def test_completion_follows_data_and_never_fails() -> None:
    assert _complete(f"spacefacts --data {GOOD} show s-") == ["s-coop", "s-peace", "s-undated"]
    assert _complete("spacefacts show s-", {"SPACEFACTS_DATA": str(GOOD)}) == [
        "s-coop",
        "s-peace",
        "s-undated",
    ]
    assert _complete("spacefacts --data /no/such/file.toml show x") == []
