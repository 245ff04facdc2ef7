"""Which observations exist, by type and status, without opening the search index.

The index's manifest (written by ``index.py``) records each file's id, type and status. Hooks that
need only "the open progress and coordination notes" read it here instead of importing Whoosh,
which keeps SessionStart fast. Files the manifest has not seen yet (a pull since the last sync)
are read directly, files it lists but that are gone are skipped, so the answer is current even
when the index is not; only an in-place edit of a known file waits for the next sync.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

from memgit.errors import InvalidObservation
from memgit.model import Observation
from memgit.store import Store

MANIFEST = "index-manifest.json"


def observations_of(
    store: Store, types: Iterable[str], status: str = "active", limit: int = 100
) -> list[Observation]:
    """The ``limit`` most recently updated observations of ``types`` with ``status``.

    Only files that can match are read: the manifest says which, newest first.
    """
    wanted = set(types)
    folder = store.paths.observations
    try:
        names = {n for n in os.listdir(folder) if n.endswith(".md") and not n.startswith(".")}
    except FileNotFoundError:
        return []
    known = _manifest_files(store)
    unknown = []
    matching = []
    for name in sorted(names):
        entry = known.get(name)
        if entry is None or len(entry) < 7:
            unknown.append(name)  # new since the last sync, or an older manifest
        elif entry[4] in wanted and entry[5] == status:
            matching.append((str(entry[6]), name))
    matching.sort(reverse=True)
    candidates = unknown + [name for _, name in matching[:limit]]
    found = []
    for name in candidates:
        try:
            obs = store.read(folder / name)
        except InvalidObservation:
            continue
        if obs.type in wanted and obs.status == status:
            found.append(obs)
    found.sort(key=lambda o: (o.updated, o.id), reverse=True)
    return found[:limit]


def _manifest_files(store: Store) -> dict[str, list[object]]:
    try:
        with open(store.paths.state / MANIFEST, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}
