"""Property-based tests: what add and export write loads back equal; no input crashes the loader.

Settings: round trips 50 examples, loader fuzzing 150 examples, no deadline (file writes and
fsync make an example's time vary too much for one).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GOOD, runner
from spacefacts import factbase, store
from spacefacts.cli import app
from spacefacts.errors import FactBaseError, RejectedRecordError
from spacefacts.factbase import FIELDS, KINDS, FactFile
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
)

ROUND_TRIP = settings(max_examples=50, deadline=None)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Any text a person could type, surrogates aside (they cannot be encoded as UTF-8).
texts = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(
    lambda t: bool(t.strip())
)
ids = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1, 1, 1)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def some(strategy: st.SearchStrategy[Any], min_size: int = 0) -> st.SearchStrategy[Any]:
    return st.lists(strategy, min_size=min_size, max_size=3).map(tuple)


@st.composite
def fact_bases(draw: st.DrawFn) -> FactBase:
    """A valid fact base of every kind, with references only to records that exist."""
    pool = draw(st.lists(ids, min_size=16, max_size=24, unique=True))
    take: Callable[[], str] = pool.pop
    sources = [
        Source(take(), draw(texts), draw(texts), draw(optional(texts)),
               draw(optional(partial_dates())), draw(optional(texts)), draw(optional(texts)))
        for _ in range(draw(st.integers(1, 3)))
    ]  # fmt: skip
    topics = [Topic(take(), draw(texts)) for _ in range(draw(st.integers(1, 2)))]
    programs = [
        Program(take(), draw(texts), draw(st.just("") | texts), draw(some(texts)))
        for _ in range(draw(st.integers(1, 2)))
    ]
    source_ids = st.sampled_from([s.id for s in sources])
    milestones = [
        Milestone(take(), draw(partial_dates()), draw(texts), draw(texts),
                  draw(st.sampled_from([p.id for p in programs])), draw(some(texts)),
                  draw(some(source_ids, 1)), draw(some(texts)),
                  draw(some(st.sampled_from([s.id for s in sources]))))
        for _ in range(draw(st.integers(0, 2)))
    ]  # fmt: skip
    milestone_ids = [m.id for m in milestones]
    statements = [
        Statement(take(), draw(texts), draw(texts), draw(texts), draw(st.booleans()),
                  draw(some(st.sampled_from([t.id for t in topics]), 1)),
                  draw(some(source_ids, 1)), draw(optional(partial_dates())),
                  draw(optional(texts)),
                  draw(optional(st.sampled_from(milestone_ids))) if milestone_ids else None)
        for _ in range(draw(st.integers(0, 2)))
    ]  # fmt: skip
    steps = [
        LunarStep(take(), n, draw(texts), draw(texts), draw(some(source_ids, 1)))
        for n in range(1, draw(st.integers(0, 2)) + 1)
    ]
    missions = [
        Mission(take(), draw(texts), draw(st.sampled_from([s.step for s in steps])),
                draw(optional(partial_dates())), draw(some(texts)), draw(some(texts)),
                draw(some(source_ids, 1)))
        for _ in range(draw(st.integers(0, 2) if steps else st.just(0)))
    ]  # fmt: skip
    return FactBase((), tuple(sources), tuple(topics), tuple(programs), tuple(milestones),
                    tuple(statements), tuple(steps), tuple(missions))  # fmt: skip


def records(fb: FactBase) -> dict[str, list[dict[str, Any]]]:
    return {kind: [store.raw_record(kind, r) for r in getattr(fb, kind)] for kind in KINDS}


@ROUND_TRIP
@given(fact_bases())
def test_exported_toml_loads_back_equal(fb: FactBase) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.toml"
        store.write_atomic(path, store.export(fb, store.ExportFormat.toml).encode("utf-8"))
        again = factbase.load([FactFile(path, "export")])
    assert records(again) == records(fb)
    # the model objects themselves, origin aside
    assert again.statements == tuple(replace(s, origin="export") for s in fb.statements)


@ROUND_TRIP
@given(fact_bases())
def test_exported_json_is_the_same_document(fb: FactBase) -> None:
    import json
    import tomllib

    as_json = json.loads(store.export(fb, store.ExportFormat.json))
    as_toml = tomllib.loads(store.export(fb, store.ExportFormat.toml))
    assert as_json == as_toml == store.document(fb)


GOOD_FB = factbase.load([FactFile(GOOD, "good")])
GOOD_SOURCES = st.sampled_from([s.id for s in GOOD_FB.sources])
NEW_SOURCE = st.fixed_dictionaries(
    {"title": texts, "publisher": texts},
    optional={"id": ids.map(lambda i: f"new-{i}"), "author": texts, "url": texts, "note": texts,
              "published": partial_dates().map(PartialDate.iso)},
)  # fmt: skip
NEW_MILESTONE = st.fixed_dictionaries(
    {"date": partial_dates().map(PartialDate.iso), "title": texts, "summary": texts,
     "program": st.sampled_from([p.id for p in GOOD_FB.programs]),
     "sources": st.lists(GOOD_SOURCES, min_size=1, max_size=2)},
    optional={"tags": st.lists(texts, max_size=2)},
)  # fmt: skip
NEW_STATEMENT = st.fixed_dictionaries(
    {"text": texts, "speaker": texts, "occasion": texts, "verbatim": st.booleans(),
     "topics": st.lists(st.sampled_from([t.id for t in GOOD_FB.topics]), min_size=1, max_size=2),
     "sources": st.lists(GOOD_SOURCES, min_size=1, max_size=2)},
    optional={"date": partial_dates().map(PartialDate.iso), "excerpt": texts,
              "milestone": st.sampled_from([m.id for m in GOOD_FB.milestones])},
)  # fmt: skip
NEW_RECORDS = st.lists(
    st.tuples(st.just("sources"), NEW_SOURCE)
    | st.tuples(st.just("milestones"), NEW_MILESTONE)
    | st.tuples(st.just("statements"), NEW_STATEMENT),
    min_size=1,
    max_size=4,
)


@ROUND_TRIP
@given(NEW_RECORDS)
def test_added_records_load_back_equal(new: list[tuple[str, dict[str, Any]]]) -> None:
    base = FactFile(GOOD, "good")
    taken = {r.id for kind in KINDS for r in getattr(GOOD_FB, kind)}
    added = []
    with tempfile.TemporaryDirectory() as tmp:
        personal = Path(tmp) / "facts.toml"
        for kind, fields in new:
            if fields.get("id") in taken:  # a chosen id already in use: refused, not written
                before = personal.read_bytes() if personal.exists() else None
                with pytest.raises(RejectedRecordError):
                    store.add(base, personal, kind, fields)
                assert (personal.read_bytes() if personal.exists() else None) == before
                continue
            record = store.add(base, personal, kind, fields)
            taken.add(record.id)
            added.append((kind, fields, record))
        loaded = factbase.load([base, FactFile(personal, "personal")])
    for kind, fields, record in added:
        again = {r.id: r for r in getattr(loaded, kind)}[record.id]
        assert again == record
        wanted = {k: v for k, v in fields.items() if v not in ([], None)}
        assert wanted.items() <= store.raw_record(kind, again).items()
    mine = [r.id for kind in KINDS for r in getattr(loaded, kind) if r.origin == "personal"]
    assert sorted(mine) == sorted(record.id for _, _, record in added)


# --- the loader never crashes --------------------------------------------------------------

toml_scalars = (
    st.text(max_size=10)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.dates()
    | st.datetimes()
    | st.times()
)
field_names = st.sampled_from(sorted({f for r, o in FIELDS.values() for f in r + o})) | st.text(
    max_size=5
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(field_names, inner, max_size=3),
    max_leaves=12,
)
toml_documents = st.dictionaries(
    st.sampled_from([*KINDS, "schema_version"]) | st.text(max_size=5),
    st.lists(st.dictionaries(field_names, toml_values, max_size=8), max_size=3) | toml_values,
    max_size=5,
)


def load_bytes(data: bytes) -> None:
    """Load `data` as a fact file: a fact base or FactBaseError, never anything else."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_bytes(data)
        try:
            factbase.load([FactFile(path, "fuzz")])
        except FactBaseError as err:
            assert err.problems
        result = runner.invoke(app, ["--data", str(path), "validate", "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 3), result.output


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_loader(data: bytes) -> None:
    load_bytes(data)


@FUZZ
@given(toml_documents)
def test_arbitrary_toml_documents_never_crash_the_loader(doc: dict[str, Any]) -> None:
    load_bytes(tomli_w.dumps(doc).encode("utf-8"))


TOML_PIECES = ["[", "]", "{", "}", "[[", "a", "=", "1", "1" * 500, '"', "\n", ",", "x = "]


@FUZZ
@given(st.lists(st.sampled_from(TOML_PIECES), min_size=1, max_size=6), st.integers(1, 2000))
def test_repeated_toml_pieces_never_crash_the_loader(pieces: list[str], times: int) -> None:
    """Deep nesting and huge integers: tomllib raises RecursionError and ValueError for them."""
    load_bytes(("x = " + "".join(pieces) * times).encode())
