"""Shared helpers: run the CLI in-process and parse what it prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spacefacts.cli import app, hoist_global_options

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good.toml"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests see the shipped fact base, no personal file, no colour settings from the caller's
    shell, the real today, and a cache directory of their own (never the user's)."""
    names = ("SPACEFACTS_DATA", "SPACEFACTS_PERSONAL", "NO_COLOR", "FORCE_COLOR", "TERM")
    names += ("SPACEFACTS_NO_CACHE", "SPACEFACTS_TODAY", "CLICOLOR", "CLICOLOR_FORCE")
    for name in names:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPACEFACTS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    # never the user's own personal file: an empty data directory of the test's own
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))


runner = CliRunner()


def run(*args: str, code: int = 0, env: dict[str, str] | None = None) -> Any:
    """Run `spacefacts ARGS` as the console script parses them (global options may follow the
    command name), check the exit code, return the result (stdout, stderr)."""
    result = runner.invoke(app, hoist_global_options(list(args)), env=env)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def run_json(*args: str, env: dict[str, str] | None = None) -> Any:
    """Run `spacefacts ARGS --json` and return the parsed JSON (stderr must stay empty)."""
    result = run(*args, "--json", env=env)
    assert result.stderr == ""
    return json.loads(result.stdout)


def on_good(*args: str) -> list[str]:
    """ARGS run on the small fact base of the fixtures instead of the shipped one."""
    return ["--data", str(GOOD), *args]
