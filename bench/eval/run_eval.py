"""Capture quality of the offline extractor, scored through the command line a user runs.

    python bench/eval/run_eval.py [--set tuned|heldout|heldout2|real] [--show] [--json PATH]

Sets: ``tuned`` (``labels.json``: the sessions the extractor was tuned on), ``heldout``
(``heldout-labels.json``: the first set written by someone else, run once to report and tuned on
since), ``heldout2`` (``heldout2-labels.json``: the second, run only to report) and ``real``
(``real-labels.json``: hand labels for the real transcripts in ``../shared/fixtures``).

For each session: a fresh git repository, ``memgit init --no-hooks``, ``memgit ingest FILE
--extractor heuristic``, ``memgit list --json``, and ``memgit search QUESTION --json --limit 5``
for each question (the CLI's own ``main``, in-process, with the repository as working folder and
a throw-away home). Then:

- capture recall: labelled facts found in an active observation (title + body hold a term of
  every group), with the labelled type, and with any type;
- noise rate: observations that match no labelled fact and no labelled acceptable extra (a
  progress line or stack note the labeller would keep), over all observations;
- duplicate rate: captured facts stored twice, over captured facts: two active observations
  whose main subject is the fact (of the facts an observation matches, the one with the most
  terms in its title) and that are of the same type or share half their title words;
- distractor leaks: distractors that became (part of) an observation;
- search recall@5: each question finds an observation that captured its fact.

Throughput is extraction alone (chunk text MB/s, CPU time) and the whole path (transcript file
MB/s: read, chunk, extract) over the set's sessions and the shared fixtures. Prints a table and
writes JSON under ``bench/results/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from memgit.cli import main as memgit_main  # noqa: E402
from memgit.extract.base import ChunkInput, Extractor  # noqa: E402
from memgit.extract.heuristic import HeuristicExtractor  # noqa: E402
from memgit.transcript import chunk_transcript, read_transcript  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels.json"
HELDOUT_LABELS = HERE / "heldout-labels.json"
HELDOUT2_LABELS = HERE / "heldout2-labels.json"
REAL_LABELS = HERE / "real-labels.json"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "transcripts"
RESULTS = ROOT / "bench" / "results"
SETS = {
    "tuned": LABELS,
    "heldout": HELDOUT_LABELS,
    "heldout2": HELDOUT2_LABELS,
    "real": REAL_LABELS,
}


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
    noise: int = 0
    duplicated: int = 0
    missed_facts: list[str] = field(default_factory=list)
    mistyped: list[str] = field(default_factory=list)
    missed_questions: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    noisy_titles: list[str] = field(default_factory=list)
    duplicated_facts: list[str] = field(default_factory=list)


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
    set: str = "tuned"

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
    def noise_rate(self) -> float:
        return self.total("noise") / max(1, self.total("observations"))

    @property
    def duplicate_rate(self) -> float:
        return self.total("duplicated") / max(1, self.total("captured_any"))

    @property
    def leaks(self) -> int:
        return sum(len(s.leaks) for s in self.scenarios)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "extractor": self.extractor,
            "set": self.set,
            "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "capture_recall": round(self.recall, 3),
            "capture_recall_any_type": round(self.recall_any, 3),
            "search_recall_at_5": round(self.search_recall, 3),
            "noise_rate": round(self.noise_rate, 3),
            "duplicate_rate": round(self.duplicate_rate, 3),
            "observations": self.total("observations"),
            "unmatched_observations": self.total("unmatched"),
            "noise_observations": self.total("noise"),
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


def _text(obs: dict[str, Any]) -> str:
    return f"{obs['title']}\n{obs['body']}".lower()


def matches(obs: dict[str, Any], groups: Sequence[Sequence[str]]) -> bool:
    """Whether ``obs`` holds one term of every group (case-insensitive, whole words)."""
    text = _text(obs)
    return all(any(_term(t).search(text) for t in group) for group in groups)


def _title_weight(obs: dict[str, Any], groups: Sequence[Sequence[str]]) -> int:
    title = str(obs["title"]).lower()
    return sum(1 for group in groups for t in group if _term(t).search(title))


def main_fact(obs: dict[str, Any], facts: Sequence[dict[str, Any]]) -> str | None:
    """The fact an observation is mainly about: of those it matches, the one with the most terms
    in its title (the first labelled one on a tie); ``None`` when it matches none."""
    found = [f for f in facts if matches(obs, f["terms"])]
    if not found:
        return None
    return max(found, key=lambda f: _title_weight(obs, f["terms"]))["id"]


_WORDS = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def _title_words(obs: dict[str, Any]) -> set[str]:
    return {w for w in _WORDS.findall(str(obs["title"]).lower()) if len(w) > 2}


def duplicated_facts(
    observations: Sequence[dict[str, Any]], facts: Sequence[dict[str, Any]]
) -> list[str]:
    """Facts stored twice: two active observations mainly about the fact that are of the same
    type, or whose titles share half their words (a gotcha and a pattern saying the same)."""
    about: dict[str, list[dict[str, Any]]] = {}
    for obs in observations:
        subject = main_fact(obs, facts)
        if subject is not None:
            about.setdefault(subject, []).append(obs)
    out = []
    for fact, found in about.items():
        pairs = [(a, b) for i, a in enumerate(found) for b in found[i + 1 :]]
        for a, b in pairs:
            left, right = _title_words(a), _title_words(b)
            overlap = len(left & right) / max(1, len(left | right))
            if a["type"] == b["type"] or overlap >= 0.5:
                out.append(fact)
                break
    return sorted(out)


# --- the command line, in-process ----------------------------------------------------------------


@contextlib.contextmanager
def _inside(folder: Path, home: Path) -> Iterator[None]:
    """Run with ``folder`` as the working folder and ``home`` as HOME (nothing real is touched)."""
    before = os.getcwd()
    saved = {k: os.environ.get(k) for k in ("HOME", "CLAUDE_CONFIG_DIR", "ANTHROPIC_API_KEY")}
    os.environ["HOME"] = str(home)
    os.environ["CLAUDE_CONFIG_DIR"] = str(home / ".claude")
    os.environ.pop("ANTHROPIC_API_KEY", None)
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def memgit(*argv: str) -> str:
    """``memgit ARGV`` through the CLI's entry point; its stdout. Raises on a non-zero exit."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = memgit_main(list(argv))
    if code != 0:
        raise RuntimeError(f"memgit {' '.join(argv)} exited {code}: {err.getvalue().strip()}")
    return out.getvalue()


