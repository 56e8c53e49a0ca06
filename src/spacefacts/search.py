"""Full-text search over milestones, statements and missions: an index built once, a linear scan.

`search_index` folds every searchable text of the fact base in one pass into plain columns
(which the cache stores); `search` scans them once per query, folding only the query itself,
and reads the records of the hits it returns only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from spacefacts.errors import BadValueError
from spacefacts.model import (
    FactBase,
    JsonRecord,
    Milestone,
    Mission,
    Program,
    Statement,
)
from spacefacts.query import close_matches, find_kind, fold, record_date, record_title

SEARCH_KINDS = ("milestone", "statement", "mission")

# Points per query word found in an entry's head (id, title, aliases) or only in its body;
# the whole query found as one phrase earns a bonus on top when it has several words.
HEAD, BODY = 10, 3
HEAD_PHRASE, BODY_PHRASE = 20, 6
EXACT = 5  # the query is exactly the id, title or an alias
SNIPPET = 120  # characters of context shown around the first match
_LAST = (10_000, 0, 0)  # sort key for records without a date: after every dated one


class SearchIndex(NamedTuple):
    """The folded texts of every searchable record, as plain columns (the cache stores them).

    Row i is the record at `positions[i]` of the fact base's milestones, statements or missions
    (`kinds[i]`); what a hit shows is taken from that record, for the hits shown only.
    """

    kinds: Sequence[str]  # "milestone", "statement" or "mission"
    positions: Sequence[int]  # the record's position among its kind's records
    order: Sequence[int]  # the record's rank by (date, id): how equal scores are ordered
    heads: Sequence[str]  # folded id, title and aliases, "\n" between them
    bodies: Sequence[str]  # folded rest: summary, excerpt, achievements, tags ...
    words: Sequence[str]  # every folded word of three or more characters, sorted
    statement_texts: Sequence[str]  # fold(text) of every statement, in file order


def fold_words(text: str) -> list[str]:
    """The folded words of `text`; joined, they are `fold(text)`."""
    folded = text.casefold()
    if not folded.isascii():
        import unicodedata

        folded = unicodedata.normalize("NFKD", folded)
    folded = folded.translate(_ASCII_PUNCTUATION)
    # Most words are now letters and digits only; filter characters only in the others.
    return [
        token if token.isalnum() else "".join(ch for ch in token if ch.isalnum())
        for token in folded.split()
    ]


# ASCII characters that are neither letters, digits nor whitespace: deleted in one C call.
_ASCII_PUNCTUATION = str.maketrans(
    "", "", "".join(c for c in map(chr, range(128)) if not c.isalnum() and not c.isspace())
)


def search_index(factbase: FactBase) -> SearchIndex:
    """Fold every searchable text of the fact base, in one pass."""
    programs = {p.id: p for p in factbase.programs}
    steps = {s.step: s.name for s in factbase.lunar_steps}
    kinds: list[str] = []
    positions: list[int] = []
    keys: list[tuple[tuple[int, int, int], str]] = []
    heads: list[str] = []
    bodies: list[str] = []
    words: set[str] = set()

    statement_texts: list[str] = []

    def fold_each(texts: Iterable[str]) -> list[str]:
        folded = []
        for text in texts:
            parts = fold_words(text) if text else []
            words.update(parts)
            folded.append("".join(parts))
        return folded

    def joined(folded: Iterable[str]) -> str:
        return "\n".join(dict.fromkeys(f for f in folded if f))

    for kind in SEARCH_KINDS:
        for position, record in enumerate(_records(factbase, kind)):
            head, body = _searched(kind, record, programs, steps)
            date = record_date(record)
            kinds.append(kind)
            positions.append(position)
            keys.append((date.key if date else _LAST, record.id))
            folded_head = fold_each(head)
            if kind == "statement":  # its head is (id, text): keep fold(text) for quote --search
                statement_texts.append(folded_head[1])
            heads.append(joined(folded_head))
            bodies.append(joined(fold_each(body)))
    order = [0] * len(keys)
    for rank, row in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
        order[row] = rank
    vocabulary = sorted(w for w in words if len(w) > 2)
    return SearchIndex(kinds, positions, order, heads, bodies, vocabulary, statement_texts)


def _records(factbase: FactBase, kind: str) -> Sequence[Any]:
    return {"milestone": factbase.milestones, "statement": factbase.statements}.get(
        kind, factbase.missions
    )


def _searched(
    kind: str, record: Any, programs: dict[str, Program], steps: dict[int, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The texts of a record that are searched: its head (id, title, aliases) and its body."""
    if kind == "milestone":
        m: Milestone = record
        program = programs.get(m.program)
        program_names = (program.name, *program.aliases) if program else ()
        return (m.id, m.title, *m.aliases), (m.summary, m.program, *program_names, *m.tags)
    if kind == "statement":
        s: Statement = record
        return (s.id, s.text), (s.speaker, s.occasion, s.excerpt or "", *s.topics)
    mission: Mission = record
    step = steps.get(mission.step, "")
    return (mission.id, mission.name, *mission.aliases), (
        *mission.achievements,
        step,
        "lunar mission",
    )


