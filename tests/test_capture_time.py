"""Captured memory keeps the session's own time: ``created`` is when it was said, not the ingest."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.capture import ingest_transcript
from memgit.context import render_section
from memgit.extract.base import Candidate, ChunkInput, Extraction, SessionNotes
from memgit.model import Observation
from memgit.sessions import latest_sessions

from .conftest import FIXTURES, Result
from .transcript_factory import Log

INGESTED = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


@dataclass
class Facts:
    """Proposes one gotcha per ``FACT:`` line the chunk holds, its narrative that line."""

    source: str = "anthropic:test-model"

    def extract(self, chunk: ChunkInput, known: Sequence[Observation]) -> Extraction:
        found = []
        for line in chunk.text.splitlines():
            _, sep, fact = line.partition("FACT: ")
            if sep:
                found.append(Candidate("gotcha", fact[:90], narrative=fact, confidence=0.8))
        return Extraction(tuple(found), SessionNotes(request="Fix the harbor importer"))


def two_day_session(path: Path, cwd: Path) -> Path:
    log = Log(cwd=str(cwd), session="sess-old-1")
    log.prompt("Why are harbor timestamps an hour off?", timestamp="2025-01-10T09:00:00.000Z")
    log.say(
        "FACT: Harbor CSV timestamps are naive local time and parse_row must tag them as UTC",
        timestamp="2025-01-10T09:01:00.000Z",
    )
    log.prompt("And the tide tables?", timestamp="2025-02-20T16:00:00.000Z")
    log.say(
        "FACT: The tide table endpoint pages at 500 rows and returns no next link on the last page",
        timestamp="2025-02-20T16:02:00.000Z",
    )
    return log.write(path)


def _ingest(repo: Path, transcript: Path) -> Memory:
    memory = Memory.open(repo)
    ingest_transcript(memory, transcript, Facts(), clean=lambda t: t, final=True, now=INGESTED)
    return memory


def test_each_observation_takes_the_time_its_turn_was_said(
    memory_repo: Path, tmp_path: Path
) -> None:
    memory = _ingest(memory_repo, two_day_session(tmp_path / "old.jsonl", memory_repo))
    found = {o.title[:10]: o for o in memory.store.load_all()[0]}
    harbor, tide = found["Harbor CSV"], found["The tide t"]
    assert harbor.created == datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    assert tide.created == datetime(2025, 2, 20, 16, 0, tzinfo=UTC)
    assert harbor.updated == harbor.created
    assert memory.store.path_for(harbor).name.startswith("2025-01-10-")
    summary = latest_sessions(memory.paths.sessions)[0]
    assert summary.started == datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    assert summary.ended == datetime(2025, 2, 20, 16, 2, tzinfo=UTC)


def test_a_backfill_lists_with_its_own_dates_and_since_follows_them(
    memory_repo: Path, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    _ingest(memory_repo, two_day_session(tmp_path / "old.jsonl", memory_repo))
    listed = cli("list", cwd=memory_repo)
    assert listed.code == 0
    assert "2025-01-10" in listed.out
    assert "2025-02-20" in listed.out
    assert "2026-" not in listed.out
    since = cli("list", "--since", "2025-02-01", cwd=memory_repo)
    assert "2025-02-20" in since.out
    assert "2025-01-10" not in since.out


def test_old_memory_ranks_below_fresh_memory_of_the_same_quality(
    memory_repo: Path, tmp_path: Path
) -> None:
    memory = _ingest(memory_repo, two_day_session(tmp_path / "old.jsonl", memory_repo))
    old = next(o for o in memory.store.load_all()[0] if o.title.startswith("Harbor"))
    fresh = Observation(
        id="f000000001",
        type="gotcha",
        title=old.title.replace("Harbor", "Quay"),
        body=old.body.replace("Harbor", "Quay"),
        created=INGESTED,
        updated=INGESTED,
        confidence=old.confidence,
        source=old.source,
    )
    section = render_section([old, fresh], INGESTED)
    assert section.index("[m:f000000001]") < section.index(f"[m:{old.id}]")


def test_a_transcript_without_times_gets_the_capture_time(
    memory_repo: Path, tmp_path: Path
) -> None:
    log = Log(cwd=str(memory_repo), session="sess-no-time")
    log.prompt("Why is it slow?")
    log.say("FACT: The importer re-reads the whole CSV for every row it validates in check_row")
    for record in log.records:
        assert isinstance(record, dict)
        del record["timestamp"]
    memory = _ingest(memory_repo, log.write(tmp_path / "untimed.jsonl"))
    (only,) = memory.store.load_all()[0]
    assert only.created == INGESTED


def test_a_time_after_the_capture_is_not_believed(memory_repo: Path, tmp_path: Path) -> None:
    log = Log(cwd=str(memory_repo), session="sess-future")
    log.prompt("Check the parser", timestamp="2031-05-05T10:00:00.000Z")
    log.say("FACT: The parser keeps a 64 KiB buffer per open file in read_block")
    memory = _ingest(memory_repo, log.write(tmp_path / "future.jsonl"))
    (only,) = memory.store.load_all()[0]
    assert only.created == INGESTED


def test_a_real_backfill_shows_the_sessions_dates(
    memory_repo: Path, cli: Callable[..., Result]
) -> None:
    fixture = FIXTURES / "transcripts" / "constructed__tidepool.jsonl"
    if not fixture.is_file():
        pytest.skip(f"the real fixtures are not at {fixture.parent}")
    local = memory_repo.parent / fixture.name
    shutil.copyfile(fixture, local)
    done = cli("ingest", "--extractor", "heuristic", "--no-generate", str(local), cwd=memory_repo)
    assert done.code == 0, done.err
    listed = cli("list", "--status", "all", cwd=memory_repo)
    dates = [line.split()[2] for line in listed.out.splitlines() if line.startswith("[m:")]
    assert dates
    assert set(dates) == {"2026-08-20"}, listed.out
