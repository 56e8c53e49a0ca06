"""The `spacefacts` command and `python -m spacefacts`: the CLI, started and ended cheaply.

- The cyclic garbage collector is off for the run: a command's objects are almost all acyclic
  and short-lived, and scanning them again and again frees nothing (docs/performance.md).
- Output that cannot be written (a full disk, a closed stdout, an encoding that cannot show
  the text) is one line on stderr and exit 1; a closed pipe (`| head`) ends the run quietly
  with 141 (128 + SIGPIPE); Ctrl-C says so and exits 130, as shells expect.
- The interpreter leaves with os._exit after flushing, not by freeing every object.
Only the command does this: importing spacefacts as a library changes nothing.
"""

import contextlib
import gc
import os
import sys

from spacefacts.errors import ExitCode

FAILURE, INTERRUPTED, PIPE = ExitCode.FAILURE, ExitCode.INTERRUPTED, ExitCode.PIPE


def run() -> None:
    """Console-script entry point."""
    gc.disable()
    if sys.stdout is None or sys.stderr is None:  # started with `>&-` or `2>&-`
        _closed()
    code = 0
    try:
        from spacefacts.cli import main

        main()
    except SystemExit as done:  # how click ends every run, errors included
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else FAILURE)
        if isinstance(done.code, str):
            _say(done.code)
        if code == INTERRUPTED:  # Typer turns Ctrl-C into Exit(130), silently
            _say("spacefacts: interrupted")
    except KeyboardInterrupt:
        _say("spacefacts: interrupted")
        code = INTERRUPTED
    except BrokenPipeError:
        code = PIPE
    except OSError as err:  # stdout to a full disk, a device that refuses writes
        _say(f"spacefacts: error: cannot write output: {err.strerror or err}")
        code = FAILURE
    except UnicodeEncodeError as err:  # PYTHONIOENCODING=ascii and Chinese text
        _say(f"spacefacts: error: cannot write output: {_unencodable(err)}")
        code = FAILURE
    code = _flush(code)
    os._exit(code)


def _unencodable(err: UnicodeEncodeError) -> str:
    """Which character the output encoding cannot show, and what to do about it."""
    found = err.object[err.start : err.end][:1] if isinstance(err.object, str) else ""
    shown = f" U+{ord(found):04X}" if found else ""
    return (
        f"the output encoding ({err.encoding}) cannot show the character{shown}; "
        "set PYTHONIOENCODING=utf-8, or use --json (which escapes it)"
    )


def _flush(code: int) -> int:
    """Flush stdout and stderr; a failure to is an error of its own (exit 1, or 141 for a pipe)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return code or PIPE
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or err
        _say(f"spacefacts: error: cannot write output: {reason}")
        code = code or FAILURE
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or FAILURE
    return code


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(message, file=sys.stderr, flush=True)


def _closed() -> None:
    """Standard output or error is closed: say so where possible and stop."""
    with contextlib.suppress(OSError):
        os.write(2, b"spacefacts: error: standard output is closed\n")
    os._exit(FAILURE)


if __name__ == "__main__":
    run()
