"""Guarded file operations: bounded reads of regular files, locks, atomic replacement.

Reading takes only regular files, with a size limit, and never blocks (a FIFO, /dev/zero).
Writing resolves symbolic links first, so that the lock, the temporary file and the clean-up of
stale temporaries are all beside the real file whichever path reaches it; it replaces only
regular files, atomically. A path that cannot be checked is an error, never "does not exist".
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from spacefacts.errors import FileProblem, WriteError

ENV_LOCK_TIMEOUT = "SPACEFACTS_LOCK_TIMEOUT"
MAX_FACT_FILE = 64 * 1024 * 1024  # bytes; the shipped fact base is well under 1 MiB
LOCK_TIMEOUT = 10.0  # seconds a writer waits for another writer's lock before giving up

_POLL_FIRST, _POLL_MAX = 0.01, 0.1  # seconds between attempts to take a busy lock


# --- reading -------------------------------------------------------------------------------


def read_head(path: Path, size: int) -> bytes:
    """The first `size` bytes of the regular file `path` (guarded as read_regular is)."""
    return _read_guarded(path, size, None)


def read_regular(path: Path, limit: int = MAX_FACT_FILE) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes; FileProblem otherwise.

    Never blocks and never reads without end: a FIFO, a device or a directory is refused before
    it is opened (so opening has no side effect), and again after (the path may have changed).
    """
    return _read_guarded(path, limit + 1, limit)


def _read_guarded(path: Path, size: int, limit: int | None) -> bytes:
    """At most `size` bytes of the regular file `path`; over `limit` (if given) is refused."""
    kind = _not_regular(_stat(path).st_mode)
    if kind:
        raise FileProblem(path, f"is {kind}, not a fact file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError) as err:
        raise FileProblem(path, _describe(path, err)) from None
    with os.fdopen(fd, "rb") as stream:
        try:
            info = os.fstat(fd)
            kind = _not_regular(info.st_mode)
            if kind:
                raise FileProblem(path, f"is {kind}, not a fact file")
            if limit is not None and info.st_size > limit:
                raise FileProblem(path, f"is larger than {_size(limit)}")
            data = stream.read(size)  # the size may have been wrong, or grown since
        except OSError as err:
            raise FileProblem(path, _describe(path, err)) from None
    if limit is not None and len(data) > limit:
        raise FileProblem(path, f"is larger than {_size(limit)}")
    return data


STDIN = "-"


def read_input(path: Path, limit: int = MAX_FACT_FILE) -> bytes:
    """read_regular, or standard input for "-" (read once per run, bounded)."""
    if str(path) == STDIN:
        return _stdin(limit)
    return read_regular(path, limit)


@functools.cache
def _stdin(limit: int) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise FileProblem(STDIN, "standard input is closed")
    try:
        data = stream.read(limit + 1)
    except (OSError, ValueError) as err:
        raise FileProblem(STDIN, f"cannot read standard input: {err}") from None
    if len(data) > limit:
        raise FileProblem(STDIN, f"is larger than {_size(limit)}")
    return bytes(data)


def exists_checked(path: Path) -> bool:
    """Like Path.exists(), but a path that cannot be checked raises FileProblem.

    A symbolic link loop, a name too long, a parent that cannot be searched, a part of the
    path that is a file, or a link to nothing: each is reported rather than taken as "absent".
    """
    try:
        _stat(path)
    except FileProblem as problem:
        if problem.message == "no such file":
            return False
        raise
    return True


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except (OSError, ValueError) as err:
        raise FileProblem(path, _describe(path, err)) from None


def _describe(path: Path, err: OSError | ValueError) -> str:
    """What went wrong with `path`, in words (not Python's "[Errno 40] ...")."""
    if isinstance(err, ValueError):  # os functions say "embedded null byte"
        return "the name contains a NUL character"
    code = err.errno
    if code == errno.ENOENT:
        return "is a broken symbolic link" if os.path.islink(path) else "no such file"
    words = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ELOOP: "symbolic link loop",
        errno.ENAMETOOLONG: "name too long",
        errno.ENOTDIR: "a part of the path is not a directory",
        errno.EISDIR: "is a directory, not a fact file",
    }
    return words.get(code, err.strerror or str(err)) if code is not None else str(err)


