"""Commands for your own records: add, remove and edit them in your personal fact file."""

from typing import Annotated, Any

import typer

from spacefacts import factbase, paths, store
from spacefacts.cli import command, emit_records, group, say, settings
from spacefacts.model import Kind
from spacefacts.render import Output

add_app = typer.Typer(
    name="add",
    help="Add a record to your personal fact file (see --personal).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
group(add_app, "add")

IdOption = Annotated[
    str | None, typer.Option("--id", help="Id of the new record (default: made from its text).")
]
SourceOption = Annotated[
    list[str], typer.Option("--source", help="Id of a source it cites (repeatable; at least one).")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Check and show the record; write nothing.")
]


def _waiting() -> None:
    say("waiting for another spacefacts to finish writing your personal file...")


def _add(kind: Kind, values: dict[str, Any], dry_run: bool, out: Output) -> None:
    s = settings()
    base = factbase.base_file(s.data)
    path = paths.personal_file(s.personal)
    record, similar = store.add(base, path, kind, values, dry_run, _waiting)
    for other in similar:
        say(f"warning: {record['id']!r} looks like {other['id']!r} already in the fact base")
    verb = "would add" if dry_run else "added"
    if not out.serialised:
        say(f"{verb} {record['id']!r} to {path}")
    emit_records(out, kind.value, [record], "Added" if not dry_run else "Dry run")


@command(
    group=add_app,
    name="milestone",
    example='spacefacts add milestone --date 2024-06-25 --title "Chang\'e-6 returns" '
    '--summary "The first far-side samples." --program change --source my-source',
)
def add_milestone(
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
    *,
    out: Output,
) -> None:
    """Add a milestone to your personal fact file."""
    values: dict[str, Any] = {"id": ident, "date": date, "title": title, "summary": summary}
    values |= {"program": program, "sources": source, "tags": tag, "status": status}
    _add(Kind.milestone, values, dry_run, out)


@command(
    group=add_app,
    name="statement",
    aliases=("quote",),
    example='spacefacts add statement --text "Space is for everyone." --speaker "A. Teacher" '
    "--topic humanity --reported --source my-source",
)
def add_statement(
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
    *,
    out: Output,
) -> None:
    """Add a statement (a quote or reported speech) to your personal fact file."""
    values: dict[str, Any] = {"id": ident, "text": text, "speaker": speaker, "occasion": occasion}
    values |= {"topics": topic, "verbatim": verbatim, "sources": source, "date": date}
    values |= {"milestone": milestone, "excerpt": excerpt}
    _add(Kind.statement, values, dry_run, out)


@command(
    group=add_app,
    name="occasion",
    example='spacefacts add occasion --name "Class talk on space" --date 2026-05 '
    "--source my-source",
)
def add_occasion(
    name: Annotated[str, typer.Option("--name", help="What the occasion was.")],
    source: SourceOption,
    date: Annotated[str | None, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    milestone: Annotated[
        str | None, typer.Option("--milestone", help="Id of the milestone it belongs to.")
    ] = None,
    ident: IdOption = None,
    dry_run: DryRunOption = False,
    *,
    out: Output,
) -> None:
    """Add an occasion (a message, a meeting, a talk) for your statements to point to."""
    values: dict[str, Any] = {"id": ident, "name": name, "date": date, "milestone": milestone}
    values["sources"] = source
    _add(Kind.occasion, values, dry_run, out)


@command(
    group=add_app,
    name="source",
    example='spacefacts add source --id my-source --title "Chang\'e-6 mission report" '
    '--publisher "CNSA" --published 2024-06 --url https://www.cnsa.gov.cn/',
)
def add_source(
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
    *,
    out: Output,
) -> None:
    """Add a source to your personal fact file, for your records to cite."""
    values: dict[str, Any] = {"id": ident, "title": title, "publisher": publisher}
    values |= {"author": author, "published": published, "url": url, "note": note}
    _add(Kind.source, values, dry_run, out)


@command(output=False, example="spacefacts remove my-milestone")
def remove(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Id of one of your records.")],
) -> None:
    """Remove one of your records (refused while another record points to it)."""
    s = settings()
    path = paths.personal_file(s.personal)
    store.remove(factbase.base_file(s.data), path, ident, _waiting)
    say(f"removed {ident!r} from {path}")


@command(output=False, example="EDITOR=nano spacefacts edit my-milestone")
def edit(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Id of one of your records.")],
) -> None:
    """Edit one of your records in $EDITOR; it is checked before it is saved."""
    import os
    import shlex
    import subprocess
    import tempfile
    import tomllib

    from spacefacts.errors import BadValueError

    s = settings()
    path = paths.personal_file(s.personal)
    kind, record = store.personal_record(path, ident)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory() as scratch:
        draft = os.path.join(scratch, f"{ident}.toml")
        with open(draft, "w", encoding="utf-8") as stream:
            stream.write(store.to_toml({kind.table: [record]}).split("\n", 2)[2])
        try:
            done = subprocess.run([*shlex.split(editor), draft], check=False)
        except (OSError, ValueError) as err:
            raise BadValueError(f"cannot start the editor {editor!r}: {err}") from None
        if done.returncode != 0:
            raise BadValueError(f"the editor exited with {done.returncode}; nothing was changed")
        try:
            with open(draft, "rb") as stream:
                edited = tomllib.load(stream)
        except (OSError, ValueError) as err:
            raise BadValueError(
                f"the edited record is not valid TOML ({err}); nothing changed"
            ) from None
    rows = edited.get(kind.table)
    if not isinstance(rows, list) or len(rows) != 1 or not isinstance(rows[0], dict):
        raise BadValueError(f"keep exactly one [[{kind.table}]] table; nothing was changed")
    if rows[0] == record:
        say("no change")
        return
    store.replace(factbase.base_file(s.data), path, ident, rows[0], _waiting)
    say(f"saved {rows[0].get('id')!r} to {path}")
