"""The parsed-data cache: same answers as the TOML, rebuilt when a file changes, never trusted
when corrupt, never written for an invalid fact base, off with --no-cache."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, GOOD, run, run_json
from spacefacts import cache, factbase, query
from spacefacts.errors import FactBaseError


@pytest.fixture
def cache_dir() -> Path:
    return Path(os.environ[cache.ENV_CACHE_DIR])  # set per test by conftest


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    """A copy of the good fixture that a test may edit."""
    path = tmp_path / "facts.toml"
    shutil.copy(GOOD, path)
    return path


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.cache")) if directory.exists() else []


def test_a_cached_fact_base_answers_like_the_toml(cache_dir: Path) -> None:
    files = [factbase.base_file()]
    parsed = factbase.load(files)
    first = cache.load(files)  # parses and writes the cache
    cached = cache.load(files)  # reads it
    assert len(cache_files(cache_dir)) == 1
    assert first.index is None and cached.index is not None  # the second came from the cache
    for kind in ("sources", "topics", "programs", "milestones", "statements", "missions"):
        assert list(getattr(cached, kind)) == list(getattr(parsed, kind)), kind
    assert query.timeline(cached) == query.timeline(parsed)
    assert query.timeline(cached, "change", 2010, 2020, 2) == query.timeline(
        parsed, "change", 2010, 2020, 2
    )
    for args in [("cooperation", None, None), (None, "xi", None), (None, None, "mark on mars")]:
        assert query.statements(cached, *args) == query.statements(parsed, *args)
    assert query.topics(cached) == query.topics(parsed)
    assert query.lunar_steps(cached) == query.lunar_steps(parsed)


def test_the_cache_decodes_only_the_records_a_query_returns() -> None:
    files = [factbase.base_file()]
    cache.load(files)
    cached = cache.load(files)
    first = query.timeline(cached, limit=1)
    assert [m.id for m in first] == ["dongfanghong-1-launch"]
    decoded = [i for i in range(len(cached.milestones)) if i in cached.milestones._made]  # type: ignore[attr-defined]
    assert len(decoded) == 1


def test_the_cli_output_is_the_same_with_and_without_the_cache(cache_dir: Path) -> None:
    plain = run_json("--no-cache", "quote", "--topic", "cooperation")
    assert cache_files(cache_dir) == []  # --no-cache neither reads nor writes
    assert run_json("quote", "--topic", "cooperation") == plain  # writes the cache
    assert run_json("quote", "--topic", "cooperation") == plain  # reads it
    assert len(cache_files(cache_dir)) == 1


def test_the_environment_variable_turns_the_cache_off(cache_dir: Path) -> None:
    run("timeline", "--json", env={cache.ENV_NO_CACHE: "1"})
    assert cache_files(cache_dir) == []
    run("timeline", "--json", env={cache.ENV_NO_CACHE: "0"})  # "0" means: use it
    assert len(cache_files(cache_dir)) == 1


def test_a_changed_fact_file_is_read_again(facts: Path, cache_dir: Path) -> None:
    assert run_json("--data", str(facts), "timeline")[0]["title"] == "First satellite"
    stat = facts.stat()
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("First satellite", "Second satellite"), encoding="utf-8")
    os.utime(facts, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert run_json("--data", str(facts), "timeline")[0]["title"] == "Second satellite"
    assert len(cache_files(cache_dir)) == 1  # the stale cache file was replaced, not kept


def test_a_changed_fact_file_is_read_again_via_the_cache(facts: Path) -> None:
    files = [factbase.FactFile(facts, "mine")]
    cache.load(files)
    assert cache.load(files).milestones[0].title == "First satellite"  # a hit
    facts.write_text(facts.read_text(encoding="utf-8").replace("First", "Second"), "utf-8")
    assert cache.load(files).milestones[0].title == "Second satellite"


def test_a_file_changed_to_the_same_size_and_mtime_is_read_again(facts: Path) -> None:
    run_json("--data", str(facts), "timeline")
    stat = facts.stat()
    text = facts.read_text(encoding="utf-8")
    edited = text.replace("First satellite", "First Satellite")
    assert len(edited) == len(text)
    facts.write_text(edited, encoding="utf-8")
    os.utime(facts, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert run_json("--data", str(facts), "timeline")[0]["title"] == "First Satellite"  # ctime


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty", "other-key"])
def test_a_corrupt_cache_is_ignored_and_rewritten(
    facts: Path, cache_dir: Path, damage: str
) -> None:
    expected = run_json("--data", str(facts), "timeline")
    (path,) = cache_files(cache_dir)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x40
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = bytearray(b"\x00not a cache at all" * 50)
    elif damage == "empty":
        data = bytearray()
    else:  # a sound cache file of another fact base under this file's name
        run_json("timeline")
        other = next(p for p in cache_files(cache_dir) if p != path)
        data = bytearray(other.read_bytes())
    path.write_bytes(bytes(data))
    assert run_json("--data", str(facts), "timeline") == expected
    assert cache.load([factbase.FactFile(facts, str(facts))]).index is not None  # rewritten


def test_an_invalid_fact_base_is_never_cached(cache_dir: Path) -> None:
    broken = FIXTURES / "broken" / "bad-date.toml"
    result = run("--data", str(broken), "timeline", code=3)
    assert "is not a day of the calendar" in result.stderr
    assert cache_files(cache_dir) == []


def test_a_file_that_breaks_after_caching_reports_its_problems(facts: Path) -> None:
    run_json("--data", str(facts), "timeline")
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace('date = "1970-04-24"', 'date = "1970-02-30"'), encoding="utf-8")
    result = run("--data", str(facts), "timeline", code=3)
    assert "'1970-02-30' is not a day of the calendar" in result.stderr
    with pytest.raises(FactBaseError):
        cache.load([factbase.FactFile(facts, str(facts))])


def test_an_unwritable_cache_directory_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(cache.ENV_CACHE_DIR, str(blocker / "cache"))  # cannot be created
    result = run("timeline", "--json", "--limit", "1")
    assert result.stderr == ""
    assert json.loads(result.stdout)[0]["id"] == "dongfanghong-1-launch"


def test_the_cache_lives_in_the_xdg_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cache.ENV_CACHE_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "spacefacts"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, per the spec
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "spacefacts"


def test_the_search_index_is_cached_on_the_first_search_and_answers_alike(
    facts: Path, cache_dir: Path
) -> None:
    run_json("--data", str(facts), "timeline")
    assert not list(cache_dir.glob("*.search"))  # a run that does not search does not build it
    fresh = run_json("--data", str(facts), "search", "samples")
    (written,) = cache_dir.glob("*.search")
    assert run_json("--data", str(facts), "search", "samples") == fresh
    assert written.stat().st_mtime_ns == next(cache_dir.glob("*.search")).stat().st_mtime_ns
    assert fresh == run_json("--no-cache", "--data", str(facts), "search", "samples")
    assert [h["id"] for h in fresh][:1] == ["change-5-return"]


def test_the_search_index_follows_a_changed_file_and_ignores_corruption(
    facts: Path, cache_dir: Path
) -> None:
    assert run("--data", str(facts), "search", "orbiter", "--json").stdout == "[]\n"
    facts.write_text(facts.read_text().replace("First satellite", "First orbiter"))
    hits = run_json("--data", str(facts), "search", "orbiter")
    assert [(h["id"], h["title"]) for h in hits] == [("dfh-1", "First orbiter")]
    (written,) = cache_dir.glob("*.search")
    data = bytearray(written.read_bytes())
    data[len(data) // 2] ^= 0xFF
    written.write_bytes(bytes(data))
    assert [h["id"] for h in run_json("--data", str(facts), "search", "orbiter")] == ["dfh-1"]


def test_quote_search_reads_the_folded_texts_of_the_search_index(
    facts: Path, cache_dir: Path
) -> None:
    expected = run_json("--no-cache", "--data", str(facts), "quote", "--search", "PEACE")
    assert [s["id"] for s in expected] == ["s-peace"]
    run_json("--data", str(facts), "timeline")  # writes the fact base's cache only
    assert run_json("--data", str(facts), "quote", "--search", "PEACE") == expected
    assert list(cache_dir.glob("*.search"))  # built by the first text search, then kept
    assert run_json("--data", str(facts), "quote", "--search", "PEACE") == expected
