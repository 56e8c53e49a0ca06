"""What every command shares: its Settings and Output (both reached through the click
context), the command classes that declare the global and output options once, and the one
way a command writes to stdout and stderr.

A command is a Typer function registered in its module's `app` with `cls=command_class(...)`:
- every command takes the global options after its name too (`timeline --no-color`): the
  class adds them as hidden options and copies what was given into the Settings;
- a command that prints records takes --json, --format, --fields and --no-header: the class
  adds them, builds the Output and keeps it in ctx.meta; `--fields help` lists the fields of
  what that command prints;
- errors of the project (SpacefactsError) become one message per line on stderr and the
  documented exit code; a compiled fact base found damaged is removed and the command run
  once more (a second failure is a data error, exit 3).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperOption

from spacefacts import dates, db, factbase
from spacefacts.errors import (
    BadValueError,
    CacheError,
    ExitCode,
    FactBaseError,
    OutputError,
    SpacefactsError,
    WriteError,
)
from spacefacts.model import JsonRecord, fields_of
from spacefacts.serialise import Format, Output, Style, shows


class Settings:
    """The global options, kept in ctx.obj of the root context; the fact base is opened once,
    on first use."""

    def __init__(
        self,
        data: Path | None = None,
        personal: Path | None = None,
        no_color: bool = False,
        no_cache: bool = False,
        no_pager: bool = False,
        quiet: bool = False,
        lang: str | None = None,
    ) -> None:
        self.data, self.personal = data, personal
        self.no_color, self.no_cache, self.no_pager, self.quiet = (
            no_color,
            no_cache,
            no_pager,
            quiet,
        )
        self.lang = lang  # as given; common.language decides
        self._database: db.Database | None = None

    def files(self) -> list[factbase.FactFile]:
        return factbase.fact_files(self.data, self.personal)

    def database(self) -> db.Database:
        if self._database is None:
            self._database = db.open_factbase(self.files(), db.enabled(self.no_cache))
        return self._database

    def loaded(self) -> list[Path]:
        """The fact files in use: an output file must never replace one of them."""
        return [f.path for f in self.files()]


def path_option(flag: str, value: str | None) -> Path | None:
    """A file option's value as a path; an empty one is refused (it must never mean the
    default file)."""
    if value is None:
        return None
    if not value.strip():
        raise BadValueError(f"{flag} {value!r} names no file: give a path (or '-' for stdin)")
    return Path(value)


def settings(ctx: typer.Context) -> Settings:
    """The Settings of this run (the root context's obj)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):  # completing: the root's callback has not run
        params = root.params
        data, personal = params.get("data"), params.get("personal")
        root.obj = Settings(Path(data) if data else None, Path(personal) if personal else None)
    return root.obj


_OUTPUT = "spacefacts.output"


def output(ctx: typer.Context) -> Output:
    """The Output the command's output options asked for."""
    found = ctx.meta.get(_OUTPUT)
    assert isinstance(found, Output), "the command must be registered with prints(...)"
    return found


# --- the options, declared once ------------------------------------------------------------

# Global options: on the root (documented there) and, hidden, after every command name.
_GLOBAL_FLAGS = {
    "no_color": "--no-color",
    "no_cache": "--no-cache",
    "no_pager": "--no-pager",
    "quiet": "--quiet",
}
_GLOBAL_PATHS = {"data": "--data", "personal": "--personal"}
LANGUAGES = ("en", "zh")
ENV_LANG = "SPACEFACTS_LANG"


def language(given: str | None) -> str:
    """--lang, else $SPACEFACTS_LANG, else a Chinese locale (LC_ALL, LC_MESSAGES, LANG: zh_*)
    means zh; else en."""
    import os

    if given is None:
        given = os.environ.get(ENV_LANG) or None
    if given is None:
        for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
            locale = os.environ.get(name)
            if locale:
                return "zh" if locale.lower().startswith("zh") else "en"
        return "en"
    chosen = given.strip().lower().replace("_", "-").split("-")[0]
    if chosen not in LANGUAGES:
        raise BadValueError(f"--lang {given!r}: give {' or '.join(LANGUAGES)}")
    return chosen


def _global_params() -> list[TyperOption]:
    params = [
        TyperOption(param_decls=[name, flag], is_flag=True, default=False, hidden=True)
        for name, flag in _GLOBAL_FLAGS.items()
    ]
    params += [
        TyperOption(param_decls=[name, flag], type=str, hidden=True)
        for name, flag in _GLOBAL_PATHS.items()
    ]
    params.append(
        TyperOption(param_decls=["quiet_short", "-q"], is_flag=True, default=False, hidden=True)
    )
    params.append(TyperOption(param_decls=["lang", "--lang"], type=str, hidden=True))
    return params


def _output_params(shapes: Sequence[str]) -> list[TyperOption]:
    formats = "|".join(f.value for f in Format)
    return [
        TyperOption(
            param_decls=["as_json", "--json"], is_flag=True, help="Shorthand for --format json."
        ),
        TyperOption(
            param_decls=["fmt", "--format"],
            type=str,
            metavar=f"[{formats}]",
            help="Output format (default: table).",
        ),
        TyperOption(
            param_decls=["fields", "--fields"],
            type=str,
            multiple=True,
            metavar="FIELDS",
            help="Comma-separated fields to show (repeatable); `--fields help` lists them.",
            autocompletion=lambda ctx, args, incomplete: _complete_fields(shapes, incomplete),
        ),
        TyperOption(
            param_decls=["no_header", "--no-header"],
            is_flag=True,
            help="No header line in plain and CSV output.",
        ),
    ]


def _complete_fields(shapes: Sequence[str], incomplete: str) -> list[str]:
    names = sorted({f for shape in shapes for f in fields_of(shape)})
    head, _, last = incomplete.rpartition(",")
    prefix = head + "," if head else ""
    return [prefix + n for n in names if n.startswith(last)]


def help_option(option: Any) -> Any:
    """click's --help option, printing through `write` (a closed pipe ends with 141 there too,
    as for every other output)."""
    if option is None:
        return None

    def show(ctx: typer.Context, param: Any, value: bool) -> None:
        if not value or ctx.resilient_parsing:
            return
        guarded(lambda: write(ctx.get_help() + "\n"))
        raise typer.Exit()

    option.callback = show
    return option


class Command(TyperCommand):
    """A spacefacts command: global options after its name, errors as messages."""

    def get_help_option(self, ctx: Any) -> Any:
        return help_option(super().get_help_option(ctx))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_global_params())

    # the command's words may start with "-" ("search landing -moon"): one that names no
    # option is a word, not an unknown option
    dash_words = False

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """As click parses, but an option of one value given twice is refused (click would
        keep the last silently)."""
        if self.dash_words:
            args = self._dash_words(ctx, args)
        if not ctx.resilient_parsing:
            _, _, order = self.make_parser(ctx).parse_args(args=list(args))
            seen: dict[str, int] = {}
            for param in order:
                if param.param_type_name == "option" and not param.multiple:
                    if getattr(param, "is_flag", False) or getattr(param, "count", False):
                        continue
                    seen[param.name or ""] = seen.get(param.name or "", 0) + 1
                    if seen[param.name or ""] == 2:
                        raise typer.BadParameter(
                            "given more than once: give it once", ctx=ctx, param=param
                        )
        return super().parse_args(ctx, args)

    def _dash_words(self, ctx: Any, args: list[str]) -> list[str]:
        """`args` with each "-word" that is no option behind a space click does not parse."""
        takes_value: set[str] = set()
        flags: set[str] = set()
        for param in self.get_params(ctx):
            if param.param_type_name == "option":
                names = [*param.opts, *param.secondary_opts]
                (flags if getattr(param, "is_flag", False) else takes_value).update(names)
        kept: list[str] = []
        value_next = False
        for index, arg in enumerate(args):
            if arg == "--":
                return kept + args[index:]
            word = arg.startswith("-") and arg != "-" and not value_next
            name = arg.split("=", 1)[0]
            # an option as named, or short flags run together ("-qj" if both are flags)
            cluster = not arg.startswith("--") and all(f"-{c}" in flags for c in arg[1:])
            if word and (name in flags or name in takes_value or cluster):
                word = False
            kept.append(" " + arg if word else arg)
            value_next = not value_next and name in takes_value and "=" not in arg
        return kept

    def invoke(self, ctx: Any) -> Any:
        return guarded(lambda: self._invoke(ctx))

    def _invoke(self, ctx: typer.Context) -> Any:
        given = settings(ctx)
        quiet_short = ctx.params.pop("quiet_short", False)
        for name in _GLOBAL_FLAGS:
            if ctx.params.pop(name, False):
                setattr(given, name, True)
        for name, flag in _GLOBAL_PATHS.items():
            value = ctx.params.pop(name, None)
            if value is not None:
                setattr(given, name, path_option(flag, value))
        given.quiet = given.quiet or quiet_short
        lang = ctx.params.pop("lang", None)
        if lang is not None:
            given.lang = lang
        if os.environ.get(dates.ENV_TODAY):
            dates.today()  # a malformed value is refused by every command, cache warm or cold
        return self.run(ctx)

    def run(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as err:
            current = settings(ctx)._database
            if current is None or not db.discard(current):
                raise CacheError(f"the compiled fact base failed: {err}") from None
            say(ctx, f"the cache file {current.cache} was damaged ({err}); it is compiled again")
            settings(ctx)._database = None
            try:
                return super().invoke(ctx)
            except sqlite3.DatabaseError as again:
                raise CacheError(f"the compiled fact base failed: {again}") from None


class RecordCommand(Command):
    """A command that prints records: the output options, and an Output in ctx.meta."""

    shapes: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_output_params(self.shapes))

    def run(self, ctx: typer.Context) -> Any:
        params = ctx.params
        options = {n: params.pop(n) for n in ("as_json", "fmt", "fields", "no_header")}
        names = _field_names(options["fields"])
        if names == ["help"]:
            write(print_fields(self.shapes))
            return None
        ctx.meta[_OUTPUT] = make_output(settings(ctx), options, names)
        return super().run(ctx)


