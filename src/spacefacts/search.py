"""Full-text search with SQLite FTS5: word boundaries, stemming, BM25, phrases, OR, prefixes.

The index is one FTS5 table in the compiled database (db.py), built on the first search so
that runs that never search do not pay for it. Each searchable record is one row:
- `head`: its id (hyphens as spaces), title or name, aliases, the kind's name, and the folded
  compact forms of its names ("change5" for "Chang'e-5"); weighted HEAD_WEIGHT in BM25;
- `body`: summary, text, excerpt, achievements, crew: what snippets are cut from;
- `meta`: speaker, occasion, tags, type, and the program's id, name and aliases (so that
  中国空间站 finds the station's records); weighted META_WEIGHT.
The tokenizer is `porter unicode61 remove_diacritics 2`: English stemming ("landed" finds
"landing"), case and accents ignored, an apostrophe or hyphen between two words
("Chang'e-4" is chang, e, 4). Chinese names are indexed as written (嫦娥四号), and found
whole or by their start.

A record whose id, name, title or alias is the whole query (folded) comes first, then BM25.

Query syntax (`parse`): words must all match (AND); `OR` between words; "a phrase"; the last
word matches as a prefix ("land" finds landing); a number sticks to the word before it
("Chang'e 4" is Chang'e-4, never Chang'e-5).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from spacefacts.db import Database
from spacefacts.errors import BadValueError
from spacefacts.model import JsonRecord, Kind, record_date, record_title
from spacefacts.text import close_matches, fold

SEARCH_KINDS = (Kind.milestone, Kind.statement, Kind.mission)
HEAD_WEIGHT, BODY_WEIGHT, META_WEIGHT = 8.0, 1.0, 2.0
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use marks around matched words in snippets
SNIPPET_WORDS = 24
_WORD = re.compile(r"\w+")


# --- the index -----------------------------------------------------------------------------


def ensure_index(database: Database) -> None:
    """Build the search index if this database has none yet (once per compiled fact base)."""
    database.extend("search", lambda conn, schema: _build(conn, database, schema))


def _build(conn: sqlite3.Connection, database: Database, schema: str) -> None:
    conn.execute(
        f"CREATE VIRTUAL TABLE {schema}.search USING fts5("
        "head, body, meta, kind UNINDEXED, id UNINDEXED, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    conn.execute(f"CREATE TABLE {schema}.word (word TEXT PRIMARY KEY) WITHOUT ROWID")
    seen: set[str] = set()  # each distinct token, folded once at the end (not per record)
    rows = []
    programs = {p["id"]: p for p in database.select(Kind.program)}
    for kind in SEARCH_KINDS:
        for record in database.select(kind):
            names, compact, body, meta = _texts(kind, record, programs)
            rows.append((f"{names} {kind.value} {compact}", body, meta, kind.value, record["id"]))
            seen.update(f"{names} {body} {meta}".casefold().split())
    conn.executemany(
        f"INSERT INTO {schema}.search (head, body, meta, kind, id) VALUES (?, ?, ?, ?, ?)", rows
    )
    # the words as the tokenizer cuts them (not stemmed): did-you-mean offers them, and a last
    # query word that is one of them is taken whole, not as a prefix ("mars" is not "mar*")
    words = {w for token in seen for w in words_of(token)}
    conn.executemany(f"INSERT INTO {schema}.word VALUES (?)", ((w,) for w in words))


def _texts(
    kind: Kind, record: JsonRecord, programs: dict[str, JsonRecord]
) -> tuple[str, str, str, str]:
    """(names, compact names, body, meta) of one record, as indexed; the head is names, the
    kind and the compact names ("change5"). A name with an apostrophe is there without it too
    ("Change-4"), so that "change 4" finds Chang'e-4 as "Chang'e 4" does."""
    names = [record["id"], record.get("title") or "", record.get("name") or ""]
    names += record.get("aliases") or []
    names = [n for n in names if n]
    names += [_no_apostrophe(n) for n in names if "'" in n or "’" in n]
    compact = " ".join(dict.fromkeys(fold(n) for n in names))
    program = programs.get(record.get("program") or "", {})
    meta = [program.get("id", ""), program.get("name", ""), *program.get("aliases", [])]
    if kind is Kind.statement:  # the excerpt repeats the text: searched, not a snippet
        body = [record["text"]]
        meta += [record["speaker"], record.get("occasion_name") or "", record.get("excerpt") or ""]
    elif kind is Kind.milestone:
        body = [record["summary"]]
        meta += record["tags"]
    else:
        body = [*record["achievements"], *record["crew"]]
        meta.append(record.get("type") or "")
    head = " ".join(n.replace("-", " ") for n in names)
    return head, compact, "; ".join(p for p in body if p), " ".join(p for p in meta if p)


