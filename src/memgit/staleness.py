"""Memory that may no longer be true: expired, superseded, and ephemeral memory fading with age.

``stale_memory`` is the one place that answers "what should a reviewer look at before trusting
it?". It judges memory by its own fields and the team's lifecycle settings only; it does not look
at the code the memory is about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from memgit.config import LifecycleConfig
from memgit.model import Observation, decayed_confidence

#: Active ephemeral memory whose decayed confidence is below this is listed as fading.
FADING_BELOW = 0.3


@dataclass(frozen=True)
class Fading:
    """An active ephemeral observation and its confidence now; ``expires`` when it is below the
    ``lifecycle.expire_below`` threshold, so the next ``memgit gc`` expires it."""

    observation: Observation
    confidence: float
    expires: bool


@dataclass(frozen=True)
class StaleMemory:
    expired: tuple[Observation, ...]
    superseded: tuple[Observation, ...]
    fading: tuple[Fading, ...]

    @property
    def total(self) -> int:
        return len(self.expired) + len(self.superseded) + len(self.fading)


def stale_memory(
    observations: Iterable[Observation],
    now: datetime,
    policy: LifecycleConfig,
    fading_below: float = FADING_BELOW,
) -> StaleMemory:
    """Expired and superseded observations (most recently changed first) and fading ephemeral
    ones (least confident first)."""
    threshold = max(fading_below, policy.expire_below)
    ephemeral = tuple(policy.ephemeral_types)
    expired: list[Observation] = []
    superseded: list[Observation] = []
    fading: list[Fading] = []
    for obs in observations:
        if obs.status == "expired":
            expired.append(obs)
        elif obs.status == "superseded":
            superseded.append(obs)
        elif obs.active and obs.type in ephemeral:
            level = decayed_confidence(obs, now, policy.half_life_days, ephemeral)
            if level < threshold:
                fading.append(Fading(obs, level, level < policy.expire_below))
    expired.sort(key=lambda o: (o.updated, o.id), reverse=True)
    superseded.sort(key=lambda o: (o.updated, o.id), reverse=True)
    fading.sort(key=lambda f: (f.confidence, f.observation.id))
    return StaleMemory(tuple(expired), tuple(superseded), tuple(fading))
