"""Full-text search over milestones, statements and missions: an index built once, a linear scan.

`search_index` folds every searchable text of the fact base in one pass (so that it can be
cached); `search` then scans its entries once per query, folding only the query itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacefacts.errors import BadValueError
from spacefacts.model import FactBase, JsonRecord, PartialDate
from spacefacts.query import close_matches, find_kind, fold, statement_title

SEARCH_KINDS = ("milestone", "statement", "mission")

# Points per query word found in an entry's head (id, title, aliases) or only in its body;
# the whole query found as one phrase earns a bonus on top when it has several words.
HEAD, BODY = 10, 3
HEAD_PHRASE, BODY_PHRASE = 20, 6
EXACT = 5  # the query is exactly the id, title or an alias
SNIPPET = 120  # characters of context shown around the first match
_LAST = (10_000, 0, 0)  # sort key for records without a date: after every dated one


@dataclass(frozen=True, slots=True)
class Entry:
    """One searchable record: what is shown, and its folded texts ("\\n" between fields)."""

    kind: str
    id: str
    date: PartialDate | None
    title: str
    texts: tuple[str, ...]  # display texts a snippet may come from, best first
    head: str  # folded id, title and aliases
    body: str  # folded rest: summary, excerpt, achievements, tags ...
    names: frozenset[str]  # folded id, title and aliases, for exact matches


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """The searchable records and every folded word in them (for "did you mean")."""

    entries: tuple[Entry, ...]
    words: frozenset[str]


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


class _Builder:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.words: set[str] = set()

    def fold(self, text: str) -> str:
        words = fold_words(text)
        self.words.update(words)
        return "".join(words)

    def add(
        self,
        kind: str,
        ident: str,
        date: PartialDate | None,
        title: str,
        texts: Iterable[str],
        head: Iterable[str],
        body: Iterable[str],
    ) -> None:
        names = frozenset(self.fold(h) for h in head) - {""}
        self.entries.append(
            Entry(
                kind,
                ident,
                date,
                title,
                tuple(t for t in texts if t),
                "\n".join(names),
                "\n".join(self.fold(b) for b in body if b),
                names,
            )
        )


def search_index(factbase: FactBase) -> SearchIndex:
    """Every searchable record with its folded texts, built in one pass over the fact base."""
    programs = {p.id: p for p in factbase.programs}
    steps = {s.step: s for s in factbase.lunar_steps}
    builder = _Builder()
    _entry = builder.add
    for m in factbase.milestones:
        program = programs.get(m.program)
        program_names = (program.name, *program.aliases) if program else ()
        aliases = f"Also known as: {', '.join(m.aliases)}" if m.aliases else ""
        _entry(
            "milestone",
            m.id,
            m.date,
            m.title,
            (m.summary, m.title, aliases),
            (m.id, m.title, *m.aliases),
            (m.summary, m.program, *program_names, *m.tags),
        )
    for s in factbase.statements:
        _entry(
            "statement",
            s.id,
            s.date,
            statement_title(s),
            (s.excerpt or "", s.text, s.occasion),
            (s.id, s.text),
            (s.speaker, s.occasion, s.excerpt or "", *s.topics),
        )
    for mission in factbase.missions:
        step = steps.get(mission.step)
        aliases = f"Also known as: {', '.join(mission.aliases)}" if mission.aliases else ""
        _entry(
            "mission",
            mission.id,
            mission.launch_date,
            mission.name,
            ("; ".join(mission.achievements), aliases),
            (mission.id, mission.name, *mission.aliases),
            (*mission.achievements, step.name if step else "", "lunar mission"),
        )
    words = frozenset(w for w in builder.words if len(w) > 2)
    return SearchIndex(tuple(builder.entries), words)


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


def score(entry: Entry, phrase: str, keys: Sequence[str]) -> int:
    """How well `entry` matches; 0 when it does not match at all."""
    points = 0
    for word in keys:
        if word in entry.head:
            points += HEAD
        elif word in entry.body:
            points += BODY
    if keys != [phrase]:  # several words: the whole phrase counts on top
        if phrase in entry.head:
            points += HEAD_PHRASE
        elif phrase in entry.body:
            points += BODY_PHRASE
    if points and phrase in entry.names:
        points += EXACT
    return points


def search(
    index: SearchIndex, text: str, kinds: Sequence[str] | None = None, limit: int | None = None
) -> list[JsonRecord]:
    """Entries matching `text`, best first (score, then date, then id), as `hit` records."""
    phrase, words = terms(text)
    wanted = set(kinds) if kinds else None
    scored = []
    for entry in index.entries:
        if wanted is not None and entry.kind not in wanted:
            continue
        points = score(entry, phrase, words)
        if points:
            scored.append((points, entry))
    scored.sort(
        key=lambda pair: (-pair[0], pair[1].date.key if pair[1].date else _LAST, pair[1].id)
    )
    chosen = scored[:limit] if limit is not None else scored
    highlight = [phrase, *words]
    return [
        {
            "kind": entry.kind,
            "id": entry.id,
            "date": entry.date.iso() if entry.date else None,
            "title": entry.title,
            "snippet": snippet(entry.texts, highlight),
            "score": points,
        }
        for points, entry in chosen
    ]


def parse_kinds(value: str | None) -> list[str] | None:
    """`--kind` for search and random: one kind, or several separated by commas."""
    if value is None:
        return None
    return [find_kind(part, SEARCH_KINDS) for part in value.split(",") if part.strip()]


def suggest(index: SearchIndex, text: str, n: int = 3) -> list[str]:
    """Words of the fact base close to the query's words, for "did you mean" after no hits."""
    found: list[str] = []
    for word in fold_words(text):
        if word and word not in index.words:
            found.extend(close_matches(word, sorted(index.words), n))
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
