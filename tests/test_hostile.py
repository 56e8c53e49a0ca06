"""Hostile input never wins (issue 10): nothing lost, no hang, no injected terminal codes, no
traceback. One test (or one parametrised family) per class of the issue.

Most run the real command in a subprocess, with a timeout, so that a hang fails the test
instead of stopping the suite. Fact files are made here with tomli-w, so any text (control
characters, brackets, formula prefixes) can be put in them.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import io
import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from conftest import GOOD, on_good, run, run_json
from spacefacts.factbase import SCHEMA_VERSION as CURRENT_SCHEMA

TIMEOUT = 60  # seconds; every command here ends in well under one
SCHEMA_VERSION = CURRENT_SCHEMA
STATEMENT_EXTRA: dict[str, Any] = {}  # fields a statement needs besides the ones below

# A terminal's worst day: clear screen, set the window title (OSC ... BEL), a C1 CSI, a bell,
# NUL, DEL, and a right-to-left override that would reorder what follows.
HOSTILE = "a\x1b[2Jb\x1b]0;pwned\x07c\x9b31md\x07e\x00f\x7fg\u202eh"
MARKUP = [
    "It [the probe] has landed [sic]",
    "[bold]x[/bold]",
    "[link=http://e]y[/link]",
    "unbalanced [/] closing tag",
]
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colour codes rich itself writes
SPACEFACTS = [sys.executable, "-m", "spacefacts"]
# Shells complete through the console script: its name decides the completion variable.
SCRIPT = Path(sys.executable).with_name("spacefacts")


# --- helpers -------------------------------------------------------------------------------


def fact_file(
    path: Path,
    *,
    title: str = "Chang'e-4 lands on the far side",
    summary: str = "The first soft landing on the far side of the Moon.",
    text: str = "Space is for everyone.",
    speaker: str = "A. Speaker",
    source_title: str = "A source",
    publisher: str = "A publisher",
) -> Path:
    """A small valid fact file: a source, a topic, a program, a milestone, a statement."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "publishers": [{"id": "pub", "name": publisher}],
        "speakers": [{"id": "spk", "name": speaker}],
        "sources": [{"id": "src", "title": source_title, "publisher": "pub"}],
        "topics": [{"id": "peace", "description": "Peace."}],
        "programs": [{"id": "change", "name": "Chang'e", "aliases": ["嫦娥工程"]}],
        "milestones": [
            {
                "id": "m1",
                "date": "2019-01-03",
                "title": title,
                "summary": summary,
                "program": "change",
                "sources": ["src"],
            }
        ],
        "statements": [
            {
                "id": "s1",
                "text": text,
                "speaker": "spk",
                "topics": ["peace"],
                "verbatim": True,
                "sources": ["src"],
                **STATEMENT_EXTRA,
            }
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def cli(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
    stdout: Any = subprocess.PIPE,
    shell_redirect: str = "",
    program: list[str] = SPACEFACTS,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m spacefacts ARGS` with a timeout; never a traceback on stderr."""
    command = [*program, *args]
    if shell_redirect:  # e.g. ">&-": the shell closes stdout before starting the command
        command = ["sh", "-c", f'exec "$@" {shell_redirect}', "sh", *command]
    full_env = {**os.environ, "COLUMNS": "250", "PYTHONIOENCODING": "utf-8", **(env or {})}
    try:
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=full_env,
            timeout=timeout,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"spacefacts {' '.join(args)} did not end within {timeout} s")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def raw_controls(text: str, keep: str = "\n") -> list[str]:
    """The characters of `text` that a terminal would act on: C0, DEL, C1, bidi overrides."""
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c not in keep) or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066"
    ]


def measured(
    command: list[str], env: dict[str, str], timeout: float = 20
) -> tuple[int, str, str, int]:
    """Run `command`: its exit code, stdout, stderr and peak resident size in bytes.

    The size is the child's own (os.wait4), to tell "read /dev/zero into memory until the
    limit" from "refused at once".
    """
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
    )  # fmt: skip
    streams: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        streams[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=(n, s), daemon=True)
        for n, s in (("out", process.stdout), ("err", process.stderr))
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            pytest.fail(f"{' '.join(command)} did not end within {timeout} s")
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(5)
    out, err = (streams.get(n, b"").decode("utf-8", "replace") for n in ("out", "err"))
    assert "Traceback" not in err, err
    return process.returncode, out, err, usage.ru_maxrss * 1024  # Linux: KiB


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return fact_file(tmp_path / "data" / "facts.toml")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


def device(tmp_path: Path, name: str, major: int, minor: int) -> Path:
    """A character device of our own (a copy of /dev/null or /dev/full), or skip.

    A private node, so that code which would replace its output file replaces this one, never
    the system's /dev/null.
    """
    path = tmp_path / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    except (PermissionError, OSError) as err:
        pytest.skip(f"cannot make a device node here: {err}")
    return path


@pytest.fixture
def held_lock(tmp_path: Path) -> Iterator[Path]:
    """Another process's lock on tmp_path/real/facts.toml (held by this test process)."""
    real = tmp_path / "real" / "facts.toml"
    real.parent.mkdir()
    fd = os.open(real.with_name("facts.toml.lock"), os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield real
    finally:
        os.close(fd)


def add_source(data: Path, personal: Path, ident: str, **env: str) -> Any:
    args = ["--data", str(data), "--personal", str(personal), "add", "source", "--id", ident]
    return cli(*args, "--title", f"Notes {ident}", "--publisher", "Me", env=env)


def unescape_markdown(text: str) -> str:
    """Markdown as a reader sees it: each backslash-escaped punctuation mark as itself."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def ids_in(path: Path) -> list[str]:
    import tomllib

    document = tomllib.loads(path.read_text(encoding="utf-8"))
    return [r["id"] for table in document.values() if isinstance(table, list) for r in table]


# --- data loss -----------------------------------------------------------------------------


def test_add_through_a_symlinked_personal_file_locks_and_cleans_beside_the_real_file(
    tmp_path: Path, data: Path
) -> None:
    real = tmp_path / "dotfiles" / "facts.toml"
    link = tmp_path / "home" / "facts.toml"
    real.parent.mkdir()
    link.parent.mkdir()
    link.symlink_to(real)
    assert add_source(data, real, "mine-a").returncode == 0
    assert add_source(data, link, "mine-b").returncode == 0
    # both writers reached the same file (the first also added the publisher it named)
    assert [i for i in ids_in(real) if i.startswith("mine-")] == ["mine-a", "mine-b"]
    assert link.is_symlink()  # the link is kept, the file it points to replaced
    assert (real.parent / "facts.toml.lock").exists()
    assert not (link.parent / "facts.toml.lock").exists()

    # A stale temporary beside the real file is ours to clean; one beside the link is not.
    stale = real.parent / ".facts.toml.abcd1234.tmp"
    other = link.parent / ".facts.toml.abcd1234.tmp"
    stale.write_text("half a write")
    other.write_text("not ours")
    assert add_source(data, link, "mine-c").returncode == 0
    assert not stale.exists()
    assert other.read_text() == "not ours"

    # A writer through the real path holds the lock: a writer through the link waits for it.
    fd = os.open(real.with_name("facts.toml.lock"), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        before = real.read_bytes()
        result = add_source(data, link, "mine-d", SPACEFACTS_LOCK_TIMEOUT="0.3")
    finally:
        os.close(fd)
    assert result.returncode == 4, result.stderr
    assert real.read_bytes() == before


def test_export_to_dev_stdout_appends_to_the_log_it_is_redirected_to(
    tmp_path: Path, data: Path
) -> None:
    log = tmp_path / "run.log"
    log.write_text("earlier log line\n")
    with log.open("a") as stream:
        result = cli("--data", str(data), "export", "--output", "/dev/stdout", stdout=stream)
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert text.startswith("earlier log line\n# spacefacts fact file")
    assert 'id = "m1"' in text
    assert stat.S_ISREG(log.stat().st_mode)


def test_export_to_a_fifo_without_a_reader_fails_at_once(data: Path, fifo: Path) -> None:
    result = cli("--data", str(data), "export", "--output", str(fifo), timeout=20)
    assert result.returncode == 4
    assert "FIFO" in result.stderr and "reading" in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO: never replaced


def test_export_to_a_fifo_with_a_reader_writes_into_it(data: Path, fifo: Path) -> None:
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as stream:  # blocks until the writer opens it
            got.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.2)
    result = cli("--data", str(data), "export", "--output", str(fifo), timeout=20)
    reader.join(10)
    assert result.returncode == 0, result.stderr
    assert got and b'id = "m1"' in got[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_export_to_a_full_device_is_an_error_and_keeps_the_device(
    tmp_path: Path, data: Path
) -> None:
    full = device(tmp_path, "full", 1, 7)
    result = cli("--data", str(data), "export", "--output", str(full))
    assert result.returncode in (1, 4)
    assert "No space left on device" in result.stderr
    assert stat.S_ISCHR(full.stat().st_mode)


def test_export_to_a_null_device_writes_in_place(tmp_path: Path, data: Path) -> None:
    null = device(tmp_path, "null", 1, 3)
    result = cli("--data", str(data), "export", "--output", str(null))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(null.stat().st_mode)


def test_export_onto_a_directory_is_refused(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("kept")
    result = cli("--data", str(data), "export", "--output", str(folder))
    assert result.returncode == 4
    assert "directory" in result.stderr
    assert (folder / "keep.txt").read_text() == "kept"


def test_export_never_replaces_a_loaded_fact_file(tmp_path: Path, data: Path) -> None:
    """A fact file in use carries comments (the UTC notes) that no export writes back: export
    onto it is refused, in every format, and the file is left as it was."""
    data.write_text("# a note a maintainer wrote\n" + data.read_text(encoding="utf-8"))
    before = data.read_bytes()
    for fmt in ("toml", "json"):
        done = cli("--data", str(data), "export", "--format", fmt, "--output", str(data))
        assert done.returncode == 4 and "fact file in use" in done.stderr, done.stderr
        assert data.read_bytes() == before
    link = tmp_path / "link.toml"
    link.symlink_to(data)
    done = cli("--data", str(data), "export", "--output", str(link))
    assert done.returncode == 4 and data.read_bytes() == before  # not through a link either

    personal = tmp_path / "personal.toml"
    assert add_source(data, personal, "mine").returncode == 0
    mine = personal.read_bytes()
    base = ["--data", str(data), "--personal", str(personal), "export", "--output"]
    for only in ([], ["--only", "personal"]):
        done = cli(*base, str(personal), *only)
        assert done.returncode == 4 and "fact file in use" in done.stderr
        assert personal.read_bytes() == mine


# --- hangs ---------------------------------------------------------------------------------

SPECIAL = ["fifo", "/dev/zero", "/dev/urandom"]


def _special(name: str, fifo: Path) -> str:
    return str(fifo) if name == "fifo" else name


@pytest.mark.parametrize("name", SPECIAL)
@pytest.mark.parametrize("where", ["--data", "--personal", "validate"])
def test_a_fifo_or_endless_device_as_a_fact_file_is_refused_at_once(
    name: str, where: str, fifo: Path
) -> None:
    path = _special(name, fifo)
    args = ["validate", path] if where == "validate" else [where, path, "timeline"]
    code, out, err, memory = measured([*SPACEFACTS, *args], {})
    assert code == 3
    assert memory < 200 * 1024 * 1024  # nothing was read from /dev/zero
    kind = "a FIFO" if name == "fifo" else "a device"
    assert f"{path}: is {kind}, not a fact file" in err + out


@pytest.mark.skipif(not SCRIPT.exists(), reason="no console script beside the interpreter")
@pytest.mark.parametrize("name", SPECIAL)
@pytest.mark.parametrize("where", ["--data", "--personal"])
def test_completion_with_a_fifo_or_endless_device_ends_quietly(
    name: str, where: str, fifo: Path
) -> None:
    path = _special(name, fifo)
    env = {
        "_SPACEFACTS_COMPLETE": "complete_bash",
        "COMP_WORDS": f"spacefacts {where} {path} show ch",
        "COMP_CWORD": "4",
    }
    code, out, _, memory = measured([str(SCRIPT)], env)
    assert code == 0
    assert out.split() == []  # nothing offered, nothing hangs, nothing crashes
    assert memory < 200 * 1024 * 1024  # and nothing was read from /dev/zero


@pytest.mark.skipif(not SCRIPT.exists(), reason="no console script beside the interpreter")
def test_completion_still_offers_ids(data: Path) -> None:
    env = {
        "_SPACEFACTS_COMPLETE": "complete_bash",
        "COMP_WORDS": f"spacefacts --data {data} show m",
        "COMP_CWORD": "4",
    }
    assert "m1" in cli(env=env, program=[str(SCRIPT)]).stdout.split()


def test_add_waits_for_a_held_lock_then_gives_up_with_exit_4(data: Path, held_lock: Path) -> None:
    fact_file(held_lock)  # an existing personal file, to be left as it is
    before = held_lock.read_bytes()
    started = time.monotonic()
    result = add_source(data, held_lock, "mine", SPACEFACTS_LOCK_TIMEOUT="0.5")
    assert time.monotonic() - started < 30
    assert result.returncode == 4
    assert "waiting for another spacefacts" in result.stderr
    assert "timed out after 0.5 s" in result.stderr and "not changed" in result.stderr
    assert held_lock.read_bytes() == before


def test_ctrl_c_while_waiting_for_the_lock_exits_130(data: Path, held_lock: Path) -> None:
    args = ["--data", str(data), "--personal", str(held_lock), "add", "source"]
    args += ["--title", "T", "--publisher", "P"]
    process = subprocess.Popen(
        [sys.executable, "-m", "spacefacts", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "SPACEFACTS_LOCK_TIMEOUT": "60"},
    )
    try:
        assert process.stderr is not None
        first = _readline(process.stderr, 20)
        assert b"waiting" in first
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert b"interrupted" in rest and b"Traceback" not in rest
    assert not held_lock.exists()  # nothing was written


def _readline(stream: Any, timeout: float) -> bytes:
    found: list[bytes] = []
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        pytest.fail(f"nothing on stderr within {timeout} s")
    return found[0]


# --- terminal and spreadsheet injection ----------------------------------------------------


def _outputs(data: Path, *args: str, color: bool) -> str:
    env = {"FORCE_COLOR": "1"} if color else {}
    result = cli("--data", str(data), *args, env=env)
    assert result.returncode == 0, result.stderr
    return SGR.sub("", result.stdout) if color else result.stdout


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_in_fact_text_is_shown_as_written(tmp_path: Path, markup: str) -> None:
    data = fact_file(tmp_path / "facts.toml", title=markup, text=markup)
    for color in (False, True):
        for args in (["timeline"], ["quote"], ["show", "m1"], ["show", "s1"]):
            assert markup in _outputs(data, *args, color=color), (args, color)
    for fmt in ("csv", "markdown"):
        for command in ("timeline", "quote"):
            out = _outputs(data, command, "--format", fmt, color=False)
            # Markdown shows the text as written: its brackets are escaped, never a link
            assert markup in (unescape_markdown(out) if fmt == "markdown" else out)
    rows = list(csv.reader(io.StringIO(_outputs(data, "timeline", "--format", "csv", color=False))))
    assert rows[1][rows[0].index("title")] == markup


COMMANDS = [["timeline"], ["quote"], ["show", "m1"], ["show", "s1"], ["sources"]]


@pytest.mark.parametrize("color", [False, True], ids=["plain", "rich"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_control_characters_in_tables_and_show_are_made_visible(
    tmp_path: Path, args: list[str], color: bool
) -> None:
    data = fact_file(
        tmp_path / "facts.toml", title=HOSTILE, summary=HOSTILE, text=HOSTILE,
        speaker=HOSTILE, source_title=HOSTILE,
    )  # fmt: skip
    out = _outputs(data, *args, color=color)
    assert raw_controls(out) == []
    assert "\\x1b[2J" in out and "\\x9b31m" in out and "\\u202e" in out


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
@pytest.mark.parametrize("command", ["timeline", "quote", "sources"])
def test_control_characters_in_csv_and_markdown_are_made_visible(
    tmp_path: Path, fmt: str, command: str
) -> None:
    data = fact_file(tmp_path / "facts.toml", title=HOSTILE, text=HOSTILE, source_title=HOSTILE)
    out = _outputs(data, command, "--format", fmt, color=False)
    assert raw_controls(out) == []
    assert "x1b[2J" in (unescape_markdown(out) if fmt == "markdown" else out)


def test_json_keeps_the_exact_text(tmp_path: Path) -> None:
    data = fact_file(tmp_path / "facts.toml", title=HOSTILE, text=HOSTILE)
    for fmt in ("json", "jsonl"):
        out = _outputs(data, "timeline", "--format", fmt, color=False)
        assert "\x1b" not in out  # JSON escapes control characters itself
        assert not [c for c in out if 0x7F <= ord(c) < 0xA0 or c == "\u202e"]  # and C1, bidi
        record = json.loads(out)[0] if fmt == "json" else json.loads(out.splitlines()[0])
        assert record["title"] == HOSTILE


def test_control_characters_in_validate_and_error_messages_are_made_visible(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        tomli_w.dumps(
            {
                "schema_version": SCHEMA_VERSION,
                "sources": [{"id": "bad\x1b[2J", "title": "t", "publisher": "p", "k\x9b": 1}],
            }
        ),
        encoding="utf-8",
    )
    result = cli("validate", str(broken))
    assert result.returncode == 3
    assert "bad\\x1b[2J" in result.stdout and "k\\x9b" in result.stdout
    assert raw_controls(result.stdout + result.stderr) == []

    for args in (
        ["show", "x\x1b]0;pwned\x07"],
        ["--data", str(tmp_path / "x\x1b[2J.toml"), "timeline"],
        ["timeline", "--program", "\x1b[2J"],
        ["timeline", "--fields", "id,\x1b[2J"],
    ):
        result = cli(*args)
        assert result.returncode in (2, 3), (args, result.stderr)
        assert "\\x1b" in result.stderr, (args, result.stderr)
        assert raw_controls(result.stderr) == [], args


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    data = fact_file(
        tmp_path / "facts.toml", title="@SUM(A1:A9)", summary="=1+1", text="+cmd|' /C calc'!A0",
        speaker="-2+3", publisher="=HYPERLINK(\"http://e\")",
    )  # fmt: skip
    outputs = [
        _outputs(data, "timeline", "--format", "csv", color=False),
        _outputs(data, "quote", "--format", "csv", color=False),
        _outputs(data, "sources", "--format", "csv", color=False),
    ]
    exported = tmp_path / "milestones.csv"
    args = ["--data", str(data), "export", "--format", "csv", "--kind", "milestone"]
    assert cli(*args, "--output", str(exported)).returncode == 0
    outputs.append(exported.read_text(encoding="utf-8"))
    cells = [c for out in outputs for row in csv.reader(io.StringIO(out)) for c in row]
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@")] == []
    for value in ("@SUM(A1:A9)", "=1+1", "+cmd|' /C calc'!A0", "-2+3"):
        assert "'" + value in cells  # kept, behind a quote that makes it text


# --- output that cannot be written ---------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["timeline"], ["timeline", "--json"], ["export"], ["--help"], ["--version"]],
    ids=" ".join,
)  # fmt: skip
@pytest.mark.parametrize("target", ["dev-full", "closed"])
def test_output_that_cannot_be_written_is_one_line_and_a_failure(
    args: list[str], target: str, data: Path
) -> None:
    if target == "closed":
        result = cli("--data", str(data), *args, shell_redirect=">&-")
    else:
        with open("/dev/full", "w") as full:
            result = cli("--data", str(data), *args, stdout=full)
    assert result.returncode in (1, 4)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    reason = "standard output is closed" if target == "closed" else "No space left on device"
    assert lines[0].startswith("spacefacts: error: ") and reason in lines[0]


def test_a_closed_pipe_ends_quietly_with_141(data: Path) -> None:
    # The reader closes its end first; the writer's exit status is echoed after the pipe.
    script = '"$0" -m spacefacts --data "$1" export | (exec 0<&-; sleep 1); echo "${PIPESTATUS[0]}"'
    result = subprocess.run(
        ["bash", "-c", script, sys.executable, str(data)],
        capture_output=True, text=True, timeout=TIMEOUT, env=os.environ,
    )  # fmt: skip
    assert result.stdout == "141\n"
    assert result.stderr == ""


# --- bad values, bad paths, bad environments -----------------------------------------------


@pytest.mark.parametrize("fields", ["", ",", " , ,, "])
def test_empty_fields_is_a_usage_error(fields: str) -> None:
    result = run("timeline", "--fields", fields, code=2)
    assert "--fields names no field" in result.stderr


@pytest.mark.parametrize("command", [["timeline"], ["quote"], ["search", "moon"]])
@pytest.mark.parametrize("limit", ["99999999999999999999", "-1"])
def test_an_absurd_limit_is_a_usage_error(command: list[str], limit: str) -> None:
    result = run(*command, "--limit", limit, code=2)
    assert "--limit" in result.stderr and "range" in result.stderr


def test_a_personal_symlink_loop_is_an_error_not_an_empty_file(tmp_path: Path) -> None:
    loop = tmp_path / "facts.toml"
    loop.symlink_to(tmp_path / "other.toml")
    (tmp_path / "other.toml").symlink_to(loop)
    result = run("--personal", str(loop), "timeline", code=3)
    assert f"{loop}: symbolic link loop" in result.stderr


def test_a_personal_path_too_long_is_an_error(tmp_path: Path) -> None:
    long = tmp_path / ("x" * 300) / "facts.toml"
    result = run("--personal", str(long), "timeline", code=3)
    assert "name too long" in result.stderr


def _refuse(monkeypatch: pytest.MonkeyPatch, name: str, path: Path) -> None:
    """os.<name>(path) fails with EACCES (tests run as root, who may read anything)."""
    real = getattr(os, name)

    def refused(target: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(target) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(target, *args, **kwargs)

    monkeypatch.setattr(os, name, refused)


def test_a_personal_path_that_cannot_be_checked_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    personal = tmp_path / "locked" / "facts.toml"
    _refuse(monkeypatch, "stat", personal)
    result = run("--personal", str(personal), "timeline", code=3)
    assert f"{personal}: permission denied" in result.stderr


def test_an_unreadable_data_file_exits_3(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse(monkeypatch, "open", data)
    result = run("--data", str(data), "timeline", code=3)
    assert f"{data}: permission denied" in result.stderr


def test_a_directory_as_data_exits_3(tmp_path: Path) -> None:
    result = run("--data", str(tmp_path), "timeline", code=3)
    assert f"{tmp_path}: is a directory, not a fact file" in result.stderr


def test_no_home_directory_is_a_clear_message(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    for name in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "SPACEFACTS_PERSONAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    result = run("--data", str(data), "timeline", code=3)
    assert "cannot find your home directory" in result.stderr
    assert "XDG_DATA_HOME" in result.stderr

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert run("--data", str(data), "timeline", "--json").stdout.count('"id"') == 1
    monkeypatch.delenv("SPACEFACTS_CACHE_DIR")  # nowhere for a cache: compiled in memory
    assert '"m1"' in run("--data", str(data), "timeline", "--json").stdout
    assert '"m1"' in run("--data", str(data), "--no-cache", "timeline", "--json").stdout


def test_arguments_that_are_not_utf8_are_a_usage_error() -> None:
    result = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"spacefacts", b"search", b"caf\xe9"],
        capture_output=True, timeout=TIMEOUT, env=os.environ,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == b"spacefacts: error: argument 2 is not valid UTF-8\n"


def test_an_ascii_output_encoding_gives_escaped_json_or_a_clear_message(tmp_path: Path) -> None:
    data = fact_file(tmp_path / "facts.toml", title="嫦娥四号 lands")
    ascii_env = {"PYTHONIOENCODING": "ascii"}
    as_json = cli("--data", str(data), "timeline", "--json", env=ascii_env)
    assert as_json.returncode == 0
    assert as_json.stdout.isascii() and "\\u5ae6" in as_json.stdout
    assert json.loads(as_json.stdout)[0]["title"] == "嫦娥四号 lands"
    for args in (["timeline"], ["show", "m1"], ["timeline", "--format", "csv"]):
        result = cli("--data", str(data), *args, env=ascii_env)
        assert result.returncode == 1
        assert result.stderr.startswith("spacefacts: error: cannot write output: ")
        assert "(ascii)" in result.stderr and "U+5AE6" in result.stderr


def _cache_file(data: Path) -> Path:
    """The cache file of `data`, compiled into a cache directory of the test's own."""
    own = data.parent / "own-cache"
    os.environ["SPACEFACTS_CACHE_DIR"] = str(own)  # monkeypatch restores it after the test
    assert cli("--data", str(data), "timeline", "--json").returncode == 0
    (found,) = own.glob("facts-*.sqlite")
    return found


def _timeline_ids(data: Path) -> list[str]:
    result = cli("--data", str(data), "timeline", "--json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["title"] for r in records] == ["Chang'e-4 lands on the far side"]
    assert [r["sources"] for r in records] == [["src"]]
    return [r["id"] for r in records]


def test_a_cache_file_of_garbage_is_rebuilt(data: Path) -> None:
    cache = _cache_file(data)
    cache.write_bytes(os.urandom(8192))
    assert _timeline_ids(data) == ["m1"]


def test_a_cache_database_of_another_layout_is_rebuilt(data: Path) -> None:
    cache = _cache_file(data)
    cache.unlink()
    with sqlite3.connect(cache) as conn:
        conn.execute("CREATE TABLE milestone (x)")
    assert _timeline_ids(data) == ["m1"]


@pytest.mark.parametrize(
    "damage",
    [
        "DROP TABLE milestone",
        "ALTER TABLE milestone DROP COLUMN title",
        "UPDATE milestone SET sources = '[not json'",
    ],
)
def test_a_cache_whose_key_matches_but_content_is_damaged_is_never_a_traceback(
    data: Path, damage: str
) -> None:
    cache = _cache_file(data)
    with sqlite3.connect(cache) as conn:
        conn.execute(damage)
    result = cli("--data", str(data), "timeline", "--json")
    if result.returncode == 0:  # rebuilt at once
        assert result.stdout == cli("--data", str(data), "--no-cache", "timeline", "--json").stdout
    else:  # or a clear message, and the next run is right
        assert result.returncode == 3
        assert "cache" in result.stderr and result.stdout == ""
        assert _timeline_ids(data) == ["m1"]


def test_a_stale_cache_temporary_is_removed(data: Path) -> None:
    cache = _cache_file(data)
    stale = cache.with_name(f".{cache.name}.k3j4h5g6.tmp")
    fresh = cache.with_name(f".{cache.name}.a1b2c3d4.tmp")
    stale.write_bytes(b"half a database")
    fresh.write_bytes(b"another process writing now")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    data.write_text(data.read_text() + "\n# changed: the cache is compiled again\n")
    assert _timeline_ids(data) == ["m1"]
    assert not stale.exists()
    assert fresh.exists()  # younger than a minute: perhaps a live writer's


# --- search, exit codes, file formats ------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "!!!", "'\"-"])
def test_an_empty_quote_search_is_the_same_usage_error_as_search(text: str) -> None:
    quoted = run("quote", "--search", text, code=2)
    searched = run("search", text, code=2)
    assert quoted.stdout == searched.stdout == ""
    assert quoted.stderr == searched.stderr
    assert "nothing to search for" in quoted.stderr


def test_a_byte_order_mark_loads(tmp_path: Path) -> None:
    data = fact_file(tmp_path / "facts.toml")
    data.write_bytes(b"\xef\xbb\xbf" + data.read_bytes())
    assert _timeline_ids(data) == ["m1"]
    assert cli("validate", str(data)).returncode == 0


def test_a_nested_list_says_a_list_with_a_list(tmp_path: Path) -> None:
    data = fact_file(tmp_path / "facts.toml")
    data.write_text(data.read_text().replace('sources = [\n    "src",\n]', 'sources = [["src"]]'))
    result = cli("validate", str(data))
    assert result.returncode == 3
    assert "m1.sources: expected a list of strings, got a list with a list" in result.stdout


# --- issue 17: one test per class fixed ----------------------------------------------------


def personal_file(path: Path, ident: str = "mine") -> Path:
    """A personal fact file of one milestone, `ident`, merged over `fact_file`'s base."""
    record = {"id": ident, "date": "2020-01-01", "title": "My milestone", "program": "change"}
    record |= {"summary": "As I wrote it.", "sources": ["src"]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        tomli_w.dumps({"schema_version": CURRENT_SCHEMA, "milestones": [record]}),
        encoding="utf-8",
    )
    return path


def amend(path: Path, table: str, *changes: dict[str, Any]) -> Path:
    """Rewrite the fact file `path` with its `table` made of copies of its first record, one
    per change, each with that change applied."""
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    first = document[table][0]
    document[table] = [{**first, **change} for change in changes]
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def editor(tmp_path: Path, script: str) -> str:
    """An $EDITOR: a shell script that does `script` to the draft it is given ("$1")."""
    path = tmp_path / "editor.sh"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)
    return str(path)


def long_fact_file(path: Path, word: str = "orbit", times: int = 20_000) -> Path:
    """A valid fact file whose statement repeats `word`: its export is over 100 KB."""
    return fact_file(path, text=" ".join([word] * times))


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_an_edit_never_reverts_a_change_another_process_made_meanwhile(
    tmp_path: Path, data: Path
) -> None:
    personal = personal_file(tmp_path / "me" / "facts.toml")
    meanwhile = editor(
        tmp_path,
        f"sed -i 's/As I wrote it/As another process wrote it/' '{personal}'\n"
        "sed -i 's/As I wrote it/As I edited it/' \"$1\"",
    )
    args = ["--data", str(data), "--personal", str(personal), "edit", "mine"]
    result = cli(*args, env={"EDITOR": meanwhile})
    assert result.returncode == 4
    assert "'mine' was changed in" in result.stderr
    assert "by another process while you edited it" in result.stderr
    assert "As another process wrote it" in personal.read_text(encoding="utf-8")
    found = re.search(r"your edit is kept in (\S+)$", result.stderr, re.MULTILINE)
    assert found, result.stderr
    assert "As I edited it" in Path(found.group(1)).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "shell, code, message",
    [
        ('ulimit -f 1; "$0" -m spacefacts --data "$1" export > "$2"', 1, "File too large"),
        ('"$0" -m spacefacts --data "$1" export > /dev/full', 1, "No space left on device"),
        ('"$0" -m spacefacts --data "$1" export | head -c 10 > /dev/null; '
         'exit "${PIPESTATUS[0]}"', 141, ""),
    ],
    ids=["file-size-limit", "dev-full", "closed-pipe"],
)  # fmt: skip
def test_a_short_write_to_unbuffered_stdout_is_never_silent(
    tmp_path: Path, shell: str, code: int, message: str
) -> None:
    """PYTHONUNBUFFERED=1: Python's text layer would drop what a short write left over."""
    data = long_fact_file(tmp_path / "facts.toml")
    result = subprocess.run(
        ["bash", "-c", shell, sys.executable, str(data), str(tmp_path / "out.toml")],
        capture_output=True, text=True, timeout=TIMEOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert result.returncode == code
    expected = [f"spacefacts: error: cannot write output: {message}"] if message else []
    assert result.stderr.splitlines() == expected


def test_add_never_writes_a_file_the_reader_would_refuse(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    personal = personal_file(tmp_path / "facts.toml")
    before = personal.read_bytes()
    monkeypatch.setattr("spacefacts.fileio.MAX_FACT_FILE", len(before) + 100)
    result = run(
        "--data", str(data), "--personal", str(personal), "add", "milestone",
        "--date", "2020-02-02", "--title", "One more", "--summary", "It does not fit.",
        "--program", "change", "--source", "src", code=4,
    )  # fmt: skip
    assert f"refusing to write {personal}" in result.stderr
    assert f"over the {len(before) + 100:,} a fact file may have" in result.stderr
    assert personal.read_bytes() == before


def test_the_near_duplicate_check_of_a_huge_title_is_bounded(tmp_path: Path) -> None:
    title = "Chang'e-4 lands on the far side " * 65_000  # about 2 MB
    data = fact_file(tmp_path / "facts.toml", title=title)
    started = time.monotonic()
    result = run(
        "--data", str(data), "--personal", str(tmp_path / "mine.toml"), "add", "milestone",
        "--date", "2019-01-03", "--title", title + "again", "--summary", "The same.",
        "--program", "change", "--source", "src", "--id", "m2", "--dry-run",
    )  # fmt: skip
    assert time.monotonic() - started < 5
    assert "'m2' looks like 'm1' already in the fact base" in result.stderr


def test_a_search_of_8000_words_is_refused_at_once(data: Path) -> None:
    words = " ".join(["moon"] * 8000)
    started = time.monotonic()
    result = run("--data", str(data), "search", words, code=2)
    assert time.monotonic() - started < 2
    assert f"the search is {len(words)} characters long: give at most" in result.stderr


def test_a_statement_of_20000_words_is_searched_in_bounded_time(tmp_path: Path) -> None:
    data = long_fact_file(tmp_path / "facts.toml", word="orbit", times=20_000)
    started = time.monotonic()
    result = cli("--data", str(data), "search", "orbit", "--json", timeout=30)
    assert time.monotonic() - started < 5
    assert result.returncode == 0, result.stderr
    assert [hit["id"] for hit in json.loads(result.stdout)] == ["s1"]


def _literal_view(conn: sqlite3.Connection, endless: bool) -> str:
    """A view `milestone` with the table's columns, its row's values but a forged title;
    `endless`: a recursive CTE that repeats the row without end."""
    columns = [row[1] for row in conn.execute("PRAGMA table_info(milestone)")]
    row = conn.execute("SELECT * FROM milestone").fetchone()
    forged = {**dict(zip(columns, row, strict=True)), "title": "Forged"}
    values = ", ".join(
        f'{conn.execute("SELECT quote(?)", (value,)).fetchone()[0]} AS "{name}"'
        for name, value in forged.items()
    )
    if endless:
        return (
            "CREATE VIEW milestone AS WITH RECURSIVE n(i) AS "
            f"(SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT {values} FROM n"
        )
    return f"CREATE VIEW milestone AS SELECT {values}"


@pytest.mark.parametrize("damage", ["update", "view", "endless-view", "trigger"])
def test_a_cache_changed_by_another_program_is_compiled_again(data: Path, damage: str) -> None:
    """A value edited is caught by the stamp; a view or a trigger even with the stamp forged
    to match (an attacker who can write the cache can write the stamp too)."""
    cache = _cache_file(data)
    with sqlite3.connect(cache) as conn:
        if damage == "update":
            conn.execute("UPDATE milestone SET title = 'Forged'")
        elif damage == "trigger":
            conn.execute(
                "CREATE TRIGGER forged AFTER INSERT ON meta "
                "BEGIN UPDATE milestone SET title = 'Forged'; END"
            )
        else:
            view = _literal_view(conn, endless=damage == "endless-view")
            conn.execute("DROP TABLE milestone")
            conn.execute(view)
    conn.close()
    if damage != "update":
        info = cache.stat()
        stamp = cache.with_name(cache.name + ".stamp")
        stamp.write_text(f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}")
    started = time.monotonic()
    assert _timeline_ids(data) == ["m1"]  # the original title, not "Forged"
    assert time.monotonic() - started < 5
    with sqlite3.connect(cache) as conn:
        objects = conn.execute("SELECT type, name FROM sqlite_master WHERE type != 'index'")
        kinds = {name: kind for kind, name in objects}
    conn.close()
    assert kinds["milestone"] == "table" and "forged" not in kinds


@pytest.mark.parametrize(
    "swap, found",
    [('rm "$1"; mkfifo "$1"', "is a FIFO"), ('rm "$1"; ln -s /dev/zero "$1"', "is a device")],
    ids=["fifo", "dev-zero"],
)
def test_a_draft_replaced_by_a_fifo_or_a_device_is_refused_at_once(
    tmp_path: Path, data: Path, swap: str, found: str
) -> None:
    personal = personal_file(tmp_path / "facts.toml")
    before = personal.read_bytes()
    args = ["--data", str(data), "--personal", str(personal), "edit", "mine"]
    started = time.monotonic()
    result = cli(*args, env={"EDITOR": editor(tmp_path, swap)}, timeout=20)
    assert time.monotonic() - started < 5
    assert result.returncode == 2
    assert "cannot read the edited record" in result.stderr and found in result.stderr
    assert personal.read_bytes() == before


def test_install_completion_with_a_fifo_as_bashrc_is_refused_at_once(
    tmp_path: Path, fifo: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    os.rename(fifo, home / ".bashrc")
    started = time.monotonic()
    result = cli("--install-completion", "bash", env={"HOME": str(home)}, timeout=20)
    assert time.monotonic() - started < 5
    assert result.returncode == 3
    assert f"{home / '.bashrc'}: is a FIFO" in result.stderr
    assert stat.S_ISFIFO((home / ".bashrc").stat().st_mode)


def test_a_csv_export_replaces_links_in_its_folder_never_writes_through_them(
    tmp_path: Path, data: Path
) -> None:
    folder, outside = tmp_path / "csv", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "target.csv").write_text("not the export's to change")
    (folder / "milestones.csv").symlink_to(outside / "target.csv")
    (folder / "sources.csv").symlink_to(outside / "new.csv")  # dangling
    result = cli("--data", str(data), "export", "--format", "csv", "--output", str(folder))
    assert result.returncode == 0, result.stderr
    assert f"files in {folder}" in result.stderr
    milestones = folder / "milestones.csv"
    assert not milestones.is_symlink() and "Chang'e-4 lands" in milestones.read_text()
    assert not (folder / "sources.csv").is_symlink()
    assert (outside / "target.csv").read_text() == "not the export's to change"
    assert tree(outside) == ["target.csv"]  # nothing made where the dangling link pointed


def test_a_csv_export_that_cannot_write_one_file_writes_none(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "csv"
    (folder / "topics.csv").mkdir(parents=True)
    (folder / "milestones.csv").write_text("an earlier export")
    result = cli("--data", str(data), "export", "--format", "csv", "--output", str(folder))
    assert result.returncode == 4
    assert f"cannot write {folder / 'topics.csv'}: it is a directory" in result.stderr
    assert tree(folder) == ["milestones.csv", "topics.csv"]
    assert (folder / "milestones.csv").read_text() == "an earlier export"


def test_a_csv_export_that_fails_while_renaming_writes_none(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "publishers.csv").write_text("an earlier export")
    rename = os.replace

    def busy(source: Any, target: Any) -> None:
        if os.fspath(target).endswith("topics.csv"):  # e.g. made a directory meanwhile
            raise OSError(errno.EBUSY, "Device or resource busy", os.fspath(target))
        rename(source, target)

    monkeypatch.setattr(os, "replace", busy)
    result = run("--data", str(data), "export", "--format", "csv", "--output", str(folder), code=4)
    assert "nothing was written" in result.stderr
    assert tree(folder) == ["publishers.csv"]
    assert (folder / "publishers.csv").read_text() == "an earlier export"


def test_edit_never_makes_a_path_of_an_id(tmp_path: Path, data: Path) -> None:
    personal = personal_file(tmp_path / "me" / "facts.toml", ident="../x")
    (tmp_path / "tmp").mkdir()
    marker = tmp_path / "the-editor-ran"
    env = {"EDITOR": editor(tmp_path, f"touch '{marker}'"), "TMPDIR": str(tmp_path / "tmp")}
    before = tree(tmp_path)
    result = cli("--data", str(data), "--personal", str(personal), "edit", "../x", env=env)
    assert result.returncode == 3
    assert "../x.id: must be lowercase kebab-case" in result.stderr
    assert tree(tmp_path) == before  # no draft, no kept edit, no editor run


def test_markdown_output_escapes_links_images_and_html(tmp_path: Path) -> None:
    data = fact_file(tmp_path / "facts.toml", title="![x](http://example.org/a.png) <b>bold</b>")
    out = _outputs(data, "timeline", "--format", "markdown", color=False)
    # every mark that could open an image or a link is escaped; HTML is entities
    assert re.findall(r"(?<!\\)[!\[\]]", out) == [] and "<b>" not in out
    assert "\\!\\[x\\](http" in out and "&lt;b&gt;bold&lt;/b&gt;" in out


@pytest.mark.parametrize(
    "case, message",
    [
        ("read-only", "it is read-only (mode 0444); refusing to replace it"),
        ("linked-lock", "facts.toml.lock: it is a symbolic link, which a lock never follows"),
        ("hard-link", "it has 1 other hard link(s), which replacing would cut"),
    ],
)
def test_add_refuses_a_read_only_hard_linked_or_link_locked_personal_file(
    tmp_path: Path, data: Path, case: str, message: str
) -> None:
    personal = personal_file(tmp_path / "me" / "facts.toml")
    before = personal.read_bytes()
    target = tmp_path / "elsewhere"
    target.write_text("not a lock")
    if case == "read-only":
        personal.chmod(0o444)
    elif case == "linked-lock":
        personal.with_name("facts.toml.lock").symlink_to(target)
    else:
        os.link(personal, tmp_path / "second-name.toml")
    result = cli(
        "--data", str(data), "--personal", str(personal), "add", "milestone", "--date",
        "2020-02-02", "--title", "One more", "--summary", "More.", "--program", "change",
        "--source", "src",
    )  # fmt: skip
    assert result.returncode == 4
    assert message in result.stderr
    assert personal.read_bytes() == before
    assert target.read_text() == "not a lock"


def test_a_javascript_url_is_refused_and_never_reaches_the_calendar(data: Path) -> None:
    amend(data, "sources", {"url": "javascript:alert(1)"})
    result = cli("validate", str(data))
    assert result.returncode == 3
    assert "src.url: 'javascript:alert(1)' is not an http(s) web address" in result.stdout
    calendar = cli("--data", str(data), "export", "--format", "ics")
    assert calendar.returncode == 3 and "javascript" not in calendar.stdout


def test_year_0_is_refused(data: Path) -> None:
    amend(data, "milestones", {"date": "0000-01-01"})
    result = cli("validate", str(data))
    assert result.returncode == 3
    assert "m1.date: '0000-01-01' has no year 0: years run from 0001" in result.stdout


def test_the_last_day_of_9999_exports_to_a_calendar(data: Path) -> None:
    amend(data, "milestones", {"date": "9999-12-31"})
    result = cli("--data", str(data), "export", "--format", "ics")
    assert result.returncode == 0, result.stderr
    assert "DTSTART;VALUE=DATE:99991231\nDURATION:P1D\n" in result.stdout  # no DTEND: year 10000


def test_an_output_descriptor_beyond_any_limit_is_one_line(data: Path) -> None:
    result = cli("--data", str(data), "export", "--output", "/dev/fd/2147483648")
    assert result.returncode == 4
    assert result.stderr == (
        "spacefacts: error: cannot write /dev/fd/2147483648: no such file descriptor\n"
    )


@pytest.mark.skipif(not SCRIPT.exists(), reason="no console script beside the interpreter")
@pytest.mark.parametrize(
    "unset, cword, offered",
    [
        (["HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "SPACEFACTS_CACHE_DIR"], "4", ["m1"]),
        ([], "abc", []),
        (["COMP_WORDS"], "4", []),
    ],
    ids=["no-home", "cword-not-a-number", "no-comp-words"],
)
def test_completion_in_a_strange_environment_ends_quietly(
    data: Path, unset: list[str], cword: str, offered: list[str]
) -> None:
    env = {"_SPACEFACTS_COMPLETE": "complete_bash", "COMP_CWORD": cword}
    env["COMP_WORDS"] = f"spacefacts --data {data} show m"
    without = [arg for name in unset for arg in ("-u", name)]
    result = cli(env=env, program=["env", *without, str(SCRIPT)])
    assert result.returncode == 0
    assert result.stdout.split() == offered and result.stderr == ""


def test_six_first_runs_at_once_print_the_same_results(tmp_path: Path) -> None:
    command = [*SPACEFACTS, "--data", str(GOOD), "search", "moon", "--json"]
    env = {**os.environ, "SPACEFACTS_CACHE_DIR": str(tmp_path / "fresh-cache")}
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(6)
    ]
    try:
        outputs = [p.communicate(timeout=TIMEOUT)[0] for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert [p.returncode for p in processes] == [0] * 6
    assert len(set(outputs)) == 1
    assert "change-6-return" in [hit["id"] for hit in json.loads(outputs[0])]


@pytest.mark.parametrize(
    "where",
    [
        "cache",
        "data",
    ],
)
def test_paths_that_are_not_utf8_work_and_are_compiled_once(
    tmp_path: Path, data: Path, where: str
) -> None:
    """Through the environment: an argument that is not UTF-8 is refused (exit 2)."""
    root = os.fsencode(tmp_path)
    cache = root + (b"/cache-\xff" if where == "cache" else b"/cache")
    facts = root + b"/facts-\xff.toml" if where == "data" else os.fsencode(data)
    if where == "data":
        Path(os.fsdecode(facts)).write_bytes(data.read_bytes())
    env = {os.fsencode(k): os.fsencode(v) for k, v in os.environ.items()}
    env |= {b"SPACEFACTS_CACHE_DIR": cache, b"SPACEFACTS_DATA": facts}

    def timeline() -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [os.fsencode(sys.executable), b"-m", b"spacefacts", b"timeline", b"--json"],
            capture_output=True, env=env, timeout=TIMEOUT,
        )  # fmt: skip

    first = timeline()
    assert first.returncode == 0, first.stderr
    assert [r["id"] for r in json.loads(first.stdout)] == ["m1"]
    (compiled,) = Path(os.fsdecode(cache)).glob("facts-*.sqlite")
    before = compiled.stat()
    assert timeline().stdout == first.stdout
    after = compiled.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("place", ["before", "after"])
@pytest.mark.parametrize(
    "option, given",
    [("--data", "missing"), ("--data", "directory"), ("--personal", "directory")],
)  # a personal file not there yet is empty: the first `add` makes it
def test_a_data_or_personal_path_that_is_no_file_exits_3(
    tmp_path: Path, data: Path, option: str, given: str, place: str
) -> None:
    path = tmp_path / "nothing.toml" if given == "missing" else tmp_path
    base = [] if option == "--data" else ["--data", str(data)]
    args = [option, str(path), "timeline"] if place == "before" else ["timeline", option, str(path)]
    result = run(*base, *args, code=3)
    reason = "no such file" if given == "missing" else "is a directory, not a fact file"
    assert result.stderr == f"{path}: {reason}\n"


@pytest.mark.parametrize(
    "variable, pager",
    [("SPACEFACTS_PAGER", "false"), ("PAGER", "true"), ("SPACEFACTS_PAGER", "touch {ran}")],
    ids=["fails", "reads-nothing", "reads-nothing-and-says-so"],
)
def test_a_pager_that_reads_nothing_never_loses_the_output(
    tmp_path: Path, variable: str, pager: str
) -> None:
    from test_terminal import in_terminal  # a pseudo-terminal as stdin, stdout and stderr

    ran = tmp_path / "the-pager-ran"
    env = {**os.environ, "COLUMNS": "100", "LINES": "6", "TERM": "xterm-256color", "NO_COLOR": "1"}
    env[variable] = pager.format(ran=ran)
    screen = in_terminal(["--data", str(GOOD), "timeline"], env)  # 5 records: taller than 6
    assert "dfh-1" in screen and "crewed-landing" in screen  # the first and the last
    if "{ran}" in pager:
        assert ran.exists()  # the pager was started, and took none of it


# --- issue 17, the smaller classes ---------------------------------------------------------


def test_an_id_of_300_characters_can_be_edited(tmp_path: Path, data: Path) -> None:
    ident = "x" * 300
    personal = personal_file(tmp_path / "facts.toml", ident=ident)
    args = ["--data", str(data), "--personal", str(personal), "edit", ident]
    result = cli(*args, env={"EDITOR": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stderr == "spacefacts: no change\n"


def test_a_compile_leaves_no_journal_in_the_cache_dir(tmp_path: Path, data: Path) -> None:
    cache = tmp_path / "cache"
    result = cli("--data", str(data), "search", "landing", env={"SPACEFACTS_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    assert len(list(cache.glob("facts-*.sqlite"))) == 1  # compiled, search index and all
    assert list(cache.glob("*-journal")) == []


MUST = f"schema_version: must be the integer {CURRENT_SCHEMA}, got"


@pytest.mark.parametrize(
    "line, message",
    [
        ("", f"schema_version: missing: a fact file starts with schema_version = {CURRENT_SCHEMA}"),
        ("schema_version = 2.0\n", f"{MUST} 2.0\n"),
        ('schema_version = "3"\n', f"{MUST} '3'\n"),
        ("schema_version = true\n", f"{MUST} true\n"),
    ],
    ids=["missing", "float", "string", "boolean"],
)
def test_a_schema_version_of_the_wrong_type_says_so(data: Path, line: str, message: str) -> None:
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace(f"schema_version = {CURRENT_SCHEMA}\n", line), encoding="utf-8")
    result = run("validate", str(data), code=3)
    assert message in result.stdout


@pytest.mark.parametrize(
    "milestones, messages",
    [
        ([{"outcome": "m1"}], ["m1.outcome: the outcomes lead back to itself"]),
        (
            [{"outcome": "m2"}, {"id": "m2", "outcome": "m1"}],
            ["m1.outcome: the outcomes lead back to itself", "m2.outcome: the outcomes lead back"],
        ),
    ],
    ids=["itself", "two-milestone-cycle"],
)
def test_outcomes_that_lead_back_are_refused(
    data: Path, milestones: list[dict[str, str]], messages: list[str]
) -> None:
    amend(data, "milestones", *milestones)
    result = run("validate", str(data), code=3)
    assert [m for m in messages if m not in result.stdout] == []


def test_a_csv_cell_starting_with_a_tab_then_a_formula_is_neutralised(tmp_path: Path) -> None:
    data = fact_file(tmp_path / "facts.toml", title="\t=1+1", text="\t@SUM(A1)")
    for command, kept in (("timeline", "' =1+1"), ("quote", "' @SUM(A1)")):
        out = _outputs(data, command, "--format", "csv", color=False)
        cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
        assert [c for c in cells if c.lstrip()[:1] in ("=", "@")] == [], cells
        assert kept in cells  # the tab shown as a space, behind a quote that makes it text


@pytest.mark.parametrize(
    "command",
    [
        "next",
        "timeline",
    ],
)
def test_a_bad_spacefacts_today_is_a_usage_error_naming_it(command: str) -> None:
    run(*on_good(command))  # the cache is warm: the value is checked all the same
    result = run(*on_good(command), code=2, env={"SPACEFACTS_TODAY": "2026-13-45"})
    assert result.stderr == (
        "spacefacts: error: SPACEFACTS_TODAY='2026-13-45': give a day as YYYY-MM-DD\n"
    )


def test_json_and_another_format_disagree() -> None:
    result = run(*on_good("timeline", "--json", "--format", "csv"), code=2)
    assert "--json and --format csv disagree" in result.stderr


def test_an_empty_program_names_nothing() -> None:
    result = run(*on_good("missions", "--program", ""), code=2)
    assert "--program '' names nothing" in result.stderr


def test_an_output_ending_in_a_slash_names_a_directory(tmp_path: Path) -> None:
    target = f"{tmp_path / 'newdir'}/"
    result = run(*on_good("export", "--output", target), code=4)
    assert f"cannot write {target}: it names a directory" in result.stderr
    assert not (tmp_path / "newdir").exists()


def test_add_whose_output_fails_writes_nothing_so_a_retry_adds_once(
    tmp_path: Path, data: Path
) -> None:
    personal = personal_file(tmp_path / "facts.toml")
    before = personal.read_bytes()
    args = ["--data", str(data), "--personal", str(personal), "add", "milestone"]
    args += ["--date", "2020-02-02", "--title", "One more", "--summary", "More."]
    args += ["--program", "change", "--source", "src", "--id", "one-more"]
    with open("/dev/full", "w") as full:
        failed = cli(*args, stdout=full)
    assert failed.returncode == 1
    assert "cannot write output: No space left on device" in failed.stderr
    assert personal.read_bytes() == before
    assert cli(*args).returncode == 0
    assert ids_in(personal) == ["mine", "one-more"]


def _search_ids(*words: str) -> list[str]:
    return [hit["id"] for hit in run_json(*on_good("search", *words))]


@pytest.mark.parametrize(
    "words",
    [
        ["landing NOT moon"],
        ["landing", "NOT", "moon"],
        ["landing -moon"],
        ["landing", "-moon"],
    ],
    ids=["NOT-in-one-argument", "NOT-as-a-word", "minus-in-one-argument", "minus-as-a-word"],
)
def test_a_word_left_out_of_a_search_leaves_out_what_has_it(words: list[str]) -> None:
    assert set(_search_ids("landing")) == {"crewed-landing", "m-lanyue"}  # one has "Moon"
    assert _search_ids(*words) == ["m-lanyue"]


@pytest.mark.parametrize(
    ("words", "same_as"),
    [
        (["landing", "-quiet"], "landing -quiet"),  # starts like -q, a flag: still a word
        (["-moon", "landing", "--limit", "5"], "-moon landing"),  # options still work
        (["landing", "-q", "-moon"], "landing -moon"),  # -q is the quiet flag
    ],
)
def test_a_word_starting_with_a_dash_is_a_word_unless_it_names_options(
    words: list[str], same_as: str
) -> None:
    assert _search_ids(*words) == _search_ids(same_as)


def test_fullwidth_letters_search_as_letters() -> None:
    fullwidth = "\uff4d\uff4f\uff4f\uff4e"  # "moon" in the letters of a CJK input method
    assert _search_ids(fullwidth) == _search_ids("moon") != []


def test_one_chinese_character_of_a_name_finds_its_record() -> None:
    found = _search_ids("六")  # of 嫦娥六号, Chang'e-6's Chinese name
    assert found[0] == "m-6" and "m-5" not in found


def test_validate_of_one_file_twice_reports_each_problem_once(data: Path) -> None:
    amend(data, "milestones", {"date": "0000-01-01"})
    result = run("validate", str(data), str(data), code=3)
    assert result.stdout.count("has no year 0") == 1
