"""Writing fact files: records checked before writing, under a lock, replaced atomically.

Nothing is written until the would-be file has passed factbase.check merged with the base.
The lock, the temporary file and the replace all happen beside the real file (paths.py), so a
personal file reached through a symbolic link is safe too. tomli_w and json are imported
inside the functions that write them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

from spacefacts import factbase, fileio
from spacefacts.errors import (
    BadValueError,
    FactBaseError,
    Problem,
    RejectedRecordError,
    UnknownValueError,
    WriteError,
)
from spacefacts.factbase import AS_OF, PERSONAL, SCHEMA_VERSION, FactFile, Records
from spacefacts.model import SCHEMA, JsonRecord, Kind, Status
from spacefacts.text import close_matches, fold, slug

PERSONAL_HEADER = (
    "# spacefacts personal fact file, merged over the shipped fact base.\n"
    "# Rewritten by `spacefacts add`, `remove` and `edit`: comments in this file are not kept.\n"
)
EXPORT_HEADER = "# spacefacts fact file, written by `spacefacts export`.\n"

# The fields a new record's id is made from, per kind.
_ID_BASIS: dict[Kind, tuple[str, ...]] = {
    Kind.source: ("title",),
    Kind.milestone: ("title",),
    Kind.statement: ("speaker", "text"),
    Kind.occasion: ("name",),
    Kind.publisher: ("name",),
    Kind.speaker: ("name",),
    Kind.mission: ("name",),
}


class Only(StrEnum):
    personal = "personal"  # the records of the personal file
    base = "base"  # the records of the base file (shipped, or --data)


# --- changing the personal file ------------------------------------------------------------


class Change:
    """A read-modify-write of the personal file, under its lock."""

    def __init__(
        self, base: FactFile, personal: Path, waiting: Callable[[], None] | None = None
    ) -> None:
        self.base, self.personal, self.waiting = base, personal, waiting

    def run(
        self,
        change: Callable[[Records, dict[str, Any]], None],
        dry_run: bool = False,
        before_write: Callable[[Records], None] | None = None,
    ) -> Records:
        """Apply `change` to the personal document; check; call `before_write` with the
        records as they will be (a command prints its output there: if that fails, nothing is
        written, so a retry never adds a record twice); write unless `dry_run`."""
        with fileio.locked(self.personal, waiting=self.waiting) as real:
            fileio.remove_stale_temporaries(real)
            mine = FactFile(real, PERSONAL)
            exists = fileio.exists_checked(real)
            current = factbase.load([self.base, mine] if exists else [self.base])
            document = _read_document(real) if exists else {}
            if document.get("schema_version") == 2:  # written back in version 3
                base_only = {k: [r for r in current[k] if r["origin"] != PERSONAL] for k in Kind}
                factbase.upgrade_v2(document, base_only)
            change(current, document)
            data = to_toml(document, PERSONAL_HEADER).encode("utf-8")
            if len(data) > fileio.MAX_FACT_FILE:  # the reader would refuse it: never write it
                raise WriteError(
                    f"refusing to write {self.personal}: it would be {len(data):,} bytes, over "
                    f"the {fileio.MAX_FACT_FILE:,} a fact file may have; nothing was written"
                )
            merged, problems = factbase.check([self.base, mine], {real: data}, strict=True)
            errors = [p for p in problems if p.severity == "error"]
            if errors:
                raise RejectedRecordError(errors, str(self.personal))
            if before_write is not None:
                before_write(merged)
            if not dry_run:
                fileio.write_atomic(real, data)
        return merged


def add(
    base: FactFile,
    personal: Path,
    kind: Kind,
    fields: Mapping[str, Any],
    dry_run: bool = False,
    waiting: Callable[[], None] | None = None,
    announce: Callable[[JsonRecord, list[JsonRecord], list[JsonRecord]], None] | None = None,
) -> tuple[JsonRecord, list[JsonRecord], list[JsonRecord]]:
    """Add a record of `kind` made from `fields`; return it, the near-duplicates it has, and
    the records made for names it gave that named none (a new publisher, a new speaker).

    Names are resolved as the listing commands resolve them (a program by alias, a topic in any
    case); the id is made from the title when not given.
    """
    made: dict[str, Any] = {}
    similar: list[JsonRecord] = []

    def change(current: Records, document: dict[str, Any]) -> None:
        given = dict(fields)
        for name, of in _NAMED.get(kind, {}).items():  # a name that is no record yet: a record
            if isinstance(given.get(name), str):
                given[name] = _named(current, document, of, given[name], created)
        record = _resolve(current, kind, given, {r["id"] for r in created})
        if "id" not in record:
            made_now = {r["id"] for r in created}  # in the file, not yet in `current`
            record = {"id": _new_id(current, kind, record, made_now), **record}
        similar.extend(near_duplicates(current, kind, record))
        document.setdefault(kind.table, []).append(record)
        made.update(record)

    created: list[JsonRecord] = []

    def before_write(merged: Records) -> None:
        if announce is not None:
            factbase.derive(merged)  # the derived fields, as every listing shows them
            announce(next(r for r in merged[kind] if r["id"] == made["id"]), similar, created)

    merged = Change(base, personal, waiting).run(change, dry_run, before_write)
    factbase.derive(merged)
    found = next(r for r in merged[kind] if r["id"] == made["id"])
    return found, similar, created


# The fields of a new record that may name a record not yet there: a source's publisher, a
# statement's speaker. Such a name becomes a new record of the personal file (named so).
_NAMED: dict[Kind, dict[str, Kind]] = {
    Kind.source: {"publisher": Kind.publisher},
    Kind.statement: {"speaker": Kind.speaker},
}


def _named(
    current: Records, document: dict[str, Any], of: Kind, value: str, created: list[JsonRecord]
) -> str:
    """The id of the record (of `of`, or of who may speak) that `value` names by id or name;
    a new record of that name, added to the document, if none does."""
    kinds = (Kind.speaker, Kind.astronaut, Kind.publisher) if of is Kind.speaker else (of,)
    wanted = fold(value)

    def same(label: str) -> bool:
        # a name of no letters or digits folds to nothing: it names only a record of that name
        return fold(label) == wanted if wanted else label.strip() == value.strip()

    for kind in kinds:
        for record in current[kind]:
            labels = (record["id"], record.get("name"), record.get("name_zh"))
            if any(label and same(label) for label in labels):
                return str(record["id"])
    made_now = {r["id"] for r in created}
    made = {"id": _new_id(current, of, {"name": value}, made_now), "name": value.strip()}
    document.setdefault(of.table, []).append(made)
    created.append({"kind": of.value, **made})
    return made["id"]


def remove(
    base: FactFile, personal: Path, ident: str, waiting: Callable[[], None] | None = None
) -> JsonRecord:
    """Remove one of your records; refused if another record points to it, unless it is your
    copy of a base record (`replaces`): the base record then takes its place again."""
    removed: dict[str, Any] = {}

    def change(current: Records, document: dict[str, Any]) -> None:
        table, index = _locate(current, document, ident)
        copy = document[table][index].get(factbase.REPLACES) == ident
        users = [] if copy else citing(current, ident)
        if users:
            shown = ", ".join(repr(u) for u in users[:5]) + (" ..." if len(users) > 5 else "")
            raise BadValueError(
                f"{ident!r} is referred to by {shown}: change or remove "
                f"{'it' if len(users) == 1 else 'them'} first; nothing was written"
            )
        removed.update(document[table].pop(index))
        if not document[table]:
            del document[table]

    Change(base, personal, waiting).run(change)
    return removed


def citing(current: Records, ident: str) -> list[str]:
    """The ids of the records that refer to `ident` (cite it, name it as their program...)."""
    found = []
    for kind in Kind:
        refs = [f.name for f in SCHEMA[kind].stored if f.is_ref]
        for record in current[kind]:
            for name in refs:
                value = record.get(name)
                if value == ident or (isinstance(value, list) and ident in value):
                    found.append(record["id"])
                    break
    return found


def add_replacement(
    base: FactFile,
    personal: Path,
    kind: Kind,
    raw: Mapping[str, Any],
    waiting: Callable[[], None] | None = None,
) -> None:
    """Add a personal record that replaces the base record of its id (`replaces = "id"`)."""

    def change(current: Records, document: dict[str, Any]) -> None:
        ident = raw.get("id")
        for row in document.get(kind.table, []):
            if isinstance(row, dict) and row.get("id") == ident:
                raise BadValueError(f"{ident!r} is already replaced in {personal}: edit it")
        document.setdefault(kind.table, []).append(dict(raw))

    Change(base, personal, waiting).run(change)


def replace(
    base: FactFile,
    personal: Path,
    ident: str,
    new: Mapping[str, Any],
    waiting: Callable[[], None] | None = None,
    expected: Mapping[str, Any] | None = None,
) -> None:
    """Replace one of your records by `new` (same kind), checked first.

    With `expected` (the record as it was read before an edit), the record must still be that
    in the file under the lock: another process's change is never silently reverted.
    """

    def change(current: Records, document: dict[str, Any]) -> None:
        table, index = _locate(current, document, ident)
        if expected is not None and document[table][index] != expected:
            raise WriteError(
                f"{ident!r} was changed in {personal} by another process while you edited it; "
                "nothing was written"
            )
        document[table][index] = dict(new)

    Change(base, personal, waiting).run(change)


def personal_record(base: FactFile, personal: Path, ident: str) -> tuple[Kind, dict[str, Any]]:
    """One record of the personal file as written there; the file is checked first (merged
    over the base), so a broken file is reported, never half edited."""
    real = fileio.real_path(personal)
    current = factbase.load(
        [base, FactFile(real, PERSONAL)] if fileio.exists_checked(real) else [base]
    )
    document = _read_document(real) if fileio.exists_checked(real) else {}
    table, index = _locate(current, document, ident)
    kind = Kind.from_table(table)
    assert kind is not None
    return kind, document[table][index]


def record_text(kind: Kind, record: Mapping[str, Any]) -> str:
    """One record as the TOML of its [[table]] (what `edit` shows)."""
    return to_toml({kind.table: [dict(record)]}).split("\n", 2)[2]


def parse_record(kind: Kind, text: str) -> dict[str, Any]:
    """The one [[table]] record of an edited text; BadValueError naming what is wrong."""
    import tomllib

    try:
        edited = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as err:
        raise BadValueError(f"the edited record is not valid TOML: {err}") from None
    rows = edited.get(kind.table)
    extra = [k for k in edited if k != kind.table]
    if extra or not isinstance(rows, list) or len(rows) != 1 or not isinstance(rows[0], dict):
        raise BadValueError(f"keep exactly one [[{kind.table}]] table, and nothing else")
    return rows[0]


def _locate(current: Records, document: Mapping[str, Any], ident: str) -> tuple[str, int]:
    """(table, index) of the record `ident` in the personal document; raise if it is not one."""
    for table, records in document.items():
        if isinstance(records, list):
            for index, record in enumerate(records):
                if isinstance(record, dict) and record.get("id") == ident:
                    return table, index
    _not_personal(current, ident)
    raise AssertionError  # pragma: no cover - _not_personal always raises


class BaseRecordError(BadValueError):
    """The record to change is the base fact base's, not one of the personal file."""

    def __init__(self, ident: str, kind: Kind, record: JsonRecord) -> None:
        self.kind, self.record = kind, record
        super().__init__(
            f"{ident!r} is in the base fact base, not your personal file: `spacefacts edit "
            f"{ident}` makes a personal copy that replaces it"
        )


