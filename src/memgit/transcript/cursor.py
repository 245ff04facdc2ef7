"""Per-transcript cursors: how far a file was consumed, kept in the local state folder.

A cursor names the file (device and inode) and digests the bytes just before its offset, so a
transcript that was replaced, truncated or rewritten is noticed and read again from the start.
Cursors move only through ``advance`` to a ``Position`` that a read handed out, and reach disk
only through ``save_cursor``: the caller commits what it has really processed, nothing more.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from pathlib import Path
from typing import BinaryIO

from memgit.fileio import atomic_write
from memgit.transcript.model import Cursor, Position

WINDOW = 256
"""Bytes before an offset that identify the file content up to it."""
CURSOR_DIR = "cursors"
_FORMAT = 1


def window_digest(before: bytes) -> str:
    return hashlib.blake2b(before[-WINDOW:], digest_size=8).hexdigest()


def cursor_key(transcript: Path | str) -> str:
    """A file name for the cursor of ``transcript``: readable stem plus a digest of its path."""
    path = os.path.abspath(os.fspath(transcript))
    stem = re.sub(r"[^A-Za-z0-9._-]", "-", Path(path).stem)[:60] or "transcript"
    digest = hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{stem}-{digest}"


def cursor_file(state: Path, transcript: Path | str) -> Path:
    return state / CURSOR_DIR / f"{cursor_key(transcript)}.json"


def load_cursor(state: Path, transcript: Path | str) -> Cursor:
    """The saved cursor of ``transcript``; a fresh one (offset 0) if none or unreadable."""
    fresh = Cursor(path=os.path.abspath(os.fspath(transcript)))
    try:
        raw = json.loads(cursor_file(state, transcript).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return fresh
    if not isinstance(raw, dict) or raw.get("format") != _FORMAT:
        return fresh
    try:
        values = {
            "offset": raw["offset"],
            "window": raw["window"],
            "next_turn": raw["next_turn"],
            "device": raw["device"],
            "inode": raw["inode"],
        }
    except KeyError:
        return fresh
    if not all(
        isinstance(v, int) and not isinstance(v, bool) for k, v in values.items() if k != "window"
    ):
        return fresh
    if not isinstance(values["window"], str) or values["offset"] < 0:
        return fresh
    return dataclasses.replace(fresh, **values)


def save_cursor(state: Path, cursor: Cursor) -> Path:
    """Write ``cursor`` atomically under ``<state>/cursors/``; returns the file written."""
    target = cursor_file(state, cursor.path)
    payload = {"format": _FORMAT, **dataclasses.asdict(cursor)}
    atomic_write(target, json.dumps(payload, indent=1, sort_keys=True) + "\n", mode=0o600)
    return target


def advance(cursor: Cursor, position: Position) -> Cursor:
    """``cursor`` moved to ``position`` (from a turn's or chunk's ``end``); never backwards."""
    if position.offset < cursor.offset:
        raise ValueError(
            f"cannot move the cursor of {cursor.path} back from {cursor.offset} "
            f"to {position.offset}"
        )
    return dataclasses.replace(
        cursor, offset=position.offset, window=position.window, next_turn=position.next_turn
    )


def check_cursor(
    cursor: Cursor | None, path: Path, stat: os.stat_result, handle: BinaryIO
) -> tuple[Cursor, str | None]:
    """The cursor to read from, tied to the file as it is now, and why it restarts (if it does).

    Reasons: ``replaced`` (another file at that path), ``truncated`` (shorter than the offset),
    ``rewritten`` (the bytes before the offset changed).
    """
    fresh = Cursor(path=os.path.abspath(path), device=stat.st_dev, inode=stat.st_ino)
    if cursor is None or cursor.offset == 0:
        return dataclasses.replace(fresh, next_turn=cursor.next_turn if cursor else 0), None
    reason = None
    if cursor.inode and (cursor.device, cursor.inode) != (stat.st_dev, stat.st_ino):
        reason = "replaced"
    elif stat.st_size < cursor.offset:
        reason = "truncated"
    else:
        start = max(0, cursor.offset - WINDOW)
        handle.seek(start)
        if window_digest(handle.read(cursor.offset - start)) != cursor.window:
            reason = "rewritten"
    if reason is not None:
        return fresh, reason
    return dataclasses.replace(
        cursor, path=fresh.path, device=fresh.device, inode=fresh.inode
    ), None
