"""A compaction summary in the middle of a chunk does not hide the new turns around it."""

from __future__ import annotations

from pathlib import Path

from memgit.api import Memory
from memgit.capture import ingest_transcript
from memgit.extract.heuristic import HeuristicExtractor
from memgit.transcript import chunk_transcript, read_transcript

SESSION = (
    Path(__file__).resolve().parents[2] / "bench" / "eval" / "scenarios" / "checkout-flake.jsonl"
)


def test_turns_after_a_compaction_in_the_same_chunk_are_captured(memory_repo: Path) -> None:
    [chunk] = chunk_transcript(read_transcript(SESSION, final=True))
    assert chunk.compact_summary  # the summary shares the chunk with the turns after it
    memory = Memory.open(memory_repo)
    report = ingest_transcript(
        memory, SESSION, HeuristicExtractor(), clean=memory.redactor.clean, final=True
    )
    titles = [o.title.lower() for o in report.added]
    assert any("race" in t or "autosave" in t for t in titles), titles
    # What only the summary says ("retries at 0 on CI") is earlier context, not new memory.
    assert not any("retries at 0" in t for t in titles), titles
