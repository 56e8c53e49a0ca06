"""Time whole `spacefacts` processes against their floors; print medians, memory, ratios, budgets.

    python bench/run.py                      # the full run (about 10 minutes)
    python bench/run.py --quick              # fewer runs, no 100,000-record file
    python bench/run.py --output bench/results/latest.md
    python bench/run.py --python /tmp/typer-0.28/bin/python --python /tmp/venv/bin/python

Every case is a fresh process, timed from spawn to exit, its standard output read through a
pipe (as in `spacefacts timeline | less`: piped, so never paged and never coloured), its peak
resident memory taken from the kernel for that process alone (os.wait4's ru_maxrss). All cases
run round-robin (one run of each, then the next round) after one warm-up run each, so that a
noisy machine slows them alike: the ratios measured side by side are the result, the absolute
times are not.

Caches: warm cases share one cache directory, filled by their warm-up run; "first run" cases
get an empty cache directory on every run; "first search" cases get, on every run, a copy of a
compiled cache that has no search index yet. All of them live in a temporary directory, and
SPACEFACTS_PERSONAL names a file that does not exist: the user's cache and personal records are
never read or touched. Generated fact bases (bench/generate.py) go to the same temporary
directory and are checked with `spacefacts validate` before they are timed.

The budgets are issue 8's ("Budgets"), with issue 11's pager note (piped output costs
nothing): see BUDGETS below and docs/performance.md. The exit status is 1 if one is missed.

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
BROAD_TEXT = "lunar"  # a word in about half of the generated records
BIG = 100_000  # the size the budgets are set for

# Cache states (Case.cache).
WARM, EMPTY, UNINDEXED = "warm", "empty", "unindexed"

TYPER = 'python -c "import typer"'
TYPER_RICH = 'python -c "import typer, rich.table"'
TOMLLIB = "tomllib.load (raw)"
SHORT = {TYPER: "import typer", TYPER_RICH: "import typer, rich.table", TOMLLIB: "tomllib.load"}


@dataclass
class Case:
    """One command line to time, in a cache state; `key` names it independently of the size."""

    key: str
    name: str
    argv: list[str]
    runs: int
    group: str
    cache: str = WARM
    data: Path | None = None
    times: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)  # bytes
    failed: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak(self) -> float:
        return statistics.median(self.peaks)


@dataclass(frozen=True)
class Budget:
    """A limit on one case: a ratio to a reference case, or seconds, and maybe megabytes."""

    case: str  # Case.key
    ratio: float | None = None
    reference: str | None = None  # Case.key of the reference (same group or the floors)
    seconds: float | None = None
    megabytes: float | None = None
    serves: str = ""


# Issue 8, "Budgets"; issue 11: the start-up budgets hold with the pager (piped: no pager).
BUDGETS = (
    Budget("timeline --json", 1.3, TYPER, serves="start-up, --json"),
    Budget("quote --topic cooperation --json", 1.3, TYPER, serves="start-up, --json"),
    Budget(f'search "{SEARCH_TEXT}" --json', 1.3, TYPER, serves="start-up, --json"),
    Budget("timeline (table, piped)", 1.3, TYPER_RICH, serves="start-up, table"),
    Budget(f'search "{SEARCH_TEXT}" (table, piped)', 1.3, TYPER_RICH, serves="start-up, table"),
    Budget("--help", 1.3, TYPER_RICH, serves="start-up, help"),
)
BIG_BUDGETS = (
    Budget(
        "first run: timeline --json --limit 10", 1.3, TOMLLIB, serves="first run (compile cache)"
    ),
    Budget("timeline --json --limit 10", seconds=0.15, megabytes=60, serves="warm timeline"),
    Budget(f'search "{SEARCH_TEXT}" --json', seconds=0.2, megabytes=80, serves="warm search"),
)


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


def shipped_cases(t: Target, runs: int, prefix: str = "") -> list[Case]:
    sf, py = t.spacefacts, t.python

    def case(key: str, argv: list[str], group: str = "shipped") -> Case:
        return Case(key, prefix + key, argv, runs, group)

    return [
        case("python -c pass", [py, "-c", "pass"], "floor"),
        case(TYPER, [py, "-c", "import typer"], "floor"),
        case(TYPER_RICH, [py, "-c", "import typer, rich.table"], "floor"),
        # for reference: what pausing the GC (as `spacefacts` does) gives the floor
        case(
            'python -c "import gc; gc.disable(); import typer"',
            [py, "-c", "import gc; gc.disable(); import typer"],
            "floor",
        ),
        case("--help", [*sf, "--help"]),
        case("timeline --json", [*sf, "timeline", "--json"]),
        case(
            "quote --topic cooperation --json", [*sf, "quote", "--topic", "cooperation", "--json"]
        ),
        case(f'search "{SEARCH_TEXT}" --json', [*sf, "search", SEARCH_TEXT, "--json"]),
        case("timeline (table, piped)", [*sf, "timeline"]),
        case(f'search "{SEARCH_TEXT}" (table, piped)', [*sf, "search", SEARCH_TEXT]),
    ]


def generated_cases(t: Target, size: int, path: Path, runs: int) -> list[Case]:
    sf, py, data = t.spacefacts, t.python, ["--data", str(path)]
    group = f"{size:,} records"

    def case(key: str, argv: list[str], cache: str = WARM) -> Case:
        return Case(key, f"{size:,}: {key}", argv, runs, group, cache, path)

    return [
        case(TOMLLIB, [py, "-c", READ_TOML, str(path)]),
        case(
            "first run: timeline --json --limit 10",
            [*sf, *data, "timeline", "--json", "--limit", "10"],
            EMPTY,
        ),
        case(
            f'first search (index built): search "{SEARCH_TEXT}" --json',
            [*sf, *data, "search", SEARCH_TEXT, "--json"],
            UNINDEXED,
        ),
        case(
            f'first run: search "{SEARCH_TEXT}" --json',
            [*sf, *data, "search", SEARCH_TEXT, "--json"],
            EMPTY,
        ),
        case("timeline --json --limit 10", [*sf, *data, "timeline", "--json", "--limit", "10"]),
        case(f'search "{SEARCH_TEXT}" --json', [*sf, *data, "search", SEARCH_TEXT, "--json"]),
        case(f'search "{SEARCH_TEXT}" (table, piped)', [*sf, *data, "search", SEARCH_TEXT]),
        case(f"search {BROAD_TEXT} --json", [*sf, *data, "search", BROAD_TEXT, "--json"]),
        case(
            "quote --topic cooperation --json",
            [*sf, *data, "quote", "--topic", "cooperation", "--json"],
        ),
        case(
            f'quote --search "{SEARCH_TEXT}" --json',
            [*sf, *data, "quote", "--search", SEARCH_TEXT, "--json"],
        ),
        case("timeline --json", [*sf, *data, "timeline", "--json"]),
        case("timeline (table, piped)", [*sf, *data, "timeline"]),
    ]


def budgets_for(cases: list[Case]) -> list[tuple[Case, Budget, Case | None]]:
    """(case, budget, reference case) for every budget whose case was set up in this run."""
    found = []
    shipped = {c.key: c for c in cases if c.group in ("floor", "shipped")}
    big = {c.key: c for c in cases if c.group == f"{BIG:,} records"}
    for table, wanted in ((shipped, BUDGETS), (big, BIG_BUDGETS)):
        for b in wanted:
            if b.case in table:
                ref = table.get(b.reference or "") or shipped.get(b.reference or "")
                found.append((table[b.case], b, ref))
    return found


# --- running -------------------------------------------------------------------------------


def clean_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPACEFACTS_")}
    # As installed: bytecode cached (pip compiles it; PYTHONDONTWRITEBYTECODE would make every
    # run compile spacefacts' modules from source), no colour settings, no stray path.
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    env["SPACEFACTS_CACHE_DIR"] = str(cache)
    env["SPACEFACTS_PERSONAL"] = str(cache.parent / "no-personal-file.toml")  # never the user's
    return env


# The process that starts every timed command. A child's peak RSS as the kernel keeps it is
# at least its parent's RSS at the exec (the child starts as the parent's copy, or shares it
# with vfork), so the runner, with its tens of MB, would put its own size under every figure.
# This spawner is a bare `python -I -S` (about 8 MB, less than any Python process it starts):
# it starts each command with posix_spawn, reads its output, times it and waits for it with
# wait4, which gives that child's own peak.
SPAWNER = r"""
import json, os, sys, time
for line in sys.stdin:
    argv, env, err_path = json.loads(line)
    err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    r, w = os.pipe()
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, w, 1),
        (os.POSIX_SPAWN_DUP2, err, 2),
    ]
    start = time.perf_counter()
    try:
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    except OSError as error:
        os.close(r); os.close(w); os.close(err)
        print(json.dumps([0.0, 0, 127, 0, str(error)]), flush=True)
        continue
    os.close(w)
    size = 0
    while chunk := os.read(r, 1 << 16):
        size += len(chunk)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(r); os.close(err)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps([elapsed, usage.ru_maxrss, code, size, ""]), flush=True)
