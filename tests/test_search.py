"""The search engine (FTS5) on the small fact base: query syntax, ranking, snippets, suggestions.

The search-quality set on the shipped fact base is in test_search_quality.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import GOOD
from spacefacts import db, factbase, query, search
from spacefacts.errors import BadValueError, UnknownValueError
from spacefacts.model import SEARCHED, Kind, fields_of
from spacefacts.text import marked_spans

FILES = [factbase.FactFile(GOOD, "test")]
DB = db.open_factbase(FILES, use_cache=False)


def ids(text: str, kinds: list[Kind] | None = None) -> list[str]:
    result = search.search(DB, text, kinds or ())
    hits, total = result.hits, result.total
    assert total == len(hits)
    return [hit["id"] for hit in hits]


# --- the query syntax ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("far side", '("far" AND "side"*)'),  # every word, the last one a prefix
        ("land", '("land"*)'),
        # a last word that may be a prefix keeps its synonyms
        ("Tianhe OR Tiangong", '("tianhe") OR (("tiangong"* OR "station"))'),
        ("Tiangong OR Tianhe", '(("tiangong" OR "station")) OR ("tianhe"*)'),  # a synonym
        ('"far side" samples', '("far side" AND "samples"*)'),  # a phrase is never a prefix
        ("Chang'e 4", '("chang e 4")'),  # a number sticks to the word before: one phrase
        ("Chang'e 4 mission", '("chang e 4" AND "mission"*)'),
        ("moon landing 2030", '(("moon" OR "lunar") AND "landing" AND "2030")'),  # a year: a word
        ("嫦娥四号", "(<嫦娥四号>)"),  # Chinese: the records its Chinese text finds (search_zh)
        ("4", '("4")'),  # a number is never a prefix: "4" is not "40"
        ("a OR", '("a")'),  # a dangling OR is dropped
        ("NEAR AND", '("near" AND "and"*)'),  # FTS5 keywords are only words here
        ('x "', '("x")'),  # an unclosed quote holds nothing
        ("landing -moon", '(("landing") NOT ("moon"))'),  # left out: that word, whole
        ("landing NOT moon", '(("landing") NOT ("moon"))'),
        ("\uff4d\uff4f\uff4f\uff4e", '(("moon"* OR "lunar"))'),  # fullwidth letters are letters
    ],
)
def test_parse_builds_a_safe_fts5_expression(text: str, expression: str) -> None:
    parsed = search.parse(text)
    assert parsed.expression(lambda word: False, lambda chinese: f"<{chinese}>") == expression


@pytest.mark.parametrize("text", ["-moon", "NOT moon", "NOT -moon OR -x"])
def test_leaving_out_needs_something_to_find(text: str) -> None:
    with pytest.raises(BadValueError, match="nothing to search for"):
        search.parse(text)


def test_a_query_is_bounded() -> None:
    with pytest.raises(BadValueError, match="at most 500"):
        search.parse("moon " * 200)
    with pytest.raises(BadValueError, match="at most 24"):
        search.parse(" ".join(f"w{n}" for n in range(30)))


@pytest.mark.parametrize("text", ["", " ", "' , '", "OR", '""', "-", "…"])
def test_nothing_to_search_for_is_a_usage_error(text: str) -> None:
    with pytest.raises(BadValueError, match="nothing to search for"):
        search.parse(text)


# --- matching and ranking ------------------------------------------------------------------


def test_index_holds_milestones_statements_and_missions() -> None:
    search.ensure_index(DB)
    rows = DB.conn.execute("SELECT kind, id FROM search ORDER BY kind, id").fetchall()
    expected = [(k.value, i) for k in SEARCHED for i in DB.ids([k])]
    assert rows == sorted(expected)
    search.ensure_index(DB)  # a second call builds nothing twice
    assert DB.conn.execute("SELECT count(*) FROM search").fetchone()[0] == len(expected)


def test_words_match_on_word_boundaries() -> None:
    assert ids("satellite") == ["dfh-1"]
    assert set(ids("side")) == {"change-6-return", "m-6", "m-5"}  # "far side", "near side"
    assert ids("arth") == []  # not inside "Earth" (no record says Earth, nor any "arth...")
    assert ids("ide") == []  # not inside "side"


def test_every_word_must_match_unless_or() -> None:
    assert ids("samples far") == ["change-6-return", "m-6"]
    result = search.search(DB, "samples satellite")
    assert result.partial and result.hits  # no record has both: those with either, said so
    assert not search.search(DB, "samples far").partial
    assert set(ids("satellite OR peace")) == {"dfh-1", "s-peace"}


def test_numbers_tell_chang_e_5_from_chang_e_6() -> None:
    five = ids("Chang'e 5")
    assert five[0] == "m-5" and "m-6" not in five and "change-6-return" not in five
    assert ids("Chang'e-6")[0] == "m-6" and "m-5" not in ids("Chang'e-6")
    assert ids("change 5")[0] == "m-5"


def test_prefix_and_stemming() -> None:
    assert "crewed-landing" in ids("land")  # "land", "landing"
    # porter: landed, landing, land are one stem ("land" is a whole word of the index, so it
    # is not a prefix; "landed" is not, so it is, and finds "lander" too)
    assert set(ids("land")) <= set(ids("landed"))
    assert ids("sample") == ids("samples")


def test_phrases_keep_their_words_together_and_in_order() -> None:
    assert ids('"far side"') == ["change-6-return", "m-6"]
    assert ids('"side far"') == []


def test_accents_case_apostrophes_and_chinese_names() -> None:
    assert ids("CHANGÉ 5")[0] == "m-5"
    assert ids("Chang’e 5")[0] == "m-5"
    # the mission named so first, then what names it in English ("Chang'e-5")
    assert ids("嫦娥五号")[0] == "m-5" and "change-5-return" in ids("嫦娥五号")
    # the start of a Chinese name: the missions named so first, then their program's records
    assert set(ids("嫦娥")[:2]) == {"m-5", "m-6"}
    assert ids("东方红一号") == ["dfh-1"]


def test_titles_and_names_rank_above_body_text() -> None:
    hits = search.search(DB, "samples").hits
    # the two milestones say "samples" in their title; the missions only in achievements
    assert [h["id"] for h in hits[:2]] == ["change-5-return", "change-6-return"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_kinds_and_limit() -> None:
    assert ids("Chang'e-5", [Kind.milestone]) == ["change-5-return"]
    result = search.search(DB, "samples", limit=1)
    hits, total = result.hits, result.total
    assert len(hits) == 1 and total == 4


def test_hits_have_the_documented_fields_and_a_marked_snippet() -> None:
    (plain,) = search.search(DB, "satellite").hits
    assert search.MARK_START not in plain["snippet"]
    (hit,) = search.search(DB, "satellite reaches", marked=True).hits
    assert tuple(hit) == fields_of("hit")
    assert (hit["kind"], hit["id"], hit["date"], hit["title"]) == (
        "milestone",
        "dfh-1",
        "1970-04-24",
        "First satellite",
    )
    text, spans = marked_spans(hit["snippet"])
    assert [text[a:b] for a, b in spans] == ["reaches"]  # marked in the summary
    assert search.plain_snippet(hit["snippet"]) == text
    assert search.MARK_START not in text


def test_statement_hits_are_titled_by_speaker() -> None:
    (hit,) = search.search(DB, "peace").hits
    assert (hit["kind"], hit["title"]) == (
        "statement",
        "Speaker Two: Space is for peace [and for all].",
    )


def test_matching_ids_is_what_quote_search_uses() -> None:
    assert search.matching_ids(DB, "cooperation", Kind.statement) == {"s-coop"}
    assert search.matching_ids(DB, "Speaker Two", Kind.statement) == {"s-peace"}


# --- did you mean --------------------------------------------------------------------------


def test_suggest_finds_a_word_of_the_fact_base() -> None:
    assert search.suggest(DB, "satelite") == ["satellite"]
    assert search.suggest(DB, "Tianhee") == ["tianhe"]
    assert search.suggest(DB, "satellite") == []  # known words need no suggestion
    assert search.suggest(DB, "zzzz") == []


# --- kinds ---------------------------------------------------------------------------------


def test_parse_kinds_takes_names_and_plurals() -> None:
    assert query.parse_kinds(None) == []
    assert query.parse_kinds(["Statements,mission"]) == [Kind.statement, Kind.mission]
    assert query.parse_kinds(["mission", "statement,mission"]) == [Kind.mission, Kind.statement]
    with pytest.raises(UnknownValueError) as caught:
        query.parse_kinds(["milestne"])
    assert caught.value.close == ("milestone",)
    with pytest.raises(BadValueError):
        query.parse_kinds([" , "])
    with pytest.raises(UnknownValueError):
        query.parse_kinds(["source"])  # sources are listed, not searched


# --- the index and the cache ---------------------------------------------------------------


def test_the_index_is_built_once_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPACEFACTS_CACHE_DIR", str(tmp_path))
    first = db.open_factbase(FILES)
    assert search.search(first, "satellite").total == 1
    (cached,) = tmp_path.glob("facts-*.sqlite")
    conn = sqlite3.connect(cached)
    assert conn.execute("SELECT count(*) FROM search").fetchone()[0] == 12
    conn.close()
    again = db.open_factbase(FILES)
    assert again.has_table("search") and again.has_table("name")
    assert search.search(again, "satellite").hits[0]["id"] == "dfh-1"


def test_a_read_only_cache_is_searched_with_an_index_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "facts.sqlite"
    db.compile_records(factbase.load(FILES), path).close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    read_only = db.Database(conn, FILES)
    assert search.search(read_only, "satellite").hits[0]["id"] == "dfh-1"
    assert search.suggest(read_only, "satelite") == ["satellite"]
