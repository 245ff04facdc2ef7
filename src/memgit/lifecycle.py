"""Memory over time (``memgit gc``): expire ephemeral observations, prune old superseded ones.

Decay itself is computed when memory is read (``model.decayed_confidence``); files are rewritten
only when gc changes a status, and deleted only past the retention the team configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from memgit.config import LifecycleConfig
from memgit.model import Observation, decayed_confidence, with_status
from memgit.store import Store


@dataclass
class GcReport:
    expired: list[Observation] = field(default_factory=list)
    pruned: list[Observation] = field(default_factory=list)


def plan_gc(observations: list[Observation], now: datetime, policy: LifecycleConfig) -> GcReport:
    """What gc would do, without doing it (pure)."""
    report = GcReport()
    cutoff = now - timedelta(days=policy.prune_after_days) if policy.prune_after_days else None
    for obs in sorted(observations, key=lambda o: o.id):
        if obs.active:
            if obs.type in policy.ephemeral_types:
                level = decayed_confidence(obs, now, policy.half_life_days, policy.ephemeral_types)
                if level < policy.expire_below:
                    report.expired.append(obs)
        elif cutoff is not None and obs.updated < cutoff:
            report.pruned.append(obs)
    return report


def run_gc(
    store: Store, now: datetime, policy: LifecycleConfig, *, dry_run: bool = False
) -> GcReport:
    observations, _ = store.load_all()
    report = plan_gc(observations, now, policy)
    if dry_run:
        return report
    with store.lock():
        for obs in report.expired:
            store.save(with_status(obs, "expired", now))
        for obs in report.pruned:
            store.delete(obs.id)
    return report
