"""The project's error types and exit codes: everything the CLI turns into a message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import NamedTuple


class ExitCode(IntEnum):
    """Process exit codes; documented in docs/exit-codes.md."""

    OK = 0
    FAILURE = 1  # output could not be written, or a bug
    USAGE = 2  # bad option or unknown value (topic, program, id, field, kind)
    DATA = 3  # a fact file cannot be read or is invalid
    WRITE = 4  # a file could not be written (or locked in time); the old one is intact
    UPDATE = 5  # `update` could not fetch or would not install a fact base; nothing replaced
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
    PIPE = 141  # the reader closed standard output (128 + SIGPIPE), as `| head` does


class Problem(NamedTuple):
    """One problem found in a fact file, located as precisely as known."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    record: str | None = None
    field: str | None = None
    severity: str = "error"  # or "warning": reported, never fails a load

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        what = ".".join(part for part in (self.record, self.field) if part)
        message = self.message if self.severity == "error" else f"{self.severity}: {self.message}"
        return f"{where}: {what}: {message}" if what else f"{where}: {message}"

    def as_record(self) -> dict[str, str | int | None]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "id": self.record,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


class SpacefactsError(Exception):
    """Base of every error the CLI reports as a message rather than a traceback."""

    exit_code: ExitCode = ExitCode.USAGE

    def lines(self) -> list[str]:
        return [str(self)]


class FactBaseError(SpacefactsError):
    """A fact file is unreadable or invalid; carries every problem found."""

    exit_code = ExitCode.DATA

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class UnknownValueError(SpacefactsError):
    """A looked-up value (topic, program, id, field, kind) does not exist.

    The message names the closest known values (one wording for every look-up: "did you mean
    'a' or 'b'?"), else lists the known values when they are few, else names the command that
    lists them, or says what to do (`hint`).
    """

    exit_code = ExitCode.USAGE

    def __init__(
        self, what: str, value: str, known: Sequence[str], close: Sequence[str], hint: str = ""
    ) -> None:
        from spacefacts.text import did_you_mean

        self.what, self.value = what, value
        self.known, self.close = tuple(known), tuple(close)
        message = f"unknown {what} {value!r}"
        if close:
            message += f"; {did_you_mean(close)}"
        elif known or hint:
            message += "."
        if known:
            message += f" Known {what}s: {', '.join(known)}"
        elif hint and not close:
            message += f" {hint}"
        super().__init__(message)


class PathError(SpacefactsError):
    """A path spacefacts needs cannot be found or checked."""

    exit_code = ExitCode.DATA


class FileProblem(PathError):
    """A file cannot be read or checked: missing, not a regular file, too large, a link loop."""

    def __init__(self, path: object, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")


class CacheError(SpacefactsError):
    """The compiled fact base (the cache) failed even when compiled again."""

    exit_code = ExitCode.DATA


class OutputError(SpacefactsError):
    """Standard output could not be written (a full disk, a file size limit)."""

    exit_code = ExitCode.FAILURE


class BadValueError(SpacefactsError):
    """A value given on the command line has the wrong form (a date, an empty search text)."""

    exit_code = ExitCode.USAGE


class WriteError(SpacefactsError):
    """A write to a fact file failed; the previous file is left as it was."""

    exit_code = ExitCode.WRITE


class RejectedRecordError(SpacefactsError):
    """A record to add would make the fact base invalid; nothing was written."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: Sequence[Problem], path: str) -> None:
        self.problems, self.path = tuple(problems), path
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        found = []
        for p in self.problems:
            what = ".".join(part for part in (p.record, p.field) if part)
            found.append(f"{what}: {p.message}" if what else p.message)
        return [*found, f"nothing was written to {self.path}"]
