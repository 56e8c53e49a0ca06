"""The `spacefacts` command line: options, dispatch and exit codes. No data or format logic."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from spacefacts import __version__, factbase, query, search
from spacefacts.errors import BadValueError, FactBaseError, SpacefactsError
from spacefacts.model import FactBase, JsonRecord
from spacefacts.render import Format, Style, detail, output

app = typer.Typer(
    name="spacefacts",
    help="A sourced fact explorer for China's space exploration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    """Global options, kept in ctx.obj; the fact base is loaded once, on first use."""

    data: Path | None = None
    no_color: bool = False
    _factbase: FactBase | None = field(default=None, repr=False)

    def factbase(self) -> FactBase:
        if self._factbase is None:
            self._factbase = factbase.load([factbase.base_file(self.data)])
        return self._factbase


def command(*, example: str, name: str | None = None) -> Callable[[F], F]:
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
        app.command(name, epilog=epilog)(run)
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
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """A sourced fact explorer for China's space exploration."""
    ctx.obj = Settings(data=data, no_color=no_color)


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
    highlight: Sequence[str] = (),
) -> None:
    chosen = fmt or (Format.json if as_json else Format.table)
    settings: Settings = ctx.obj
    if chosen is Format.table and not records:
        # An empty table is only a header: say so on stderr and print no data.
        typer.echo("spacefacts: nothing found", err=True)
        return
    output(
        records,
        kind,
        chosen,
        sys.stdout,
        Style.detect(sys.stdout, settings.no_color),
        _field_names(fields),
        title,
        highlight,
    )


def _emit_detail(
    ctx: typer.Context,
    kind: str,
    records: Sequence[JsonRecord],
    as_json: bool,
    fmt: Format | None,
    fields: str | None,
) -> None:
    chosen = fmt or (Format.json if as_json else Format.table)
    settings: Settings = ctx.obj
    style = Style.detect(sys.stdout, settings.no_color)
    detail(records, kind, chosen, sys.stdout, style, _field_names(fields))


def _field_names(fields: str | None) -> list[str] | None:
    return [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None


# --- shell completion ----------------------------------------------------------------------


def _completion_factbase(ctx: typer.Context) -> FactBase:
    """The fact base the command line being completed points at (--data, SPACEFACTS_DATA)."""
    root = ctx.find_root()
    if isinstance(root.obj, Settings):
        return root.obj.factbase()
    data = root.params.get("data")  # still a string: completion parses without converting
    return factbase.load([factbase.base_file(Path(data) if data else None)])


def _completer(
    values: Callable[[FactBase], Iterable[str]],
) -> Callable[[typer.Context, str], list[str]]:
    """A completion callback offering `values` that start with what has been typed."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        try:
            names = list(values(_completion_factbase(ctx)))
        except Exception:  # completion runs inside the user's shell: never a traceback there
            return []
        typed = incomplete.casefold()
        return [n for n in names if n.casefold().startswith(typed)]

    return complete


complete_topic = _completer(lambda fb: [t.id for t in fb.topics])
complete_program = _completer(lambda fb: [p.id for p in fb.programs])
complete_id = _completer(lambda fb: list(query.records_by_id(fb)))


def complete_kind(incomplete: str) -> list[str]:
    return [k for k in search.SEARCH_KINDS if k.startswith(incomplete.casefold())]


# --- commands ------------------------------------------------------------------------------


@command(example="spacefacts timeline --since 2020\nspacefacts timeline --program change --json")
def timeline(
    ctx: typer.Context,
    program: Annotated[
        str | None,
        typer.Option(
            "--program",
            help="Only this program (id, name or alias).",
            autocompletion=complete_program,
        ),
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
        str | None,
        typer.Option(
            "--topic",
            help="Only this topic (see `spacefacts topics`).",
            autocompletion=complete_topic,
        ),
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


KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="Only these kinds: milestone, statement, mission (comma-separated).",
        autocompletion=complete_kind,
    ),
]


@command(
    example='spacefacts search "change 5"\nspacefacts search 嫦娥五号 --json\n'
    "spacefacts search cooperation --kind statement --limit 3",
    name="search",
)
def search_command(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT", help="Words or a name; case, accents and punctuation do not count."
        ),
    ],
    kind: KindOption = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most N hits.")] = 10,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Search milestones, statements and missions; best matches first."""
    fb = ctx.obj.factbase()
    kinds = search.parse_kinds(kind)
    index = search.search_index(fb)
    hits = search.search(index, text, kinds, limit)
    phrase, words = search.terms(text)
    _emit(ctx, "hit", hits, as_json, fmt, fields, f"Search: {text}", [phrase, *words])
    if not hits and (close := search.suggest(index, text)):
        guesses = " or ".join(repr(c) for c in close)
        typer.echo(f"spacefacts: did you mean {guesses}?", err=True)


@command(
    example="spacefacts show xi-2021-02-vital-milestone\nspacefacts show change5\n"
    "spacefacts show 嫦娥五号 --json"
)
def show(
    ctx: typer.Context,
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A record id, or a milestone title, mission name or alias.",
            autocompletion=complete_id,
        ),
    ],
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """One record in full: every field, its sources cited in full, its related records."""
    fb = ctx.obj.factbase()
    kind, record = query.find_record(fb, ident)
    _emit_detail(ctx, kind, [query.detail(fb, kind, record)], as_json, fmt, fields)


