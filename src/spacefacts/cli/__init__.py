"""The `spacefacts` command line: the app, its global options, and how every command prints.

Commands live by theme in reading.py (asking the fact base), personal.py (your own records)
and files.py (fact files: validate, export). Each is registered with @command, which adds the
output options (--json, --format, --fields, --no-header) once for all, hands the command an
Output, and turns the project's errors into one-line messages and exit codes.
"""

# No `from __future__ import annotations`: Typer evaluates the annotations of the parameters.
import functools
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from spacefacts import __version__, db, factbase, paths
from spacefacts.errors import BadValueError, ExitCode, FactBaseError, SpacefactsError
from spacefacts.model import JsonRecord
from spacefacts.render import Format, Output, Style, shows

_APP = {
    "name": "spacefacts",
    "help": "A sourced fact explorer for China's space exploration.",
    "no_args_is_help": True,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,  # plain help: rich help imports markdown and pygments (start-up)
    "context_settings": {"help_option_names": ["-h", "--help"], "max_content_width": 100},
    "add_completion": False,  # our own --show/--install-completion take the shell's name
}
app = typer.Typer(**_APP)  # type: ignore[arg-type]

F = TypeVar("F", bound=Callable[..., Any])

# Options that may come after the command name too; main() moves them in front of it.
GLOBAL_FLAGS = ("--no-color", "--no-cache", "--no-pager")
GLOBAL_VALUES = ("--data", "--personal")


@dataclass
class Settings:
    """Global options, kept in ctx.obj; the fact base is opened once, on first use."""

    data: Path | None = None
    personal: Path | None = None
    no_color: bool = False
    no_cache: bool = False
    no_pager: bool = False
    _database: db.Database | None = field(default=None, repr=False)

    def files(self) -> list[factbase.FactFile]:
        return factbase.fact_files(self.data, self.personal)

    def database(self) -> db.Database:
        if self._database is None:
            self._database = db.open_factbase(self.files(), db.enabled(self.no_cache))
        return self._database


_current: list[Settings] = []  # the Settings of the command being run (set by @command)


def settings() -> Settings:
    """The Settings of the command being run (ctx.obj of the root context)."""
    return _current[-1] if _current else Settings()


# --- the output options, declared once -----------------------------------------------------

_OUTPUT_PARAMS = [
    inspect.Parameter(
        "as_json",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")],
    ),
    inspect.Parameter(
        "fmt",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            Format | None,
            typer.Option("--format", case_sensitive=False, help="Output format (default: table)."),
        ],
    ),
    inspect.Parameter(
        "fields",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            str | None,
            typer.Option(
                "--fields",
                help="Comma-separated fields to show; `--fields help` lists them.",
                autocompletion=lambda incomplete: _complete_fields(incomplete),
            ),
        ],
    ),
    inspect.Parameter(
        "no_header",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[
            bool, typer.Option("--no-header", help="No header line in plain and CSV output.")
        ],
    ),
]


_CTX_PARAM = inspect.Parameter(
    "command_context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
)


def make_output(
    as_json: bool = False,
    fmt: Format | None = None,
    fields: str | None = None,
    no_header: bool = False,
) -> Output:
    """The Output the options ask for, on stdout."""
    chosen = fmt or (Format.json if as_json else Format.table)
    names = None
    if fields is not None:
        names = [f.strip() for f in fields.split(",") if f.strip()]
        if not names:
            raise BadValueError("--fields names no field: give e.g. --fields id,date,title")
    style = Style.detect(sys.stdout, settings().no_color)
    return Output(chosen, names, style, not no_header, sys.stdout, not shows("嫦娥\u2019"))


def _complete_fields(incomplete: str) -> list[str]:
    from spacefacts.model import Kind, fields_of

    names = sorted({f for k in Kind for f in fields_of(k.value)})
    head, _, last = incomplete.rpartition(",")
    prefix = head + "," if head else ""
    return [prefix + n for n in names if n.startswith(last)]


@dataclass(frozen=True)
class _Registration:
    group: typer.Typer | None
    name: str
    run: Callable[..., Any]
    epilog: str
    hidden: bool