def _not_personal(current: Records, ident: str) -> NoReturn:
    for kind in Kind:
        for record in current[kind]:
            if record["id"] == ident and record["origin"] != PERSONAL:
                raise BaseRecordError(ident, kind, record)
    mine = [r["id"] for k in Kind for r in current[k] if r["origin"] == PERSONAL]
    raise UnknownValueError("record of your personal file", ident, (), close_matches(ident, mine))


def _read_document(path: Path) -> dict[str, Any]:
    """The personal file as tomllib parses it (it has just been loaded, so it is valid)."""
    import tomllib

    try:
        raw = fileio.read_regular(path)
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        return tomllib.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as err:  # changed under us despite the lock: report it
        raise FactBaseError([Problem(str(path), f"cannot read: {err}")]) from None


def _resolve(
    current: Records, kind: Kind, fields: Mapping[str, Any], made: Set[str] = frozenset()
) -> dict[str, Any]:
    """The raw record in schema order; names of programs, topics and sources become ids."""
    from spacefacts.query import lookup

    def ids(of: Kind) -> list[str]:
        return [r["id"] for r in current[of]]

    def find(of: Kind, value: str, hint: str = "") -> str:
        if value in made:  # a record this change has just made
            return value
        names: dict[str, str] = {}
        for r in current[of]:
            for label in (r["id"], r.get("name"), r.get("title"), *(r.get("aliases") or [])):
                if label:
                    names.setdefault(fold(label), r["id"])
        known = ids(of)
        if value in known or fold(value) in names:
            return lookup(of.value, value, names, known)
        close = close_matches(value, known)
        listed = () if hint or len(known) > 20 else known
        raise UnknownValueError(of.value, value, listed, close, hint)

    record: dict[str, Any] = {}
    for spec in SCHEMA[kind].stored:
        value = fields.get(spec.name)
        if value is None or value == [] or value == ():
            continue
        if spec.to and spec.type == "ref":
            value = find(spec.to[0], value, _hint(spec.to[0]))
        elif spec.to and spec.type == "refs":
            value = [find(spec.to[0], v, _hint(spec.to[0])) for v in value]
        elif isinstance(value, tuple):
            value = list(value)
        record[spec.name] = value
    return record


