"""Start-up stays cheap: what a run imports, read from `python -X importtime` (not a timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RICH = "rich"
WRITERS = {"csv", "tomli_w"}
NEVER = {"pydantic", "typer.rich_utils", "markdown_it", "pygments"}


def imported(*args: str, cache_dir: Path, **extra: str) -> tuple[set[str], str]:
    """The modules `python -m spacefacts ARGS` imports, and its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPACEFACTS_")}
    env = {k: v for k, v in env.items() if k not in ("FORCE_COLOR", "NO_COLOR", "PYTHONPATH")}
    env |= {"SPACEFACTS_CACHE_DIR": str(cache_dir), **extra}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "spacefacts", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    modules = {
        line.split("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "[us]" not in line
    }
    assert "spacefacts.cli" in modules  # the parse works: a run imports the CLI
    return modules, done.stdout


def _rich(modules: set[str]) -> set[str]:
    return {m for m in modules if m == RICH or m.startswith(RICH + ".")}


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["timeline", "--help"]])
def test_version_and_help_import_no_rich_and_read_no_fact_file(
    args: list[str], tmp_path: Path
) -> None:
    modules, stdout = imported(*args, cache_dir=tmp_path)
    assert stdout.startswith("spacefacts ") or "Usage:" in stdout
    assert not _rich(modules)
    assert not {"tomllib", "spacefacts.search", *WRITERS, *NEVER} & modules
    assert list(tmp_path.iterdir()) == []  # no fact base compiled for them


def test_timeline_json_imports_neither_rich_nor_the_other_writers(tmp_path: Path) -> None:
    modules, stdout = imported("timeline", "--json", cache_dir=tmp_path)
    assert json.loads(stdout)[0]["id"] == "dongfanghong-1-launch"
    assert not _rich(modules)
    assert not {*WRITERS, *NEVER, "spacefacts.search"} & modules


def test_a_cache_hit_does_not_parse_toml(tmp_path: Path) -> None:
    first, _ = imported("timeline", "--json", "--limit", "1", cache_dir=tmp_path)
    assert "tomllib" in first  # no cache yet: the fact base is parsed
    again, stdout = imported("timeline", "--json", "--limit", "1", cache_dir=tmp_path)
    assert "tomllib" not in again
    assert json.loads(stdout)[0]["date"] == "1970-04-24"


def test_search_json_imports_no_rich(tmp_path: Path) -> None:
    modules, stdout = imported("search", "far side", "--json", cache_dir=tmp_path)
    assert json.loads(stdout)
    assert "spacefacts.search" in modules and not _rich(modules)


def test_a_piped_table_is_written_without_rich(tmp_path: Path) -> None:
    modules, stdout = imported("timeline", "--limit", "2", cache_dir=tmp_path)
    assert stdout.splitlines()[1].startswith("1970-04-24")
    assert not _rich(modules)


def test_the_table_for_a_terminal_imports_rich(tmp_path: Path) -> None:
    # The guards above are not vacuous: rich is found when it is used.
    modules, _ = imported("timeline", cache_dir=tmp_path, FORCE_COLOR="1")
    assert "rich.table" in modules
    csv_modules, _ = imported("timeline", "--format", "csv", cache_dir=tmp_path)
    assert "csv" in csv_modules


NETWORK = {"urllib.request", "http.client", "socket", "ssl", "spacefacts.update"}


@pytest.mark.parametrize(
    "args", [["timeline", "--json"], ["search", "moon", "--json"], ["show", "change-6"]]
)
def test_no_command_but_update_imports_the_network(tmp_path: Path, args: list[str]) -> None:
    modules, _ = imported(*args, cache_dir=tmp_path)
    assert modules & NETWORK == set()


def test_update_is_the_only_module_that_reaches_the_network() -> None:
    """Read from the source: only update.py imports a network client."""
    root = Path(__file__).resolve().parents[1] / "src" / "spacefacts"
    users = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith(("import urllib.request", "import http.client", "import socket"))
    }
    assert users == {"update.py"}


def test_the_modules_import_in_layers_without_a_cycle() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs"))
    try:
        import generate  # docs/generate.py draws the layers in docs/architecture.md
    finally:
        sys.path.pop(0)
    graph = generate.import_graph()
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 1:
            raise AssertionError("import cycle: " + " -> ".join((*path, name)))
        if state.get(name) != 2:
            state[name] = 1
            for imported_name in graph[name]:
                visit(imported_name, (*path, name))
            state[name] = 2

    for name in graph:
        visit(name, ())
    # the command line is on top: nothing below imports it
    assert not [
        m
        for m in graph
        if not m.startswith("spacefacts.cli")
        and any(i.startswith("spacefacts.cli") for i in graph[m])
        and m != "spacefacts.__main__"
    ]
