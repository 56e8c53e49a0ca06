"""The `spacefacts` command and `python -m spacefacts`: the CLI, started and ended cheaply.

A run is a short-lived process whose objects are almost all acyclic: the modules Typer and click
create at import, then, for a large fact base, millions of parsed strings, lists and records.
- The cyclic garbage collector would scan them again and again and free nothing, so the
  command turns it off (reference counting still frees memory as usual).
- Tearing the interpreter down would then free every one of them, one by one, after the output
  is written: the command flushes its output and leaves with os._exit instead.
Measured in README.md, "Performance". Only the command does this: importing spacefacts as a
library leaves the collector and the interpreter's exit alone.
"""

import gc
import os
import sys


def run() -> None:
    """Console-script entry point."""
    gc.disable()
    from spacefacts.cli import main

    try:
        main()
        code = 0
    except SystemExit as done:  # how click ends every run, errors included
        if done.code is None or isinstance(done.code, int):
            code = done.code or 0
        else:
            print(done.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
