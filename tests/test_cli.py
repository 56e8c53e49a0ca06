"""End to end: every command on the shipped fact base, checked through its JSON."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import GOOD, run, run_json
from spacefacts import __version__
from spacefacts.cli import app

SEED = "xinhua-2022-04-24-space-dream"


def test_timeline_starts_with_dongfanghong_1() -> None:
    milestones = run_json("timeline")
    first = milestones[0]
    assert (first["id"], first["date"], first["program"]) == (
        "dongfanghong-1-launch",
        "1970-04-24",
        "dongfanghong",
    )
    assert SEED in first["sources"]
    dates = [m["date"] for m in milestones]
    assert dates == sorted(dates)


def test_timeline_keeps_the_precision_the_sources_give() -> None:
    by_id = {m["id"]: m for m in run_json("timeline")}
    assert by_id["project-change-established"]["date"] == "2004"
    assert by_id["space-station-completion-expected"]["date"] == "2022"


def test_timeline_filters() -> None:
    lunar = run_json("timeline", "--program", "Chang'e")
    assert lunar and {m["program"] for m in lunar} == {"change"}
    recent = run_json("timeline", "--since", "2021", "--until", "2021")
    assert recent and all(m["date"].startswith("2021") for m in recent)
    assert [m["id"] for m in run_json("timeline", "--limit", "1")] == ["dongfanghong-1-launch"]
    assert run_json("timeline", "--since", "2100") == []


def test_unknown_program_exits_2_with_a_suggestion() -> None:
    result = run("timeline", "--program", "tianwenn", code=2)
    assert result.stdout == ""
    assert "did you mean 'tianwen'" in result.stderr


def test_cooperation_gathers_every_statement_about_cooperation() -> None:
    statements = run_json("quote", "--topic", "Cooperation")
    assert len(statements) >= 10
    assert all("cooperation" in s["topics"] for s in statements)
    spirit = [s for s in statements if "spirit" in s["topics"] and s["speaker"] == "Xi Jinping"]
    assert spirit and spirit[0]["date"] is None  # the article gives no date for it
    assert all(SEED in s["sources"] for s in statements)


def test_the_one_verbatim_xi_quote() -> None:
    quotes = run_json("quote", "--speaker", "xi jinping", "--search", "vital milestone")
    assert [(q["date"], q["verbatim"]) for q in quotes] == [("2021-02", True)]
    assert quotes[0]["text"].startswith("It is a vital milestone")


def test_speaker_matches_whole_names() -> None:
    speakers = {s["speaker"] for s in run_json("quote", "--speaker", "XI")}
    assert speakers == {"Xi Jinping"}  # not Xinhua


def test_reported_speech_is_marked_as_such() -> None:
    mars = run_json("quote", "--search", "Chinese mark on Mars")
    assert mars and mars[0]["verbatim"] is False and mars[0]["date"] == "2021-05"


def test_unknown_topic_exits_2_and_names_the_closest() -> None:
    result = run("quote", "--topic", "coperation", code=2)
    assert "did you mean 'cooperation'" in result.stderr
    assert "peace" in result.stderr  # the known topics are listed


def test_lunar_has_three_steps_with_missions_in_order() -> None:
    steps = run_json("lunar")
    assert [(s["step"], s["name"]) for s in steps] == [
        (1, "Orbiting"),
        (2, "Landing"),
        (3, "Sample return"),
    ]
    change5 = [m for m in steps[2]["missions"] if m["name"] == "Chang'e-5"]
    assert change5 and change5[0]["launch_date"] == "2020-11-24"
    assert len(change5[0]["achievements"]) == 4
    assert steps[0]["missions"][0]["name"] == "Chang'e-1"


def test_topics_count_the_statements() -> None:
    topics = {t["id"]: t["statements"] for t in run_json("topics")}
    cooperation = run_json("quote", "--topic", "cooperation")
    assert topics["cooperation"] == len(cooperation)
    assert set(topics) >= {"cooperation", "peace", "innovation", "national-system", "humanity"}


def test_empty_result_is_an_empty_array() -> None:
    result = run("quote", "--search", "no such words anywhere", "--json")
    assert result.stdout == "[]\n"


def test_table_output_when_piped_is_plain_text() -> None:
    result = run("timeline")
    assert "\x1b" not in result.stdout
    assert result.stdout.splitlines()[1].startswith("1970-04-24")


def test_lunar_table_lists_every_mission_with_its_launch_date() -> None:
    text = run("--data", str(GOOD), "lunar").stdout
    assert "Chang'e-5 (2020-11-24)" in text and "Orbiting" in text


def test_version() -> None:
    assert run("--version").stdout.strip() == f"spacefacts {__version__}"


def _commands() -> list[str]:
    """Every command, sub-commands included ("add milestone")."""
    names = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
    for group in app.registered_groups:
        sub = group.typer_instance.registered_commands if group.typer_instance else []
        names += [f"{group.name} {c.name}" for c in sub]
    return names


def test_the_add_commands_are_found() -> None:
    assert {"add milestone", "add quote", "add source", "validate", "export"} <= set(_commands())


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = run(*name.split(), "--help", env={"COLUMNS": "200"})
    assert "Example" in result.stdout and f"spacefacts {name}" in result.stdout


def test_python_dash_m_works_like_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "spacefacts", "topics", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"cooperation"' in done.stdout


def test_an_empty_table_prints_nothing_on_stdout() -> None:
    result = run("quote", "--search", "no such words anywhere")
    assert result.stdout == ""
    assert result.stderr.strip() == "spacefacts: nothing found"