def _no_apostrophe(name: str) -> str:
    return name.replace("'", "").replace("’", "")


def words_of(text: str) -> list[str]:
    """Words as the index's tokenizer cuts them: lower case, no accents, split at anything not
    a letter or digit (not stemmed)."""
    import unicodedata

    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(folded)


# --- queries -------------------------------------------------------------------------------


def parse(text: str, known: Callable[[str], bool] = lambda word: False) -> str:
    """A user's query as an FTS5 MATCH expression; raise BadValueError if nothing is left.

    `known(word)` says whether a word is whole in the index: the last word, or a Chinese one,
    is taken as a prefix only when it is not ("lan" finds landing; "mars" is Mars, not March).
    """
    tokens = re.findall(r'"[^"]*"?|\S+', text)
    groups: list[list[str]] = []  # OR-groups of AND-ed terms
    terms: list[list[str]] = []
    for n, token in enumerate(tokens):
        if token == "OR":
            if terms:
                groups.append([_term(t, known) for t in terms])
                terms = []
            continue
        words = _WORD.findall(token.strip('"'))
        if not words:
            continue
        quoted = token.startswith('"')
        if not quoted and words[0].isdigit() and terms and not terms[-1][0].startswith('"'):
            terms[-1] = [terms[-1][0], *terms[-1][1:], *words]  # "Chang'e 4": one phrase
            continue
        last = n == len(tokens) - 1 and not quoted
        terms.append([('"' if quoted else "") + "\x00" * last, *words])
    if terms:
        groups.append([_term(t, known) for t in terms])
    groups = [g for g in groups if g]
    if not groups:
        raise BadValueError(f"nothing to search for in {text!r}: give a word or a name")
    return " OR ".join("(" + " AND ".join(g) + ")" for g in groups)


def _term(term: list[str], known: Callable[[str], bool]) -> str:
    """One query term as FTS5: a word or a phrase, the last word maybe a prefix."""
    flags, words = term[0], term[1:]
    if flags.startswith('"'):
        return '"' + " ".join(words) + '"'
    word = words[-1]
    if not word.isascii() and len(word) > 1:  # Chinese has no spaces: 天和 starts 天和核心舱
        return '"' + " ".join(words) + '"*'
    may_be_cut = "\x00" in flags and not word.isdigit() and len(word) > 1
    star = "*" if may_be_cut and not known(word.casefold()) else ""
    return '"' + " ".join(words) + '"' + star


