"""Full-text search with SQLite FTS5: word boundaries, stemming, BM25, phrases, OR, NOT,
prefixes, synonyms, Chinese names in part, years.

Two FTS5 tables in the compiled database (db.py), built on the first search so that runs that
never search do not pay for them:
- `search`, one row per milestone, statement and mission, tokenizer `porter unicode61
  remove_diacritics 2` (English stemming, case and accents ignored):
  - `head`: its id (hyphens as spaces), title or name, aliases and Chinese name, the kind's
    name, and the folded compact forms of its names ("change5"); weighted HEAD_WEIGHT;
  - `body`: summary, text, achievements, crew: what snippets are cut from;
  - `meta`: speaker, occasion, tags, type, the program's names, and the record's date (so
    "2019" finds what happened in 2019); weighted META_WEIGHT;
  - `kind`, `id`, `program`, `date`: not indexed, for filters.
- `search_zh`, tokenizer `trigram`: the Chinese text of each record, so that part of a
  Chinese name finds it (嫦娥六 finds 嫦娥六号). A Chinese word of a query becomes the ids of
  the records it finds there, searched in `search` by their ids' words: 嫦娥四号 finds the
  mission and the records that name Chang'e-4 in English.

Query syntax (`parse`): words must all match (AND); `OR` between words; `-word` or `NOT word`
leaves out what has the word; "a phrase"; the last word matches as a prefix ("land" finds
landing) unless it is a whole word of the index; a number sticks to the word before it
("Chang'e 4" is Chang'e-4, never Chang'e-5); common synonyms (moon and lunar, station and
Tiangong...) count as the word. A record whose id or name is the whole query comes first, then
BM25. When no record has every word, the records with most of them are shown, and `partial`
says so. Queries are bounded (MAX_QUERY_CHARS, MAX_TERMS): search time stays linear.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacefacts.db import Database, date_where
from spacefacts.errors import BadValueError
from spacefacts.model import (
    MAX_SEARCHED,
    SCHEMA,
    SEARCHED,
    JsonRecord,
    Kind,
    record_date,
    record_title,
)
from spacefacts.text import MARK_END, MARK_START, close_matches, fold, plain_snippet

HEAD_WEIGHT, BODY_WEIGHT, META_WEIGHT = 8.0, 1.0, 2.0
SNIPPET_WORDS = 24
MAX_QUERY_CHARS = 500
MAX_TERMS = 24
MAX_EXPANSION = 24  # ids a Chinese word may stand for
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")

# Words a reader uses for the same thing: each counts as any of its group. Whole words only.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("moon", "lunar"),
    ("station", "tiangong"),
    ("base", '"research station"'),
    ("spacewalk", "extravehicular"),
    ("astronaut", "taikonaut"),
    ("rover", "yutu", "zhurong"),
)
# Chinese words a reader types for a program: each also finds the English name.
CHINESE: dict[str, str] = {
    "天宫": "tiangong",
    "嫦娥": '"chang e"',
    "天问": "tianwen",
    "神舟": "shenzhou",
    "月球": "moon",
    "空间站": "tiangong",
    "火星": "mars",
    "探月": "lunar",
}


# --- the index -----------------------------------------------------------------------------


def ensure_index(database: Database) -> None:
    """Build the search index if this database has none yet (once per compiled fact base)."""
    database.extend("search", lambda conn, schema: _build(conn, database, schema))


def _build(conn: sqlite3.Connection, database: Database, schema: str) -> None:
    conn.execute(
        f"CREATE VIRTUAL TABLE {schema}.search USING fts5("
        "head, body, meta, kind UNINDEXED, id UNINDEXED, program UNINDEXED, date UNINDEXED, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    conn.execute(
        f"CREATE VIRTUAL TABLE {schema}.search_zh USING fts5("
        "text, id UNINDEXED, tokenize = 'trigram')"
    )
    conn.execute(f"CREATE TABLE {schema}.word (word TEXT PRIMARY KEY) WITHOUT ROWID")
    seen: set[str] = set()  # each distinct token, folded once at the end (not per record)
    rows, chinese = [], []
    programs = {p["id"]: p for p in database.select(Kind.program)}
    for kind in SEARCHED:
        for record in database.select(kind):
            names, compact, body, meta = _texts(kind, record, programs)
            date = record_date(kind, record)
            rows.append(
                (f"{names} {kind.value} {compact}", body, meta, kind.value, record["id"],
                 record.get("program"), date)
            )  # fmt: skip
            seen.update(f"{names} {body} {meta}".casefold().split())
            zh = " ".join(_CJK.findall(f"{names} {body}"))  # its own names, not its program's
            if zh:
                chinese.append((zh, record["id"]))
    conn.executemany(f"INSERT INTO {schema}.search VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany(f"INSERT INTO {schema}.search_zh VALUES (?, ?)", chinese)
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
    spec = SCHEMA[kind]
    names = [record["id"]]
    for label in (spec.title, *spec.names):
        value = record.get(label)
        names += value if isinstance(value, list) else [value] if value else []
    if kind is Kind.statement:
        names = [record["id"]]  # its text is the body
    names = [n for n in dict.fromkeys(names) if n]
    names += [_no_apostrophe(n) for n in names if "'" in n or "’" in n]
    compact = " ".join(dict.fromkeys(fold(n) for n in names))
    program = programs.get(record.get("program") or "", {})
    meta = [program.get("id", ""), program.get("name", ""), program.get("name_zh") or ""]
    meta += program.get("aliases", [])
    date = record_date(kind, record)
    if date:
        meta.append(date)
    if kind is Kind.statement:  # the excerpt repeats the text: searched, not a snippet
        body = [record["text"]]
        speaker = [record["speaker"], record.get("speaker_name") or ""]
        meta += [*speaker, record.get("occasion_name") or "", record.get("excerpt") or ""]
    elif kind is Kind.milestone:
        body = [record["summary"]]
        meta += record["tags"]
    else:
        body = [*record["achievements"], *record["crew"]]
        meta.append(record.get("type") or "")
    head = " ".join(n.replace("-", " ") for n in names)
    body_text, meta_text = "; ".join(p for p in body if p), " ".join(p for p in meta if p)
    n = MAX_SEARCHED
    return head[:n], compact[:n], body_text[:n], meta_text[:n]


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


@dataclass
class _Term:
    words: list[str]
    phrase: bool = False  # quoted by the user
    last: bool = False  # the query's last token: may be a prefix
    negated: bool = False
    chinese: str = ""  # a Chinese word: found in search_zh

    def fts(self, known: Callable[[str], bool], expand: Callable[[str], str]) -> str:
        """The term as an FTS5 expression; a word left out (negated) is taken as it is."""
        if self.chinese:
            return expand(self.chinese)
        text = '"' + " ".join(self.words) + '"'
        if self.phrase or self.negated:
            return text
        word = self.words[-1]
        cut = self.last and len(self.words) == 1 and not word.isdigit() and len(word) > 1
        if cut and not known(word):
            text += "*"  # a prefix, and still its synonyms: "lunar base" finds "research station"
        if len(self.words) == 1:
            alternatives = [a for group in SYNONYMS if word in group for a in group if a != word]
            if alternatives:
                synonyms = " OR ".join(a if a.startswith('"') else f'"{a}"' for a in alternatives)
                return f"({text} OR {synonyms})"
        return text


@dataclass
class Query:
    """A user's query, parsed: OR-groups of terms that must all match (and some that must not)."""

    groups: list[list[_Term]] = field(default_factory=list)

    @property
    def terms(self) -> list[_Term]:
        return [t for g in self.groups for t in g]

    def expression(
        self, known: Callable[[str], bool], expand: Callable[[str], str], any_word: bool = False
    ) -> str:
        """FTS5 MATCH text; with `any_word`, records having any of the words (most first)."""
        parts = []
        for group in self.groups:
            wanted = [t.fts(known, expand) for t in group if not t.negated]
            unwanted = [t.fts(known, expand) for t in group if t.negated]
            joined = f" {'OR' if any_word else 'AND'} ".join(wanted)
            if unwanted:
                joined = f"({joined}) NOT ({' OR '.join(unwanted)})"
            parts.append(f"({joined})")
        return " OR ".join(parts)


