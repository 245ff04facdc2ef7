"""The search index's small state files, read and written without the search engine.

Beside the Whoosh index, ``index-digest`` holds a digest of the observation files' names, mtimes
and sizes as last synced, and ``index-checked`` when that was last compared with the folder (and
the folder's mtime then). Commands that answer from the term index use these to know, with one
``stat`` (or one ``stat`` per file at most once a minute), that the indexes are current, and only
import the search engine when a sync has work to do.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path

from memgit.fileio import atomic_write
from memgit.openitems import MANIFEST
from memgit.store import Listing, Store

#: Bump when the search index's schema or stored document changes: an older index is rebuilt.
SCHEMA_VERSION = 6
#: How long a full check of every file's mtime and size stays good enough for a search.
QUICK_SECONDS = 60.0
DIGEST = "index-digest"
CHECKED = "index-checked"


def digest(listing: Listing, version: int) -> str:
    """Names, mtimes and sizes in listing order: equal digests mean the same files.

    ``os.scandir`` lists an unchanged folder in the same order; if it ever does not, the digests
    differ and the manifest comparison decides, which is only slower.
    """
    text = "\n".join(f"{name}\t{mtime}\t{size}" for name, (mtime, size) in listing.items())
    found = hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16)
    return f"{version} {found.hexdigest()}"


def recorded_digest(state: Path) -> str | None:
    try:
        return (state / DIGEST).read_text(encoding="utf-8")
    except OSError:
        return None


def write_digest(state: Path, value: str) -> None:
    with contextlib.suppress(OSError):  # only an optimisation
        atomic_write(state / DIGEST, value, fsync=False)


def index_exists(folder: Path) -> bool:
    """Whether ``folder`` holds a committed Whoosh index (a table of contents file)."""
    try:
        return any(n.startswith("_MAIN_") and n.endswith(".toc") for n in os.listdir(folder))
    except OSError:
        return False


def folder_mtime(observations: Path) -> int:
    try:
        return os.stat(observations).st_mtime_ns
    except OSError:
        return 0


def stamp_checked(state: Path, mtime: int) -> None:
    with contextlib.suppress(OSError):  # only an optimisation
        atomic_write(state / CHECKED, json.dumps({"folder": mtime, "at": time.time()}), fsync=False)


def recently_checked(state: Path, observations: Path, quick: float = QUICK_SECONDS) -> bool:
    """True when every file was compared less than ``QUICK_SECONDS`` ago and the folder's mtime
    has not moved since (adding, deleting or renaming a file moves it)."""
    try:
        stamp = json.loads((state / CHECKED).read_text(encoding="utf-8"))
        folder, at = int(stamp["folder"]), float(stamp["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return folder == folder_mtime(observations) and 0 <= time.time() - at < quick


def is_current(store: Store, quick: float = QUICK_SECONDS) -> bool:
    """Whether both indexes reflect the files, known without the search engine: checked less
    than ``quick`` seconds ago with the folder unchanged, or the same files as last synced."""
    from memgit import termindex

    state, observations = store.paths.state, store.paths.observations
    if not termindex.usable(str(state / termindex.FOLDER)):
        return False
    if recently_checked(state, observations, quick):
        return True
    mtime = folder_mtime(observations)
    if recorded_digest(state) != digest(store.listing(), SCHEMA_VERSION):
        return False
    if not (state / MANIFEST).exists() or not index_exists(store.paths.index):
        return False
    stamp_checked(state, mtime)
    return True
