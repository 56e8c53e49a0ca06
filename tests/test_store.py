"""Writing: `add` checks before it writes, writes atomically under a lock; `export` loads back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOOD, run, run_json
from spacefacts import factbase, paths, store
from spacefacts.factbase import FactFile, Records
from spacefacts.model import Kind

SOURCE = ["add", "source", "--id", "my-notes", "--title", "My notes", "--publisher", "Me"]
MILESTONE = [
    "add", "milestone", "--date", "2024-06-25", "--title", "Chang'e-6 returns samples",
    "--summary", "The first samples from the far side.", "--program", "Chang'e",
    "--source", "my-notes",
]  # fmt: skip
QUOTE = [
    "add", "quote", "--text", "Space is for everyone.", "--speaker", "A. Teacher",
    "--topic", "Humanity", "--reported", "--source", "my-notes",
]  # fmt: skip

# A personal file written by hand: comments, a TOML date, an inline array, odd key order.
HAND_WRITTEN = """\
# My own facts.
schema_version = 2

[[sources]]
publisher = "Me"   # who else
title = "Notebook"
id = "notebook"
published = 2023-05-01

[[milestones]]
id = "my-first"
date = "2023"
title = "My first note"
summary = "Written by hand."
program = "change"
sources = ["notebook"]
tags = ["a", "b"]
"""


@pytest.fixture
def personal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The personal file of this test (not created yet), selected by SPACEFACTS_PERSONAL."""
    path = tmp_path / "mine" / "facts.toml"
    monkeypatch.setenv("SPACEFACTS_PERSONAL", str(path))
    return path


def load_personal(path: Path) -> Records:
    return factbase.load([factbase.base_file(), FactFile(path, "personal")])


def without_origin(records: Records) -> dict[str, list[dict[str, object]]]:
    """Every record as its raw table, so fact bases from different files compare equal."""
    return {k.table: [store.raw_record(k, r) for r in records[k]] for k in Kind}


