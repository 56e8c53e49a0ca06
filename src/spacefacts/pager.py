"""Long output at a terminal goes through a pager, as git and gh do; never when piped.

The pager is $SPACEFACTS_PAGER, else $PAGER, else `less -FRX` (quit if it fits on one screen,
keep colours, leave the text on the screen). --no-pager, SPACEFACTS_NO_PAGER=1 or an empty
SPACEFACTS_PAGER turn it off. Only fancy (terminal) output is paged, so a pipe costs nothing.
"""

from __future__ import annotations

import os
import shutil
import sys

ENV_PAGER = "SPACEFACTS_PAGER"
ENV_NO_PAGER = "SPACEFACTS_NO_PAGER"


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


def page(text: str) -> None:
    """Show `text` through the pager; print it directly if the pager cannot start."""
    import subprocess

    parts = command()
    if parts is None:
        sys.stdout.write(text)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        process = subprocess.Popen(parts, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        return
    assert process.stdin is not None
    cut = False
    try:
        process.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
        process.stdin.close()
    except BrokenPipeError:  # the user quit the pager early, or it never read (PAGER=false)
        cut = True
    if process.wait() != 0 and cut:  # a pager that failed: the output must not be lost
        sys.stdout.write(text)