def _hint(kind: Kind) -> str:
    if kind in (Kind.source, Kind.occasion):
        return f"See `spacefacts {kind.table}`, or add one with `spacefacts add {kind.value}`."
    return ""


def _new_id(
    current: Records, kind: Kind, record: Mapping[str, Any], also: Iterable[str] = ()
) -> str:
    """A slug of the record's title (or speaker and text), made unique across every kind and
    the ids `also` taken (records made by the same change)."""
    basis = " ".join(str(record.get(name, "")) for name in _ID_BASIS.get(kind, ()))
    stem = slug(basis) or kind.value.replace("_", "-")
    taken = {r["id"] for k in Kind for r in current[k]} | set(also)
    ident, n = stem, 1
    while ident in taken:
        n += 1
        ident = f"{stem}-{n}"
    return ident


def near_duplicates(current: Records, kind: Kind, record: Mapping[str, Any]) -> list[JsonRecord]:
    """Existing records of `kind` whose title (or text) is nearly the same as the new one's."""
    import difflib

    field = SCHEMA[kind].title
    new = fold(str(record.get(field) or ""))[:NEAR_LIMIT]
    if not new:
        return []
    found = []
    for other in current[kind]:
        old = fold(str(other.get(field) or ""))[:NEAR_LIMIT]
        if not old or abs(len(old) - len(new)) > 0.3 * max(len(old), len(new)):
            continue  # too different in length to be 85% alike: no need to compare
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        if old == new or (matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85):
            found.append(other)
    return found


