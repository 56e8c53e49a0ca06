"""Commands that ask the fact base: timeline, quote, lunar, search, show, on, chart, listings."""

from typing import Annotated

import typer

from spacefacts import query, render
from spacefacts.cli import command, emit, emit_records, say, settings
from spacefacts.cli.options import (
    KindOption,
    LimitOption,
    ProgramOption,
    ReverseOption,
    SinceOption,
    UntilOption,
    complete_id,
    complete_topic,
)
from spacefacts.model import Kind, fields_of
from spacefacts.render import Output


@command(
    example="spacefacts timeline --since 2020\nspacefacts timeline --year 2024 --program change\n"
    "spacefacts timeline --json | jq -r '.[].id'"
)
def timeline(
    program: ProgramOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this year (YYYY).")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only milestones with this tag.")] = None,
    planned: Annotated[
        bool, typer.Option("--planned", help="Only what is planned, not yet done.")
    ] = False,
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    *,
    out: Output,
) -> None:
    """Milestones in chronological order; planned ones are marked."""
    found = query.timeline(
        settings().database(), program, query.bound(since, "--since"),
        query.bound(until, "--until"), year, tag, "planned" if planned else None, reverse, limit,
    )  # fmt: skip
    emit_records(out, "milestone", found, "Milestones")


@command(
    example="spacefacts quote --topic cooperation\n"
    "spacefacts quote --search mankind --json | jq -r '.[].text'"
)
def quote(
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic",
            help="Only this topic (see `spacefacts topics`).",
            autocompletion=complete_topic,
        ),
    ] = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Only this speaker (whole words: 'xi').")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Only statements that match, as `spacefacts search` does."),
    ] = None,
    occasion: Annotated[
        str | None, typer.Option("--occasion", help="Only statements made at this occasion (id).")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    *,
    out: Output,
) -> None:
    """Attributed statements: verbatim quotes and reported speech, oldest first."""
    found = query.statements(
        settings().database(), topic, speaker, search, occasion,
        query.bound(since, "--since"), query.bound(until, "--until"), reverse, limit,
    )  # fmt: skip
    emit_records(out, "statement", found, "Statements")


@command(example="spacefacts lunar\nspacefacts lunar --json | jq -r '.[].missions[]'")
def lunar(*, out: Output) -> None:
    """The lunar program's three steps with their missions, then what came after them."""
    database = settings().database()
    steps = query.lunar(database)
    if out.serialised or out.fields is not None:
        emit_records(out, "lunar_step", steps, "China's lunar exploration program")
        return
    missions = query.missions_by_id(database, [i for s in steps for i in s["missions"]])
    if not out.style.fancy:  # plain: one step a line, each mission as "id (status)" if not done
        shown = [
            {**s, "missions": [i + render.status_mark(missions.get(i, {})) for i in s["missions"]]}
            for s in steps
        ]
        emit_records(out, "lunar_step", shown, "China's lunar exploration program")
        return
    emit(out, render.lunar(out, steps, missions))


@command(example="spacefacts topics\nspacefacts topics --json")
def topics(*, out: Output) -> None:
    """The topic vocabulary, with how many statements each has."""
    emit_records(out, "topic", query.listing(settings().database(), Kind.topic), "Topics")


@command(example="spacefacts programs\nspacefacts programs --json | jq -r '.[].id'")
def programs(*, out: Output) -> None:
    """The programs, with how many milestones and missions each has."""
    emit_records(out, "program", query.listing(settings().database(), Kind.program), "Programs")


@command(example="spacefacts missions\nspacefacts missions --program shenzhou --json")
def missions(program: ProgramOption = None, *, out: Output) -> None:
    """Missions (craft and flights) in launch order, with their status."""
    found = query.listing(settings().database(), Kind.mission, program)
    emit_records(out, "mission", found, "Missions")


@command(example="spacefacts occasions\nspacefacts occasions --json")
def occasions(*, out: Output) -> None:
    """The occasions statements were made at, with how many statements each."""
    found = query.listing(settings().database(), Kind.occasion)
    emit_records(out, "occasion", found, "Occasions")


@command(example="spacefacts speakers\nspacefacts speakers --json | jq -r '.[].speaker'")
def speakers(*, out: Output) -> None:
    """Everyone quoted, with how many statements and their first and last dates."""
    emit_records(out, "speaker", query.speakers(settings().database()), "Speakers")


@command(example="spacefacts sources\nspacefacts sources --fields id,publisher,cited_by")
def sources(*, out: Output) -> None:
    """Every source, with how many records cite it."""
    emit_records(out, "source", query.listing(settings().database(), Kind.source), "Sources")


@command(
    name="search",
    example='spacefacts search far side\nspacefacts search "Chang\'e 4" --kind mission\n'
    "spacefacts search 嫦娥四号 --json\nspacefacts search landing OR docking --limit 20",
)
def search_command(
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="WORDS...",
            help='Words (all must match), "a phrase", OR; the last word may be a prefix.',
        ),
    ],
    kind: KindOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1_000_000, help="At most N.")] = 10,
    *,
    out: Output,
) -> None:
    """Search milestones, statements and missions; best matches first (BM25)."""
    from spacefacts import search

    database = settings().database()
    text = " ".join(words)
    marked = out.style.fancy and not out.serialised and out.fields is None
    hits, total = search.search(database, text, search.parse_kinds(kind), limit, marked)
    if len(hits) < total:
        say(f"showing {len(hits)} of {total} (--limit to see more)")
    emit_records(out, "hit", hits, f"Search: {text}")
    if not total and (close := search.suggest(database, text)):
        say(f"did you mean {' or '.join(repr(c) for c in close)}?")


