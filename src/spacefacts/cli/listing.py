"""Listings of the fact base's vocabularies and records: programs, missions, topics, tags,
speakers, occasions, sources; and the statistics."""

from typing import Annotated

import typer

from spacefacts import query
from spacefacts.cli.common import emit, emit_records, examples, output, prints, settings
from spacefacts.cli.options import ProgramOption, SinceOption, StatusOption, UntilOption
from spacefacts.dates import bound
from spacefacts.model import Kind
from spacefacts.query import Filters, split_values

app = typer.Typer()


@app.command(
    "stats",
    cls=prints("stat"),
    epilog=examples(
        "spacefacts stats\nspacefacts stats --json | jq '.[] | select(.group == \"decade\")'"
    ),
)
def stats(ctx: typer.Context) -> None:
    """Counts by kind, program, status, topic and decade, with milestones per decade."""
    from spacefacts import views

    found = query.stats(settings(ctx).database())
    emit_records(ctx, "stat", found, "Statistics")
    out = output(ctx)
    if not out.serialised and out.fields is None:
        emit(ctx, views.decade_chart(found, out.style))


@app.command(
    "programs",
    cls=prints("program"),
    epilog=examples("spacefacts programs\nspacefacts programs --json | jq -r '.[].id'"),
)
def programs(ctx: typer.Context) -> None:
    """The programs, with how many milestones and missions each has."""
    found = query.listing(settings(ctx).database(), Kind.program)
    emit_records(ctx, "program", found, "Programs")


@app.command(
    "missions",
    cls=prints("mission"),
    epilog=examples(
        "spacefacts missions\nspacefacts missions --program shenzhou --json\n"
        "spacefacts missions --status planned,active"
    ),
)
def missions(
    ctx: typer.Context,
    program: ProgramOption = None,
    status: StatusOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
) -> None:
    """Missions (craft and flights) in launch order, with their status."""
    filters = Filters(
        programs=split_values(program, "--program"), statuses=split_values(status, "--status"),
        since=bound(since, "--since"), until=bound(until, "--until"),
    )  # fmt: skip
    emit_records(ctx, "mission", query.missions(settings(ctx).database(), filters), "Missions")


@app.command(
    "topics",
    cls=prints("topic"),
    epilog=examples("spacefacts topics\nspacefacts topics --json"),
)
def topics(ctx: typer.Context) -> None:
    """The topic vocabulary of statements, with how many statements each has."""
    emit_records(ctx, "topic", query.listing(settings(ctx).database(), Kind.topic), "Topics")


@app.command(
    "tags",
    cls=prints("tag"),
    epilog=examples("spacefacts tags\nspacefacts tags --json | jq -r '.[].tag'"),
)
def tags(ctx: typer.Context) -> None:
    """The tags of milestones, with how many milestones each has."""
    emit_records(ctx, "tag", query.tags(settings(ctx).database()), "Tags")


@app.command(
    "occasions",
    cls=prints("occasion"),
    epilog=examples("spacefacts occasions\nspacefacts occasions --json"),
)
def occasions(ctx: typer.Context) -> None:
    """The occasions statements were made at, with how many statements each."""
    found = query.listing(settings(ctx).database(), Kind.occasion)
    emit_records(ctx, "occasion", found, "Occasions")


@app.command(
    "speakers",
    cls=prints("speaker"),
    epilog=examples("spacefacts speakers\nspacefacts speakers --json | jq -r '.[].name'"),
)
def speakers(ctx: typer.Context) -> None:
    """Everyone quoted (people, astronauts, bodies), most quoted first."""
    emit_records(ctx, "speaker", query.speakers(settings(ctx).database()), "Speakers")


@app.command(
    "astronauts",
    cls=prints("astronaut"),
    epilog=examples("spacefacts astronauts\nspacefacts astronauts --json | jq -r '.[].name_zh'"),
)
def astronauts(ctx: typer.Context) -> None:
    """The astronauts of the missions, with their Chinese names and how often they flew."""
    found = query.listing(settings(ctx).database(), Kind.astronaut)
    emit_records(ctx, "astronaut", found, "Astronauts")


@app.command(
    "publishers",
    cls=prints("publisher"),
    epilog=examples(
        "spacefacts publishers\nspacefacts publishers --json | jq -r '.[] | select(.chinese_state"
        " | not) | .name'"
    ),
)
def publishers(ctx: typer.Context) -> None:
    """Who published the sources: one name each, with how many sources."""
    found = query.listing(settings(ctx).database(), Kind.publisher)
    emit_records(ctx, "publisher", found, "Publishers")


@app.command(
    "sources",
    cls=prints("source"),
    epilog=examples(
        "spacefacts sources\nspacefacts sources --publisher xinhua --fields id,title,url"
    ),
)
def sources(
    ctx: typer.Context,
    publisher: Annotated[
        list[str] | None,
        typer.Option(
            "--publisher",
            help="Only these publishers' sources (or those crediting them): id, name or "
            "domain (repeatable; or a,b).",
        ),
    ] = None,
) -> None:
    """Every source, with how many records cite it."""
    found = query.sources(settings(ctx).database(), split_values(publisher, "--publisher"))
    emit_records(ctx, "source", found, "Sources")
