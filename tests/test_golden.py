"""Golden files: the rendered tables, byte for byte, piped (plain) and at a terminal (rich).

Rendered from tests/fixtures/good.toml (not the shipped base, so that work on the data does
not change them) at 80 columns, without colour: rich draws its boxes, with no escape codes.
After an intended change of the output, regenerate them and read the diff:

    SPACEFACTS_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import os

import pytest

from conftest import FIXTURES, GOLDEN, run

CASES = {
    "timeline": ["timeline"],
    "quote": ["quote"],
    "lunar": ["lunar"],
    "show-mission": ["show", "m-5"],
    "show-statement": ["show", "s-coop"],
    "search": ["search", "samples"],
    "stats": ["stats"],
}
STYLES = {
    "plain": {"COLUMNS": "80"},  # piped: CliRunner's stdout is not a terminal
    "rich": {"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "80"},
}
UPDATE = os.environ.get("SPACEFACTS_UPDATE_GOLDEN", "") not in ("", "0")


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("name", sorted(CASES))
def test_rendered_output_matches_its_golden_file(
    name: str, style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)  # records' origin is the path given: the same in any checkout
    result = run("--data", "good.toml", *CASES[name], env=STYLES[style])
    rendered = result.stdout.encode("utf-8")
    golden = GOLDEN / f"{name}-{style}.txt"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(rendered)
    assert golden.is_file(), f"no {golden.name}: run with SPACEFACTS_UPDATE_GOLDEN=1"
    assert rendered == golden.read_bytes(), f"{golden.name} differs (see the module docstring)"
    assert b"\x1b" not in rendered
    if style == "rich":  # drawn: a box, or a one-line-per-record table's rule
        assert "╭" in result.stdout or "─" in result.stdout
    else:
        assert not any(c in result.stdout for c in "╭│─")


def test_every_golden_file_is_a_case() -> None:
    ours = {p.name for p in GOLDEN.glob("*.txt") if not p.name.startswith("chart-")}
    assert ours == {f"{name}-{style}.txt" for name in CASES for style in STYLES}


def test_rich_output_fits_in_80_columns() -> None:
    from spacefacts.text import width

    for name in CASES:
        text = (GOLDEN / f"{name}-rich.txt").read_text(encoding="utf-8")
        assert max(width(line) for line in text.splitlines()) <= 80, name
