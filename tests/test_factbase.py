"""The loader: good files load, each broken file gives exactly its expected message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, GOOD, run, run_json
from spacefacts import factbase
from spacefacts.dates import parse_date
from spacefacts.dates import parts_of as date_parts
from spacefacts.errors import FactBaseError
from spacefacts.model import Kind, fields_of

BROKEN = sorted((FIXTURES / "broken").glob("*.toml"))


def header(path: Path, name: str) -> str | None:
    """A `# name: VALUE` line of a broken fixture (`base`, `today`), or None."""
    found = re.search(rb"^# " + name.encode() + rb": (.*)$", path.read_bytes(), re.M)
    return found.group(1).decode() if found else None


def base_of(path: Path) -> Path | None:
    """The base file a fixture is merged over (`# base: RELATIVE`), for cross-file problems."""
    base = header(path, "base")
    return path.parent / base if base else None


def today_env(path: Path) -> dict[str, str]:
    """`# today: YYYY-MM-DD`: the day the fixture's expected messages are computed on."""
    today = header(path, "today")
    return {"SPACEFACTS_TODAY": today} if today else {}


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


def load_good() -> factbase.Records:
    return factbase.load([factbase.FactFile(GOOD, "test")])


# --- the good file -------------------------------------------------------------------------


def test_good_fixture_loads_every_kind_in_file_order() -> None:
    records = load_good()
    assert all(records[kind] for kind in Kind)
    assert [m["id"] for m in records[Kind.milestone]] == [
        "dfh-1",
        "change-5-return",
        "tianhe-launch",
        "change-6-return",
        "crewed-landing",
    ]
    first = records[Kind.milestone][0]
    assert (first["date"], first["status"], first["origin"]) == ("1970-04-24", "done", "test")
    assert records[Kind.milestone][-1]["status"] == "planned"
    assert records.files == (str(GOOD),)


def test_records_have_their_kinds_json_fields_in_order() -> None:
    records = load_good()
    for kind in Kind:
        stored_names = [f.name for f in kind.spec.stored]
        for record in records[kind]:
            assert list(record)[: len(stored_names)] == stored_names
            assert set(record) <= set(fields_of(kind.value))


def test_a_statement_takes_its_date_and_milestone_from_its_occasion() -> None:
    records = load_good()
    factbase.derive(records)  # the occasion's name is a derived field (model.Derived)
    statements = {s["id"]: s for s in records[Kind.statement]}
    coop = statements["s-coop"]
    assert (coop["date"], coop["occasion"], coop["milestone"]) == (
        "2021-02-22",
        "meeting-2021-02",
        "change-5-return",
    )
    assert coop["occasion_name"] == "A meeting with the Chang'e-5 team"
    undated = statements["s-undated"]
    assert (undated["date"], undated["occasion"], undated["occasion_name"]) == (None, None, None)


def test_missing_optional_fields_have_their_defaults() -> None:
    lanyue = next(m for m in load_good()[Kind.mission] if m["id"] == "m-lanyue")
    assert lanyue["launch_date"] is None and lanyue["step"] is None
    assert lanyue["crew"] == [] and lanyue["achievements"] == []
    assert lanyue["status"] == "planned"


def test_shipped_fact_base_is_valid() -> None:
    records, problems = factbase.check([factbase.base_file()])
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert all(records[k] for k in Kind)


def test_a_byte_order_mark_is_not_data() -> None:
    path = FIXTURES / "bom.toml"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    records = factbase.load([factbase.FactFile(path, "bom")])
    assert [t["id"] for t in records[Kind.topic]] == ["peace"]
    assert run("validate", str(path)).stderr == "spacefacts: 1 file, 1 record, no problems\n"


# --- broken files: one per problem, each with its exact message ----------------------------


def test_there_is_a_broken_file_for_every_kind_of_problem() -> None:
    names = {p.stem for p in BROKEN}
    assert len(BROKEN) >= 28
    assert {
        "syntax",
        "not-utf8",
        "empty-file",
        "several",
        "duplicate-across-files",
        "unknown-occasion",
        "statement-date-differs",
        "future-not-planned",
        "uncited-source",
        "bad-status",
        "nested-list",
    } <= names


# A date after today is an error for `validate` and every write, and only a warning when the
# fact base is read: a machine whose clock is wrong must still be able to read it.
READ_BROKEN = [p for p in BROKEN if p.stem != "future-not-planned"]


@pytest.mark.parametrize("path", READ_BROKEN, ids=[p.stem for p in READ_BROKEN])
def test_broken_file_message(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in today_env(path).items():
        monkeypatch.setenv(name, value)
    expected = expected_lines(path)
    assert expected, f"{path.name} has no '# expect:' line"
    with pytest.raises(FactBaseError) as caught:
        factbase.load(fixture_files(path))
    assert [str(p) for p in caught.value.problems] == expected


@pytest.mark.parametrize("path", READ_BROKEN, ids=[p.stem for p in READ_BROKEN])
def test_broken_file_through_cli(path: Path) -> None:
    result = run(*fixture_options(path), "timeline", "--json", code=3, env=today_env(path))
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected_lines(path)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_through_validate(path: Path) -> None:
    result = run(*fixture_options(path), "validate", code=3, env=today_env(path))
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
        "severity": "error",
    }