def prints(*shapes: str, dash_words: bool = False) -> type[RecordCommand]:
    """The command class of a command that prints records of these kinds or shapes."""
    attributes = {"shapes": shapes, "dash_words": dash_words}
    return type(f"Prints_{'_'.join(shapes)}", (RecordCommand,), attributes)


def examples(text: str) -> str:
    """A command's epilog: its example command lines, printed as written (click's \\b)."""
    lines = "\n".join(f"  $ {line}" for line in text.splitlines())
    return "\b\nExamples:\n" + lines


def _field_names(given: Sequence[str]) -> list[str] | None:
    """--fields a,b --fields c: every name, in order, once; None when not given."""
    if not given:
        return None
    names = [n.strip() for value in given for n in value.split(",") if n.strip()]
    if not names:
        raise BadValueError("--fields names no field: give e.g. --fields id,date,title")
    return list(dict.fromkeys(names))


def make_output(given: Settings, options: dict[str, Any], names: list[str] | None) -> Output:
    """The Output the options ask for, on stdout."""
    fmt = _format(options["fmt"])
    if options["as_json"] and fmt not in (None, Format.json):
        raise BadValueError(f"--json and --format {fmt} disagree: give one of them")
    chosen = fmt or (Format.json if options["as_json"] else Format.table)
    style = Style.detect(sys.stdout, given.no_color)
    header = not options["no_header"]
    lang = language(given.lang)
    return Output(chosen, names, style, header, not shows("嫦娥\u2019"), lang)