def _snippet_texts(kind: str, record: Any) -> tuple[str, ...]:
    """The texts of a record a hit's snippet is cut from, best first."""
    if kind == "milestone":
        m: Milestone = record
        aliases = f"Also known as: {', '.join(m.aliases)}" if m.aliases else ""
        return (m.summary, m.title, aliases)
    if kind == "statement":
        s: Statement = record
        return (s.excerpt or "", s.text, s.occasion)
    mission: Mission = record
    aliases = f"Also known as: {', '.join(mission.aliases)}" if mission.aliases else ""
    return ("; ".join(mission.achievements), aliases)


def terms(text: str) -> tuple[str, list[str]]:
    """The folded phrase of a query and its key words; raise if nothing is left to find.

    Short ASCII words ("5", "on", "of") are left out of the key words, since they occur
    inside almost every text; they still count as part of the phrase ("change 5").
    A query made only of short words keeps them all ("xi").
    """
    phrase = fold(text)
    if not phrase:
        raise BadValueError(f"nothing to search for in {text!r}: give a word or a name")
    words = list(dict.fromkeys(w for w in fold_words(text) if w))
    keys = [w for w in words if len(w) > 2 or not w.isascii()]
    return phrase, keys or words


def score(head: str, body: str, phrase: str, keys: Sequence[str]) -> int:
    """How well a record with these folded texts matches; 0 when it does not match at all."""
    points = 0
    for word in keys:
        if word in head:
            points += HEAD
        elif word in body:
            points += BODY
    if keys != [phrase]:  # several words: the whole phrase counts on top
        if phrase in head:
            points += HEAD_PHRASE
        elif phrase in body:
            points += BODY_PHRASE
    if points and phrase in head.split("\n"):
        points += EXACT
    return points


def search(
    factbase: FactBase,
    index: SearchIndex,
    text: str,
    kinds: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[JsonRecord]:
    """Records matching `text`, best first (score, then date, then id), as `hit` records."""
    phrase, words = terms(text)
    wanted = set(kinds) if kinds else None
    scored = []
    row_kinds, order = index.kinds, index.order
    for row, (head, body) in enumerate(zip(index.heads, index.bodies, strict=True)):
        if wanted is not None and row_kinds[row] not in wanted:
            continue
        points = score(head, body, phrase, words)
        if points:
            scored.append((-points, order[row], row))
    scored.sort()
    chosen = scored[:limit] if limit is not None else scored
    highlight = [phrase, *words]
    hits = []
    for negative, _, row in chosen:
        kind = row_kinds[row]
        record = _records(factbase, kind)[index.positions[row]]
        date = record_date(record)
        texts = _snippet_texts(kind, record)
        hits.append(
            {
                "kind": kind,
                "id": record.id,
                "date": date.iso() if date else None,
                "title": record_title(record),
                "snippet": snippet([t for t in texts if t], highlight),
                "score": -negative,
            }
        )
    return hits


def parse_kinds(value: str | None) -> list[str] | None:
    """`--kind` for search and random: one kind, or several separated by commas."""
    if value is None:
        return None
    return [find_kind(part, SEARCH_KINDS) for part in value.split(",") if part.strip()]


def suggest(index: SearchIndex, text: str, n: int = 3) -> list[str]:
    """Words of the fact base close to the query's words, for "did you mean" after no hits."""
    found: list[str] = []
    known = set(index.words)
    for word in fold_words(text):
        if word and word not in known:
            found.extend(close_matches(word, index.words, n))
    return list(dict.fromkeys(found))[:n]


# --- matched spans and snippets ------------------------------------------------------------


def fold_positions(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each folded character, the index of the character it came from."""
    import unicodedata

    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch.casefold()):
            if part.isalnum():
                chars.append(part)
                where.append(i)
    return "".join(chars), where


def spans(text: str, highlight: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) ranges of `text` where a folded term of `highlight` occurs, merged."""
    folded, where = fold_positions(text)
    found: list[tuple[int, int]] = []
    for term in highlight:
        if not term:
            continue
        start = folded.find(term)
        while start != -1:
            found.append((where[start], where[start + len(term) - 1] + 1))
            start = folded.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(texts: Sequence[str], highlight: Sequence[str], width: int = SNIPPET) -> str:
    """A window of about `width` characters of the first text where a term matches."""
    chosen, first = (texts[0] if texts else ""), 0
    for text in texts:
        found = spans(text, highlight)
        if found:
            chosen, first = text, found[0][0]
            break
    text = " ".join(chosen.split()) if "\n" in chosen else chosen
    if len(text) <= width:
        return text
    start = max(0, min(first - width // 3, len(text) - width))
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = start + width
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    head = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    return head + text[start:end].strip() + tail
