"""The compiled fact base: one SQLite database, the only form the commands query.

Tables, one per record kind (named by Kind, columns by model.SCHEMA, lists as JSON text),
plus:
- `record(id, kind, seq)`: every id and where its record is, for `show` and relations;
- `link(source, target, field)`: every reference between records, both ways, and
- `name(folded, id, rank)`: folded names, titles and aliases, for look-ups by name: these
  three built on the first look-up (`show`, `search`), so that a first run that only lists
  does not pay for them;
- `meta(key, value)`: the cache key and the format;
- `search`, an FTS5 table (search.py), built on the first search.

It is the cache too: the first run of a fact base compiles it into
$SPACEFACTS_CACHE_DIR (else $XDG_CACHE_HOME/spacefacts, else ~/.cache/spacefacts), named by
the fact files' paths; later runs open it when its key (each file's size, mtime, ctime, inode,
the package version and FORMAT) still matches, and otherwise compile it again. Budget served:
a warm `timeline --limit 10` of 100,000 records within 0.15 s and 60 MB (docs/performance.md).
To remove it, compile into ":memory:" on every run (what --no-cache does).
`spacefacts export --format sqlite FILE` writes the same database for other tools.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from spacefacts import __version__, factbase, fileio, paths
from spacefacts.errors import PathError, SpacefactsError
from spacefacts.model import (
    BOOL,
    INT,
    SCHEMA,
    TEXT,
    TEXTS,
    JsonRecord,
    Kind,
    record_date,
    record_title,
)
from spacefacts.text import fold

FORMAT = 3  # bump when the tables change (3: meta has as_of)
ENV_NO_CACHE = "SPACEFACTS_NO_CACHE"
BUSY_TIMEOUT = 5.0  # seconds to wait for another process that is writing the cache


def enabled(no_cache: bool = False) -> bool:
    """Whether to use the cache: not with --no-cache or SPACEFACTS_NO_CACHE set (not "0")."""
    return not no_cache and os.environ.get(ENV_NO_CACHE, "") in ("", "0")


def columns(kind: Kind) -> list[str]:
    return [*SCHEMA[kind].field_names, "origin"]


def date_where(
    column: str, since: str | None, until: str | None, years: Sequence[int] = ()
) -> tuple[list[str], list[Any]]:
    """SQL keeping records whose date's period overlaps the range and the years.

    A date string and the first (last) day of a bound compare at the date's own precision:
    "2026" overlaps --since 2026-06 because "2026" >= "2026-06-01"[:4] (dates.overlaps).
    """
    from spacefacts.dates import first_day, last_day

    where: list[str] = []
    params: list[Any] = []
    if since is not None:
        where.append(f"{column} >= substr(?, 1, length({column}))")
        params.append(first_day(since))
    if until is not None:
        where.append(f"{column} <= substr(?, 1, length({column}))")
        params.append(last_day(until))
    if years:
        where.append(f"substr({column}, 1, 4) IN ({', '.join('?' * len(years))})")
        params += [f"{y:04d}" for y in years]
    return where, params


# --- opening -------------------------------------------------------------------------------


def open_factbase(files: Sequence[factbase.FactFile], use_cache: bool = True) -> Database:
    """The compiled fact base of `files`: from the cache when it matches, else compiled now."""
    key = _key(files) if use_cache else None
    if key is None:
        return Database(compile_records(factbase.load(files), ":memory:"), files)
    try:
        path = _cache_path(files)
    except PathError:  # nowhere to put a cache (no home directory): compile in memory
        return Database(compile_records(factbase.load(files), ":memory:"), files)
    conn = _open_cached(path, key)
    if conn is None:
        records = factbase.load(files)  # raises on a problem: invalid bases are not cached
        conn = _write_cache(path, key, records) if _key(files) == key else None
        if conn is None:
            return Database(compile_records(records, ":memory:"), files)
    return Database(conn, files, path)


def discard(database: Database) -> bool:
    """Remove a cache file found damaged while it was read; False if it was not a cache."""
    if database.cache is None:
        return False
    with contextlib.suppress(OSError):
        database.conn.close()
        database.cache.unlink()
    return True


def _key(files: Sequence[factbase.FactFile]) -> str | None:
    """What the cache must match: every file's identity and version, ours and SQLite's."""
    # the schema itself is part of the key: adding a field to model.SCHEMA recompiles
    parts: list[Any] = [__version__, FORMAT, sqlite3.sqlite_version, _schema_digest()]
    for f in files:
        try:
            st = os.stat(f.path)
        except OSError:
            return None  # the loader reports why
        parts.append([str(f.path), f.origin, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    return json.dumps(parts)


def _schema_digest() -> str:
    import zlib  # not hashlib: its OpenSSL import costs about 3 ms of start-up

    return f"{zlib.crc32(repr(SCHEMA).encode()):08x}"


def _cache_path(files: Sequence[factbase.FactFile]) -> Path:
    import zlib

    name = json.dumps([[os.path.abspath(f.path), f.origin] for f in files]).encode(
        "utf-8", "surrogateescape"
    )
    digest = f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}"  # a name, not a checksum
    return paths.cache_dir() / f"facts-{digest}.sqlite"


def _open_cached(path: Path, key: str) -> sqlite3.Connection | None:
    """The cache database at `path` if it is the file this program wrote for `key`, else None.

    A cache is the project's own file: one changed by anything else (its stamp differs: see
    _stamp), or holding a view, a trigger or a table of another shape, is compiled again.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or _stamp_of(info) != _read_stamp(path):
            return None
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
        if row is not None and row[0] == key and _layout_ok(conn):
            conn.execute(_JOURNAL)
            return conn
    except sqlite3.Error:
        pass  # not a database, or not ours: compiled again below
    conn.close()
    return None


