"""Throughput of transcript reading and chunking over the shared fixtures (MB/s, median of runs).

    python bench/transcript_throughput.py [--runs 7] [--fixtures ../shared/fixtures/transcripts]

Reads every fixture in one pass (final mode), chunks it at the default sizes, and reports the
median wall time of the whole set, plus an incremental pass that re-reads a file grown in ten
appends (the hook path).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from memgit.transcript import advance, chunk_transcript, read_transcript

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "transcripts"


def one_pass(paths: list[Path]) -> tuple[int, int, int]:
    turns = chunks = 0
    size = 0
    for path in paths:
        transcript = read_transcript(path, final=True)
        turns += len(transcript.turns)
        chunks += len(chunk_transcript(transcript))
        size += path.stat().st_size
    return size, turns, chunks


def incremental_pass(data: bytes, target: Path, steps: int = 10) -> None:
    target.write_bytes(b"")
    transcript = read_transcript(target)
    cursor = transcript.cursor
    for k in range(1, steps + 1):
        with target.open("ab") as handle:
            handle.write(data[len(data) * (k - 1) // steps : len(data) * k // steps])
        transcript = read_transcript(target, cursor, final=k == steps)
        chunk_transcript(transcript)
        cursor = advance(transcript.cursor, transcript.end)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT)
    args = parser.parse_args()
    paths = sorted(args.fixtures.glob("*.jsonl"))
    if not paths:
        print(f"no transcripts in {args.fixtures}", file=sys.stderr)
        return 1
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        size, turns, chunks = one_pass(paths)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    megabytes = size / 1e6
    print(f"{len(paths)} files, {megabytes:.2f} MB, {turns} turns, {chunks} chunks")
    print(f"read + chunk (final): median {median * 1000:.0f} ms -> {megabytes / median:.1f} MB/s")
    biggest = max(paths, key=lambda p: p.stat().st_size)
    data = biggest.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        inc = []
        for _ in range(args.runs):
            start = time.perf_counter()
            incremental_pass(data, Path(tmp) / "grow.jsonl")
            inc.append(time.perf_counter() - start)
    median = statistics.median(inc)
    print(
        f"incremental, {biggest.name[:40]}… in 10 appends: median {median * 1000:.0f} ms "
        f"-> {len(data) / 1e6 / median:.1f} MB/s of transcript"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
