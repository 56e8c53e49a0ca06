"""End to end: the reading commands, checked through their JSON, on the shipped fact base and
on the small fixture; global options, exit codes and the console entry point."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main

from conftest import GOOD, on_good, run, run_json
from spacefacts import __version__
from spacefacts.cli import app

SEED = "xinhua-2022-04-24-space-dream"
ROOT = typer.main.get_command(app)  # the root command, as users run it


# --- timeline ------------------------------------------------------------------------------


def test_timeline_starts_with_dongfanghong_1() -> None:
    milestones = run_json("timeline")
    first = milestones[0]
    assert (first["id"], first["date"], first["program"], first["status"]) == (
        "dongfanghong-1-launch",
        "1970-04-24",
        "dongfanghong",
        "done",
    )
    assert SEED in first["sources"]
    assert "Dongfanghong-1" in first["title"]
    dates = [m["date"] for m in milestones]
    assert dates == sorted(dates)


def test_timeline_year() -> None:
    milestones = run_json("timeline", "--year", "2024")
    assert milestones and all(m["date"].startswith("2024") for m in milestones)
    assert "change-6-return" in {m["id"] for m in milestones}
    assert [m["id"] for m in run_json(*on_good("timeline", "--year", "2021"))] == ["tianhe-launch"]


def test_timeline_since_and_until_take_a_month() -> None:
    found = run_json("timeline", "--since", "2021-04", "--until", "2021-06")
    assert found and all("2021-04" <= m["date"][:7] <= "2021-06" for m in found)
    assert "tianhe-launch" in {m["id"] for m in found}
    small = run_json(*on_good("timeline", "--since", "2020-12", "--until", "2021-04"))
    assert [m["id"] for m in small] == ["change-5-return", "tianhe-launch"]
    assert run_json("timeline", "--since", "2100") == []


@pytest.mark.parametrize("bad", ["21", "2021-4", "April", "2021-13-01"])
def test_timeline_bad_date_is_a_usage_error(bad: str) -> None:
    result = run("timeline", "--since", bad, code=2)
    assert result.stdout == ""
    assert result.stderr == (
        f"spacefacts: error: --since {bad!r}: give YYYY, YYYY-MM or YYYY-MM-DD\n"
    )


def test_timeline_reverse_and_limit() -> None:
    forward = run_json("timeline")
    assert run_json("timeline", "--reverse") == forward[::-1]
    assert [m["id"] for m in run_json("timeline", "--limit", "1")] == ["dongfanghong-1-launch"]
    assert run_json("timeline", "--reverse", "--limit", "2") == forward[::-1][:2]


def test_timeline_tag() -> None:
    found = run_json("timeline", "--tag", "first")
    assert found and all("first" in m["tags"] for m in found)
    assert "dongfanghong-1-launch" in {m["id"] for m in found}
    assert run_json(*on_good("timeline", "--tag", "samples")) == run_json(
        *on_good("timeline", "--program", "change")
    )


def test_timeline_planned_lists_only_what_is_not_done_yet() -> None:
    planned = run_json("timeline", "--planned")
    assert planned and {m["status"] for m in planned} == {"planned"}
    assert "crewed-lunar-landing-planned" in {m["id"] for m in planned}
    small = run_json(*on_good("timeline", "--planned"))
    assert [(m["id"], m["date"]) for m in small] == [("crewed-landing", "2030")]


def test_timeline_marks_planned_records_in_every_table() -> None:
    plain = run(*on_good("timeline")).stdout.splitlines()
    (line,) = [row for row in plain if "crewed-landing" in row]
    assert line.split()[:4] == ["2030", "crewed-landing", "crewed-lunar", "planned"]
    rich = run(*on_good("timeline"), env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "100"})
    assert "Crewed lunar landing (planned)" in rich.stdout


def test_timeline_program_by_name_and_unknown_program() -> None:
    lunar = run_json("timeline", "--program", "Chang'e")
    assert lunar and {m["program"] for m in lunar} == {"change"}
    assert run_json("timeline", "--program", "嫦娥工程") == lunar
    result = run("timeline", "--program", "tianwenn", code=2)
    assert result.stdout == ""
    assert "did you mean 'tianwen'" in result.stderr


# --- quote ---------------------------------------------------------------------------------


def test_quote_topic_gathers_every_statement_on_it() -> None:
    statements = run_json("quote", "--topic", "Cooperation")
    assert len(statements) >= 10
    assert all("cooperation" in s["topics"] for s in statements)
    topics = {t["id"]: t["statements"] for t in run_json("topics")}
    assert topics["cooperation"] == len(statements)


def test_quote_speaker_matches_whole_names() -> None:
    xi = run_json("quote", "--speaker", "XI")
    assert xi and {s["speaker"] for s in xi} == {"xi-jinping"}  # not Xinhua
    assert {s["speaker_name"] for s in xi} == {"Xi Jinping"}
    assert run_json("quote", "--speaker", "xi jinping") == xi


def test_quote_statements_take_the_date_of_their_occasion() -> None:
    (vital,) = run_json("quote", "--speaker", "xi", "--search", "vital milestone")
    assert (vital["id"], vital["date"], vital["verbatim"]) == (
        "xi-2021-02-vital-milestone",
        "2021-02-22",
        True,
    )
    assert vital["occasion"] == "xi-2021-02-22-change-5-meeting"
    same = run_json("quote", "--occasion", vital["occasion"])
    assert vital in same and {s["date"] for s in same} == {"2021-02-22"}


def test_quote_search_uses_the_search_engine() -> None:
    quotes = run_json("quote", "--search", "cooperation")
    hits = run_json("search", "cooperation", "--kind", "statement", "--limit", "1000")
    assert {q["id"] for q in quotes} == {h["id"] for h in hits}
    small = run_json(*on_good("quote", "--search", "peace"))
    assert [q["id"] for q in small] == ["s-peace"]


@pytest.mark.parametrize("text", ["", " ", ",", "' - '", "…"])
def test_quote_search_with_nothing_to_search_is_the_same_error_as_search(text: str) -> None:
    quote = run("quote", "--search", text, code=2)
    search = run("search", text, code=2)
    assert quote.stdout == search.stdout == ""
    assert quote.stderr == search.stderr
    assert quote.stderr.startswith("spacefacts: error: nothing to search for")


def test_quote_limit_and_order() -> None:
    statements = run_json("quote")
    assert run_json("quote", "--limit", "3") == statements[:3]
    dated = [s["date"] for s in statements if s["date"]]
    assert dated == sorted(dated)
    assert all(s["date"] is None for s in statements[len(dated) :])  # undated last
    small = run_json(*on_good("quote"))
    assert [(s["id"], s["date"]) for s in small] == [
        ("s-coop", "2021-02-22"),
        ("s-peace", "2024-06-25"),
        ("s-undated", None),
    ]


def test_quote_unknown_topic_exits_2_and_names_the_closest() -> None:
    result = run("quote", "--topic", "coperation", code=2)
    assert "did you mean 'cooperation'" in result.stderr
    assert "peace" in result.stderr  # the known topics are listed


def test_quote_table_shows_form_and_occasion() -> None:
    lines = run(*on_good("quote")).stdout.splitlines()
    assert lines[0].split() == ["Date", "Id", "Speaker", "Form", "Statement", "Occasion"]
    assert "“Cooperation matters.”" in lines[1] and "verbatim" in lines[1]
    assert "Space is for peace [and for all]." in lines[2] and "reported" in lines[2]


# --- lunar ---------------------------------------------------------------------------------


def test_lunar_has_three_steps_then_what_came_after() -> None:
    steps = run_json("lunar")
    assert [s["step"] for s in steps] == [1, 2, 3, None]
    assert steps[-1]["id"] == "after-the-three-steps"
    assert [s["name"] for s in steps[:3]] == ["Orbiting", "Landing", "Sample return"]
    ids = [[m["id"] for m in s["missions"]] for s in steps]
    assert ids[0][0] == "change-1"
    assert "change-2" in ids[1]  # the forerunner of the landing step
    assert "change-5" in ids[2]
    assert "change-6" not in ids[2]  # never in step 3
    assert "change-6" in ids[3]
    # the contract of 0.1, kept: each mission a record with at least its name and launch date
    first = steps[0]["missions"][0]
    assert (first["name"], first["launch_date"], first["status"]) == (
        "Chang'e-1",
        "2007-10-24",
        "done",
    )


def test_lunar_json_missions_have_names_for_jq() -> None:
    names = [m["name"] for step in run_json("lunar") for m in step["missions"]]
    assert "Chang'e-5" in names and "Chang'e-6" in names


def test_lunar_missions_are_in_launch_order() -> None:
    missions = {m["id"]: m for m in run_json("missions")}
    for step in run_json("lunar"):
        dates = [missions[m["id"]]["launch_date"] or "9999" for m in step["missions"]]
        assert dates == sorted(dates)


def test_lunar_table_lists_every_mission_with_its_launch_date() -> None:
    text = run(*on_good("lunar"), env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "Chang'e-5 (2020-11-24)" in text and "Orbiting" in text
    assert "After the three steps" in text and "Lanyue (planned)" in text
    plain = run(*on_good("lunar")).stdout.splitlines()
    assert len(plain) == 5  # a header and one line per step: a record per line
    assert plain[4].split()[-3:] == ["m-6;", "m-lanyue", "(planned)"]  # planned, in every view


# --- listings ------------------------------------------------------------------------------


def test_programs_count_milestones_and_missions() -> None:
    programs = {p["id"]: p for p in run_json("programs")}
    assert {"change", "shenzhou", "tiangong", "tianwen", "dongfanghong"} <= set(programs)
    for ident, program in programs.items():
        assert program["milestones"] == len(run_json("timeline", "--program", ident))
        assert program["missions"] == len(run_json("missions", "--program", ident))


def test_missions_in_launch_order_with_program_and_status() -> None:
    missions = run_json("missions")
    assert len(missions) >= 16
    dates = [m["launch_date"] for m in missions if m["launch_date"]]
    assert dates == sorted(dates)
    shenzhou = run_json("missions", "--program", "shenzhou")
    assert shenzhou and {m["program"] for m in shenzhou} == {"shenzhou"}
    change5 = next(m for m in missions if m["id"] == "change-5")
    assert (change5["launch_date"], change5["step"], change5["status"]) == ("2020-11-24", 3, "done")


def test_speakers_count_their_statements() -> None:
    speakers = run_json("speakers")
    quotes = run_json("quote")
    assert sum(s["statements"] for s in speakers) == len(quotes)
    xi = next(s for s in speakers if s["id"] == "xi-jinping")
    assert (xi["name"], xi["name_zh"]) == ("Xi Jinping", "习近平")
    assert xi["statements"] == len(run_json("quote", "--speaker", "Xi Jinping"))
    assert speakers[0] == xi  # the most quoted first
    # everyone quoted is listed in one shape, publishers and astronauts that speak too
    assert {s["id"] for s in speakers} == {q["speaker"] for q in quotes}
    assert len({tuple(s) for s in speakers}) == 1
    assert all(isinstance(s["sources"], list) for s in speakers)
    assert [(s["id"], s["statements"]) for s in run_json(*on_good("speakers"))] == [
        ("speaker-one", 2),
        ("speaker-two", 1),
    ]


def test_global_options_after_the_command_name_through_the_console_script() -> None:
    done = _spacefacts("timeline", "--data", str(GOOD), "--no-color", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["id"] == "dfh-1"


def test_version() -> None:
    # the program's version, then how current the facts are and where they come from
    shipped = f"spacefacts {__version__}\nfacts as of 2026-12-01 (shipped)\n"
    assert run("--version").stdout == shipped
    # --data before --version: the version of the facts in use
    assert run("--data", str(GOOD), "--version").stdout.endswith(f"({GOOD})\n")


# --- exit codes ----------------------------------------------------------------------------


def test_exit_0_even_for_an_empty_result() -> None:
    assert run("timeline", "--since", "2100").stderr == "spacefacts: nothing found\n"


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "--bogus"],
        ["timeline", "--since", "tomorrow"],
        ["timeline", "--limit", "-1"],
        ["show", "no-such-record"],
        ["quote", "--topic", "nothing"],
        ["search", "moon", "--kind", "sources"],
        ["timeline", "--fields", "titel"],
        ["on", "13-01"],
        ["no-such-command"],
    ],
)
def test_exit_2_for_usage_errors(args: list[str]) -> None:
    result = run(*args, code=2)
    assert result.stdout == ""
    assert result.stderr


def test_exit_3_for_a_fact_file_that_cannot_be_read(tmp_path: Path) -> None:
    assert run("--data", str(tmp_path), "timeline", code=3).stderr == (
        f"{tmp_path}: is a directory, not a fact file\n"
    )
    assert run("--data", str(tmp_path / "none.toml"), "timeline", code=3).stdout == ""


def test_exit_4_when_a_file_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    target = blocker / "out.toml"
    result = run("--data", str(GOOD), "export", "--output", str(target), code=4)
    assert result.stderr.startswith(f"spacefacts: error: cannot write {target}: ")
    assert not target.exists()


# --- the console entry point ---------------------------------------------------------------


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _spacefacts(
    *args: str, stdout: int | None = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    """Run the installed `spacefacts` script (beside this Python) with ARGS."""
    script = Path(sys.executable).with_name("spacefacts")
    path = str(script) if script.exists() else shutil.which("spacefacts")
    assert path, "the spacefacts script is not installed"
    return subprocess.run(
        [path, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, env=_env(), check=False
    )


Starter = Callable[..., "subprocess.CompletedProcess[str]"]


def _python_m(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spacefacts", *args],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )


@pytest.mark.parametrize("start", [_python_m, _spacefacts], ids=["python-m", "script"])
def test_entry_point_exit_codes(start: Starter, tmp_path: Path) -> None:
    starter = start
    ok = starter("topics", "--json")
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == "" and "cooperation" in {t["id"] for t in json.loads(ok.stdout)}
    usage = starter("timeline", "--since", "soon")
    assert (usage.returncode, usage.stdout) == (2, "")
    assert usage.stderr == "spacefacts: error: --since 'soon': give YYYY, YYYY-MM or YYYY-MM-DD\n"
    data = starter("--data", str(tmp_path / "missing.toml"), "timeline")
    assert (data.returncode, data.stdout) == (3, "")
    assert data.stderr == f"{tmp_path / 'missing.toml'}: no such file\n"
    version = starter("--version")
    assert version.returncode == 0
    assert version.stdout.startswith(f"spacefacts {__version__}\nfacts as of ")
    bad_option = starter("timeline", "--bogus")
    assert bad_option.returncode == 2 and "No such option: --bogus" in bad_option.stderr
    assert "Traceback" not in bad_option.stderr + data.stderr + usage.stderr


def test_entry_point_exit_1_when_output_cannot_be_written() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w") as full:
        done = _spacefacts("timeline", "--json", stdout=full.fileno())
    assert done.returncode == 1
    assert done.stderr == "spacefacts: error: cannot write output: No space left on device\n"


@pytest.mark.parametrize("args", [["timeline", "--json"], ["timeline"], ["--version"], ["--help"]])
def test_entry_point_exit_141_on_a_closed_pipe(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first write, as after `| head -1`
    try:
        done = subprocess.run(
            [sys.executable, "-m", "spacefacts", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            env=_env(),
            check=False,
        )
    finally:
        os.close(write)
    assert done.returncode == 141
    assert done.stderr == b""  # quietly, as `git log | head` ends


def test_entry_point_exit_130_on_ctrl_c() -> None:
    # the interrupt arrives while the command runs (as Ctrl-C would): no traceback, exit 130
    code = (
        "import sys\n"
        "from spacefacts import query\n"
        "def interrupted(*args, **kwargs):\n"
        "    raise KeyboardInterrupt\n"
        "query.timeline = interrupted\n"
        "sys.argv = ['spacefacts', 'timeline']\n"
        "from spacefacts.__main__ import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=False
    )
    assert (done.returncode, done.stdout) == (130, "")
    assert done.stderr == "spacefacts: interrupted\n"


def test_entry_point_refuses_arguments_that_are_not_utf8() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "spacefacts", "show", b"caf\xe9"],
        capture_output=True,
        env=_env(),
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == b"spacefacts: error: argument 2 is not valid UTF-8\n"


# --- help ----------------------------------------------------------------------------------


def _commands() -> list[str]:
    """Every command, sub-commands included ("add milestone"); hidden aliases left out: the
    tree --help shows, as users run it."""
    import spacefacts.cli.manual as manual

    return [entry.name.removeprefix("spacefacts ") for entry in manual.walk(ROOT)][1:]


def test_the_reading_commands_are_all_there() -> None:
    reading = {"timeline", "quote", "lunar", "search", "show", "on", "random", "stats"}
    listings = {"topics", "programs", "missions", "occasions", "speakers", "sources"}
    assert reading | listings | {"validate", "export", "chart"} <= set(_commands())


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = run(*name.split(), "--help", env={"COLUMNS": "200"})
    assert "Example" in result.stdout and f"spacefacts {name}" in result.stdout


# --- on this day ---------------------------------------------------------------------------


def test_on_defaults_to_today_which_can_be_injected() -> None:
    # (a "today" before the shipped base's latest record would make that record a future one)
    found = json.loads(run("on", "--json", env={"SPACEFACTS_TODAY": "2027-04-24"}).stdout)
    assert ("dongfanghong-1-launch", "1970-04-24", 57) in {
        (r["id"], r["date"], r["years_ago"]) for r in found[:2]
    }
    assert all(r["date"].endswith("-04-24") for r in found)
    small = run(*on_good("on", "--json"), env={"SPACEFACTS_TODAY": "2026-04-24"}).stdout
    assert [(r["id"], r["years_ago"]) for r in json.loads(small)] == [("dfh-1", 56)]


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Kiritimati", "UTC"])
def test_today_is_beijings_date_whatever_the_local_zone(
    monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    """At 2026-06-01 20:00 UTC it is already 06-02 in Beijing: `on` looks at 06-02, whatever
    the machine's time zone (the clock is injected, not read)."""
    import time

    from spacefacts import dates

    monkeypatch.delenv("SPACEFACTS_TODAY")
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    instant = dt.datetime(2026, 6, 1, 20, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(dates, "now", lambda: instant)
    try:
        found = run_json("on")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert found and all(r["date"].endswith("-06-02") for r in found)
    assert all(r["years_ago"] == 2026 - int(r["date"][:4]) for r in found)
