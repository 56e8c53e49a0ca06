"""Commands that ask the fact base: timeline, quote, lunar, next, search, show, on, random."""

from typing import Annotated

import typer

from spacefacts import query
from spacefacts.cli.common import (
    Command,
    emit,
    emit_records,
    examples,
    output,
    prints,
    say,
    settings,
)
from spacefacts.cli.options import (
    KindOption,
    LimitOption,
    OccasionOption,
    ProgramOption,
    ReverseOption,
    SinceOption,
    SpeakerOption,
    StatusOption,
    TagOption,
    TopicOption,
    UntilOption,
    YearOption,
    complete_id,
)
from spacefacts.dates import bound
from spacefacts.model import Kind, Status
from spacefacts.query import Filters, split_values

app = typer.Typer()


def _shown(total: int, shown: int) -> str:
    return f"showing {shown} of {total} (--limit to see more)" if shown < total else ""


@app.command(
    "timeline",
    cls=prints("milestone"),
    epilog=examples(
        "spacefacts timeline --since 2020\n"
        "spacefacts timeline --year 2024 --program change,tianwen\n"
        "spacefacts timeline --json | jq -r '.[].id'"
    ),
)
def timeline(
    ctx: typer.Context,
    program: ProgramOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    year: YearOption = None,
    tag: TagOption = None,
    status: StatusOption = None,
    planned: Annotated[
        bool, typer.Option("--planned", help="Only what is planned (as --status planned).")
    ] = False,
    reverse: ReverseOption = False,
    limit: LimitOption = None,
) -> None:
    """Milestones in chronological order; planned ones are marked."""
    statuses = split_values(status, "--status") + ([Status.planned.value] if planned else [])
    filters = Filters(
        programs=split_values(program, "--program"), tags=split_values(tag, "--tag"),
        statuses=statuses, years=query.parse_years(year), since=bound(since, "--since"),
        until=bound(until, "--until"),
    )  # fmt: skip
    found, total = query.timeline(settings(ctx).database(), filters, reverse, limit)
    emit_records(ctx, "milestone", found, "Milestones", _shown(total, len(found)))


@app.command(
    "quote",
    cls=prints("statement"),
    epilog=examples(
        "spacefacts quote --topic cooperation\n"
        "spacefacts quote --topic peace,science --speaker xi\n"
        "spacefacts quote --search mankind --json | jq -r '.[].text'"
    ),
)
def quote(
    ctx: typer.Context,
    topic: TopicOption = None,
    speaker: SpeakerOption = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Only statements that match, as `spacefacts search` does."),
    ] = None,
    occasion: OccasionOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    year: YearOption = None,
    reverse: ReverseOption = False,
    limit: LimitOption = None,
) -> None:
    """Attributed statements: verbatim quotes and reported speech, oldest first."""
    filters = Filters(
        topics=split_values(topic, "--topic"), speakers=split_values(speaker, "--speaker"),
        occasions=split_values(occasion, "--occasion"), years=query.parse_years(year),
        since=bound(since, "--since"), until=bound(until, "--until"),
    )  # fmt: skip
    found, total = query.statements(settings(ctx).database(), filters, search, reverse, limit)
    emit_records(ctx, "statement", found, "Statements", _shown(total, len(found)))


@app.command(
    "lunar",
    cls=prints("lunar_step"),
    epilog=examples("spacefacts lunar\nspacefacts lunar --json | jq -r '.[].missions[].name'"),
)
def lunar(ctx: typer.Context) -> None:
    """The lunar program's three steps with their missions, then what came after them."""
    from spacefacts import views

    out = output(ctx)
    database = settings(ctx).database()
    steps = query.lunar(database)
    if out.serialised or out.fields is not None or not out.style.fancy:
        emit_records(ctx, "lunar_step", steps, "China's lunar exploration program")
        return
    missions = query.missions_by_id(database, [m["id"] for s in steps for m in s["missions"]])
    emit(ctx, views.lunar(out, steps, missions))


@app.command(
    "next",
    cls=prints("upcoming"),
    epilog=examples("spacefacts next\nspacefacts next --program change --json"),
)
def next_up(ctx: typer.Context, program: ProgramOption = None, limit: LimitOption = None) -> None:
    """What is planned next, soonest first; planned dates that have passed are listed apart."""
    from spacefacts.dates import today

    filters = Filters(programs=split_values(program, "--program"))
    found = query.upcoming(settings(ctx).database(), filters, today())
    emit_records(ctx, "upcoming", found[:limit], "Next", _shown(len(found), len(found[:limit])))


