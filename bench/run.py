"""The benchmark suite: whole-process medians of memgit commands, next to ``python -c pass``.

    python bench/run.py [--sizes 1000,10000,100000] [--runs 7] [--out bench/results/latest.json]

For each corpus size (generated once and cached by ``corpus.py``) every command is run as a fresh
process of the same interpreter (``sys.executable -m memgit ...``, bytecode compiled, as pip and
pipx install it) and timed from spawn to exit; its peak memory is the child's max RSS from
``os.wait4``. Measured, in this order:

- ``baseline``: ``python -c pass``, the floor every command pays;
- ``rebuild``: ``memgit reindex --full`` (fewer runs: ``--rebuild-runs``);
- ``noop``: ``memgit reindex`` when nothing changed;
- ``search``: ``memgit search`` over the query set, rotating, ``3 x runs`` samples;
- ``list``: ``memgit list --limit 20``;
- ``timeline``: ``memgit timeline`` (the 20 latest observations in creation order);
- ``generate``: ``memgit generate`` with no code-staleness cache, as the first one on a fresh
  clone (the cache is removed before each run);
- ``refresh``: ``memgit reindex`` right after ``--add`` new files were copied in (as a ``git
  pull`` does), from the same index each time; it must sync, not rebuild;
- ``fts5_build`` and ``fts5_search``: ``fts5_baseline.py`` on the same files and queries.

The report is a markdown table on stdout (medians, ratios to ``python -c pass`` and to FTS5, peak
memory) and the DESIGN.md section 6 targets marked pass or fail; everything, samples included, is
saved as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import corpus as corpora

BENCH = Path(__file__).resolve().parent
FTS5 = BENCH / "fts5_baseline.py"
SPAWN = BENCH / "spawn.py"
SCHEMA = 1

#: key -> label in the table, in report order.
LABELS = {
    "baseline": "`python -c pass`",
    "search": "`memgit search QUERY`",
    "list": "`memgit list --limit 20`",
    "timeline": "`memgit timeline`",
    "generate": "`memgit generate` (first, no staleness cache)",
    "noop": "`memgit reindex` (nothing changed)",
    "refresh": "`memgit reindex` after +{add} files",
    "rebuild": "`memgit reindex --full`",
    "fts5_search": "FTS5 search (same queries)",
    "fts5_build": "FTS5 build (same files)",
}
#: The measurements of memgit itself (the peak memory target is about these).
MEMGIT_KEYS = ("search", "list", "timeline", "generate", "noop", "refresh", "rebuild")
#: memgit measurement -> the FTS5 measurement it is compared with.
VERSUS = {"search": "fts5_search", "rebuild": "fts5_build"}


@dataclass(frozen=True)
class Target:
    """A DESIGN.md section 6 number: ``key`` at ``size`` must stay at or below ``limit``."""

    what: str
    key: str
    size: int
    limit: float
    unit: str


TARGETS = (
    Target("`memgit search` at 10k, whole process", "search", 10_000, 150, "ms"),
    Target("`memgit search` at 100k, whole process", "search", 100_000, 400, "ms"),
    Target("`memgit list --limit 20` at 100k", "list", 100_000, 300, "ms"),
    Target("`memgit timeline` at 100k", "timeline", 100_000, 300, "ms"),
    Target("first `memgit generate` at 10k", "generate", 10_000, 1000, "ms"),
    Target("refresh after +500 at 10k, no full rebuild", "refresh", 10_000, 2000, "ms"),
    Target("full rebuild at 10k", "rebuild", 10_000, 20_000, "ms"),
    Target("peak memory of any command at 100k", "peak_rss", 100_000, 300, "MB"),
)


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Sample:
    wall_ms: float
    rss_mb: float
    stdout: str


class Spawner:
    """Runs commands through ``spawn.py`` (see there why) and measures each one."""

    def __init__(self, python: str) -> None:
        self._process = subprocess.Popen(
            [python, "-I", "-S", str(SPAWN)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._scratch = Path(tempfile.mkdtemp(prefix="memgit-bench-"))

    def run(self, argv: Sequence[str], cwd: Path, env: dict[str, str]) -> Sample:
        """Run one process to completion: wall time from fork to exit, and its own max RSS."""
        out, err = self._scratch / "stdout", self._scratch / "stderr"
        request = {"argv": list(argv), "cwd": str(cwd), "env": env}
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps({**request, "stdout": str(out), "stderr": str(err)}))
        self._process.stdin.write("\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise BenchError("the process spawner stopped unexpectedly")
        result = json.loads(answer)
        code = os.waitstatus_to_exitcode(result["status"])
        if code != 0:
            stderr = err.read_text(encoding="utf-8", errors="replace").strip()
            raise BenchError(f"{' '.join(argv)} exited with {code}: {stderr}")
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes vs KiB
        stdout = out.read_text(encoding="utf-8", errors="replace")
        return Sample(result["wall_s"] * 1000, result["maxrss"] / scale, stdout)

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait()
        shutil.rmtree(self._scratch, ignore_errors=True)


def summarize(command: str, samples: Sequence[Sample], **extra: Any) -> dict[str, Any]:
    walls = [s.wall_ms for s in samples]
    return {
        "command": command,
        "runs": len(samples),
        "median_ms": round(statistics.median(walls), 1),
        "min_ms": round(min(walls), 1),
        "max_ms": round(max(walls), 1),
        "samples_ms": [round(w, 1) for w in walls],
        "peak_rss_mb": round(max(s.rss_mb for s in samples), 1),
        **extra,
    }


class SizeBench:
    """Every measurement on one corpus."""

    def __init__(self, corpus: corpora.Corpus, args: argparse.Namespace, spawner: Spawner) -> None:
        self.corpus = corpus
        self.spawner = spawner
        self.args = args
        self.python: str = args.python
        self.env = corpora.child_environment()
        self.repo = corpus.repo
        self.observations = corpus.observations
        self.reuse = False
        if args.work is not None:  # a copy of the corpus whose index is kept between runs
            self.repo = args.work / f"n{corpus.size}-s{corpus.seed}" / "repo"
            self.observations = self.repo / ".memory" / "observations"
            if not self.repo.exists():
                self.repo.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(corpus.repo, self.repo, symlinks=True)
            self.reuse = (self.repo / ".git" / "memgit" / "terms").is_dir()
        self.state = self.repo / ".git" / "memgit"
        self.work = self.repo.parent / "work" if args.work is not None else corpus.folder / "work"
        self.queries = corpus.queries()

    def say(self, message: str) -> None:
        print(f"[{self.corpus.size:>6}] {message}", file=sys.stderr, flush=True)

    def memgit(self, *args: str) -> list[str]:
        return [self.python, "-m", "memgit", *args]

    def measure(
        self,
        key: str,
        argvs: Callable[[int], Sequence[str]],
        count: int,
        *,
        warmup: bool = True,
        before: Callable[[], None] | None = None,
        check: Callable[[Sample], None] | None = None,
    ) -> list[Sample]:
        self.say(f"{key}: {count} runs")
        if warmup:
            self.spawner.run(argvs(-1), self.repo, self.env)
        samples = []
        for i in range(count):
            if before:
                before()
            sample = self.spawner.run(argvs(i), self.repo, self.env)
            if check:
                check(sample)
            samples.append(sample)
        return samples

    def run(self) -> dict[str, Any]:
        args = self.args
        runs, add = args.runs, args.add
        rebuild_runs = args.rebuild_runs or default_rebuild_runs(runs, self.corpus.size)
        if not self.reuse:
            shutil.rmtree(self.state, ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        results: dict[str, dict[str, Any]] = {}

        base = self.measure("baseline", lambda i: [self.python, "-c", "pass"], runs)
        results["baseline"] = summarize("python -c pass", base)

        if not self.reuse or not args.skip_rebuild:
            rebuilt = self.measure(
                "rebuild", lambda i: self.memgit("reindex", "--full"), rebuild_runs, warmup=False
            )
            results["rebuild"] = summarize("memgit reindex --full", rebuilt)
        snapshot = self.work / "state"
        shutil.copytree(self.state, snapshot)

        noop = self.measure("noop", lambda i: self.memgit("reindex"), runs)
        results["noop"] = summarize("memgit reindex", noop)

        searches = runs * 3
        queries = [self.queries[i % len(self.queries)].argv() for i in range(searches)]
        found = self.measure(
            "search", lambda i: self.memgit("search", *queries[max(i, 0)]), searches
        )
        results["search"] = summarize(
            "memgit search QUERY (rotating through queries.json)",
            found,
            queries_with_results=_with_results(found),
        )

        listed = self.measure("list", lambda i: self.memgit("list", "--limit", "20"), runs)
        results["list"] = summarize("memgit list --limit 20", listed)
        ordered = self.measure("timeline", lambda i: self.memgit("timeline"), runs)
        results["timeline"] = summarize("memgit timeline", ordered)

        def first_generate() -> None:
            (self.state / "code-staleness.json").unlink(missing_ok=True)

        generated = self.measure(
            "generate", lambda i: self.memgit("generate"), runs, before=first_generate
        )
        results["generate"] = summarize(
            "memgit generate (code-staleness cache removed first)", generated
        )

        extra = self.corpus.extra_files()[:add]
        copied = [self.observations / f.name for f in extra]

        def pull() -> None:
            restore(snapshot, self.state)
            for source, target in zip(extra, copied, strict=True):
                shutil.copyfile(source, target)  # new mtimes, like a checkout

        def synced(sample: Sample) -> None:
            if "index synced" not in sample.stdout or f"{add} added" not in sample.stdout:
                raise BenchError(f"refresh did not sync {add} files: {sample.stdout.strip()}")

        try:
            refreshed = self.measure(
                "refresh",
                lambda i: self.memgit("reindex"),
                runs,
                warmup=False,
                before=pull,
                check=synced,
            )
        finally:
            for target in copied:
                target.unlink(missing_ok=True)
            restore(snapshot, self.state)
        results["refresh"] = summarize(
            f"memgit reindex after copying in {add} new files", refreshed, full_rebuild=False
        )

        db = self.work / "fts5.db"
        obs_dir = str(self.observations)
        built = self.measure(
            "fts5_build",
            lambda i: [self.python, str(FTS5), "build", str(db), obs_dir],
            rebuild_runs,
            warmup=False,
        )
        results["fts5_build"] = summarize("fts5_baseline.py build", built)
        fts = self.measure(
            "fts5_search",
            lambda i: [self.python, str(FTS5), "search", str(db), *queries[max(i, 0)]],
            searches,
        )
        results["fts5_search"] = summarize(
            "fts5_baseline.py search QUERY (same rotation)",
            fts,
            queries_with_results=_with_results(fts),
        )

        floor = results["baseline"]["median_ms"]
        for key, entry in results.items():
            entry["vs_python"] = round(entry["median_ms"] / floor, 2)
            other = VERSUS.get(key)
            entry["vs_fts5"] = (
                round(entry["median_ms"] / results[other]["median_ms"], 2) if other else None
            )
        info = json.loads((self.corpus.folder / "corpus.json").read_text(encoding="utf-8"))
        return {
            "size": self.corpus.size,
            "seed": self.corpus.seed,
            "corpus": str(self.corpus.folder),
            "corpus_generated_seconds": info["generated_seconds"],
            "added_files": add,
            "rebuild_runs": rebuild_runs,
            "commands": results,
        }


def _with_results(samples: Sequence[Sample]) -> int:
    return sum(1 for s in samples if s.stdout.strip() and "no matching memory" not in s.stdout)


def restore(snapshot: Path, state: Path) -> None:
    shutil.rmtree(state, ignore_errors=True)
    shutil.copytree(snapshot, state)


# --- targets and report --------------------------------------------------------------------------


def check_targets(sizes: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    by_size = {s["size"]: s["commands"] for s in sizes}
    checks = []
    for target in TARGETS:
        commands = by_size.get(target.size)
        if commands is None or (target.key != "peak_rss" and target.key not in commands):
            checks.append({**_target_json(target), "measured": None, "passed": None})
            continue
        if target.key == "peak_rss":
            present = [k for k in MEMGIT_KEYS if k in commands]
            worst = max(present, key=lambda k: commands[k]["peak_rss_mb"])
            measured = commands[worst]["peak_rss_mb"]
            note = f"worst: {worst}"
        else:
            measured = commands[target.key]["median_ms"]
            note = "median"
        passed = measured <= target.limit
        if target.key == "refresh" and commands["refresh"].get("full_rebuild"):
            passed, note = False, "did a full rebuild"
        checks.append(
            {**_target_json(target), "measured": measured, "passed": passed, "note": note}
        )
    return checks


def _target_json(target: Target) -> dict[str, Any]:
    return {"what": target.what, "size": target.size, "limit": target.limit, "unit": target.unit}


def markdown(report: dict[str, Any]) -> str:
    lines = [f"memgit benchmarks: `{report['command']}`", ""]
    machine = report["machine"]
    lines.append(
        f"Python {machine['python']}, {machine['cpus']} CPUs, {machine['platform']}, "
        f"whoosh {machine['whoosh']}, SQLite {machine['sqlite']}; medians of whole processes."
    )
    for size in report["sizes"]:
        commands = size["commands"]
        lines += [
            "",
            f"### {size['size']:,} observations (seed {size['seed']})",
            "",
            "| command | runs | median | min | x `python -c pass` | peak RSS | vs FTS5 |",
            "|---|--:|--:|--:|--:|--:|--:|",
        ]
        for key, label in LABELS.items():
            if key not in commands:
                continue  # full rebuilds skipped on a kept index (--skip-rebuild)
            entry = commands[key]
            versus = f"{entry['vs_fts5']:.1f}x" if entry.get("vs_fts5") is not None else ""
            lines.append(
                f"| {label.format(add=size['added_files'])} | {entry['runs']} "
                f"| {_ms(entry['median_ms'])} | {_ms(entry['min_ms'])} | {entry['vs_python']:.1f} "
                f"| {entry['peak_rss_mb']:.0f} MB | {versus} |"
            )
        hits = commands["search"]["queries_with_results"]
        fts_hits = commands["fts5_search"]["queries_with_results"]
        lines.append("")
        lines.append(
            f"Searches with at least one result: memgit {hits}/{commands['search']['runs']}, "
            f"FTS5 {fts_hits}/{commands['fts5_search']['runs']}."
        )
    lines += ["", "### DESIGN.md §6 targets", "", "| target | limit | measured | result |"]
    lines.append("|---|--:|--:|---|")
    for check in report["targets"]:
        limit = f"≤ {check['limit']:g} {check['unit']}"
        if check["measured"] is None:
            lines.append(f"| {check['what']} | {limit} | not run | — |")
            continue
        value = _ms(check["measured"]) if check["unit"] == "ms" else f"{check['measured']:.0f} MB"
        verdict = "**pass**" if check["passed"] else "**FAIL**"
        lines.append(f"| {check['what']} | {limit} | {value} ({check['note']}) | {verdict} |")
    return "\n".join(lines) + "\n"


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 10_000 else f"{value:.0f} ms"


def machine_info() -> dict[str, Any]:
    try:
        whoosh = metadata.version("whoosh3")
    except metadata.PackageNotFoundError:
        whoosh = "?"
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "whoosh": whoosh,
    }


def compile_bytecode(python: str) -> None:
    """Compile memgit as pip and pipx do, so no measured run pays for compiling."""
    env = corpora.child_environment()
    subprocess.run(
        [python, "-m", "compileall", "-q", str(corpora.SRC / "memgit"), str(FTS5)],
        check=True,
        env=env,
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="memgit benchmark suite (see bench/README.md)")
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="corpus sizes, comma-separated (default 1000,10000,100000)",
    )
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    parser.add_argument(
        "--rebuild-runs",
        type=int,
        default=None,
        help="runs of the full rebuilds, memgit and FTS5 (default: min(runs, 3); 1 at 100k+)",
    )
    parser.add_argument(
        "--add", type=int, default=corpora.EXTRA, help="files added before the refresh (500)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=corpora.DEFAULT_CACHE, help="corpus cache")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="measure in a copy of each corpus kept here, index included (build a 100k once)",
    )
    parser.add_argument(
        "--skip-rebuild",
        action="store_true",
        help="with --work and an index already there, do not measure full rebuilds",
    )
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: expected numbers separated by commas, got {args.sizes!r}")
    if args.runs < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--runs and every size must be at least 1")
    if not 1 <= args.add <= corpora.EXTRA:
        parser.error(f"--add must be between 1 and {corpora.EXTRA}")
    return args


def default_rebuild_runs(runs: int, size: int) -> int:
    """A 100k rebuild takes minutes: once is enough there."""
    return 1 if size >= 100_000 else min(runs, 3)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    compile_bytecode(args.python)
    sizes = []
    spawner = Spawner(args.python)
    try:
        for size in args.sizes:
            began = time.perf_counter()
            corpus = corpora.build_corpus(size, args.seed, args.cache, args.python)
            print(
                f"[{size:>6}] corpus ready in {time.perf_counter() - began:.1f} s: {corpus.folder}",
                file=sys.stderr,
                flush=True,
            )
            sizes.append(SizeBench(corpus, args, spawner).run())
    finally:
        spawner.close()
    report = {
        "schema": SCHEMA,
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(
            ["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])]
        ),
        "machine": machine_info(),
        "runs": args.runs,
        "sizes": sizes,
    }
    report["targets"] = check_targets(sizes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(markdown(report))
    print(f"saved {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(1)
