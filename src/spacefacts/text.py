"""Text helpers: folding for matching, slugs, did-you-mean, display width and safe display.

No imports from the rest of spacefacts, and none of re, unicodedata or difflib at import time:
most runs print plain ASCII and never need them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re

# Every ASCII character that is not a letter or a digit, to delete.
_ASCII_NOT_ALNUM = dict.fromkeys(i for i in range(128) if not chr(i).isalnum())

# ASCII characters that are neither letters, digits nor whitespace: deleted in one C call.
_ASCII_PUNCTUATION = str.maketrans(
    "", "", "".join(c for c in map(chr, range(128)) if not c.isalnum() and not c.isspace())
)


def fold(text: str) -> str:
    """Fold text for matching: case, accents, apostrophes, hyphens and spaces do not count.

    "Chang’e-5", "Chang'e 5", "change5" and "CHANGE 5" all fold to "change5".
    """
    if text.isascii():  # NFKD changes no ASCII text, and casefold() is lower() there
        return text.lower().translate(_ASCII_NOT_ALNUM)  # one C call: 2.5x re.sub
    import re
    import unicodedata

    # [\W_] is exactly "not str.isalnum()" for every code point (checked in test_text).
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKD", text.casefold()))


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


def slug(text: str, length: int = 48) -> str:
    """A kebab-case id from text: "Chang'e-6 lands!" -> "chang-e-6-lands" (at most `length`)."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    made = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text):
        if made and len(made) + 1 + len(word) > length:
            break
        made = f"{made}-{word}" if made else word[:length]
    return made


def close_matches(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known values closest to `value`, best first (for "did you mean ...")."""
    import difflib

    return difflib.get_close_matches(value.casefold(), list(known), n=n, cutoff=0.7)


def did_you_mean(close: Iterable[str]) -> str:
    """The one wording of a suggestion: "did you mean 'a' or 'b'?" ("" when there is none)."""
    shown = " or ".join(repr(c) for c in close)
    return f"did you mean {shown}?" if shown else ""


# --- display width -------------------------------------------------------------------------
# One measure of terminal cells for every view, Rich's: the tables Rich draws and the plain
# tables, cards and chart drawn here agree on every character (grapheme clusters such as ZWJ
# emoji sequences count as one, East Asian wide characters as two). rich.cells is imported only
# for text that is not plain ASCII.


def width(text: str) -> int:
    """The number of terminal cells `text` takes ("嫦娥四号" takes 8)."""
    if text.isascii() and text.isprintable():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def cut(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` cells, never splitting a character."""
    if text.isascii() and text.isprintable():
        return text[: max(cells, 0)]
    if cells <= 0:
        return ""
    from rich.cells import chop_cells  # by grapheme: a wide character is never half kept

    lines = chop_cells(text, cells)
    return lines[0] if lines and text.startswith(lines[0]) else ""


def pad(text: str, cells: int) -> str:
    """`text` followed by spaces up to `cells` terminal cells (str.ljust by display width)."""
    missing = cells - width(text)
    return text + " " * missing if missing > 0 else text


def shorten(text: str, cells: int = 90) -> str:
    """`text` cut, at a word boundary if one is near, to at most `cells` cells, ending in "…"."""
    if len(text) * 2 <= cells or width(text) <= cells:  # no character takes over 2 cells
        return text
    if cells <= 0:
        return ""
    end = len(cut(text, cells - 1))  # one cell for the "…"
    space = text.rfind(" ", 0, end + 1)  # (end + 1: the cut may fall just before a space)
    if space > 0 and width(text[:space]) > cells // 2:  # a word boundary past half way
        end = space
    return text[:end].rstrip(" ,;:") + "…"


# --- safe display --------------------------------------------------------------------------

# Format characters (Cf) that stay: they neither hide nor reorder text, and scripts need them.
# U+00AD SOFT HYPHEN, U+200C ZERO WIDTH NON-JOINER (Persian, Indic), U+200D ZERO WIDTH JOINER
# (emoji sequences). Tag characters stay only inside a flag sequence such as 🏴 + tags (the
# flag of Scotland); elsewhere they can carry hidden ASCII text.
_FLAG_SEQUENCE = "\U0001f3f4[\U000e0020-\U000e007e]{1,32}\U000e007f"

# Unicode 14 (Python 3.11) through 15.1; test_text checks it against unicodedata in full.
_UNSAFE = (
    "\x00-\x1f\x7f-\x9f"  # Cc: C0 controls, DEL, C1 controls
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"  # Cf (U+061C: bidi mark)
    "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"  # Cf: bidi and invisible
    "\u2028\u2029"  # Zl, Zp: line and paragraph separators
    "\ud800-\udfff"  # Cs: lone surrogates (undecodable bytes); printing them raises
    "\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\r\n": "\\r\\n"}

_pattern: re.Pattern[str] | None = None


def _unsafe_pattern() -> re.Pattern[str]:
    """Compiled on first use: plain printable text (the common case) never needs it."""
    global _pattern
    if _pattern is None:
        import re

        _pattern = re.compile(f"({_FLAG_SEQUENCE})|\r\n|[{_UNSAFE}]")
    return _pattern


def _escape(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str, newlines: bool = False) -> str:
    """Text from a fact file made harmless in a terminal, CSV or Markdown.

    Control characters (C0, DEL, C1), lone surrogates, line/paragraph separators and the format
    characters that reorder or hide text (bidi embeddings, overrides and isolates, zero-width
    space, BOM, invisible operators, tags) become visible escapes: ESC -> "\\x1b", U+202E ->
    "\\u202e", CR -> "\\r". A tab becomes a space. "\\n" stays when `newlines` is true (and
    "\\r\\n" becomes "\\n"); otherwise it becomes "\\n" escaped. Letters of any script, emoji,
    ZWJ sequences and variation selectors are kept as they are.
    """
    if text.isprintable():  # the common case, in one C call: nothing to escape
        return text
    if newlines and all(line.isprintable() for line in text.split("\n")):
        return text  # several lines, each plain

    def replace(match: re.Match[str]) -> str:
        kept = match.group(1)
        if kept:
            return kept
        found = match.group()
        if found == "\t":
            return " "
        if newlines and found in ("\n", "\r\n"):
            return "\n"
        return _escape(found)

    return _unsafe_pattern().sub(replace, text)


def plain_cell(text: str) -> str:
    """`text` on one line for a table cell: visible(), whitespace runs as one space, stripped."""
    return " ".join(visible(text, newlines=True).split())


def csv_safe(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP "CSV Injection").

    A cell whose first character is "=", "+", "-", "@", a tab or a carriage return is prefixed
    with a single quote, as OWASP recommends: "=1+1" -> "'=1+1". Numbers such as "-2" become
    text too; that is the price of the rule. Apply it to the cell after visible(), and let the
    csv module do the quoting.
    """
    if text and (text[0] in "=+-@\t\r" or text.lstrip(" \t\r\n")[:1] in tuple("=+-@")):
        return "'" + text
    return text


# --- search snippets -----------------------------------------------------------------------

MARK_START, MARK_END = "\ue000", "\ue001"  # private-use marks around matched words in snippets


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
