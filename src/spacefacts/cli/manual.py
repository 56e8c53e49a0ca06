"""`spacefacts man`: the manual page in roff, written from the same command tree as --help.

`walk` is the one walk over that tree: the man page, docs/generate.py (docs/commands.md and
docs/spacefacts.1) and the test that every command has help and an example all use it.
EXIT_STATUS and ENVIRONMENT are the documented lists; docs/exit-codes.md is generated from them.
"""

from collections.abc import Iterator
from typing import Any

import typer

from spacefacts.cli import common

app = typer.Typer()

# Exit codes: errors.ExitCode, plus 141 which __main__ sets for a closed pipe.
EXIT_STATUS: tuple[tuple[int, str, str], ...] = (
    (0, "OK", "Success, an empty result included (`nothing found` is said on stderr)."),
    (
        1,
        "FAILURE",
        "Output could not be written (a full disk, a closed stdout), or a bug: please report "
        "it with the traceback.",
    ),
    (
        2,
        "USAGE",
        "Usage error: a bad option or value, or an unknown topic, program, id, kind or field "
        "(the message names the closest known values); `add` refusing a record that would not "
        "be valid (nothing is written).",
    ),
    (
        3,
        "DATA",
        "A fact file cannot be read or is invalid: one line per problem on stderr, "
        "FILE:LINE: ID.FIELD: message; `validate` found an error.",
    ),
    (
        4,
        "WRITE",
        "A file could not be written or locked in time (`add`, `remove`, `edit`, "
        "`export --output`, `chart --output`); the previous file is left as it was.",
    ),
    (
        5,
        "UPDATE",
        "`update` could not fetch, verify or install a newer fact base (unreachable, refused, "
        "not the published file, or failing validation); the facts in use are unchanged.",
    ),
    (130, "INTERRUPTED", "Interrupted with Ctrl-C (128 + SIGINT), as shells report it."),
    (
        141,
        "PIPE",
        "Standard output was closed by the reader before all the output was written (128 + "
        "SIGPIPE), as can happen in `spacefacts timeline | head -1`; nothing is printed. Output "
        "that fits in the pipe before the reader leaves was written in full: exit 0.",
    ),
)

ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("SPACEFACTS_DATA", "Fact file to use instead of the shipped one (as --data)."),
    (
        "SPACEFACTS_PERSONAL",
        "Your personal fact file (as --personal); default $XDG_DATA_HOME/spacefacts/facts.toml, "
        "else ~/.local/share/spacefacts/facts.toml.",
    ),
    (
        "SPACEFACTS_CACHE_DIR",
        "Where the compiled fact base (an SQLite file) is kept; default "
        "$XDG_CACHE_HOME/spacefacts, else ~/.cache/spacefacts.",
    ),
    ("SPACEFACTS_NO_CACHE", "Any value but empty or 0: no cache file, as --no-cache."),
    ("SPACEFACTS_NO_PAGER", "Any value but empty or 0: never page, as --no-pager."),
    (
        "SPACEFACTS_PAGER",
        "The pager for long output at a terminal (before $PAGER; default less -FRX); empty or "
        "cat: no pager.",
    ),
    (
        "SPACEFACTS_LOCK_TIMEOUT",
        "Seconds a writer (add, remove, edit) waits for another one's lock (default 10).",
    ),
    (
        "SPACEFACTS_TODAY",
        "Today's date as YYYY-MM-DD, for `on` and the planned-date checks (reproducible runs).",
    ),
    (
        "SPACEFACTS_LANG",
        "zh: tables show Chinese names where a record has one (as --lang zh); en: English. "
        "Without it, a zh locale in LC_ALL, LC_MESSAGES or LANG chooses zh.",
    ),
    (
        "SPACEFACTS_UPDATE_URL",
        "Where `spacefacts update` fetches facts.toml and SHA256SUMS from (https://, http:// "
        "or file://), instead of the project's releases.",
    ),
    ("NO_COLOR", "Any non-empty value: no colour (https://no-color.org)."),
    ("FORCE_COLOR", "Non-empty: draw terminal tables and colour even into a pipe; 0: no colour."),
    ("CLICOLOR", "0: no colour."),
    ("CLICOLOR_FORCE", "Non-empty and not 0: as FORCE_COLOR."),
    ("TERM", "dumb: plain output, no colour."),
    ("PAGER", "The pager when SPACEFACTS_PAGER is not set."),
    ("VISUAL, EDITOR", "The editor of `spacefacts edit` (default vi)."),
    ("XDG_DATA_HOME, XDG_CACHE_HOME", "Base directories of the personal file and the cache."),
)