def _layout_ok(conn: sqlite3.Connection) -> bool:
    """Whether the database holds exactly what compile_records and the look-ups write: no
    views or triggers, and every table with the columns it was written with.

    A missing column would not even fail: SQLite reads a double-quoted unknown name as a
    string. Reads only the schema (microseconds).
    """
    objects = conn.execute("SELECT type, name FROM sqlite_master").fetchall()
    if any(kind not in ("table", "index") for kind, _ in objects):
        return False
    expected = {kind.value: ["seq", *columns(kind)] for kind in Kind}
    expected |= {"meta": ["key", "value"]}
    for table, wanted in expected.items():
        if [row[1] for row in conn.execute(f"PRAGMA table_info({table})")] != wanted:
            return False
    tables = {name for kind, name in objects if kind == "table"}
    known = {*expected, *_BUILT_LATER, "search", "word"}
    if any(not name.startswith("search_") and name not in known for name in tables):
        return False
    for table, wanted in _BUILT_LATER.items():
        found = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        if found and found != wanted:
            return False
    return True


_BUILT_LATER = {
    "link": ["source", "target", "field"],
    "name": ["folded", "id", "rank"],
    "record": ["id", "kind", "seq"],
}


def _stamp_of(info: os.stat_result) -> str:
    # bench/run.py (restamp) writes the same form for the copies it times
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".stamp")


def _read_stamp(path: Path) -> str:
    """The stamp this program wrote when it last wrote the cache file (inode, size, mtime)."""
    try:
        return fileio.read_regular(_stamp_path(path), 256).decode("ascii", "replace")
    except (OSError, SpacefactsError):
        return ""


def _write_stamp(path: Path) -> None:
    """Record the cache file as this program left it: any later change by another program
    (a value edited, a table replaced by a view) no longer matches, and the cache is compiled
    again."""
    with contextlib.suppress(OSError, SpacefactsError):
        fileio.write_atomic(_stamp_path(path), _stamp_of(os.stat(path)).encode("ascii"))


