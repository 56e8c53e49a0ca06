"""Pure query functions on a small fact base."""

from __future__ import annotations

import pytest

from conftest import GOOD
from spacefacts import factbase, query
from spacefacts.errors import UnknownValueError

FB = factbase.load([factbase.FactFile(GOOD, "test")])


@pytest.mark.parametrize("text", ["Chang'e-5", "Chang’e 5", "change5", "change 5", "CHANGÉ-5"])
def test_fold_forgives_punctuation_case_and_accents(text: str) -> None:
    assert query.fold(text) == "change5"


def test_timeline_is_chronological_and_filters_by_program_alias() -> None:
    assert [m.id for m in query.timeline(FB)] == ["dfh-1", "change-5-return"]
    assert [m.id for m in query.timeline(FB, program="嫦娥工程")] == ["change-5-return"]
    assert [m.id for m in query.timeline(FB, since=1971)] == ["change-5-return"]
    assert [m.id for m in query.timeline(FB, until=1970)] == ["dfh-1"]
    assert query.timeline(FB, limit=0) == []


def test_unknown_topic_suggests_the_closest() -> None:
    with pytest.raises(UnknownValueError) as caught:
        query.statements(FB, topic="coperation")
    assert caught.value.close == ("cooperation",)
    assert "did you mean 'cooperation'" in str(caught.value)


def test_statements_filters_combine_and_undated_sort_last() -> None:
    assert [s.id for s in query.statements(FB, topic="COOPERATION")] == ["s-coop", "s-peace"]
    assert [s.id for s in query.statements(FB, speaker="two")] == ["s-peace"]
    assert [s.id for s in query.statements(FB, speaker="speaker one")] == ["s-coop"]
    assert query.statements(FB, speaker="speak") == []  # whole names, not prefixes
    assert [s.id for s in query.statements(FB, search="PEACE")] == ["s-peace"]


def test_topics_count_statements() -> None:
    assert {t["id"]: t["statements"] for t in query.topics(FB)} == {"cooperation": 2, "peace": 1}


def test_fold_drops_exactly_what_is_not_alphanumeric() -> None:
    # fold() removes [\W_] with a regex (fast); that must be what str.isalnum() keeps.
    import re
    import sys

    pattern = re.compile(r"[\W_]")
    differ = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF
        and chr(code).isalnum() == bool(pattern.fullmatch(chr(code)))
    ]
    assert differ == []
    assert query.fold("Chang’e-5") == query.fold("CHANGE 5") == "change5"
    assert query.fold("嫦娥五号 \u2164") == "嫦娥五号v"  # NFKD: U+2164 ROMAN NUMERAL FIVE is "V"