def line_of(path: Path, ident: str) -> int:
    """The line where the record `ident` of a fact file gives its id."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(f'id = "{ident}"') + 1


# --- validate ------------------------------------------------------------------------------


def test_validate_the_shipped_fact_base_is_clean() -> None:
    n = factbase.load([factbase.base_file()]).count()
    result = run("validate")
    assert result.stdout == ""
    assert result.stderr == f"spacefacts: 1 file, {n} records, no problems\n"
    assert run("validate", "--json").stdout == "[]\n"


def test_validate_checks_several_files_together(tmp_path: Path) -> None:
    copy = tmp_path / "copy.toml"
    copy.write_bytes(GOOD.read_bytes())
    result = run("validate", str(GOOD), str(copy), code=3)
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{copy}:6: publisher-a.id: duplicate id, already used by a publisher in {GOOD}:6"
    )
    assert f"{copy}:18: src-a.id: duplicate id, already used by a source in {GOOD}:18" in lines
    assert all(line.startswith(f"{copy}:") for line in lines)  # the first file is fine
    assert result.stderr == f"spacefacts: {len(lines)} problems in 1 of 2 files\n"


# --- add -----------------------------------------------------------------------------------


def test_add_source_milestone_and_quote_are_seen_by_every_listing(personal: Path) -> None:
    assert not personal.exists()
    run(*SOURCE)
    added = run_json(*MILESTONE)
    assert added == [
        {
            "id": "chang-e-6-returns-samples",  # made from the title
            "date": "2024-06-25",
            "title": "Chang'e-6 returns samples",
            "summary": "The first samples from the far side.",
            "program": "change",  # "Chang'e" is the program's name
            "status": "done",
            "tags": [],
            "sources": ["my-notes"],
            "aliases": [],
            "related": [],
            "outcome": None,
            "origin": "personal",
        }
    ]
    said = run(*QUOTE, "--json")
    assert said.stderr == f"spacefacts: adding the speaker 'a-teacher' (A. Teacher) to {personal}\n"
    quote = json.loads(said.stdout)[0]
    assert (quote["id"], quote["topics"], quote["verbatim"]) == (
        "a-teacher-space-is-for-everyone",
        ["humanity"],
        False,
    )
    timeline = run_json("timeline", "--since", "2024")
    mine = [m["id"] for m in timeline if m["origin"] == "personal"]
    assert mine == ["chang-e-6-returns-samples"]
    assert run_json("timeline")[0]["origin"] == "shipped"
    said = run_json("quote", "--speaker", "A. Teacher")
    assert [s["text"] for s in said] == ["Space is for everyone."]
    shipped = factbase.load([factbase.base_file()])[Kind.statement]
    humanity = {t["id"]: t["statements"] for t in run_json("topics")}["humanity"]
    assert humanity == sum("humanity" in s["topics"] for s in shipped) + 1  # and ours


def test_ids_made_from_the_same_title_are_unique(personal: Path) -> None:
    run(*SOURCE)
    ids = [json.loads(run(*MILESTONE, "--json").stdout)[0]["id"] for _ in range(3)]
    assert ids == [
        "chang-e-6-returns-samples",
        "chang-e-6-returns-samples-2",
        "chang-e-6-returns-samples-3",
    ]


def test_default_personal_file_is_in_the_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    run(*SOURCE)
    path = tmp_path / "spacefacts" / "facts.toml"
    assert 'id = "my-notes"' in path.read_text(encoding="utf-8")
    assert run_json("validate") == []


def test_the_personal_option_wins_over_the_environment(personal: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    run("--personal", str(other), *SOURCE)
    assert other.exists() and not personal.exists()


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", ".local/share/spacefacts/facts.toml"),
        ("darwin", "Library/Application Support/spacefacts/facts.toml"),
    ],
)
def test_platform_data_directories(
    platform: str, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", platform)
    assert paths.personal_file() == tmp_path / expected


def test_an_invalid_record_is_rejected_and_nothing_is_written(personal: Path) -> None:
    run(*SOURCE)
    before = personal.read_bytes()
    result = run(*MILESTONE[:2], "--date", "2023-02-29", *MILESTONE[4:], code=2)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "spacefacts: error: chang-e-6-returns-samples.date: '2023-02-29' is not a day of the "
        "calendar",
        f"spacefacts: error: nothing was written to {personal}",
    ]
    assert personal.read_bytes() == before


def test_an_id_that_exists_names_both_files(personal: Path) -> None:
    shipped = paths.shipped_data()
    result = run(*MILESTONE[:-2], "--source", "xinhua-2022-04-24-space-dream",
                 "--id", "dongfanghong-1-launch", code=2)  # fmt: skip
    assert result.stderr.splitlines()[0] == (
        "spacefacts: error: dongfanghong-1-launch.id: duplicate id, already used by a "
        f"milestone in {shipped}:{line_of(shipped, 'dongfanghong-1-launch')}"
    )
    assert not personal.exists()


def test_a_duplicate_in_a_hand_edited_personal_file_names_both_files(personal: Path) -> None:
    personal.parent.mkdir()
    personal.write_text(
        HAND_WRITTEN.replace('id = "my-first"', 'id = "change-1-launch"'), encoding="utf-8"
    )
    result = run("timeline", code=3)
    shipped = paths.shipped_data()
    assert result.stderr == (
        f"{personal}:11: change-1-launch.id: duplicate id, already used by a milestone in "
        f"{shipped}:{line_of(shipped, 'change-1-launch')}\n"
    )


def test_unknown_names_get_a_suggestion(personal: Path) -> None:
    result = run(*QUOTE[:-2], "--source", "my-note", code=2)
    assert "unknown source 'my-note'" in result.stderr
    result = run(*SOURCE)
    result = run(*QUOTE[:6], "--topic", "humanty", *QUOTE[8:], code=2)
    assert "did you mean 'humanity'?" in result.stderr


def test_a_broken_personal_file_stops_add_and_stays_as_it_was(personal: Path) -> None:
    personal.parent.mkdir()
    broken = "schema_version = 3\n[[sources]]\nid = 'x'\n"
    personal.write_text(broken, encoding="utf-8")
    result = run(*SOURCE, code=3)
    assert result.stderr.splitlines()[0] == f"{personal}:2: x.title: missing required field"
    assert personal.read_text(encoding="utf-8") == broken


def test_existing_records_keep_their_meaning(personal: Path) -> None:
    personal.parent.mkdir()
    personal.write_text(HAND_WRITTEN, encoding="utf-8")
    before = without_origin(load_personal(personal))
    run(*MILESTONE[:-2], "--source", "notebook")
    after = without_origin(load_personal(personal))
    assert after["sources"] == before["sources"]
    assert after["milestones"][:-1] == before["milestones"]
    assert after["milestones"][-1]["id"] == "chang-e-6-returns-samples"
    assert "# My own facts." not in personal.read_text(encoding="utf-8")  # as documented


# --- export --------------------------------------------------------------------------------


def test_export_toml_loads_back_to_the_same_records(personal: Path, tmp_path: Path) -> None:
    run(*SOURCE)
    run(*MILESTONE)
    exported = tmp_path / "all.toml"
    run("export", "--output", str(exported))
    merged = load_personal(personal)
    again = factbase.load([FactFile(exported, "export")])
    assert without_origin(again) == without_origin(merged)
    shipped = factbase.load([factbase.base_file()])
    assert len(again[Kind.milestone]) == len(shipped[Kind.milestone]) + 1


def test_export_only_personal_as_json(personal: Path) -> None:
    run(*SOURCE)
    run(*MILESTONE)
    doc = json.loads(run("export", "--only", "personal", "--format", "json").stdout)
    assert doc["schema_version"] == factbase.SCHEMA_VERSION
    assert [s["id"] for s in doc["sources"]] == ["my-notes"]
    assert [m["program"] for m in doc["milestones"]] == ["change"]
    # the publisher "Me" the source named was added with it
    assert [(p["id"], p["name"]) for p in doc["publishers"]] == [("me", "Me")]
    assert set(doc) == {"schema_version", "publishers", "sources", "milestones"}


def test_export_to_stdout_is_the_same_as_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "x.toml"
    run("export", "-o", str(out))
    assert run("export").stdout == out.read_text(encoding="utf-8")


# --- failures while writing ----------------------------------------------------------------


def test_a_failed_rename_leaves_the_old_file_byte_identical(
    personal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    personal.parent.mkdir()
    personal.write_text(HAND_WRITTEN, encoding="utf-8")
    before = personal.read_bytes()

    def fail(src: str, dst: str) -> None:
        assert Path(src).read_bytes() != before  # the new file was written and is complete
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    result = run(*MILESTONE[:-2], "--source", "notebook", code=4)
    assert result.stderr == (
        f"spacefacts: adding 'chang-e-6-returns-samples' to {personal}\n"
        f"spacefacts: error: cannot write {personal}: No space left on device; "
        "the previous file is unchanged\n"
    )
    assert personal.read_bytes() == before
    assert sorted(p.name for p in personal.parent.iterdir()) == ["facts.toml", "facts.toml.lock"]


def test_export_to_an_impossible_place_exits_4(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = run("export", "--output", str(blocker / "x.toml"), code=4)
    assert result.stderr.startswith(f"spacefacts: error: cannot write {blocker / 'x.toml'}: ")
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_add_through_a_symlink_keeps_the_link(tmp_path: Path, personal: Path) -> None:
    real = tmp_path / "dotfiles" / "facts.toml"
    real.parent.mkdir()
    real.write_text(HAND_WRITTEN, encoding="utf-8")
    personal.parent.mkdir()
    personal.symlink_to(real)
    run(*SOURCE)
    assert personal.is_symlink()
    assert 'id = "my-notes"' in real.read_text(encoding="utf-8")


# Runs the CLI in a child process with one function replaced (argv[1] says which).
CHILD = """
import os, signal, sys, time
from spacefacts import fileio
if sys.argv[1] == "kill-before-rename":
    os.replace = lambda src, dst: os.kill(os.getpid(), signal.SIGKILL)