# Every command is registered on `app` (for help, completion, docs and tests), and also kept
# here: a run of one command builds a Typer app of that command alone (_lean_app), since Typer
# builds the parameters of every registered command on each run, about 6 ms for all of them
# (docs/performance.md, start-up budget).
_COMMANDS: list[_Registration] = []
_GROUPS: dict[str, typer.Typer] = {}


def group(sub: typer.Typer, name: str) -> None:
    """Add a command group (e.g. `add`) to the app."""
    app.add_typer(sub, name=name)
    _GROUPS[name] = sub


def _lean_app(argv: Sequence[str]) -> typer.Typer | None:
    """An app of the one command argv runs; None for help, completion or an unknown name."""
    wanted = _command_name(argv)
    if wanted is None or COMPLETE_VAR in os.environ:
        return None
    chosen = [r for r in _COMMANDS if r.group is None and r.name == wanted]
    sub = _GROUPS.get(wanted)
    if not chosen and sub is None:
        return None
    lean = typer.Typer(**_APP)  # type: ignore[arg-type]
    lean.callback()(main_options)
    for r in chosen:
        lean.command(r.name, epilog=r.epilog, hidden=r.hidden)(r.run)
    if sub is not None:
        lean.add_typer(sub, name=wanted)
    return lean


def _command_name(argv: Sequence[str]) -> str | None:
    """The first word of argv that is not an option or a global option's value."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in GLOBAL_VALUES:
            skip = True
        elif arg == "--":
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def command(
    *, example: str, group: typer.Typer | None = None, name: str | None = None,
    output: bool = True, aliases: Sequence[str] = (),
) -> Callable[[F], F]:  # fmt: skip
    """Register a command whose help ends with `example`, whose errors become messages.

    With `output`, the command takes the output options and receives `out: Output`.
    """

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        params = [p for p in signature.parameters.values() if p.name != "out"]
        params.insert(0, _CTX_PARAM)

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            obj = kwargs.pop("command_context").find_root().obj
            _current.append(obj if isinstance(obj, Settings) else Settings())
            try:
                if output:
                    options = {p.name: kwargs.pop(p.name) for p in _OUTPUT_PARAMS}
                    if options["fields"] is not None and options["fields"].strip() == "help":
                        from spacefacts.cli.reading import print_fields

                        print_fields()
                        return None
                    kwargs["out"] = make_output(**options)
                return _run_once_more_if_the_cache_is_damaged(func, args, kwargs)
            except SpacefactsError as err:
                report(err)
                raise typer.Exit(err.exit_code) from None
            finally:
                _current.pop()

        if output:
            params += _OUTPUT_PARAMS
        run.__annotations__ = {
            "command_context": typer.Context,
            **{k: v for k, v in func.__annotations__.items() if k != "out"},
            **({p.name: p.annotation for p in _OUTPUT_PARAMS} if output else {}),
        }
        run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        lines = "\n".join(f"  $ {line}" for line in example.splitlines())
        epilog = "\b\nExamples:\n" + lines  # \b: click prints the block as written
        for label in (name or func.__name__.replace("_", "-"), *aliases):
            hidden = label in aliases
            (group or app).command(label, epilog=epilog, hidden=hidden)(run)
            _COMMANDS.append(_Registration(group, label, run, epilog, hidden))
        return func

    return decorate


def _run_once_more_if_the_cache_is_damaged(
    func: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any]
) -> Any:
    """Run a command; if the cache file turns out damaged, remove it and run it again."""
    import sqlite3

    try:
        return func(*args, **kwargs)
    except sqlite3.DatabaseError as err:
        current = settings()._database
        if current is None or not db.discard(current):
            raise SpacefactsError(f"the compiled fact base failed: {err}") from None
        say(f"the cache file {current.cache} was damaged ({err}); it is rebuilt")
        settings()._database = None
        try:
            return func(*args, **kwargs)
        except sqlite3.DatabaseError as again:
            raise SpacefactsError(f"the compiled fact base failed: {again}") from None


def report(err: SpacefactsError) -> None:
    """An error's lines on stderr, control characters made visible."""
    from spacefacts.text import visible

    prefix = "" if isinstance(err, FactBaseError) else "spacefacts: error: "
    for line in err.lines():
        typer.echo(visible(prefix + line), err=True)


def say(message: str) -> None:
    """A diagnostic on stderr."""
    from spacefacts.text import visible

    typer.echo(visible(f"spacefacts: {message}"), err=True)


