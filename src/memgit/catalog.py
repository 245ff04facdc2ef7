"""An in-memory, read-only view of ``.memory/`` for long-running readers such as the web viewer.

A command reads memory once and exits; a server answers many requests and must neither re-read
10,000 files for each one nor show memory that changed an hour ago. ``Catalog`` keeps every
observation and session summary in memory as an immutable ``Snapshot`` and brings it up to date
incrementally: a ``stat`` of the two folders on every call notices files that were added,
removed or replaced (memgit's atomic writes, ``git pull``, ``git checkout``), and a full check
every ``recheck_after`` seconds notices files edited in place. Only files whose mtime or size
changed are parsed again. Unreadable files become ``Problem`` entries, never errors.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from memgit.errors import InvalidObservation, LockTimeout
from memgit.model import Observation, normalize_id
from memgit.sessions import SessionSummary, parse_session
from memgit.store import Problem, Store

if TYPE_CHECKING:
    from memgit.api import Memory

#: (mtime_ns, size) of a file as last read.
_Stat = tuple[int, int]
_UNKNOWN: _Stat = (-1, -1)
#: Changes closer than this to a check may hide from mtimes (coarse file system clocks).
RACY_NS = 2_000_000_000
T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    """All of memory at one moment. Observations are most recently updated first; sessions
    newest first (by start)."""

    observations: tuple[Observation, ...] = ()
    paths: Mapping[str, str] = field(default_factory=dict)
    sessions: tuple[SessionSummary, ...] = ()
    problems: tuple[Problem, ...] = ()
    #: Increases with every change, so that callers can cache what they derive from a snapshot.
    version: int = 0
    by_id: Mapping[str, Observation] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = MappingProxyType({o.id: o for o in self.observations})
        object.__setattr__(self, "by_id", by_id)

    def get(self, ident: str) -> Observation | None:
        """The observation with exactly this id (``[m:id]`` accepted), or None."""
        return self.by_id.get(normalize_id(ident))

    def session(self, session: str) -> SessionSummary | None:
        return next((s for s in self.sessions if s.session == session), None)


class Catalog:
    """Keeps a ``Snapshot`` of ``store`` current. Safe to call from several threads.

    ``on_change`` runs after observation files changed (the viewer syncs the search index there);
    if it raises ``LockTimeout`` it is tried again on the next call. ``preload``, if given, is
    asked once, after ``on_change``, for observations already parsed elsewhere (the index keeps a
    copy of each, about ten times faster to load than parsing every file), as pairs of
    repository-relative path and observation; files it does not cover are read as usual.
    """

    def __init__(
        self,
        store: Store,
        *,
        on_change: Callable[[], object] | None = None,
        preload: Callable[[], Iterable[tuple[str, Observation]]] | None = None,
        recheck_after: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.on_change = on_change
        self.preload = preload
        self.recheck_after = recheck_after
        self.clock = clock
        self._lock = threading.Lock()
        self._snapshot = Snapshot()
        self._loaded = False
        self._signature: tuple[int | None, ...] = ()
        self._checked = 0.0
        self._pending_change = False
        self._observations: dict[str, tuple[_Stat, Observation | Problem]] = {}
        self._sessions: dict[str, tuple[_Stat, SessionSummary | Problem]] = {}
        self._sessions_prefix = store.relative(store.paths.sessions)

    def snapshot(self) -> Snapshot:
        """The current snapshot, refreshed first if the files changed."""
        if not self._due(self._folder_signature()):
            return self._snapshot
        with self._lock:
            signature = self._folder_signature()
            if self._due(signature):
                self._refresh(signature)
            return self._snapshot

    # --- internals ------------------------------------------------------------------------------

    def _due(self, signature: tuple[int | None, ...]) -> bool:
        return (
            not self._loaded
            or signature != self._signature
            or self._pending_change
            or self.clock() - self._checked >= self.recheck_after
        )

    def _folder_signature(self) -> tuple[int | None, ...]:
        paths = self.store.paths
        return (_mtime(paths.observations), _mtime(paths.sessions))

    def _refresh(self, signature: tuple[int | None, ...]) -> None:
        now_ns = time.time_ns()
        self._checked = self.clock()
        # A folder changed within the file system's timestamp granularity of this moment may
        # change again without its mtime moving ("racy" in git's words): check it again next time.
        self._signature = () if any(_racy(m, now_ns) for m in signature if m) else signature
        files = {f.name: (f.path, (f.mtime_ns, f.size)) for f in self.store.scan()}
        synced = False
        if not self._loaded and self.preload is not None:
            # Stats are taken before the copies: a file changed in between is read again later.
            synced = self._synced()
            if synced:
                self._seed(files, now_ns)
        observations_changed = _reload(self._observations, files, self._read_observation, now_ns)
        sessions = self.store.paths.sessions
        sessions_changed = _reload(
            self._sessions,
            {name: (sessions / name, stat) for name, stat in _scan_markdown(sessions).items()},
            self._read_session,
            now_ns,
        )
        if observations_changed or sessions_changed or not self._loaded:
            self._snapshot = self._build(self._snapshot.version + 1)
        self._loaded = True
        if (observations_changed or self._pending_change) and not synced:
            self._synced()

    def _synced(self) -> bool:
        """Run ``on_change``; False (and another try next time) when the index is busy."""
        if self.on_change is None:
            return True
        try:
            self.on_change()
        except LockTimeout:
            self._pending_change = True
            return False
        self._pending_change = False
        return True

    def _seed(self, files: Mapping[str, tuple[Path, _Stat]], now_ns: int) -> None:
        assert self.preload is not None
        for path, obs in self.preload():
            name = path.rsplit("/", 1)[-1]
            if name in files:
                stat = files[name][1]
                self._observations[name] = (_UNKNOWN if _racy(stat[0], now_ns) else stat, obs)

    def _read_observation(self, path: Path) -> Observation | Problem:
        try:
            return self.store.read(path)
        except InvalidObservation as exc:
            return Problem(exc.path, "; ".join(str(p) for p in exc.problems))

    def _read_session(self, path: Path) -> SessionSummary | Problem:
        rel = f"{self._sessions_prefix}/{path.name}"
        try:
            return parse_session(path.read_text(encoding="utf-8"), rel)
        except InvalidObservation as exc:
            return Problem(rel, "; ".join(str(p) for p in exc.problems))
        except (OSError, UnicodeDecodeError) as exc:
            return Problem(rel, f"cannot be read as UTF-8 text ({exc})")

    def _build(self, version: int) -> Snapshot:
        observations: list[Observation] = []
        paths: dict[str, str] = {}
        problems: list[Problem] = []
        prefix = self.store.relative(self.store.paths.observations)  # resolved once, not per file
        for name in sorted(self._observations):
            item = self._observations[name][1]
            if isinstance(item, Problem):
                problems.append(item)
                continue
            rel = f"{prefix}/{name}"
            if item.id in paths:
                problems.append(
                    Problem(
                        rel, f"id {item.id} is also used by {paths[item.id]}; give one a new id"
                    )
                )
                continue
            paths[item.id] = rel
            observations.append(item)
        observations.sort(key=lambda o: (o.updated, o.id), reverse=True)
        sessions: list[SessionSummary] = []
        for name in sorted(self._sessions):
            entry = self._sessions[name][1]
            if isinstance(entry, Problem):
                problems.append(entry)
            else:
                sessions.append(entry)
        sessions.sort(key=lambda s: (s.started, s.session), reverse=True)
        return Snapshot(
            observations=tuple(observations),
            paths=MappingProxyType(paths),
            sessions=tuple(sessions),
            problems=tuple(problems),
            version=version,
        )


def _reload(
    known: dict[str, tuple[_Stat, T]],
    current: Mapping[str, tuple[Path, _Stat]],
    read: Callable[[Path], T],
    now_ns: int,
) -> bool:
    """Bring ``known`` in line with the files in ``current``; True when anything changed."""
    changed = False
    for name in [n for n in known if n not in current]:
        del known[name]
        changed = True
    for name, (path, stat) in current.items():
        entry = known.get(name)
        if entry is not None and entry[0] == stat:
            continue
        item = read(path)
        # A file written this very moment may be rewritten unnoticed: read it again next time.
        remembered = _UNKNOWN if _racy(stat[0], now_ns) else stat
        if entry is None or entry[1] != item:
            changed = True
        known[name] = (remembered, item)
    return changed


def _racy(mtime_ns: int, now_ns: int) -> bool:
    return now_ns - mtime_ns < RACY_NS


def _mtime(folder: Path) -> int | None:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def _scan_markdown(folder: Path) -> dict[str, _Stat]:
    """``*.md`` files directly in ``folder`` (hidden and temporary files left out), with stats."""
    found: dict[str, _Stat] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith(".md"):
            continue
        try:
            if entry.is_file():
                stat = entry.stat()
                found[entry.name] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue
    return found


def for_memory(memory: Memory) -> Catalog:
    """The catalog a long-running reader of ``memory`` wants: it keeps the search index in sync
    and starts from the index's copies of the observations."""
    from memgit.query import Filters

    def preload() -> Iterable[tuple[str, Observation]]:
        hits = memory.listing(Filters(statuses=()), None, refresh=False)  # on_change synced it
        return ((h.path, h.observation) for h in hits)

    return Catalog(memory.store, on_change=memory.reindex, preload=preload)
