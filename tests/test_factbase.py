"""The loader: good files load, each broken file gives exactly its expected message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, GOOD, run
from spacefacts import factbase
from spacefacts.errors import FactBaseError
from spacefacts.model import PartialDate

BROKEN = sorted((FIXTURES / "broken").glob("*.toml"))


def base_of(path: Path) -> Path | None:
    """The base file a fixture is merged over (`# base: RELATIVE`), for cross-file problems."""
    found = re.search(rb"^# base: (.*)$", path.read_bytes(), re.M)
    return path.parent / found.group(1).decode() if found else None


def expected_lines(path: Path) -> list[str]:
    """The `# expect:` comments of a broken fixture, with {file} and {base} filled in."""
    text = path.read_text(encoding="utf-8", errors="replace")
    base = str(base_of(path))
    return [
        m.replace("{file}", str(path)).replace("{base}", base)
        for m in re.findall(r"^# expect: (.*)$", text, re.M)
    ]


def fixture_files(path: Path) -> list[factbase.FactFile]:
    base = base_of(path)
    mine = factbase.FactFile(path, str(path))
    return [factbase.FactFile(base, str(base)), mine] if base is not None else [mine]


def fixture_options(path: Path) -> list[str]:
    """Global options that load the fixture: merged over its base as the personal file."""
    base = base_of(path)
    return ["--data", str(base), "--personal", str(path)] if base else ["--data", str(path)]


def test_good_fixture_loads_every_kind() -> None:
    fb = factbase.load([factbase.FactFile(GOOD, "test")])
    assert [m.id for m in fb.milestones] == ["dfh-1", "change-5-return"]
    assert fb.milestones[0].date == PartialDate(1970, 4, 24)
    assert fb.statements[1].date is None
    assert fb.missions[0].origin == "test"


def test_shipped_fact_base_is_valid() -> None:
    fb = factbase.load([factbase.base_file()])
    assert fb.milestones and fb.statements and fb.lunar_steps and fb.missions


def test_there_is_a_broken_file_for_every_kind_of_problem() -> None:
    names = {p.stem for p in BROKEN}
    assert len(BROKEN) >= 20
    for kind in ("syntax", "not-utf8", "empty-file", "several", "duplicate-across-files"):
        assert kind in names


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_message(path: Path) -> None:
    expected = expected_lines(path)
    assert expected, f"{path.name} has no '# expect:' line"
    with pytest.raises(FactBaseError) as caught:
        factbase.load(fixture_files(path))
    assert [str(p) for p in caught.value.problems] == expected


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_through_cli(path: Path) -> None:
    result = run(*fixture_options(path), "timeline", "--json", code=3)
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected_lines(path)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_through_validate(path: Path) -> None:
    result = run(*fixture_options(path), "validate", code=3)
    assert result.stdout.splitlines() == expected_lines(path)
    n = len(expected_lines(path))
    assert result.stderr.startswith(f"spacefacts: {n} problem{'s' if n > 1 else ''} in ")


def test_several_problems_in_one_file_are_all_reported() -> None:
    path = FIXTURES / "broken" / "several.toml"
    records = json.loads(run("validate", str(path), "--json", code=3).stdout)
    assert len(records) == 8
    assert [(r["line"], r["id"], r["field"]) for r in records[:3]] == [
        (13, "s", "title"),
        (20, "m1", "summary"),
        (22, "m1", "date"),
    ]
    assert records[0] == {
        "file": str(path),
        "line": 13,
        "column": None,
        "id": "s",
        "field": "title",
        "message": "must not be empty",
    }


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    result = run("--data", str(missing), "timeline", code=3)
    assert result.stderr.strip() == f"{missing}: no such file"


def test_environment_variable_selects_the_file() -> None:
    result = run("timeline", "--json", env={"SPACEFACTS_DATA": str(GOOD)})
    assert '"dfh-1"' in result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2004", (2004, None, None)), ("2021-02", (2021, 2, None)), ("1970-04-24", (1970, 4, 24))],
)
def test_partial_dates_keep_their_precision(text: str, expected: tuple[int, ...]) -> None:
    date = PartialDate.parse(text)
    assert (date.year, date.month, date.day) == expected
    assert date.iso() == text


@pytest.mark.parametrize(
    "text", ["2021-13", "2021-2", "21-02-03", "2023-02-29", "x", "2021-02-03-04"]
)
def test_impossible_or_malformed_dates_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(text)
