"""The shipped fact base meets issue 9's targets: its size, its sources, every Shenzhou flight,
nothing unsourced, nothing uncited, nothing in the future unless planned."""

from __future__ import annotations

import re

import pytest

from conftest import run
from spacefacts import factbase
from spacefacts.model import Kind

RECORDS, PROBLEMS = factbase.check([factbase.base_file()])
CITING = [k for k in Kind if k is not Kind.source and k is not Kind.topic and k is not Kind.program]


def test_the_shipped_fact_base_has_no_problem() -> None:
    assert [str(p) for p in PROBLEMS if p.severity == "error"] == []


def test_validate_exits_0_on_the_shipped_base() -> None:
    result = run("validate")
    assert result.stdout == ""
    assert result.stderr.startswith("spacefacts: 1 file, ")
    assert ", no problems" in result.stderr


@pytest.mark.parametrize(
    ("kind", "at_least"),
    [(Kind.milestone, 120), (Kind.mission, 16), (Kind.statement, 50), (Kind.source, 60)],
)
def test_counts_meet_the_targets(kind: Kind, at_least: int) -> None:
    assert len(RECORDS[kind]) >= at_least


def test_sources_come_from_at_least_15_publishers() -> None:
    publishers = {s["publisher"].strip().casefold() for s in RECORDS[Kind.source]}
    assert len(publishers) >= 15


def test_every_source_says_what_it_supports() -> None:
    without = [s["id"] for s in RECORDS[Kind.source] if not (s["note"] or "").strip()]
    assert without == []


def _shenzhou_numbers() -> set[int]:
    """The Shenzhou flights that have a milestone, by the number in its id or title."""
    numbers = set()
    for milestone in RECORDS[Kind.milestone]:
        text = f"{milestone['id']} {milestone['title']} {' '.join(milestone['aliases'])}"
        numbers.update(int(n) for n in re.findall(r"shenzhou[- ]?(\d+)", text, re.I))
    return numbers


CREWED = [5, 6, 7, 9, 10, 11, *range(12, 24)]  # issue 9's list (22 flew uncrewed, see below)
UNCREWED = [1, 2, 3, 4, 8]


@pytest.mark.parametrize("number", CREWED + UNCREWED)
def test_every_shenzhou_flight_is_a_milestone(number: int) -> None:
    assert number in _shenzhou_numbers()


# Shenzhou-22 was launched uncrewed, as an emergency return vehicle for the Shenzhou-21 crew.
@pytest.mark.parametrize("number", [n for n in CREWED if n != 22])
def test_every_crewed_shenzhou_names_its_crew(number: int) -> None:
    missions = {m["id"]: m for m in RECORDS[Kind.mission]}
    mission = missions.get(f"shenzhou-{number}")
    assert mission is not None, f"no mission shenzhou-{number}"
    assert mission["crew"], f"shenzhou-{number} has no crew"


def test_every_record_cites_a_source() -> None:
    uncited = [
        (kind.value, r["id"]) for kind in CITING for r in RECORDS[kind] if not r.get("sources")
    ]
    assert uncited == []


def test_every_source_is_cited() -> None:
    cited = {s for kind in CITING for r in RECORDS[kind] for s in r["sources"]}
    assert [s["id"] for s in RECORDS[Kind.source] if s["id"] not in cited] == []


def test_nothing_is_dated_after_today_unless_planned() -> None:
    today = factbase.today()
    future = [
        (kind.value, r["id"], date)
        for kind, name in ((Kind.milestone, "date"), (Kind.mission, "launch_date"))
        for r in RECORDS[kind]
        if (date := r[name])
        and date[: len(today)] > today[: len(date)]
        and r["status"] != "planned"
    ]
    assert future == []


def test_every_statement_with_an_occasion_has_its_date() -> None:
    occasions = {o["id"]: o for o in RECORDS[Kind.occasion]}
    for statement in RECORDS[Kind.statement]:
        if statement["occasion"]:
            assert statement["date"] == occasions[statement["occasion"]]["date"], statement["id"]


def test_the_lunar_steps_follow_the_sources() -> None:
    missions = {m["id"]: m for m in RECORDS[Kind.mission]}
    assert missions["change-2"]["step"] == 2  # the forerunner of the landing step
    assert missions["change-6"]["step"] is None  # after the three steps, never step 3
    assert "orbiter" in (missions["change-2"]["type"] or "")


def test_the_2022_expectation_points_to_what_happened() -> None:
    milestones = {m["id"]: m for m in RECORDS[Kind.milestone]}
    expected = milestones["space-station-completion-expected"]
    assert expected["date"] == "2022"
    assert expected["outcome"] in milestones
    assert milestones[expected["outcome"]]["status"] == "done"
