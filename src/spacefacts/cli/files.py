"""Commands for fact files as files: validate, export; and writing any output file safely."""

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from spacefacts import factbase, paths, store
from spacefacts.cli import command, emit_records, say, settings
from spacefacts.errors import BadValueError, ExitCode, Problem, WriteError
from spacefacts.model import Kind
from spacefacts.render import Output


@command(example="spacefacts validate\nspacefacts validate data/facts.toml --json")
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[FILE]...",
            help="Fact files to check together (default: the base file and your personal file).",
            show_default=False,
        ),
    ] = None,
    *,
    out: Output,
) -> None:
    """Check fact files and report every problem, one per line (exit 3 if any error)."""
    chosen = _files_to_check(files) if files else settings().files()
    records, problems = factbase.check(chosen, strict=True)
    errors = [p for p in problems if p.severity == "error"]
    if out.serialised or out.fields is not None:
        emit_records(out, "problem", [p.as_record() for p in problems], "Problems")
    else:
        from spacefacts.text import visible

        for problem in problems:
            sys.stdout.write(visible(str(problem)) + "\n")
        say(_summary(records, problems, len(chosen)))
    if errors:
        raise typer.Exit(ExitCode.DATA)


def _files_to_check(given: list[Path]) -> list[factbase.FactFile]:
    """The files named; your personal file among them is checked merged over the base, as it
    is used (its records may point to the base's programs, topics and sources)."""
    personal = paths.personal_file(settings().personal)
    chosen = [
        factbase.FactFile(p, factbase.PERSONAL if paths.same_file(p, personal) else str(p))
        for p in given
    ]
    if any(f.origin == factbase.PERSONAL for f in chosen):
        base = factbase.base_file(settings().data)
        if not any(paths.same_file(f.path, base.path) for f in chosen):
            chosen.insert(0, base)
    return chosen


def _summary(records: factbase.Records, problems: list[Problem], n_files: int) -> str:
    def count(n: int, what: str) -> str:
        return f"{n} {what}" if n == 1 else f"{n} {what}s"

    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    tail = f", {count(warnings, 'warning')}" if warnings else ""
    if errors:
        bad = len({p.file for p in errors})
        where = count(n_files, "file") if bad == n_files else f"{bad} of {n_files} files"
        return f"{count(len(errors), 'problem')} in {where}{tail}"
    return f"{count(n_files, 'file')}, {count(records.count(), 'record')}, no problems{tail}"


FORMATS = ("toml", "json", "csv", "sqlite", "ics")


@command(
    output=False,
    example="spacefacts export > all-facts.toml\n"
    "spacefacts export --only personal --format json --output my-facts.json\n"
    "spacefacts export --format csv --output csv/\n"
    "spacefacts export --format sqlite --output facts.db\n"
    "spacefacts export --format ics --output anniversaries.ics",
)
def export(
    fmt: Annotated[
        str,
        typer.Option("--format", help="toml (default), json, csv, sqlite or ics."),
    ] = "toml",
    as_json: Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")] = False,
    only: Annotated[
        store.Only | None,
        typer.Option("--only", case_sensitive=False, help="Only the personal or the base records."),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="csv, ics: only this kind (repeatable)."),
    ] = None,
    program: Annotated[
        list[str] | None, typer.Option("--program", help="ics: only this program (repeatable).")
    ] = None,
    bom: Annotated[
        bool, typer.Option("--bom", help="csv: start each file with a UTF-8 byte-order mark.")
    ] = False,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write to FILE (csv: a DIRECTORY, one file per kind)."),
    ] = None,
    target: Annotated[
        str | None,
        typer.Argument(metavar="[FILE]", help="The same as --output FILE.", show_default=False),
    ] = None,
) -> None:
    """Write the fact base as a fact file (TOML, JSON), CSV, an SQLite database or a calendar."""
    from spacefacts.cli import exporting

    if target is not None and output is not None and target != output:
        raise BadValueError(f"give the file once: {target!r} or --output {output!r}")
    output = output or target
    chosen = "json" if as_json else fmt.lower()
    if chosen not in FORMATS:
        raise BadValueError(f"--format {fmt!r}: give one of {', '.join(FORMATS)}")
    if as_json and fmt.lower() not in ("toml", "json"):
        raise BadValueError(f"--json and --format {fmt} disagree: give one of them")
    for given, option, formats in (
        (kind, "--kind", ("csv", "ics")),
        (program, "--program", ("ics",)),
        (bom, "--bom", ("csv",)),
    ):
        if given and chosen not in formats:
            raise BadValueError(f"{option} goes with --format {' or '.join(formats)}")
    exporting.run(chosen, only, kind or [], program or [], bom, output)


def write_output(target: str | None, text: str | bytes, check_loaded: bool = True) -> None:
    """Write `text` to stdout (None, "-"), a descriptor, a FIFO or device, or a regular file.

    Regular files are replaced atomically; anything else is written in place, never replaced.
    A file that is one of the loaded fact files is refused (export checks its own case first).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd = 1 if target is None else paths.output_descriptor(target)
    if fd == 1:  # "-", /dev/stdout: written in place, never opened (that would truncate a log)
        _write_stdout(data)
        return
    if fd is not None:
        sys.stdout.flush()
        _write_fd(fd, data, str(target))
        return
    assert target is not None
    path = Path(target)
    if check_loaded and any(paths.same_file(path, f.path) for f in settings().files()):
        raise WriteError(
            f"refusing to write {target}: it is a fact file in use (--data or personal)"
        )
    if paths.is_special_output(path):
        try:
            # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of waiting forever
            out = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError as err:
            import errno

            reason = err.strerror or str(err)
            if err.errno == errno.ENXIO:
                reason = "it is a FIFO that no process is reading"
            raise WriteError(f"cannot write {target}: {reason}") from None
        try:
            os.set_blocking(out, True)
            _write_fd(out, data, target)
        finally:
            os.close(out)
        return
    paths.write_atomic(path, data)
    say(f"wrote {target}")


def _write_stdout(data: bytes) -> None:
    """Bytes on standard output, after any text already written there. A failure is the
    command's output failing (exit 1, reported by __main__), as for every other command."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _write_fd(fd: int, data: bytes, name: str) -> None:
    view = memoryview(data)
    try:
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except BrokenPipeError:
        raise
    except OSError as err:
        raise WriteError(f"cannot write {name}: {err.strerror or err}") from None


__all__ = ["Kind", "export", "validate", "write_output"]