def emit(out: Output, text: str) -> None:
    """Write a command's output: through the pager when it is long, at a terminal."""
    if not text:
        return
    from spacefacts import pager

    if out.style.fancy and not settings().no_pager and pager.wanted(text):
        pager.page(text)
        return
    sys.stdout.write(text)


def emit_records(
    out: Output, kind: str, found: Sequence[JsonRecord], title: str | None = None
) -> None:
    """Records in the chosen format; an empty table says so on stderr and prints nothing."""
    from spacefacts import render

    if not found and not out.serialised:
        render.check_fields(kind, out.fields)
        say("nothing found")
        return
    emit(out, render.records(out, kind, found, title))


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
COMPLETE_VAR = "_SPACEFACTS_COMPLETE"


def _completion(shell: str | None, install: bool) -> None:
    """--show-completion SHELL / --install-completion SHELL."""
    if shell is None:
        return
    if shell not in SHELLS:
        say(f"error: unknown shell {shell!r}; give one of {', '.join(SHELLS)}")
        raise typer.Exit(ExitCode.USAGE)
    from typer import _completion_shared as completion

    if install:
        _, path = completion.install(shell=shell, prog_name="spacefacts", complete_var=COMPLETE_VAR)
        typer.echo(f"{shell} completion installed in {path}; it works in a new shell", err=True)
    else:
        script = completion.get_completion_script(
            prog_name="spacefacts", complete_var=COMPLETE_VAR, shell=shell
        )
        typer.echo(script)
    raise typer.Exit()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spacefacts {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            envvar=paths.ENV_DATA,
            help="Fact file to use instead of the shipped one.",
            show_envvar=True,
        ),
    ] = None,
    personal: Annotated[
        Path | None,
        typer.Option(
            "--personal",
            envvar=paths.ENV_PERSONAL,
            help="Your personal fact file, merged over the base (default: "
            "$XDG_DATA_HOME/spacefacts/facts.toml).",
            show_envvar=True,
        ),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour (also NO_COLOR=1, CLICOLOR=0).")
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help=f"Compile the fact files in memory, no cache ({db.ENV_NO_CACHE}=1)."
        ),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Never page long output (also SPACEFACTS_NO_PAGER=1)."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            metavar="SHELL",
            is_eager=True,
            callback=lambda value: _completion(value, install=False),
            help="Print the completion script for SHELL (bash, zsh, fish, powershell).",
        ),
    ] = None,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="SHELL",
            is_eager=True,
            callback=lambda value: _completion(value, install=True),
            help="Install completion for SHELL (bash, zsh, fish, powershell).",
        ),
    ] = None,
) -> None:
    """A sourced fact explorer for China's space exploration."""
    ctx.obj = Settings(data, personal, no_color, no_cache, no_pager)


# Register the commands (imported for their @command side effect).
from spacefacts.cli import reading, personal, files, manual  # noqa: E402, I001

__all__ = ["app", "files", "main", "manual", "personal", "reading"]


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move global options given after the command name in front of it."""
    if not argv:
        return argv
    front: list[str] = []
    rest: list[str] = []
    i = 0
    seen_command = False
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if not seen_command and not arg.startswith("-"):
            seen_command = True
            rest.append(arg)
        elif seen_command and arg in GLOBAL_FLAGS:
            front.append(arg)
        elif seen_command and arg in GLOBAL_VALUES and i + 1 < len(argv):
            front += [arg, argv[i + 1]]
            i += 1
        elif seen_command and arg.split("=", 1)[0] in GLOBAL_VALUES and "=" in arg:
            front.append(arg)
        elif not seen_command and arg in GLOBAL_VALUES and i + 1 < len(argv):
            rest += [arg, argv[i + 1]]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    for n, arg in enumerate(args, start=1):
        if any("\udc80" <= c <= "\udcff" for c in arg):
            say(f"error: argument {n} is not valid UTF-8")
            raise SystemExit(ExitCode.USAGE)
    if COMPLETE_VAR in os.environ:  # the shell is asking for completions
        from typer._completion_classes import completion_init

        completion_init()
    hoisted = hoist_global_options(args)
    (_lean_app(hoisted) or app)(args=hoisted, prog_name="spacefacts")
