"""The shipped fact base is a reference you can cite: valid, every record sourced, every source
the publisher's own page with its headline, one name per publisher and per speaker, more than
one voice, statuses as of a stated date, and the targets of issues 9, 16 and 19."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from conftest import run
from spacefacts import factbase
from spacefacts.model import Kind

RECORDS, PROBLEMS = factbase.check([factbase.base_file()])
BY_ID = {r["id"]: r for kind in Kind for r in RECORDS[kind]}
SOURCES = {s["id"]: s for s in RECORDS[Kind.source]}
PUBLISHERS = {p["id"]: p for p in RECORDS[Kind.publisher]}
CITING = [k for k in Kind if k not in (Kind.source, Kind.topic, Kind.program, Kind.publisher)]
# Speakers and astronauts cite where their names come from; every other kind cites its facts.
FACTS = [k for k in CITING if k not in (Kind.speaker, Kind.astronaut)]


def test_the_shipped_fact_base_has_no_problem() -> None:
    assert [str(p) for p in PROBLEMS if p.severity == "error"] == []


def test_validate_exits_0_on_the_shipped_base() -> None:
    result = run("validate")
    assert result.stdout == ""
    assert result.stderr.startswith("spacefacts: 1 file, ")
    assert ", no problems" in result.stderr


def test_it_says_how_current_it_is() -> None:
    assert RECORDS.as_of == "2026-12-01"
    assert "facts as of 2026-12-01 (shipped)" in run("--version").stdout


@pytest.mark.parametrize(
    ("kind", "at_least"),
    [(Kind.milestone, 220), (Kind.mission, 50), (Kind.statement, 80), (Kind.source, 400),
     (Kind.publisher, 100), (Kind.speaker, 25), (Kind.astronaut, 25)],
)  # fmt: skip
def test_counts_meet_the_targets(kind: Kind, at_least: int) -> None:
    assert len(RECORDS[kind]) >= at_least


# --- sources ------------------------------------------------------------------------------

# Hosts the review found copies, aggregators and machine summaries on: never a source.
NOT_SOURCES = (
    "wikipedia.org", "reportify.ai", "pulseaugur", "newsbreak", "devdiscourse.com", "line.me",
    "livedoor", "yahoo.com", "pressreader.com", "khabarasia.com", "urdupoint.com",
    "vuink.com", "particle.news", "hanna-ai.com", "globaldawn", "spacefrontpage",
    "tellerreport", "comparemela", "newsio", "nexusnews", "hype.aero", "afripulse",
)  # fmt: skip


def test_every_source_is_its_publishers_own_page() -> None:
    wrong = []
    for source in RECORDS[Kind.source]:
        host = (urlsplit(source["url"] or "").hostname or "").lower()
        domains = PUBLISHERS[source["publisher"]]["domains"]
        if not any(host == d or host.endswith("." + d) for d in domains):
            wrong.append((source["id"], host))
        if any(bad in host for bad in NOT_SOURCES):
            wrong.append((source["id"], host))
    assert wrong == []


def test_every_source_has_a_url_a_real_title_and_a_note() -> None:
    assert [s["id"] for s in RECORDS[Kind.source] if not s["url"]] == []
    bracketed = [s["id"] for s in RECORDS[Kind.source] if s["title"].lstrip().startswith("[")]
    assert bracketed == []
    assert [s["id"] for s in RECORDS[Kind.source] if not (s["note"] or "").strip()] == []


def test_no_page_is_two_sources() -> None:
    def page(url: str) -> str:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        return host + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")

    counts = Counter(page(s["url"]) for s in RECORDS[Kind.source])
    assert [url for url, n in counts.items() if n > 1] == []


def test_one_name_per_publisher() -> None:
    names = Counter(p["name"].casefold() for p in RECORDS[Kind.publisher])
    assert [name for name, n in names.items() if n > 1] == []
    # where a page was read is never part of a publisher's name
    assert [p["name"] for p in RECORDS[Kind.publisher] if re.search(r"\bvia\b|/", p["name"])] == []
    for publisher in RECORDS[Kind.publisher]:
        assert publisher["kind"] and publisher["country"], publisher
    # a publisher whose own pages are cited says where they are; one only credited needs none
    publishing = {s["publisher"] for s in RECORDS[Kind.source]}
    assert [p for p in publishing if not PUBLISHERS[p]["domains"]] == []


def test_most_sources_say_when_they_were_published() -> None:
    dated = [s for s in RECORDS[Kind.source] if s["published"]]
    assert len(dated) / len(RECORDS[Kind.source]) > 0.7


FIRSTS = [
    "dongfanghong-1-launch",  # first satellite
    "shenzhou-5-first-crewed-flight",  # first crewed flight
    "shenzhou-7-first-spacewalk",
    "shenzhou-8-first-docking",
    "change-3-landing",  # first lunar landing
    "change-5-sample-return-landing",  # first sample return
    "first-mars-landing",
    "space-station-t-shape-completed",  # the station's completion
]


@pytest.mark.parametrize("ident", FIRSTS)
def test_each_first_cites_two_publishers_one_outside_chinese_state_media(ident: str) -> None:
    publishers = {SOURCES[s]["publisher"] for s in BY_ID[ident]["sources"]}
    assert len(publishers) >= 2
    assert any(not PUBLISHERS[p]["chinese_state"] for p in publishers)


# --- statements ------------------------------------------------------------------------------


def test_no_speaker_has_more_than_a_third_of_the_statements() -> None:
    counts = Counter(s["speaker"] for s in RECORDS[Kind.statement])
    top, n = counts.most_common(1)[0]
    assert n <= len(RECORDS[Kind.statement]) / 3, top


def test_at_least_ten_statements_come_from_international_voices() -> None:
    foreign = [
        s["id"]
        for s in RECORDS[Kind.statement]
        if BY_ID[s["speaker"]].get("country") not in ("China", None)
    ]
    assert len(foreign) >= 10


def test_a_translated_statement_says_whose_translation_it_is() -> None:
    for statement in RECORDS[Kind.statement]:
        if statement["language"] not in (None, "en"):
            assert statement["translation"], statement["id"]
    spoken = Counter(s["language"] for s in RECORDS[Kind.statement])
    assert spoken["zh"] >= 30  # Chinese speech in English: said so


def test_quoted_text_holds_only_the_words() -> None:
    for statement in RECORDS[Kind.statement]:
        text = statement["text"]
        assert "(reported speech)" not in text and not text.rstrip().endswith(","), text
        if statement["verbatim"] and statement["language"] in (None, "en"):
            assert not re.search(r"[\u4e00-\u9fff]", text), statement["id"]


def test_no_statement_repeats_another() -> None:
    texts = Counter(s["text"].casefold().strip(" .") for s in RECORDS[Kind.statement])
    assert [t for t, n in texts.items() if n > 1] == []


# --- citations ---------------------------------------------------------------------------


def test_every_record_cites_a_source() -> None:
    uncited = [(k.value, r["id"]) for k in FACTS for r in RECORDS[k] if not r.get("sources")]
    assert uncited == []


def test_every_source_is_cited() -> None:
    cited = {s for kind in CITING for r in RECORDS[kind] for s in r["sources"]}
    assert [s["id"] for s in RECORDS[Kind.source] if s["id"] not in cited] == []


def test_nothing_is_dated_after_the_data_unless_planned() -> None:
    future = [
        (kind.value, r["id"], date)
        for kind, name in ((Kind.milestone, "date"), (Kind.mission, "launch_date"))
        for r in RECORDS[kind]
        if (date := r[name]) and date[:10] > "2026-12-01"[: len(date)] and r["status"] != "planned"
    ]
    assert future == []


# --- the fact base's coverage ---------------------------------------------------------------


def _shenzhou_numbers() -> set[int]:
    """The Shenzhou flights that have a milestone, by the number in its id or title."""
    numbers = set()
    for milestone in RECORDS[Kind.milestone]:
        text = f"{milestone['id']} {milestone['title']} {' '.join(milestone['aliases'])}"
        numbers.update(int(n) for n in re.findall(r"shenzhou[- ]?(\d+)", text, re.I))
    return numbers


# Flown by the data's date as the fact base can cite it: Shenzhou-23's launch (May 2026) rests
# on no page a reference can cite yet, so the record says what CMSA planned, as of its date.
CREWED = [5, 6, 7, 9, 10, 11, *range(12, 23)]
UNCREWED = [1, 2, 3, 4, 8]


@pytest.mark.parametrize("number", CREWED + UNCREWED)
def test_every_shenzhou_flight_is_a_milestone(number: int) -> None:
    assert number in _shenzhou_numbers()


# Shenzhou-22 was launched uncrewed, as an emergency return vehicle for the Shenzhou-21 crew.
@pytest.mark.parametrize("number", [n for n in CREWED if n != 22])
def test_every_crewed_shenzhou_names_its_crew_by_astronaut_id(number: int) -> None:
    mission = BY_ID.get(f"shenzhou-{number}")
    assert mission is not None and mission["crew"], number
    assert all(BY_ID[a]["name"] for a in mission["crew"])


def test_shenzhou_23_says_as_of_when_it_was_planned() -> None:
    mission = BY_ID["shenzhou-23"]
    assert (mission["status"], mission["status_date"]) == ("planned", "2026-03-03")
    assert mission["crew"] == [] and mission["launch_date"] == "2026"


def test_shenzhou_22_flew_uncrewed() -> None:
    mission = BY_ID["shenzhou-22"]
    assert mission["crew"] == [] and "uncrewed" in (mission["type"] or "")


@pytest.mark.parametrize(
    "tag", ["spacewalk", "return", "selection", "rover", "ilrs-partner", "failure", "first"]
)
def test_the_classes_of_events_a_reference_has_are_there(tag: str) -> None:
    assert sum(tag in m["tags"] for m in RECORDS[Kind.milestone]) >= 3


def test_identifiers_and_chinese_names() -> None:
    missions = RECORDS[Kind.mission]
    launched = [m for m in missions if m["launch_date"] and m["status"] != "planned"]
    with_cospar = [m for m in launched if m["cospar"]]
    assert len(with_cospar) >= 25
    assert len({m["cospar"] for m in with_cospar}) == len(with_cospar)  # one craft, one id
    assert sum(bool(m["name_zh"]) for m in missions) >= 35
    assert sum(bool(a["name_zh"]) for a in RECORDS[Kind.astronaut]) >= 25
    for record in (*missions, *RECORDS[Kind.astronaut], *RECORDS[Kind.program]):
        if record["name_zh"]:
            assert re.search(r"[\u4e00-\u9fff]", record["name_zh"]), record["id"]


def test_the_lunar_steps_follow_the_sources() -> None:
    assert BY_ID["change-2"]["step"] == 2  # the forerunner of the landing step
    assert BY_ID["change-6"]["step"] is None  # after the three steps, never step 3
    assert "orbiter" in (BY_ID["change-2"]["type"] or "")


def test_the_2022_expectation_points_to_what_happened() -> None:
    expected = BY_ID["space-station-completion-expected"]
    assert expected["date"] == "2022-04-24"  # when it was said
    assert BY_ID[expected["outcome"]]["status"] == "done"
