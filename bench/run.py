"""Time whole `spacefacts` processes against their floors and print medians, ratios and budgets.

    python bench/run.py                      # the full run (about 5 to 10 minutes)
    python bench/run.py --quick              # fewer runs, no 100,000-record file
    python bench/run.py --output bench/results/latest.md
    python bench/run.py --python /tmp/typer-0.29/bin/python --python /tmp/typer-0.28/bin/python

Every case is a fresh process, timed from spawn to exit with stdout sent to /dev/null. All
cases run round-robin (one run of each, then the next round) after one warm-up run each, so
that a noisy machine slows them alike: the ratios measured side by side are the result, the
absolute times are not. Generated fact bases (bench/generate.py) go to a temporary directory,
and so does the cache; the user's cache is never touched.

With several --python interpreters (each with spacefacts installed, e.g. one per Typer
version), only the shipped-fact-base cases run, for each interpreter, interleaved.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # bench/ is not a package

READ_TOML = "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))"
SEARCH_TEXT = "mark on Mars"  # a phrase of the shipped base, absent from the generated text


@dataclass
class Case:
    """One command line to time; `fresh_cache` gives every run an empty cache directory."""

    name: str
    argv: list[str]
    runs: int
    group: str
    fresh_cache: bool = False
    times: list[float] = field(default_factory=list)
    failed: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Budget:
    label: str
    case: str
    limit: float
    reference: str | None = None  # a ratio to this case; None: `limit` is in seconds


@dataclass
class Target:
    """An interpreter with spacefacts installed, and how to call its `spacefacts`."""

    python: str
    label: str = ""
    spacefacts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        script = Path(self.python).with_name("spacefacts")
        self.spacefacts = [str(script)] if script.exists() else [self.python, "-m", "spacefacts"]
        if not self.label:
            self.label = "typer " + self.version("typer")

    def version(self, package: str) -> str:
        code = f"import importlib.metadata as m; print(m.version({package!r}))"
        done = subprocess.run([self.python, "-c", code], capture_output=True, text=True)
        return done.stdout.strip() or "?"

    def has_command(self, name: str) -> bool:
        done = subprocess.run([*self.spacefacts, name, "--help"], capture_output=True)
        return done.returncode == 0


def shipped_cases(t: Target, runs: int, prefix: str = "") -> list[Case]:
    sf, py = t.spacefacts, t.python
    cases = [
        Case("python -c pass", [py, "-c", "pass"], runs, "floor"),
        Case('python -c "import typer"', [py, "-c", "import typer"], runs, "floor"),
        Case(
            'python -c "import typer, rich.table"',
            [py, "-c", "import typer, rich.table"],
            runs,
            "floor",
        ),
        Case(  # for reference: what pausing the GC (as `spacefacts` does) gives the floor
            'python -c "import gc; gc.disable(); import typer"',
            [py, "-c", "import gc; gc.disable(); import typer"],
            runs,
            "floor",
        ),
        Case("spacefacts --help", [*sf, "--help"], runs, "shipped"),
        Case("spacefacts timeline --json", [*sf, "timeline", "--json"], runs, "shipped"),
        Case("spacefacts timeline (table, to a file)", [*sf, "timeline"], runs, "shipped"),
        Case(
            "spacefacts quote --topic cooperation --json",
            [*sf, "quote", "--topic", "cooperation", "--json"],
            runs,
            "shipped",
        ),
    ]
    if t.has_command("search"):
        cases.append(
            Case(
                f'spacefacts search "{SEARCH_TEXT}" --json',
                [*sf, "search", SEARCH_TEXT, "--json"],
                runs,
                "shipped",
            )
        )
    for case in cases:
        case.name = prefix + case.name
    return cases


def generated_cases(t: Target, size: int, path: Path, runs: int) -> list[Case]:
    sf, py, data = t.spacefacts, t.python, ["--data", str(path)]
    group = f"{size:,} records"
    cases = [
        Case(f"{size:,}: tomllib.load (raw)", [py, "-c", READ_TOML, str(path)], runs, group),
        Case(
            f"{size:,}: first run: timeline --json --limit 10",
            [*sf, *data, "timeline", "--json", "--limit", "10"],
            runs,
            group,
            fresh_cache=True,
        ),
        Case(
            f"{size:,}: timeline --json --limit 10",
            [*sf, *data, "timeline", "--json", "--limit", "10"],
            runs,
            group,
        ),
        Case(f"{size:,}: timeline --json", [*sf, *data, "timeline", "--json"], runs, group),
        Case(f"{size:,}: timeline (table, to a file)", [*sf, *data, "timeline"], runs, group),
        Case(
            f"{size:,}: quote --topic cooperation --json",
            [*sf, *data, "quote", "--topic", "cooperation", "--json"],
            runs,
            group,
        ),
        Case(
            f'{size:,}: quote --search "{SEARCH_TEXT}" --json',
            [*sf, *data, "quote", "--search", SEARCH_TEXT, "--json"],
            runs,
            group,
        ),
    ]
    if t.has_command("search"):
        cases.append(
            Case(
                f'{size:,}: search "{SEARCH_TEXT}" --json',
                [*sf, *data, "search", SEARCH_TEXT, "--json"],
                runs,
                group,
            )
        )
    return cases


def budgets(sizes: list[int]) -> list[Budget]:
    typer_floor, rich_floor = 'python -c "import typer"', 'python -c "import typer, rich.table"'
    found = [
        Budget("timeline --json, shipped base", "spacefacts timeline --json", 1.3, typer_floor),
        Budget(
            "timeline (table), shipped base",
            "spacefacts timeline (table, to a file)",
            1.3,
            rich_floor,
        ),
        Budget("--help", "spacefacts --help", 1.3, rich_floor),
    ]
    if 100_000 in sizes:
        n = "100,000"
        found += [
            Budget(
                "100,000 records, first run",
                f"{n}: first run: timeline --json --limit 10",
                1.2,
                f"{n}: tomllib.load (raw)",
            ),
            Budget("100,000 records, later runs", f"{n}: timeline --json --limit 10", 0.3),
            Budget(
                "100,000 records, text search", f'{n}: quote --search "{SEARCH_TEXT}" --json', 0.5
            ),
            Budget("100,000 records, search command", f'{n}: search "{SEARCH_TEXT}" --json', 0.5),
        ]
    return found


# --- running -------------------------------------------------------------------------------


def clean_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPACEFACTS_")}
    # As installed: bytecode cached (pip compiles it; PYTHONDONTWRITEBYTECODE would make every
    # run compile spacefacts' modules from source), no colour settings, no stray path.
    for name in ("NO_COLOR", "FORCE_COLOR", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    env["SPACEFACTS_CACHE_DIR"] = str(cache)
    env["SPACEFACTS_PERSONAL"] = str(cache / "no-personal-file.toml")  # never the user's own
    return env


def run_once(case: Case, work: Path, count: bool) -> None:
    cache = work / "cache"
    if case.fresh_cache:
        cache = work / "cold-cache"
        shutil.rmtree(cache, ignore_errors=True)
    env = clean_env(cache)
    start = time.perf_counter()
    done = subprocess.run(case.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        case.failed = f"exit {done.returncode}: {done.stderr.decode(errors='replace')[:200]}"
    elif count:
        case.times.append(elapsed)
    if case.fresh_cache:
        shutil.rmtree(cache, ignore_errors=True)


def measure(cases: list[Case], work: Path, progress: Callable[[str], None]) -> None:
    """One warm-up run of each case, then round-robin rounds until each has its runs."""
    for case in cases:
        run_once(case, work, count=False)
        if case.failed:
            progress(f"skipped (failed): {case.name}: {case.failed}")
    live = [c for c in cases if not c.failed]
    rounds = max((c.runs for c in live), default=0)
    for number in range(rounds):
        started = time.perf_counter()
        for case in live:
            if len(case.times) < case.runs:
                run_once(case, work, count=True)
        progress(f"round {number + 1}/{rounds}: {time.perf_counter() - started:.1f} s")


# --- reporting -----------------------------------------------------------------------------


def machine(target: Target) -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    python = subprocess.run(
        [target.python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{platform.machine()}, {cpu}, {os.cpu_count()} cores, {platform.system()}; "
        f"Python {python}; typer {target.version('typer')}, rich {target.version('rich')}, "
        f"spacefacts {target.version('spacefacts')}"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def results_table(cases: list[Case], reference: Callable[[Case], Case | None]) -> list[str]:
    lines = ["| case | median | min | runs | x reference |", "|---|--:|--:|--:|--:|"]
    for case in cases:
        if case.failed or not case.times:
            lines.append(f"| {case.name} | failed | | | |")
            continue
        ref = reference(case)
        ratio = f"{case.median / ref.median:.2f} x {ref.name}" if ref and ref is not case else ""
        lines.append(
            f"| {case.name} | {ms(case.median)} | {ms(min(case.times))} | {len(case.times)} "
            f"| {ratio} |"
        )
    return lines


def budget_table(cases: list[Case], wanted: list[Budget]) -> tuple[list[str], bool]:
    by_name = {c.name: c for c in cases if c.times}
    lines = ["| budget | measured | limit | within |", "|---|--:|--:|:-:|"]
    all_ok = True
    for b in wanted:
        case = by_name.get(b.case)
        ref = by_name.get(b.reference) if b.reference else None
        if case is None or (b.reference and ref is None):
            lines.append(f"| {b.label} | not measured | | no |")
            all_ok = False
            continue
        if ref is not None:
            value, shown = case.median / ref.median, f"{case.median / ref.median:.2f} x"
            limit = f"{b.limit} x {b.reference}"
        else:
            value, shown, limit = case.median, ms(case.median), ms(b.limit)
        ok = value <= b.limit
        all_ok &= ok
        lines.append(f"| {b.label} | {shown} | {limit} | {'yes' if ok else '**NO**'} |")
    return lines, all_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", help="interpreter with spacefacts installed")
    parser.add_argument("--runs", type=int, default=15, help="runs per fast case (default 15)")
    parser.add_argument("--slow-runs", type=int, default=5, help="runs per 100,000-record case")
    parser.add_argument("--sizes", default="1000,10000,100000", help="generated fact bases")
    parser.add_argument("--quick", action="store_true", help="5 runs, sizes 1000 and 10000")
    parser.add_argument("--output", type=Path, help="also write the Markdown to this file")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.slow_runs, args.sizes = 5, 3, "1000,10000"
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    targets = [Target(p) for p in (args.python or [sys.executable])]
    if len({t.label for t in targets}) < len(targets):  # same Typer: tell them apart by venv
        for t in targets:
            t.label = Path(t.python).parent.parent.name

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory(prefix="spacefacts-bench-") as tmp:
        work = Path(tmp)
        cases: list[Case] = []
        if len(targets) > 1:  # several interpreters: the shipped cases, side by side
            for t in targets:
                cases += shipped_cases(t, args.runs, prefix=f"{t.label}: ")
        else:
            cases += shipped_cases(targets[0], args.runs)
            for size in sizes:
                path = generate.write(size, work / f"facts-{size}.toml")
                progress(f"generated {path.name}: {path.stat().st_size:,} bytes")
                runs = args.slow_runs if size >= 100_000 else args.runs
                cases += generated_cases(targets[0], size, path, runs)
        progress(f"{len(cases)} cases, warm-up then round-robin")
        measure(cases, work, progress)

    by_name = {c.name: c for c in cases}

    def reference(case: Case) -> Case | None:
        label = case.name.split(": ")[0] + ": " if len(targets) > 1 else ""
        if case.group in ("floor", "shipped"):
            wants_rich = "--help" in case.argv or not any(a.startswith("--json") for a in case.argv)
            floor = "import typer, rich.table" if wants_rich else "import typer"
            return by_name.get(f'{label}python -c "{floor}"')
        size = case.name.split(":")[0]
        return by_name.get(f"{size}: tomllib.load (raw)")

    lines = [
        f"Measured {started} on {machine(targets[0])}.",
        "",
        f"`python bench/run.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        "",
        *results_table(cases, reference),
    ]
    ok = True
    if len(targets) == 1:
        table, ok = budget_table(cases, budgets(sizes))
        lines += ["", *table]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
