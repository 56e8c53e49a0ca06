"""The search index, scoring, snippets and highlighted spans, on the small fact base."""

from __future__ import annotations

import pytest

from conftest import GOOD
from spacefacts import factbase, query, search
from spacefacts.errors import BadValueError, UnknownValueError

FB = factbase.load([factbase.FactFile(GOOD, "test")])
INDEX = search.search_index(FB)


def ids(text: str, kinds: list[str] | None = None) -> list[str]:
    return [hit["id"] for hit in search.search(FB, INDEX, text, kinds)]


def test_index_holds_milestones_statements_and_missions_once_each() -> None:
    records = {"milestone": FB.milestones, "statement": FB.statements, "mission": FB.missions}
    found = [records[k][p].id for k, p in zip(INDEX.kinds, INDEX.positions, strict=True)]
    assert sorted(zip(INDEX.kinds, found, strict=True)) == [
        ("milestone", "change-5-return"),
        ("milestone", "dfh-1"),
        ("mission", "m-5"),
        ("statement", "s-coop"),
        ("statement", "s-peace"),
    ]


def test_title_and_id_matches_rank_above_body_matches() -> None:
    # "satellite": dfh-1's title ("First satellite"); no other record mentions it.
    assert ids("satellite") == ["dfh-1"]
    # "Chang'e-5": the mission's name (head) beats the milestone's summary (body).
    assert ids("Chang'e-5") == ["m-5", "change-5-return"]


def test_more_matched_words_rank_above_fewer() -> None:
    hits = search.search(FB, INDEX, "samples peace")
    scores = {h["id"]: h["score"] for h in hits}
    assert set(scores) == {"change-5-return", "m-5", "s-peace"}
    # "samples return": both words in the milestone's title beat one word in the mission's.
    both = search.search(FB, INDEX, "samples return")
    assert both[0]["id"] == "change-5-return"
    assert both[0]["score"] > both[1]["score"]


def test_short_words_count_only_inside_the_phrase() -> None:
    # "on" is inside "Cooperation" and "Dongfanghong": alone it would match nearly everything.
    assert ids("peace on") == ["s-peace"]
    assert ids("change 5")[0] == "m-5"
    assert ids("5") == ["m-5", "change-5-return"]  # a query of short words keeps them


def test_kinds_filter() -> None:
    assert ids("Chang'e-5", ["milestone"]) == ["change-5-return"]


def test_empty_query_is_refused() -> None:
    with pytest.raises(BadValueError):
        search.search(FB, INDEX, " - ' ")


def test_unknown_kind_suggests_the_closest() -> None:
    with pytest.raises(UnknownValueError) as caught:
        search.parse_kinds("milestne")
    assert caught.value.close == ("milestone",)
    assert search.parse_kinds("Statements,mission") == ["statement", "mission"]


def test_suggest_finds_a_word_of_the_fact_base() -> None:
    assert "cooperation" in INDEX.words and "chang" not in INDEX.words
    assert search.suggest(INDEX, "coperation") == ["cooperation"]
    assert search.suggest(INDEX, "cooperation") == []


@pytest.mark.parametrize("text", ["Chang’e-5 lands", "  CHANGÉ 5 ", "嫦娥 五号"])
def test_fold_words_join_to_fold(text: str) -> None:
    assert "".join(search.fold_words(text)) == query.fold(text)


def test_spans_point_back_into_the_original_text() -> None:
    text = "Chang’e-5 was launched; CHANGÉ 5 returned."
    found = search.spans(text, ["change5"])
    assert [text[a:b] for a, b in found] == ["Chang’e-5", "CHANGÉ 5"]


def test_snippet_is_a_window_around_the_first_match() -> None:
    text = ("word " * 60) + "Dongfanghong-1 lifted off. " + ("more " * 60)
    snip = search.snippet([text], ["dongfanghong1"], width=60)
    assert "Dongfanghong-1" in snip
    assert snip.startswith("…") and snip.endswith("…")
    assert len(snip) <= 62
