"""SessionStart's notice of bad settings in ``.memory/config.yaml``: logged, and told once.

A bad setting never silences the hooks (``memgit.config`` falls back to the default for that
key), but someone must hear of it. Every command that loads the configuration leaves the file's
problems in ``<state>/config-problems.json``, keyed by the file's modification time and size;
this module reads that copy (standard library only), logs each problem to ``hooks.log`` and
returns a one-time ``systemMessage`` for the user: once per clone for one set of problems, again
only when the problems change. When the copy is missing or older than the file, the
configuration is loaded once to refresh it.
"""

from __future__ import annotations

import json
import os

PROBLEMS_FILE = "config-problems.json"
TOLD_FILE = "config-told.json"


def _key(path: str) -> list[int]:
    try:
        stat = os.stat(path)
    except OSError:
        return [0, 0]
    return [stat.st_mtime_ns, stat.st_size]


def problems(root: str, state: str) -> list[str]:
    """The configuration file's current problems, as one line each."""
    config_file = os.path.join(root, ".memory", "config.yaml")
    key = _key(config_file)
    try:
        with open(os.path.join(state, PROBLEMS_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
        if isinstance(data, dict) and data.get("key") == key:
            return [str(p) for p in data.get("problems", [])]
    except (OSError, ValueError):
        pass
    if key == [0, 0]:
        return []
    from pathlib import Path

    from memgit.config import load_config

    config = load_config(Path(config_file), environ={}, cache=Path(state) / "config-cache.json")
    return [str(p) for p in config.problems]


def notice(found: list[str], state: str) -> str:
    """The message to show the user now about ``found`` ("" when nothing is new to tell)."""
    if not found:
        return ""
    told_path = os.path.join(state, TOLD_FILE)
    try:
        with open(told_path, encoding="utf-8") as handle:
            told = json.load(handle)
    except (OSError, ValueError):
        told = None
    if told == found:
        return ""
    from pathlib import Path

    from memgit.fileio import atomic_write

    atomic_write(Path(told_path), json.dumps(found), fsync=False)
    lines = "; ".join(found)
    return (
        f"memgit: {len(found)} setting(s) in .memory/config.yaml cannot be used and fell back "
        f"to their defaults: {lines}. Fix the file, then `memgit doctor` to check."
    )