def _format(value: str | None) -> Format | None:
    if value is None:
        return None
    from spacefacts.query import lookup

    formats = [f.value for f in Format]
    return Format(lookup("format", value.strip().lower(), {}, formats))


def print_fields(shapes: Sequence[str]) -> str:
    """`--fields help`: the fields of what this command prints, one kind per line."""
    return "".join(f"{shape}: {', '.join(fields_of(shape))}\n" for shape in shapes)


# --- errors --------------------------------------------------------------------------------


def guarded(run: Callable[[], Any]) -> Any:
    """Run a command (or the root's callback); the project's errors become a message on
    stderr and their exit code."""
    try:
        return run()
    except SpacefactsError as err:
        report(err)
        raise typer.Exit(err.exit_code) from None
    except BrokenPipeError:  # `| head` has read what it wanted: end quietly, as shells expect
        raise typer.Exit(ExitCode.PIPE) from None


def report(err: SpacefactsError) -> None:
    """An error's lines on stderr, control characters made visible."""
    from spacefacts.text import visible

    prefix = "" if isinstance(err, FactBaseError) else "spacefacts: error: "
    for line in err.lines():
        typer.echo(visible(prefix + line), err=True)


# --- writing -------------------------------------------------------------------------------


def say(ctx: typer.Context, message: str) -> None:
    """A note on stderr (what was done, what was left out); silenced by --quiet."""
    if not settings(ctx).quiet:
        warn(message)


