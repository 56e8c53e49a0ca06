"""Schema 3 end to end, on the small fixture: publishers, speakers and astronauts as records,
identifiers and Chinese names, `--lang zh`, what is next, your own corrections of the base
(`replaces`), version-2 files read through the upgrade, and the SQLite export for other tools.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import GOOD, on_good, run, run_json

V2_PERSONAL = """\
schema_version = 2

[[sources]]
id = "notebook"
title = "Notebook"
publisher = "Our astronomy club"

[[statements]]
id = "teacher-space"
text = "Space is for everyone."
speaker = "A. Teacher"
topics = ["peace"]
verbatim = false
sources = ["notebook"]
"""


# --- identifiers and Chinese names ---------------------------------------------------------


def test_a_mission_is_found_by_its_cospar_designator_and_chinese_name() -> None:
    for name in ("2020-099A", "嫦娥五号"):
        found = run_json(*on_good("show", name))
        assert (found[0]["id"], found[0]["cospar"], found[0]["satcat"]) == (
            "m-5",
            "2020-099A",
            99999,
        )
        assert found[0]["name_zh"] == "嫦娥五号"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cospar", '"2020-99A"', "does not look like '2023-077A'"),
        ("wikidata", '"12345"', "does not look like 'Q12345'"),
        ("satcat", '"57320"', "expected an integer"),
    ],
)
def test_identifiers_are_checked(tmp_path: Path, field: str, value: str, message: str) -> None:
    text = GOOD.read_text(encoding="utf-8").replace(
        'cospar = "2020-099A"', f'cospar = "2020-099A"\n{field} = {value}'
        if field != "cospar" else f"cospar = {value}"
    )  # fmt: skip
    if field == "satcat":
        text = text.replace("satcat = 99999\n", "")
    path = tmp_path / "facts.toml"
    path.write_text(text, encoding="utf-8")
    result = run("validate", str(path), code=3)
    assert f"m-5.{field}: " in result.stdout and message in result.stdout


def test_lang_zh_shows_chinese_names_and_json_carries_both() -> None:
    table = run(*on_good("missions", "--lang", "zh")).stdout
    assert "嫦娥五号" in table and "Chang'e-1" in table  # English where there is no Chinese name
    assert "嫦娥工程" in table  # the program too
    env = run(*on_good("missions"), env={"SPACEFACTS_LANG": "zh"}).stdout
    assert env == table
    locale = run(*on_good("missions"), env={"LANG": "zh_CN.UTF-8"}).stdout
    assert locale == table
    found = run_json(*on_good("missions", "--lang", "zh"))
    five = next(m for m in found if m["id"] == "m-5")
    assert (five["name"], five["name_zh"]) == ("Chang'e-5", "嫦娥五号")
    assert "bad" in run(*on_good("missions", "--lang", "fr"), code=2).stderr or True
    assert "--lang 'fr'" in run(*on_good("missions", "--lang", "fr"), code=2).stderr


def test_search_finds_a_chinese_name_given_in_part() -> None:
    for part in ("嫦娥五", "娥五号", "五号"):
        hits = run_json(*on_good("search", part))
        assert hits[0]["id"] == "m-5", part


# --- publishers, speakers, astronauts -----------------------------------------------------


def test_listings_of_publishers_speakers_and_astronauts() -> None:
    publishers = run_json(*on_good("publishers"))
    assert {p["id"]: p["sources"] for p in publishers} == {"publisher-a": 1, "publisher-b": 1}
    speakers = run_json(*on_good("speakers"))
    assert [(s["id"], s["statements"]) for s in speakers] == [
        ("speaker-one", 2), ("speaker-two", 1)
    ]  # fmt: skip
    (astronaut,) = run_json(*on_good("astronauts"))
    assert (astronaut["name"], astronaut["name_zh"]) == ("Yang Liwei", "杨利伟")
    by_publisher = run_json(*on_good("sources", "--publisher", "Publisher B"))
    assert [s["id"] for s in by_publisher] == ["src-b"]
    close = run(*on_good("sources", "--publisher", "publisher-x"), code=2).stderr
    assert "did you mean" in close and "'publisher-a'" in close


def test_a_statement_names_its_speaker_by_id_and_shows_the_name() -> None:
    quotes = run_json(*on_good("quote", "--speaker", "Speaker Two"))
    assert [(q["speaker"], q["speaker_name"]) for q in quotes] == [("speaker-two", "Speaker Two")]
    assert "Speaker Two" in run(*on_good("quote")).stdout
    close = run(*on_good("quote", "--speaker", "Speker Two"), code=2).stderr
    assert "did you mean 'speaker-two'" in close


def test_an_unknown_publisher_is_made_for_your_own_source(tmp_path: Path) -> None:
    personal = tmp_path / "mine.toml"
    args = ["--data", str(GOOD), "--personal", str(personal), "add", "source"]
    done = run(*args, "--title", "Club notes", "--publisher", "Our club", "--id", "club")
    assert "the publisher 'our-club' (Our club)" in done.stderr
    source = run_json("--data", str(GOOD), "--personal", str(personal), "show", "club")[0]
    assert (source["publisher"], source["publisher_name"]) == ("our-club", "Our club")
    again = run(*args, "--title", "More notes", "--publisher", "Publisher A", "--id", "more")
    assert "the publisher" not in again.stderr  # an existing one is named, by its name


# --- as of, next ---------------------------------------------------------------------------


def test_export_says_how_current_the_facts_are() -> None:
    text = run(*on_good("export")).stdout
    assert 'as_of = "2026-12-01"' in text.split("[[", 1)[0]


def test_next_lists_what_is_planned_soonest_first() -> None:
    found = run_json(*on_good("next"))
    assert [(r["kind"], r["id"], r["date"], r["overdue"]) for r in found] == [
        ("milestone", "crewed-landing", "2030", False),
        ("mission", "m-lanyue", None, False),
    ]
    last_day = run_json(*on_good("next"), env={"SPACEFACTS_TODAY": "2030-12-31"})
    assert last_day[0]["overdue"] is False  # "2030" has passed only when 2030 has
    later = {"SPACEFACTS_TODAY": "2031-01-01"}
    soon = run_json(*on_good("next"), env=later)
    assert soon[0]["id"] == "crewed-landing" and soon[0]["overdue"] is True  # revisit it
    table = run(*on_good("next"), env=later).stdout
    assert "overdue: no report yet" in table


def test_next_counts_the_days_when_the_date_is_a_day(tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace('date = "2030"', 'date = "2030-01-10"')
    path = tmp_path / "facts.toml"
    path.write_text(text, encoding="utf-8")
    found = run_json("--data", str(path), "next", env={"SPACEFACTS_TODAY": "2030-01-01"})
    assert (found[0]["id"], found[0]["in_days"]) == ("crewed-landing", 9)
    assert (
        "in 9 days"
        in run("--data", str(path), "next", env={"SPACEFACTS_TODAY": "2030-01-01"}).stdout
    )


# --- your corrections of the base -----------------------------------------------------------


def test_a_personal_record_replaces_a_shipped_one_explicitly(tmp_path: Path) -> None:
    personal = tmp_path / "mine.toml"
    personal.write_text(
        'schema_version = 3\n[[milestones]]\nid = "dfh-1"\nreplaces = "dfh-1"\n'
        'date = "1970-04-24"\ntitle = "First satellite, corrected"\nsummary = "Mine."\n'
        'program = "dongfanghong"\nsources = ["src-a"]\n',
        encoding="utf-8",
    )
    base = ["--data", str(GOOD), "--personal", str(personal)]
    (record,) = run_json(*base, "show", "dfh-1")
    assert (record["title"], record["origin"]) == ("First satellite, corrected", "personal")
    assert len([m for m in run_json(*base, "timeline") if m["id"] == "dfh-1"]) == 1
    listed = run(*base, "validate")
    assert "dfh-1.replaces: note: replaces the base fact base's record" in listed.stdout
    assert listed.stderr.startswith("spacefacts: 2 files")
    assert listed.stderr.endswith(", no problems, 1 note\n")  # a note, not a warning


def test_replaces_must_name_the_records_own_id(tmp_path: Path) -> None:
    personal = tmp_path / "mine.toml"
    personal.write_text(
        'schema_version = 3\n[[topics]]\nid = "my-topic"\nreplaces = "peace"\ndescription = "x"\n',
        encoding="utf-8",
    )
    result = run("--data", str(GOOD), "--personal", str(personal), "validate", code=3)
    assert "my-topic.replaces: must be the record's own id" in result.stdout


def test_edit_of_a_shipped_record_makes_a_replacing_copy(tmp_path: Path) -> None:
    personal = tmp_path / "mine.toml"
    editor = tmp_path / "editor.sh"
    editor.write_text(
        '#!/bin/sh\nsed -i \'s/^title = "First satellite"/title = "First satellite!"/\' "$1"\n'
    )
    editor.chmod(0o755)
    base = ["--data", str(GOOD), "--personal", str(personal)]
    done = run(*base, "edit", "dfh-1", env={"EDITOR": str(editor)})
    assert "saved 'dfh-1'" in done.stderr
    assert 'replaces = "dfh-1"' in personal.read_text(encoding="utf-8")
    (record,) = run_json(*base, "show", "dfh-1")
    assert (record["title"], record["origin"]) == ("First satellite!", "personal")
    # other records still point to dfh-1: removing your copy brings the base record back
    removed = run(*base, "remove", "dfh-1")
    assert "the base record 'dfh-1' is used again" in removed.stderr
    (record,) = run_json(*base, "show", "dfh-1")
    assert (record["title"], record["origin"]) == ("First satellite", str(GOOD))


# --- version 2 files ------------------------------------------------------------------------


def test_a_version_2_personal_file_is_read_and_written_back_in_version_3(tmp_path: Path) -> None:
    personal = tmp_path / "mine.toml"
    personal.write_text(V2_PERSONAL, encoding="utf-8")
    base = ["--data", str(GOOD), "--personal", str(personal)]
    (quote,) = run_json(*base, "quote", "--speaker", "teacher")
    assert quote["speaker_name"] == "A. Teacher"
    assert "read as version 3" in run(*base, "validate").stdout
    run(*base, "add", "topic-free-milestone-check", code=2)  # no such subcommand: unchanged
    run(*base, "remove", "teacher-space")
    text = personal.read_text(encoding="utf-8")
    assert "schema_version = 3" in text and 'name = "Our astronomy club"' in text
    assert run(*base, "validate").stdout == ""


# --- the SQLite export ----------------------------------------------------------------------


def test_the_sqlite_export_is_ready_for_other_tools(tmp_path: Path) -> None:
    target = tmp_path / "facts.db"
    run(*on_good("export", "--format", "sqlite", str(target)))
    conn = sqlite3.connect(target)
    declared = {row[1]: row[2] for row in conn.execute("PRAGMA table_info(mission)")}
    assert declared["satcat"] == "INTEGER" and declared["cospar"] == "TEXT"
    assert declared["crew"] == "JSON" and declared["name_zh"] == "TEXT"
    row = conn.execute(
        "SELECT cospar, satcat, typeof(satcat), name_zh FROM mission WHERE id = 'm-5'"
    )
    assert row.fetchone() == ("2020-099A", 99999, "integer", "嫦娥五号")
    assert json.loads(
        conn.execute("SELECT achievements FROM mission WHERE id = 'm-5'").fetchone()[0]
    )
    hits = conn.execute(
        "SELECT m.id FROM milestone_fts f JOIN milestone m ON m.seq = f.rowid "
        "WHERE milestone_fts MATCH 'samples' ORDER BY m.id"
    ).fetchall()
    assert hits == [("change-5-return",), ("change-6-return",)]
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    assert "key" not in meta and "files" not in meta and all(meta.values())
    views = conn.execute("SELECT count(*) FROM sqlite_master WHERE type IN ('view', 'trigger')")
    assert views.fetchone()[0] == 0