def test_a_future_date_fails_validate_but_not_reading() -> None:
    path = FIXTURES / "broken" / "future-not-planned.toml"
    env = today_env(path)
    assert run("validate", str(path), code=3, env=env).stdout.splitlines() == expected_lines(path)
    (milestone,) = run_json(*fixture_options(path), "timeline", env=env)
    assert milestone["id"] == "m1"


def test_a_future_date_is_fine_once_marked_planned(tmp_path: Path) -> None:
    broken = FIXTURES / "broken" / "future-not-planned.toml"
    fixed = tmp_path / "planned.toml"
    fixed.write_text(
        broken.read_text().replace('program = "p"', 'program = "p"\nstatus = "planned"')
    )
    result = run("validate", str(fixed), env={"SPACEFACTS_TODAY": "2026-06-01"})
    assert result.stdout == ""
    # ... and the same file, once the day has come, fails no longer: the date is today's month
    assert run("validate", str(broken), env={"SPACEFACTS_TODAY": "2026-07-01"}).stdout == ""


def test_a_planned_date_that_has_passed_warns_without_failing(tmp_path: Path) -> None:
    broken = FIXTURES / "broken" / "future-not-planned.toml"
    planned = tmp_path / "planned.toml"
    planned.write_text(
        broken.read_text().replace('program = "p"', 'program = "p"\nstatus = "planned"')
    )
    env = {"SPACEFACTS_TODAY": "2026-09-01"}
    result = run("validate", str(planned), env=env)
    warning = "warning: planned for 2026-07, which has passed: update its status"
    assert result.stdout == f"{planned}:15: m1.date: {warning}\n"
    assert result.stderr == "spacefacts: 1 file, 4 records, no problems, 1 warning\n"
    (problem,) = json.loads(run("validate", str(planned), "--json", env=env).stdout)
    assert (problem["severity"], problem["id"], problem["field"]) == ("warning", "m1", "date")
    # a warning never stops the other commands
    timeline = json.loads(run("--data", str(planned), "timeline", "--json", env=env).stdout)
    assert [m["id"] for m in timeline] == ["m1"]


def test_a_personal_source_may_wait_to_be_cited(tmp_path: Path) -> None:
    personal = tmp_path / "mine.toml"
    personal.write_text(
        "schema_version = 3\n"
        '[[sources]]\nid = "my-book"\ntitle = "A book"\npublisher = "me"\n'
        '[[publishers]]\nid = "me"\nname = "Me"\n'
    )
    run("--data", str(GOOD), "--personal", str(personal), "timeline", "--json")
    # the same file as --data (not personal) is a fact base of its own: uncited is an error
    result = run("validate", str(personal), code=3)
    assert result.stdout == f"{personal}:3: my-book.id: no record cites this source\n"


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    result = run("--data", str(missing), "timeline", code=3)
    assert result.stderr.strip() == f"{missing}: no such file"


def test_environment_variable_selects_the_file() -> None:
    result = run("timeline", "--json", env={"SPACEFACTS_DATA": str(GOOD)})
    assert [m["id"] for m in json.loads(result.stdout)][:1] == ["dfh-1"]


# --- today and dates -----------------------------------------------------------------------


def test_today_can_be_injected(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from spacefacts import dates
    from spacefacts.errors import BadValueError

    monkeypatch.setenv("SPACEFACTS_TODAY", "2030-01-02")
    assert dates.today() == "2030-01-02"
    monkeypatch.delenv("SPACEFACTS_TODAY")
    # 2030-01-02 at 17:00 UTC is already the 3rd in Beijing (UTC+8)
    monkeypatch.setattr(dates, "now", lambda: dt.datetime(2030, 1, 2, 17, 0, tzinfo=dt.UTC))
    assert dates.today() == "2030-01-03"
    for bad in ("2030", "2030-02-30", "tomorrow"):  # not a day: an error, never ignored
        monkeypatch.setenv("SPACEFACTS_TODAY", bad)
        with pytest.raises(BadValueError, match="SPACEFACTS_TODAY"):
            dates.today()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2004", (2004, None, None)), ("2021-02", (2021, 2, None)), ("1970-04-24", (1970, 4, 24))],
)
def test_partial_dates_keep_their_precision(text: str, expected: tuple[int, ...]) -> None:
    assert parse_date(text) == text
    assert date_parts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2021-13",
        "2021-2",
        "21-02-03",
        "2023-02-29",
        "x",
        "2021-02-03-04",
        "\uff12\uff10\uff12\uff11",
    ],
)
def test_impossible_or_malformed_dates_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_a_toml_date_is_taken_but_not_a_date_time() -> None:
    import datetime as dt

    assert parse_date(dt.date(2024, 6, 25)) == "2024-06-25"
    with pytest.raises(ValueError, match="not a date-time"):
        parse_date(dt.datetime(2024, 6, 25, 14, 7))
