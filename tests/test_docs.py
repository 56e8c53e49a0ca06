"""The documentation tells the truth: docs/ matches the code, and the README's recipes run."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import typer.main

import spacefacts.cli.manual as manual
from conftest import run
from spacefacts.cli import app as cli_app
from spacefacts.errors import ExitCode

CLI = typer.main.get_command(cli_app)  # the root command, as users run it
ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()


# --- generated docs ------------------------------------------------------------------------


def test_generated_docs_are_current() -> None:
    stale = [str(p.relative_to(ROOT)) for p in generate.outdated()]
    assert stale == [], f"out of date: {stale}; run python docs/generate.py"


def test_check_mode_fails_when_a_generated_part_is_edited(tmp_path: Path) -> None:
    text = (DOCS / "json.md").read_text(encoding="utf-8")
    edited = text.replace("| `launch_date` |", "| `launched` |")
    assert edited != text
    filled = generate.fill(edited, generate.SECTIONS["docs/json.md"], "docs/json.md")
    assert filled == text  # the generator puts the real field back: --check would see it


def test_prose_outside_the_markers_is_kept() -> None:
    markers = "<!-- [[[generated: exit-codes]]] -->\nold\n<!-- [[[end]]] -->\n"
    text = "# Title\n\nHand-written.\n\n" + markers + "After.\n"
    filled = generate.fill(text, {"exit-codes": generate.exit_codes}, "x.md")
    assert filled.startswith("# Title\n\nHand-written.\n\n")
    assert filled.endswith("<!-- [[[end]]] -->\nAfter.\n")
    assert "old" not in filled and "| 141 | `PIPE` |" in filled


def test_commands_md_has_the_help_as_the_command_prints_it() -> None:
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "spacefacts", "search", "--help"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    page = (DOCS / "commands.md").read_text(encoding="utf-8")
    block = page.split("## spacefacts search\n\n```text\n", 1)[1].split("\n```", 1)[0]
    assert block == done.stdout.rstrip()


def test_json_md_lists_every_field_of_every_kind_in_order() -> None:
    from spacefacts.model import SCHEMA, SHAPES, fields_of

    page = (DOCS / "json.md").read_text(encoding="utf-8")
    for kind in SCHEMA:
        order = ", ".join(f"`{n}`" for n in fields_of(kind.value))
        assert f"### {kind.value}\n\nFields in order: {order}." in page
    for shape in SHAPES:
        section = page.split(f"### {shape} (", 1)[1].split("###", 1)[0]
        found = re.findall(r"^\| `(\w+)` \|", section, re.M)
        assert found == list(fields_of(shape))


def test_the_schema_example_is_a_valid_personal_file(tmp_path: Path) -> None:
    page = (DOCS / "schema.md").read_text(encoding="utf-8")
    example = page.split("```toml\n", 1)[1].split("```", 1)[0]
    personal = tmp_path / "facts.toml"
    personal.write_text(example, encoding="utf-8")
    run("--personal", str(personal), "validate")
    shown = run("--personal", str(personal), "show", "engineer-2025-09-far-side", "--json")
    import json

    record = json.loads(shown.stdout)[0]
    assert (record["date"], record["occasion"]) == ("2025-09-15", "class-talk-2025-09-15")


# --- every command is documented -------------------------------------------------------------

ENTRIES = list(manual.walk(CLI))
LEAVES = [e for e in ENTRIES if not e.is_group]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_every_command_has_help(entry: manual.Entry) -> None:
    assert (entry.command.help or "").strip(), f"{entry.name} has no help text"


@pytest.mark.parametrize("entry", LEAVES, ids=lambda e: e.name)
def test_every_command_has_examples_of_itself(entry: manual.Entry) -> None:
    found = manual.examples(entry)
    assert found, f"{entry.name} has no example epilog"
    for line in found:
        assert re.match(rf"^(\w+=\S+ )*{re.escape(entry.name)}\b", line), line


def test_every_option_has_help() -> None:
    missing = [
        (entry.name, names)
        for entry in ENTRIES
        for names, help_text in manual.options(entry)
        if not help_text.strip()
    ]
    assert missing == []


# --- the man page ----------------------------------------------------------------------------


def test_man_prints_roff_with_every_command() -> None:
    page = run("man").stdout
    assert page.startswith(".TH SPACEFACTS 1 ")
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXIT STATUS"):
        assert f"\n.SH {section}\n" in page
    for section in ("ENVIRONMENT", "FILES", "EXAMPLES"):
        assert f"\n.SH {section}\n" in page
    titles = re.findall(r'^\.SS "(.+?) \[', page, re.M)
    assert titles == [e.name.replace("-", "\\-") for e in ENTRIES[1:]]
    assert {"timeline", "add milestone", "man", "export"} <= {t[11:] for t in titles}


def test_man_page_lists_the_environment() -> None:
    page = manual.page(CLI)
    for name in (
        "SPACEFACTS_DATA", "SPACEFACTS_PERSONAL", "SPACEFACTS_CACHE_DIR", "SPACEFACTS_NO_CACHE",
        "SPACEFACTS_NO_PAGER", "SPACEFACTS_PAGER", "SPACEFACTS_LOCK_TIMEOUT", "SPACEFACTS_TODAY",
        "NO_COLOR", "FORCE_COLOR", "CLICOLOR",
    ):  # fmt: skip
        assert f"\\fB{name}\\fR" in page, name


def test_roff_escapes_what_would_be_read_as_requests() -> None:
    assert manual.roff(".hidden\n'quote\nC:\\dir --x") == "\\&.hidden\n\\&'quote\nC:\\edir \\-\\-x"


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_groff_formats_the_man_page_without_warnings(tmp_path: Path) -> None:
    page = tmp_path / "spacefacts.1"
    page.write_text(manual.page(CLI), encoding="utf-8")
    done = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-z", str(page)], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_exit_status_covers_every_exit_code() -> None:
    from spacefacts import __main__

    documented = {code for code, _, _ in manual.EXIT_STATUS}
    assert documented == {int(c) for c in ExitCode} | {__main__.PIPE}
    assert {name for _, name, _ in manual.EXIT_STATUS} >= {c.name for c in ExitCode}


# --- the README ------------------------------------------------------------------------------

QUICK_START = ("pip install . && spacefacts timeline", 'pip install ".[test]" && pytest')
RECIPES = (
    "A year's events",
    "Every quote on peace, into a spreadsheet",
    "Loop over ids in a script",
    "Search",
    "On this day",
    "The lunar program",
    "The chart",
    "Anniversaries in your calendar",
    "Query with SQL",
    "Add your own milestone",
)


def test_readme_has_the_quick_start_commands_verbatim() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    for command in QUICK_START:
        assert command in lines


def test_readme_is_short() -> None:
    assert README.stat().st_size < 12 * 1024


def test_readme_links_lead_to_files() -> None:
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?:docs/)?[\w./-]+)\)", text):
        assert (ROOT / target).exists(), target


def recipes() -> dict[str, str]:
    """Each recipe's heading and the shell lines of its ```sh blocks."""
    text = README.read_text(encoding="utf-8").split("## Recipes", 1)[1].split("\n## ", 1)[0]
    found = {}
    for part in text.split("\n### ")[1:]:
        heading, body = part.split("\n", 1)
        found[heading.strip()] = "\n".join(re.findall(r"```sh\n(.*?)```", body, re.S)).strip()
    return found