def _not_regular(mode: int) -> str | None:
    """What kind of file `mode` is, if it is not a regular file ("a FIFO", "a device" ...)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(limit: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


def real_path(path: Path) -> Path:
    """`path` with every symbolic link resolved; for a file not yet there, its real directory.

    A link loop or a path that cannot be searched raises FileProblem.
    """
    try:
        return _real(path)
    except (OSError, ValueError) as err:
        raise FileProblem(path, _describe(path, err)) from None


def _real(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        # Not there yet (or a link to a file not there yet): resolve what exists, the parent
        # directories, and keep the rest. The link itself is kept; the file is made where it
        # points.
        return Path(os.path.realpath(path))


def same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` are the same existing file (links followed); never raises."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


# --- writing -------------------------------------------------------------------------------


def is_special_output(path: Path | str) -> bool:
    """Whether an output path is to be written in place rather than replaced.

    True for "-", /dev/stdout, /dev/stderr, /dev/fd/N and an existing FIFO or character device
    (/dev/null, a terminal). Replacing /dev/stdout would swap the log it is redirected to for a
    new file; replacing a FIFO would break the pipe. A block device, a directory or a socket is
    False: write_atomic refuses those.
    """
    if output_descriptor(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def output_descriptor(path: Path | str) -> int | None:
    """The open descriptor an output path names: "-" and /dev/stdout 1, /dev/stderr 2,
    /dev/fd/N and /proc/self/fd/N N; None for any other path.

    Write to that descriptor rather than opening the path: opening /dev/stdout for writing
    truncates the file that stdout is redirected to.
    """
    name = os.fspath(path)
    named = {"-": 1, "/dev/stdout": 1, "/dev/stderr": 2}
    if name in named:
        return named[name]
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        number = name.removeprefix(prefix)
        if number != name and number.isascii() and number.isdigit():
            return int(number)
    return None


@contextlib.contextmanager
def locked(
    path: Path, timeout: float | None = None, waiting: Callable[[], None] | None = None
) -> Iterator[Path]:
    """Hold an exclusive lock for a read-modify-write of `path`; yields its real path.

    The lock is REAL.lock beside the real file, so writers through a symbolic link and through
    the real path exclude each other. If another process holds it, `waiting()` is called once
    and the lock is polled until `timeout` seconds ($SPACEFACTS_LOCK_TIMEOUT, else 10) have
    passed; then WriteError. The lock file is left in place: removing it would let two writers
    lock two different files. A lock path that is a symbolic link, or not a regular file, is
    never followed or opened for writing (O_NOFOLLOW, O_NONBLOCK): it is an error.
    """
    real = _writable_real(path)
    lock_path = real.with_name(real.name + ".lock")
    limit = _lock_timeout() if timeout is None else timeout
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, flags, 0o666)
    except OSError as err:
        reason = err.strerror or str(err)
        if err.errno == errno.ELOOP or os.path.islink(lock_path):
            reason = "it is a symbolic link, which a lock never follows"
        raise WriteError(f"cannot lock {lock_path}: {reason}") from None
    kind = _not_regular(os.fstat(fd).st_mode)
    if kind:
        os.close(fd)
        raise WriteError(f"cannot lock {lock_path}: it is {kind}, not a regular file")
    try:
        _acquire(fd, lock_path, real, limit, waiting)
        yield real
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(
    fd: int, lock_path: Path, real: Path, timeout: float, waiting: Callable[[], None] | None
) -> None:
    import time

    deadline = time.monotonic() + timeout
    delay = _POLL_FIRST
    told = False
    while True:
        try:
            if _try_lock(fd):
                return
        except OSError as err:
            raise WriteError(f"cannot lock {lock_path}: {err.strerror or err}") from None
        now = time.monotonic()
        if now >= deadline:
            raise WriteError(
                f"timed out after {timeout:g} s waiting for the lock on {real} ({lock_path} is "
                "held by another process); the file was not changed"
            )
        if not told and waiting is not None:
            waiting()
            told = True
        time.sleep(min(delay, deadline - now))
        delay = min(delay * 2, _POLL_MAX)


def _try_lock(fd: int) -> bool:
    """Take the lock without waiting: True if taken, False if another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except PermissionError:  # msvcrt says EACCES for "locked by another process"
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # EWOULDBLOCK
        return False
    return True


def _lock_timeout() -> float:
    """$SPACEFACTS_LOCK_TIMEOUT in seconds if it is a finite number >= 0, else LOCK_TIMEOUT."""
    import math

    try:
        value = float(os.environ.get(ENV_LOCK_TIMEOUT, ""))
    except ValueError:
        return LOCK_TIMEOUT
    return value if math.isfinite(value) and value >= 0 else LOCK_TIMEOUT


