"""Text helpers: folding, slugs, did-you-mean, display width, and text made safe to show."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spacefacts import text


@pytest.mark.parametrize("value", ["Chang'e-5", "Chang’e 5", "change5", "change 5", "CHANGÉ-5"])
def test_fold_forgives_punctuation_case_and_accents(value: str) -> None:
    assert text.fold(value) == "change5"


def test_fold_drops_exactly_what_is_not_alphanumeric() -> None:
    import re

    pattern = re.compile(r"[\W_]")
    differ = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF
        and chr(code).isalnum() == bool(pattern.fullmatch(chr(code)))
    ]
    assert differ == []
    assert text.fold("嫦娥五号 \u2164") == "嫦娥五号v"  # NFKD: U+2164 ROMAN NUMERAL FIVE is "V"


@pytest.mark.parametrize("value", ["Chang’e-5 lands", "  CHANGÉ 5 ", "嫦娥 五号", ""])
def test_fold_words_join_to_fold(value: str) -> None:
    assert "".join(text.fold_words(value)) == text.fold(value)


def test_slug_makes_short_kebab_case_ids() -> None:
    assert text.slug("Chang'e-6 lands!") == "chang-e-6-lands"
    assert text.slug("  Tiangong — space station  ") == "tiangong-space-station"
    assert text.slug("Éclair über Zürich") == "eclair-uber-zurich"
    assert text.slug("嫦娥") == ""  # no ASCII letters: the caller falls back to the kind
    assert text.slug("one two three", length=7) == "one-two"
    assert text.slug("x" * 60) == "x" * 48


def test_close_matches_ignore_case() -> None:
    assert text.close_matches("Coperation", ["cooperation", "peace"]) == ["cooperation"]
    assert text.close_matches("zzz", ["cooperation"]) == []


def test_width_counts_terminal_cells() -> None:
    assert text.width("嫦娥四号") == 8
    assert text.width("abc") == 3
    assert text.width("e\u0301") == 1  # e + COMBINING ACUTE ACCENT
    assert text.width("\uff21\uff22") == 4  # FULLWIDTH LATIN CAPITAL LETTER A, B
    assert text.width("a\u200bb") == 2  # zero width space
    assert text.width("\u2764\ufe0f") == 2  # an emoji presentation: two cells, as Rich draws it
    assert text.width("") == 0


def test_pad_aligns_chinese_and_latin_text() -> None:
    rows = [text.pad("嫦娥四号", 10) + "|", text.pad("Chang'e-4", 10) + "|"]
    assert rows == ["嫦娥四号  |", "Chang'e-4 |"]
    assert text.pad("longer than", 3) == "longer than"


def test_shorten_fits_display_width_and_ends_in_an_ellipsis() -> None:
    assert text.shorten("short", 10) == "short"
    assert text.shorten("We will land on the Moon and return", 20) == "We will land on the…"
    cut = text.shorten("嫦娥五号完成月球采样返回任务", 9)
    assert cut == "嫦娥五号…" and text.width(cut) == 9
    assert text.shorten("abcdefghijklmnop", 5) == "abcd…"
    assert text.shorten("abc", 0) == ""


@given(st.text(), st.integers(min_value=1, max_value=40))
def test_shorten_never_exceeds_the_width(value: str, cells: int) -> None:
    assert text.width(text.shorten(value, cells)) <= cells


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x1b]8;;http://x\x07link\x1b]8;;\x07", "\\x1b]8;;http://x\\x07link\\x1b]8;;\\x07"),
        ("bell\x07", "bell\\x07"),
        ("c1\x9b31m", "c1\\x9b31m"),
        ("abc\u202edef", "abc\\u202edef"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("over\rwrite", "over\\rwrite"),
        ("tab\there", "tab here"),
        ("two\nlines", "two\\nlines"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("\ufeffbom", "\\ufeffbom"),
        ("hidden\U000e0041tag", "hidden\\U000e0041tag"),
        ("lone \udcff byte", "lone \\udcff byte"),
    ],
)
def test_visible_escapes_controls(raw: str, shown: str) -> None:
    assert text.visible(raw) == shown


def test_visible_keeps_newlines_only_when_asked() -> None:
    assert text.visible("a\nb\r\nc", newlines=True) == "a\nb\nc"
    assert text.visible("a\nb\r\nc") == "a\\nb\\r\\nc"


@pytest.mark.parametrize(
    "kept",
    [
        "嫦娥",
        "é",
        "e\u0301",
        "👩\u200d🚀",
        "\u2764\ufe0f",
        "\u845b\U000e0100",  # CJK ideograph + variation selector 17
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
        "嫦娥\u3000五号",
        "It [the probe] has landed [sic]",
        "",
    ],
)
def test_visible_keeps_text_of_every_script(kept: str) -> None:
    assert text.visible(kept) == kept


def test_visible_escapes_every_control_and_hiding_format_character() -> None:
    kept = {0x09, 0x0A, 0xAD, 0x200C, 0x200D}  # tab is a space; newline is asked for here
    categories = ("Cc", "Cf", "Cs", "Zl", "Zp")
    shown_raw = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if code not in kept
        and unicodedata.category(chr(code)) in categories
        and chr(code) in text.visible(f"a{chr(code)}b", newlines=True)
    ]
    assert shown_raw == []


@given(st.text(), st.booleans())
def test_visible_never_lets_a_control_character_through(raw: str, newlines: bool) -> None:
    shown = text.visible(raw, newlines=newlines)
    allowed = {"\n"} if newlines else set()
    assert not [c for c in shown if unicodedata.category(c) == "Cc" and c not in allowed]
    assert "\x1b" not in shown
    assert text.visible(shown, newlines=newlines) == shown  # escapes are themselves plain


@given(st.text())
def test_plain_cell_is_one_line(raw: str) -> None:
    cell = text.plain_cell(raw)
    assert "\n" not in cell and cell == cell.strip()
    assert "  " not in cell


def test_plain_cell_collapses_whitespace() -> None:
    assert text.plain_cell("  two\n\tlines \x1b[1m ") == "two lines \\x1b[1m"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("normal", "normal"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_safe_neutralises_formulas(cell: str, safe: str) -> None:
    assert text.csv_safe(cell) == safe