def test_readme_has_the_ten_recipes() -> None:
    assert list(recipes()) == list(RECIPES)


# What each recipe must leave behind or print, beyond exiting 0.
EXPECT = {
    "A year's events": ("stdout", "2024-06-25"),
    "Every quote on peace, into a spreadsheet": ("peace.csv", "id,text,speaker"),
    "Loop over ids in a script": ("stdout", '"id": "change-6"'),
    "Search": ("stdout", "change-4-far-side-landing"),
    "On this day": ("stdout", "dongfanghong-1-launch"),
    "The lunar program": ("stdout", "Sample return"),
    "The chart": ("timeline.svg", "<svg"),
    "Anniversaries in your calendar": ("anniversaries.ics", "BEGIN:VCALENDAR"),
    "Query with SQL": ("stdout", "shenzhou|"),
    "Add your own milestone": ("stdout", "club-sample-replica"),
}


@pytest.mark.parametrize("heading", RECIPES)
def test_readme_recipe_runs(heading: str, tmp_path: Path) -> None:
    script = recipes()[heading]
    assert script.startswith("spacefacts "), script
    for tool in ("jq", "sqlite3"):
        if re.search(rf"(^|\| ){tool} ", script, re.M) and shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPACEFACTS_")}
    env |= {
        "SPACEFACTS_CACHE_DIR": str(tmp_path / "cache"),
        "SPACEFACTS_PERSONAL": str(tmp_path / "personal.toml"),
        "PY": sys.executable,
    }
    prelude = 'set -euo pipefail\nspacefacts() { "$PY" -m spacefacts "$@"; }\n'
    done = subprocess.run(
        ["bash", "-c", prelude + script],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, (script, done.stderr)
    assert "Traceback" not in done.stderr
    where, wanted = EXPECT[heading]
    seen = done.stdout if where == "stdout" else (tmp_path / where).read_text(encoding="utf-8")
    assert wanted in seen, (heading, seen[:500])


def test_the_sqlite_export_of_the_recipe_is_queryable(tmp_path: Path) -> None:
    run("export", "--format", "sqlite", "--output", str(tmp_path / "facts.db"))
    conn = sqlite3.connect(tmp_path / "facts.db")
    sql = "SELECT program, count(*) FROM milestone GROUP BY program ORDER BY 2 DESC"
    counts = dict(conn.execute(sql).fetchall())
    assert counts["change"] > 10 and counts["dongfanghong"] == 1
    hits = conn.execute("SELECT id FROM search WHERE search MATCH 'landing'").fetchall()
    assert hits
