"""`spacefacts validate`: check fact files and report every problem, one per line."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from spacefacts import factbase, fileio, paths
from spacefacts.cli.common import emit_records, examples, output, prints, say, settings, write
from spacefacts.errors import ExitCode, Problem

app = typer.Typer()


@app.command(
    "validate",
    cls=prints("problem"),
    epilog=examples(
        "spacefacts validate\nspacefacts validate data/facts.toml --json\n"
        "spacefacts validate - < my-facts.toml"
    ),
)
def validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[FILE]...",
            help="Fact files to check together, '-' for standard input (default: the base file "
            "and your personal file).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check fact files and report every problem, one per line (exit 3 if any error)."""
    chosen = _files_to_check(ctx, files) if files else settings(ctx).files()
    records, problems = factbase.check(chosen, strict=True)
    errors = [p for p in problems if p.severity == "error"]
    out = output(ctx)
    if out.serialised or out.fields is not None:
        emit_records(ctx, "problem", [p.as_record() for p in problems], "Problems")
    else:
        from spacefacts.text import visible

        write("".join(visible(str(problem)) + "\n" for problem in problems))
        say(ctx, _summary(records, problems, len(chosen)))
    if errors:
        raise typer.Exit(ExitCode.DATA)


def _files_to_check(ctx: typer.Context, given: list[Path]) -> list[factbase.FactFile]:
    """The files named, each once (a file named twice is one file); your personal file among
    them is checked merged over the base, as it is used (its records may point to the base's
    programs, topics and sources)."""
    personal = paths.personal_file(settings(ctx).personal)
    chosen: list[factbase.FactFile] = []
    for path in given:
        if any(f.path == path or fileio.same_file(f.path, path) for f in chosen):
            continue
        mine = fileio.same_file(path, personal)
        origin = factbase.PERSONAL if mine else factbase.origin_label(path)
        chosen.append(factbase.FactFile(path, origin))
    if any(f.origin == factbase.PERSONAL for f in chosen):
        base = factbase.base_file(settings(ctx).data)
        if not any(fileio.same_file(f.path, base.path) for f in chosen):
            chosen.insert(0, base)
    return chosen


def _summary(records: factbase.Records, problems: list[Problem], n_files: int) -> str:
    def count(n: int, what: str) -> str:
        return f"{n} {what}" if n == 1 else f"{n} {what}s"

    errors = [p for p in problems if p.severity == "error"]
    warnings = sum(p.severity == "warning" for p in problems)
    notes = sum(p.severity == "note" for p in problems)  # e.g. a record that replaces another
    tail = f", {count(warnings, 'warning')}" if warnings else ""
    tail += f", {count(notes, 'note')}" if notes else ""
    if errors:
        bad = len({p.file for p in errors})
        where = count(n_files, "file") if bad == n_files else f"{bad} of {n_files} files"
        return f"{count(len(errors), 'problem')} in {where}{tail}"
    return f"{count(n_files, 'file')}, {count(records.count(), 'record')}, no problems{tail}"


__all__ = ["app", "sys"]
