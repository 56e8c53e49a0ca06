"""The CLI in a real pseudo-terminal: tables fit 60 and 80 columns, no word is cut, the id
you need for `show` is visible whole, and long output goes through the pager (issue 11)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
BOX = "╭╮╰╯│─┬┴┼├┤"


def _env(tmp_path: Path, columns: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPACEFACTS_")}
    env |= {"COLUMNS": str(columns), "LINES": "40", "TERM": "xterm-256color"}
    env |= {"SPACEFACTS_CACHE_DIR": str(tmp_path / "cache")}
    env |= {"SPACEFACTS_PERSONAL": str(tmp_path / "none.toml"), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    env |= extra
    return env


def in_terminal(args: list[str], env: dict[str, str], timeout: float = 20.0) -> str:
    """Run `spacefacts ARGS` with a pseudo-terminal as stdin, stdout and stderr."""
    main, child = pty.openpty()
    import fcntl
    import struct
    import termios

    rows, cols = int(env["LINES"]), int(env["COLUMNS"])
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "spacefacts", *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                data = os.read(main, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    process.wait(timeout=5)
    os.close(main)
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")


def _json(args: list[str], env: dict[str, str]) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "spacefacts", *args, "--json"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return list(json.loads(done.stdout))


def _words(screen: str) -> set[str]:
    cleaned = screen.translate({ord(c): " " for c in BOX})
    return set(cleaned.split())


CASES = [
    ["quote", "--topic", "peace"],
    ["timeline", "--program", "change", "--limit", "8"],
    ["search", "far", "side"],
    ["sources", "--publisher", "xinhua"],
    ["on", "06-02"],
    ["missions", "--program", "tianwen,change"],
    ["lunar"],
    ["show", "change-6"],
    ["next"],
]


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a))
def test_tables_fit_and_show_whole_ids(tmp_path: Path, columns: int, args: list[str]) -> None:
    env = _env(tmp_path, columns, SPACEFACTS_NO_PAGER="1")
    screen = in_terminal(args, env)
    lines = screen.splitlines()
    assert lines, screen
    from spacefacts.text import width

    # every line fits, but a url, printed whole for the terminal to wrap (so it stays one link)
    drawn = [line for line in lines if not line.strip().startswith(("http://", "https://"))]
    assert max(width(line) for line in drawn) <= columns, screen
    words = _words(screen)
    records = _json(args, env)
    assert records
    for record in records:
        # a step of the lunar program is shown by its number; every other record by its id
        if args == ["lunar"] and not record["step"]:
            continue  # what came after the three steps: its missions are checked below
        shown = str(record["step"]) if args == ["lunar"] else str(record["id"])
        assert shown in words, f"{shown} not whole on screen:\n{screen}"


@pytest.mark.parametrize("columns", [60, 80])
def test_no_word_of_a_quote_is_cut(tmp_path: Path, columns: int) -> None:
    env = _env(tmp_path, columns, SPACEFACTS_NO_PAGER="1")
    screen_words = _words(in_terminal(["quote", "--topic", "peace"], env))
    for record in _json(["quote", "--topic", "peace"], env):
        for word in str(record["text"]).split():
            bare = word.strip("“”")
            assert any(bare in w for w in screen_words), f"{word!r} cut at {columns} columns"


def test_a_mission_is_one_line_where_it_fits(tmp_path: Path) -> None:
    env = _env(tmp_path, 120, SPACEFACTS_NO_PAGER="1")
    args = ["missions", "--program", "shenzhou"]
    lines = [line for line in in_terminal(args, env).splitlines() if line.strip()]
    missions = _json(args, env)
    # a title, the header, its rule, then a line per mission (no card of three lines each);
    # only a long last column wraps
    starts = [line.split()[1] for line in lines[3:] if line.startswith("  ") and line[2] != " "]
    assert starts == [m["id"] for m in missions], "\n".join(lines)
    assert len(lines) < 3 + 1.2 * len(missions)


@pytest.mark.parametrize("columns", [60, 80])
def test_the_sources_of_show_are_printed_whole_for_a_click(tmp_path: Path, columns: int) -> None:
    env = _env(tmp_path, columns, SPACEFACTS_NO_PAGER="1")
    screen = in_terminal(["show", "change-6"], env)
    (shown,) = _json(["show", "change-6"], env)
    urls = [c["url"] for c in shown["citations"] if c["url"]]
    assert urls and all(url in screen.split() for url in urls), screen


def _pager_env(tmp_path: Path, **extra: str) -> tuple[dict[str, str], Path]:
    seen = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open({str(seen)!r}, 'w').write(sys.stdin.read())\""
    return _env(tmp_path, 80, SPACEFACTS_PAGER=pager, **extra), seen


def test_long_output_at_a_terminal_goes_through_the_pager(tmp_path: Path) -> None:
    env, seen = _pager_env(tmp_path)
    in_terminal(["timeline"], env)
    assert "dongfanghong-1-launch" in seen.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "extra"),
    [(["--no-pager", "timeline"], {}), (["timeline", "--no-pager"], {}),
     (["timeline"], {"SPACEFACTS_NO_PAGER": "1"}), (["timeline", "--limit", "2"], {})],
)  # fmt: skip
def test_the_pager_switches(tmp_path: Path, args: list[str], extra: dict[str, str]) -> None:
    env, seen = _pager_env(tmp_path, **extra)
    screen = in_terminal(args, env)
    assert not seen.exists()
    assert "dongfanghong-1-launch" in screen or "--limit" in args


def test_piped_output_is_never_paged(tmp_path: Path) -> None:
    env, seen = _pager_env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "spacefacts", "timeline"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0
    assert not seen.exists()
    assert done.stdout.splitlines()[1].startswith("1970-04-24")