FILES: tuple[tuple[str, str], ...] = (
    (
        "SITE-PACKAGES/spacefacts/data/facts.toml",
        "The shipped fact base, installed with the package.",
    ),
    (
        "~/.local/share/spacefacts/update/facts.toml",
        "A newer fact base installed by `spacefacts update` (with update.json saying where it "
        "came from); used while newer than the shipped one; `update --reset` removes it.",
    ),
    (
        "~/.local/share/spacefacts/facts.toml",
        "Your personal fact file (see SPACEFACTS_PERSONAL), merged over the base; written by "
        "add, remove and edit, beside its lock facts.toml.lock.",
    ),
    (
        "~/.cache/spacefacts/facts-HASH.sqlite",
        "The compiled fact base: a plain SQLite database, rebuilt whenever a fact file changes; "
        "safe to delete.",
    ),
)

EXAMPLES = (
    ("The events of one year:", "spacefacts timeline --year 2024"),
    ("Every statement on peace, for a spreadsheet:", "spacefacts quote --topic peace --format csv"),
    (
        "Search, then show one record in full:",
        "spacefacts search far side\nspacefacts show change-4",
    ),
    ("What happened on this day:", "spacefacts on"),
    ("The fact base as an SQLite database:", "spacefacts export --format sqlite --output facts.db"),
)


class Entry:
    """One command of the tree: its words ("add milestone"), the click command, its context."""

    __slots__ = ("command", "context", "path")  # a plain class: no dataclass cost at start-up

    def __init__(self, path: tuple[str, ...], command: Any, context: Any) -> None:
        self.path = path
        self.command = command  # a click Command (Typer's vendored click has no public type)
        self.context = context

    @property
    def name(self) -> str:
        return " ".join(("spacefacts", *self.path))

    @property
    def is_group(self) -> bool:
        return hasattr(self.command, "list_commands")


def walk(root: Any) -> Iterator[Entry]:
    """The root (the app's click group), then every visible command and subcommand, in the
    order --help lists them."""
    yield from _walk(root, (), root.make_context("spacefacts", [], resilient_parsing=True))


def _walk(cmd: Any, path: tuple[str, ...], ctx: Any) -> Iterator[Entry]:
    yield Entry(path, cmd, ctx)
    if not hasattr(cmd, "list_commands"):
        return
    for name in cmd.list_commands(ctx):
        sub = cmd.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
        yield from _walk(sub, (*path, name), sub_ctx)


def examples(entry: Entry) -> list[str]:
    """The example command lines of a command's epilog ("  $ spacefacts ...")."""
    lines = (entry.command.epilog or "").splitlines()
    return [line.strip()[2:] for line in lines if line.strip().startswith("$ ")]


def options(entry: Entry) -> list[tuple[str, str]]:
    """(option names and metavar, help) of a command's options and arguments, as --help has."""
    found = []
    for param in entry.command.get_params(entry.context):
        record = param.get_help_record(entry.context)
        if record is not None:
            found.append(record)
    return found


# --- roff ------------------------------------------------------------------------------------


