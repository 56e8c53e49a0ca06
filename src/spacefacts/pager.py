"""Long output at a terminal goes through a pager, as git and gh do; never when piped.

The pager is $SPACEFACTS_PAGER, else $PAGER, else `less -FRX` (quit if it fits on one screen,
keep colours, leave the text on the screen). --no-pager, SPACEFACTS_NO_PAGER=1 or an empty
SPACEFACTS_PAGER turn it off. Only fancy (terminal) output is paged, so a pipe costs nothing.

Output is never lost to a pager: one that cannot start, or that ends without reading anything
(`PAGER=true`, `SPACEFACTS_PAGER=false`), gets the text printed directly instead. A pager the
user quits after reading part of the text (q in less) is not second-guessed.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable

ENV_PAGER = "SPACEFACTS_PAGER"
ENV_NO_PAGER = "SPACEFACTS_NO_PAGER"
_CHUNK = 1 << 16


def command() -> list[str] | None:
    """The pager command line, or None when paging is off."""
    if os.environ.get(ENV_NO_PAGER, "") not in ("", "0"):
        return None
    chosen = os.environ.get(ENV_PAGER)
    if chosen is None:
        chosen = os.environ.get("PAGER") or "less -FRX"
    import shlex

    try:
        parts = shlex.split(chosen)
    except ValueError:
        return None
    if not parts or parts[0] == "cat":
        return None
    return parts


def wanted(text: str) -> bool:
    """Whether `text` is taller than the terminal and stdout is one."""
    if command() is None:
        return False
    try:
        if not sys.stdout.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    return text.count("\n") >= shutil.get_terminal_size((80, 24)).lines


def page(text: str, write: Callable[[str], None]) -> None:
    """Show `text` through the pager; `write` it directly if the pager does not take it."""
    parts = command()
    if parts is None:
        write(text)
        return
    if not _through(parts, text.encode(sys.stdout.encoding or "utf-8", "replace")):
        write(text)


def _through(parts: list[str], data: bytes) -> bool:
    """Give `data` to the pager; False if it could not start or read none of it."""
    import select
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(parts, stdin=read_end, env=env)
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return False
    # The read end stays open here too: what the pager leaves unread can be measured, and a
    # pager that is gone can never make a write fail with a broken pipe.
    os.set_blocking(write_end, False)
    sent = 0
    try:
        while sent < len(data):
            try:
                sent += os.write(write_end, data[sent : sent + _CHUNK])
            except BlockingIOError:
                if process.poll() is not None:
                    break  # the pager is gone: the rest is never read
                select.select([], [write_end], [], 0.05)
    finally:
        os.close(write_end)
    process.wait()  # the pager runs as long as its reader reads: that is its purpose
    unread = _unread(read_end)
    os.close(read_end)
    return not (sent and unread == sent)


def _unread(fd: int) -> int:
    """How many bytes wait in the pipe (0 where that cannot be known)."""
    try:
        import fcntl
        import struct
        import termios

        raw = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
        return int(struct.unpack("i", raw)[0])
    except (ImportError, OSError):
        return 0
