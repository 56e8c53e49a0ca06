"""Your own records: add (every kind, --dry-run, near-duplicates, the `quote` alias), remove and
edit, each checked against the merged fact base before anything is written."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from conftest import GOOD, run, run_json


@pytest.fixture
def personal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mine.toml"
    monkeypatch.setenv("SPACEFACTS_PERSONAL", str(path))
    monkeypatch.setenv("SPACEFACTS_DATA", str(GOOD))
    return path


def _source() -> None:
    run("add", "source", "--id", "my-src", "--title", "My notes", "--publisher", "Me")


def test_add_then_remove_a_milestone(personal: Path) -> None:
    _source()
    (added,) = run_json(
        "add", "milestone", "--date", "2026-05-24", "--title", "A launch I watched",
        "--summary", "It went up.", "--program", "Chang'e", "--source", "my-src",
    )  # fmt: skip
    assert (added["id"], added["program"], added["origin"]) == (
        "a-launch-i-watched", "change", "personal",
    )  # fmt: skip
    assert "a-launch-i-watched" in [m["id"] for m in run_json("timeline")]
    result = run("remove", "a-launch-i-watched")
    assert "removed 'a-launch-i-watched'" in result.stderr
    assert "a-launch-i-watched" not in [m["id"] for m in run_json("timeline")]
    assert "my-src" in personal.read_text(encoding="utf-8")


def test_dry_run_writes_nothing(personal: Path) -> None:
    _source()
    before = personal.read_bytes()
    (shown,) = run_json(
        "add", "milestone", "--date", "2026", "--title", "Maybe", "--summary", "Not yet.",
        "--program", "change", "--source", "my-src", "--status", "planned", "--dry-run",
    )  # fmt: skip
    assert (shown["id"], shown["status"]) == ("maybe", "planned")
    assert personal.read_bytes() == before


def test_a_near_duplicate_is_warned_about(personal: Path) -> None:
    _source()
    result = run(
        "add", "milestone", "--date", "1970-04-24", "--title", "First satellites",
        "--summary", "Again.", "--program", "dongfanghong", "--source", "my-src",
    )  # fmt: skip
    assert "looks like 'dfh-1'" in result.stderr


def test_add_statement_and_its_quote_alias_and_an_occasion(personal: Path) -> None:
    _source()
    (occasion,) = run_json(
        "add", "occasion", "--name", "Class talk", "--date", "2026-05", "--source", "my-src"
    )
    for command in ("statement", "quote"):
        result = run(
            "add", command, "--text", f"Space is for everyone ({command}).",
            "--speaker", "A. Teacher", "--topic", "Peace", "--reported",
            "--occasion", occasion["id"], "--source", "my-src", "--json",
        )  # fmt: skip
        (said,) = json.loads(result.stdout)
        assert (said["date"], said["occasion"], said["topics"], said["speaker"]) == (
            "2026-05", "class-talk", ["peace"], "a-teacher",
        )  # fmt: skip
        # the first names a speaker nobody knew: it is added too, and the user told so
        added = f"spacefacts: adding the speaker 'a-teacher' (A. Teacher) to {personal}\n"
        assert (added in result.stderr) is (command == "statement")
    assert len(run_json("quote", "--occasion", "class-talk")) == 2


def test_an_unknown_source_says_how_to_add_one(personal: Path) -> None:
    result = run(
        "add", "milestone", "--date", "2026", "--title", "X", "--summary", "Y.",
        "--program", "change", "--source", "nope", code=2,
    )  # fmt: skip
    assert "spacefacts add source" in result.stderr
    assert not personal.exists()


def test_remove_refuses_base_records_unknown_ids_and_cited_sources(personal: Path) -> None:
    _source()
    run("add", "milestone", "--date", "2026", "--title", "Cites", "--summary", "S.",
        "--program", "change", "--source", "my-src")  # fmt: skip
    assert "not your personal file" in run("remove", "dfh-1", code=2).stderr
    assert "did you mean 'my-src'" in run("remove", "my-sr", code=2).stderr
    before = personal.read_bytes()
    refused = run("remove", "my-src", code=2)
    assert "'my-src' is referred to by 'cites'" in refused.stderr
    assert "nothing was written" in refused.stderr
    assert personal.read_bytes() == before


def _editor(tmp_path: Path, old: str, new: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"text = p.read_text(encoding='utf-8').replace({old!r}, {new!r})\n"
        "p.write_text(text, encoding='utf-8')\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return f"{sys.executable} {script}"


def test_edit_saves_a_valid_change_and_refuses_an_invalid_one(
    personal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _source()
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "My notes", "My better notes"))
    assert "saved 'my-src'" in run("edit", "my-src").stderr
    (shown,) = run_json("show", "my-src")
    assert shown["title"] == "My better notes"

    before = personal.read_bytes()
    monkeypatch.setenv("EDITOR", _editor(tmp_path, 'publisher = "me"', 'publisher = ""'))
    refused = run("edit", "my-src", code=2)
    assert "must not be empty" in refused.stderr and "nothing was written" in refused.stderr
    assert personal.read_bytes() == before
    # a base record is edited as your copy that replaces it: unchanged, nothing is written
    assert run("edit", "dfh-1").stderr == "spacefacts: no change\n"
    assert personal.read_bytes() == before


def test_export_only_personal_is_a_valid_fact_file(personal: Path, tmp_path: Path) -> None:
    _source()
    out = tmp_path / "mine.json"
    run("export", "--only", "personal", "--format", "json", "--output", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema_version"] == 3
    assert [s["id"] for s in doc["sources"]] == ["my-src"]
    assert os.path.getsize(out) > 0
