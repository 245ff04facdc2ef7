"""Capture quality of an extractor on the labelled scenarios, and its speed on every transcript.

    python bench/eval/run_eval.py [--extractor heuristic] [--show] [--json PATH]

For each scenario in ``labels.json``: a fresh git repository with ``.memory/`` initialised, the
transcript read and chunked like the capture pipeline does, every chunk extracted, and every
candidate written through ``Memory.remember`` (so dedupe applies). Then:

- capture recall: planted facts found in an active observation (title + body hold a term of
  every group), with the planted type, and with any type;
- precision proxy: observations per scenario, and how many match no planted fact;
- distractor leaks: distractors that became (part of) an observation;
- search recall@5: each question, through ``Memory.search(question, Filters(), 5)``, finds an
  observation that captured its fact.

Throughput is extraction alone (chunk text MB/s) and the whole path (transcript file MB/s:
read, chunk, extract) over the scenarios and the shared fixtures. Prints a table and writes
JSON under ``bench/results/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from memgit.api import Memory, initialize  # noqa: E402
from memgit.extract.base import ChunkInput, Extractor  # noqa: E402
from memgit.extract.heuristic import HeuristicExtractor  # noqa: E402
from memgit.model import Observation, compose_body  # noqa: E402
from memgit.paths import find_paths  # noqa: E402
from memgit.query import Filters  # noqa: E402
from memgit.transcript import chunk_transcript, read_transcript  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels.json"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "transcripts"
RESULTS = ROOT / "bench" / "results"


@dataclass
class ScenarioResult:
    name: str
    facts: int
    captured: int
    captured_any: int
    observations: int
    unmatched: int
    leaks: list[str]
    questions: int
    found_at_5: int
    missed_facts: list[str] = field(default_factory=list)
    mistyped: list[str] = field(default_factory=list)
    missed_questions: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


@dataclass
class Throughput:
    files: int
    transcript_bytes: int
    chunk_chars: int
    chunks: int
    candidates: int
    extract_seconds: float
    total_seconds: float

    @property
    def extract_mb_s(self) -> float:
        return self.chunk_chars / 1e6 / max(self.extract_seconds, 1e-9)

    @property
    def transcript_mb_s(self) -> float:
        return self.transcript_bytes / 1e6 / max(self.total_seconds, 1e-9)


@dataclass
class Report:
    extractor: str
    scenarios: list[ScenarioResult]
    scenario_speed: Throughput
    fixture_speed: Throughput | None

    def total(self, key: str) -> int:
        return sum(int(getattr(s, key)) for s in self.scenarios)

    @property
    def recall(self) -> float:
        return self.total("captured") / max(1, self.total("facts"))

    @property
    def recall_any(self) -> float:
        return self.total("captured_any") / max(1, self.total("facts"))

    @property
    def search_recall(self) -> float:
        return self.total("found_at_5") / max(1, self.total("questions"))

    @property
    def unmatched_share(self) -> float:
        return self.total("unmatched") / max(1, self.total("observations"))

    @property
    def leaks(self) -> int:
        return sum(len(s.leaks) for s in self.scenarios)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "extractor": self.extractor,
            "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "capture_recall": round(self.recall, 3),
            "capture_recall_any_type": round(self.recall_any, 3),
            "search_recall_at_5": round(self.search_recall, 3),
            "observations": self.total("observations"),
            "unmatched_observations": self.total("unmatched"),
            "distractor_leaks": self.leaks,
            "scenarios": [asdict(s) for s in self.scenarios],
        }
        for label, speed in (
            ("scenario_speed", self.scenario_speed),
            ("fixture_speed", self.fixture_speed),
        ):
            if speed is not None:
                data[label] = {
                    **asdict(speed),
                    "extract_mb_s": round(speed.extract_mb_s, 2),
                    "transcript_mb_s": round(speed.transcript_mb_s, 2),
                }
        return data


# --- matching ------------------------------------------------------------------------------------


def _term(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(term.lower())}(?![\w])")


def matches(obs: Observation, groups: Sequence[Sequence[str]]) -> bool:
    """Whether ``obs`` holds one term of every group (case-insensitive, whole words)."""
    text = f"{obs.title}\n{obs.body}".lower()
    return all(any(_term(t).search(text) for t in group) for group in groups)


# --- running -------------------------------------------------------------------------------------


def _git_repo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    initialize(find_paths(folder))
    return folder


def capture(memory: Memory, transcript: Path, extractor: Extractor) -> tuple[int, int, float]:
    """Extract every chunk of ``transcript`` into ``memory``; (chunks, chunk chars, seconds)."""
    read = read_transcript(transcript, final=True)
    chunks = chunk_transcript(read)
    spent = 0.0
    for chunk in chunks:
        start = time.perf_counter()
        result = extractor.extract(
            ChunkInput(chunk.text, chunk.files, chunk.session_id, chunk.branch), []
        )
        spent += time.perf_counter() - start
        for c in result.candidates:
            memory.remember(
                c.type,
                c.title,
                compose_body(c.narrative, c.facts),
                files=c.files,
                tags=c.tags,
                confidence=c.confidence,
                source=extractor.source,
                session=chunk.session_id,
                branch=chunk.branch,
            )
    return len(chunks), sum(len(c.text) for c in chunks), spent


def evaluate_scenario(
    spec: dict[str, Any], folder: Path, extractor: Extractor
) -> tuple[ScenarioResult, tuple[int, int, float]]:
    memory = Memory.open(_git_repo(folder))
    stats = capture(memory, HERE / spec["file"], extractor)
    observations = [h.observation for h in memory.listing(Filters(), None)]
    facts = spec["facts"]
    by_fact = {f["id"]: [o for o in observations if matches(o, f["terms"])] for f in facts}
    captured = [f for f in facts if any(o.type == f["type"] for o in by_fact[f["id"]])]
    captured_any = [f for f in facts if by_fact[f["id"]]]
    matched_ids = {o.id for found in by_fact.values() for o in found}
    leaks = [
        d["note"]
        for d in spec.get("distractors", [])
        if any(matches(o, d["terms"]) for o in observations)
    ]
    found = 0
    missed_questions = []
    for question in spec["questions"]:
        wanted = {o.id for o in by_fact[question["fact"]]}
        hits = memory.search(question["text"], Filters(), 5)
        if wanted & {h.observation.id for h in hits}:
            found += 1
        else:
            missed_questions.append(question["text"])
    result = ScenarioResult(
        name=spec["name"],
        facts=len(facts),
        captured=len(captured),
        captured_any=len(captured_any),
        observations=len(observations),
        unmatched=sum(1 for o in observations if o.id not in matched_ids),
        leaks=leaks,
        questions=len(spec["questions"]),
        found_at_5=found,
        missed_facts=[f["id"] for f in facts if f not in captured_any],
        mistyped=[
            f"{f['id']}: planted {f['type']}, captured as "
            + "/".join(sorted({o.type for o in by_fact[f["id"]]}))
            for f in captured_any
            if f not in captured
        ],
        missed_questions=missed_questions,
        titles=[f"{o.type}: {o.title}" for o in observations],
    )
    return result, stats


def fixture_speed(paths: Iterable[Path], extractor: Extractor) -> Throughput:
    """Read, chunk and extract every transcript (no writes): the offline capture's speed."""
    files = size = chars = count = found = 0
    extract_time = total_time = 0.0
    for path in paths:
        files += 1
        size += path.stat().st_size
        start = time.perf_counter()
        chunks = chunk_transcript(read_transcript(path, final=True))
        for chunk in chunks:
            t0 = time.process_time()  # CPU time: steadier than wall time on a shared machine
            result = extractor.extract(
                ChunkInput(chunk.text, chunk.files, chunk.session_id, chunk.branch), []
            )
            extract_time += time.process_time() - t0
            found += len(result.candidates)
            chars += len(chunk.text)
        count += len(chunks)
        total_time += time.perf_counter() - start
    return Throughput(files, size, chars, count, found, extract_time, total_time)


