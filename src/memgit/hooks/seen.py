"""What one session was already shown: the ids memgit's hooks put in front of it, and the ids
the CLAUDE.md section already cites.

SessionStart and UserPromptSubmit record the ids they show (``<state>/recall/<session>.json``),
so no memory is injected twice in a session; records older than ``SEEN_DAYS`` are pruned. Both
hooks are hot paths, so this module uses the standard library alone, and writes without
``fileio.atomic_write`` (whose ``tempfile`` import the per-prompt hook would pay every time).
"""

from __future__ import annotations

import json
import os
import re
import time

SEEN_FOLDER = "recall"
SEEN_DAYS = 7
CITED = re.compile(r"\[m:([a-z][0-9a-z]{3,39})\]")


def _seen_path(state: str, session: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", session)[:120].lstrip(".") or "_"
    return os.path.join(state, SEEN_FOLDER, safe + ".json")


def read_seen(state: str, session: str | None) -> frozenset[str]:
    """Ids already put in front of this session."""
    if not session:
        return frozenset()
    try:
        with open(_seen_path(state, session), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return frozenset()
    ids = data.get("ids") if isinstance(data, dict) else None
    return frozenset(i for i in ids if isinstance(i, str)) if isinstance(ids, list) else frozenset()


def remember_seen(state: str, session: str | None, ids: list[str]) -> None:
    """Add ``ids`` to what this session was shown (best effort)."""
    if not session or not ids:
        return
    path = _seen_path(state, session)
    known = read_seen(state, session)
    merged = [*sorted(known), *(i for i in dict.fromkeys(ids) if i not in known)]
    folder = os.path.dirname(path)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        fresh = not os.path.exists(path)
        os.makedirs(folder, exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"ids": merged}, handle)
        os.replace(temporary, path)
        if fresh:
            _prune(folder)
    except OSError:
        try:  # noqa: SIM105
            os.unlink(temporary)
        except OSError:
            pass


def cited_ids(text: str) -> list[str]:
    return CITED.findall(text)


def _prune(folder: str) -> None:
    cutoff = time.time() - SEEN_DAYS * 86400
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.name.endswith(".json") and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
        except OSError:
            pass


def section_ids(root: str) -> frozenset[str]:
    """Ids already cited in the generated section of CLAUDE.md."""
    claude = os.path.join(root, "CLAUDE.md")
    try:  # the common case: the markers in CLAUDE.md itself
        with open(claude, encoding="utf-8") as handle:
            text = handle.read()
        begin, end = text.find("<!-- memgit:begin -->"), text.find("<!-- memgit:end -->")
        if 0 <= begin < end:
            return frozenset(CITED.findall(text[begin:end]))
        if not os.path.islink(claude) and not re.search(r"(?m)^\s*@", text):
            return frozenset()  # a CLAUDE.md of its own without a memgit section
    except FileNotFoundError:
        if not os.path.lexists(claude) and not os.path.lexists(
            os.path.join(root, ".claude", "CLAUDE.md")
        ):
            return frozenset()  # no CLAUDE.md at all
    except (OSError, UnicodeDecodeError):
        pass
    from pathlib import Path

    from memgit.section import read_section, resolve_target

    try:  # a symlink, an @AGENTS.md import stub, .claude/CLAUDE.md...
        body = read_section(resolve_target(Path(root), "claude"))
    except Exception:  # a malformed CLAUDE.md must not cost the user their context
        return frozenset()
    return frozenset(CITED.findall(body or ""))