@app.command(
    "search",
    cls=prints("hit", dash_words=True),
    epilog=examples(
        "spacefacts search far side\n"
        'spacefacts search "Chang\'e 4" --kind mission\n'
        "spacefacts search 嫦娥四号 --json\n"
        "spacefacts search landing OR docking --limit 20"
    ),
)
def search_command(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="WORDS...",
            help='Words (all must match), "a phrase", OR; the last word may be a prefix.',
        ),
    ],
    kind: KindOption = None,
    program: ProgramOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1_000_000, help="At most N.")] = 10,
) -> None:
    """Search milestones, statements and missions; best matches first (BM25)."""
    from spacefacts import search

    database = settings(ctx).database()
    text = " ".join(words)
    out = output(ctx)
    filters = Filters(since=bound(since, "--since"), until=bound(until, "--until"))
    programs = [query.find_program(database, p) for p in split_values(program, "--program")]
    marked = out.style.fancy and not out.serialised and out.fields is None
    result = search.search(
        database, text, query.parse_kinds(kind), programs, filters.since, filters.until,
        limit, marked,
    )  # fmt: skip
    if result.partial and result.hits:
        say(ctx, "no record has every word: these have most of them")
    emit_records(ctx, "hit", result.hits, f"Search: {text}", _shown(result.total, len(result.hits)))
    if not result.hits and (close := search.suggest(database, text)):
        from spacefacts.text import did_you_mean

        say(ctx, did_you_mean(close))


@app.command(
    "show",
    cls=prints(*(k.value for k in Kind)),
    epilog=examples(
        'spacefacts show change-6\nspacefacts show "Chang\'e 5"\nspacefacts show 嫦娥五号 --json\n'
        "spacefacts show 2024-083A"
    ),
)
def show(
    ctx: typer.Context,
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A record id, a name, title or alias, or a COSPAR designator (2024-083A).",
            autocompletion=complete_id,
        ),
    ],
) -> None:
    """One record in full: every field, its sources in full, its related records."""
    from spacefacts import views

    database = settings(ctx).database()
    kind, record = query.find_record(database, ident)
    emit(ctx, views.detail(output(ctx), kind.value, [query.detail(database, kind, record)]))


@app.command(
    "on",
    cls=prints("anniversary"),
    epilog=examples(
        "spacefacts on 04-24\nspacefacts on 2026-06-02 --window 3\nspacefacts on --month"
    ),
)
def on_this_day(
    ctx: typer.Context,
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
    kind: KindOption = None,
    program: ProgramOption = None,
) -> None:
    """Anniversaries: what happened on this day of the year, in past years."""
    from spacefacts.dates import parse_day, today

    now = today()
    year, month_number, day_number = parse_day(day or now[5:], now)
    database = settings(ctx).database()
    wanted = query.parse_kinds(kind)
    programs = split_values(program, "--program")
    found = query.on_this_day(
        database, year, month_number, day_number, month, window, wanted, programs
    )
    title = f"On {month_number:02d}-{day_number:02d}"
    if found or output(ctx).serialised:
        emit_records(ctx, "anniversary", found, title)
        return
    say(ctx, f"nothing on {month_number:02d}-{day_number:02d}; the nearest anniversaries:")
    near = query.nearest_anniversaries(database, year, month_number, day_number, wanted, programs)
    emit_records(ctx, "anniversary", near, "Nearest anniversaries")


@app.command(
    "random",
    cls=prints("milestone", "statement", "mission"),
    epilog=examples("spacefacts random\nspacefacts random --kind statement --topic peace --seed 7"),
)
def random_record(
    ctx: typer.Context,
    kind: KindOption = None,
    topic: TopicOption = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Same seed, same pick (for scripts and tests).")
    ] = None,
) -> None:
    """One milestone, statement or mission picked at random, shown in full."""
    from spacefacts import views
    from spacefacts.model import SEARCHED, detail_fields

    database = settings(ctx).database()
    kinds = query.parse_kinds(kind)
    picked = query.pick(database, kinds, split_values(topic, "--topic"), seed)
    # --fields may name a field of any kind that could be picked: the same command line works
    # whichever kind the seed picks (a field the record lacks is null)
    possible = kinds or list(SEARCHED)
    allowed = list(dict.fromkeys(f for k in possible for f in detail_fields(k.value)))
    out = output(ctx)
    if picked is None:
        views.check_fields("milestone", out.fields, allowed)
        say(ctx, "nothing found")
        if out.serialised:
            from spacefacts.serialise import serialise

            emit(ctx, serialise([], out.fields or [], out))
        return
    found = query.detail(database, *picked)
    emit(ctx, views.detail(out, picked[0].value, [found], allowed))


__all__ = ["Command", "app"]
