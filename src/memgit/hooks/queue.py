"""The capture queue: hooks append small event records; the background worker claims them.

One file per session under ``<state>/queue/`` (``<session>.jsonl``), appended with ``O_APPEND`` by
the hooks (standard library only: this runs on every tool call). The worker claims a file by
renaming it to ``<session>.<pid>.working``; appends that race with the rename land in the claimed
file or in a fresh one, never nowhere. Claimed files are deleted only after their work is done, so
a worker killed mid-way leaves them for the next run. Work that failed (a model error, a spent
budget) is parked in ``deferred/`` and retried when a new worker run starts.
"""

from __future__ import annotations

import json
import os
import time

TYPE_CHECKING = False  # typing itself costs a few ms on the hot path

if TYPE_CHECKING:
    from typing import Any

_SAFE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
MAX_RECORD = 4096


def queue_dir(state: str) -> str:
    return os.path.join(state, "queue")


def _name(session: str | None) -> str:
    safe = "".join(c if c in _SAFE_CHARS else "-" for c in (session or "")[:80])
    return (safe or "unknown") + ".jsonl"


def append(state: str, record: dict[str, Any]) -> None:
    """Append one record for its session (one ``write`` call: concurrent appends don't mix)."""
    folder = queue_dir(state)
    record.setdefault("t", round(time.time(), 3))
    line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    if len(line) > MAX_RECORD:
        record = {k: record[k] for k in ("t", "e", "s", "p", "final") if k in record}
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    path = os.path.join(folder, _name(record.get("s")))
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    try:
        fd = os.open(path, flags, 0o600)
    except FileNotFoundError:  # the first record of this clone
        os.makedirs(folder, exist_ok=True)
        fd = os.open(path, flags, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def pending(state: str, *, include_deferred: bool = False) -> bool:
    folder = queue_dir(state)
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return False
    if any(name.endswith(".jsonl") for name in names):
        return True
    return include_deferred and bool(_listing(os.path.join(folder, "deferred")))


def claim(state: str, *, include_deferred: bool, orphans: bool) -> list[str]:
    """Take every queued file (and, if asked, deferred work and a dead worker's claims)."""
    folder = queue_dir(state)
    claimed: list[str] = []
    sources = [folder]
    if include_deferred:
        sources.append(os.path.join(folder, "deferred"))
    for source in sources:
        for name in _listing(source):
            if not name.endswith(".jsonl"):
                continue
            target = os.path.join(folder, f"{name[:-6]}.{os.getpid()}.{time.time_ns()}.working")
            try:
                os.replace(os.path.join(source, name), target)
            except FileNotFoundError:
                continue
            claimed.append(target)
    if orphans:
        claimed.extend(
            os.path.join(folder, name)
            for name in _listing(folder)
            if name.endswith(".working") and os.path.join(folder, name) not in claimed
        )
    return sorted(claimed)


def read(paths: list[str]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(record, dict):
                        records.append(record)
        except FileNotFoundError:
            continue
    return records


def done(paths: list[str]) -> None:
    for path in paths:
        try:  # noqa: SIM105 - contextlib is one import too many on the hooks' path
            os.unlink(path)
        except FileNotFoundError:
            pass


def defer(state: str, records: list[dict[str, Any]]) -> None:
    """Park records whose work failed; a later worker run retries them."""
    folder = os.path.join(queue_dir(state), "deferred")
    os.makedirs(folder, exist_ok=True)
    by_session: dict[str, list[str]] = {}
    for record in records:
        by_session.setdefault(_name(record.get("s")), []).append(
            json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        )
    for name, lines in by_session.items():
        with open(os.path.join(folder, name), "a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


def _listing(folder: str) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
