"""`spacefacts update`: fetch a newer fact base, check it, install it (the only network use)."""

from typing import Annotated, Any

import typer

from spacefacts.cli.common import Command, examples, say, settings, write

app = typer.Typer()


@app.command(
    "update",
    cls=Command,
    epilog=examples(
        "spacefacts update --check\nspacefacts update\n"
        "spacefacts update --url file:///srv/spacefacts-release/\nspacefacts update --reset"
    ),
)
def update(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="The release directory holding facts.toml and SHA256SUMS (https://, http:// "
            "or file://; default: $SPACEFACTS_UPDATE_URL, else the project's releases).",
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Say whether a newer fact base exists; change nothing.")
    ] = False,
    reset: Annotated[
        bool, typer.Option("--reset", help="Go back to the fact base shipped with the package.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Install it even if it is not newer than the one in use."),
    ] = False,
) -> None:
    """Fetch a newer fact base, verify its checksum, validate it and install it atomically."""
    from spacefacts import factbase
    from spacefacts import update as releases
    from spacefacts.errors import BadValueError

    if reset:
        if check or force or url:
            raise BadValueError("--reset goes alone")
        gone = releases.reset()
        say(ctx, "back to the shipped fact base" if gone else "no update was installed")
        return
    base = releases.release_url(url)
    in_use = factbase.base_file(settings(ctx).data)
    current = factbase.as_of_of(in_use.path) or "0000-00-00"
    download = releases.fetch(base, _progress(ctx))
    size = f"{len(download.facts):,} bytes"
    newer = download.as_of > current
    if check:
        verdict = "newer than" if newer else "not newer than"
        write(
            f"{download.url}: facts as of {download.as_of} ({size}), {verdict} the ones in use "
            f"(as of {current})\n"
        )
        return
    if not newer and not force:
        say(ctx, f"already up to date: {download.url} is as of {download.as_of}, the facts in use "
                 f"as of {current} (--force installs it anyway)")  # fmt: skip
        return
    path = releases.install(download, forced=not newer)
    say(ctx, f"installed the facts as of {download.as_of} from {download.url} in {path}")
    if settings(ctx).data is not None or in_use.origin not in (factbase.SHIPPED, factbase.UPDATED):
        say(ctx, f"note: --data or SPACEFACTS_DATA ({in_use.path}) is in use instead")


def _progress(ctx: typer.Context) -> Any:
    """A progress bar on stderr at a terminal, for a download that takes more than a moment."""
    import sys
    import time

    try:
        shown = sys.stderr.isatty() and not settings(ctx).quiet
    except (AttributeError, ValueError):
        shown = False
    if not shown:
        return None
    started = time.monotonic()
    state: dict[str, Any] = {}

    def report(done: int, total: int | None) -> None:
        if time.monotonic() - started < 0.5:
            return  # a quick download needs no bar
        bar = state.get("bar")
        if bar is None:
            from rich.console import Console
            from rich.progress import Progress

            bar = state["bar"] = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            state["task"] = bar.add_task("downloading facts.toml", total=total)
        bar.update(state["task"], completed=done)
        if total is not None and done >= total:
            bar.stop()

    return report
