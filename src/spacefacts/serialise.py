"""Records as JSON, JSON Lines, CSV or Markdown; and the output choice (Format, Style, Output).

Text from a fact file is data: every text format shows control characters as visible escapes
(text.visible); CSV cells that a spreadsheet would run as a formula are neutralised
(text.csv_safe); Markdown cells escape Markdown and HTML syntax, so a title can never become a
link or a remote image. json and csv are imported inside the function that needs them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import IO, Any, NamedTuple

from spacefacts.model import JsonRecord
from spacefacts.text import csv_safe, plain_cell, visible


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


def _env_off(name: str) -> bool:
    return os.environ.get(name, None) == "0"


class Style(NamedTuple):
    """How a table looks: drawn with rich on a terminal, plain text otherwise."""

    fancy: bool  # rich table with box drawing (a terminal, or FORCE_COLOR)
    color: bool  # colour and bold in the rich table
    width: int | None = None  # columns; None: the terminal's (or $COLUMNS)

    @classmethod
    def detect(cls, stream: IO[str], no_color: bool = False) -> Style:
        """From the stream and the environment: NO_COLOR, FORCE_COLOR, CLICOLOR, TERM=dumb."""
        env = os.environ
        forced = bool(env.get("FORCE_COLOR")) and not _env_off("FORCE_COLOR")
        forced = forced or (bool(env.get("CLICOLOR_FORCE")) and not _env_off("CLICOLOR_FORCE"))
        dumb = env.get("TERM") == "dumb"
        fancy = forced or (_isatty(stream) and not dumb)
        off = no_color or bool(env.get("NO_COLOR")) or _env_off("FORCE_COLOR")
        off = off or _env_off("CLICOLOR") or dumb
        return cls(fancy=fancy, color=fancy and not off)


def shows(sample: str) -> bool:
    """Whether stdout's encoding can write `sample` (not so with PYTHONIOENCODING=ascii)."""
    import sys

    try:
        sample.encode(sys.stdout.encoding or "utf-8")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Output(NamedTuple):
    """How a command prints: chosen once from the options, passed to every writer."""

    format: Format = Format.table
    fields: list[str] | None = None
    style: Style = Style(False, False)
    header: bool = True
    ascii_json: bool = False  # the output encoding cannot show every character
    lang: str = "en"  # zh: terminal views show Chinese names where a record has one

    @property
    def serialised(self) -> bool:
        return self.format is not Format.table


# --- table columns -------------------------------------------------------------------------


# Per kind: (field, header). Plain tables show them all, one record per line; the rich tables
# compose some of them (see _FANCY) so the text that carries the content gets the room.
def serialise(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    """Records in one of the serialised formats, keeping the fields `names`."""
    return _WRITERS[out.format](found, names, out)


# --- cells ---------------------------------------------------------------------------------


def cell(value: Any) -> str:
    """One value as table or CSV text: lists joined by "; ", booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # a brief record: its id, as `show` takes it
        return str(value.get("id") or value.get("name") or "")
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    return str(value)


def _write_json(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    """A JSON array: indented at a terminal; piped, one record per line, which json's C
    encoder writes (an indented dump uses the pure-Python one: about 5 ms of the shipped
    timeline's start-up budget)."""
    import json

    if out.style.fancy:
        return _json_safe(json.dumps(found, ensure_ascii=out.ascii_json, indent=2)) + "\n"
    if not found:
        return "[]\n"
    rows = ",\n".join("  " + json.dumps(r, ensure_ascii=out.ascii_json) for r in found)
    return _json_safe(f"[\n{rows}\n]") + "\n"


def _write_jsonl(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    import json

    return "".join(_json_safe(json.dumps(r, ensure_ascii=out.ascii_json)) + "\n" for r in found)


def _json_safe(text: str) -> str:
    """JSON with DEL, the C1 controls and the characters that reorder text or end a line
    (bidi marks and overrides, U+2028, U+2029) as \\u escapes: json.dumps(ensure_ascii=False)
    writes them raw, and a terminal acts on C1 CSI (U+009B). Still JSON; it parses back to the
    same values. Outside strings JSON has only ASCII punctuation, so only strings change."""
    if text.isascii() and "\x7f" not in text:
        return text
    import re

    unsafe = "[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
    return re.sub(unsafe, lambda m: f"\\u{ord(m.group()):04x}", text)


def _csv_value(value: Any) -> str:
    return csv_safe(visible(cell(value), newlines=True))


def _write_csv(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    """CSV, a header row first (unless --no-header). Each cell is text.visible'd (control
    characters as escapes) and then text.csv_safe'd: a cell that begins with "=", "+", "-",
    "@", a tab or a carriage return gets a leading single quote ("=1+1" -> "'=1+1", "-2" ->
    "'-2"), as OWASP recommends against formula injection when the file opens in a
    spreadsheet. The csv module does the quoting."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if out.header:
        writer.writerow(names)
    for record in found:
        writer.writerow([_csv_value(record[name]) for name in names])
    return buffer.getvalue()


# What starts an inline construct in a table cell (a cell holds inline content only: "#", "-",
# "+" or "1." at its start make no heading or list): code, emphasis, links and images, strike,
# the cell separator, and the escape itself. "<" and "&" are entities below.
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]!|~"})
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def markdown_cell(text: str) -> str:
    """A Markdown table cell: one line, Markdown syntax escaped (each ASCII punctuation mark
    that could start a link, an image, emphasis or code is backslash-escaped, so
    `![x](http://...)` is text, never a remote image) and HTML characters as entities."""
    return plain_cell(text).translate(_MARKDOWN).translate(_HTML)


def _write_markdown(found: list[JsonRecord], names: Sequence[str], out: Output) -> str:
    lines = []
    if out.header:
        lines += ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for record in found:
        lines.append("| " + " | ".join(markdown_cell(cell(record[n])) for n in names) + " |")
    return "\n".join(lines) + "\n"


_WRITERS: dict[Format, Callable[[list[JsonRecord], Sequence[str], Output], str]] = {
    Format.json: _write_json,
    Format.jsonl: _write_jsonl,
    Format.csv: _write_csv,
    Format.markdown: _write_markdown,
}


# --- one record in full --------------------------------------------------------------------


def citation(source: JsonRecord, with_url: bool = True) -> str:
    """A source as one line: author, “title”, publisher (the wire it credits), date, url."""
    publisher = source.get("publisher_name") or source.get("publisher")
    credit = source.get("credit_name") or source.get("credit")
    if credit and credit != publisher:
        publisher = f"{publisher} ({credit})"
    parts = [source.get("author"), f"“{source['title']}”", publisher]
    parts += [source.get("published"), source.get("url") if with_url else None]
    return ", ".join(str(p) for p in parts if p)
