"""`spacefacts edit`: one of your records through your editor, never losing what you typed.

The draft lives in a private temporary directory under a fixed name (never a name made from
the record's id) and is read back with the guarded reader (a FIFO or a device put in its
place is refused, not waited on). An edit that does not pass the checks reopens the editor at
a terminal with the problems on top, as `crontab -e` and `kubectl edit` do; otherwise (or when
you leave the editor without changing the text) the edit is kept in a file the message names.
The record is saved only if nobody changed it in the file meanwhile (checked under the lock).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacefacts import fileio, store
from spacefacts.errors import BadValueError, RejectedRecordError, SpacefactsError
from spacefacts.factbase import REPLACES, FactFile

_PROBLEMS = "# spacefacts: this edit was not saved:\n"
_COPY = (
    "# A copy of the shipped record, to save in your personal file: it replaces the shipped\n"
    "# one (replaces = its id) in every command. Leave it unchanged to keep the shipped one.\n"
)
_HINT = "# Fix it and save to try again; leave the text as it is to give up (it is kept).\n"
MAX_ROUNDS = 20  # reopenings at a terminal before giving up (the edit is kept)


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        parts = shlex.split(editor)
    except ValueError as err:
        raise BadValueError(f"cannot start the editor {editor!r}: {err}") from None
    if not parts:
        raise BadValueError("$VISUAL and $EDITOR name no editor")
    return parts


def edit(
    base: FactFile, personal: Path, ident: str, waiting: Callable[[], None] | None = None
) -> str:
    """Edit the personal record `ident` (or a personal copy replacing the base record of that
    id); return what happened, in words."""
    copy = False
    try:
        kind, original = store.personal_record(base, personal, ident)
    except store.BaseRecordError as shipped:
        kind, copy = shipped.kind, True
        original = {**store.raw_record(kind, shipped.record), REPLACES: ident}
    command = editor_command()
    shown = store.record_text(kind, original)
    if copy:
        shown = _COPY + shown
    with tempfile.TemporaryDirectory(prefix="spacefacts-edit-") as scratch:
        draft = Path(scratch) / "record.toml"
        for _ in range(MAX_ROUNDS):
            _write_draft(draft, shown)
            _run(command, draft, personal, shown)
            edited = _read_draft(draft, personal, shown)
            body = _without_problems(edited)
            if body == _without_problems(shown) or (copy and body == shown.removeprefix(_COPY)):
                if shown.startswith(_PROBLEMS):
                    kept = keep(personal, body)
                    return f"not saved; your edit is kept in {kept}"
                return "no change"
            try:
                new = store.parse_record(kind, body)
                if copy:
                    store.add_replacement(base, personal, kind, new, waiting)
                else:
                    store.replace(base, personal, ident, new, waiting, expected=original)
            except (BadValueError, RejectedRecordError) as err:
                if not _at_terminal():
                    kept = keep(personal, body)
                    raise BadValueError(
                        "\n".join([*err.lines(), f"your edit is kept in {kept}"])
                    ) from None
                shown = _PROBLEMS + "".join(f"#   {line}\n" for line in err.lines()) + _HINT
                shown += body
                continue
            except SpacefactsError as err:
                kept = keep(personal, body)
                raise type(err)(f"{err}; your edit is kept in {kept}") from None
            return f"saved {new.get('id')!r} to {personal}"
        kept = keep(personal, _without_problems(shown))
        return f"not saved after {MAX_ROUNDS} tries; your edit is kept in {kept}"


def _at_terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _write_draft(draft: Path, text: str) -> None:
    if draft.is_symlink() or (draft.exists() and not draft.is_file()):
        draft.unlink()
    fileio.write_atomic(draft, text.encode("utf-8"))


def _run(command: list[str], draft: Path, personal: Path, shown: str) -> None:
    try:
        done = subprocess.run([*command, str(draft)], check=False)
    except (OSError, ValueError) as err:
        raise BadValueError(f"cannot start the editor {command[0]!r}: {err}") from None
    if done.returncode != 0:
        raise BadValueError(f"the editor exited with {done.returncode}; nothing was changed")


def _read_draft(draft: Path, personal: Path, shown: str) -> str:
    try:
        raw = fileio.read_regular(draft, fileio.MAX_FACT_FILE)
    except SpacefactsError as err:
        raise BadValueError(f"cannot read the edited record: {err}; nothing was changed") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        kept = keep(personal, raw.decode("utf-8", "replace"))
        raise BadValueError(f"the edited record is not UTF-8; it is kept in {kept}") from None


def _without_problems(text: str) -> str:
    """The draft without the problems written on top of it."""
    if not text.startswith(_PROBLEMS):
        return text
    lines = text.splitlines(keepends=True)
    rest = [line for line in lines if not line.startswith("#")]
    start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[start:]) if rest else ""


def keep(personal: Path, text: str) -> Path:
    """Save an edit that was not saved beside the personal file, in a new file (never an
    existing one): `edit-XXXX.toml`."""
    folder = fileio.real_path(personal).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="edit-", suffix=".toml", dir=folder)
    except OSError:
        fd, name = tempfile.mkstemp(prefix="spacefacts-edit-", suffix=".toml")
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(text)
    return Path(name)


__all__ = ["Any", "edit", "editor_command", "keep"]
