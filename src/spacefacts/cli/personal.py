"""Commands for your own records: add, remove and edit them in your personal fact file."""

from typing import Annotated, Any

import typer

from spacefacts import factbase, paths, store
from spacefacts.cli.common import Command, emit_records, examples, prints, say, settings
from spacefacts.model import Kind

app = typer.Typer()
add_app = typer.Typer(
    help="Add a record to your personal fact file (see --personal).",
    epilog=examples(
        'spacefacts add source --id my-notes --title "Club notes" --publisher "Our club"\n'
        "spacefacts add milestone --help"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(add_app, name="add")

IdOption = Annotated[
    str | None, typer.Option("--id", help="Id of the new record (default: made from its text).")
]
SourceOption = Annotated[
    list[str], typer.Option("--source", help="Id of a source it cites (repeatable; at least one).")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Check and show the record; write nothing.")
]


def _waiting(ctx: typer.Context) -> Any:
    return lambda: say(
        ctx, "waiting for another spacefacts to finish writing your personal file..."
    )


def _add(ctx: typer.Context, kind: Kind, values: dict[str, Any], dry_run: bool) -> None:
    from spacefacts.cli.common import output, warn

    s = settings(ctx)
    base = factbase.base_file(s.data)
    path = paths.personal_file(s.personal)
    verb = "would add" if dry_run else "adding"

    def announce(record: Any, similar: Any, created: Any) -> None:
        """Before the file is written: what is added (if this output fails, nothing is)."""
        for other in similar:
            warn(f"warning: {record['id']!r} looks like {other['id']!r} already in the fact base")
        for new in created:
            say(ctx, f"{verb} the {new['kind']} {new['id']!r} ({new['name']}) to {path}")
        if not output(ctx).serialised:
            say(ctx, f"{verb} {record['id']!r} to {path}")
        emit_records(ctx, kind.value, [record], "Added" if not dry_run else "Dry run")

    store.add(base, path, kind, values, dry_run, _waiting(ctx), announce)


@add_app.command(
    "milestone",
    cls=prints("milestone"),
    epilog=examples(
        'spacefacts add milestone --date 2024-06-25 --title "Chang\'e-6 returns" '
        '--summary "The first far-side samples." --program change --source my-source'
    ),
)
def add_milestone(
    ctx: typer.Context,
    date: Annotated[str, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.")],
    title: Annotated[str, typer.Option("--title", help="One line.")],
    summary: Annotated[str, typer.Option("--summary", help="One to three sentences.")],
    program: Annotated[str, typer.Option("--program", help="Program id, name or alias.")],
    source: SourceOption,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="done (default), planned, failed, cancelled.")
    ] = None,
    ident: IdOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a milestone to your personal fact file."""
    values: dict[str, Any] = {"id": ident, "date": date, "title": title, "summary": summary}
    values |= {"program": program, "sources": source, "tags": tag, "status": status}
    _add(ctx, Kind.milestone, values, dry_run)


@add_app.command(
    "statement",
    cls=prints("statement"),
    epilog=examples(
        'spacefacts add statement --text "Space is for everyone." --speaker "A. Teacher" '
        "--topic humanity --reported --source my-source"
    ),
)
def add_statement(
    ctx: typer.Context,
    text: Annotated[str, typer.Option("--text", help="The words, or their content.")],
    speaker: Annotated[str, typer.Option("--speaker", help="Who said it.")],
    topic: Annotated[
        list[str], typer.Option("--topic", help="A topic (repeatable; at least one).")
    ],
    verbatim: Annotated[
        bool,
        typer.Option(
            "--verbatim/--reported", help="The source quotes the exact words, or reports them."
        ),
    ],
    source: SourceOption,
    occasion: Annotated[
        str | None,
        typer.Option("--occasion", help="Id of the occasion it was said at (see `add occasion`)."),
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    milestone: Annotated[
        str | None, typer.Option("--milestone", help="Id of the milestone it was said at.")
    ] = None,
    excerpt: Annotated[
        str | None, typer.Option("--excerpt", help="The source's sentence it is taken from.")
    ] = None,
    ident: IdOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a statement (a quote or reported speech) to your personal fact file."""
    values: dict[str, Any] = {"id": ident, "text": text, "speaker": speaker, "occasion": occasion}
    values |= {"topics": topic, "verbatim": verbatim, "sources": source, "date": date}
    values |= {"milestone": milestone, "excerpt": excerpt}
    _add(ctx, Kind.statement, values, dry_run)


@add_app.command(
    "occasion",
    cls=prints("occasion"),
    epilog=examples(
        'spacefacts add occasion --name "Class talk on space" --date 2026-05 --source my-source'
    ),
)
def add_occasion(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="What the occasion was.")],
    source: SourceOption,
    date: Annotated[str | None, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    milestone: Annotated[
        str | None, typer.Option("--milestone", help="Id of the milestone it belongs to.")
    ] = None,
    ident: IdOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add an occasion (a message, a meeting, a talk) for your statements to point to."""
    values: dict[str, Any] = {"id": ident, "name": name, "date": date, "milestone": milestone}
    values["sources"] = source
    _add(ctx, Kind.occasion, values, dry_run)


@add_app.command(
    "source",
    cls=prints("source"),
    epilog=examples(
        'spacefacts add source --id my-source --title "Chang\'e-6 mission report" '
        '--publisher "CNSA" --published 2024-06 --url https://www.cnsa.gov.cn/'
    ),
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
    note: Annotated[str | None, typer.Option("--note", help="What it supports.")] = None,
    ident: IdOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a source to your personal fact file, for your records to cite."""
    values: dict[str, Any] = {"id": ident, "title": title, "publisher": publisher}
    values |= {"author": author, "published": published, "url": url, "note": note}
    _add(ctx, Kind.source, values, dry_run)


add_app.command(
    "quote",
    cls=prints("statement"),
    hidden=True,
    epilog=examples('spacefacts add quote --text "..." --speaker "..." --topic peace ...'),
)(add_statement)


@add_app.command(
    "mission",
    cls=prints("mission"),
    epilog=examples(
        'spacefacts add mission --name "Our CubeSat" --program tiangong --type cubesat '
        "--launch-date 2026-05 --source my-source"
    ),
)
def add_mission(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="Name of the craft or flight.")],
    program: Annotated[str, typer.Option("--program", help="Program id, name or alias.")],
    source: SourceOption,
    type_: Annotated[
        str | None, typer.Option("--type", help="orbiter, lander, crewed spacecraft, ...")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="done (default), planned, active, failed, cancelled."),
    ] = None,
    launch_date: Annotated[
        str | None, typer.Option("--launch-date", help="YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    end_date: Annotated[
        str | None, typer.Option("--end-date", help="YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    achievement: Annotated[
        list[str] | None, typer.Option("--achievement", help="A key achievement (repeatable).")
    ] = None,
    ident: IdOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a mission (a craft or a flight) to your personal fact file."""
    values: dict[str, Any] = {"id": ident, "name": name, "program": program, "type": type_}
    values |= {"status": status, "launch_date": launch_date, "end_date": end_date}
    values |= {"achievements": achievement, "sources": source}
    _add(ctx, Kind.mission, values, dry_run)


@app.command("remove", cls=Command, epilog=examples("spacefacts remove my-milestone"))
def remove(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="Id of one of your records.")],
) -> None:
    """Remove one of your records (refused while another record points to it)."""
    s = settings(ctx)
    path = paths.personal_file(s.personal)
    removed = store.remove(factbase.base_file(s.data), path, ident, _waiting(ctx))
    say(ctx, f"removed {ident!r} from {path}")
    if removed.get(factbase.REPLACES) == ident:
        say(ctx, f"the base record {ident!r} is used again")


@app.command("edit", cls=Command, epilog=examples("EDITOR=nano spacefacts edit my-milestone"))
def edit(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="Id of one of your records.")],
) -> None:
    """Edit one of your records in $VISUAL or $EDITOR; it is checked before it is saved, and an
    edit that does not pass is never thrown away."""
    from spacefacts import editing

    s = settings(ctx)
    path = paths.personal_file(s.personal)
    outcome = editing.edit(factbase.base_file(s.data), path, ident, _waiting(ctx))
    say(ctx, outcome)