def parse(text: str) -> Query:
    """A user's query as terms; raise BadValueError if nothing is left or it is too long."""
    import unicodedata

    if len(text) > MAX_QUERY_CHARS:
        raise BadValueError(
            f"the search is {len(text)} characters long: give at most {MAX_QUERY_CHARS}"
        )
    given, text = text, unicodedata.normalize("NFKC", text)  # fullwidth letters are letters
    tokens = re.findall(r'"[^"]*"?|\S+', text)
    query = Query()
    group: list[_Term] = []
    negate = False
    for n, token in enumerate(tokens):
        if token == "OR":
            if group:
                query.groups.append(group)
                group = []
            continue
        if token == "NOT":
            negate = True
            continue
        minus = token.startswith("-") and len(token) > 1 and not token[1:2].isdigit()
        quoted = token.lstrip("-").startswith('"')
        body = token.lstrip("-").strip('"')
        found: list[_Term] = []
        for piece in re.split(f"({_CJK.pattern})", body):
            if _CJK.fullmatch(piece):
                found.append(_Term([], chinese=piece))
            elif words := _WORD.findall(piece.casefold()):
                found.append(_Term(words, phrase=quoted))
        if not found:
            continue
        for term in found:
            term.negated = negate or minus
        last = found[-1]
        previous = group[-1] if group else None
        # a short number names a craft with the word before it ("Chang'e 4", "Long March 5");
        # a year is a word of its own ("moon landing 2030")
        sticks = (
            len(found) == 1 and not quoted and not last.chinese and len(last.words) == 1
            and last.words[0].isdigit() and len(last.words[0]) < 4
            and previous is not None and not previous.phrase and not previous.chinese
            and not previous.negated and not last.negated
        )  # fmt: skip
        if sticks and previous is not None:
            previous.words += last.words  # "Chang'e 4": one phrase
        else:
            group += found
        negate = False
        last.last = n == len(tokens) - 1 and not quoted
    if group:
        query.groups.append(group)
    query.groups = [g for g in query.groups if any(not t.negated for t in g)]
    if not query.groups:
        raise BadValueError(f"nothing to search for in {given!r}: give a word or a name")
    if len(query.terms) > MAX_TERMS:
        raise BadValueError(f"the search has {len(query.terms)} words: give at most {MAX_TERMS}")
    return query


