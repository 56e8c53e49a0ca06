"""Write a valid fact base of N records for the benchmark: the shipped base, grown.

The shipped sources, topics, programs, lunar steps and missions are kept (so `--topic
cooperation` and `--program change` work); milestones and statements are added until the file
holds N records in all. Text is deterministic (a seeded random generator), sentence-like, with
some Chinese names and curly quotes, so parsing, folding and searching cost what real text costs.

    python bench/generate.py 100000 /tmp/facts-100k.toml
"""

from __future__ import annotations

import argparse
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
SPEAKERS = ("Xi Jinping", "Xinhua", "Li Qiang", "Wu Yanhua", "Zhang Kejian", "Yang Liwei")
OCCASIONS = (
    "Congratulatory message to the mission team",
    "Meeting with representatives of the mission's scientists and engineers",
    "Interview with Xinhua",
    "Speech at a space science conference",
)


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def generate(records: int, seed: int = 5) -> dict[str, Any]:
    """The shipped fact base grown to `records` records (every table counted)."""
    base = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    doc: dict[str, Any] = {key: value for key, value in base.items()}
    have = sum(len(v) for v in doc.values() if isinstance(v, list))
    wanted = max(0, records - have)
    milestones: list[dict[str, Any]] = list(doc.get("milestones", []))
    statements: list[dict[str, Any]] = list(doc.get("statements", []))
    programs = [p["id"] for p in doc["programs"]]
    topics = [t["id"] for t in doc["topics"]]
    sources = [s["id"] for s in doc["sources"]]
    rng = random.Random(seed)
    for n in range(wanted):
        year = rng.randint(1970, 2030)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice((f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"))
        if n % 5 < 3:  # three milestones for every two statements
            milestone = {
                "id": f"gen-m{n}",
                "date": date,
                "title": sentence(rng, 7)[:-1],
                "summary": sentence(rng, 25) + " " + sentence(rng, 12),
                "program": rng.choice(programs),
                "sources": [rng.choice(sources)],
                "tags": rng.sample(("first", "crew", "lunar", "mars", "station", "launch"), 2),
            }
            if n % 7 == 0:
                milestone["aliases"] = [f"任务{n}", f"M-{n}"]
            milestones.append(milestone)
        else:
            statement: dict[str, Any] = {
                "id": f"gen-s{n}",
                "speaker": rng.choice(SPEAKERS),
                "occasion": rng.choice(OCCASIONS),
                "text": sentence(rng, 22),
                "verbatim": rng.random() < 0.3,
                "topics": rng.sample(topics, 2),
                "sources": [rng.choice(sources)],
            }
            if n % 4:
                statement["date"] = date
            statements.append(statement)
    doc["milestones"], doc["statements"] = milestones, statements
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
