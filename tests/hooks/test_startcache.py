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
