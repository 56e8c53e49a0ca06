"""Options and completions that several commands share."""

from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer

from spacefacts.model import Kind


def _completer(values: Callable[[Any], Iterable[str]]) -> Callable[[typer.Context, str], list[str]]:
    """A completion callback offering `values` of the fact base that start with what is typed."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from spacefacts.cli import Settings

        try:
            root = ctx.find_root()
            params = root.params
            from pathlib import Path

            data, personal = params.get("data"), params.get("personal")
            settings = Settings(
                data=Path(data) if data else None, personal=Path(personal) if personal else None
            )
            names = list(values(settings.database()))
        except Exception:  # completion runs inside the user's shell: never a traceback there
            return []
        typed = incomplete.casefold()
        return [n for n in names if n.casefold().startswith(typed)]

    return complete


complete_topic = _completer(lambda db: db.ids([Kind.topic]))
complete_program = _completer(lambda db: db.ids([Kind.program]))
complete_id = _completer(lambda db: db.ids())


def complete_kind(incomplete: str) -> list[str]:
    kinds = ("milestone", "statement", "mission")
    return [k for k in kinds if k.startswith(incomplete.casefold())]


ProgramOption = Annotated[
    str | None,
    typer.Option(
        "--program",
        help="Only this program (id, name or alias; see `spacefacts programs`).",
        autocompletion=complete_program,
    ),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="From this date on: YYYY, YYYY-MM or YYYY-MM-DD.")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Up to this date: YYYY, YYYY-MM or YYYY-MM-DD.")
]
ReverseOption = Annotated[bool, typer.Option("--reverse", help="Newest first.")]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, max=1_000_000, help="At most N.")
]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="Only these kinds: milestone, statement, mission (comma-separated).",
        autocompletion=complete_kind,
    ),
]
