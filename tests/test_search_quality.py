"""Search quality on the shipped fact base: what must come first, be found, and never be found.

Each row is a query as a person types it (issue 8's examples among them). Add a row whenever a
search disappoints; the table is the specification of "finds the right thing".
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from conftest import run, run_json

ALL = "1000"  # --limit: every hit


def hits(*words: str) -> list[dict[str, Any]]:
    return run_json("search", *words, "--limit", ALL)


def ids(*words: str) -> list[str]:
    return [h["id"] for h in hits(*words)]


def text_of(ident: str) -> str:
    """Everything the index holds of a record: its fields' text, its id as words."""
    (record,) = run_json("show", ident, "--fields", "id,kind")
    (full,) = run_json("show", ident)
    values: list[str] = [record["id"].replace("-", " ")]
    if full.get("program"):  # the index holds the program's name and aliases too
        (program,) = run_json("show", full["program"])
        values += [program["name"], *program["aliases"]]
    for name, value in full.items():
        if name in ("citations", "relations", "sources", "origin"):
            continue
        if isinstance(value, list):
            values += [str(v) for v in value]
        elif value is not None:
            values.append(str(value))
    return " ".join(values)


# (query words, the id that must come first or None, ids that must be found, ids never found)
QUALITY: list[tuple[list[str], str | None, set[str], set[str]]] = [
    (
        ["far side"],
        None,
        {"change-4-far-side-landing", "change-6-far-side-landing"},
        {"dongfanghong-1-launch"},
    ),
    (["Chang'e 4 mission"], "change-4", set(), set()),
    (["chang", "e", "4"], "change-4", {"change-4-launch", "change-4-far-side-landing"}, set()),
    (["Chang'e-4"], "change-4", {"change-4-far-side-landing"}, {"change-5", "change-5-mission"}),
    (["嫦娥四号"], "change-4", set(), {"change-5", "change-3"}),
    (["嫦娥五号"], "change-5", set(), {"change-4"}),
    (["Chang’e 5"], "change-5", {"change-5-mission"}, {"change-4"}),
    (["CHANGÉ-5"], "change-5", set(), set()),
    (["东方红一号"], "dongfanghong-1-launch", set(), set()),
    (["Zhurong"], None, {"zhurong-rover-named", "first-mars-landing"}, set()),
    (["Tianwen-1"], "tianwen-1", {"tianwen-1-launch"}, {"tianwen-2"}),
    (["Tiangong OR Tianhe"], None, {"tianhe-launch", "tiangong-1"}, set()),
    (["Tiangong", "OR", "Tianhe"], None, {"tianhe-launch", "tiangong-1"}, set()),
    (["land"], None, {"change-3-landing", "first-mars-landing"}, set()),
    (["landed"], None, {"change-3-landing", "first-mars-landing"}, set()),
    (['"far side" sample'], None, {"change-6-return"}, {"change-4-far-side-landing"}),
    # issue 18: an exact name, alias or Chinese name ranks its record first
    (["嫦娥六号"], "change-6", {"change-6-return"}, {"change-5"}),
    (["嫦娥六"], "change-6", set(), set()),  # a Chinese name given in part (issue 19)
    (["ilrs-station"], "ilrs-station", set(), set()),
    (["International Lunar Research Station"], "ilrs-station", set(), set()),
    (["天宫二号"], "tiangong-2", set(), set()),
    (["2020-087A"], "change-5", set(), set()),  # a COSPAR designator
    # issue 18: synonyms and the questions people ask
    (["moon landing 2030"], None, {"crewed-lunar-landing-planned"}, set()),
    (["天宫"], None, {"tianhe-launch"}, set()),
    (["spacewalk"], None, {"shenzhou-7-first-spacewalk"}, set()),
]


@pytest.mark.parametrize(
    ("words", "first", "found", "never"), QUALITY, ids=[" ".join(q[0]) for q in QUALITY]
)
def test_search_quality(
    words: list[str], first: str | None, found: set[str], never: set[str]
) -> None:
    got = ids(*words)
    assert got, f"nothing found for {words}"
    if first is not None:
        assert got[0] == first, got[:5]
    assert found <= set(got), found - set(got)
    assert not never & set(got), never & set(got)


def test_chang_e_4_never_ranks_a_chang_e_5_record_in_the_top_three() -> None:
    for words in (["Chang'e 4 mission"], ["chang", "e", "4"], ["Chang'e 4"]):
        top = hits(*words)[:3]
        assert not [
            h for h in top if re.search(r"chang.?e.?5|change-5", h["id"] + h["title"], re.I)
        ]


def test_words_match_on_word_boundaries_only() -> None:
    # "side" is inside "President", "art" inside "start", "part" and "Earth": no match from those
    for word in ("art", "side", "ear"):
        found = hits(word)
        assert found, word
        pattern = re.compile(rf"(?<![^\W_]){word}", re.I)
        for hit in found:
            assert pattern.search(text_of(hit["id"])), (word, hit["id"])