elif sys.argv[1] == "slow-write":
    real = fileio.write_atomic
    def slow(path, data):
        time.sleep(1.0)  # widen the read-modify-write window: unlocked, the adds would clash
        real(path, data)
    fileio.write_atomic = slow
from spacefacts.cli import app
app(sys.argv[2:], prog_name="spacefacts")
"""


def child(mode: str, *args: str, personal: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SPACEFACTS_PERSONAL": str(personal)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_writer_killed_before_the_rename_leaves_the_old_file(personal: Path) -> None:
    personal.parent.mkdir()
    personal.write_text(HAND_WRITTEN, encoding="utf-8")
    before = personal.read_bytes()
    proc = child("kill-before-rename", *MILESTONE[:-2], "--source", "notebook", personal=personal)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert personal.read_bytes() == before
    (left,) = personal.parent.glob(".facts.toml.*.tmp")  # the complete new file, never renamed
    assert "chang-e-6-returns-samples" in left.read_text(encoding="utf-8")
    run(*SOURCE)  # the next add cleans up and lands
    assert not list(personal.parent.glob("*.tmp"))
    assert [s["id"] for s in load_personal(personal)[Kind.source]][-2:] == ["notebook", "my-notes"]


def test_two_concurrent_adds_both_land(personal: Path) -> None:
    run(*SOURCE)
    procs = [
        child("slow-write", *MILESTONE[:5], f"Concurrent {n}", *MILESTONE[6:], personal=personal)
        for n in (1, 2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    mine = [m["id"] for m in load_personal(personal)[Kind.milestone] if m["origin"] == "personal"]
    assert sorted(mine) == ["concurrent-1", "concurrent-2"]
