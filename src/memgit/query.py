"""What a search or listing asks for and what it returns, without the search engine.

Adapters build ``Filters`` and read ``Hit``s; only ``index.py`` imports Whoosh to answer them, so a
command that merely parses its arguments does not pay for the search engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from memgit.errors import MemgitError
from memgit.model import Observation, parse_time


@dataclass(frozen=True)
class Filters:
    """What a search or listing is narrowed to. Empty tuples mean "any"."""

    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("active",)
    file: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    branch: str | None = None
    session: str | None = None


@dataclass(frozen=True)
class Hit:
    observation: Observation
    path: str
    score: float


#: The default narrowing: active observations of any type.
ACTIVE = Filters()


def observation_from_stored(doc: dict[str, Any]) -> Observation:
    """Rebuild an observation from an index's stored copy (written by memgit, so trusted)."""
    return Observation(
        id=doc["id"],
        type=doc["type"],
        title=doc["title"],
        created=parse_time(doc["created"]),
        updated=parse_time(doc["updated"]),
        body=doc["body"],
        status=doc["status"],
        confidence=doc["confidence"],
        supersedes=tuple(doc["supersedes"]),
        superseded_by=doc["superseded_by"],
        files=tuple(doc["files"]),
        tags=tuple(doc["tags"]),
        session=doc["session"],
        branch=doc["branch"],
        commit=doc["commit"],
        source=doc["source"],
        extra=tuple((k, v) for k, v in doc.get("extra", [])),
    )


_RELATIVE = re.compile(r"^(\d+)\s*([hdwmy])$")
_UNITS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``2026-11-01``, an ISO date-time, or a relative age such as ``7d``, ``2w``, ``12h``."""
    value = text.strip().lower()
    match = _RELATIVE.match(value)
    if match:
        days = int(match.group(1)) * _UNITS[match.group(2)]
        return (now or datetime.now(UTC)) - timedelta(days=days)
    try:
        return parse_time(text.strip())
    except ValueError:
        raise MemgitError(
            f"--since {text!r}: give a date (2026-11-01), a date-time (2026-11-01T09:00:00Z) "
            "or an age (12h, 7d, 2w, 3m)"
        ) from None