"""


@dataclass
class Done:
    seconds: float
    peak: int  # bytes
    code: int
    output: int  # bytes written to stdout
    error: str


class Spawner:
    """A small process that runs commands for us and reports time and peak memory."""

    def __init__(self, work: Path) -> None:
        self.err = work / "stderr.txt"
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", SPAWNER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, argv: list[str], env: dict[str, str]) -> Done:
        import json

        program = shutil.which(argv[0]) or argv[0]
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([[program, *argv[1:]], env, str(self.err)]) + "\n")
        self.process.stdin.flush()
        seconds, peak, code, size, error = json.loads(self.process.stdout.readline())
        unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, else KiB
        if not error and self.err.exists():
            error = self.err.read_text(errors="replace")
        return Done(seconds, peak * unit, code, size, error)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def restamp(cache: Path) -> None:
    """Make a copied cache the program's own again: its stamp names the file by inode, size and
    mtime (db._stamp_of), and a copy has a new inode, so without this the copy would be
    compiled again and "first search" would time a whole compile."""
    for stamp in cache.glob("*.sqlite.stamp"):
        info = os.stat(stamp.with_suffix(""))
        stamp.write_text(f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}", encoding="ascii")


class Runner:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.spawner = Spawner(work)
        self.templates: dict[Path, Path] = {}  # fact file -> a compiled cache with no index

    def template(self, case: Case) -> Path:
        """A cache directory holding the compiled `case.data`, without a search index."""
        assert case.data is not None
        if case.data not in self.templates:
            where = self.work / f"template-{len(self.templates)}"
            where.mkdir()
            argv = [*case.argv[: case.argv.index("--data") + 2], "stats", "--json"]
            done = subprocess.run(argv, capture_output=True, text=True, env=clean_env(where))
            if done.returncode != 0:
                raise RuntimeError(f"cannot compile {case.data}: {done.stderr}")
            self.templates[case.data] = where
        return self.templates[case.data]

    def once(self, case: Case, count: bool) -> None:
        cache = self.work / "cache"
        if case.cache != WARM:
            cache = self.work / "cold-cache"
            shutil.rmtree(cache, ignore_errors=True)
            if case.cache == UNINDEXED:
                shutil.copytree(self.template(case), cache)
                restamp(cache)
        done = self.spawner.run(case.argv, clean_env(cache))
        if done.code != 0 or (case.group != "floor" and case.key != TOMLLIB and not done.output):
            case.failed = f"exit {done.code}: {done.error[:300] or 'no output'}"
        elif count:
            case.times.append(done.seconds)
            case.peaks.append(done.peak)
        if case.cache != WARM:
            shutil.rmtree(cache, ignore_errors=True)


def measure(cases: list[Case], runner: Runner, progress: Callable[[str], None]) -> None:
    """One warm-up run of each case, then round-robin rounds until each has its runs."""
    for case in cases:
        runner.once(case, count=False)
        if case.failed:
            progress(f"skipped (failed): {case.name}: {case.failed}")
    live = [c for c in cases if not c.failed]
    rounds = max((c.runs for c in live), default=0)
    for number in range(rounds):
        started = time.perf_counter()
        for case in live:
            if len(case.times) < case.runs:
                runner.once(case, count=True)
        progress(f"round {number + 1}/{rounds}: {time.perf_counter() - started:.1f} s")


def validate(target: Target, path: Path, work: Path) -> None:
    """Refuse to time a generated fact base that `spacefacts validate` does not pass."""
    argv = [*target.spacefacts, "--data", str(path), "validate"]
    done = subprocess.run(argv, capture_output=True, text=True, env=clean_env(work / "check"))
    if done.returncode != 0:
        problems = (done.stdout + done.stderr).splitlines()
        raise SystemExit(f"{path} is not valid:\n" + "\n".join(problems[-10:]))


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
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError):
        pass
    python = subprocess.run(
        [target.python, "-c", "import platform, sqlite3; print(platform.python_version(), "
         "sqlite3.sqlite_version)"],
        capture_output=True,
        text=True,
    ).stdout.split()  # fmt: skip
    click = target.version("click")  # typer 0.28 carries its own copy: no click package
    click = f", click {click}" if click != "?" else ""
    return (
        f"{platform.machine()}, {cpu}, {os.cpu_count()} cores{memory}, {platform.system()} "
        f"{platform.release()}; Python {python[0]}, SQLite {python[1]}; "
        f"typer {target.version('typer')}{click}, "
        f"rich {target.version('rich')}, spacefacts {target.version('spacefacts')}{revision()}"
    )


def revision() -> str:
    """The commit measured, and whether the working tree differed from it."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return ""
    return f" (commit {head}{', src/ modified' if dirty else ''})" if head else ""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def mb(size: float) -> str:
    return f"{size / 1e6:,.0f} MB"


