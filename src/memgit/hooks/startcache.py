"""SessionStart's context, prepared by the background worker so the hook only reads a file.

Building the context means loading the configuration, the open progress and coordination notes
and the last session summary: about a hundred milliseconds of imports and reads at 10k
observations, on every session start. The worker already runs after each capture and at every
session start; it writes the finished text here, with marks (the modification times of the
memory folders, CLAUDE.md and HEAD) that tell the hook whether memory changed since. The hook uses
the text when the marks still match and builds it live otherwise. Standard library only.
"""

from __future__ import annotations

import json
import os

FILE = "session-start.json"


def marks(root: str, git_dir: str) -> list[int]:
    """What, when changed, makes the prepared context stale."""
    found = []
    for path in (
        os.path.join(root, ".memory", "observations"),
        os.path.join(root, ".memory", "sessions"),
        os.path.join(root, ".memory", "config.yaml"),
        os.path.join(root, "CLAUDE.md"),
        os.path.join(git_dir, "HEAD"),
    ):
        try:
            found.append(os.stat(path).st_mtime_ns)
        except OSError:
            found.append(0)
    return found


def read(root: str, git_dir: str, day: str) -> str | None:
    """The prepared context when it is still current (same marks, same day), else None."""
    try:
        with open(os.path.join(git_dir, "memgit", FILE), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("day") != day:
        return None
    if data.get("marks") != marks(root, git_dir):
        return None
    text = data.get("text")
    return text if isinstance(text, str) else None


def write(root: str, git_dir: str, day: str, text: str, before: list[int]) -> None:
    """Store ``text``, computed from memory as it was when ``before`` was taken."""
    from pathlib import Path

    from memgit.fileio import atomic_write

    if marks(root, git_dir) != before:
        return  # memory changed while the text was built: let the next run redo it
    payload = json.dumps({"day": day, "marks": before, "text": text})
    atomic_write(Path(git_dir) / "memgit" / FILE, payload, fsync=False)
