"""The `spacefacts` command line: options, dispatch and exit codes. No data or format logic."""

# No `from __future__ import annotations` here: Typer would eval() every parameter's annotation
# string at start-up (twice), which costs more than evaluating them once at import.
import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from spacefacts import __version__, cache, factbase, query, search, store
from spacefacts.errors import BadValueError, ExitCode, FactBaseError, SpacefactsError
from spacefacts.model import FactBase, JsonRecord
from spacefacts.render import Format, Style, detail, output

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
    personal: Path | None = None
    no_color: bool = False
    no_cache: bool = False
    _factbase: FactBase | None = field(default=None, repr=False)

    def files(self) -> list[factbase.FactFile]:
        return factbase.fact_files(self.data, self.personal)

    def factbase(self) -> FactBase:
        if self._factbase is None:
            self._factbase = cache.load(self.files(), cache.enabled(self.no_cache))
        return self._factbase

    def search_index(self) -> search.SearchIndex:
        return cache.search_index(self.files(), self.factbase(), cache.enabled(self.no_cache))


def command(
    *, example: str, group: typer.Typer | None = None, name: str | None = None
) -> Callable[[F], F]:
    """Register a command whose help ends with `example` and whose errors become messages.

    `group` is the Typer app it belongs to (default: the top-level app); `name` overrides the
    name taken from the function.
    """

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
        (group or app).command(name, epilog=epilog)(run)
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
    personal: Annotated[
        Path | None,
        typer.Option(
            "--personal",
            envvar=factbase.ENV_PERSONAL,
            help="Your personal fact file, merged over the base (default: "
            "$XDG_DATA_HOME/spacefacts/facts.toml, else the platform's data directory).",
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
    ctx.obj = Settings(data=data, personal=personal, no_color=no_color, no_cache=no_cache)


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
    chosen = _format(as_json, fmt)
    if chosen is Format.table and not records:
        # An empty table is only a header: say so on stderr and print no data.
        typer.echo("spacefacts: nothing found", err=True)
        return
    output(
        records,
        kind,
        chosen,
        sys.stdout,
        _style(ctx),
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
    detail(records, kind, _format(as_json, fmt), sys.stdout, _style(ctx), _field_names(fields))


def _format(as_json: bool, fmt: Format | None) -> Format:
    return fmt or (Format.json if as_json else Format.table)


def _style(ctx: typer.Context) -> Style:
    settings: Settings = ctx.obj
    return Style.detect(sys.stdout, settings.no_color)


def _field_names(fields: str | None) -> list[str] | None:
    return [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None


# --- shell completion ----------------------------------------------------------------------


def _completion_factbase(ctx: typer.Context) -> FactBase:
    """The fact base the command line being completed points at (--data, --personal, env)."""
    root = ctx.find_root()
    if isinstance(root.obj, Settings):
        return root.obj.factbase()
    # the options are still strings: completion parses without converting
    data, personal = root.params.get("data"), root.params.get("personal")
    settings = Settings(
        data=Path(data) if data else None, personal=Path(personal) if personal else None
    )
    return settings.factbase()


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
    # the search index keeps every statement's folded text (cached for a large fact base)
    folded = ctx.obj.search_index().statement_texts if search is not None else None
    found = query.statements(fb, topic, speaker, search, folded)
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
    index = ctx.obj.search_index()
    hits = search.search(fb, index, text, kinds, limit)
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


@command(example="spacefacts validate\nspacefacts validate data/facts.toml --json")
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Fact files to check together (default: the active fact base: the base "
            "file and your personal file).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Check fact files and report every problem, one per line (exit 3 if any)."""
    settings: Settings = ctx.obj
    files = [factbase.FactFile(p, str(p)) for p in paths] if paths else settings.files()
    fb, problems = factbase.check(files)
    if as_json or fmt is not None or fields is not None:  # records, and nothing on stderr
        _emit(ctx, "problem", [p.as_record() for p in problems], as_json, fmt, fields, "Problems")
    else:
        for problem in problems:
            typer.echo(str(problem))
        typer.echo(_validate_summary(fb, problems, len(files)), err=True)
    if problems:
        raise typer.Exit(ExitCode.DATA)


def _validate_summary(fb: FactBase, problems: Sequence[Any], n_files: int) -> str:
    def count(n: int, what: str) -> str:
        return f"{n} {what}" if n == 1 else f"{n} {what}s"

    if problems:
        bad = len({p.file for p in problems})
        where = count(n_files, "file") if bad == n_files else f"{bad} of {n_files} files"
        return f"spacefacts: {count(len(problems), 'problem')} in {where}"
    records = sum(len(getattr(fb, kind)) for kind in factbase.KINDS)
    return f"spacefacts: {count(n_files, 'file')}, {count(records, 'record')}, no problems"


add_app = typer.Typer(
    name="add",
    help="Add a record to your personal fact file (see --personal).",
    no_args_is_help=True,
)
app.add_typer(add_app, name="add")

IdOption = Annotated[
    str | None, typer.Option("--id", help="Id of the new record (default: made from the title).")
]
SourceOption = Annotated[
    list[str],
    typer.Option("--source", help="Id of a source it cites (repeatable; at least one)."),
]


def _add(ctx: typer.Context, kind: str, fields: dict[str, Any], quiet: bool) -> JsonRecord:
    settings: Settings = ctx.obj
    base = factbase.base_file(settings.data)
    path = factbase.personal_path(settings.personal)
    record: JsonRecord = store.add(base, path, kind, fields).as_record()
    if not quiet:
        typer.echo(f"spacefacts: added {record['id']!r} to {path}", err=True)
    return record


@command(
    group=add_app,
    name="milestone",
    example="spacefacts add milestone --date 2024-06-25 --title \"Chang'e-6 returns samples "
    'from the far side" --summary "The first samples from the far side of the Moon." '
    "--program change --source my-source",
)
def add_milestone(
    ctx: typer.Context,
    date: Annotated[str, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.")],
    title: Annotated[str, typer.Option("--title", help="One line.")],
    summary: Annotated[str, typer.Option("--summary", help="One to three sentences.")],
    program: Annotated[str, typer.Option("--program", help="Program id, name or alias.")],
    source: SourceOption,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    ident: IdOption = None,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Add a milestone to your personal fact file."""
    values: dict[str, Any] = {"id": ident, "date": date, "title": title, "summary": summary}
    values |= {"program": program, "sources": source, "tags": tag}
    record = _add(ctx, "milestones", values, as_json or fmt is not None)
    _emit(ctx, "milestone", [record], as_json, fmt, fields, "Added")


@command(
    group=add_app,
    name="quote",
    example='spacefacts add quote --text "Space is for everyone." --speaker "A. Teacher" '
    '--occasion "Class talk" --topic humanity --reported --source my-source',
)
def add_quote(
    ctx: typer.Context,
    text: Annotated[str, typer.Option("--text", help="The words, or their content.")],
    speaker: Annotated[str, typer.Option("--speaker", help="Who said it.")],
    occasion: Annotated[str, typer.Option("--occasion", help="Where or how it was said.")],
    topic: Annotated[
        list[str], typer.Option("--topic", help="A topic (repeatable; at least one).")
    ],
    verbatim: Annotated[
        bool,
        typer.Option(
            "--verbatim/--reported", help="The source quotes these exact words, or reports them."
        ),
    ],
    source: SourceOption,
    date: Annotated[str | None, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    milestone: Annotated[
        str | None, typer.Option("--milestone", help="Id of the milestone it was said at.")
    ] = None,
    excerpt: Annotated[
        str | None, typer.Option("--excerpt", help="The source's sentence it is taken from.")
    ] = None,
    ident: IdOption = None,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Add a statement (a quote or reported speech) to your personal fact file."""
    values: dict[str, Any] = {"id": ident, "text": text, "speaker": speaker, "occasion": occasion}
    values |= {"topics": topic, "verbatim": verbatim, "sources": source, "date": date}
    values |= {"milestone": milestone, "excerpt": excerpt}
    record = _add(ctx, "statements", values, as_json or fmt is not None)
    _emit(ctx, "statement", [record], as_json, fmt, fields, "Added")


@command(
    group=add_app,
    name="source",
    example='spacefacts add source --id my-source --title "Chang\'e-6 mission report" '
    '--publisher "CNSA" --published 2024-06 --url https://www.cnsa.gov.cn/',
)
def add_source(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="Title of the work.")],
    publisher: Annotated[str, typer.Option("--publisher", help="Who published it.")],
    author: Annotated[str | None, typer.Option("--author", help="Who wrote it.")] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where to read it.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What it says, in short.")] = None,
    ident: IdOption = None,
    as_json: JsonFlag = False,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
) -> None:
    """Add a source to your personal fact file, for your milestones and quotes to cite."""
    values: dict[str, Any] = {"id": ident, "title": title, "publisher": publisher, "author": author}
    values |= {"published": published, "url": url, "note": note}
    record = _add(ctx, "sources", values, as_json or fmt is not None)
    _emit(ctx, "source", [record], as_json, fmt, fields, "Added")


@command(
    example="spacefacts export > all-facts.toml\n"
    "spacefacts export --only personal --format json --output my-facts.json"
)
def export(
    ctx: typer.Context,
    fmt: Annotated[
        store.ExportFormat,
        typer.Option("--format", case_sensitive=False, help="toml or json."),
    ] = store.ExportFormat.toml,
    only: Annotated[
        store.Only | None,
        typer.Option("--only", case_sensitive=False, help="Only the personal or the base records."),
    ] = None,
    output_file: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="Write to FILE (atomically)."),
    ] = None,
) -> None:
    """Write the merged fact base as a fact file (TOML or JSON) to stdout or a file."""
    text = store.export(ctx.obj.factbase(), fmt, only)
    if output_file is None:
        sys.stdout.write(text)
    else:
        store.write_atomic(output_file, text.encode("utf-8"))
        typer.echo(f"spacefacts: wrote {output_file}", err=True)


def main() -> None:
    """Console-script entry point."""
    app()
