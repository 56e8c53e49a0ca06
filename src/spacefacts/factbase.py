"""Find the fact files, parse them with tomllib and validate them against model.SCHEMA.

Every problem is collected, not just the first, and raised as one FactBaseError whose
problems name the file, line, record id and field where they are known. Warnings (a planned
record whose date has passed) are returned beside the problems and never fail a load.
"""

from __future__ import annotations

import os
import re
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

SCHEMA_VERSION = 2
SHIPPED = "shipped"
PERSONAL = "personal"

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STATUSES = tuple(s.value for s in Status)


class FactFile(NamedTuple):
    """A fact file to load and the origin label its records carry."""

    path: Path
    origin: str


class Records:
    """Every record of one or more fact files, validated, by kind, in file order."""

    __slots__ = ("by_kind", "files")

    def __init__(
        self, files: tuple[str, ...] = (), by_kind: dict[Kind, list[JsonRecord]] | None = None
    ) -> None:
        self.files = files
        self.by_kind: dict[Kind, list[JsonRecord]] = {} if by_kind is None else by_kind

    def __getitem__(self, kind: Kind) -> list[JsonRecord]:
        return self.by_kind.get(kind, [])

    def count(self) -> int:
        return sum(len(v) for v in self.by_kind.values())


def base_file(data: Path | None = None) -> FactFile:
    """The base fact file: `data` if given, else $SPACEFACTS_DATA, else the shipped one."""
    if data is not None:
        return FactFile(data, str(data))
    env = os.environ.get(paths.ENV_DATA)
    if env:
        return FactFile(Path(env), env)
    return FactFile(paths.shipped_data(), SHIPPED)


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
    return Records(tuple(str(f.path) for f in files), builder.records), problems


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

    def problem(
        self, doc: _Doc, kind: Kind | None, index: int, record: str | None, name: str | None,
        message: str, severity: str = "error",
    ) -> None:  # fmt: skip
        table = kind.table if kind is not None else None
        self.pending.append(_Pending(doc, table, index, record, name, message, severity))

    def add_document(self, doc: _Doc) -> None:
        for key, value in doc.data.items():
            kind = Kind.from_table(key)
            if key == "schema_version":
                if value != SCHEMA_VERSION:
                    message = f"must be {SCHEMA_VERSION}, got {value!r}"
                    if value == 1:
                        message += " (version 1 files: see docs/schema.md, 'Version 2')"
                    self.problem(doc, None, 0, None, key, message)
            elif kind is None:
                tables = ", ".join(k.table for k in Kind)
                self.problem(doc, None, 0, None, key, f"unknown table (tables: {tables})")
            elif not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                message = f"expected [[{key}]] tables, got {type_name(value)}"
                self.problem(doc, None, 0, None, key, message)
            else:
                for index, raw in enumerate(value):
                    self._add_record(doc, kind, index, raw)

    def _add_record(self, doc: _Doc, kind: Kind, index: int, raw: dict[str, Any]) -> None:
        ident = raw.get("id") if isinstance(raw.get("id"), str) else None
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
        if record["id"] is not None:
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
    from collections import Counter

    by_id = {r["id"]: r for k in Kind for r in records[k]}
    for kind in Kind:
        for spec in SCHEMA[kind].fields:
            how = spec.derived
            if how is None:
                continue
            if how.how == "count":
                counts: Counter[str] = Counter()
                for other in Kind if how.of is None else (how.of,):
                    for r in records[other]:
                        value = r.get(how.via)
                        if isinstance(value, list):
                            counts.update(set(value))
                        elif value:
                            counts[value] += 1
                for r in records[kind]:
                    r[spec.name] = counts[r["id"]]
            elif how.how == "name":
                for r in records[kind]:
                    target = by_id.get(r.get(how.via) or "")
                    r[spec.name] = target.get(how.attribute) if target else None
            elif how.how == "members":
                _members(records, kind, spec.name)


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
