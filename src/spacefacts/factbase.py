"""Find the fact files, parse them with tomllib and validate them against model.SCHEMA.

Every problem is collected, not just the first, and raised as one FactBaseError whose
problems name the file, line, record id and field where they are known. Warnings (a planned
record whose date has passed) are returned beside the problems and never fail a load.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from spacefacts import fileio, paths
from spacefacts.dates import parse_date, today, type_name
from spacefacts.errors import FactBaseError, Problem, SpacefactsError
from spacefacts.model import (
    BOOL,
    DATE,
    INT,
    MAX_SEARCHED,
    REF,
    REFS,
    SCHEMA,
    STATUS,
    TEXT,
    Field,
    JsonRecord,
    Kind,
    Status,
)

SCHEMA_VERSION = 3
AS_OF = "as_of"  # the date a fact base is current to: a top-level key of its file
REPLACES = "replaces"  # a personal record's key: the base record of that id it replaces
SHIPPED = "shipped"
UPDATED = "updated"  # the origin of records of a base installed by `spacefacts update`
PERSONAL = "personal"

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STATUSES = tuple(s.value for s in Status)


class FactFile(NamedTuple):
    """A fact file to load and the origin label its records carry."""

    path: Path
    origin: str


class Records:
    """Every record of one or more fact files, validated, by kind, in file order."""

    __slots__ = ("as_of", "by_kind", "files")

    def __init__(
        self,
        files: tuple[str, ...] = (),
        by_kind: dict[Kind, list[JsonRecord]] | None = None,
        as_of: str | None = None,
    ) -> None:
        self.files = files
        self.by_kind: dict[Kind, list[JsonRecord]] = {} if by_kind is None else by_kind
        self.as_of = as_of  # the date the (base) fact base is current to

    def __getitem__(self, kind: Kind) -> list[JsonRecord]:
        return self.by_kind.get(kind, [])

    def count(self) -> int:
        return sum(len(v) for v in self.by_kind.values())


def base_file(data: Path | None = None) -> FactFile:
    """The base fact file: `data` if given, else $SPACEFACTS_DATA, else the base installed by
    `spacefacts update` while it is more recent than the shipped one, else the shipped one."""
    if data is not None:
        return FactFile(data, origin_label(data))
    env = os.environ.get(paths.ENV_DATA)
    if env:
        return FactFile(Path(env), origin_label(Path(env)))
    shipped = paths.shipped_data()
    updated = _updated_base(shipped)
    return FactFile(updated, UPDATED) if updated else FactFile(shipped, SHIPPED)


def origin_label(path: Path) -> str:
    """The origin a file's records carry when it is named by path: the path as text, with bytes
    that are not UTF-8 escaped (a record's fields are text; SQLite and JSON refuse the rest)."""
    from spacefacts.text import visible

    return visible(str(path))


def _updated_base(shipped: Path) -> Path | None:
    """The installed update's fact file, if there is one newer than the shipped base (or one
    installed with `update --force`)."""
    try:
        folder = paths.update_dir()
        raw = fileio.read_regular(folder / "update.json", 64 * 1024)
    except SpacefactsError:
        return None  # none installed (or no home directory)
    import json

    try:
        about = json.loads(raw)
        as_of, forced = about.get("as_of"), about.get("forced") is True
    except (ValueError, AttributeError):
        return None
    newer = isinstance(as_of, str) and as_of > (as_of_of(shipped) or "")
    return folder / "facts.toml" if newer or forced else None


def as_of_of(path: Path) -> str | None:
    """The as_of date a fact file declares on its first lines (cheap: no TOML parse)."""
    try:
        head = fileio.read_head(path, 4096).decode("utf-8", "replace")
    except SpacefactsError:
        return None
    found = re.search(r'^as_of\s*=\s*"(\d{4}-\d{2}-\d{2})"', head, re.M)
    return found.group(1) if found else None


def fact_files(data: Path | None = None, personal: Path | None = None) -> list[FactFile]:
    """The files to load: the base, then the personal file if it exists.

    A personal path that cannot be checked (a symlink loop, no permission) is an error, not
    a missing file: the user's records must not silently vanish.
    """
    files = [base_file(data)]
    path = paths.personal_file(personal)
    if fileio.exists_checked(path):
        files.append(FactFile(path, PERSONAL))
    return files


def load(files: Sequence[FactFile]) -> Records:
    """Parse and validate `files` merged; raise FactBaseError on any problem."""
    records, problems = check(files)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise FactBaseError(errors)
    return records


def check(
    files: Sequence[FactFile],
    contents: Mapping[Path, bytes] | None = None,
    strict: bool = False,
) -> tuple[Records, list[Problem]]:
    """Parse and validate `files`: the records built and every problem (and warning) found.

    `contents` gives the bytes of some files instead of reading them from disk: a writer checks
    what it is about to write before anything touches the file. With `strict` (validate, and
    every write), a record dated after today that is not planned is an error; otherwise only a
    warning, so that a machine whose clock is wrong can still read the fact base.
    """
    builder = _Builder(strict)
    problems: list[Problem] = []
    for fact_file in files:
        given = contents.get(fact_file.path) if contents is not None else None
        doc, problem = _read(fact_file, given)
        if problem is not None:
            problems.append(problem)
        if doc is not None:
            builder.add_document(doc)
    builder.cross_check()
    problems.extend(builder.located_problems())
    return Records(tuple(str(f.path) for f in files), builder.records, builder.as_of), problems


# --- reading -------------------------------------------------------------------------------

_TOML_POSITION = r"\s*\(at line (\d+), column (\d+)\)\s*$"


class _Doc(NamedTuple):
    file: FactFile
    name: str
    text: str
    data: dict[str, Any]


def _read(fact_file: FactFile, raw: bytes | None = None) -> tuple[_Doc | None, Problem | None]:
    name = str(fact_file.path)
    if raw is None:
        try:
            raw = fileio.read_input(fact_file.path)
        except SpacefactsError as err:
            return None, Problem(name, _strip_path(str(err), name))
    if raw.startswith(b"\xef\xbb\xbf"):  # a byte-order mark, as some editors write: not data
        raw = raw[3:]
    if not raw or raw.isspace():
        return None, Problem(name, "file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, Problem(name, f"not UTF-8 (byte {raw[err.start]:#04x})", line=line)
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = re.search(_TOML_POSITION, message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            return None, Problem(name, f"TOML syntax: {message[: match.start()]}", line, column)
        return None, Problem(name, f"TOML syntax: {message}")
    except RecursionError:
        return None, Problem(name, "TOML syntax: arrays or tables nested too deeply")
    except ValueError as err:  # tomllib lets int()'s digit limit through
        return None, Problem(name, f"TOML syntax: {str(err).split(';')[0]}")
    if not data:
        return None, Problem(name, "file is empty")
    return _Doc(fact_file, name, text, data), None


def _strip_path(message: str, name: str) -> str:
    """A read error's message without the path (the Problem names the file already)."""
    for prefix in (f"{name}: ", f"cannot read {name}: "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


# --- validating ----------------------------------------------------------------------------


class _Pending(NamedTuple):
    """A problem whose line is looked up only if there are problems (it costs a scan)."""

    doc: _Doc
    table: str | None
    position: int
    record: str | None
    field: str | None
    message: str
    severity: str = "error"
    other: tuple[_Doc, str, int] | None = None  # where a clashing duplicate id is


# Per kind, computed once: the stored fields, their names, the reference fields.
_STORED = {k: SCHEMA[k].stored for k in Kind}
_NAMES = {k: frozenset(f.name for f in fields) for k, fields in _STORED.items()}
_REFS = {k: tuple(f for f in fields if f.type in (REF, REFS)) for k, fields in _STORED.items()}
_PLAIN_TEXT = (TEXT, REF)  # a string is all they need (STATUS is checked against the list)
_STRING, _DATE, _LIST, _OTHER, _REQUIRED = "string", "date", "list", "other", object()


def _fast(spec: Field) -> tuple[Field, str, str, Any]:
    """(spec, name, how it is checked, default) of a field: what _add_record needs in its loop."""
    how = _STRING if spec.type in _PLAIN_TEXT else _DATE if spec.type == DATE else _OTHER
    if spec.pattern or spec.choices:
        how = _OTHER  # checked in full by _value
    how = _LIST if spec.is_list else how
    default: Any = _REQUIRED if spec.required else None
    if not spec.required and spec.is_list:
        default = _LIST
    elif not spec.required and spec.type == STATUS:
        default = Status.done.value
    return spec, spec.name, how, default


_FAST = {k: tuple(_fast(f) for f in fields) for k, fields in _STORED.items()}


class _Builder:
    """Checks each [[table]] against the schema, then ids and references across files."""

    def __init__(self, strict: bool = False) -> None:
        self.future = "error" if strict else "warning"  # the severity of a date after today
        self.pending: list[_Pending] = []
        self.records: dict[Kind, list[JsonRecord]] = {k: [] for k in Kind}
        # id -> (kind, doc, position)
        self.ids: dict[str, tuple[Kind, _Doc, int]] = {}
        self.refs: list[tuple[_Doc, Kind, int, JsonRecord, Field, tuple[str, ...]]] = []
        self.where: dict[int, tuple[_Doc, Kind, int]] = {}  # id(record) -> its place
        self.dates: dict[str, str] = {}  # date strings already checked
        self.as_of: str | None = None
        self.replaced: list[tuple[_Doc, Kind, int, str]] = []

    def problem(
        self, doc: _Doc, kind: Kind | None, index: int, record: str | None, name: str | None,
        message: str, severity: str = "error",
    ) -> None:  # fmt: skip
        table = kind.table if kind is not None else None
        self.pending.append(_Pending(doc, table, index, record, name, message, severity))

    def add_document(self, doc: _Doc) -> None:
        version = doc.data.get("schema_version")
        if "schema_version" not in doc.data:
            message = f"missing: a fact file starts with schema_version = {SCHEMA_VERSION}"
            self.problem(doc, None, 0, None, "schema_version", message)
        elif type(version) is not int or version not in (2, SCHEMA_VERSION):
            message = f"must be the integer {SCHEMA_VERSION}, got {_toml(version)}"
            if type(version) is int and version == 1:
                message += " (version 1 files: see docs/schema.md, 'Version 2')"
            self.problem(doc, None, 0, None, "schema_version", message)
        elif version == 2:
            upgrade_v2(doc.data, self.records)
            message = (
                "schema version 2, read as version 3 (publishers, speakers and crews named by "
                "text are records now): see docs/schema.md, 'Version 3'"
            )
            self.problem(doc, None, 0, None, "schema_version", message, "warning")
        for key, value in doc.data.items():
            kind = Kind.from_table(key)
            if key == "schema_version":
                continue
            if key == AS_OF:
                self._as_of(doc, value)
            elif kind is None:
                tables = ", ".join(k.table for k in Kind)
                message = f"unknown table or key (keys: schema_version, {AS_OF}; tables: {tables})"
                self.problem(doc, None, 0, None, key, message)
            elif not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                message = f"expected [[{key}]] tables, got {type_name(value)}"
                self.problem(doc, None, 0, None, key, message)
            else:
                for index, raw in enumerate(value):
                    self._add_record(doc, kind, index, raw)

    def _as_of(self, doc: _Doc, value: Any) -> None:
        try:
            date = parse_date(value)
        except ValueError as err:
            self.problem(doc, None, 0, None, AS_OF, str(err))
            return
        if len(date) != 10:
            self.problem(doc, None, 0, None, AS_OF, f"{date!r}: give the day, YYYY-MM-DD")
        elif self.as_of is None:  # the base's (the first file's) date
            self.as_of = date

    def _add_record(self, doc: _Doc, kind: Kind, index: int, raw: dict[str, Any]) -> None:
        ident = raw.get("id") if isinstance(raw.get("id"), str) else None
        replaces = raw.get(REPLACES)
        if replaces is not None:
            raw = {k: v for k, v in raw.items() if k != REPLACES}
        record: JsonRecord = {}
        ok = True
        dates = self.dates
        for spec, name, how, default in _FAST[kind]:
            value = raw.get(name)
            # The common cases first, without a call (a large fact base is mostly valid):
            if value is None and default is not _REQUIRED:  # an optional field left out
                record[name] = [] if default is _LIST else default
                continue
            if how is _STRING and type(value) is str and value and not value.isspace():
                record[name] = value
                continue
            if how is _DATE and type(value) is str and value in dates:
                record[name] = dates[value]
                continue
            if how is _LIST and type(value) is list:
                for item in value:
                    if type(item) is not str or not item or item.isspace():
                        break
                else:
                    if value or default is not _REQUIRED:
                        record[name] = list(value)
                        continue
            value, good = self._value(doc, kind, index, ident, spec, value)
            ok = ok and good
            record[name] = value
        if not raw.keys() <= _NAMES[kind]:
            for key in raw:
                if key not in _NAMES[kind]:
                    known = ", ".join(f.name for f in _STORED[kind])
                    self.problem(doc, kind, index, ident, key, f"unknown field (fields: {known})")
        if replaces is not None:
            ok = self._replacing(doc, kind, index, record["id"], replaces) and ok
        elif record["id"] is not None:
            ok = self._identify(doc, kind, index, record["id"]) and ok
        for spec in _REFS[kind]:
            if record[spec.name]:
                ids = record[spec.name] if spec.type == REFS else [record[spec.name]]
                self.refs.append((doc, kind, index, record, spec, tuple(ids)))
        record["origin"] = doc.file.origin
        if ok:
            self.records[kind].append(record)
            self.where[id(record)] = (doc, kind, index)

    def _value(
        self, doc: _Doc, kind: Kind, index: int, ident: str | None, spec: Field, value: Any
    ) -> tuple[Any, bool]:
        """The checked value of one field (its default if absent) and whether it is valid."""

        def bad(message: str) -> tuple[Any, bool]:
            self.problem(doc, kind, index, ident, spec.name, message)
            return ([] if spec.is_list else None), False

        if value is None:
            if spec.required:
                return bad("missing required field")
            if spec.type == STATUS:
                return Status.done.value, True
            return ([] if spec.is_list else None), True
        if spec.type in (TEXT, REF, STATUS):
            if not isinstance(value, str):
                return bad(f"expected a string, got {type_name(value)}")
            if not value.strip():
                return bad("must not be empty")
            if spec.type == STATUS and value not in _STATUSES:
                return bad(f"must be one of {', '.join(_STATUSES)}, got {value!r}")
            if spec.choices and value not in spec.choices:
                return bad(f"must be one of {', '.join(spec.choices)}, got {value!r}")
            if spec.pattern and not re.fullmatch(spec.pattern, value):
                return bad(f"{value!r} does not look like {spec.example!r}")
            if len(value) > MAX_SEARCHED:
                message = f"{len(value)} characters long: search reads the first {MAX_SEARCHED}"
                self.problem(doc, kind, index, ident, spec.name, message, "warning")
            return value, True
        if spec.is_list:
            if not isinstance(value, list):
                return bad(f"expected a list of strings, got {type_name(value)}")
            for item in value:
                if not isinstance(item, str):
                    return bad(f"expected a list of strings, got a list with {type_name(item)}")
                if not item.strip():
                    return bad("must not contain empty strings")
            if spec.required and not value:
                return bad("must not be empty")
            return list(value), True
        if spec.type == DATE:
            known = self.dates.get(value) if type(value) is str else None
            if known is not None:  # dates repeat a lot in a large fact base
                return known, True
            try:
                parsed = parse_date(value)
            except ValueError as err:
                return bad(str(err))
            if type(value) is str:
                self.dates[value] = parsed
            return parsed, True
        if spec.type == INT:
            if isinstance(value, bool) or not isinstance(value, int):
                return bad(f"expected an integer, got {type_name(value)}")
            if not 1 <= value <= 1_000_000:
                return bad(f"must be between 1 and 1000000, got {value}")
            return value, True
        if spec.type == BOOL:
            if not isinstance(value, bool):
                return bad(f"expected true or false, got {type_name(value)}")
            return value, True
        raise AssertionError(spec.type)  # pragma: no cover - every type is handled above

    def _replacing(self, doc: _Doc, kind: Kind, index: int, ident: str, replaces: Any) -> bool:
        """A personal record that takes the place of a base record of the same kind and id."""
        seen = self.ids.get(ident) if isinstance(ident, str) else None
        if doc.file.origin != PERSONAL:
            message = "only a record of your personal file replaces another"
        elif replaces != ident:
            message = f"must be the record's own id {ident!r}: a replacing record keeps its id"
        elif seen is None or seen[0] is not kind:
            message = f"there is no {kind.value} {ident!r} in the base fact base to replace"
        else:
            _, old_doc, old_index = seen
            self.records[kind] = [
                r for r in self.records[kind] if self.where.get(id(r)) != (old_doc, kind, old_index)
            ]
            self.replaced.append((doc, kind, index, ident))
            del self.ids[ident]
            return self._identify(doc, kind, index, ident)
        self.problem(doc, kind, index, ident, REPLACES, message)
        return False

    def _identify(self, doc: _Doc, kind: Kind, index: int, ident: str) -> bool:
        if not ID_PATTERN.fullmatch(ident):
            message = "must be lowercase kebab-case (letters, digits, hyphens)"
            self.problem(doc, kind, index, ident, "id", message)
        seen = self.ids.get(ident)
        if seen is not None:
            other_kind, other_doc, other_index = seen
            where = "this file" if other_doc is doc else other_doc.name
            pending = _Pending(
                doc, kind.table, index, ident, "id",
                f"duplicate id, already used by a {other_kind.value} in {where}", "error",
                (other_doc, other_kind.table, other_index),
            )  # fmt: skip
            self.pending.append(pending)
            return False
        self.ids[ident] = (kind, doc, index)
        return True

    def cross_check(self) -> None:
        for doc, kind, index, record, spec, ids in self.refs:
            for ident in ids:
                seen = self.ids.get(ident)
                if seen is None:
                    what = spec.to[0].value if len(spec.to) == 1 else "record"
                    self.problem(
                        doc, kind, index, record["id"], spec.name, f"unknown {what} {ident!r}"
                    )
                elif spec.to and seen[0] not in spec.to:
                    message = f"{ident!r} is a {seen[0].value}, not a {spec.to[0].value}"
                    self.problem(doc, kind, index, record["id"], spec.name, message)
        self._check_steps()
        self._resolve_statements()
        self._check_dates()
        self._check_citations()
        self._check_sources()
        self._check_statements()
        self._check_outcomes()
        for doc, kind, index, ident in self.replaced:
            message = "replaces the base fact base's record of this id"
            self.problem(doc, kind, index, ident, REPLACES, message, "note")

    def _check_sources(self) -> None:
        """A url is a web page of its publisher (its host in the publisher's domains); a title
        is the headline, not a [description]; no page is two sources."""
        from urllib.parse import urlsplit

        publishers = {p["id"]: p for p in self.records[Kind.publisher]}
        urls: dict[str, str] = {}
        for source in self.records[Kind.source]:
            title = source["title"].strip()
            if title.startswith("["):  # "[headline not shown] ..." as well as "[...]"
                message = "a description in brackets is not a title: give the page's headline"
                self._record_problem(source, "title", message)
            url = source["url"]
            if url is None:
                continue
            try:
                parts = urlsplit(url.strip())
            except ValueError:
                self._record_problem(source, "url", f"{url!r} is not a web address")
                continue
            host = (parts.hostname or "").lower()
            if parts.scheme.lower() not in ("http", "https") or not host:
                self._record_problem(source, "url", f"{url!r} is not an http(s) web address")
                continue
            key = (
                host.removeprefix("www.")
                + parts.path.rstrip("/")
                + ("?" + parts.query if parts.query else "")
            )
            if key in urls:
                self._record_problem(source, "url", f"the same page as source {urls[key]!r}")
            urls.setdefault(key, source["id"])
            publisher = publishers.get(source["publisher"])
            domains = publisher.get("domains") if publisher else None
            if domains and not any(host == d or host.endswith("." + d) for d in domains):
                message = (
                    f"{host} is not a domain of the publisher {source['publisher']!r} "
                    f"({', '.join(domains)}): cite the publisher's own page"
                )
                self._record_problem(source, "url", message)

    def _check_statements(self) -> None:
        """A translated text says whose translation it is, and from which language."""
        for statement in self.records[Kind.statement]:
            language, translation = statement["language"], statement["translation"]
            if translation is not None and language in (None, "en"):
                message = "a translation: give the language it was spoken in (language = ...)"
                self._record_problem(statement, "language", message)
            elif language not in (None, "en") and translation is None:
                message = f"spoken in {language!r}: say whose English this is (translation = ...)"
                self._record_problem(statement, "translation", message)

    def _check_outcomes(self) -> None:
        """What became of a plan is another milestone, and the chain of outcomes ends."""
        outcome = {m["id"]: m["outcome"] for m in self.records[Kind.milestone] if m["outcome"]}
        for milestone in self.records[Kind.milestone]:
            seen = {milestone["id"]}
            current = outcome.get(milestone["id"])
            while current is not None:
                if current in seen:
                    what = "itself" if current == milestone["id"] else f"{current!r} again"
                    self._record_problem(milestone, "outcome", f"the outcomes lead back to {what}")
                    break
                seen.add(current)
                current = outcome.get(current)

    def _check_steps(self) -> None:
        steps: set[int] = set()
        for step in self.records[Kind.lunar_step]:
            if step["step"] is None:
                if not step["programs"]:
                    message = "a record of no step names the programs it gathers (programs)"
                    self._record_problem(step, "programs", message)
                continue
            if step["programs"]:
                message = "a numbered step's missions say their step; leave programs out"
                self._record_problem(step, "programs", message)
            if step["step"] in steps:
                self._record_problem(step, "step", f"duplicate lunar step {step['step']}")
            steps.add(step["step"])
        for mission in self.records[Kind.mission]:
            if mission["step"] is not None and mission["step"] not in steps:
                self._record_problem(mission, "step", f"unknown lunar step {mission['step']}")

    def _resolve_statements(self) -> None:
        """A statement's date and milestone come from its occasion: one occasion, one date."""
        occasions = {o["id"]: o for o in self.records[Kind.occasion]}
        for statement in self.records[Kind.statement]:
            occasion = occasions.get(statement["occasion"] or "")
            if occasion is None:
                continue
            if statement["date"] is None:
                statement["date"] = occasion["date"]
            elif occasion["date"] is not None and statement["date"] != occasion["date"]:
                message = (
                    f"date {statement['date']!r} differs from its occasion's "
                    f"{occasion['date']!r}: give the date on the occasion only"
                )
                self._record_problem(statement, "date", message)
            if statement["milestone"] is None:
                statement["milestone"] = occasion["milestone"]

    def _check_dates(self) -> None:
        """Nothing dated after today unless planned; a planned date that has passed warns."""
        now = today()
        for kind in (Kind.milestone, Kind.mission):
            name = SCHEMA[kind].date
            assert name is not None
            for record in self.records[kind]:
                date = record[name]
                if date is None:
                    continue
                planned = record["status"] == Status.planned
                if date[: len(now)] > now[: len(date)] and not planned:
                    message = f'{date} is after today ({now}): mark it status = "planned"'
                    self._record_problem(record, name, message, self.future)
                elif planned and date < now[: len(date)]:
                    message = f"planned for {date}, which has passed: update its status"
                    self._record_problem(record, name, message, "warning")

    def _check_citations(self) -> None:
        """A shipped or --data source that nothing cites is a mistake (personal ones may wait)."""
        # every record's citations count, an invalid one's too: its own problem is reported,
        # and the source it cites is not "uncited" because of it
        cited = {i for *_, spec, ids in self.refs if spec.name == "sources" for i in ids}
        for source in self.records[Kind.source]:
            if source["id"] not in cited and source["origin"] != PERSONAL:
                self._record_problem(source, "id", "no record cites this source")

    def _record_problem(
        self, record: JsonRecord, name: str, message: str, severity: str = "error"
    ) -> None:
        doc, kind, index = self.where[id(record)]
        self.problem(doc, kind, index, record["id"], name, message, severity)

    def located_problems(self) -> list[Problem]:
        if not self.pending:
            return []
        indexes: dict[int, _LineIndex] = {}

        def index(doc: _Doc) -> _LineIndex:
            if id(doc) not in indexes:
                indexes[id(doc)] = _LineIndex(doc.text)
            return indexes[id(doc)]

        problems = []
        for p in self.pending:
            line = index(p.doc).find(p.table, p.position, p.field)
            message = p.message
            if p.other is not None:
                other_doc, other_table, other_index = p.other
                where = index(other_doc).find(other_table, other_index, "id")
                if where is not None:  # "in base.toml:29", but "in this file (line 3)"
                    message += f":{where}" if other_doc is not p.doc else f" (line {where})"
            problems.append(Problem(p.doc.name, message, line, None, p.record, p.field, p.severity))
        order = {name: i for i, name in enumerate(dict.fromkeys(p.doc.name for p in self.pending))}
        problems.sort(key=lambda p: (order[p.file], p.line or 0))
        return problems


# --- locating problems ---------------------------------------------------------------------

_HEADER = r"""\s*\[\[\s*["']?([A-Za-z0-9_-]+)["']?\s*\]\]"""
_TABLE = r"""\s*\[\s*["']?([A-Za-z0-9_-]+)"""
_KEY = r"""\s*["']?([A-Za-z0-9_-]+)["']?\s*="""


class _LineIndex:
    """Where each [[table]] record and each of its keys starts in a TOML text (best effort)."""

    def __init__(self, text: str) -> None:
        self.headers: dict[tuple[str | None, int], int] = {}
        self.keys: dict[tuple[str | None, int, str], int] = {}
        counts: dict[str, int] = {}
        current: tuple[str | None, int] = (None, 0)
        in_multiline = False
        header_re, table_re, key_re = re.compile(_HEADER), re.compile(_TABLE), re.compile(_KEY)
        for number, line in enumerate(text.splitlines(), start=1):
            quotes = line.count('"""') + line.count("'''")
            if in_multiline:
                in_multiline = quotes % 2 == 0
                continue
            if header := header_re.match(line):
                table = header.group(1)
                current = (table, counts.get(table, 0))
                counts[table] = current[1] + 1
                self.headers[current] = number
                self.keys.setdefault((None, 0, table), number)
            elif match := table_re.match(line):
                current = (match.group(1), -1)
                self.keys.setdefault((None, 0, match.group(1)), number)
            elif key := key_re.match(line):
                self.keys.setdefault((*current, key.group(1)), number)
            in_multiline = quotes % 2 == 1

    def find(self, table: str | None, index: int, name: str | None) -> int | None:
        if name is not None and (line := self.keys.get((table, index, name))) is not None:
            return line
        return self.headers.get((table, index))


# --- derived fields ------------------------------------------------------------------------


def derive(records: Records) -> None:
    """Compute every derived field SCHEMA declares (model.Derived), in place."""

    by_id = {r["id"]: r for k in Kind for r in records[k]}
    tallies: dict[tuple[Kind | None, str], Counter[str]] = {}  # one pass per (kind, field)
    for kind in Kind:
        for spec in SCHEMA[kind].fields:
            how = spec.derived
            if how is None:
                continue
            if how.how == "count":
                counts = tallies.get((how.of, how.via))
                if counts is None:
                    counts = tallies[how.of, how.via] = _tally(records, how.of, how.via)
                for r in records[kind]:
                    r[spec.name] = counts[r["id"]]
            elif how.how == "name":
                for r in records[kind]:
                    value = r.get(how.via)
                    if isinstance(value, list):
                        r[spec.name] = [
                            by_id[i].get(how.attribute) if i in by_id else i for i in value
                        ]
                        continue
                    target = by_id.get(value or "")
                    r[spec.name] = target.get(how.attribute) if target else None
            elif how.how == "members":
                _members(records, kind, spec.name)


def _tally(records: Records, of: Kind | None, via: str) -> Counter[str]:
    """How many records (of `of`, or of every kind) name each id in their field `via`."""

    counts: Counter[str] = Counter()
    for other in Kind if of is None else (of,):
        rows = records[other]
        if not rows or via not in rows[0]:
            continue  # a kind without the field
        for r in rows:
            value = r[via]
            if type(value) is list:
                counts.update(set(value) if len(value) > 1 else value)
            elif value:
                counts[value] += 1
    return counts


def _members(records: Records, kind: Kind, name: str) -> None:
    """A lunar step's missions: those of its `step`, or (the step-less record of what came
    after) the step-less missions of its `programs`; in launch order, as brief records."""
    missions = sorted(records[Kind.mission], key=lambda m: (m["launch_date"] or "9999", m["id"]))
    for step in records[kind]:
        programs = set(step.get("programs") or ())
        step[name] = [
            {f: m[f] for f in ("id", "name", "launch_date", "status")}
            for m in missions
            if (m["step"] == step["step"] if step["step"] is not None else
                m["step"] is None and m["program"] in programs)
        ]  # fmt: skip


def _toml(value: Any) -> str:
    """A value as TOML writes it (true, 2.0, "text"), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


# --- version 2 files -----------------------------------------------------------------------


def upgrade_v2(data: dict[str, Any], known: Mapping[Kind, list[JsonRecord]]) -> None:
    """A schema-2 document as version 3, in place: the publisher of a source, the speaker of a
    statement and the crew of a mission, named by text in version 2, become references to
    records: an existing one of that name (in `known`, or made earlier in this document), else
    a new one added to the document."""
    from spacefacts.text import fold, slug

    taken = {r["id"] for rows in known.values() for r in rows}
    taken |= {r.get("id") for rows in data.values() if isinstance(rows, list) for r in rows
              if isinstance(r, dict)}  # fmt: skip
    by_name: dict[tuple[Kind, str], str] = {}
    for kind in (Kind.publisher, Kind.speaker, Kind.astronaut):
        for record in known.get(kind, []):
            by_name.setdefault((kind, fold(record["name"])), record["id"])
            by_name.setdefault((kind, fold(record["id"])), record["id"])

    def ref(kind: Kind, name: Any, also: tuple[Kind, ...] = ()) -> Any:
        if not isinstance(name, str) or not name.strip():
            return name  # left for the checks to report
        for other in (kind, *also):
            found = by_name.get((other, fold(name)))
            if found is not None:
                return found
        stem = slug(name) or kind.value
        ident, n = stem, 1
        while ident in taken:
            n += 1
            ident = f"{stem}-{n}"
        taken.add(ident)
        by_name[(kind, fold(name))] = ident
        data.setdefault(kind.table, []).append({"id": ident, "name": name})
        return ident

    for source in _rows(data, Kind.source):
        source["publisher"] = ref(Kind.publisher, source.get("publisher"))
    for statement in _rows(data, Kind.statement):
        speaker = statement.get("speaker")
        statement["speaker"] = ref(Kind.speaker, speaker, (Kind.astronaut, Kind.publisher))
    for mission in _rows(data, Kind.mission):
        crew = mission.get("crew")
        if isinstance(crew, list):
            mission["crew"] = [ref(Kind.astronaut, name) for name in crew]
    data["schema_version"] = SCHEMA_VERSION


def _rows(data: dict[str, Any], kind: Kind) -> list[dict[str, Any]]:
    rows = data.get(kind.table)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