def roff(text: str) -> str:
    r"""Text as roff: `\`, `-` and non-ASCII escaped (`\[uXXXX]`), no line read as a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if c < "\x80" else f"\\[u{ord(c):04X}]" for c in text)
    lines = [("\\&" + line if line.startswith((".", "'")) else line) for line in text.split("\n")]
    return "\n".join(lines)


def _option_label(names: str) -> str:
    """`-o, --output <file>` as bold option names and an italic metavar."""
    words = []
    for word in names.split(" "):
        bare = word.rstrip(",")
        font = "B" if bare.startswith("-") else "I"
        words.append(f"\\f{font}{roff(bare)}\\fR" + ("," if word.endswith(",") else ""))
    return " ".join(words)


def _section(entry: Entry) -> list[str]:
    cmd, ctx = entry.command, entry.context
    usage = " ".join(cmd.collect_usage_pieces(ctx))
    lines = [f'.SS "{roff(entry.name)} {roff(usage)}"', roff(cmd.help or "")]
    if entry.is_group:
        subs = [n for n in cmd.list_commands(ctx) if not cmd.get_command(ctx, n).hidden]
        lines += [".PP", roff("Commands: " + ", ".join(subs) + ".")]
        return lines
    for names, help_text in options(entry):
        lines += [".TP", _option_label(names), roff(help_text)]
    found = examples(entry)
    if found:
        lines += [".PP", "Examples:", ".RS", ".nf", *(roff(e) for e in found), ".fi", ".RE"]
    return lines


def page(root: Any) -> str:
    """The whole manual page, spacefacts(1), as roff source."""
    from spacefacts import __version__

    entries = list(walk(root))
    root = entries[0]
    out = [
        f'.TH SPACEFACTS 1 "" "spacefacts {__version__}" "User Commands"',
        ".nh",  # no hyphenation: names like SPACEFACTS_DATA must not be split
        ".ad l",
        ".SH NAME",
        "spacefacts \\- a sourced fact explorer for China's space exploration",
        ".SH SYNOPSIS",
        ".B spacefacts",
        "[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]",
        ".SH DESCRIPTION",
        roff(
            "spacefacts answers questions about China's space exploration from a fact base "
            "shipped with it, current to 2026: milestones, missions, the lunar program's steps "
            "and attributed statements, each citing its sources. Your own records live in a "
            "personal fact file merged over the shipped one."
        ),
        ".PP",
        roff(
            "Commands that print records take the same output options: --json, --format "
            "table|json|jsonl|csv|markdown, --fields and --no-header. Tables are drawn for a "
            "terminal; into a pipe they are plain text, one record per line. JSON is a "
            "contract: its fields are listed by `--fields help`. Global options may also be "
            "given after the command name."
        ),
        ".SH GLOBAL OPTIONS",
    ]
    for names, help_text in options(root):
        out += [".TP", _option_label(names), roff(help_text)]
    out.append(".SH COMMANDS")
    for entry in entries[1:]:
        out += _section(entry)
    out.append(".SH EXIT STATUS")
    for code, _name, meaning in EXIT_STATUS:
        out += [".TP", f"\\fB{code}\\fR", roff(meaning.replace("`", ""))]
    out.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT:
        out += [".TP", f"\\fB{roff(name)}\\fR", roff(meaning)]
    out.append(".SH FILES")
    for name, meaning in FILES:
        out += [".TP", f"\\fI{roff(name)}\\fR", roff(meaning)]
    out.append(".SH EXAMPLES")
    for what, lines in EXAMPLES:
        out += [".PP", roff(what), ".RS", ".nf", roff(lines), ".fi", ".RE"]
    out += [
        ".SH SEE ALSO",
        roff("spacefacts COMMAND --help; the docs/ folder of the source distribution."),
    ]
    return "\n".join(out) + "\n"


@app.command(
    "man",
    cls=common.Command,
    epilog=common.examples("spacefacts man > spacefacts.1\nspacefacts man | man -l -"),
)
def man(ctx: typer.Context) -> None:
    """Print the manual page (roff): commands, options, exit status, environment, files."""
    common.write(page(ctx.find_root().command))
