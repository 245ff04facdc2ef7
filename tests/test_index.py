from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from memgit.errors import LockTimeout
from memgit.index import MemoryIndex
from memgit.model import new_observation, render_observation
from memgit.paths import find_paths
from memgit.query import Filters
from memgit.store import Store

from .conftest import SRC

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


def setup(repo: Path) -> tuple[Store, MemoryIndex]:
    store = Store(find_paths(repo), lock_timeout=5)
    return store, MemoryIndex(store.paths.index, store, lock_timeout=1)


def add(store: Store, type: str, title: str, body: str = "", **fields: object):  # type: ignore[no-untyped-def]
    obs = new_observation(type, title, body, **fields)  # type: ignore[arg-type]
    store.create(obs)
    return obs


def test_index_lives_in_the_git_dir_not_the_work_tree(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    add(store, "decision", "Use RQ instead of Celery")
    index.sync()
    assert index.folder.is_dir()
    assert memory_repo / ".git" in index.folder.parents
    assert not any((memory_repo / ".memory").rglob("*.seg"))


def test_search_ranks_title_and_finds_stems(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    celery = add(store, "decision", "Dropped Celery for RQ", "Celery workers leaked memory.")
    add(store, "gotcha", "Timestamps are naive", "Parse them as UTC; celery is unrelated.")
    add(store, "pattern", "Always run ruff before commit")
    hits = index.search("why did we drop celery")
    assert hits[0].observation == celery
    assert hits[0].path.startswith(".memory/observations/")
    assert hits[0].score > 0
    assert [h.observation.title for h in index.search("commits")] == [
        "Always run ruff before commit"
    ]


def test_tags_and_files_are_searchable_and_filterable(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    worker = add(store, "gotcha", "Retry storms", files=("src/app/worker.py",), tags=("queue",))
    add(store, "gotcha", "Other thing", files=("src/web/views.py",))
    assert index.search("queue")[0].observation == worker
    assert index.search("worker")[0].observation == worker
    assert [h.observation for h in index.list(Filters(file="src/app"))] == [worker]
    assert [h.observation for h in index.list(Filters(file="src/app/worker.py"))] == [worker]
    assert index.list(Filters(file="src/ap")) == []


def test_filters_by_type_status_and_date(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    old = add(store, "progress", "Migrated half the tables", now=NOW - timedelta(days=30))
    new = add(store, "progress", "Migrated the other tables", now=NOW)
    gone = add(store, "decision", "Tables migrated by hand", status="expired", now=NOW)
    assert [h.observation for h in index.list(Filters(types=("progress",)))] == [new, old]
    assert [h.observation for h in index.list(Filters(since=NOW - timedelta(days=1)))] == [new]
    assert [h.observation for h in index.list(Filters(statuses=("expired",)))] == [gone]
    assert len(index.list(Filters(statuses=()))) == 3
    assert [h.observation for h in index.search("tables", Filters(types=("decision",)))] == []


def test_sync_reads_only_changed_files(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    for n in range(5):
        add(store, "gotcha", f"gotcha number {n}")
    first = index.sync()
    assert first.rebuilt
    assert first.added == 5
    assert index.sync().changed == 0
    add(store, "gotcha", "a sixth one")
    report = index.sync()
    assert (report.added, report.updated, report.removed, report.rebuilt) == (1, 0, 0, False)


def test_edits_and_deletions_behind_its_back_are_noticed(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    keep = add(store, "gotcha", "Original title about parsers")
    drop = add(store, "gotcha", "Soon deleted")
    index.sync()
    path = store.path_for(keep)
    text = path.read_text(encoding="utf-8").replace(
        "Original title about parsers", "Edited by hand for lexers"
    )
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(1, 1))  # even an edit that keeps an old mtime changes the size here
    store.path_for(drop).unlink()
    assert not index.is_fresh()
    hits = index.search("lexers")  # searching syncs first
    assert [h.observation.title for h in hits] == ["Edited by hand for lexers"]
    assert index.search("deleted") == []
    assert index.is_fresh()


def test_a_file_broken_later_drops_out_and_is_reported(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    obs = add(store, "gotcha", "Will break")
    index.sync()
    store.path_for(obs).write_text("---\nid: [\n", encoding="utf-8")
    report = index.sync()
    assert report.updated == 1
    assert "never closed" in report.problems[0].message or "YAML" in report.problems[0].message
    assert index.search("break") == []
    assert index.health().problems


def test_a_damaged_or_missing_index_is_rebuilt(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    add(store, "gotcha", "Survives damage")
    index.sync()
    for item in index.folder.iterdir():
        item.unlink()
    assert index.search("damage")[0].observation.title == "Survives damage"
    index.manifest_path.unlink()
    assert index.sync().rebuilt


def test_git_pull_of_many_files_is_an_incremental_sync(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    for n in range(20):
        add(store, "pattern", f"pattern {n}")
    index.sync()
    incoming = [new_observation("decision", f"pulled decision {n}") for n in range(50)]
    for obs in incoming:  # as `git pull` writes them: plain files, no memgit involved
        (store.paths.observations / obs.file_name()).write_text(
            render_observation(obs), encoding="utf-8"
        )
    report = index.sync()
    assert not report.rebuilt
    assert report.added == 50
    assert len(index.list(Filters(types=("decision",)))) == 50


def test_a_locked_index_still_answers_searches(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    add(store, "gotcha", "Indexed before the lock")
    index.sync()
    add(store, "gotcha", "Added while locked")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                sys.path.insert(0, {str(SRC)!r})
                from pathlib import Path
                from memgit.fileio import file_lock
                with file_lock(Path({str(index.lock_path)!r}), timeout=5):
                    print("locked", flush=True)
                    time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        titles = [h.observation.title for h in index.search("indexed lock")]
        assert titles == ["Indexed before the lock"]  # stale but answering
        with pytest.raises(LockTimeout, match="search index is busy"):
            index.sync()
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    assert {h.observation.title for h in index.search("lock")} == {
        "Indexed before the lock",
        "Added while locked",
    }


def test_get_and_health(memory_repo: Path) -> None:
    store, index = setup(memory_repo)
    obs = add(store, "architecture", "Three services talk through Redis")
    assert index.health().exists is False
    index.sync()
    hit = index.get(obs.id)
    assert hit is not None
    assert hit.observation == obs
    assert index.get("nope1234") is None
    health = index.health()
    assert (health.exists, health.documents, health.stale) == (True, 1, 0)


def test_searches_check_every_file_at_most_once_a_minute(memory_repo: Path) -> None:
    import memgit.index

    store, index = setup(memory_repo)
    obs = add(store, "gotcha", "Original wording about lexers")
    assert index.search("lexers")  # builds the index
    assert index.search("lexers")  # a full check finds nothing changed: stamped
    path = store.path_for(obs)
    # An in-place edit (same inode, the folder's mtime unchanged) within the quick window...
    path.write_text(
        path.read_text(encoding="utf-8").replace("about lexers", "about parsers"), encoding="utf-8"
    )
    assert [h.observation.title for h in index.search("lexers")] == [
        "Original wording about lexers"
    ]
    # ...is seen once the window has passed,
    old = memgit.index.QUICK_SECONDS
    memgit.index.QUICK_SECONDS = 0.0
    try:
        assert [h.observation.title for h in index.search("parsers")] == [
            "Original wording about parsers"
        ]
    finally:
        memgit.index.QUICK_SECONDS = old
    # and a file added, removed or renamed is seen at once.
    add(store, "gotcha", "Brand new gotcha about tokenizers")
    assert index.search("tokenizers")


def test_manifest_written_in_slices_reads_as_one_document(
    memory_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import memgit.index

    monkeypatch.setattr(memgit.index, "MANIFEST_SLICE", 2)
    store, index = setup(memory_repo)
    for n in range(5):
        add(store, "pattern", f"Note number {n} about queues", "body")
    index.rebuild()
    raw = index.manifest_path.read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, separators=(",", ":"))
    assert len(data["files"]) == 5
    assert index.is_fresh()
    assert not list(index.manifest_path.parent.glob(".index-manifest.json.*"))
