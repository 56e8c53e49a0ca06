"""The `spacefacts` command line: options, dispatch and exit codes. No data or format logic."""

# No `from __future__ import annotations` here: Typer would eval() every parameter's annotation
# string at start-up (twice), which costs more than evaluating them once at import.
import functools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from spacefacts import __version__, cache, factbase, query
from spacefacts.errors import FactBaseError, SpacefactsError
from spacefacts.model import FactBase, JsonRecord
from spacefacts.render import Format, Style, output

app = typer.Typer(
    name="spacefacts",
    help="A sourced fact explorer for China's space exploration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: Typer's rich help imports rich.markdown, markdown-it and
    # pygments, which made `--help` 1.9x `import typer, rich.table` (README, "Performance").
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    """Global options, kept in ctx.obj; the fact base is loaded once, on first use."""

    data: Path | None = None
    no_color: bool = False
    no_cache: bool = False
    _factbase: FactBase | None = field(default=None, repr=False)

    def factbase(self) -> FactBase:
        if self._factbase is None:
            self._factbase = cache.load(
                [factbase.base_file(self.data)], cache.enabled(self.no_cache)
            )
        return self._factbase


def command(*, example: str) -> Callable[[F], F]:
    """Register a command whose help ends with `example` and whose errors become messages."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except SpacefactsError as err:
                prefix = "" if isinstance(err, FactBaseError) else "spacefacts: error: "
                for line in err.lines():
                    typer.echo(prefix + line, err=True)
                raise typer.Exit(err.exit_code) from None

        epilog = "Example:\n\n" + "\n\n".join(f"  $ {line}" for line in example.splitlines())
        app.command(epilog=epilog)(run)
        return func

    return decorate


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
            envvar=factbase.ENV_DATA,
            help="Fact file to use instead of the shipped one.",
            show_envvar=True,
            dir_okay=False,
        ),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour in tables (also: NO_COLOR=1).")
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help=f"Parse the fact files, not the cache of them (also: {cache.ENV_NO_CACHE}=1).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """A sourced fact explorer for China's space exploration."""
    ctx.obj = Settings(data=data, no_color=no_color, no_cache=no_cache)


# --- shared output options -----------------------------------------------------------------

JsonFlag = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        case_sensitive=False,
        help="Output format (default: table).",
    ),
]
FieldsOption = Annotated[
    str | None,
    typer.Option("--fields", help="Comma-separated fields to show, e.g. id,date,title."),
]


def _emit(
    ctx: typer.Context,
    kind: str,
    records: Sequence[JsonRecord],
    as_json: bool,
    fmt: Format | None,
    fields: str | None,
    title: str | None = None,
) -> None:
    chosen = fmt or (Format.json if as_json else Format.table)
    names = [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None
    settings: Settings = ctx.obj
    output(
        records,
        kind,
        chosen,
        sys.stdout,
        Style.detect(sys.stdout, settings.no_color),
        names,
        title,
    )


# --- commands ------------------------------------------------------------------------------


@command(example="spacefacts timeline --since 2020\nspacefacts timeline --program change --json")
def timeline(
    ctx: typer.Context,
    program: Annotated[
        str | None, typer.Option("--program", help="Only this program (id, name or alias).")
    ] = None,
    since: Annotated[int | None, typer.Option("--since", help="From this year on.")] = None,
    until: Annotated[int | None, typer.Option("--until", help="Up to this year.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="At most N.")] = None,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Milestones in chronological order."""
    fb = ctx.obj.factbase()
    found = query.timeline(fb, program, since, until, limit)
    records = [m.as_record() for m in found]
    _emit(ctx, "milestone", records, as_json, fmt, fields, "Milestones")


@command(
    example="spacefacts quote --topic cooperation\n"
    "spacefacts quote --search 'mankind' --json | jq -r '.[].text'"
)
def quote(
    ctx: typer.Context,
    topic: Annotated[
        str | None, typer.Option("--topic", help="Only this topic (see `spacefacts topics`).")
    ] = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Only speakers whose name contains this.")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Only statements whose text contains this.")
    ] = None,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Attributed statements, verbatim quotes and reported speech."""
    fb = ctx.obj.factbase()
    found = query.statements(fb, topic, speaker, search)
    records = [s.as_record() for s in found]
    _emit(ctx, "statement", records, as_json, fmt, fields, "Statements")


@command(example="spacefacts lunar\nspacefacts lunar --json | jq '.[].missions[].name'")
def lunar(
    ctx: typer.Context,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """The lunar program's three steps: orbiting, landing, sample return."""
    records = query.lunar_steps(ctx.obj.factbase())
    _emit(ctx, "lunar_step", records, as_json, fmt, fields, "China's three-step lunar program")


@command(example="spacefacts topics\nspacefacts topics --json")
def topics(
    ctx: typer.Context,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """The topic vocabulary, with how many statements each has."""
    records = query.topics(ctx.obj.factbase())
    _emit(ctx, "topic", records, as_json, fmt, fields, "Topics")


def main() -> None:
    """Console-script entry point."""
    app()