def _json_out(*argv: str) -> list[dict[str, Any]]:
    data = json.loads(memgit(*argv))
    assert isinstance(data, list)
    return data


def evaluate_scenario(
    spec: dict[str, Any], transcript: Path, folder: Path, extractor: str = "heuristic"
) -> ScenarioResult:
    """One session through the CLI: init, ingest, list, search; scored against its labels."""
    repo = folder / "repo"
    repo.mkdir(parents=True)
    (folder / "home").mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    with _inside(repo, folder / "home"):
        memgit("init", "--no-hooks", "--no-git-hooks")
        # An empty session file has nothing to learn (ingest refuses it as not a transcript).
        if transcript.stat().st_size:
            memgit("ingest", str(transcript), "--extractor", extractor)
        observations = _json_out("list", "--json")
        searches = {
            q["text"]: _json_out("search", q["text"], "--json", "--limit", "5")
            for q in spec.get("questions", [])
        }
    facts = spec["facts"]
    by_fact = {f["id"]: [o for o in observations if matches(o, f["terms"])] for f in facts}
    captured = [f for f in facts if any(o["type"] == f["type"] for o in by_fact[f["id"]])]
    captured_any = [f for f in facts if by_fact[f["id"]]]
    extras = spec.get("acceptable", [])
    matched_ids = {o["id"] for found in by_fact.values() for o in found}
    noisy = [
        o
        for o in observations
        if o["id"] not in matched_ids and not any(matches(o, x["terms"]) for x in extras)
    ]
    duplicated = duplicated_facts(observations, facts)
    leaks = [
        d["note"]
        for d in spec.get("distractors", [])
        if any(matches(o, d["terms"]) for o in observations)
    ]
    found = 0
    missed_questions = []
    for question in spec.get("questions", []):
        wanted = {o["id"] for o in by_fact[question["fact"]]}
        if wanted & {h["id"] for h in searches[question["text"]]}:
            found += 1
        else:
            missed_questions.append(question["text"])
    return ScenarioResult(
        name=spec["name"],
        facts=len(facts),
        captured=len(captured),
        captured_any=len(captured_any),
        observations=len(observations),
        unmatched=sum(1 for o in observations if o["id"] not in matched_ids),
        leaks=leaks,
        questions=len(spec.get("questions", [])),
        found_at_5=found,
        noise=len(noisy),
        duplicated=len(duplicated),
        missed_facts=[f["id"] for f in facts if f not in captured_any],
        mistyped=[
            f"{f['id']}: labelled {f['type']}, captured as "
            + "/".join(sorted({o["type"] for o in by_fact[f["id"]]}))
            for f in captured_any
            if f not in captured
        ],
        missed_questions=missed_questions,
        titles=[f"{o['type']}: {o['title']}" for o in observations],
        noisy_titles=[f"{o['type']}: {o['title']}" for o in noisy],
        duplicated_facts=duplicated,
    )


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