def search(
    database: Database,
    text: str,
    kinds: Sequence[Kind] | None = None,
    limit: int | None = None,
    marked: bool = False,
) -> tuple[list[JsonRecord], int]:
    """Records matching `text`, best first, as `hit` records; and how many matched in all.

    With `marked`, matched words in snippets are enclosed in MARK_START and MARK_END (for a
    terminal to highlight them; render removes the marks from every other output).
    """
    ensure_index(database)
    expression = _expression(database, text)
    database.ensure_lookups()  # an exact name ranks first (below)
    wanted = [k.value for k in (kinds or SEARCH_KINDS)]
    marks = ", ".join("?" * len(wanted))
    where = f"search MATCH ? AND kind IN ({marks})"
    params: list[Any] = [expression, *wanted]
    conn = database.conn
    try:
        total = conn.execute(f"SELECT count(*) FROM search WHERE {where}", params).fetchone()[0]
        # A record whose id, name or alias is the whole query comes first ("Chang'e 5",
        # "嫦娥五号": the mission, not "Chang'e-5 T1", which BM25 may favour as shorter).
        sql = (
            f"SELECT kind, id, bm25(search, {HEAD_WEIGHT}, {BODY_WEIGHT}, {META_WEIGHT}) AS rank, "
            f"snippet(search, 1, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_WORDS}) "
            f"FROM search WHERE {where} "
            "ORDER BY id IN (SELECT name.id FROM name WHERE folded = ?) DESC, rank, id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = conn.execute(sql, [*params, fold(text)]).fetchall()
    except sqlite3.OperationalError as err:
        raise BadValueError(f"cannot search for {text!r}: {err}") from None
    hits = []
    for kind_name, ident, rank, cut in rows:
        snippet = " ".join(cut.split())
        found = database.get(ident)
        if found is None:
            continue
        kind, record = found
        hits.append(
            {
                "kind": kind_name,
                "id": ident,
                "date": record_date(kind.value, record),
                "title": record_title(kind.value, record),
                "snippet": snippet if marked else plain_snippet(snippet),
                "score": round(-rank, 3),
            }
        )
    return hits, int(total)


def _expression(database: Database, text: str) -> str:
    """The MATCH expression of a query; a Chinese name of a record (嫦娥四号) also finds the
    records that name it in English ("Chang'e-4"), which carry no Chinese alias."""
    expression = parse(text, lambda word: _known(database, word))
    if not text.isascii():
        ident = database.by_name(text.strip())
        found = database.get(ident) if ident is not None else None
        name = found and (found[1].get("name") or found[1].get("title"))
        if name:
            expression = f"({expression}) OR ({parse(name)})"
    return expression


def matching_ids(database: Database, text: str, kind: Kind) -> set[str]:
    """Ids of the records of `kind` that match `text` (for `quote --search`)."""
    ensure_index(database)
    expression = _expression(database, text)
    sql = "SELECT id FROM search WHERE search MATCH ? AND kind = ?"
    try:  # ids only: no ranking, no snippet, no record fetched per hit
        return {row[0] for row in database.conn.execute(sql, (expression, kind.value))}
    except sqlite3.OperationalError as err:
        raise BadValueError(f"cannot search for {text!r}: {err}") from None


def suggest(database: Database, text: str, n: int = 3) -> list[str]:
    """Words of the fact base close to the query's unknown words, for "did you mean"."""
    ensure_index(database)
    found: list[str] = []
    for word in words_of(text):
        if len(word) < 3 or word.isdigit() or _known(database, word):
            continue
        sql = (
            "SELECT word FROM word WHERE length(word) BETWEEN ? AND ? "
            "AND substr(word, 1, 1) = ? AND length(word) > 2"
        )
        candidates = [
            r[0] for r in database.conn.execute(sql, (len(word) - 2, len(word) + 2, word[0]))
        ]
        found.extend(close_matches(word, candidates, n))
    return list(dict.fromkeys(found))[:n]


def _known(database: Database, word: str) -> bool:
    return (
        database.conn.execute("SELECT 1 FROM word WHERE word = ?", (word,)).fetchone() is not None
    )


def plain_snippet(snippet: str) -> str:
    """A snippet without its match marks (JSON, CSV, plain tables)."""
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def marked_spans(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet's text without marks and the spans its marks enclosed (rich highlighting)."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start = 0
    length = 0
    for char in snippet:
        if char == MARK_START:
            start = length
        elif char == MARK_END:
            spans.append((start, length))
        else:
            out.append(char)
            length += 1
    return "".join(out), spans


def parse_kinds(value: str | None) -> list[Kind] | None:
    """`--kind` for search and random: one kind, or several separated by commas."""
    if value is None:
        return None
    from spacefacts.query import find_kind

    kinds = [find_kind(part.strip(), SEARCH_KINDS) for part in value.split(",") if part.strip()]
    if not kinds:
        raise BadValueError(f"--kind {value!r} names no kind: give milestone, statement or mission")
    return kinds
