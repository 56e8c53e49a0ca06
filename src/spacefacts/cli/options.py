"""The filter options and completions that several commands share, declared once.

Every filter may be repeated and takes comma-separated values: values of one filter combine
with OR, different filters with AND (query.Filters).
"""

from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer

from spacefacts.model import Kind


def _completer(values: Callable[[Any], Iterable[str]]) -> Callable[[typer.Context, str], list[str]]:
    """A completion callback offering `values` of the fact base that start with what is typed
    (after the last comma, for a list)."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from spacefacts.cli.common import settings

        try:
            names = list(values(settings(ctx).database()))
        except Exception:  # completion runs in the shell: no traceback there
            return []
        head, _, typed = incomplete.rpartition(",")
        prefix = head + "," if head else ""
        return [prefix + n for n in names if n.casefold().startswith(typed.casefold())]

    return complete


complete_topic = _completer(lambda db: db.ids([Kind.topic]))
complete_program = _completer(lambda db: db.ids([Kind.program]))
complete_occasion = _completer(lambda db: db.ids([Kind.occasion]))
complete_id = _completer(lambda db: db.ids())


def complete_kind(incomplete: str) -> list[str]:
    kinds = ("milestone", "statement", "mission")
    head, _, typed = incomplete.rpartition(",")
    prefix = head + "," if head else ""
    return [prefix + k for k in kinds if k.startswith(typed.casefold())]


def complete_status(incomplete: str) -> list[str]:
    from spacefacts.model import Status

    return [s.value for s in Status if s.value.startswith(incomplete.casefold())]


def _many(flag: str, help_text: str, **extra: Any) -> Any:
    return typer.Option(flag, help=f"{help_text} (repeatable; or a,b).", **extra)


ProgramOption = Annotated[
    list[str] | None,
    _many(
        "--program",
        "Only these programs: id, name or alias (see `spacefacts programs`)",
        autocompletion=complete_program,
    ),
]
TopicOption = Annotated[
    list[str] | None,
    _many("--topic", "Only these topics (see `spacefacts topics`)", autocompletion=complete_topic),
]
SpeakerOption = Annotated[
    list[str] | None, _many("--speaker", "Only these speakers (whole words: 'xi')")
]
TagOption = Annotated[list[str] | None, _many("--tag", "Only these tags (see `spacefacts tags`)")]
OccasionOption = Annotated[
    list[str] | None,
    _many(
        "--occasion",
        "Only statements made at these occasions: id or name",
        autocompletion=complete_occasion,
    ),
]
StatusOption = Annotated[
    list[str] | None,
    _many(
        "--status",
        "Only these statuses: done, planned, active, failed, cancelled",
        autocompletion=complete_status,
    ),
]
YearOption = Annotated[
    list[str] | None,
    typer.Option(
        "--year",
        metavar="YYYY",
        help="Only these years (repeatable; or a,b); a record dated to a month or a year counts "
        "in the years it overlaps.",
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="From this date on: YYYY, YYYY-MM or YYYY-MM-DD (overlapping)."),
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", help="Up to this date: YYYY, YYYY-MM or YYYY-MM-DD (overlapping)."),
]
ReverseOption = Annotated[bool, typer.Option("--reverse", help="Newest first.")]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, max=1_000_000, help="At most N.")
]
KindOption = Annotated[
    list[str] | None,
    _many(
        "--kind", "Only these kinds: milestone, statement, mission", autocompletion=complete_kind
    ),
]