def load_set(which: str, labels: Path | None = None) -> list[tuple[dict[str, Any], Path]]:
    """The labelled sessions of a set, each with the transcript it labels (present ones only)."""
    path = labels or SETS[which]
    if not path.is_file():
        raise SystemExit(f"no labels for the {which} set at {path}")
    data = json.loads(path.read_text(encoding="utf-8"))
    if which == "real":
        out = []
        for spec in data["fixtures"]:
            transcript = FIXTURES / spec["file"]
            if transcript.is_file():
                out.append(({"name": spec["file"].removesuffix(".jsonl"), **spec}, transcript))
        return out
    return [(spec, path.parent / spec["file"]) for spec in data["scenarios"]]


def run(
    extractor: Extractor | None = None,
    *,
    which: str = "tuned",
    labels: Path | None = None,
    fixtures: Path | None = FIXTURES,
    workdir: Path | None = None,
) -> Report:
    extractor = extractor or HeuristicExtractor()
    sessions = load_set(which, labels)
    results = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for n, (spec, transcript) in enumerate(sessions):
            folder = Path(tmp) / f"{n:02d}"
            results.append(evaluate_scenario(spec, transcript, folder, extractor.source))
    scenario_speed = fixture_speed([t for _, t in sessions], extractor)
    fixture_paths = sorted(fixtures.glob("*.jsonl")) if fixtures and fixtures.is_dir() else []
    speed = fixture_speed(fixture_paths, extractor) if fixture_paths else None
    return Report(extractor.source, results, scenario_speed, speed, which)


def table(report: Report) -> str:
    lines = [
        f"{'session':32} {'facts':>5} {'typed':>5} {'any':>4} {'obs':>4} {'noise':>5} "
        f"{'dupl':>4} {'leaks':>5} {'q@5':>6}",
    ]
    for s in report.scenarios:
        lines.append(
            f"{s.name[:32]:32} {s.facts:5} {s.captured:5} {s.captured_any:4} {s.observations:4} "
            f"{s.noise:5} {s.duplicated:4} {len(s.leaks):5} {s.found_at_5:3}/{s.questions:<2}"
        )
    lines.append(
        f"{'total':32} {report.total('facts'):5} {report.total('captured'):5} "
        f"{report.total('captured_any'):4} {report.total('observations'):4} "
        f"{report.total('noise'):5} {report.total('duplicated'):4} {report.leaks:5} "
        f"{report.total('found_at_5'):3}/{report.total('questions'):<2}"
    )
    lines.append("")
    search = (
        f"search recall@5 {report.search_recall:.2f}; "
        if report.total("questions")
        else "no questions; "
    )
    lines.append(
        f"[{report.set}] capture recall {report.recall:.2f} (type-correct), "
        f"{report.recall_any:.2f} (any type); {search}"
        f"noise {report.noise_rate:.0%} ({report.total('noise')} of "
        f"{report.total('observations')} observations; {report.unmatched_share:.0%} match no "
        f"labelled fact); duplicates {report.duplicate_rate:.0%}; "
        f"{report.leaks} distractor leaks"
    )
    for label, speed in (("sessions", report.scenario_speed), ("fixtures", report.fixture_speed)):
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
    parser.add_argument("--set", default="tuned", choices=sorted(SETS), dest="which")
    parser.add_argument(
        "--show", action="store_true", help="print each session's observations and misses"
    )
    parser.add_argument("--json", type=Path, help="where to write the JSON report")
    args = parser.parse_args()
    report = run(HeuristicExtractor(), which=args.which)
    print(table(report))
    if args.show:
        for s in report.scenarios:
            print(f"\n## {s.name}")
            for title in s.titles:
                mark = "NOISE " if title in s.noisy_titles else ""
                print(f"   {mark}{title}")
            for fact in s.missed_facts:
                print(f"   MISSED fact: {fact}")
            for fact in s.mistyped:
                print(f"   MISTYPED: {fact}")
            for fact in s.duplicated_facts:
                print(f"   DUPLICATED: {fact}")
            for question in s.missed_questions:
                print(f"   MISSED question: {question}")
            for leak in s.leaks:
                print(f"   LEAK: {leak}")
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    target = args.json or RESULTS / f"eval-{report.set}-{report.extractor}-{stamp}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
