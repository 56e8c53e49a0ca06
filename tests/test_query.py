"""Pure query functions on a small fact base."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import GOOD
from spacefacts import factbase, query
from spacefacts.errors import BadValueError, UnknownValueError

FB = factbase.load([factbase.FactFile(GOOD, "test")])


@pytest.mark.parametrize("text", ["Chang'e-5", "Chang’e 5", "change5", "change 5", "CHANGÉ-5"])
def test_fold_forgives_punctuation_case_and_accents(text: str) -> None:
    assert query.fold(text) == "change5"


def test_timeline_is_chronological_and_filters_by_program_alias() -> None:
    assert [m.id for m in query.timeline(FB)] == ["dfh-1", "change-5-return"]
    assert [m.id for m in query.timeline(FB, program="嫦娥工程")] == ["change-5-return"]
    assert [m.id for m in query.timeline(FB, since=1971)] == ["change-5-return"]
    assert [m.id for m in query.timeline(FB, until=1970)] == ["dfh-1"]
    assert query.timeline(FB, limit=0) == []


def test_unknown_topic_suggests_the_closest() -> None:
    with pytest.raises(UnknownValueError) as caught:
        query.statements(FB, topic="coperation")
    assert caught.value.close == ("cooperation",)
    assert "did you mean 'cooperation'" in str(caught.value)


def test_statements_filters_combine_and_undated_sort_last() -> None:
    assert [s.id for s in query.statements(FB, topic="COOPERATION")] == ["s-coop", "s-peace"]
    assert [s.id for s in query.statements(FB, speaker="two")] == ["s-peace"]
    assert [s.id for s in query.statements(FB, speaker="speaker one")] == ["s-coop"]
    assert query.statements(FB, speaker="speak") == []  # whole names, not prefixes
    assert [s.id for s in query.statements(FB, search="PEACE")] == ["s-peace"]


def test_topics_count_statements() -> None:
    assert {t["id"]: t["statements"] for t in query.topics(FB)} == {"cooperation": 2, "peace": 1}


def test_fold_drops_exactly_what_is_not_alphanumeric() -> None:
    # fold() removes [\W_] with a regex (fast); that must be what str.isalnum() keeps.
    import re
    import sys

    pattern = re.compile(r"[\W_]")
    differ = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF
        and chr(code).isalnum() == bool(pattern.fullmatch(chr(code)))
    ]
    assert differ == []
    assert query.fold("Chang’e-5") == query.fold("CHANGE 5") == "change5"
    assert query.fold("嫦娥五号 \u2164") == "嫦娥五号v"  # NFKD: U+2164 ROMAN NUMERAL FIVE is "V"


def test_parse_day_takes_the_year_from_today_unless_given() -> None:
    today = dt.date(2026, 11, 25)
    assert query.parse_day("04-24", today) == (2026, 4, 24)
    assert query.parse_day("1999-04-24", today) == (1999, 4, 24)
    assert query.parse_day("02-29", today) == (2026, 2, 29)  # an anniversary in any year
    for bad in ("13-01", "2023-02-29", "04/24", "24", ""):
        with pytest.raises(BadValueError):
            query.parse_day(bad, today)


def test_on_this_day_counts_years_from_the_given_year() -> None:
    found = query.on_this_day(FB, 2026, 4, 24)
    assert [(r["id"], r["years_ago"]) for r in found] == [("dfh-1", 56)]
    assert query.on_this_day(FB, 2026, 12, 17) == []


def test_on_this_day_month_precision_only_with_whole_month() -> None:
    assert query.on_this_day(FB, 2021, 2, 1) == []
    found = query.on_this_day(FB, 2021, 2, 1, whole_month=True)
    assert [(r["kind"], r["id"], r["years_ago"]) for r in found] == [("statement", "s-coop", 0)]


def test_pick_is_repeatable_with_a_seed_and_respects_filters() -> None:
    assert query.pick(FB, seed=3) == query.pick(FB, seed=3)
    picks = {query.pick(FB, seed=n)[1].id for n in range(40)}  # type: ignore[index]
    assert picks == {"dfh-1", "change-5-return", "s-coop", "s-peace", "m-5"}
    kind, record = query.pick(FB, ["statement"], topic="peace", seed=1)  # type: ignore[misc]
    assert (kind, record.id) == ("statement", "s-peace")
    assert query.pick(FB, ["mission"], seed=0) == ("mission", FB.missions[0])


def test_find_record_by_id_name_or_alias_folded() -> None:
    assert query.find_record(FB, "M-5")[1].id == "m-5"
    assert query.find_record(FB, "change 5")[1].id == "m-5"  # the mission's name
    assert query.find_record(FB, "First Satellite")[1].id == "dfh-1"
    with pytest.raises(UnknownValueError) as caught:
        query.find_record(FB, "dfh1x")
    assert caught.value.close == ("dfh-1",)


def test_detail_cites_sources_in_full_and_follows_relations_both_ways() -> None:
    kind, record = query.find_record(FB, "change-5-return")
    shown = query.detail(FB, kind, record)
    assert shown["kind"] == "milestone"
    assert [c["author"] for c in shown["citations"]] == ["Author A"]
    assert [(r["relation"], r["id"]) for r in shown["relations"]] == [("related", "m-5")]
    kind, record = query.find_record(FB, "m-5")
    back = query.detail(FB, kind, record)["relations"]
    assert [(r["relation"], r["id"]) for r in back] == [
        ("lunar step", "step-one"),
        ("related", "change-5-return"),
    ]


def test_stats_count_kinds_programs_topics_and_decades() -> None:
    counts = {(r["group"], r["value"]): r["count"] for r in query.stats(FB)}
    assert counts[("kind", "milestone")] == 2
    assert counts[("kind", "statement")] == 2
    assert counts[("program", "change")] == 1
    assert counts[("topic", "cooperation")] == 2
    assert counts[("decade", "1970s")] == 1 and counts[("decade", "2020s")] == 1


def test_sources_count_every_citing_record() -> None:
    assert [(s["id"], s["cited_by"]) for s in query.sources(FB)] == [("src-a", 6)]


def test_an_exact_id_wins_over_a_folded_match() -> None:
    # "a-1" and "a1" fold alike; each must still find itself, and a folded form the first
    names = {"a1": "a-1"}
    assert query.lookup("topic", "a1", names, ["a-1", "a1"]) == "a1"
    assert query.lookup("topic", "a-1", names, ["a-1", "a1"]) == "a-1"
    assert query.lookup("topic", "A 1", names, ["a-1", "a1"]) == "a-1"
