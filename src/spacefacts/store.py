"""Writing fact files: new records checked before writing, atomic replaces, a lock, exports.

Nothing is written until the would-be file has passed factbase.check merged with the base. A
file is replaced by writing a temporary file in the same directory, fsyncing it and renaming it
over the old one, so a crash leaves either the old file or the new one, never a mix.
tomli_w and json are imported inside the functions that write them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from spacefacts import factbase, query
from spacefacts.errors import FactBaseError, Problem, RejectedRecordError, WriteError
from spacefacts.factbase import FIELDS, KINDS, PERSONAL, SCHEMA_VERSION, FactFile
from spacefacts.model import FactBase, PartialDate

PERSONAL_HEADER = (
    "# spacefacts personal fact file, merged over the shipped fact base.\n"
    "# Rewritten by `spacefacts add`: comments in this file are not kept.\n"
)
EXPORT_HEADER = "# spacefacts fact file, written by `spacefacts export`.\n"

# The fields a new record's id is made from, per kind.
_ID_BASIS: dict[str, tuple[str, ...]] = {
    "sources": ("title",),
    "milestones": ("title",),
    "statements": ("speaker", "text"),
}
_ID_LENGTH = 48


class ExportFormat(StrEnum):
    toml = "toml"
    json = "json"


class Only(StrEnum):
    personal = "personal"  # the records of the personal file
    base = "base"  # the records of the base file (shipped, or --data)


# --- adding a record -----------------------------------------------------------------------


def add(base: FactFile, personal: Path, kind: str, fields: Mapping[str, Any]) -> Any:
    """Add a record of `kind` made from `fields` to the personal file; return the new record.

    Names are resolved as the listing commands resolve them (a program by alias, a topic in any
    case); the id is made from the title when not given. The read, the check and the write
    happen under a lock on the personal file, so concurrent adds all land.
    """
    with _locked(personal):
        _remove_stale_temporaries(personal)
        mine = FactFile(personal, PERSONAL)
        files = [base, mine] if personal.exists() else [base]
        current = factbase.load(files)
        document = _read_document(personal) if personal.exists() else {}
        record = _resolve(current, kind, fields)
        if "id" not in record:
            record = {"id": _new_id(current, kind, record), **record}
        document.setdefault(kind, []).append(record)
        data = to_toml(document, PERSONAL_HEADER).encode("utf-8")
        merged, problems = factbase.check([base, mine], {personal: data})
        if problems:
            raise RejectedRecordError(problems, str(personal))
        write_atomic(personal, data)
    return next(r for r in getattr(merged, kind) if r.id == record["id"])


def _read_document(path: Path) -> dict[str, Any]:
    """The personal file as tomllib parses it (it has just been loaded, so it is valid)."""
    import tomllib

    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as err:  # changed under us despite the lock: report, not crash
        raise FactBaseError([Problem(str(path), f"cannot read: {err}")]) from None


def _resolve(fb: FactBase, kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The raw record in schema order; names of programs, topics, sources become their ids."""
    record: dict[str, Any] = {}
    required, optional = FIELDS[kind]
    for name in required + optional:
        value = fields.get(name)
        if value is None or value == [] or value == ():
            continue
        if name == "program":
            value = query.find_program(fb, value).id
        elif name == "topics" and kind == "statements":
            value = [query.find_topic(fb, t).id for t in value]
        elif name == "sources":
            value = [_find_id("source", [s.id for s in fb.sources], s) for s in value]
        elif name == "milestone":
            value = _find_id("milestone", [m.id for m in fb.milestones], value)
        elif isinstance(value, tuple):
            value = list(value)
        record[name] = value
    return record


def _find_id(what: str, ids: Sequence[str], value: str) -> str:
    """The id `value` names, exactly or folded ("Src A" finds "src-a"); did-you-mean if none."""
    return query.lookup(what, value, {query.fold(i): i for i in ids}, ids)


def slug(text: str) -> str:
    """A kebab-case id from text: "Chang'e-6 lands!" -> "chang-e-6-lands" (at most 48 chars)."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    made = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text):
        if made and len(made) + 1 + len(word) > _ID_LENGTH:
            break
        made = f"{made}-{word}" if made else word[:_ID_LENGTH]
    return made


def _new_id(fb: FactBase, kind: str, record: Mapping[str, Any]) -> str:
    """A slug of the record's title (or speaker and text), made unique across every kind."""
    basis = " ".join(str(record.get(name, "")) for name in _ID_BASIS.get(kind, ()))
    stem = slug(basis) or kind[:-1]
    taken = {r.id for k in KINDS for r in getattr(fb, k)}
    ident, n = stem, 1
    while ident in taken:
        n += 1
        ident = f"{stem}-{n}"
    return ident


# --- export --------------------------------------------------------------------------------


def document(fb: FactBase, only: Only | None = None) -> dict[str, Any]:
    """The fact base as a fact-file document (schema shape), optionally one origin's records."""
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    for kind in KINDS:
        records = [
            raw_record(kind, r)
            for r in getattr(fb, kind)
            if only is None or (r.origin == PERSONAL) == (only is Only.personal)
        ]
        if records:
            doc[kind] = records
    return doc


def raw_record(kind: str, record: Any) -> dict[str, Any]:
    """A model record as its [[kind]] table: schema field order, empty optionals left out."""
    required, optional = FIELDS[kind]
    raw: dict[str, Any] = {}
    for name in required + optional:
        value = getattr(record, name)
        if isinstance(value, PartialDate):
            value = value.iso()
        elif isinstance(value, tuple):
            value = list(value)
        if name in optional and value in (None, "", []):
            continue
        raw[name] = value
    return raw


def export(fb: FactBase, fmt: ExportFormat, only: Only | None = None) -> str:
    """The fact base (or one origin's records) as a TOML or JSON fact-file document."""
    doc = document(fb, only)
    if fmt is ExportFormat.json:
        import json

        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return to_toml(doc, EXPORT_HEADER)


def to_toml(doc: Mapping[str, Any], header: str = "") -> str:
    """A fact-file document as TOML through tomli-w, one [[kind]] header per record."""
    import tomli_w

    parts = [header, tomli_w.dumps({"schema_version": doc.get("schema_version", SCHEMA_VERSION)})]
    for kind in KINDS:
        for record in doc.get(kind, ()):
            # one dumps per record: tomli-w would write short records as inline tables
            parts.append(f"\n[[{kind}]]\n{tomli_w.dumps(record)}")
    return "".join(parts)


# --- atomic writes and the lock ------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` by `data`: temporary file, flush, fsync, rename, fsync the directory."""
    import tempfile

    if path.is_symlink():  # replace the file the link points to, and keep the link
        path = path.resolve()
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise WriteError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(err, OSError):
            unchanged = "; the previous file is unchanged" if path.exists() else ""
            raise WriteError(f"cannot write {path}: {err.strerror or err}{unchanged}") from None
        raise
    _fsync_directory(directory)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to fsync)."""
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the rename is still atomic
    finally:
        os.close(fd)


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files left by a writer that was killed before its rename (we hold the lock)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on PATH.lock (beside the file) for a read-modify-write."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise WriteError(f"cannot lock {lock_path}: {err.strerror or err}") from None
    try:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # gives up after about 10 seconds
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as err:
            raise WriteError(f"cannot lock {lock_path}: {err.strerror or err}") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