# Of the records a Chinese word names, the mission before its milestones (look-up ranks).
_KIND_RANK = (
    "CASE kind "
    + " ".join(f"WHEN '{k.value}' THEN {SCHEMA[k].name_rank}" for k in SEARCHED)
    + " END"
)


@dataclass
class Result:
    hits: list[JsonRecord]
    total: int
    partial: bool = False  # no record had every word: these have some of them


def search(
    database: Database,
    text: str,
    kinds: Sequence[Kind] = (),
    programs: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    marked: bool = False,
) -> Result:
    """Records matching `text`, best first, as `hit` records; and how many matched in all.

    With `marked`, matched words in snippets are enclosed in MARK_START and MARK_END (for a
    terminal to highlight them; every other output removes them).
    """
    ensure_index(database)
    query = parse(text)
    database.ensure_lookups()  # an exact name ranks first (below)
    known, expand = _known_words(database), _Expander(database)
    expression = query.expression(known, expand)
    first = expand.direct  # what a Chinese word names itself ranks before what names it
    result = _run(database, expression, text, kinds, programs, since, until, limit, marked, first)
    several = len([t for t in query.terms if not t.negated]) > 1
    if result.total == 0 and several:
        any_word = query.expression(known, expand, any_word=True)
        result = _run(database, any_word, text, kinds, programs, since, until, limit, marked, first)
        result.partial = result.total > 0
    return result


