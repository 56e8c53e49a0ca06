"""Find the fact files, parse them with tomllib and validate them into a FactBase.

Every problem is collected, not just the first, and raised as one FactBaseError whose
problems name the file, line, record id and field where they are known.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from spacefacts.errors import FactBaseError, Problem
from spacefacts.model import (
    FactBase,
    LunarStep,
    Milestone,
    Mission,
    PartialDate,
    Program,
    Source,
    Statement,
    Topic,
    Value,
    type_name,
)

ENV_DATA = "SPACEFACTS_DATA"
ENV_PERSONAL = "SPACEFACTS_PERSONAL"
SCHEMA_VERSION = 1
SHIPPED = "shipped"
PERSONAL = "personal"

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# kind -> (required fields, optional fields); the order is the order records are written in.
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sources": (("id", "title", "publisher"), ("author", "published", "url", "note")),
    "topics": (("id", "description"), ()),
    "programs": (("id", "name"), ("description", "aliases")),
    "milestones": (
        ("id", "date", "title", "summary", "program", "sources"),
        ("tags", "aliases", "related"),
    ),
    "statements": (
        ("id", "speaker", "occasion", "text", "verbatim", "topics", "sources"),
        ("date", "excerpt", "milestone"),
    ),
    "lunar_steps": (("id", "step", "name", "goal", "sources"), ()),
    "missions": (("id", "name", "step", "sources"), ("launch_date", "achievements", "aliases")),
}
KINDS = tuple(FIELDS)
_KNOWN = {kind: frozenset(required + optional) for kind, (required, optional) in FIELDS.items()}


@dataclass(frozen=True, slots=True, eq=False, repr=False)  # eq, repr: from Value
class FactFile(Value):
    """A fact file to load and the origin label its records carry."""

    path: Path
    origin: str


def shipped_path() -> Path:
    """The fact base inside the installed package, or beside the sources in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "facts.toml"
    if packaged.is_file():
        return packaged
    return here.parents[1] / "data" / "facts.toml"


def base_file(data: Path | None = None) -> FactFile:
    """The base fact file: `data` if given, else $SPACEFACTS_DATA, else the shipped one."""
    if data is not None:
        return FactFile(data, str(data))
    env = os.environ.get(ENV_DATA)
    if env:
        return FactFile(Path(env), env)
    return FactFile(shipped_path(), SHIPPED)


def personal_path(path: Path | None = None) -> Path:
    """The personal fact file: `path` if given, else $SPACEFACTS_PERSONAL, else the data dir's."""
    if path is not None:
        return path
    env = os.environ.get(ENV_PERSONAL)
    if env:
        return Path(env)
    return user_data_dir() / "spacefacts" / "facts.toml"


