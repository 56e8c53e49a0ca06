"""One rule for every filter, tested as a table over the commands: a filter may be repeated
and takes comma-separated values; values of one filter combine with OR, different filters with
AND; a record dated to a year or a month is in every range its period overlaps.
"""

from __future__ import annotations

import json

import pytest

from conftest import on_good, run, run_json

# (command and fixed arguments, the filter option, two values, the ids each value gives alone)
CASES = [
    (["timeline"], "--program", ("change", "tiangong"),
     (["change-5-return", "change-6-return"], ["tianhe-launch"])),
    (["timeline"], "--tag", ("samples", "far-side"),
     (["change-5-return", "change-6-return"], ["change-6-return"])),
    (["timeline"], "--year", ("2021", "2024"), (["tianhe-launch"], ["change-6-return"])),
    (["timeline"], "--status", ("planned", "done"),
     (["crewed-landing"], ["dfh-1", "change-5-return", "tianhe-launch", "change-6-return"])),
    (["quote"], "--topic", ("peace", "cooperation"),
     (["s-peace"], ["s-coop", "s-peace", "s-undated"])),
    (["quote"], "--speaker", ("two", "speaker-one"), (["s-peace"], ["s-coop", "s-undated"])),
    (["quote"], "--occasion", ("meeting-2021-02", "message-2024-06"), (["s-coop"], ["s-peace"])),
    (["missions"], "--program", ("crewed-lunar", "change"),
     (["m-lanyue"], ["m-1", "m-5", "m-6"])),
    (["missions"], "--status", ("planned", "done"), (["m-lanyue"], ["m-1", "m-5", "m-6"])),
    (["search", "samples"], "--kind", ("mission", "milestone"),
     (["m-5", "m-6"], ["change-5-return", "change-6-return"])),
    (["search", "return"], "--program", ("change", "crewed-lunar"),
     (["change-5-return", "change-6-return"], [])),
    (["on", "06-25"], "--kind", ("milestone", "statement"), (["change-6-return"], ["s-peace"])),
]  # fmt: skip


def ids(*args: str) -> list[str]:
    return [r["id"] for r in run_json(*on_good(*args))]


@pytest.mark.parametrize(("command", "option", "values", "alone"), CASES)
def test_one_filter_repeated_or_comma_separated_is_the_union(
    command: list[str], option: str, values: tuple[str, str], alone: tuple[list[str], list[str]]
) -> None:
    first, second = values
    assert sorted(ids(*command, option, first)) == sorted(alone[0])
    assert sorted(ids(*command, option, second)) == sorted(alone[1])
    union = sorted(set(alone[0]) | set(alone[1]))
    assert sorted(ids(*command, option, first, option, second)) == union
    assert sorted(ids(*command, option, f"{first},{second}")) == union


def test_different_filters_combine_with_and() -> None:
    assert ids("timeline", "--program", "change", "--year", "2024") == ["change-6-return"]
    assert ids("quote", "--topic", "cooperation", "--speaker", "two") == ["s-peace"]
    assert ids("missions", "--program", "change", "--status", "planned") == []


@pytest.mark.parametrize("option", ["--program", "--tag", "--status"])
def test_an_empty_value_never_means_everything(option: str) -> None:
    result = run(*on_good("timeline", option, ""), code=2)
    assert "names nothing" in result.stderr


@pytest.mark.parametrize("option", ["--limit", "--since", "--until", "--format", "--seed"])
def test_an_option_of_one_value_given_twice_is_refused(option: str) -> None:
    command = "random" if option == "--seed" else "timeline"
    value = {"--limit": "2", "--format": "json", "--seed": "1"}.get(option, "2020")
    result = run(*on_good(command, option, value, option, value), code=2)
    assert "given more than once" in result.stderr


def test_chart_and_calendar_take_several_programs_the_same_way() -> None:
    both = run(*on_good("chart", "--program", "change,tiangong", "--width", "80")).stdout
    repeated = run(*on_good("chart", "--program", "change", "--program", "tiangong",
                            "--width", "80")).stdout  # fmt: skip
    assert both == repeated and "Tiangong" in both and "Chang'e" in both
    ics = run(*on_good("export", "--format", "ics", "--program", "change,tiangong")).stdout
    days = [
        record
        for command in ("timeline", "missions")
        for record in run_json(*on_good(command, "--program", "change,tiangong"))
        if len(record.get("date") or record.get("launch_date") or "") == 10
    ]
    assert ics.count("BEGIN:VEVENT") == len(days) == 5  # no milestone here is a mission's day


# --- partial dates ------------------------------------------------------------------------


def test_a_record_dated_to_a_year_or_a_month_is_in_the_ranges_it_overlaps() -> None:
    # crewed-landing is dated "2030", change-5-return "2020-12"
    assert "crewed-landing" in ids("timeline", "--since", "2030-06")
    assert "crewed-landing" in ids("timeline", "--until", "2030-01-15")
    assert "crewed-landing" not in ids("timeline", "--until", "2029-12")
    assert "change-5-return" in ids("timeline", "--since", "2020-12-31")
    assert "change-5-return" in ids("timeline", "--since", "2020-12-17", "--until", "2020-12-17")
    assert "change-5-return" not in ids("timeline", "--since", "2021")
    assert ids("timeline", "--year", "2020") == ["change-5-return"]


def test_dates_sort_and_show_at_their_precision() -> None:
    dates = [m["date"] for m in run_json(*on_good("timeline"))]
    assert dates == ["1970-04-24", "2020-12", "2021-04-29", "2024-06-25", "2030"]
    plain = run(*on_good("timeline")).stdout
    assert "\n2020-12    " in plain and "\n2030       " in plain


def test_since_after_until_is_a_usage_error() -> None:
    result = run(*on_good("timeline", "--since", "2024", "--until", "2023-12"), code=2)
    assert "--since 2024 is after --until 2023-12" in result.stderr
    run(*on_good("timeline", "--since", "2024-06", "--until", "2024"))  # overlapping: fine


def test_lunar_json_gives_each_steps_missions_as_records() -> None:
    steps = json.loads(run(*on_good("lunar", "--json")).stdout)
    for step in steps:
        for mission in step["missions"]:
            assert set(mission) == {"id", "name", "launch_date", "status"}
    assert [s["step"] for s in steps] == [1, 2, 3, None]