def _run(
    database: Database,
    expression: str,
    text: str,
    kinds: Sequence[Kind],
    programs: Sequence[str],
    since: str | None,
    until: str | None,
    limit: int | None,
    marked: bool,
    first: set[str],
) -> Result:
    wanted = [k.value for k in (kinds or SEARCHED)]
    where = f"search MATCH ? AND kind IN ({', '.join('?' * len(wanted))})"
    params: list[Any] = [expression, *wanted]
    if programs:
        where += f" AND program IN ({', '.join('?' * len(programs))})"
        params += list(programs)
    dates, more = date_where("date", since, until)
    for condition in dates:
        where += f" AND {condition}"
    params += more
    conn = database.conn
    try:
        total = conn.execute(f"SELECT count(*) FROM search WHERE {where}", params).fetchone()[0]
        # A record whose id or name is the whole query comes first ("Chang'e 5", "嫦娥五号":
        # the mission, not "Chang'e-5 T1", which BM25 may favour as shorter); of several, the
        # kind that ranks first in look-ups (a mission before a milestone of the same name).
        sql = (
            f"SELECT kind, id, bm25(search, {HEAD_WEIGHT}, {BODY_WEIGHT}, {META_WEIGHT}) AS rank, "
            f"snippet(search, 1, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_WORDS}) "
            f"FROM search WHERE {where} "
            "ORDER BY coalesce((SELECT min(name.rank) FROM name "
            "WHERE name.folded = ? AND name.id = search.id), 99), "
            f"id IN ({', '.join('?' * len(first))}) DESC, "
            f"CASE WHEN id IN ({', '.join('?' * len(first))}) THEN {_KIND_RANK} END, rank, id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = conn.execute(sql, [*params, fold(text), *sorted(first), *sorted(first)]).fetchall()
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
                "date": record_date(kind, record),
                "title": record_title(kind, record),
                "snippet": snippet if marked else plain_snippet(snippet),
                "score": round(-rank, 3),
            }
        )
    return Result(hits, int(total))


class _Expander:
    """A Chinese word as FTS5: the ids' words of the records whose Chinese text holds it (any
    part of a name: trigram index, or a scan for one or two characters), and the English word
    of a program's Chinese name. `direct` keeps the ids found, which rank first."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.conn = database.conn
        self.direct: set[str] = set()

    def __call__(self, word: str) -> str:
        if len(word) >= 3:
            sql = "SELECT id FROM search_zh WHERE search_zh MATCH ? ORDER BY rowid LIMIT ?"
            rows = self.conn.execute(sql, (f'"{word}"', MAX_EXPANSION)).fetchall()
        else:
            sql = "SELECT id FROM search_zh WHERE instr(text, ?) ORDER BY rowid LIMIT ?"
            rows = self.conn.execute(sql, (word, MAX_EXPANSION)).fetchall()
        self.direct.update(row[0] for row in rows)
        alternatives = []
        for (ident,) in rows:
            alternatives.append('"' + " ".join(words_of(ident)) + '"')
            found = self.database.get(ident)
            name = found[1].get("name") if found else None  # a mission's or program's name
            if isinstance(name, str) and words_of(name):
                alternatives.append('"' + " ".join(words_of(name)) + '"')
        if word in CHINESE:  # the Chinese name of a program, as readers type it
            alternatives.append(CHINESE[word])
        if not alternatives:
            return '"' + word + '"'  # finds nothing, as a word nothing has
        return "(" + " OR ".join(dict.fromkeys(alternatives)) + ")"


def matching_ids(database: Database, text: str, kind: Kind) -> set[str]:
    """Ids of the records of `kind` that match `text` (for `quote --search`)."""
    ensure_index(database)
    expression = parse(text).expression(_known_words(database), _Expander(database))
    sql = "SELECT id FROM search WHERE search MATCH ? AND kind = ?"
    try:  # ids only: no ranking, no snippet, no record fetched per hit
        return {row[0] for row in database.conn.execute(sql, (expression, kind.value))}
    except sqlite3.OperationalError as err:
        raise BadValueError(f"cannot search for {text!r}: {err}") from None


def suggest(database: Database, text: str, n: int = 3) -> list[str]:
    """Words of the fact base close to the query's unknown words, for "did you mean"."""
    ensure_index(database)
    known = _known_words(database)
    found: list[str] = []
    for word in words_of(text)[:MAX_TERMS]:
        if len(word) < 3 or word.isdigit() or known(word):
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


def _known_words(database: Database) -> Callable[[str], bool]:
    def known(word: str) -> bool:
        sql = "SELECT 1 FROM word WHERE word = ?"
        return database.conn.execute(sql, (word,)).fetchone() is not None

    return known
