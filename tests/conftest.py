"""Shared helpers: run the CLI in-process, exactly as the console script runs it, and parse
what it prints.

The shipped fact base is compiled (and its search index built) once per session, into a cache
directory every test shares; a test that needs a cache of its own sets SPACEFACTS_CACHE_DIR.
"Today" is injected (SPACEFACTS_TODAY) so that no test depends on the clock or the time zone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spacefacts.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good.toml"
GOLDEN = Path(__file__).parent / "golden"
TODAY = "2026-12-01"  # the data's as_of: what every test takes for today unless it says


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _clean_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, shared_cache: Path
) -> None:
    """Tests see the shipped fact base, no personal file, no colour settings from the caller's
    shell, a fixed today, and the session's cache directory (never the user's)."""
    names = ("SPACEFACTS_DATA", "SPACEFACTS_PERSONAL", "NO_COLOR", "FORCE_COLOR", "TERM")
    names += ("SPACEFACTS_NO_CACHE", "CLICOLOR", "CLICOLOR_FORCE", "SPACEFACTS_LANG", "LANG")
    names += ("LC_ALL", "LC_MESSAGES", "SPACEFACTS_UPDATE_URL", "PAGER", "SPACEFACTS_PAGER")
    for name in names:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPACEFACTS_TODAY", TODAY)
    monkeypatch.setenv("SPACEFACTS_CACHE_DIR", str(shared_cache))
    # never the user's own personal file: an empty data directory of the test's own
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))


runner = CliRunner()


def run(*args: str, code: int = 0, env: dict[str, str] | None = None) -> Any:
    """Run `spacefacts ARGS`, check the exit code, return the result (stdout, stderr)."""
    result = runner.invoke(app, list(args), env=env)
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
