"""A cache of validated fact bases, so that a large fact file is parsed once, not on every run.

One cache file per list of fact files (named by a hash of their paths and origins), in
$SPACEFACTS_CACHE_DIR, else $XDG_CACHE_HOME/spacefacts, else ~/.cache/spacefacts. It holds its
key: every file's path (as given and resolved), origin, size, mtime_ns, ctime_ns, inode and
device, the package version, the cache format and the Python version; and a CRC-32 of its
contents.
A cache file that does not match, does not verify or does not decode is ignored, and rewritten
from the TOML. Only valid fact bases are written, so problems are always reported from the TOML.
Writing is atomic (a temporary file, then os.replace) and any failure to write is ignored.

Records are stored one marshalled tuple each and decoded only when used, beside the columns the
queries filter on (query.build_index): `timeline --limit 10` of 100,000 records decodes ten.
marshal rather than pickle: it decodes plain values only, never runs code, and is faster.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from spacefacts import __version__, factbase
from spacefacts.model import (
    FactBase,
    FactIndex,
    LunarStep,
    Milestone,
    Mission,
    PartialDate,
    Program,
    Source,
    Statement,
    Topic,
)

if TYPE_CHECKING:
    from spacefacts.search import SearchIndex

ENV_NO_CACHE = "SPACEFACTS_NO_CACHE"
ENV_CACHE_DIR = "SPACEFACTS_CACHE_DIR"
FORMAT = 2
CHUNK = 32  # records marshalled together: fewer marshal calls, little decoded in vain
MAGIC = b"spacefacts-cache\n"
_HEADER = len(MAGIC) + 4  # magic, then the CRC-32 of everything after it

T = TypeVar("T")

# Record kinds as stored: the model class, its fields in order, and which of them are dates.
_KINDS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "sources": (Source, ("id", "title", "publisher", "author", "published", "url", "note")),
    "topics": (Topic, ("id", "description")),
    "programs": (Program, ("id", "name", "description", "aliases")),
    "milestones": (
        Milestone,
        ("id", "date", "title", "summary", "program", "tags", "sources", "aliases", "related"),
    ),
    "statements": (
        Statement,
        (
            "id", "text", "speaker", "occasion", "verbatim", "topics", "sources", "date",
            "excerpt", "milestone",
        ),
    ),
    "lunar_steps": (LunarStep, ("id", "step", "name", "goal", "sources")),
    "missions": (
        Mission,
        ("id", "name", "step", "launch_date", "achievements", "aliases", "sources"),
    ),
}  # fmt: skip
_DATES = frozenset({"date", "published", "launch_date"})
_LAZY = ("milestones", "statements")  # the kinds that grow; the others are decoded at once


def enabled(no_cache: bool = False) -> bool:
    """Whether to use the cache: not with --no-cache or SPACEFACTS_NO_CACHE set (not "0")."""
    return not no_cache and os.environ.get(ENV_NO_CACHE, "") in ("", "0")


def cache_dir() -> Path:
    """Where cache files go: $SPACEFACTS_CACHE_DIR, $XDG_CACHE_HOME/spacefacts, ~/.cache/..."""
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "spacefacts"


def load(files: Sequence[factbase.FactFile], use_cache: bool = True) -> FactBase:
    """factbase.load(files), from the cache when it holds these very files."""
    key = _key(files) if use_cache else None
    if key is None:  # no cache wanted, or a file cannot be stat'ed: the loader reports it
        return factbase.load(files)
    path = _path(files, "cache")
    cached = _read(path, key)
    if cached is not None:
        return cached
    loaded = factbase.load(files)  # raises on any problem: invalid fact bases are not cached
    if _key(files) == key:  # unchanged while it was being read
        _write(path, key, loaded)
    return loaded


def search_index(
    files: Sequence[factbase.FactFile], fb: FactBase, use_cache: bool = True
) -> SearchIndex:
    """search.search_index(fb), from the cache when it was built from these very files.

    It is built on the first search, not with the fact base's cache, so that a first run that
    does not search does not pay for folding every text.
    """
    from spacefacts import search

    key = _key(files) if use_cache else None
    if key is None:
        return search.search_index(fb)
    path = _path(files, "search")
    data = _verified(path)
    if data is not None:
        try:
            head_end = 8 + int.from_bytes(data[:8])
            head = marshal.loads(data[8:head_end])
            if isinstance(head, dict) and head.get("key") == key:
                regions: dict[str, tuple[int, int, str]] = head["regions"]
                columns = {
                    name: _region(data[head_end:], *regions[name])
                    for name in search.SearchIndex._fields
                }
                return search.SearchIndex(**columns)
        except (ValueError, TypeError, EOFError, KeyError, IndexError):
            pass  # verified yet undecodable: rebuild it
    index = search.search_index(fb)
    if _key(files) == key:
        from array import array

        parts: list[bytes] = []
        regions = {}
        size = 0
        for name in search.SearchIndex._fields:
            column = list(getattr(index, name))
            codec = "q" if name in ("positions", "order") else "marshal"
            blob = array("q", column).tobytes() if codec == "q" else marshal.dumps(column)
            regions[name] = (size, size + len(blob), codec)
            parts.append(blob)
            size += len(blob)
        _write_file(path, [marshal.dumps({"key": key, "regions": regions}), *parts])
    return index


def _path(files: Sequence[factbase.FactFile], suffix: str) -> Path:
    # Named by the files alone, not by their sizes and times: when a file changes, its cache
    # file is overwritten rather than joined by another one.
    names = repr([(str(f.path), f.origin) for f in files]).encode()
    return cache_dir() / f"{zlib.crc32(names):08x}-{len(files)}.{suffix}"


def _key(files: Sequence[factbase.FactFile]) -> bytes | None:
    parts: list[Any] = [FORMAT, __version__, marshal.version, sys.hexversion]
    for fact_file in files:
        try:
            resolved = fact_file.path.resolve()
            st = resolved.stat()
        except (OSError, RuntimeError):
            return None
        names = (str(fact_file.path), str(resolved), fact_file.origin)
        parts.append((*names, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev))
    return repr(tuple(parts)).encode()  # not marshal: its bytes depend on reference counts


# --- reading -------------------------------------------------------------------------------
#
# A cache file: MAGIC, the CRC-32 of the rest, the length of the head, the head (marshalled:
# key, files, origins, the small kinds, and where each region is), then the regions: the lazy
# kinds' records and offsets, and the index columns, each decoded only when a query uses it.


def _verified(path: Path) -> memoryview | None:
    """The contents of the cache file at `path` after MAGIC and the CRC, if it verifies."""
    try:
        with path.open("rb") as stream:
            data = stream.read()
    except OSError:
        return None
    view = memoryview(data)
    if data[: len(MAGIC)] != MAGIC or int.from_bytes(view[len(MAGIC) : _HEADER]) != zlib.crc32(
        view[_HEADER:]
    ):
        return None
    return view[_HEADER:]


def _read(path: Path, key: bytes) -> FactBase | None:
    """The cached fact base at `path` if it is intact and made for `key`, else None."""
    data = _verified(path)
    if data is None:
        return None
    try:
        head_end = 8 + int.from_bytes(data[:8])
        return _decode(marshal.loads(data[8:head_end]), data[head_end:], key)
    except (ValueError, TypeError, EOFError, KeyError, IndexError, AttributeError):
        return None  # verified yet undecodable (written by another version): rebuild it


def _region(tail: memoryview, start: int, end: int, codec: str) -> Sequence[Any]:
    """A column of a cache file: machine integers read in place, or a list decoded on use."""
    if codec == "marshal":
        return _Column(tail[start:end])
    if codec != "q":
        raise ValueError(f"unknown cache column codec {codec!r}")
    return tail[start:end].cast("q")


def _decode(head: Any, tail: memoryview, key: bytes) -> FactBase | None:
    if not isinstance(head, dict) or head.get("key") != key:
        return None
    regions: dict[str, tuple[int, int, str]] = head["regions"]

    def region(name: str) -> Sequence[Any]:
        return _region(tail, *regions[name])

    kinds: dict[str, Sequence[Any]] = {}
    origins: tuple[str, ...] = head["origins"]
    for kind, (cls, names) in _KINDS.items():
        decode = _decoder(cls, names, origins)
        if kind in _LAZY:
            start, end, _ = regions[kind]
            count: int = head[kind + ".count"]
            kinds[kind] = _Lazy(decode, tail[start:end], region(kind + ".offsets"), count)
        else:
            kinds[kind] = tuple(decode(row) for row in head[kind])
    index = FactIndex(**{name: region(name) for name in _INDEX})
    if len(index.milestone_order) != len(kinds["milestones"]):
        return None
    return FactBase(files=tuple(head["files"]), index=index, **kinds)


def _decoder(
    cls: Callable[..., T], names: tuple[str, ...], origins: tuple[str, ...]
) -> Callable[[tuple[Any, ...]], T]:
    dates = [i for i, name in enumerate(names) if name in _DATES]

    def decode(row: tuple[Any, ...]) -> T:
        values = list(row)
        for i in dates:
            if values[i] is not None:
                values[i] = PartialDate(*values[i])
        origin = origins[values.pop()]
        return cls(**dict(zip(names, values, strict=True)), origin=origin)

    return decode


class _Lazy(Sequence[T]):
    """Records marshalled in chunks of CHUNK into a blob, each decoded on first access."""

    __slots__ = ("_blob", "_chunks", "_count", "_decode", "_made", "_offsets")

    def __init__(
        self,
        decode: Callable[[tuple[Any, ...]], T],
        blob: memoryview,
        offsets: Sequence[int],
        count: int,
    ) -> None:
        if len(offsets) != -(-count // CHUNK) + 1:
            raise ValueError("cache offsets do not match the record count")
        self._decode, self._blob, self._offsets, self._count = decode, blob, offsets, count
        self._chunks: dict[int, list[tuple[Any, ...]]] = {}
        self._made: dict[int, T] = {}

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, position: int) -> T: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[T]: ...
    def __getitem__(self, position: int | slice) -> T | Sequence[T]:
        if isinstance(position, slice):
            return [self[i] for i in range(len(self))[position]]
        if position < 0:
            position += len(self)
        made = self._made.get(position)
        if made is None:
            if not 0 <= position < len(self):
                raise IndexError(position)
            chunk, at = divmod(position, CHUNK)
            rows = self._chunks.get(chunk)
            if rows is None:
                start, end = self._offsets[chunk], self._offsets[chunk + 1]
                rows = self._chunks[chunk] = marshal.loads(self._blob[start:end])
            made = self._made[position] = self._decode(rows[at])
        return made

    def __iter__(self) -> Iterator[T]:
        for position in range(len(self)):
            yield self[position]


class _Column(Sequence[Any]):
    """A marshalled list, decoded when first used (a query reads only the columns it needs)."""

    __slots__ = ("_data", "_values")

    def __init__(self, data: memoryview) -> None:
        self._data = data
        self._values: list[Any] | None = None

    def _list(self) -> list[Any]:
        if self._values is None:
            values = marshal.loads(self._data)
            if not isinstance(values, list):
                raise TypeError("cache column is not a list")
            self._values = values
        return self._values

    def __len__(self) -> int:
        return len(self._list())

    @overload
    def __getitem__(self, position: int) -> Any: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[Any]: ...
    def __getitem__(self, position: int | slice) -> Any:
        return self._list()[position]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._list())


# --- writing -------------------------------------------------------------------------------

# Index columns of integers are stored as machine arrays (read without decoding), the rest
# marshalled.
_INDEX: dict[str, str] = {
    "milestone_order": "q",
    "milestone_program": "marshal",
    "milestone_year": "q",
    "statement_order": "q",
    "statement_topics": "marshal",
    "statement_speaker": "marshal",
}


def _write(path: Path, key: bytes, fb: FactBase) -> None:
    """Write `fb` to `path` atomically; a cache that cannot be written is simply not written."""
    from array import array

    from spacefacts import query

    origins: dict[str, int] = {}
    head: dict[str, Any] = {"key": key, "files": list(fb.files)}
    parts: list[bytes] = []
    regions: dict[str, tuple[int, int, str]] = {}
    size = 0

    def add(name: str, codec: str, *pieces: bytes) -> None:
        nonlocal size
        length = sum(len(piece) for piece in pieces)
        regions[name] = (size, size + length, codec)
        parts.extend(pieces)
        size += length

    for kind, (_, names) in _KINDS.items():
        encode = _encoder(names, origins)
        rows = [encode(record) for record in getattr(fb, kind)]
        if kind in _LAZY:
            blobs = [marshal.dumps(rows[i : i + CHUNK]) for i in range(0, len(rows), CHUNK)]
            offsets = array("q", [0])
            for blob in blobs:
                offsets.append(offsets[-1] + len(blob))
            add(kind, "bytes", *blobs)
            add(kind + ".offsets", "q", offsets.tobytes())
            head[kind + ".count"] = len(rows)
        else:
            head[kind] = rows
    index = query.build_index(fb)
    for name, codec in _INDEX.items():
        column = list(getattr(index, name))
        data = array(codec, column).tobytes() if codec != "marshal" else marshal.dumps(column)
        add(name, codec, data)
    head["origins"], head["regions"] = tuple(origins), regions
    _write_file(path, [marshal.dumps(head), *parts])


def _write_file(path: Path, pieces: list[bytes]) -> None:
    """Write MAGIC, a CRC-32, the length of the head, the head (pieces[0]) and the rest
    atomically; a cache that cannot be written is simply not written."""
    body = [len(pieces[0]).to_bytes(8), *pieces]
    crc = 0
    for part in body:  # piece by piece: the parts are tens of megabytes at 100,000 records
        crc = zlib.crc32(part, crc)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as stream:
            stream.writelines([MAGIC, crc.to_bytes(4), *body])
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _encoder(names: tuple[str, ...], origins: dict[str, int]) -> Callable[[Any], tuple[Any, ...]]:
    """A function from a record to its stored tuple: its fields, dates as tuples, its origin."""
    from operator import attrgetter

    values = attrgetter(*names, "origin")
    dates = [i for i, name in enumerate(names) if name in _DATES]

    def encode(record: Any) -> tuple[Any, ...]:
        row = list(values(record))
        for i in dates:
            if (date := row[i]) is not None:
                row[i] = (date.year, date.month, date.day)
        row[-1] = origins.setdefault(row[-1], len(origins))
        return tuple(row)

    return encode