NEAR_LIMIT = 400  # characters of a title or text compared for near-duplicates (time is bounded)


# --- documents and export ------------------------------------------------------------------


def document(records: Records, only: Only | None = None) -> dict[str, Any]:
    """The fact base as a fact-file document, optionally one origin's records."""
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    if records.as_of and only is not Only.personal:
        doc[AS_OF] = records.as_of  # the date the base's facts are current to
    occasions = {o["id"]: o for o in records[Kind.occasion]}
    for kind in Kind:
        raws = [
            raw_record(kind, r, occasions)
            for r in records[kind]
            if only is None or (r["origin"] == PERSONAL) == (only is Only.personal)
        ]
        if raws:
            doc[kind.table] = raws
    return doc


def raw_record(
    kind: Kind, record: Mapping[str, Any], occasions: Mapping[str, JsonRecord] | None = None
) -> dict[str, Any]:
    """A record as its [[table]]: schema order; empty optionals and derived values left out."""
    occasion = (occasions or {}).get(record.get("occasion") or "")
    raw: dict[str, Any] = {}
    for spec in SCHEMA[kind].stored:
        value = record.get(spec.name)
        if value in (None, "", []) or (spec.type == "status" and value == Status.done):
            continue
        from_occasion = occasion is not None and spec.name in ("date", "milestone")
        if from_occasion and value == occasion.get(spec.name):  # type: ignore[union-attr]
            continue  # it comes from the occasion
        raw[spec.name] = list(value) if isinstance(value, tuple) else value
    return raw


def export_text(records: Records, fmt: str, only: Only | None = None) -> str:
    """The fact base (or one origin's records) as a TOML or JSON fact-file document."""
    doc = document(records, only)
    if fmt == "json":
        import json

        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return to_toml(doc, EXPORT_HEADER)


def to_toml(doc: Mapping[str, Any], header: str = "") -> str:
    """A fact-file document as TOML through tomli-w, one [[table]] header per record."""
    import tomli_w

    top = {"schema_version": doc.get("schema_version", SCHEMA_VERSION)}
    if doc.get(AS_OF):
        top[AS_OF] = doc[AS_OF]
    parts = [header, tomli_w.dumps(top)]
    for kind in Kind:
        for record in doc.get(kind.table, ()):
            # one dumps per record: tomli-w would write short records as inline tables
            parts.append(f"\n[[{kind.table}]]\n{tomli_w.dumps(record)}")
    return "".join(parts)


def select(records: Records, only: Only | None) -> Records:
    """Only the personal or the base records (for export --only)."""
    if only is None:
        return records
    keep = {
        kind: [r for r in rows if (r["origin"] == PERSONAL) == (only is Only.personal)]
        for kind, rows in records.by_kind.items()
    }
    return Records(records.files, keep)
