"""``.memory/`` on disk: the source of truth. Atomic, locked reads and writes of observation files.

Every write goes through ``fileio.atomic_write``; every read-modify-write (create with a fresh id,
supersede, expire) holds the store lock, so hooks and sessions running at once never lose each
other's work. A file that cannot be read is reported as a ``Problem`` and skipped: one broken file
never stops the rest of memory from loading.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from memgit.errors import (
    AmbiguousId,
    FieldProblem,
    InvalidObservation,
    MemgitError,
    UnknownObservation,
)
from memgit.fileio import atomic_write, file_lock
from memgit.model import (
    Observation,
    id_from_file_name,
    normalize_id,
    parse_observation,
    render_observation,
)
from memgit.paths import Paths

#: The shortest id prefix that finds an observation.
MIN_PREFIX = 3


def _candidate(name: str) -> str:
    """``k3f9a2c1dx (harbor-sends-local-time)`` from a memory file's name, for a list of ids."""
    ident = id_from_file_name(name) or name
    words = name[:-3].removesuffix(ident).strip("-")
    words = re.sub(r"^\d{4}-\d{2}-\d{2}-?", "", words)
    return f"{ident} ({words})" if words else ident


@dataclass(frozen=True)
class Problem:
    """A memory file that could not be used, and why (already phrased for the person)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


#: File name -> (mtime_ns, size): what the index compares to notice changed files.
Listing = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class StoredFile:
    """A file in ``observations/`` as seen by ``os.scandir``: cheap to list, used by the index."""

    path: Path
    name: str
    mtime_ns: int
    size: int


class Store:
    def __init__(self, paths: Paths, lock_timeout: float = 10.0) -> None:
        self.paths = paths
        self.lock_timeout = lock_timeout

    # --- locking --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock for read-modify-write sequences on ``.memory/``."""
        with file_lock(self.paths.locks / "store.lock", timeout=self.lock_timeout, what="memory"):
            yield

    # --- listing --------------------------------------------------------------------------------

    def listing(self) -> Listing:
        """``name -> (mtime_ns, size)`` of every candidate observation file.

        Dot files (every temporary file of ``atomic_write`` among them) and anything that is not
        a regular file are left out. No ``Path`` per file: the index runs this before every
        search, and at 10k files building the paths would cost more than the ``stat`` calls.
        """
        listing: Listing = {}
        try:
            entries = os.scandir(self.paths.observations)
        except FileNotFoundError:
            return listing
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if not entry.is_file():
                        continue
                    stat = entry.stat()
                except OSError:
                    continue
                listing[entry.name] = (stat.st_mtime_ns, stat.st_size)
        return listing

    def scan(self) -> list[StoredFile]:
        """Every candidate observation file, with its stat, sorted by name."""
        folder = self.paths.observations
        return [
            StoredFile(folder / name, name, mtime_ns, size)
            for name, (mtime_ns, size) in sorted(self.listing().items())
        ]

    def names(self) -> list[str]:
        """The observation file names, without a stat each: enough to find a file by its id."""
        try:
            entries = os.listdir(self.paths.observations)
        except FileNotFoundError:
            return []
        return sorted(name for name in entries if not name.startswith("."))

    def relative(self, path: Path) -> str:
        return self.paths.relative(path)

    # --- reading --------------------------------------------------------------------------------

    def read(self, path: Path) -> Observation:
        """Parse one file; raises ``InvalidObservation`` naming the file and the field."""
        return self._read(path, self.relative(path), path.suffix)

    def read_named(self, name: str, rel: str) -> Observation:
        """``read`` of the file ``name`` in ``observations/``, known as ``rel``: no ``Path``
        is made (a rebuild reads every file, and pathlib keeps an interned copy of each name)."""
        folder = self._observations_folder
        return self._read(os.path.join(folder, name), rel, os.path.splitext(name)[1])

    @functools.cached_property
    def _observations_folder(self) -> str:
        return str(self.paths.observations)

    def _read(self, path: str | Path, rel: str, suffix: str) -> Observation:
        if suffix != ".md":
            raise InvalidObservation(
                rel,
                [
                    _problem(
                        "is not a markdown (.md) file; memgit ignores it here. Move it out of "
                        ".memory/observations/ or rename it to .md"
                    )
                ],
            )
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise InvalidObservation(rel, [_problem(f"cannot be read: {exc.strerror}")]) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidObservation(
                rel,
                [_problem(f"is not UTF-8 text (byte {exc.start}); save it as UTF-8")],
            ) from None
        return parse_observation(text, rel)

    def load_all(self) -> tuple[list[Observation], list[Problem]]:
        """Every readable observation, and a problem for each file that is not one."""
        observations: list[Observation] = []
        problems: list[Problem] = []
        seen: dict[str, str] = {}
        for stored in self.scan():
            try:
                obs = self.read(stored.path)
            except InvalidObservation as exc:
                problems.append(Problem(exc.path, "; ".join(str(p) for p in exc.problems)))
                continue
            rel = self.relative(stored.path)
            if obs.id in seen:
                problems.append(
                    Problem(rel, f"id {obs.id} is also used by {seen[obs.id]}; give one a new id")
                )
                continue
            seen[obs.id] = rel
            observations.append(obs)
        return observations, problems

    def find(self, ident: str, *, deep: bool = True) -> Path:
        """The file of observation ``ident``; a unique prefix of at least 3 characters works too
        (an ambiguous one raises ``AmbiguousId`` listing the candidates).

        File names carry the id; a file renamed by hand is found by reading every file
        (``deep``), which callers with an index can skip by asking the index instead.
        """
        ident = normalize_id(ident)
        folder = self.paths.observations
        names = self.names()
        matches = [folder / n for n in names if (id_from_file_name(n) or "") == ident]
        if not matches and len(ident) >= MIN_PREFIX:
            matches = [folder / n for n in names if (id_from_file_name(n) or "").startswith(ident)]
            if len({id_from_file_name(p.name) for p in matches}) > 1:
                raise AmbiguousId(ident, [_candidate(p.name) for p in matches])
        if not matches:
            if not deep:
                raise UnknownObservation(ident)
            # A file someone renamed by hand: fall back to reading them all.
            for stored in self.scan():
                with contextlib.suppress(InvalidObservation):
                    if self.read(stored.path).id == ident:
                        return stored.path
            raise UnknownObservation(ident)
        return matches[0]

    def get(self, ident: str) -> Observation:
        return self.read(self.find(ident))

    def path_for(self, obs: Observation) -> Path:
        """Where ``obs`` lives: its existing file if there is one, else a new readable name."""
        for stored in self.scan():
            if id_from_file_name(stored.name) == obs.id:
                return stored.path
        return self.paths.observations / obs.file_name()

    # --- writing --------------------------------------------------------------------------------

    def _scrub(self, obs: Observation) -> Observation:
        """The last guard before the disk: no home-folder path is ever written."""
        from memgit.homepaths import scrub_observation

        return scrub_observation(obs, (str(self.paths.root), str(self.paths.resolved_root)))

    def create(self, obs: Observation) -> Path:
        """Write a new observation. Caller holds ``lock()`` when it also changes others."""
        obs = self._scrub(obs)
        target = self.paths.observations / obs.file_name()
        if target.exists() or any(id_from_file_name(f.name) == obs.id for f in self.scan()):
            raise MemgitError(f"an observation with id {obs.id} already exists ({target.name})")
        atomic_write(target, render_observation(obs))
        return target

    def save(self, obs: Observation) -> Path:
        """Write ``obs`` over its existing file (or create it); the file name never changes."""
        target = self.path_for(obs)
        atomic_write(target, render_observation(self._scrub(obs)))
        return target

    def update(self, ident: str, change: Callable[[Observation], Observation]) -> Observation:
        """Read, change and write one observation under the store lock."""
        with self.lock():
            path = self.find(ident)
            current = self.read(path)
            changed = self._scrub(change(current))
            if changed.id != current.id:
                raise MemgitError("an update cannot change an observation's id")
            if changed != current:
                atomic_write(path, render_observation(changed))
            return changed

    def delete(self, ident: str) -> Path:
        path = self.find(ident)
        path.unlink()
        return path


def _problem(message: str) -> FieldProblem:
    return FieldProblem("", message)