def warn(message: str) -> None:
    """A warning on stderr, shown even with --quiet."""
    from spacefacts.text import visible

    typer.echo(visible(f"spacefacts: {message}"), err=True)


def write(text: str) -> None:
    """Text on standard output, in its encoding (see write_bytes)."""
    if text:
        write_bytes(text.encode(sys.stdout.encoding or "utf-8"))


def write_bytes(data: bytes) -> None:
    """Bytes on standard output, every one or an error (exit 1).

    Written to the descriptor when stdout has one, a short write retried (with
    PYTHONUNBUFFERED=1, Python's own text layer would drop the rest); else to sys.stdout's
    buffer (a test's in-memory stream).
    """
    from spacefacts import fileio

    stream = sys.stdout
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()
        return
    stream.flush()
    try:
        fileio.write_all(fd, data, "standard output")
    except WriteError as err:
        reason = str(err).removeprefix("cannot write standard output: ")
        raise OutputError(f"cannot write output: {reason}") from None


def emit(ctx: typer.Context, text: str, note: str = "") -> None:
    """A command's output: through the pager when it is long, at a terminal. `note` (e.g.
    "showing 10 of 15") goes to stderr after the output, where the reader sees it."""
    out = ctx.meta.get(_OUTPUT)
    if text:
        from spacefacts import pager

        fancy = out.style.fancy if isinstance(out, Output) else False
        if fancy and not settings(ctx).no_pager and pager.wanted(text):
            pager.page(text, write)
        else:
            write(text)
    if note and not (isinstance(out, Output) and out.serialised):  # a note for a reader
        say(ctx, note)


def emit_records(
    ctx: typer.Context,
    shape: str,
    found: Sequence[JsonRecord],
    title: str | None = None,
    note: str = "",
) -> None:
    """Records in the chosen format; an empty table says so on stderr and prints nothing."""
    from spacefacts import views

    out = output(ctx)
    if not found and not out.serialised:
        views.check_fields(shape, out.fields)
        say(ctx, "nothing found")
        return
    if out.lang == "zh" and not out.serialised:  # JSON always carries both names
        found = views.localise(found, chinese_names(ctx))
    emit(ctx, views.records(out, shape, found, title), note)


def chinese_names(ctx: typer.Context) -> dict[str, str]:
    """Every record's Chinese name, by id (for --lang zh)."""
    from spacefacts import query

    return query.chinese_names(settings(ctx).database())


def write_file(ctx: typer.Context, target: str | None, data: str | bytes) -> None:
    """Output to stdout or to a file (--output): never onto a fact file in use."""
    from spacefacts import fileio

    raw = data.encode("utf-8") if isinstance(data, str) else data
    if target is None or fileio.output_descriptor(target) == 1:
        write_bytes(raw)
    elif fileio.write_output(target, raw, settings(ctx).loaded()):
        say(ctx, f"wrote {target}")