def run(
    extractor: Extractor | None = None,
    *,
    labels: Path = LABELS,
    fixtures: Path | None = FIXTURES,
    workdir: Path | None = None,
) -> Report:
    extractor = extractor or HeuristicExtractor()
    specs = json.loads(labels.read_text(encoding="utf-8"))["scenarios"]
    results = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for spec in specs:
            results.append(evaluate_scenario(spec, Path(tmp) / spec["name"], extractor))
    scenario_files = [HERE / s["file"] for s in specs]
    scenario_speed = fixture_speed(scenario_files, extractor)
    fixture_paths = sorted(fixtures.glob("*.jsonl")) if fixtures and fixtures.is_dir() else []
    speed = fixture_speed(fixture_paths, extractor) if fixture_paths else None
    return Report(extractor.source, [r for r, _ in results], scenario_speed, speed)


def table(report: Report) -> str:
    lines = [
        f"{'scenario':22} {'facts':>5} {'typed':>5} {'any':>4} {'obs':>4} {'unmatched':>9} "
        f"{'leaks':>5} {'q@5':>6}",
    ]
    for s in report.scenarios:
        lines.append(
            f"{s.name:22} {s.facts:5} {s.captured:5} {s.captured_any:4} {s.observations:4} "
            f"{s.unmatched:9} {len(s.leaks):5} {s.found_at_5:3}/{s.questions:<2}"
        )
    lines.append(
        f"{'total':22} {report.total('facts'):5} {report.total('captured'):5} "
        f"{report.total('captured_any'):4} {report.total('observations'):4} "
        f"{report.total('unmatched'):9} {report.leaks:5} "
        f"{report.total('found_at_5'):3}/{report.total('questions'):<2}"
    )
    lines.append("")
    lines.append(
        f"capture recall {report.recall:.2f} (type-correct), {report.recall_any:.2f} (any type); "
        f"search recall@5 {report.search_recall:.2f}; "
        f"{report.total('observations') / max(1, len(report.scenarios)):.1f} observations per "
        f"scenario, {report.unmatched_share:.0%} matching no planted fact; "
        f"{report.leaks} distractor leaks"
    )
    for label, speed in (("scenarios", report.scenario_speed), ("fixtures", report.fixture_speed)):
        if speed is None:
            continue
        lines.append(
            f"speed on {label}: {speed.files} files, {speed.transcript_bytes / 1e6:.2f} MB, "
            f"{speed.chunks} chunks -> {speed.candidates} candidates; extraction "
            f"{speed.extract_mb_s:.1f} MB/s of chunk text (CPU); read+chunk+extract "
            f"{speed.transcript_mb_s:.1f} MB/s of transcript (wall)"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extractor", default="heuristic", choices=["heuristic"])
    parser.add_argument(
        "--show", action="store_true", help="print each scenario's observations and misses"
    )
    parser.add_argument("--json", type=Path, help="where to write the JSON report")
    args = parser.parse_args()
    report = run(HeuristicExtractor())
    print(table(report))
    if args.show:
        for s in report.scenarios:
            print(f"\n## {s.name}")
            for title in s.titles:
                print(f"   {title}")
            for fact in s.missed_facts:
                print(f"   MISSED fact: {fact}")
            for fact in s.mistyped:
                print(f"   MISTYPED: {fact}")
            for question in s.missed_questions:
                print(f"   MISSED question: {question}")
            for leak in s.leaks:
                print(f"   LEAK: {leak}")
    target = (
        args.json or RESULTS / f"eval-{report.extractor}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
