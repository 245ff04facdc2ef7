"""False alarms of the contradiction rule on memory nobody wrote for it.

    python bench/contradictions.py [--show] [--synthetic 1000]

1. Every eval scenario (``bench/eval/scenarios/*.jsonl``, sessions about made-up teams' code)
   is captured with the offline extractor into ONE fresh repository, as a project that had all
   those sessions would be, and every pair the rule flags among the active permanent
   observations is printed. The scenarios plant no contradiction, so every flagged pair is a
   false alarm unless reading it shows otherwise (``--show`` prints them to judge).
   The held-out eval sessions (``bench/eval/heldout``) are captured the same way, apart.
2. The real transcripts in ``../shared/fixtures/transcripts`` (when present), captured the same
   way into a second repository, counted the same way.
3. The benchmarks' synthetic corpus (``bench/corpus.py``: "use X instead of Y because Z"
   decisions, gotchas, patterns over one vocabulary) of ``--synthetic`` observations: the same
   count, by rule. Its decisions are drawn at random, so "X instead of Y" next to "Y instead of X"
   happens there and is a real disagreement of that corpus.

The rule itself (``memgit.contradictions``) was written against the pairs in
``tests/test_contradictions.py``, before these were run; these sets are reported, not tuned on.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from memgit.api import Memory, initialize  # noqa: E402
from memgit.capture import ingest_transcript  # noqa: E402
from memgit.contradictions import all_contradictions  # noqa: E402
from memgit.extract.heuristic import HeuristicExtractor  # noqa: E402
from memgit.model import PERMANENT_TYPES  # noqa: E402
from memgit.paths import find_paths  # noqa: E402

#: Written after the rule, never used to change it: (title, title, disagree?).
HELD_OUT: list[tuple[str, str, bool]] = [
    ("Always run migrations before deploying", "Run migrations after deploying", True),
    (
        "Store sessions in Redis rather than Postgres",
        "Keep sessions in Postgres instead of Redis",
        True,
    ),
    ("The API client is synchronous", "The API client is asynchronous", True),
    ("Feature flags are not cached", "Feature flags are cached for 60 seconds", True),
    ("MAX_UPLOAD_MB = 50", "MAX_UPLOAD_MB = 100", True),
    ("Use pnpm, not npm", "Use npm instead of pnpm", True),
    ("Log level must be DEBUG in staging", "Log level must be INFO in staging", True),
    ("Do not commit .env files", "Commit .env.example with placeholder values", False),
    ("Never log request bodies", "Log request ids on every request", False),
    ("Use Redis for the job queue", "Use Postgres for the session store", False),
    ("Retry on 503 errors", "Do not retry on 400 errors", False),
    ("Enable strict mode in mypy", "Enable strict mode in TypeScript", False),
    ("The worker is not thread-safe", "The cache is not thread-safe", False),
    ("timeout = 30 in the harbor client", "retries = 30 in the harbor client", False),
]

SCENARIOS = ROOT / "bench" / "eval" / "scenarios"
HELDOUT_SESSIONS = ROOT / "bench" / "eval" / "heldout"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "transcripts"


def captured(folder: Path, transcripts: list[Path]) -> Memory:
    """One fresh repository holding what the offline extractor captures from ``transcripts``."""
    import subprocess

    subprocess.run(["git", "init", "-q", folder], check=True)
    initialize(find_paths(folder))
    memory = Memory.open(folder, environ={})
    extractor = HeuristicExtractor()
    for path in transcripts:
        ingest_transcript(memory, path, extractor, clean=memory.redactor.clean, final=True)
    return memory


def report(label: str, memory: Memory, show: bool) -> None:
    observations, _ = memory.store.load_all()
    live = [o for o in observations if o.active and o.type in PERMANENT_TYPES]
    pairs = all_contradictions(live)
    count = len(live)
    print(
        f"{label}: {count} active permanent observations, {count * (count - 1) // 2} pairs, "
        f"{len(pairs)} flagged ({dict(Counter(p.rule for p in pairs))})"
    )
    if show:
        for pair in pairs:
            print(f"  [{pair.rule}] {pair.new.title!r}  <>  {pair.old.title!r}")


def held_out(show: bool) -> None:
    from memgit.contradictions import disagree
    from memgit.model import new_observation

    hits = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for left, right, real in HELD_OUT:
        flagged = disagree(new_observation("decision", left), new_observation("decision", right))
        key = ("tp" if real else "fp") if flagged else ("fn" if real else "tn")
        hits[key] += 1
        if show and key in ("fp", "fn"):
            print(f"  held-out {key}: {left!r} <> {right!r}")
    print(
        f"held-out pairs: {sum(r for *_, r in HELD_OUT)} real contradictions, "
        f"{hits['tp']} flagged; {sum(not r for *_, r in HELD_OUT)} agreeing or unrelated "
        f"pairs, {hits['fp']} flagged (false alarms)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="print every flagged pair")
    parser.add_argument("--synthetic", type=int, default=1000, help="synthetic corpus size")
    args = parser.parse_args(argv)
    held_out(args.show)
    with tempfile.TemporaryDirectory(prefix="memgit-contradictions-") as tmp:
        sessions = sorted(SCENARIOS.glob("*.jsonl"))
        memory = captured(Path(tmp) / "eval", sessions)
        report(f"eval scenarios ({len(sessions)} sessions)", memory, args.show)
        held = sorted(HELDOUT_SESSIONS.glob("*.jsonl"))
        if held:
            memory = captured(Path(tmp) / "heldout", held)
            report(f"held-out eval sessions ({len(held)} sessions)", memory, args.show)
        real = sorted(FIXTURES.glob("*.jsonl")) if FIXTURES.is_dir() else []
        if real:
            memory = captured(Path(tmp) / "fixtures", real)
            report(f"shared fixtures ({len(real)} real transcripts)", memory, args.show)
        else:
            print(f"shared fixtures: skipped, {FIXTURES} is absent")
    if args.synthetic:
        from corpus import generate

        made = [o for o in generate(args.synthetic, 1) if o.active and o.type in PERMANENT_TYPES]
        pairs = all_contradictions(made)
        print(
            f"synthetic corpus: {args.synthetic} observations, {len(made)} active permanent, "
            f"{len(pairs)} flagged ({dict(Counter(p.rule for p in pairs))})"
        )
        if args.show:
            for pair in pairs[:40]:
                print(f"  [{pair.rule}] {pair.new.title!r}  <>  {pair.old.title!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