def test_stemming_finds_landing_for_landed() -> None:
    landed = set(ids("landed"))
    assert landed == set(ids("landing")) == set(ids("lands"))
    only_landing = [i for i in landed if "landed" not in text_of(i).lower()]
    assert only_landing  # found through the stem, not the word itself


def test_a_quoted_phrase_keeps_its_words_together() -> None:
    phrase = ids('"space station"')
    words = ids("space", "station")
    assert phrase and set(phrase) < set(words)
    for ident in phrase:
        assert re.search(r"space\W+station", text_of(ident), re.I), ident


def test_unquoted_words_are_one_query() -> None:
    assert ids("chang", "e", "4") == ids("chang e 4")
    assert ids("far", "side") == ids("far side")


@pytest.mark.parametrize(("typo", "word"), [("Tianwenn", "tianwen"), ("landd", "land")])
def test_a_typo_gets_a_did_you_mean(typo: str, word: str) -> None:
    result = run("search", typo, "--json")
    assert json.loads(result.stdout) == []
    assert result.stderr.startswith("spacefacts: did you mean ")
    assert f"'{word}" in result.stderr


def test_a_cut_list_says_how_many_there_are() -> None:
    every = hits("land")
    assert len(every) > 10
    result = run("search", "land", "--json")
    assert len(json.loads(result.stdout)) == 10 and result.stderr == ""
    table = run("search", "land")
    assert table.stderr == f"spacefacts: showing 10 of {len(every)} (--limit to see more)\n"
    assert run("search", "land", "--limit", ALL, "--json").stderr == ""


def test_kinds_narrow_the_search() -> None:
    missions = hits("Zhurong", "--kind", "mission")
    assert missions and {h["kind"] for h in missions} == {"mission"}
    both = hits("Zhurong", "--kind", "mission,statement")
    assert {h["kind"] for h in both} <= {"mission", "statement"}


def test_a_whole_word_is_not_a_prefix_of_other_words() -> None:
    # "mars" stems to "mar"; as a prefix it would find "March" and "marks"
    for ident in ids("mars"):
        assert re.search(r"\bmar(s|tian)", text_of(ident), re.I), ident


def test_a_number_belongs_to_the_name_before_it() -> None:
    found = ids("shenzhou 1")
    assert set(found[:2]) == {"shenzhou-1", "shenzhou-1-launch"}
    assert "shenzhou-10-launch" not in found and "tiangong-1" not in found


def test_a_chinese_name_finds_what_names_it_in_english_and_or_joins_chinese_words() -> None:
    assert "change-4-far-side-landing" in ids("嫦娥四号")
    assert "shenzhou-13-landing" in ids("神舟十三号")
    both = set(ids("嫦娥 OR 天问"))
    assert set(ids("嫦娥")) <= both and set(ids("天问")) <= both


def test_lunar_base_finds_the_research_station() -> None:
    # "base" is a "research station": the ILRS among the first answers
    assert {"ilrs-station", "ilrs-china-russia-mou"} & set(ids("lunar base")[:3])


def test_a_year_finds_what_happened_that_year() -> None:
    found = hits("2019")
    assert len(found) > 10  # not only the records that spell the year out
    assert "change-4-far-side-landing" in {h["id"] for h in found}
    dated = [h for h in found if h["date"]]
    assert sum(h["date"].startswith("2019") for h in dated) / len(dated) > 0.8


def test_when_no_record_has_every_word_the_closest_are_shown_and_said() -> None:
    result = run("search", "far", "side", "xyzzyq", "--json")
    assert json.loads(result.stdout)
    assert "no record has every word: these have most of them" in result.stderr


@pytest.mark.parametrize(
    ("args", "suggested"),
    [
        (["quote", "--speaker", "Xi Jingping"], "did you mean 'xi-jinping'"),
        (["timeline", "--tag", "firsts"], "did you mean 'first'"),
        (["quote", "--occasion", "Shenzhou-21"], "'cmsa-2025-10-30-shenzhou-21-press-conference'"),
        (["timeline", "--program", "tiangong-station"], "did you mean 'tiangong'"),
        (["quote", "--topic", "cooperate"], "did you mean 'cooperation'"),
    ],
)
def test_a_look_up_that_finds_nothing_suggests_what_exists(args: list[str], suggested: str) -> None:
    assert suggested in run(*args, code=2).stderr


PROGRAMS_ZH = [("天宫", "tiangong"), ("嫦娥", "change"), ("天问", "tianwen"), ("神舟", "shenzhou")]


@pytest.mark.parametrize(("name", "program"), PROGRAMS_ZH)
def test_programs_answer_to_their_chinese_names(name: str, program: str) -> None:
    found = run_json("timeline", "--program", name)
    assert found and {m["program"] for m in found} == {program}


def test_a_speaker_answers_to_the_chinese_name() -> None:
    said = run_json("quote", "--speaker", "习近平")
    assert said and {s["speaker"] for s in said} == {"xi-jinping"}