def _temporary_pattern(name: str) -> str:
    """The regular expression of the names tempfile.mkstemp gives write_atomic's temporaries."""
    import re

    return re.escape(f".{name}.") + r"[a-z0-9_]{8}\.tmp"


def remove_stale_temporaries(path: Path) -> None:
    """Remove temporaries left beside the real file by a writer killed before its rename.

    Call it only while holding locked(path): every writer of that real file holds the same
    lock, so a temporary of ours found then has no live writer. Only regular files whose name
    is exactly a temporary's are removed; links are never followed.
    """
    import re

    try:
        real = _real(path)
    except (OSError, ValueError):
        return  # nothing to clean where nothing can be resolved; the write reports it
    pattern = re.compile(_temporary_pattern(real.name))
    try:
        entries = list(os.scandir(real.parent))
    except OSError:
        return
    for entry in entries:
        with contextlib.suppress(OSError):  # gone already, or not ours to remove
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the regular file `path` (links followed) by `data`, or create it (see replacing)."""
    with replacing(path) as temporary, open(temporary, "wb") as stream:
        stream.write(data)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A new temporary file beside the real file of `path`, for the block to write; when the
    block ends without an error it is fsynced, given the old file's permissions and renamed over
    the real file, then the directory is fsynced. A crash leaves the old file or the new one,
    never a mix; an error removes the temporary and leaves the old file as it was.

    The one atomic writer: fact files, exports and the compiled cache all go through it. Refused
    (WriteError): a target that exists and is not a regular file (a FIFO, a device, a directory:
    write those in place, see is_special_output), one that is read-only (mode without any write
    bit: replacing it would defeat the protection), and one with other hard links (replacing it
    would silently split them).
    """
    import tempfile

    real = _writable_real(path)
    shown = str(path) if real == Path(os.path.abspath(path)) else f"{path} (-> {real})"
    try:
        info: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as err:
        raise WriteError(f"cannot write {shown}: {_describe(real, err)}") from None
    if info is not None:
        refused = _not_regular(info.st_mode)
        refused = refused and f"it is {refused}, not a regular file"
        if not refused and not info.st_mode & 0o222:
            refused = f"it is read-only (mode {stat.S_IMODE(info.st_mode):04o})"
        if not refused and info.st_nlink > 1:
            refused = f"it has {info.st_nlink - 1} other hard link(s), which replacing would cut"
        if refused:
            raise WriteError(f"cannot write {shown}: {refused}; refusing to replace it")
    directory = real.parent
    try:
        if not directory.is_dir():
            raise FileNotFoundError(errno.ENOENT, f"no directory {directory}")
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{real.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as err:
        raise WriteError(f"cannot write {shown}: {err.strerror or err}") from None
    try:
        yield Path(temporary)
        fd = os.open(temporary, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
        try:
            os.fsync(fd)
            _copy_owner_and_mode(fd, temporary, info)
        finally:
            os.close(fd)
        os.replace(temporary, real)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(err, OSError):
            kept = "the previous file is unchanged" if info else "nothing was written"
            raise WriteError(f"cannot write {shown}: {err.strerror or err}; {kept}") from None
        raise
    _fsync_directory(directory)


def _writable_real(path: Path) -> Path:
    """real_path for a writer: a path that cannot be resolved is a WriteError (exit 4)."""
    try:
        return _real(path)
    except (OSError, ValueError) as err:
        raise WriteError(f"cannot write {path}: {_describe(Path(path), err)}") from None


def _copy_owner_and_mode(fd: int, temporary: str, old: os.stat_result | None) -> None:
    """Give the temporary the old file's permissions (and owner, when allowed); a new file gets
    0o666 minus the umask, as open() would have given it."""
    if old is None:
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        mode = stat.S_IMODE(old.st_mode)
        if hasattr(os, "fchown") and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.fchown(fd, old.st_uid, old.st_gid)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:
        os.chmod(temporary, mode)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to fsync)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # the rename is done and atomic; only its durability is not confirmed
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the rename is still atomic
    finally:
        os.close(fd)


# --- output files --------------------------------------------------------------------------


def write_output(target: str | None, data: bytes, loaded: Sequence[Path] = ()) -> bool:
    """Write `data` to stdout (None, "-", /dev/stdout), a descriptor (/dev/fd/N), a FIFO or a
    character device (in place, never replaced), or a regular file (replaced atomically).

    A path among `loaded` (the fact files in use) is refused; so is a path ending in "/" (a
    directory is meant: only `export --format csv` writes one). Returns True when a regular
    file was written (the caller says so), False for a stream.
    """
    fd = 1 if target is None else output_descriptor(target)
    if fd == 1:  # "-", /dev/stdout: written in place, never opened (that would truncate a log)
        sys.stdout.flush()
        write_all(1, data, "standard output")
        return False
    if fd is not None:
        sys.stdout.flush()
        write_all(fd, data, str(target))
        return False
    assert target is not None
    if target.endswith(("/", os.sep)):
        raise WriteError(f"cannot write {target}: it names a directory; give a file name")
    path = Path(target)
    if any(same_file(path, loaded_path) for loaded_path in loaded):
        raise WriteError(
            f"refusing to write {target}: it is a fact file in use (--data or personal)"
        )
    if is_special_output(path):
        try:
            # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of waiting forever
            out = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError as err:
            reason = err.strerror or str(err)
            if err.errno == errno.ENXIO:
                reason = "it is a FIFO that no process is reading"
            raise WriteError(f"cannot write {target}: {reason}") from None
        try:
            os.set_blocking(out, True)
            write_all(out, data, target)
        finally:
            os.close(out)
        return False
    write_atomic(path, data)
    return True


def write_all(fd: int, data: bytes, name: str) -> None:
    """Every byte of `data` to descriptor `fd`, or an error: a short write is retried, never
    ignored (an unbuffered stdout with PYTHONUNBUFFERED=1 returns short counts on a full disk).

    A closed pipe raises BrokenPipeError (the caller exits 141); any other failure is a
    WriteError naming `name`.
    """
    view = memoryview(data)
    try:
        while view:
            written = os.write(fd, view)
            if written <= 0:
                raise OSError(errno.EIO, "nothing could be written")
            view = view[written:]
    except BrokenPipeError:
        raise
    except OverflowError:
        raise WriteError(f"cannot write {name}: no such file descriptor") from None
    except OSError as err:
        raise WriteError(f"cannot write {name}: {err.strerror or err}") from None


def write_directory(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` (name -> bytes) into `folder`, created if missing (its parent must exist).

    Every file is first written to a new temporary file in the folder (created exclusively:
    nothing there is ever followed or opened), then renamed to its name: a link or a file
    already under that name is replaced as a directory entry, never written through; a failure
    while writing leaves the folder as it was (no partial set).
    """
    import tempfile

    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise WriteError(f"cannot create {folder}: {err.strerror or err}") from None
    if not folder.is_dir():
        raise WriteError(f"cannot write into {folder}: it is not a directory")
    for name in files:
        entry = folder / name
        if entry.is_dir() and not entry.is_symlink():
            raise WriteError(f"cannot write {entry}: it is a directory; refusing to replace it")
    written: dict[str, str] = {}
    try:
        for name, data in files.items():
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            written[name] = temporary
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            umask = os.umask(0o022)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
    except OSError as err:
        _remove(written.values())
        raise WriteError(
            f"cannot write into {folder}: {err.strerror or err}; nothing was written"
        ) from None
    _rename_all(folder, written)
    _fsync_directory(folder)


def _rename_all(folder: Path, written: dict[str, str]) -> None:
    """Rename each temporary file to its name, all or none: the entries they replace are put
    aside first, and put back if a rename fails."""
    moved: list[tuple[Path, str | None]] = []  # (entry, where the entry it replaced was put)
    try:
        for name, temporary in written.items():
            entry = folder / name
            aside = None
            if os.path.lexists(entry):
                # a rename, never a write: an entry that appears under this name is replaced
                aside = str(folder / f".{name}.{os.urandom(6).hex()}.old")
                os.replace(entry, aside)
            moved.append((entry, aside))
            os.replace(temporary, entry)
    except OSError as err:
        lost = _put_back(moved)
        _remove(written.values())
        outcome = "nothing was written" if not lost else f"{', '.join(lost)} may be lost"
        raise WriteError(f"cannot write into {folder}: {err.strerror or err}; {outcome}") from None
    _remove(aside for _, aside in moved if aside is not None)


def _put_back(moved: list[tuple[Path, str | None]]) -> list[str]:
    """Undo _rename_all's renames, last first; the names that could not be restored."""
    lost = []
    for entry, aside in reversed(moved):
        try:
            if aside is not None:
                os.replace(aside, entry)
            elif os.path.lexists(entry):
                os.unlink(entry)
        except OSError:
            lost.append(str(entry if aside is None else aside))
    return lost


def _remove(names: Iterable[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)