def _write_cache(path: Path, key: str, records: factbase.Records) -> sqlite3.Connection | None:
    """Compile into a temporary file beside `path`, then rename it: readers never see half."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path)
        with fileio.replacing(path) as temporary:
            compile_records(records, temporary, key).close()
        _write_stamp(path)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
        conn.execute(_JOURNAL)
        return conn
    except (OSError, SpacefactsError, sqlite3.Error):
        return None  # an unwritable cache directory: compile in memory instead


def _remove_stale(path: Path) -> None:
    """Temporary files of a compile that was killed, older than a minute (and their journals)."""
    import time

    for stale in path.parent.glob(f".{path.name}.*.tmp*"):
        with contextlib.suppress(OSError):
            if stale.is_file() and time.time() - stale.stat().st_mtime > 60:
                stale.unlink()


# --- compiling -----------------------------------------------------------------------------


def compile_records(
    records: factbase.Records, target: str | Path, key: str = ""
) -> sqlite3.Connection:
    """Write every record into a new SQLite database at `target` and return it open."""
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT)
    # a new file that replaces the cache only when complete: a journal would only be left
    # behind by a killed compile
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    factbase.derive(records)
    with conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        for kind in Kind:
            names = columns(kind)
            cols = ", ".join(f'"{n}"' for n in names)
            declared = ", ".join(f'"{n}" {_sql_type(kind, n)}' for n in names)
            conn.execute(f"CREATE TABLE {kind.value} (seq INTEGER PRIMARY KEY, {declared})")
            marks = ", ".join("?" * len(names))
            rows = _rows(kind, records[kind])
            conn.executemany(f"INSERT INTO {kind.value} ({cols}) VALUES ({marks})", rows)
        conn.execute("CREATE INDEX milestone_order ON milestone (date, id)")
        conn.execute("CREATE INDEX statement_order ON statement (date, seq)")
        meta = {"key": key, "format": str(FORMAT), "files": json.dumps(records.files)}
        meta["as_of"] = records.as_of or ""  # how current the (base) facts are
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.execute(_JOURNAL)  # later look-up tables: in transactions
    return conn


# The look-up and search tables are added to a cache in place, in a transaction. Its rollback
# journal is kept in memory, never in a "-journal" file beside the cache: such a file is named
# by path, so while one process wrote its journal for the file it had open, another that had
# just compiled and renamed a new file to that path would find the journal, take it for a
# crashed writer's and roll it back into the wrong file. A process killed mid-write leaves a
# file whose stamp no longer matches: the next run compiles it again.
_JOURNAL = "PRAGMA journal_mode = MEMORY"


_SQL_TYPES = {INT: "INTEGER", BOOL: "INTEGER"}


def _sql_type(kind: Kind, name: str) -> str:
    """The declared type of a column: INTEGER, JSON for lists (text holding a JSON array, as
    Datasette and sqlite-utils read it), TEXT otherwise."""
    spec = SCHEMA[kind]
    if name not in spec.field_names:
        return "TEXT"
    field = spec.field(name)
    return "JSON" if field.is_list else _SQL_TYPES.get(field.type, "TEXT")


def finish_export(conn: sqlite3.Connection) -> None:
    """Make a compiled database ready for other tools (`export --format sqlite`): a full-text
    table per searched kind linked to its records (`milestone_fts`, content="milestone": the
    search box Datasette offers on a table), and only the meta rows that describe the data."""
    from spacefacts.model import SEARCHED

    with conn:
        for kind in SEARCHED:
            texts = [
                f.name
                for f in SCHEMA[kind].fields
                if f.type in (TEXT, TEXTS) and f.derived is None and f.name != "id"
            ]
            cols = ", ".join(f'"{n}"' for n in texts)
            conn.execute(
                f"CREATE VIRTUAL TABLE {kind.value}_fts USING fts5({cols}, "
                f"content='{kind.value}', content_rowid='seq')"
            )
            conn.execute(f"INSERT INTO {kind.value}_fts({kind.value}_fts) VALUES ('rebuild')")
        conn.execute("DELETE FROM meta WHERE key IN ('key', 'files') OR coalesce(value, '') = ''")
        conn.execute("DROP TABLE IF EXISTS word")
    conn.execute("VACUUM")


def _to_json(values: list[Any]) -> str:
    """A list as JSON text, as json.dumps(ensure_ascii=False) writes it; a list of strings (the
    schema's lists) through json's C string encoder, several times faster for a large compile."""
    if all(type(v) is str for v in values):
        return "[" + ", ".join(map(_encode_string, values)) + "]"
    return json.dumps(values, ensure_ascii=False)


_encode_string = json.encoder.encode_basestring


def _rows(kind: Kind, records: Sequence[JsonRecord]) -> Iterable[list[Any]]:
    names = columns(kind)
    lists = {f.name for f in SCHEMA[kind].fields if f.is_list}
    at = [i for i, name in enumerate(names) if name in lists]  # the columns holding JSON
    for record in records:
        get = record.get
        row = [get(name) for name in names]
        for i in at:
            value = row[i]
            if value is not None:
                row[i] = _to_json(value) if value else "[]"  # most lists are empty
        yield row


def _build_lookups(conn: sqlite3.Connection, schema: str) -> None:
    """The record, link and name tables, from the kind tables of a compiled database."""
    conn.execute(f"CREATE TABLE {schema}.record (id TEXT PRIMARY KEY, kind TEXT, seq INTEGER)")
    for kind in Kind:
        sql = f"INSERT INTO {schema}.record SELECT id, ?, seq FROM main.{kind.value}"
        conn.execute(sql, (kind.value,))
    records = factbase.Records(by_kind={k: Database(conn, []).select(k) for k in Kind})
    conn.execute(f"CREATE TABLE {schema}.link (source TEXT, target TEXT, field TEXT)")
    conn.execute(f"CREATE TABLE {schema}.name (folded TEXT, id TEXT, rank INTEGER)")
    for kind in Kind:
        rows = _links(kind, records[kind])
        conn.executemany(f"INSERT INTO {schema}.link VALUES (?, ?, ?)", rows)
    conn.executemany(f"INSERT INTO {schema}.name VALUES (?, ?, ?)", _names(records))
    conn.execute(f"CREATE INDEX {schema}.link_source ON link (source)")
    conn.execute(f"CREATE INDEX {schema}.link_target ON link (target)")
    conn.execute(f"CREATE INDEX {schema}.name_folded ON name (folded)")


def _links(kind: Kind, records: Sequence[JsonRecord]) -> Iterable[tuple[str, str, str]]:
    refs = [f for f in SCHEMA[kind].fields if f.is_ref]
    for record in records:
        for spec in refs:
            value = record.get(spec.name)
            for target in value if isinstance(value, list) else [value] if value else []:
                yield record["id"], target, spec.name


def _names(records: factbase.Records) -> Iterable[tuple[str, str, int]]:
    """Folded ids and names a record can be looked up by (SCHEMA's `names`); a lower rank
    wins a clash."""
    for kind in Kind:
        spec = SCHEMA[kind]
        for record in records[kind]:
            yield fold(record["id"]), record["id"], spec.name_rank
            for label in spec.names:
                value = record.get(label)
                for text in value if isinstance(value, list) else [value] if value else []:
                    yield fold(text), record["id"], spec.name_rank


# --- reading -------------------------------------------------------------------------------


class Database:
    """An open compiled fact base: records come out in their kind's JSON shape."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        files: Sequence[factbase.FactFile],
        cache: Path | None = None,
    ) -> None:
        self.conn = conn
        self.files = tuple(files)
        self.cache = cache  # the cache file it was opened from, if any
        self._ready: set[str] = set()  # tables known to be there (see extend)
        self._decoders: dict[Kind, list[tuple[str, str]]] = {}

    def select(
        self, kind: Kind, where: str = "", params: Sequence[Any] = (), order: str = "seq",
        limit: int | None = None,
    ) -> list[JsonRecord]:  # fmt: skip
        """Records of `kind` (SQL `where` and `order` over its columns), decoded."""
        cols = ", ".join(f'"{n}"' for n in columns(kind))
        sql = f"SELECT {cols} FROM {kind.value}"
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [self.decode(kind, row) for row in self.conn.execute(sql, params)]

    def decode(self, kind: Kind, row: Sequence[Any]) -> JsonRecord:
        types = self._decoders.get(kind)
        if types is None:
            by_name = {f.name: f for f in SCHEMA[kind].fields}
            types = [
                (n, "list" if n in by_name and by_name[n].is_list else
                 "bool" if n in by_name and by_name[n].type == BOOL else "")
                for n in columns(kind)
            ]  # fmt: skip
            self._decoders[kind] = types
        record: JsonRecord = {}
        for (name, how), value in zip(types, row, strict=True):
            if how == "list":
                try:
                    value = json.loads(value) if value else []
                except ValueError:  # text no compile wrote: the command rebuilds the cache
                    raise sqlite3.DatabaseError(f"{kind.value}.{name} is not JSON") from None
            elif how == "bool" and value is not None:
                value = bool(value)
            record[name] = value
        return record

    def count(self, kind: Kind, where: str = "", params: Sequence[Any] = ()) -> int:
        sql = f"SELECT count(*) FROM {kind.value}" + (f" WHERE {where}" if where else "")
        return int(self.conn.execute(sql, params).fetchone()[0])

    def get(self, ident: str) -> tuple[Kind, JsonRecord] | None:
        """The record with this exact id, and its kind."""
        self.ensure_lookups()
        row = self.conn.execute("SELECT kind, seq FROM record WHERE id = ?", (ident,)).fetchone()
        if row is None:
            return None
        kind = Kind(row[0])
        found = self.select(kind, "seq = ?", (row[1],))
        return (kind, found[0]) if found else None

    def ids(self, kinds: Sequence[Kind] | None = None) -> list[str]:
        chosen = list(Kind) if kinds is None else kinds
        union = " UNION ALL ".join(f"SELECT id FROM {k.value}" for k in chosen)
        return [r[0] for r in self.conn.execute(f"{union} ORDER BY id")]

    def has_table(self, name: str) -> bool:
        """Whether the database, or the in-memory scratch beside it, has table `name`."""
        for row in self.conn.execute("PRAGMA database_list"):
            sql = f'SELECT 1 FROM "{row[1]}".sqlite_master WHERE name = ?'
            if self.conn.execute(sql, (name,)).fetchone() is not None:
                return True
        return False

    def extend(self, table: str, build: Callable[[sqlite3.Connection, str], None]) -> None:
        """Add `table`, made by build(conn, schema), unless it is there: in the database (a
        cache keeps it for later runs) or, when that is read-only, in memory for this run."""
        if table in self._ready:
            return
        self._ready.add(table)
        if self.has_table(table):
            return
        conn = self.conn
        isolation, conn.isolation_level = conn.isolation_level, None  # transactions by hand
        try:
            # one transaction: a reader in another process sees the table whole or not at
            # all (never created and still empty); a writer waits for the other one to finish
            conn.execute("BEGIN IMMEDIATE")
            try:
                if not self.has_table(table):  # another process may have built it meanwhile
                    build(conn, "main")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError:  # read-only (or locked too long): this run, in memory
            conn.isolation_level = isolation
            schemas = {row[1] for row in conn.execute("PRAGMA database_list")}
            if "scratch" not in schemas:
                conn.execute("ATTACH DATABASE ':memory:' AS scratch")
            with conn:
                build(conn, "scratch")
            return
        finally:
            conn.isolation_level = isolation
        if self.cache is not None:
            _write_stamp(self.cache)

    def ensure_lookups(self) -> None:
        """The record, link and name tables, built on the first look-up by id, name or
        relation."""
        self.extend("name", _build_lookups)

    def by_name(self, text: str, kinds: Sequence[Kind] | None = None) -> str | None:
        """The id of the record an exact id, or a folded name, title or alias, names."""
        exact = self.get(text)
        if exact is not None and (kinds is None or exact[0] in kinds):
            return text
        self.ensure_lookups()
        sql = "SELECT name.id FROM name JOIN record ON record.id = name.id WHERE folded = ?"
        params: list[Any] = [fold(text)]
        if kinds is not None:
            sql += f" AND record.kind IN ({', '.join('?' * len(kinds))})"
            params += [k.value for k in kinds]
        row = self.conn.execute(sql + " ORDER BY rank, name.id LIMIT 1", params).fetchone()
        return row[0] if row else None

    def links(self, ident: str) -> list[tuple[str, str, str]]:
        """(source, target, field) of every reference from or to `ident`."""
        self.ensure_lookups()
        sql = "SELECT source, target, field FROM link WHERE source = ? OR target = ? ORDER BY rowid"
        return list(self.conn.execute(sql, (ident, ident)))

    def brief(self, ident: str) -> tuple[Kind, str | None, str] | None:
        found = self.get(ident)
        if found is None:
            return None
        kind, record = found
        return kind, record_date(kind, record), record_title(kind, record)