@command(example="spacefacts sources\nspacefacts sources --fields id,publisher,cited_by")
def sources(
    ctx: typer.Context,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Every source, with how many records cite it."""
    records = query.sources(ctx.obj.factbase())
    _emit(ctx, "source", records, as_json, fmt, fields, "Sources")


@command(example="spacefacts on 04-24\nspacefacts on 2026-11-24 --month", name="on")
def on_this_day(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Argument(metavar="[DATE]", help="MM-DD or YYYY-MM-DD (default: today, local time)."),
    ] = None,
    month: Annotated[
        bool, typer.Option("--month", help="Also records dated only to this month.")
    ] = False,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Anniversaries: what happened on this day in past years."""
    import datetime as dt

    today = dt.date.today()
    year, month_number, day_number = (
        query.parse_day(day, today) if day is not None else (today.year, today.month, today.day)
    )
    records = query.on_this_day(ctx.obj.factbase(), year, month_number, day_number, month)
    title = f"On {month_number:02d}-{day_number:02d}"
    _emit(ctx, "anniversary", records, as_json, fmt, fields, title)


@command(
    example="spacefacts random\nspacefacts random --kind statement --topic peace --seed 7",
    name="random",
)
def random_record(
    ctx: typer.Context,
    kind: KindOption = None,
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic", help="Only statements on this topic.", autocompletion=complete_topic
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Same seed, same pick (for scripts and tests).")
    ] = None,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """One milestone, statement or mission picked at random, shown in full."""
    fb = ctx.obj.factbase()
    kinds = search.parse_kinds(kind)
    if topic is not None and kinds is not None and "statement" not in kinds:
        raise BadValueError(f"--topic picks statements; it cannot be used with --kind {kind}")
    picked = query.pick(fb, kinds, topic, seed)
    if picked is None:
        _emit_detail(ctx, (kinds or ["milestone"])[0], [], as_json, fmt, fields)
        return
    _emit_detail(ctx, picked[0], [query.detail(fb, *picked)], as_json, fmt, fields)


@command(
    example="spacefacts stats\nspacefacts stats --json | jq '.[] | select(.group == \"decade\")'"
)
def stats(
    ctx: typer.Context,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Counts by kind, program, topic and decade, with a chart of milestones per decade."""
    records = query.stats(ctx.obj.factbase())
    _emit(ctx, "stat", records, as_json, fmt, fields, "Statistics")


def main() -> None:
    """Console-script entry point."""
    app()
