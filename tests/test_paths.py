"""Paths and guarded file operations: nothing lost, nothing hangs, nothing left unchecked."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from spacefacts import fileio, paths
from spacefacts.errors import ExitCode, FileProblem, PathError, WriteError

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and flock")
not_root = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file"
)


def ends_quickly(call: Callable[[], object], seconds: float = 5.0) -> BaseException | None:
    """Run `call` in a thread; fail if it has not ended within `seconds` (a hang), else return
    the exception it raised, if any."""
    raised: list[BaseException] = []

    def target() -> None:
        try:
            call()
        except BaseException as err:  # handed to the test, which asserts on it
            raised.append(err)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return raised[0] if raised else None


def problem_of(call: Callable[[], object]) -> FileProblem:
    err = ends_quickly(call)
    assert isinstance(err, FileProblem), err
    assert err.exit_code == ExitCode.DATA
    return err


# --- where things are ----------------------------------------------------------------------


def test_shipped_data_is_the_fact_base() -> None:
    shipped = paths.shipped_data()
    assert shipped.name == "facts.toml" and shipped.is_file()


def test_personal_file_from_argument_environment_or_data_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv(paths.ENV_PERSONAL, raising=False)
    assert paths.personal_file(Path("given.toml")) == Path("given.toml")
    assert paths.personal_file(None) == tmp_path / "spacefacts" / "facts.toml"
    monkeypatch.setenv(paths.ENV_PERSONAL, "/from/env.toml")
    assert paths.personal_file(None) == Path("/from/env.toml")


@posix_only
def test_relative_xdg_values_do_not_count(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.delenv(paths.ENV_CACHE_DIR, raising=False)
    expected = tmp_path / "Library" / "Application Support"
    if sys.platform != "darwin":
        expected = tmp_path / ".local" / "share"
    assert paths.data_home() == expected
    assert paths.cache_dir() == tmp_path / ".cache" / "spacefacts"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert paths.cache_dir() == tmp_path / "c" / "spacefacts"
    monkeypatch.setenv(paths.ENV_CACHE_DIR, str(tmp_path / "mine"))
    assert paths.cache_dir() == tmp_path / "mine"


@pytest.mark.parametrize("failure", [RuntimeError, KeyError])
def test_no_home_directory_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, failure: type[Exception]
) -> None:
    def no_home() -> Path:
        raise failure("Could not determine home directory.")

    for name in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "APPDATA", paths.ENV_PERSONAL):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(paths.ENV_CACHE_DIR, raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    for call in (paths.data_home, paths.cache_dir, lambda: paths.personal_file(None)):
        with pytest.raises(PathError) as caught:
            call()
        assert caught.value.exit_code == ExitCode.DATA and int(caught.value.exit_code) == 3
        assert "cannot find your home directory" in str(caught.value)
    assert paths.personal_file(Path("p.toml")) == Path("p.toml")  # no home needed


# --- reading -------------------------------------------------------------------------------


def test_read_regular_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_bytes(b"x = 1\n")
    assert fileio.read_regular(path) == b"x = 1\n"


@posix_only
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    problem = problem_of(lambda: fileio.read_regular(fifo))
    assert str(problem) == f"{fifo}: is a FIFO, not a fact file"


@posix_only
def test_a_file_that_turns_into_a_fifo_after_the_check_is_refused_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    regular, fifo = tmp_path / "regular", tmp_path / "fifo"
    regular.write_text("x")
    os.mkfifo(fifo)
    monkeypatch.setattr(fileio, "_stat", lambda path: os.stat(regular))  # the race, forced
    problem = problem_of(lambda: fileio.read_regular(fifo))  # opened without blocking
    assert problem.message == "is a FIFO, not a fact file"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_refused_at_once() -> None:
    problem = problem_of(lambda: fileio.read_regular(Path("/dev/zero")))
    assert problem.message == "is a device, not a fact file"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert problem_of(lambda: fileio.read_regular(tmp_path)).message == (
        "is a directory, not a fact file"
    )


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b"a" * 2048)
    assert fileio.read_regular(path, limit=2048) == b"a" * 2048
    problem = problem_of(lambda: fileio.read_regular(path, limit=2047))
    assert problem.message == "is larger than 2047 bytes"
    problem = problem_of(lambda: fileio.read_regular(path, limit=1024))
    assert problem.message == "is larger than 1 KiB"
    assert f"{64} MiB" in fileio._size(fileio.MAX_FACT_FILE)


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    assert problem_of(lambda: fileio.read_regular(missing)).message == "no such file"
    assert fileio.exists_checked(missing) is False


@posix_only
def test_a_symlink_loop_is_reported_not_taken_as_absent(tmp_path: Path) -> None:
    loop = tmp_path / "facts.toml"
    loop.symlink_to(tmp_path / "other.toml")
    (tmp_path / "other.toml").symlink_to(loop)
    assert problem_of(lambda: fileio.exists_checked(loop)).message == "symbolic link loop"
    assert problem_of(lambda: fileio.read_regular(loop)).message == "symbolic link loop"
    assert problem_of(lambda: fileio.real_path(loop)).message == "symbolic link loop"
    with pytest.raises(WriteError, match="symbolic link loop"):
        fileio.write_atomic(loop, b"x")


@posix_only
def test_a_dangling_symlink_is_reported(tmp_path: Path) -> None:
    link = tmp_path / "facts.toml"
    link.symlink_to(tmp_path / "gone.toml")
    assert problem_of(lambda: fileio.exists_checked(link)).message == "is a broken symbolic link"
    assert problem_of(lambda: fileio.read_regular(link)).message == "is a broken symbolic link"
    assert fileio.real_path(link) == (tmp_path / "gone.toml").resolve()  # a writer creates it


def test_paths_that_cannot_be_checked(tmp_path: Path) -> None:
    long_name = tmp_path / ("x" * 300)
    assert problem_of(lambda: fileio.exists_checked(long_name)).message == "name too long"
    (tmp_path / "file").write_text("x")
    under_a_file = tmp_path / "file" / "facts.toml"
    assert problem_of(lambda: fileio.exists_checked(under_a_file)).message == (
        "a part of the path is not a directory"
    )
    nul = Path("a\x00b")
    assert "NUL" in problem_of(lambda: fileio.exists_checked(nul)).message


def test_a_permission_error_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(path: object) -> os.stat_result:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(os, "stat", refuse)
    assert problem_of(lambda: fileio.exists_checked(tmp_path / "x")).message == "permission denied"


@posix_only
@not_root
def test_a_parent_that_cannot_be_searched(tmp_path: Path) -> None:
    locked_dir = tmp_path / "private"
    locked_dir.mkdir()
    (locked_dir / "facts.toml").write_text("x")
    locked_dir.chmod(0)
    try:
        problem = problem_of(lambda: fileio.exists_checked(locked_dir / "facts.toml"))
        assert problem.message == "permission denied"
    finally:
        locked_dir.chmod(0o700)


def test_exists_checked_is_true_for_what_exists(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    assert fileio.exists_checked(tmp_path / "f") and fileio.exists_checked(tmp_path)


# --- comparing and classifying -------------------------------------------------------------


@posix_only
def test_same_file_follows_links_and_never_raises(tmp_path: Path) -> None:
    real, link = tmp_path / "real.toml", tmp_path / "link.toml"
    real.write_text("x")
    link.symlink_to(real)
    (tmp_path / "other.toml").write_text("x")
    assert fileio.same_file(link, real)
    assert not fileio.same_file(real, tmp_path / "other.toml")
    assert not fileio.same_file(real, tmp_path / "missing.toml")
    assert not fileio.same_file(Path("a\x00b"), real)


@posix_only
def test_special_outputs_are_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "out.toml").write_text("x")
    for special in ("-", "/dev/stdout", "/dev/stderr", "/dev/fd/3", "/dev/null", fifo):
        assert fileio.is_special_output(special), special
    for plain in (tmp_path / "out.toml", tmp_path / "new.toml", tmp_path, "/dev/fd/x"):
        assert not fileio.is_special_output(plain), plain
    assert [fileio.output_descriptor(p) for p in ("-", "/dev/stderr", "/dev/fd/7", "a")] == [
        1,
        2,
        7,
        None,
    ]


# --- locking -------------------------------------------------------------------------------

HOLD_LOCK = """
import sys
from pathlib import Path
from spacefacts.fileio import locked
with locked(Path(sys.argv[1]), timeout=5):
    print("held", flush=True)
    sys.stdin.read()