@command(
    example='spacefacts show change-6\nspacefacts show "Chang\'e 5"\n'
    "spacefacts show 嫦娥五号 --json"
)
def show(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A record id, or a name, title or alias.",
            autocompletion=complete_id,
        ),
    ],
    *,
    out: Output,
) -> None:
    """One record in full: every field, its sources in full, its related records."""
    database = settings().database()
    kind, record = query.find_record(database, ident)
    emit(out, render.detail(out, kind.value, [query.detail(database, kind, record)]))


@command(
    name="on",
    example="spacefacts on 04-24\nspacefacts on 2026-06-02 --window 3\nspacefacts on --month",
)
def on_this_day(
    day: Annotated[
        str | None,
        typer.Argument(metavar="[DATE]", help="MM-DD or YYYY-MM-DD (default: today)."),
    ] = None,
    month: Annotated[
        bool,
        typer.Option("--month", help="Also list records dated only to this month (no day known)."),
    ] = False,
    window: Annotated[
        int, typer.Option("--window", min=0, max=183, help="Days before and after, too.")
    ] = 0,
    *,
    out: Output,
) -> None:
    """Anniversaries: what happened on this day of the year, in past years."""
    from spacefacts.factbase import today

    now = today()
    year, month_number, day_number = query.parse_day(day or now[5:], now)
    database = settings().database()
    found = query.on_this_day(database, year, month_number, day_number, month, window)
    title = f"On {month_number:02d}-{day_number:02d}"
    if found or out.serialised:
        emit_records(out, "anniversary", found, title)
        return
    say(f"nothing on {month_number:02d}-{day_number:02d}; the nearest anniversaries:")
    near = query.nearest_anniversaries(database, year, month_number, day_number)
    emit_records(out, "anniversary", near, "Nearest anniversaries")


@command(
    name="random",
    example="spacefacts random\nspacefacts random --kind statement --topic peace --seed 7",
)
def random_record(
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
    *,
    out: Output,
) -> None:
    """One milestone, statement or mission picked at random, shown in full."""
    from spacefacts import search

    database = settings().database()
    kinds = search.parse_kinds(kind)
    picked = query.pick(database, kinds, topic, seed)
    # --fields may name a field of any kind that could be picked: the same command line works
    # whichever kind the seed picks (a field the record lacks is null)
    from spacefacts.model import detail_fields

    possible = kinds or list(search.SEARCH_KINDS)
    allowed = list(dict.fromkeys(f for k in possible for f in detail_fields(k.value)))
    if picked is None:
        render.check_fields("milestone", out.fields, allowed)
        say("nothing found")
        if out.serialised:
            emit(out, render.serialise([], out.fields or [], out))
        return
    found = query.detail(database, *picked)
    emit(out, render.detail(out, picked[0].value, [found], allowed))


@command(
    example="spacefacts stats\nspacefacts stats --json | jq '.[] | select(.group == \"decade\")'"
)
def stats(*, out: Output) -> None:
    """Counts by kind, program, status, topic and decade, with milestones per decade."""
    found = query.stats(settings().database())
    emit_records(out, "stat", found, "Statistics")
    if not out.serialised and out.fields is None:
        emit(out, render.decade_chart(found, out.style))


@command(
    output=False,
    example="spacefacts chart\nspacefacts chart --since 2000 --program change --program tianwen\n"
    "spacefacts chart --format svg --output timeline.svg",
)
def chart(
    since: Annotated[
        str | None, typer.Option("--since", help="From this year (YYYY; YYYY-MM counts its year).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this year (YYYY; YYYY-MM counts its year).")
    ] = None,
    program: Annotated[
        list[str] | None, typer.Option("--program", help="Only this program (repeatable).")
    ] = None,
    mark: Annotated[str | None, typer.Option("--mark", help="Highlight this record (id).")] = None,
    width: Annotated[
        int | None, typer.Option("--width", min=60, max=200, help="Columns (default: terminal).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text (default) or svg.")] = "text",
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to FILE (svg: default stdout).")
    ] = None,
) -> None:
    """A visual timeline: one lane per program, a mark per milestone, spans for missions."""
    from spacefacts.cli import charting

    first, last = query.bound(since, "--since"), query.bound(until, "--until")
    years = (int(first[:4]) if first else None, int(last[:4]) if last else None)
    charting.draw(*years, program or [], mark, width, fmt, output)


def print_fields() -> None:
    """`--fields help`: the fields of each kind of record, one kind per line."""
    import sys

    for kind in Kind:
        sys.stdout.write(f"{kind.value}: {', '.join(fields_of(kind.value))}\n")
    for extra in ("hit", "anniversary", "stat", "speaker", "problem"):
        sys.stdout.write(f"{extra}: {', '.join(fields_of(extra))}\n")