def results_table(
    cases: list[Case],
    reference: Callable[[Case], Case | None],
    budgets: list[tuple[Case, Budget, Case | None]],
) -> tuple[list[str], bool]:
    """One row per case: median, min, peak memory, ratio, its budget and whether it holds."""
    by_case = {id(c): (b, ref) for c, b, ref in budgets}
    lines = [
        "| case | median | min | peak RSS | ratio | budget | within |",
        "|---|--:|--:|--:|--:|---|:-:|",
    ]
    all_ok = True
    for case in cases:
        budget, ref = by_case.get(id(case), (None, None))
        if case.failed or not case.times:
            lines.append(f"| {case.name} | failed: {case.failed or 'no runs'} | | | | | |")
            all_ok &= budget is None
            continue
        ref = ref or reference(case)
        ratio = ""
        if ref is not None and ref is not case and ref.times:
            ratio = f"{case.median / ref.median:.2f} x {SHORT.get(ref.key, ref.key)}"
        limit, within = "", ""
        if budget is not None:
            ok, parts = True, []
            if budget.ratio is not None and ref is not None and ref.times:
                parts.append(f"≤ {budget.ratio} x")
                ok &= case.median / ref.median <= budget.ratio
            if budget.seconds is not None:
                parts.append(f"≤ {ms(budget.seconds)}")
                ok &= case.median <= budget.seconds
            if budget.megabytes is not None:
                parts.append(f"< {budget.megabytes:.0f} MB")
                ok &= case.peak < budget.megabytes * 1e6
            limit, within = ", ".join(parts), "yes" if ok else "**NO**"
            all_ok &= ok
        lines.append(
            f"| {case.name} | {ms(case.median)} | {ms(min(case.times))} | {mb(case.peak)} "
            f"| {ratio} | {limit} | {within} |"
        )
    return lines, all_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", help="interpreter with spacefacts installed")
    parser.add_argument("--runs", type=int, default=15, help="runs per fast case (default 15)")
    parser.add_argument("--slow-runs", type=int, default=5, help="runs per 100,000-record case")
    parser.add_argument("--sizes", default="10000,100000", help="generated fact bases")
    parser.add_argument("--quick", action="store_true", help="5 runs, size 10000 only")
    parser.add_argument("--output", type=Path, help="also write the Markdown to this file")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.slow_runs, args.sizes = 5, 3, "10000"
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
                validate(targets[0], path, work)
                progress(f"generated {path.name}: {path.stat().st_size:,} bytes, valid")
                runs = args.slow_runs if size >= BIG else args.runs
                cases += generated_cases(targets[0], size, path, runs)
        progress(f"{len(cases)} cases, warm-up then round-robin")
        runner = Runner(work)
        try:
            measure(cases, runner, progress)
        finally:
            runner.spawner.close()

    by_name = {c.name: c for c in cases}

    def reference(case: Case) -> Case | None:
        label = case.name.split(": ")[0] + ": " if len(targets) > 1 else ""
        if case.group in ("floor", "shipped"):
            wants_rich = "--help" in case.argv or not any(a.startswith("--json") for a in case.argv)
            return by_name.get(label + (TYPER_RICH if wants_rich else TYPER))
        size = case.name.split(":")[0]
        return by_name.get(f"{size}: {TOMLLIB}")

    budgets = budgets_for(cases) if len(targets) == 1 else []
    table, ok = results_table(cases, reference, budgets)
    lines = [
        f"Measured {started} on {machine(targets[0])}.",
        "",
        f"`python bench/run.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        "",
        *table,
        "",
        "Median and min of the wall time from spawn to exit; peak RSS: median of each run's "
        "own maximum resident set (wait4). Ratio: to the budget's reference, else to the "
        "floor (shipped) or to tomllib.load of the same file (generated).",
    ]
    if budgets:
        missed = [f"{c.name}" for c, b, r in budgets if c.failed or not c.times]
        lines.append(f"Budgets: {'all met' if ok else 'NOT all met'}" + (
            f" (not measured: {', '.join(missed)})" if missed else "") + ".")  # fmt: skip
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