"""


def hold_lock(path: Path) -> subprocess.Popen[str]:
    """A child process that holds locked(path) until its stdin is closed."""
    source = str(Path(paths.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": source + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


def release(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(10) == 0


@posix_only
def test_a_link_and_its_target_share_one_lock_that_times_out(tmp_path: Path) -> None:
    real_dir, link_dir = tmp_path / "dotfiles", tmp_path / "data"
    real_dir.mkdir()
    link_dir.mkdir()
    real = real_dir / "facts.toml"
    real.write_text("x = 1\n")
    link = link_dir / "facts.toml"
    link.symlink_to(real)

    child = hold_lock(real)
    try:
        waited: list[str] = []
        started = time.monotonic()
        with (
            pytest.raises(WriteError) as caught,
            fileio.locked(link, timeout=0.3, waiting=lambda: waited.append("waiting")),
        ):
            pass
        assert time.monotonic() - started < 3
        assert waited == ["waiting"]  # told once, not at every poll
        assert caught.value.exit_code == ExitCode.WRITE and int(caught.value.exit_code) == 4
        assert str(caught.value).startswith(f"timed out after 0.3 s waiting for the lock on {real}")
    finally:
        release(child)
    with fileio.locked(link, timeout=2) as resolved:
        assert resolved == real.resolve()
    assert (real_dir / "facts.toml.lock").exists()
    assert not (link_dir / "facts.toml.lock").exists()
    assert real.read_text() == "x = 1\n"


@posix_only
def test_the_lock_timeout_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "facts.toml"
    child = hold_lock(path)
    try:
        monkeypatch.setenv(fileio.ENV_LOCK_TIMEOUT, "0.2")
        started = time.monotonic()
        with pytest.raises(WriteError, match=r"timed out after 0\.2 s"), fileio.locked(path):
            pass
        assert time.monotonic() - started < 3
    finally:
        release(child)
    for bad in ("soon", "-1", "nan", "inf", ""):
        monkeypatch.setenv(fileio.ENV_LOCK_TIMEOUT, bad)
        assert fileio._lock_timeout() == fileio.LOCK_TIMEOUT == 10.0


def test_a_free_lock_is_taken_without_waiting(tmp_path: Path) -> None:
    waited: list[str] = []
    with fileio.locked(tmp_path / "new" / "facts.toml", waiting=lambda: waited.append("w")):
        pass
    assert waited == []


# --- writing -------------------------------------------------------------------------------

TEMPORARY = ".facts.toml.ab_c1234.tmp"  # a name tempfile.mkstemp gives write_atomic


@posix_only
def test_stale_temporaries_are_removed_beside_the_real_file_only(tmp_path: Path) -> None:
    real_dir, link_dir = tmp_path / "dotfiles", tmp_path / "data"
    real_dir.mkdir()
    link_dir.mkdir()
    (real_dir / "facts.toml").write_text("x")
    (link_dir / "facts.toml").symlink_to(real_dir / "facts.toml")
    precious = tmp_path / "precious"
    precious.write_text("keep")
    (real_dir / TEMPORARY).write_text("stale")
    (link_dir / TEMPORARY).write_text("someone else's")
    (real_dir / ".facts.toml.short.tmp").write_text("not our pattern")
    (real_dir / ".facts.toml.zzzzzzz9.tmp").symlink_to(precious)
    (real_dir / ".facts.toml.dirdir00.tmp").mkdir()

    fileio.remove_stale_temporaries(link_dir / "facts.toml")

    assert not (real_dir / TEMPORARY).exists()
    assert (link_dir / TEMPORARY).read_text() == "someone else's"
    assert (real_dir / ".facts.toml.short.tmp").exists()
    assert (real_dir / ".facts.toml.zzzzzzz9.tmp").is_symlink()
    assert precious.read_text() == "keep"
    assert (real_dir / ".facts.toml.dirdir00.tmp").is_dir()


def test_temporary_pattern_matches_mkstemp_names(tmp_path: Path) -> None:
    import re
    import tempfile

    fd, name = tempfile.mkstemp(dir=tmp_path, prefix=".f[1].toml.", suffix=".tmp")
    os.close(fd)
    assert re.fullmatch(fileio._temporary_pattern("f[1].toml"), Path(name).name)


def test_write_atomic_creates_the_file_but_never_its_directories(tmp_path: Path) -> None:
    target = tmp_path / "facts.toml"
    fileio.write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert os.listdir(target.parent) == ["facts.toml"]  # no temporary left
    missing = tmp_path / "a" / "b" / "facts.toml"
    with pytest.raises(WriteError, match="no directory"):  # a typo must not make a tree
        fileio.write_atomic(missing, b"new\n")
    assert not (tmp_path / "a").exists()


@posix_only
def test_write_atomic_through_a_link_replaces_the_real_file_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    real, link = tmp_path / "real.toml", tmp_path / "link.toml"
    real.write_bytes(b"old\n")
    real.chmod(0o640)
    link.symlink_to(real)
    fileio.write_atomic(link, b"new\n")
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() == b"new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


@posix_only
def test_write_atomic_refuses_a_fifo_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "out.toml"
    os.mkfifo(fifo)
    err = ends_quickly(lambda: fileio.write_atomic(fifo, b"x"))
    assert isinstance(err, WriteError)
    assert str(err) == (
        f"cannot write {fifo}: it is a FIFO, not a regular file; refusing to replace it"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["out.toml"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_write_atomic_refuses_a_device() -> None:
    with pytest.raises(WriteError, match="is a device, not a regular file"):
        fileio.write_atomic(Path("/dev/full"), b"x")
    assert fileio.is_special_output("/dev/full")


def test_write_atomic_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="is a directory, not a regular file"):
        fileio.write_atomic(tmp_path, b"x")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "facts.toml"
    target.write_bytes(b"old\n")

    def disk_full(source: object, destination: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(WriteError) as caught:
        fileio.write_atomic(target, b"new\n")
    assert str(caught.value) == (
        f"cannot write {target}: No space left on device; the previous file is unchanged"
    )
    assert caught.value.exit_code == ExitCode.WRITE
    assert target.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["facts.toml"]


def test_an_interrupted_write_removes_its_temporary(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fileio.write_atomic(tmp_path / "facts.toml", b"new\n")
    assert os.listdir(tmp_path) == []
