"""Start-up stays cheap: what a run imports, read from `python -X importtime` (not a timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def imported(*args: str, cache_dir: Path, **extra: str) -> tuple[set[str], str]:
    """The modules `python -m spacefacts ARGS` imports, and its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPACEFACTS_")}
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


def test_timeline_json_imports_neither_rich_nor_the_other_writers(tmp_path: Path) -> None:
    modules, stdout = imported("timeline", "--json", cache_dir=tmp_path)
    assert json.loads(stdout)[0]["id"] == "dongfanghong-1-launch"
    assert "rich.table" not in modules
    assert not {m for m in modules if m == "rich" or m.startswith("rich.")}
    assert not {"csv", "tomli_w", "pydantic", "typer.rich_utils"} & modules


def test_a_cache_hit_does_not_parse_toml(tmp_path: Path) -> None:
    first, _ = imported("timeline", "--json", "--limit", "1", cache_dir=tmp_path)
    assert "tomllib" in first  # no cache yet: the fact base is parsed
    again, stdout = imported("timeline", "--json", "--limit", "1", cache_dir=tmp_path)
    assert "tomllib" not in again
    assert json.loads(stdout)[0]["date"] == "1970-04-24"


def test_the_table_for_a_terminal_imports_rich(tmp_path: Path) -> None:
    # The guard above is not vacuous: rich is found when it is used.
    modules, _ = imported("timeline", cache_dir=tmp_path, FORCE_COLOR="1")
    assert "rich.table" in modules
