from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from memgit.config import LifecycleConfig
from memgit.model import Observation, new_observation
from memgit.staleness import stale_memory

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def obs(ident: str, kind: str, age_days: float, **fields: object) -> Observation:
    return new_observation(
        kind, f"Note {ident}", now=NOW - timedelta(days=age_days), ident=ident, **fields
    )


def test_expired_superseded_and_fading_memory() -> None:
    items = [
        obs("perm0001", "decision", 400, confidence=0.9),  # permanent: never fades
        obs("prog0001", "progress", 1, confidence=0.8),  # fresh
        obs("prog0002", "progress", 14, confidence=0.8),  # 0.2: fading
        obs("prog0003", "coordination", 30, confidence=0.8),  # ~0.04: gc expires it
        replace(obs("gone0001", "progress", 40), status="expired"),
        replace(obs("old00001", "decision", 20), status="superseded", superseded_by="perm0001"),
        replace(obs("old00002", "gotcha", 10), status="superseded"),
    ]
    report = stale_memory(items, NOW, LifecycleConfig(half_life_days=7, expire_below=0.1))
    assert [f.observation.id for f in report.fading] == ["prog0003", "prog0002"]
    assert [f.expires for f in report.fading] == [True, False]
    assert abs(report.fading[1].confidence - 0.2) < 1e-9
    assert [o.id for o in report.expired] == ["gone0001"]
    assert [o.id for o in report.superseded] == ["old00002", "old00001"]  # latest change first
    assert report.total == 5


def test_the_team_settings_decide_what_is_ephemeral_and_when_it_expires() -> None:
    items = [obs("pat00001", "pattern", 14, confidence=0.8)]
    policy = LifecycleConfig(half_life_days=7, ephemeral_types=("pattern",), expire_below=0.5)
    (fading,) = stale_memory(items, NOW, policy).fading
    assert fading.expires  # 0.2 < 0.5
    assert stale_memory(items, NOW, LifecycleConfig()).fading == ()
