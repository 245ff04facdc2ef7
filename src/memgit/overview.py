"""Pure summaries of memory for people browsing it: counts, growth over time, recent changes,
supersession chains, and sessions with the observations they produced, one page at a time.

Everything here takes observations (and session summaries) as values and returns values; nothing
reads files, so the web viewer, the CLI or a report can share them and tests need no repository.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from memgit.model import STATUSES, TYPES, Observation
from memgit.sessions import SessionSummary

T = TypeVar("T")


@dataclass(frozen=True)
class Counts:
    """How many observations there are, by type, by status, and by both."""

    total: int
    by_type: tuple[tuple[str, int], ...]
    by_status: tuple[tuple[str, int], ...]
    cells: Mapping[tuple[str, str], int]

    def cell(self, type: str, status: str) -> int:
        return self.cells.get((type, status), 0)


def count(observations: Iterable[Observation]) -> Counts:
    """Counts in the canonical order of ``TYPES`` and ``STATUSES`` (every one listed, even at 0)."""
    cells: dict[tuple[str, str], int] = {}
    total = 0
    for obs in observations:
        key = (obs.type, obs.status)
        cells[key] = cells.get(key, 0) + 1
        total += 1
    types = list(TYPES) + sorted({t for t, _ in cells if t not in TYPES})
    statuses = list(STATUSES) + sorted({s for _, s in cells if s not in STATUSES})
    by_type = tuple((t, sum(n for (tt, _), n in cells.items() if tt == t)) for t in types)
    by_status = tuple((s, sum(n for (_, ss), n in cells.items() if ss == s)) for s in statuses)
    return Counts(total, by_type, by_status, cells)


@dataclass(frozen=True)
class GrowthPoint:
    """Memory at one moment: observations written by then, and how many of them were active."""

    moment: datetime
    total: int
    active: int


def growth(
    observations: Sequence[Observation], now: datetime, points: int = 60
) -> tuple[GrowthPoint, ...]:
    """``points`` evenly spaced samples from the first observation to ``now``.

    An observation counts as active from ``created`` until it stopped being active; for one that
    is superseded or expired that moment is its ``updated`` time (changing the status updates
    it), which is exact for memory memgit wrote and close for files edited by hand afterwards.
    """
    if not observations:
        return ()
    created = sorted(o.created for o in observations)
    ended = sorted(max(o.updated, o.created) for o in observations if not o.active)
    start = created[0]
    end = max(now, created[-1])
    count = 1 if end <= start else max(2, points)
    span = (end - start) / max(1, count - 1)
    series = []
    for k in range(count):
        moment = end if k == count - 1 else start + span * k
        total = bisect.bisect_right(created, moment)
        series.append(GrowthPoint(moment, total, total - bisect.bisect_right(ended, moment)))
    return tuple(series)


def recent(observations: Iterable[Observation], limit: int = 20) -> list[Observation]:
    """The most recently changed observations (created, edited, superseded or expired)."""
    return heapq.nlargest(limit, observations, key=lambda o: (o.updated, o.id))


@dataclass(frozen=True)
class Link:
    """One step of a supersession chain; ``observation`` is None when that id is gone (pruned)."""

    id: str
    observation: Observation | None


@dataclass(frozen=True)
class Chain:
    """What an observation replaced (``older``) and what replaced it (``newer``), nearest first."""

    older: tuple[Link, ...]
    newer: tuple[Link, ...]


def supersession_chain(
    obs: Observation, observations: Iterable[Observation], depth: int = 50
) -> Chain:
    """Follow ``supersedes`` back and ``superseded_by`` forward, in both files' words.

    A link is recognised from either end (the old file's ``superseded_by`` or the new file's
    ``supersedes``), so a chain survives one side being edited by hand; cycles stop the walk.
    """
    by_id: dict[str, Observation] = {}
    replaced_by: dict[str, list[str]] = {}  # old id -> ids whose `supersedes` names it
    replaced: dict[str, list[str]] = {}  # new id -> ids whose `superseded_by` names it
    for other in observations:
        by_id[other.id] = other
        for old in other.supersedes:
            replaced_by.setdefault(old, []).append(other.id)
        if other.superseded_by:
            replaced.setdefault(other.superseded_by, []).append(other.id)

    def older_of(item: Observation) -> list[str]:
        ids = list(item.supersedes)
        return ids + [i for i in sorted(replaced.get(item.id, ())) if i not in ids]

    def newer_of(item: Observation) -> list[str]:
        ids = [item.superseded_by] if item.superseded_by else []
        return ids + [i for i in sorted(replaced_by.get(item.id, ())) if i not in ids]

    def walk(step: str) -> tuple[Link, ...]:
        seen = {obs.id}
        found: list[Link] = []
        frontier = [obs]
        for _ in range(depth):
            following: list[Observation] = []
            for item in frontier:
                for ident in older_of(item) if step == "older" else newer_of(item):
                    if ident in seen:
                        continue
                    seen.add(ident)
                    target = by_id.get(ident)
                    found.append(Link(ident, target))
                    if target is not None:
                        following.append(target)
            if not following:
                break
            frontier = following
        return tuple(found)

    return Chain(older=walk("older"), newer=walk("newer"))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list; ``number`` counts from 1."""

    items: tuple[T, ...]
    number: int
    pages: int
    total: int


def paginate(items: Sequence[T], number: int, per_page: int) -> Page[T]:
    """Page ``number`` (clamped to the pages that exist) of ``items``."""
    per_page = max(1, per_page)
    pages = max(1, math.ceil(len(items) / per_page))
    number = min(max(1, number), pages)
    start = (number - 1) * per_page
    return Page(tuple(items[start : start + per_page]), number, pages, len(items))


@dataclass(frozen=True)
class SessionEntry:
    """A session: its summary (None when only observations name it) and what it produced."""

    session: str
    summary: SessionSummary | None
    observations: tuple[Observation, ...]


def session_entries(
    sessions: Iterable[SessionSummary],
    observations: Iterable[Observation],
    only: Collection[str] | None = None,
) -> dict[str, SessionEntry]:
    """Every session (or those in ``only``), by id: its summary if there is one, with its
    observations in the order they were made (those naming the session, and those the summary
    lists)."""
    by_id: dict[str, Observation] = {}
    made: dict[str, dict[str, Observation]] = {}
    for obs in observations:
        by_id[obs.id] = obs
        if obs.session and (only is None or obs.session in only):
            made.setdefault(obs.session, {})[obs.id] = obs
    summaries = {s.session: s for s in sessions if only is None or s.session in only}
    entries: dict[str, SessionEntry] = {}
    for session in summaries.keys() | made.keys():
        summary = summaries.get(session)
        own = dict(made.get(session, {}))
        for ident in summary.observations if summary else ():
            if ident in by_id:
                own.setdefault(ident, by_id[ident])
        ordered = sorted(own.values(), key=lambda o: (o.created, o.id))
        entries[session] = SessionEntry(session, summary, tuple(ordered))
    return entries


def session_page(
    sessions: Sequence[SessionSummary],
    observations: Sequence[Observation],
    number: int,
    per_page: int = 10,
) -> Page[SessionEntry]:
    """Page ``number`` of the session summaries, newest first, each with its observations."""
    newest = sorted(sessions, key=lambda s: (s.started, s.session), reverse=True)
    page = paginate(newest, number, per_page)
    entries = session_entries(page.items, observations, {s.session for s in page.items})
    return Page(tuple(entries[s.session] for s in page.items), page.number, page.pages, page.total)