def user_data_dir() -> Path:
    """$XDG_DATA_HOME if set (any platform), else the platform's per-user data directory."""
    xdg = os.environ.get("XDG_DATA_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg)
    home = Path.home()
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        return Path(appdata) if appdata else home / "AppData" / "Roaming"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support"
    return home / ".local" / "share"


def fact_files(data: Path | None = None, personal: Path | None = None) -> list[FactFile]:
    """The files to load: the base (see base_file), then the personal file if it exists."""
    files = [base_file(data)]
    path = personal_path(personal)
    if path.exists():
        files.append(FactFile(path, PERSONAL))
    return files


def load(files: Sequence[FactFile]) -> FactBase:
    """Parse and validate `files` merged into one fact base; raise FactBaseError on any problem."""
    factbase, problems = check(files)
    if problems:
        raise FactBaseError(problems)
    return factbase


def check(
    files: Sequence[FactFile], contents: Mapping[Path, bytes] | None = None
) -> tuple[FactBase, list[Problem]]:
    """Parse and validate `files`, returning the fact base built and every problem found.

    `contents` gives the bytes of some files instead of reading them from disk: a writer checks
    what it is about to write before anything touches the file.
    """
    docs: list[_Doc] = []
    problems: list[Problem] = []
    for fact_file in files:
        given = contents.get(fact_file.path) if contents is not None else None
        doc, problem = _read(fact_file, given)
        if problem is not None:
            problems.append(problem)
        if doc is not None:
            docs.append(doc)
    builder = _Builder()
    for doc in docs:
        builder.add_document(doc)
    builder.cross_check()
    problems.extend(builder.located_problems())
    return builder.factbase(tuple(str(f.path) for f in files)), problems


# --- reading -------------------------------------------------------------------------------

# Patterns used only when a file is broken are compiled then (re caches them), not at import.
_TOML_POSITION = r"\s*\(at line (\d+), column (\d+)\)\s*$"


class _Doc(NamedTuple):  # NamedTuple, not dataclass: it costs ~10x less at import
    file: FactFile
    name: str
    text: str
    data: dict[str, Any]


def _read(fact_file: FactFile, raw: bytes | None = None) -> tuple[_Doc | None, Problem | None]:
    name = str(fact_file.path)
    try:
        if raw is None:
            raw = fact_file.path.read_bytes()
    except FileNotFoundError:
        return None, Problem(name, "no such file")
    except IsADirectoryError:
        return None, Problem(name, "is a directory, not a fact file")
    except OSError as err:
        return None, Problem(name, f"cannot read: {err.strerror or err}")
    if raw.isspace() or not raw:  # (not raw.strip(): that copies the whole file)
        return None, Problem(name, "file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, Problem(name, f"not UTF-8 (byte {raw[err.start]:#04x})", line=line)
    import tomllib  # only when a file is parsed: not on a cache hit

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = re.search(_TOML_POSITION, message)
        if match:
            return None, Problem(
                name,
                f"TOML syntax: {message[: match.start()]}",
                line=int(match.group(1)),
                column=int(match.group(2)),
            )
        return None, Problem(name, f"TOML syntax: {message}")
    except RecursionError:
        return None, Problem(name, "TOML syntax: arrays or tables nested too deeply")
    except ValueError as err:  # tomllib lets int()'s digit limit through
        return None, Problem(name, f"TOML syntax: {str(err).split(';')[0]}")
    if not data:
        return None, Problem(name, "file is empty")  # nothing but comments and blank lines
    return _Doc(fact_file, name, text, data), None


# --- validating ----------------------------------------------------------------------------


class _Pending(NamedTuple):
    """A problem whose line is looked up only if the load fails (it costs a scan of the text)."""

    doc: _Doc
    kind: str | None
    position: int  # of the record among its kind's tables
    record: str | None
    field: str | None
    message: str
    other: _Record | None = None  # the record a duplicate id clashes with, in another file


class _Record:
    """One raw [[kind]] table being turned into a model object; reports field problems."""

    __slots__ = ("builder", "doc", "id", "index", "kind", "raw")

    def __init__(self, builder: _Builder, doc: _Doc, kind: str, index: int, raw: dict[str, Any]):
        self.builder, self.doc, self.kind, self.index, self.raw = builder, doc, kind, index, raw
        value = raw.get("id")
        self.id: str | None = value if isinstance(value, str) and value else None

    def problem(self, field: str | None, message: str, other: _Record | None = None) -> None:
        self.builder.pending.append(
            _Pending(self.doc, self.kind, self.index, self.id, field, message, other)
        )

    def _get(self, name: str, required: bool) -> Any:
        value = self.raw.get(name)
        if value is None and required:
            self.problem(name, "missing required field")
        return value

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.raw.get(name)
        if type(value) is str and value.strip():
            return value  # the common case first: a fact base is mostly valid strings
        if value is None and required:
            self.problem(name, "missing required field")
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(name, f"expected a string, got {type_name(value)}")
            return None
        if not value.strip():
            self.problem(name, "must not be empty")
            return None
        return value

    def texts(self, name: str, required: bool = False) -> tuple[str, ...]:
        value = self.raw.get(name)
        if type(value) is list and value:
            for v in value:  # the common case, checked in one pass
                if type(v) is not str or not v.strip():
                    break
            else:
                return tuple(value)
        elif value is None and required:
            self.problem(name, "missing required field")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(name, f"expected a list of strings, got {type_name(value)}")
            return ()
        if any(not v.strip() for v in value):
            self.problem(name, "must not contain empty strings")
        if required and not value:
            self.problem(name, "must not be empty")
        return tuple(value)

    def flag(self, name: str) -> bool:
        value = self._get(name, True)
        if value is not None and not isinstance(value, bool):
            self.problem(name, f"expected true or false, got {type_name(value)}")
        return value is True

    def number(self, name: str) -> int:
        value = self._get(name, True)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(name, f"expected an integer, got {type_name(value)}")
            return 0
        if value < 1:
            self.problem(name, f"must be 1 or more, got {value}")
        return value

    def date(self, name: str, required: bool) -> PartialDate | None:
        value = self._get(name, required)
        if value is None:
            return None
        dates = self.builder.dates
        if type(value) is str and (known := dates.get(value)) is not None:
            return known  # dates repeat a lot in a large fact base; PartialDate is immutable
        try:
            parsed = PartialDate.parse(value)
            if type(value) is str:
                dates[value] = parsed
            return parsed
        except ValueError as err:
            self.problem(name, str(err))
            return None

    def check_keys(self) -> None:
        if self.raw.keys() <= _KNOWN[self.kind]:
            return  # the common case, in one set operation
        required, optional = FIELDS[self.kind]
        for key in self.raw:
            if key not in required and key not in optional:
                known = ", ".join(required + optional)
                self.problem(key, f"unknown field (fields of {self.kind}: {known})")


class _Builder:
    """Collects records from every document, then checks ids and references across them."""

    def __init__(self) -> None:
        self.pending: list[_Pending] = []
        self.records: dict[str, list[Any]] = {kind: [] for kind in KINDS}
        # id -> (record kind, the _Record it came from)
        self.ids: dict[str, tuple[str, _Record]] = {}
        self.refs: list[tuple[_Record, str, str, tuple[str, ...]]] = []
        self.steps_used: list[tuple[_Record, int]] = []
        self.dates: dict[str, PartialDate] = {}

    def add_document(self, doc: _Doc) -> None:
        for key, value in doc.data.items():
            if key == "schema_version":
                if value != SCHEMA_VERSION:
                    self.pending.append(
                        _Pending(
                            doc, None, 0, None, key, f"must be {SCHEMA_VERSION}, got {value!r}"
                        )
                    )
            elif key not in FIELDS:
                message = f"unknown table (tables: {', '.join(KINDS)})"
                self.pending.append(_Pending(doc, None, 0, None, key, message))
            elif not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                message = f"expected [[{key}]] tables, got {type_name(value)}"
                self.pending.append(_Pending(doc, None, 0, None, key, message))
            else:
                build = _BUILDERS[key]
                for index, raw in enumerate(value):
                    record = _Record(self, doc, key, index, raw)
                    made = build(self, record)
                    record.check_keys()
                    if made is not None:
                        self.records[key].append(made)

    def identify(self, record: _Record) -> str | None:
        ident = record.text("id")
        if ident is None:
            return None
        if not ID_PATTERN.fullmatch(ident):
            record.problem("id", "must be lowercase kebab-case (letters, digits, hyphens)")
        seen = self.ids.get(ident)
        if seen is not None:
            other = seen[1]
            if other.doc is record.doc:
                record.problem("id", f"duplicate id, already used by a {seen[0][:-1]} in this file")
            else:
                message = f"duplicate id, already used by a {seen[0][:-1]} in {other.doc.name}"
                record.problem("id", message, other)
            return None
        self.ids[ident] = (record.kind, record)
        return ident

    def refer(self, record: _Record, field: str, kinds: str, ids: Iterable[str]) -> None:
        """Remember references to check once every file is read ("*" = any kind)."""
        ids = tuple(ids)
        if ids:
            self.refs.append((record, field, kinds, ids))

    def cross_check(self) -> None:
        for record, field, kinds, ids in self.refs:
            for ident in ids:
                seen = self.ids.get(ident)
                if seen is None:
                    what = "record" if kinds == "*" else kinds[:-1]
                    record.problem(field, f"unknown {what} {ident!r}")
                elif kinds != "*" and seen[0] != kinds:
                    record.problem(field, f"{ident!r} is a {seen[0][:-1]}, not a {kinds[:-1]}")
        steps = {s.step for s in self.records["lunar_steps"]}
        for record, step in self.steps_used:
            if step not in steps:
                record.problem("step", f"unknown lunar step {step}")

    def located_problems(self) -> list[Problem]:
        if not self.pending:
            return []
        indexes: dict[int, _LineIndex] = {}
        problems = []

        def index(doc: _Doc) -> _LineIndex:
            if id(doc) not in indexes:
                indexes[id(doc)] = _LineIndex(doc.text)
            return indexes[id(doc)]

        for p in self.pending:
            line = index(p.doc).find(p.kind, p.position, p.field)
            message = p.message
            if p.other is not None:
                where = index(p.other.doc).find(p.other.kind, p.other.index, "id")
                message += f":{where}" if where is not None else ""
            problems.append(Problem(p.doc.name, message, line, None, p.record, p.field))
        # file by file, top to bottom (reference problems are found last, after every file)
        order = {name: i for i, name in enumerate(dict.fromkeys(p.doc.name for p in self.pending))}
        problems.sort(key=lambda p: (order[p.file], p.line or 0))
        return problems

    def factbase(self, files: tuple[str, ...]) -> FactBase:
        r = self.records
        return FactBase(
            files=files,
            sources=tuple(r["sources"]),
            topics=tuple(r["topics"]),
            programs=tuple(r["programs"]),
            milestones=tuple(r["milestones"]),
            statements=tuple(r["statements"]),
            lunar_steps=tuple(r["lunar_steps"]),
            missions=tuple(r["missions"]),
        )


def _source(b: _Builder, r: _Record) -> Source | None:
    ident, title, publisher = b.identify(r), r.text("title"), r.text("publisher")
    author, url, note = r.text("author", False), r.text("url", False), r.text("note", False)
    published = r.date("published", False)
    if ident is None or title is None or publisher is None:
        return None
    return Source(ident, title, publisher, author, published, url, note, r.doc.file.origin)


def _topic(b: _Builder, r: _Record) -> Topic | None:
    ident, description = b.identify(r), r.text("description")
    if ident is None or description is None:
        return None
    return Topic(ident, description, r.doc.file.origin)


def _program(b: _Builder, r: _Record) -> Program | None:
    ident, name = b.identify(r), r.text("name")
    description, aliases = r.text("description", False) or "", r.texts("aliases")
    if ident is None or name is None:
        return None
    return Program(ident, name, description, aliases, r.doc.file.origin)


def _milestone(b: _Builder, r: _Record) -> Milestone | None:
    ident, date = b.identify(r), r.date("date", True)
    title, summary, program = r.text("title"), r.text("summary"), r.text("program")
    tags, sources = r.texts("tags"), r.texts("sources", True)
    aliases, related = r.texts("aliases"), r.texts("related")
    b.refer(r, "sources", "sources", sources)
    b.refer(r, "related", "*", related)
    if program is not None:
        b.refer(r, "program", "programs", (program,))
    if ident is None or date is None or title is None or summary is None or program is None:
        return None
    return Milestone(
        ident, date, title, summary, program, tags, sources, aliases, related, r.doc.file.origin
    )


def _statement(b: _Builder, r: _Record) -> Statement | None:
    ident, speaker, occasion = b.identify(r), r.text("speaker"), r.text("occasion")
    text, verbatim = r.text("text"), r.flag("verbatim")
    topics, sources = r.texts("topics", True), r.texts("sources", True)
    date, excerpt, milestone = (
        r.date("date", False),
        r.text("excerpt", False),
        r.text("milestone", False),
    )
    b.refer(r, "topics", "topics", topics)
    b.refer(r, "sources", "sources", sources)
    if milestone is not None:
        b.refer(r, "milestone", "milestones", (milestone,))
    if ident is None or speaker is None or occasion is None or text is None:
        return None
    return Statement(
        ident,
        text,
        speaker,
        occasion,
        verbatim,
        topics,
        sources,
        date,
        excerpt,
        milestone,
        r.doc.file.origin,
    )


def _lunar_step(b: _Builder, r: _Record) -> LunarStep | None:
    ident, step, name, goal = b.identify(r), r.number("step"), r.text("name"), r.text("goal")
    sources = r.texts("sources", True)
    b.refer(r, "sources", "sources", sources)
    if any(s.step == step for s in b.records["lunar_steps"]):
        r.problem("step", f"duplicate lunar step {step}")
        return None
    if ident is None or name is None or goal is None or step == 0:
        return None
    return LunarStep(ident, step, name, goal, sources, r.doc.file.origin)


def _mission(b: _Builder, r: _Record) -> Mission | None:
    ident, name, step = b.identify(r), r.text("name"), r.number("step")
    launch = r.date("launch_date", False)
    achievements, aliases = r.texts("achievements"), r.texts("aliases")
    sources = r.texts("sources", True)
    b.refer(r, "sources", "sources", sources)
    if step:
        b.steps_used.append((r, step))
    if ident is None or name is None or step == 0:
        return None
    return Mission(ident, name, step, launch, achievements, aliases, sources, r.doc.file.origin)


_BUILDERS: dict[str, Callable[[_Builder, _Record], Any]] = {
    "sources": _source,
    "topics": _topic,
    "programs": _program,
    "milestones": _milestone,
    "statements": _statement,
    "lunar_steps": _lunar_step,
    "missions": _mission,
}


# --- locating problems ---------------------------------------------------------------------

_HEADER = r"""\s*\[\[\s*["']?([A-Za-z0-9_-]+)["']?\s*\]\]"""
_TABLE = r"""\s*\[\s*["']?([A-Za-z0-9_-]+)"""
_KEY = r"""\s*["']?([A-Za-z0-9_-]+)["']?\s*="""


class _LineIndex:
    """Where each [[kind]] record and each of its keys starts in a TOML text (best effort)."""

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
                kind = header.group(1)
                current = (kind, counts.get(kind, 0))
                counts[kind] = current[1] + 1
                self.headers[current] = number
                self.keys.setdefault((None, 0, kind), number)
            elif table := table_re.match(line):
                current = (table.group(1), -1)
                self.keys.setdefault((None, 0, table.group(1)), number)
            elif key := key_re.match(line):
                self.keys.setdefault((*current, key.group(1)), number)
            in_multiline = quotes % 2 == 1

    def find(self, kind: str | None, index: int, field: str | None) -> int | None:
        if field is not None and (line := self.keys.get((kind, index, field))) is not None:
            return line
        return self.headers.get((kind, index))
