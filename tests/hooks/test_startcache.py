from __future__ import annotations

import os
from pathlib import Path

from memgit.api import Memory
from memgit.hooks import startcache
from memgit.hooks.recall import prepare_session_start, session_start_text
from memgit.model import utcnow


def test_prepared_context_is_used_until_memory_changes(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    memory.remember("progress", "Half of the billing tables are migrated", branch="main")
    root, git_dir = str(memory_repo), str(memory_repo / ".git")
    day = utcnow().strftime("%Y-%m-%d")
    assert startcache.read(root, git_dir, day) is None
    prepare_session_start(memory)
    prepared = startcache.read(root, git_dir, day)
    assert prepared == session_start_text(memory, None)
    assert prepared is not None
    assert "billing tables" in prepared
    assert startcache.read(root, git_dir, "2000-01-01") is None  # decay moves daily
    memory.remember("coordination", "Dana owns the billing migration until Friday")
    os.utime(memory_repo / ".memory" / "observations", ns=(1, 1))
    assert startcache.read(root, git_dir, day) is None


def test_a_change_while_preparing_is_not_cached(memory_repo: Path) -> None:
    root, git_dir = str(memory_repo), str(memory_repo / ".git")
    before = startcache.marks(root, git_dir)
    os.utime(memory_repo / ".memory" / "sessions", ns=(5, 5))
    startcache.write(root, git_dir, "2026-11-24", "stale text", before)
    assert not (memory_repo / ".git" / "memgit" / startcache.FILE).exists()


def test_a_resumed_session_is_not_given_its_own_summary_as_the_last(memory_repo: Path) -> None:
    """The prepared text names the latest session; on resume that is the session itself (found
    with the real CLI's ``--resume``), so the hook builds the context live, without it."""
    from memgit.hooks import dispatch
    from memgit.sessions import SessionSummary, save_session

    memory = Memory.open(memory_repo)
    now = utcnow()
    summary = SessionSummary(session="s-1", title="Fix the harbor parser", started=now, ended=now)
    save_session(memory.paths.sessions, summary)
    prepare_session_start(memory)
    state = str(memory_repo / ".git" / "memgit")
    fresh = dispatch(
        "SessionStart", {"session_id": "s-2", "source": "startup"}, str(memory_repo), state
    )
    assert "Fix the harbor parser" in fresh
    resumed = dispatch(
        "SessionStart", {"session_id": "s-1", "source": "resume"}, str(memory_repo), state
    )
    assert "Fix the harbor parser" not in resumed
