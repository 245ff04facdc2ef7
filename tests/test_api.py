from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from memgit.api import Memory
from memgit.sessions import SessionSummary, save_session


def test_remember_dedupes_and_supersedes(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    first = memory.remember(
        "decision", "Use RQ instead of Celery for background jobs", "- Celery leaked memory"
    )
    assert first.action == "new"
    again = memory.remember(
        "decision", "Use RQ instead of Celery for background jobs", "- Celery leaked memory"
    )
    assert again.action == "duplicate"
    assert again.observation.id == first.observation.id
    fuller = memory.remember(
        "decision",
        "Use RQ instead of Celery for the background jobs",
        "- Celery leaked memory\n- RQ needs Redis 6",
    )
    assert fuller.action == "superseded"
    assert fuller.replaced is not None
    assert fuller.observation.supersedes == (first.observation.id,)
    old, _ = memory.get(first.observation.id)
    assert (old.status, old.superseded_by) == ("superseded", fuller.observation.id)
    other = memory.remember("gotcha", "Use RQ instead of Celery for background jobs")
    assert other.action == "new"  # a different type never dedupes


def test_timeline_by_session_and_around_an_id(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    topics = ["users table", "billing service", "search api", "email worker", "audit log"]
    made = [
        memory.remember("progress", f"Migrated the {topic}", session="s1").observation
        for topic in topics
    ]
    memory.remember("gotcha", "unrelated gotcha", session="s2")
    timeline = memory.timeline(session="s1")
    assert {h.observation.id for h in timeline} == {o.id for o in made}
    assert [h.observation.created for h in timeline] == sorted(o.created for o in made)
    around = memory.timeline(around=made[2].id, limit=3)
    assert made[2].id in [h.observation.id for h in around]
    assert len(around) == 3


def test_session_summary_is_read_back_by_session_id(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    moment = datetime(2026, 8, 20, 14, 2, tzinfo=UTC)
    summary = SessionSummary(
        session="6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43",
        title="Fix the connection pool",
        started=moment,
        ended=moment,
        learned=("pg allows 20 connections",),
    )
    with memory.store.lock():
        save_session(memory.paths.sessions, summary)
    assert memory.session_summary(summary.session) == summary
    assert memory.session_summary("6b1f3c2e-0000-4f0b-9c77-2e5d1a9b0c43") is None
