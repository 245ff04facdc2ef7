from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.catalog import Catalog, for_memory
from memgit.errors import LockTimeout
from memgit.fileio import atomic_write
from memgit.model import Observation, new_observation, render_observation
from memgit.sessions import SessionSummary, render_session

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PAST = 1_700_000_000  # 2023-11-14


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settle(*paths: Path) -> None:
    """Date files and folders back (always to the same moment), as if written long before."""
    for path in paths:
        os.utime(path, (PAST, PAST))


def write(memory: Memory, ident: str, title: str, **fields: object) -> Path:
    obs = new_observation("decision", title, "body", now=T0, ident=ident, **fields)
    target = memory.paths.observations / obs.file_name()
    atomic_write(target, render_observation(obs))
    return target


def test_loads_observations_sessions_and_problems(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    write(memory, "aaaa1111", "Older", session="s-1")
    newer = new_observation("gotcha", "Newer", now=T0 + timedelta(days=1), ident="bbbb2222")
    atomic_write(memory.paths.observations / newer.file_name(), render_observation(newer))
    (memory.paths.observations / "2026-03-01-broken-cccc3333.md").write_text("no frontmatter\n")
    duplicate = memory.paths.observations / "2026-03-02-again-aaaa1111.md"
    duplicate.write_text(
        render_observation(new_observation("pattern", "Again", now=T0, ident="aaaa1111"))
    )
    summary = SessionSummary("s-1", "First session", T0, T0 + timedelta(hours=1))
    atomic_write(memory.paths.sessions / summary.file_name(), render_session(summary))
    (memory.paths.sessions / "2026-01-01-bad-xxxx.md").write_text("---\ntitle: x\n---\n")

    snap = Catalog(memory.store).snapshot()

    assert [o.id for o in snap.observations] == ["bbbb2222", "aaaa1111"]  # newest first
    assert snap.get("[m:aaaa1111]") is snap.by_id["aaaa1111"]
    assert snap.get("zzzz9999") is None
    assert snap.paths["bbbb2222"] == ".memory/observations/" + newer.file_name()
    assert [s.session for s in snap.sessions] == ["s-1"]
    assert snap.session("s-1") == summary
    problems = {p.path: p.message for p in snap.problems}
    assert "frontmatter" in problems[".memory/observations/2026-03-01-broken-cccc3333.md"]
    assert "also used by" in problems[".memory/observations/2026-03-02-again-aaaa1111.md"]
    assert "session" in problems[".memory/sessions/2026-01-01-bad-xxxx.md"]


def test_added_and_removed_files_show_at_once(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    first = write(memory, "aaaa1111", "First")
    calls: list[int] = []
    catalog = Catalog(memory.store, on_change=lambda: calls.append(1), clock=Clock())
    assert len(catalog.snapshot().observations) == 1
    write(memory, "bbbb2222", "Second")
    assert {o.id for o in catalog.snapshot().observations} == {"aaaa1111", "bbbb2222"}
    first.unlink()
    assert [o.id for o in catalog.snapshot().observations] == ["bbbb2222"]
    assert len(calls) == 3  # the first load, the addition, the removal


def test_unchanged_memory_is_not_read_again(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    path = write(memory, "aaaa1111", "First")
    settle(path, memory.paths.observations, memory.paths.sessions)
    clock = Clock()
    catalog = Catalog(memory.store, clock=clock, recheck_after=15)
    first = catalog.snapshot()
    assert catalog.snapshot() is first
    clock.now += 60  # a full recheck finds nothing new: same snapshot, same version
    assert catalog.snapshot() is first


def test_in_place_edits_show_after_the_recheck_interval(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    path = write(memory, "aaaa1111", "Original title")
    settle(path, memory.paths.observations, memory.paths.sessions)
    clock = Clock()
    catalog = Catalog(memory.store, clock=clock, recheck_after=15)
    before = catalog.snapshot()
    # An editor saving in place: the folder's mtime does not move.
    with path.open("r+", encoding="utf-8") as handle:
        text = handle.read().replace("Original title", "Edited title, longer")
        handle.seek(0)
        handle.write(text)
        handle.truncate()
    settle(memory.paths.observations)
    assert catalog.snapshot() is before
    clock.now += 16
    after = catalog.snapshot()
    assert after.version == before.version + 1
    assert after.by_id["aaaa1111"].title == "Edited title, longer"


def test_a_busy_index_is_synced_on_a_later_call(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    write(memory, "aaaa1111", "First")
    attempts: list[str] = []

    def sync() -> None:
        attempts.append("try")
        if len(attempts) == 1:
            raise LockTimeout("the search index", "index.lock", 1.0)

    catalog = Catalog(memory.store, on_change=sync)
    catalog.snapshot()
    catalog.snapshot()
    assert attempts == ["try", "try"]


def test_missing_folders_are_empty_memory(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    for folder in (memory.paths.observations, memory.paths.sessions):
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()
    snap = Catalog(memory.store).snapshot()
    assert (snap.observations, snap.sessions, snap.problems) == ((), (), ())


@pytest.mark.parametrize("ident", ["aaaa1111", "m:aaaa1111", "[m:aaaa1111]", " aaaa1111 "])
def test_citations_find_the_observation(memory_repo: Path, ident: str) -> None:
    memory = Memory.open(memory_repo)
    write(memory, "aaaa1111", "First")
    found = Catalog(memory.store).snapshot().get(ident)
    assert found is not None
    assert found.id == "aaaa1111"


def test_preloaded_copies_are_used_and_the_rest_is_read(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    covered = write(memory, "aaaa1111", "On disk")
    write(memory, "bbbb2222", "Only on disk")
    settle(covered)
    copy = new_observation("decision", "From the index", now=T0, ident="aaaa1111")
    order: list[str] = []

    def preload() -> list[tuple[str, Observation]]:
        order.append("preload")
        return [(memory.paths.relative(covered), copy), (".memory/observations/gone.md", copy)]

    catalog = Catalog(memory.store, on_change=lambda: order.append("sync"), preload=preload)
    snap = catalog.snapshot()
    assert snap.by_id["aaaa1111"].title == "From the index"  # not parsed again
    assert snap.by_id["bbbb2222"].title == "Only on disk"
    assert order == ["sync", "preload"]  # the index is synced before its copies are used


def test_for_memory_starts_from_the_index(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    added, _ = memory.add("gotcha", "Pin the base image digest", "- tags move")
    snap = for_memory(memory).snapshot()
    assert snap.by_id[added.id] == added
    assert memory.index.is_fresh()
