"""Write a valid fact base of N records for the benchmark: the shipped base, grown.

The shipped records are all kept (so `--topic cooperation`, `--program change` and the
phrase "mark on Mars" work as on the shipped base); generated sources, occasions, milestones,
statements and missions are added until the file holds N records in all (every [[table]]
counted). What is written is a valid schema-version-3 fact base, as `spacefacts --data FILE
validate` checks it:

- every generated source is cited, and every generated record cites a source;
- statements point to [[occasions]] (the date lives on the occasion), never to a missing one;
- missions and milestones name their program; a date after today is `status = "planned"`
  (today is $SPACEFACTS_TODAY if set, else the local date), so no record is dated in the
  future without being planned, and none planned is in the past;
- ids are kebab-case and unique (gen-m1, gen-s2, ...).

Text is deterministic for a given seed and day (a seeded random generator), sentence-like,
with Chinese names and curly quotes, so parsing, folding, indexing and searching cost what
real text costs. None of the words "mark" and "on" is generated: `search "mark on Mars"`
finds the shipped record and nothing else at any size.

    python bench/generate.py 100000 /tmp/facts-100k.toml
    spacefacts --data /tmp/facts-100k.toml validate
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "facts.toml"

_VOCABULARY = (
    "launch orbit lunar probe station crew module rocket sample return landing rover relay "
    "satellite mission science data team engineers spirit cooperation peace innovation "
    "national system breakthrough milestone mankind exploration deep space Tiangong Shenzhou "
    "Chang’e Tianwen Long March Wenchang Jiuquan Xichang Beijing Mars Moon far side "
    "嫦娥 天宫 神舟 天问 航天"
)
WORDS = _VOCABULARY.split()
OCCASION_NAMES = (
    "Congratulatory message to the mission team",
    "Meeting with representatives of the mission's scientists and engineers",
    "Interview with Xinhua",
    "Speech at a space science conference",
)
# Generated sources are pages of one made-up publisher, on the domain it owns (example.org);
# statements are said by the shipped base's speakers, crews made of its astronauts.
PUBLISHER = {
    "id": "gen-publisher",
    "name": "Benchmark Publisher",
    "kind": "news website",
    "country": "International",
    "domains": ["example.org"],
}
MISSION_TYPES = ("orbiter", "lander and rover", "crewed spacecraft", "cargo spacecraft", "probe")
TAGS = ("first", "crew", "lunar", "mars", "station", "launch")
NOT_DONE = ("failed", "cancelled")

# Of the records to add: sources, occasions, missions, statements; milestones take the rest.
SHARES = {"sources": 0.02, "occasions": 0.08, "missions": 0.02, "statements": 0.30}


def today() -> str:
    """Today as the validator sees it: $SPACEFACTS_TODAY (YYYY-MM-DD), else the local date."""
    given = os.environ.get("SPACEFACTS_TODAY", "")
    return given if len(given) == 10 else dt.date.today().isoformat()


def after(date: str, now: str) -> bool:
    """Whether a YYYY, YYYY-MM or YYYY-MM-DD date is after `now` (as factbase compares them)."""
    return date[: len(now)] > now[: len(date)]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def some_date(rng: random.Random, first: int = 1970, last: int = 2030) -> str:
    year = rng.randint(first, last)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice((f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"))


def past_date(rng: random.Random, now: str) -> str:
    """A date on or before `now`, at a random precision."""
    while True:
        date = some_date(rng, 1970, int(now[:4]))
        if not after(date, now):
            return date


def plan(counts: int) -> dict[str, int]:
    """How many records of each generated table make `counts` records in all."""
    wanted = {table: int(counts * share) for table, share in SHARES.items()}
    if counts > 0:
        wanted["sources"] = max(1, wanted["sources"])
        wanted["occasions"] = max(1, wanted["occasions"]) if wanted["statements"] else 0
    wanted["milestones"] = counts - sum(wanted.values())
    if wanted["milestones"] < 0:  # a handful of records: milestones only, with one source
        wanted = {"sources": 1, "milestones": counts - 1} if counts > 1 else {"milestones": counts}
    return wanted


def generate(records: int, seed: int = 5, now: str | None = None) -> dict[str, Any]:
    """The shipped fact base grown to `records` records (every table counted)."""
    now = now or today()
    doc: dict[str, Any] = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    have = sum(len(v) for v in doc.values() if isinstance(v, list))
    wanted = plan(max(0, records - have))
    rng = random.Random(seed)
    programs = [p["id"] for p in doc["programs"]]
    topics = [t["id"] for t in doc["topics"]]
    speakers = [p["id"] for p in doc["speakers"]]
    astronauts = [a["id"] for a in doc["astronauts"]]
    shipped_sources = [s["id"] for s in doc["sources"]]

    # Sources first: record n cites generated source n % len(new), so all are cited.
    new_sources = []
    for n in range(wanted.get("sources", 0)):
        source = {
            "id": f"gen-src{n}",
            "title": sentence(rng, 6)[:-1],
            "publisher": PUBLISHER["id"],
            "published": past_date(rng, now),
            "url": f"https://example.org/spacefacts/bench/{n}",
        }
        new_sources.append(source)
    cited = [s["id"] for s in new_sources] or shipped_sources
    serial = 0

    def cite() -> list[str]:
        nonlocal serial
        serial += 1
        ids = [cited[serial % len(cited)]]
        if serial % 3 == 0:
            ids.append(rng.choice(shipped_sources))
        return list(dict.fromkeys(ids))

    new_milestones = []
    for n in range(wanted.get("milestones", 0)):
        date = some_date(rng)
        milestone: dict[str, Any] = {
            "id": f"gen-m{n}",
            "date": date,
            "title": sentence(rng, 7)[:-1],
            "summary": sentence(rng, 25) + " " + sentence(rng, 12),
            "program": rng.choice(programs),
        }
        if after(date, now):
            milestone["status"] = "planned"
        elif n % 23 == 0:
            milestone["status"] = rng.choice(NOT_DONE)
        milestone["tags"] = rng.sample(TAGS, 2)
        milestone["sources"] = cite()
        if n % 7 == 0:
            milestone["aliases"] = [f"任务{n}", f"M-{n}"]
        new_milestones.append(milestone)

    new_occasions = []
    for n in range(wanted.get("occasions", 0)):
        occasion: dict[str, Any] = {
            "id": f"gen-o{n}",
            "name": f"{rng.choice(OCCASION_NAMES)} ({sentence(rng, 3)[:-1]})",
        }
        if n % 5:  # most occasions are dated; a statement at an undated one has no date
            occasion["date"] = past_date(rng, now)
        if new_milestones and n % 2 == 0:
            occasion["milestone"] = rng.choice(new_milestones)["id"]
        occasion["sources"] = cite()
        new_occasions.append(occasion)

    new_statements = []
    for n in range(wanted.get("statements", 0)):
        statement: dict[str, Any] = {
            "id": f"gen-s{n}",
            "text": sentence(rng, 22),
            "speaker": rng.choice(speakers),
        }
        if new_occasions and n % 4:
            statement["occasion"] = new_occasions[n % len(new_occasions)]["id"]
        else:
            statement["date"] = past_date(rng, now)
        statement["topics"] = rng.sample(topics, 2)
        statement["verbatim"] = rng.random() < 0.3
        statement["sources"] = cite()
        if statement["verbatim"]:
            statement["excerpt"] = f"“{statement['text']}” said {statement['speaker']}."
        new_statements.append(statement)

    new_missions = []
    for n in range(wanted.get("missions", 0)):
        launch = some_date(rng, 1990, 2030)
        mission: dict[str, Any] = {
            "id": f"gen-x{n}",
            "name": f"{rng.choice(('Shenzhou', 'Tianzhou', 'Chang’e', 'Tianwen'))}-G{n}",
            "program": rng.choice(programs),
            "type": rng.choice(MISSION_TYPES),
        }
        if after(launch, now):
            mission["status"] = "planned"
        elif n % 11 == 0:
            mission["status"] = rng.choice(("failed", "active"))
        mission["launch_date"] = launch
        if mission["type"] == "crewed spacecraft":
            mission["crew"] = rng.sample(astronauts, 3)
        mission["achievements"] = [sentence(rng, 6)[:-1] for _ in range(2)]
        if n % 3 == 0:
            mission["aliases"] = [f"神舟G{n}号"]
        mission["sources"] = cite()
        new_missions.append(mission)

    if new_sources:
        doc["publishers"] = [*doc["publishers"], PUBLISHER]
    for table, added in (
        ("sources", new_sources),
        ("milestones", new_milestones),
        ("occasions", new_occasions),
        ("statements", new_statements),
        ("missions", new_missions),
    ):
        doc[table] = [*doc.get(table, []), *added]
    return doc


def write(records: int, path: Path, seed: int = 5) -> Path:
    """Write a fact base of `records` records to `path` with tomli-w; return the path."""
    import tomli_w

    path.write_bytes(tomli_w.dumps(generate(records, seed)).encode("utf-8"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=int, help="how many records in all")
    parser.add_argument("path", type=Path, help="the TOML file to write")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    write(args.records, args.path, args.seed)
    print(f"{args.path}: {args.records} records, {args.path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
