"""The `spacefacts` command line: one Typer app whose commands are loaded on demand.

The root group is a lazy group (click's documented LazyGroup pattern): COMMANDS names, for each
command, the module that defines it, and a run imports only the module of the command it runs
and builds only that command. --help, completion, the documentation, the tests and users all
take this one path. Each command module has its own `app` (a typer.Typer) where its commands
are registered with the command classes of common.py, which declare the global and output
options once.
"""

# No `from __future__ import annotations`: Typer evaluates the annotations of the parameters.
import importlib
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from spacefacts import __version__, paths
from spacefacts.cli.common import (
    Settings,
    guarded,
    help_option,
    path_option,
    report,
    settings,
    write,
)
from spacefacts.db import ENV_NO_CACHE

# The one registry: command name -> the module under spacefacts.cli that defines it. --help
# lists the commands in this order.
COMMANDS: dict[str, str] = {
    "timeline": "reading",
    "quote": "reading",
    "lunar": "reading",
    "next": "reading",
    "search": "reading",
    "show": "reading",
    "on": "reading",
    "random": "reading",
    "chart": "charting",
    "stats": "listing",
    "programs": "listing",
    "missions": "listing",
    "topics": "listing",
    "tags": "listing",
    "speakers": "listing",
    "astronauts": "listing",
    "publishers": "listing",
    "occasions": "listing",
    "sources": "listing",
    "add": "personal",
    "remove": "personal",
    "edit": "personal",
    "validate": "files",
    "export": "exporting",
    "update": "updating",
    "man": "manual",
}


class LazyGroup(TyperGroup):
    """The root group: a command's module is imported, and its command built, when asked for."""

    def get_help_option(self, ctx: Any) -> Any:
        return help_option(super().get_help_option(ctx))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"spacefacts.cli.{module_name}")
        return build(module.app, cmd_name)

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: Any, complete_var: str | None = None
    ) -> None:
        """A shell asking for completions: whatever goes wrong, no traceback in the shell."""
        try:
            super()._main_shell_completion(ctx_args, prog_name, complete_var)
        except (Exception, SystemExit) as err:  # completion must stay silent
            if isinstance(err, SystemExit) and err.code in (0, None):
                raise
            raise SystemExit(0) from None


def build(module_app: typer.Typer, name: str) -> Any:
    """The click command `name` of a command module's Typer app (only that one is built)."""
    from typer.main import get_command_from_info, get_group_from_info

    for info in module_app.registered_commands:
        if info.name == name:
            return get_command_from_info(info, pretty_exceptions_short=False, rich_markup_mode=None)
    for group in module_app.registered_groups:
        if group.name == name:
            return get_group_from_info(
                group, pretty_exceptions_short=False, suggest_commands=True, rich_markup_mode=None
            )
    return None


app = typer.Typer(
    name="spacefacts",
    cls=LazyGroup,
    help="A sourced fact explorer for China's space exploration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich help imports markdown and pygments (start-up)
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    add_completion=False,  # our own --show/--install-completion take the shell's name
)

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
COMPLETE_VAR = "_SPACEFACTS_COMPLETE"


def _completion(ctx: typer.Context, shell: str | None, install: bool) -> None:
    """--show-completion SHELL / --install-completion SHELL."""
    if shell is None or ctx.resilient_parsing:
        return
    from spacefacts import completion

    script, path = guarded(lambda: completion.run(shell, install, COMPLETE_VAR))
    if path is None:
        typer.echo(script)
    else:
        typer.echo(f"{shell} completion installed in {path}; it works in a new shell", err=True)
    raise typer.Exit()


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    _completion(ctx, value, install=False)


def _install_completion(ctx: typer.Context, value: str | None) -> None:
    _completion(ctx, value, install=True)


def _version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        guarded(lambda: write(version_text(ctx.params.get("data"))))
        raise typer.Exit()


def version_text(data: Any) -> str:
    """The package's version, and how current its facts are and where they come from."""
    from spacefacts import factbase

    base = factbase.base_file(Path(data) if data else None)
    as_of = factbase.as_of_of(base.path) or "unknown"
    if base.origin == factbase.UPDATED:
        from spacefacts import update

        found = update.installed()
        where = f"updated from {found.url}" if found else "updated"
    elif base.origin == factbase.SHIPPED:
        where = "shipped"
    else:
        where = str(base.path)
    return f"spacefacts {__version__}\nfacts as of {as_of} ({where})\n"


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            metavar="FILE",
            envvar=paths.ENV_DATA,
            help="Fact file to use instead of the shipped one ('-': standard input).",
            show_envvar=True,
            is_eager=True,  # read before --version when given before it: that says its as_of
        ),
    ] = None,
    personal: Annotated[
        str | None,
        typer.Option(
            "--personal",
            metavar="FILE",
            envvar=paths.ENV_PERSONAL,
            help="Your personal fact file, merged over the base (default: "
            "$XDG_DATA_HOME/spacefacts/facts.toml).",
            show_envvar=True,
        ),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour (also NO_COLOR=1, CLICOLOR=0).")
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help=f"Compile the fact files in memory, no cache ({ENV_NO_CACHE}=1)."
        ),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Never page long output (also SPACEFACTS_NO_PAGER=1)."),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No notes on stderr (errors and warnings still)."),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="en|zh",
            help="Names in tables: zh shows Chinese names where a record has one (also "
            "SPACEFACTS_LANG, or a zh locale in LANG). JSON always carries both.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            metavar="SHELL",
            is_eager=True,
            callback=_show_completion,
            help="Print the completion script for SHELL (bash, zsh, fish, powershell).",
        ),
    ] = None,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="SHELL",
            is_eager=True,
            callback=_install_completion,
            help="Install completion for SHELL (bash, zsh, fish, powershell).",
        ),
    ] = None,
) -> None:
    """A sourced fact explorer for China's space exploration."""
    # plain strings, not click paths: a file that cannot be read is reported by the loader
    # (exit 3, "permission denied"), not refused as a usage error
    data_path = guarded(lambda: path_option("--data", data))
    personal_path = guarded(lambda: path_option("--personal", personal))
    ctx.obj = Settings(data_path, personal_path, no_color, no_cache, no_pager, quiet, lang)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: the app, with arguments that must be text."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    for n, arg in enumerate(args, start=1):
        if any("\udc80" <= c <= "\udcff" for c in arg):
            from spacefacts.errors import BadValueError

            report(BadValueError(f"argument {n} is not valid UTF-8"))
            raise SystemExit(2)
    if COMPLETE_VAR in os.environ:  # the shell asks for completions: Typer's shell classes
        import typer.completion  # Typer's shell classes, registered with click

        getattr(typer.completion, "completion_init")()  # noqa: B009 - not in its stubs
    app(args=args, prog_name="spacefacts", complete_var=COMPLETE_VAR)


__all__ = ["COMMANDS", "Settings", "app", "main", "settings"]
