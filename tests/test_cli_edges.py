"""Edges found by review: each a behaviour a user met, and the answer it must give."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOOD, on_good, run, run_json
from spacefacts.model import detail_fields


@pytest.mark.parametrize("seed", range(6))
def test_random_has_the_shape_of_show_for_the_kind_it_picked(seed: int) -> None:
    (picked,) = run_json("random", "--seed", str(seed))
    assert tuple(picked) == detail_fields(picked["kind"])
    assert picked == run_json("show", picked["id"])[0]


def test_an_added_record_has_its_counts(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    result = run(
        "--personal", str(mine), "add", "source", "--title", "Mine", "--publisher", "Me",
        "--dry-run", "--json",
    )  # fmt: skip
    (added,) = json.loads(result.stdout)
    assert (added["cited_by"], added["publisher"], added["publisher_name"]) == (0, "me", "Me")
    # a publisher nobody knew is added with it, and the user is told
    assert result.stderr == f"spacefacts: would add the publisher 'me' (Me) to {mine}\n"
    assert not mine.exists()


@pytest.mark.parametrize("args", [["timeline"], ["search", "far"]])
def test_limit_zero_is_a_usage_error(args: list[str]) -> None:
    assert "--limit" in run(*args, "--limit", "0", code=2).stderr


def test_since_after_until_is_a_usage_error() -> None:
    result = run("timeline", "--since", "2025", "--until", "2020", code=2)
    assert result.stderr == "spacefacts: error: --since 2025 is after --until 2020\n"


@pytest.mark.parametrize(
    "args",
    [["--bom"], ["--kind", "milestone"], ["--program", "change"], ["--json", "--format", "csv"]],
)
def test_export_options_that_do_not_go_together_are_refused(args: list[str]) -> None:
    assert run("export", *args, code=2).stdout == ""


def test_a_wrong_clock_still_reads_the_fact_base_and_validate_says_why() -> None:
    env = {"SPACEFACTS_TODAY": "1999-01-01"}
    assert run_json(*on_good("timeline"), env=env)
    assert (
        "is after today (1999-01-01)"
        in run("--data", str(GOOD), "validate", code=3, env=env).stdout
    )


def test_export_to_a_full_stdout_is_exit_1_like_every_command(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "spacefacts", "--data", str(GOOD), "export", "--format", "ics"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
            env={"SPACEFACTS_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    assert done.returncode == 1
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr


def test_characters_beyond_the_basic_plane_stay_in_the_chart(tmp_path: Path) -> None:
    data = tmp_path / "facts.toml"
    data.write_text(
        GOOD.read_text(encoding="utf-8").replace('name = "Dongfanghong"', 'name = "DFH 🚀 𠀀"'),
        encoding="utf-8",
    )
    text = run("--data", str(data), "chart", "--width", "60").stdout
    assert "DFH 🚀 𠀀" in text
    svg = run("--data", str(data), "chart", "--format", "svg").stdout
    assert "DFH 🚀 𠀀" in svg
    json.dumps(svg)  # plain text, no surrogates


def test_export_takes_the_file_as_an_argument_too(tmp_path: Path) -> None:
    import sqlite3

    target = tmp_path / "facts.db"
    run("--data", str(GOOD), "export", "--format", "sqlite", str(target))
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT id FROM milestone ORDER BY date LIMIT 1").fetchone() == (
            "dfh-1",
        )


def test_csv_export_into_a_new_directory(tmp_path: Path) -> None:
    run("--data", str(GOOD), "export", "--format", "csv", "--output", str(tmp_path / "new"))
    assert (tmp_path / "new" / "milestones.csv").read_text(encoding="utf-8").startswith("id,")


def test_validate_checks_a_personal_file_over_the_base(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        'schema_version = 3\n[[publishers]]\nid = "me"\nname = "Me"\n'
        '[[sources]]\nid = "mine"\ntitle = "T"\npublisher = "me"\n'
        '[[milestones]]\nid = "mine-1"\ndate = "2020"\ntitle = "T"\nsummary = "S."\n'
        'program = "change"\nsources = ["mine"]\n',
        encoding="utf-8",
    )
    result = run("--data", str(GOOD), "--personal", str(mine), "validate", str(mine))
    assert result.stdout == "" and "no problems" in result.stderr


def test_occasions_come_in_date_order() -> None:
    dates = [o["date"] for o in run_json("occasions") if o["date"]]
    assert dates == sorted(dates)


def test_chart_takes_a_month_for_its_year() -> None:
    month = run("--data", str(GOOD), "chart", "--since", "2019-06", "--width", "60").stdout
    year = run("--data", str(GOOD), "chart", "--since", "2019", "--width", "60").stdout
    assert month == year and "1970" not in month
