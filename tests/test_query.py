"""Query functions on the compiled small fact base (tests/fixtures/good.toml)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import GOOD
from spacefacts import db, factbase, query
from spacefacts.dates import bound, parse_day
from spacefacts.errors import BadValueError, UnknownValueError
from spacefacts.model import Kind

DB = db.open_factbase([factbase.FactFile(GOOD, "test")], use_cache=False)


def timeline(
    *,
    program: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    tag: str | None = None,
    status: str | None = None,
    reverse: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """query.timeline with one value per filter, as most tests need."""
    filters = query.Filters(
        programs=[program] if program else (),
        tags=[tag] if tag else (),
        statuses=[status] if status else (),
        years=[year] if year else (),
        since=bound(since, "--since"),
        until=bound(until, "--until"),
    )
    return query.timeline(DB, filters, reverse, limit)[0]


def statements(
    *,
    topic: str | None = None,
    speaker: str | None = None,
    search: str | None = None,
    occasion: str | None = None,
    since: str | None = None,
    until: str | None = None,
    reverse: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    filters = query.Filters(
        topics=[topic] if topic else (),
        speakers=[speaker] if speaker else (),
        occasions=[occasion] if occasion else (),
        since=bound(since, "--since"),
        until=bound(until, "--until"),
    )
    return query.statements(DB, filters, search, reverse, limit)[0]


def ids(records: list[dict[str, object]]) -> list[object]:
    return [r["id"] for r in records]


# --- timeline ------------------------------------------------------------------------------


def test_timeline_is_chronological_whatever_the_precision() -> None:
    assert ids(timeline()) == [
        "dfh-1",
        "change-5-return",
        "tianhe-launch",
        "change-6-return",
        "crewed-landing",
    ]
    assert ids(timeline(reverse=True)) == ids(timeline())[::-1]
    assert timeline(limit=0) == []
    assert ids(timeline(limit=2)) == ["dfh-1", "change-5-return"]


def test_timeline_filters_by_program_name_or_alias() -> None:
    expected = ["change-5-return", "change-6-return"]
    for name in ("change", "Chang'e", "CHANGE", "嫦娥工程"):
        assert ids(timeline(program=name)) == expected
    with pytest.raises(UnknownValueError) as caught:
        timeline(program="tiangongg")
    assert caught.value.close == ("tiangong",)


@pytest.mark.parametrize(
    ("since", "until", "year", "expected"),
    [
        (
            "1971",
            None,
            None,
            ["change-5-return", "tianhe-launch", "change-6-return", "crewed-landing"],
        ),
        (None, "2020", None, ["dfh-1", "change-5-return"]),
        (None, "2020-11", None, ["dfh-1"]),  # "2020-12" is after November 2020
        ("2020-12", "2021-04", None, ["change-5-return", "tianhe-launch"]),
        ("2021-04-30", "2024-06-25", None, ["change-6-return"]),  # both ends included
        (None, None, 2021, ["tianhe-launch"]),
        (None, None, 2030, ["crewed-landing"]),
        (None, None, 1999, []),
    ],
)
def test_timeline_date_bounds_take_any_precision(
    since: str | None, until: str | None, year: int | None, expected: list[str]
) -> None:
    assert ids(timeline(since=since, until=until, year=year)) == expected


def test_timeline_tag_and_status() -> None:
    assert ids(timeline(tag="samples")) == ["change-5-return", "change-6-return"]
    assert ids(timeline(tag=" Far-Side ")) == ["change-6-return"]
    with pytest.raises(UnknownValueError, match="did you mean 'samples'"):
        timeline(tag="sample")  # tags are whole words
    assert ids(timeline(status="planned")) == ["crewed-landing"]


@pytest.mark.parametrize(("text", "expected"), [("2021", "2021"), ("2021-02", "2021-02")])
def test_bound_takes_a_year_or_a_month(text: str, expected: str) -> None:
    assert bound(f" {text} ", "--since") == expected
    assert bound(None, "--since") is None


@pytest.mark.parametrize("text", ["21", "2021-2", "2021-13", "May 2021", ""])
def test_bound_rejects_what_is_not_a_date(text: str) -> None:
    with pytest.raises(BadValueError, match="--until"):
        bound(text, "--until")


# --- statements ----------------------------------------------------------------------------


def test_statements_are_chronological_with_the_undated_last() -> None:
    assert ids(statements()) == ["s-coop", "s-peace", "s-undated"]
    assert ids(statements(reverse=True)) == ["s-peace", "s-coop", "s-undated"]
    assert ids(statements(limit=1)) == ["s-coop"]


def test_statement_filters_combine() -> None:
    assert ids(statements(topic="COOPERATION")) == ["s-coop", "s-peace", "s-undated"]
    assert ids(statements(topic="peace")) == ["s-peace"]
    assert ids(statements(speaker="two")) == ["s-peace"]
    assert ids(statements(speaker="speaker one")) == ["s-coop", "s-undated"]
    with pytest.raises(UnknownValueError, match="unknown speaker 'speak'"):
        statements(speaker="speak")  # whole names, not prefixes
    assert ids(statements(search="PEACE")) == ["s-peace"]
    assert ids(statements(topic="cooperation", since="2022")) == ["s-peace"]
    assert ids(statements(occasion="meeting-2021-02")) == ["s-coop"]
    assert ids(statements(occasion="A message on the Chang’e-6 return")) == ["s-peace"]


def test_unknown_topic_and_occasion_suggest_the_closest() -> None:
    with pytest.raises(UnknownValueError) as caught:
        statements(topic="coperation")
    assert caught.value.close == ("cooperation",)
    assert "did you mean 'cooperation'" in str(caught.value)
    with pytest.raises(UnknownValueError) as caught:
        statements(occasion="meeting-2021-2")
    assert caught.value.close == ("meeting-2021-02",)


@pytest.mark.parametrize("text", ["", " ", ",.;", "'"])
def test_quote_search_with_nothing_to_search_is_refused(text: str) -> None:
    with pytest.raises(BadValueError, match="nothing to search for"):
        statements(search=text)
    if text.strip(",.;' "):  # a name that is no word
        with pytest.raises(BadValueError, match="--speaker"):
            statements(speaker=text)
    with pytest.raises(BadValueError, match="names nothing"):
        query.split_values([","], "--speaker")


# --- the lunar program ---------------------------------------------------------------------


def test_lunar_has_the_three_steps_then_what_came_after() -> None:
    steps = query.lunar(DB)
    assert [(s["step"], s["id"], [m["id"] for m in s["missions"]]) for s in steps] == [
        (1, "step-one", ["m-1"]),
        (2, "step-two", []),
        (3, "step-three", ["m-5"]),
        (None, "after-steps", ["m-6", "m-lanyue"]),  # undated (planned) last
    ]
    after = steps[-1]
    assert after["programs"] == ["change", "crewed-lunar"] and after["origin"] == "test"
    assert list(after) == list(steps[0])  # the same JSON shape as a step
    assert after["missions"][-1] == {
        "id": "m-lanyue",
        "name": "Lanyue",
        "launch_date": None,
        "status": "planned",
    }


# --- listings ------------------------------------------------------------------------------


def test_listings_count_what_refers_to_them() -> None:
    programs = {p["id"]: (p["milestones"], p["missions"]) for p in query.listing(DB, Kind.program)}
    assert programs == {
        "dongfanghong": (1, 0),
        "change": (2, 3),
        "tiangong": (1, 0),
        "crewed-lunar": (1, 1),
    }
    occasions = {o["id"]: o["statements"] for o in query.listing(DB, Kind.occasion)}
    assert occasions == {"meeting-2021-02": 1, "message-2024-06": 1}
    topics = {t["id"]: t["statements"] for t in query.listing(DB, Kind.topic)}
    assert topics == {"cooperation": 3, "peace": 1}
    # src-a: 3 milestones, 1 occasion, 2 statements, 3 lunar steps, 2 missions
    cited = {s["id"]: s["cited_by"] for s in query.listing(DB, Kind.source)}
    assert cited == {"src-a": 13, "src-b": 6}  # the astronaut's source too


def test_missions_in_launch_order_undated_last_and_by_program() -> None:
    assert ids(query.listing(DB, Kind.mission)) == ["m-1", "m-5", "m-6", "m-lanyue"]
    assert ids(query.missions(DB, query.Filters(programs=["crewed-lunar"]))) == ["m-lanyue"]


def test_speakers_count_their_statements_most_quoted_first() -> None:
    found = [(s["id"], s["name"], s["statements"]) for s in query.speakers(DB)]
    assert found == [("speaker-one", "Speaker One", 2), ("speaker-two", "Speaker Two", 1)]


# --- one record ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("m-5", "m-5"),
        ("M-5", "m-5"),
        ("Chang'e-5", "m-5"),  # a mission's name
        ("Chang’e 5", "m-5"),
        ("嫦娥五号", "m-5"),  # an alias
        ("first satellite", "dfh-1"),  # a milestone's title
        ("东方红一号", "dfh-1"),
        ("change", "change"),  # a program's id
        ("嫦娥工程", "change"),
        ("A meeting with the Chang'e-5 team", "meeting-2021-02"),
        ("s-peace", "s-peace"),
        ("step-two", "step-two"),
        ("src-b", "src-b"),
    ],
)
def test_find_record_by_id_name_title_or_alias(value: str, expected: str) -> None:
    assert query.find_record(DB, value)[1]["id"] == expected


@pytest.mark.parametrize(
    ("value", "close"),
    [
        ("dfh1x", ("dfh-1",)),  # a typo
        ("tianhe", ("tianhe-launch",)),  # the start of an id
        ("meeting", ("meeting-2021-02",)),
        ("nothing-like-it", ()),
    ],
)
def test_unknown_record_suggests_close_ids_or_prefixes(value: str, close: tuple[str, ...]) -> None:
    with pytest.raises(UnknownValueError) as caught:
        query.find_record(DB, value)
    assert caught.value.close == close


def test_detail_cites_sources_in_full_and_follows_relations_both_ways() -> None:
    kind, record = query.find_record(DB, "change-5-return")
    shown = query.detail(DB, kind, record)
    assert list(shown)[:2] == ["kind", "id"] and shown["kind"] == "milestone"
    assert [c["author"] for c in shown["citations"]] == ["Author A"]
    relations = {(r["relation"], r["id"]) for r in shown["relations"]}
    assert relations == {
        ("said here", "meeting-2021-02"),
        ("said here", "s-coop"),
        ("program", "change"),
        ("related", "m-5"),
    }
    kind, record = query.find_record(DB, "m-5")
    back = [(r["relation"], r["id"]) for r in query.detail(DB, kind, record)["relations"]]
    assert ("related", "change-5-return") in back and ("lunar step", "step-three") in back


def test_an_occasion_lists_its_statements() -> None:
    kind, record = query.find_record(DB, "meeting-2021-02")
    assert kind is Kind.occasion
    relations = [(r["relation"], r["kind"], r["id"]) for r in query.relations(DB, kind, record)]
    assert ("statement made here", "statement", "s-coop") in relations


def test_a_source_lists_what_cites_it_and_cites_nothing() -> None:
    kind, record = query.find_record(DB, "src-b")
    shown = query.detail(DB, kind, record)
    assert shown["citations"] == []
    cited_by = {r["id"] for r in shown["relations"] if r["relation"] == "cited by"}
    assert cited_by == {"message-2024-06", "change-6-return", "crewed-landing", "s-peace"} | {
        "m-6",
        "m-lanyue",
    }


def test_an_exact_id_wins_over_a_folded_match() -> None:
    # "a-1" and "a1" fold alike; each must still find itself, and a folded form the first
    names = {"a1": "a-1"}
    assert query.lookup("topic", "a1", names, ["a-1", "a1"]) == "a1"
    assert query.lookup("topic", "a-1", names, ["a-1", "a1"]) == "a-1"
    assert query.lookup("topic", "A 1", names, ["a-1", "a1"]) == "a-1"


def test_find_kind_takes_singular_or_plural_in_any_case() -> None:
    kinds = (Kind.milestone, Kind.statement, Kind.mission)
    assert query.find_kind("Milestones", kinds) is Kind.milestone
    assert query.find_kind("statement", kinds) is Kind.statement
    with pytest.raises(UnknownValueError) as caught:
        query.find_kind("milestne", kinds)
    assert caught.value.close == ("milestone",)


# --- on this day ---------------------------------------------------------------------------


def test_parse_day_takes_the_year_from_today_unless_given() -> None:
    today = "2026-11-25"
    assert parse_day("04-24", today) == (2026, 4, 24)
    assert parse_day("1999-04-24", today) == (1999, 4, 24)
    assert parse_day("02-29", today) == (2026, 2, 29)  # an anniversary in any year
    for bad in ("13-01", "2023-02-29", "04/24", "24", "", "april", "00-10"):
        with pytest.raises(BadValueError):
            parse_day(bad, today)


def test_on_this_day_counts_years_from_the_given_year() -> None:
    found = query.on_this_day(DB, 2026, 4, 24)
    assert [(r["id"], r["years_ago"]) for r in found] == [("dfh-1", 56)]
    assert query.on_this_day(DB, 2026, 4, 25) == []
    assert ids(query.on_this_day(DB, 2026, 4, 25, window=1)) == ["dfh-1"]
    assert ids(query.on_this_day(DB, 2026, 4, 26, window=3)) == ["dfh-1", "tianhe-launch"]


def test_on_this_day_month_precision_only_with_whole_month() -> None:
    assert query.on_this_day(DB, 2026, 12, 1) == []
    found = query.on_this_day(DB, 2026, 12, 1, whole_month=True)
    assert [(r["kind"], r["id"], r["years_ago"]) for r in found] == [
        ("milestone", "change-5-return", 6)
    ]


def test_nearest_anniversaries_before_and_after() -> None:
    near = query.nearest_anniversaries(DB, 2026, 5, 1)
    assert [(r["id"], r["date"]) for r in near] == [
        ("tianhe-launch", "2021-04-29"),
        ("m-6", "2024-05-03"),
    ]


# --- random and stats ----------------------------------------------------------------------


def test_pick_is_repeatable_with_a_seed_and_respects_filters() -> None:
    assert query.pick(DB, seed=3) == query.pick(DB, seed=3)
    picks = {query.pick(DB, seed=n)[1]["id"] for n in range(80)}
    assert picks == {r["id"] for k in (Kind.milestone, Kind.statement, Kind.mission)
                     for r in DB.select(k)}  # fmt: skip
    kind, record = query.pick(DB, [Kind.statement], ["peace"], seed=1)
    assert (kind, record["id"]) == (Kind.statement, "s-peace")
    with pytest.raises(BadValueError, match="--topic"):
        query.pick(DB, [Kind.mission], ["peace"])


def test_stats_count_kinds_programs_statuses_topics_and_decades() -> None:
    counts = {(r["group"], r["value"]): r["count"] for r in query.stats(DB)}
    assert counts[("kind", "milestone")] == 5
    assert counts[("kind", "statement")] == 3
    assert counts[("kind", "occasion")] == 2
    assert counts[("program", "change")] == 2
    assert counts[("status", "done")] == 4 and counts[("status", "planned")] == 1
    assert counts[("topic", "cooperation")] == 3
    decades = {v: n for (g, v), n in counts.items() if g == "decade"}
    assert decades == {"1970s": 1, "2020s": 3, "2030s": 1}
    assert counts[("sources", "publishers")] == 2
