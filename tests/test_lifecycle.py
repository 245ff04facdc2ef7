from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from memgit.config import LifecycleConfig
from memgit.lifecycle import plan_gc, run_gc
from memgit.model import new_observation
from memgit.paths import find_paths
from memgit.store import Store

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def test_plan_expires_decayed_ephemeral_and_prunes_old_history() -> None:
    policy = LifecycleConfig(half_life_days=7, expire_below=0.1, prune_after_days=180)
    fresh = new_observation("progress", "Half the tables migrated", now=NOW - timedelta(days=2))
    stale = new_observation("progress", "Old progress", now=NOW - timedelta(days=40))
    decision = new_observation("decision", "Old but permanent", now=NOW - timedelta(days=400))
    history = replace(
        new_observation("decision", "Replaced long ago", now=NOW - timedelta(days=200)),
        status="superseded",
    )
    recent_history = replace(
        new_observation("decision", "Replaced lately", now=NOW), status="expired"
    )
    report = plan_gc([fresh, stale, decision, history, recent_history], NOW, policy)
    assert report.expired == [stale]
    assert report.pruned == [history]
    assert plan_gc([history], NOW, replace(policy, prune_after_days=0)).pruned == []


def test_run_gc_rewrites_and_deletes(memory_repo: Path) -> None:
    store = Store(find_paths(memory_repo))
    stale = new_observation("coordination", "Dana owns the parser", now=NOW - timedelta(days=60))
    old = replace(
        new_observation("gotcha", "Ancient history", now=NOW - timedelta(days=365)),
        status="expired",
    )
    store.create(stale)
    store.create(old)
    dry = run_gc(store, NOW, LifecycleConfig(), dry_run=True)
    assert (len(dry.expired), len(dry.pruned)) == (1, 1)
    assert store.get(stale.id).status == "active"
    run_gc(store, NOW, LifecycleConfig())
    assert store.get(stale.id).status == "expired"
    assert store.get(stale.id).updated == NOW
    assert [o.id for o in store.load_all()[0]] == [stale.id]
