"""The background worker: runs capture for queued sessions, one at a time per repository.

Hooks start it detached (``memgit worker --repo ROOT``) and return at once. It takes the worker
lock without waiting: if another worker holds it, that one will see the new queue entries, so this
one exits (a second trigger is coalesced, not lost). The holder claims queued records, ingests each
session's transcript from its cursor, regenerates the CLAUDE.md section when a session ended or is
about to be compacted, and loops until the queue is empty. A crash or ``kill -9`` loses nothing:
claimed files stay until their work is done, and the transcript cursors only move past work that
is on disk.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memgit.api import Memory
from memgit.fileio import try_lock
from memgit.hooks import queue

log = logging.getLogger("memgit.worker")


class _RedactingFormatter(logging.Formatter):
    """Log lines, tracebacks included, with any secret they quote redacted."""

    def format(self, record: logging.LogRecord) -> str:
        from memgit.redact import default_redactor

        return default_redactor().redact(super().format(record))


#: Events after which the generated section is rewritten.
REGENERATE_ON = frozenset({"SessionEnd", "PreCompact"})


@dataclass
class WorkerReport:
    ran: bool = False
    sessions: int = 0
    added: int = 0
    deferred: int = 0
    regenerated: bool = False
    errors: list[str] = field(default_factory=list)


def run_worker(
    root: Path,
    *,
    make_extractor: Callable[[Memory], Any] | None = None,
    environ: dict[str, str] | None = None,
) -> WorkerReport:
    """Process the queue until it is empty; return at once if another worker is running."""
    memory = Memory.open(root, environ=environ)
    state = str(memory.paths.state)
    report = WorkerReport()
    lock = memory.paths.locks / "worker.lock"
    first = True
    while True:
        with try_lock(lock) as got:
            if not got:
                return report
            report.ran = True
            _sync_index(memory, report)
            while True:
                claimed = queue.claim(state, include_deferred=first, orphans=first)
                first = False
                if not claimed:
                    break
                _process(memory, claimed, report, make_extractor)
            _prepare_session_start(memory, report)
        # Records appended after our last claim but before we let go of the lock would wait for
        # the next trigger: look once more now that the lock is free.
        if not queue.pending(state):
            return report


def _sync_index(memory: Memory, report: WorkerReport) -> None:
    try:
        memory.index.sync()
    except Exception as exc:  # the index is derived: a failure here must not stop capture
        report.errors.append(f"index sync: {exc}")


def _prepare_session_start(memory: Memory, report: WorkerReport) -> None:
    from memgit.hooks.recall import prepare_session_start

    try:
        prepare_session_start(memory)
    except Exception as exc:  # only an optimisation: the hook builds the context live without it
        report.errors.append(f"session start context: {exc}")


def _process(
    memory: Memory,
    claimed: list[str],
    report: WorkerReport,
    make_extractor: Callable[[Memory], Any] | None,
) -> None:
    from memgit.capture import ingest_transcript

    records = queue.read(claimed)
    by_transcript: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        path = record.get("p")
        if isinstance(path, str) and path:
            by_transcript.setdefault(path, []).append(record)
    extractor = (make_extractor or default_extractor)(memory)
    clean = memory.redactor.clean
    regenerate = any(record.get("e") in REGENERATE_ON for record in records)
    failed: list[dict[str, Any]] = []
    for path, items in sorted(by_transcript.items()):
        if not os.path.isfile(path):
            continue
        final = any(item.get("final") for item in items)
        try:
            result = ingest_transcript(memory, Path(path), extractor, clean=clean, final=final)
        except Exception as exc:  # one bad transcript must not block the others
            log.exception("capture failed for %s", path)
            report.errors.append(f"{path}: {exc}")
            failed.extend(items)
            continue
        report.sessions += 1
        report.added += len(result.added)
        if result.stopped:
            report.errors.append(f"{path}: {result.stopped}")
            failed.extend(items)
    if failed:
        queue.defer(str(memory.paths.state), failed)
        report.deferred += len(failed)
    if regenerate:
        try:
            for target in memory.config.targets:
                memory.generate(target)
            report.regenerated = True
        except Exception as exc:
            report.errors.append(f"generate: {exc}")
    queue.done(claimed)


def default_extractor(memory: Memory) -> Any:
    from memgit.extract.select import choose_extractor

    return choose_extractor(memory.config.extractor, memory.config.model, dict(os.environ))


def configure_logging(memory_root: Path) -> None:
    """Workers are detached: they log to ``<state>/logs/worker.log``."""
    from memgit.paths import find_paths

    folder = find_paths(memory_root).logs
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(folder / "worker.log", encoding="utf-8")
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.Formatter.converter = time.gmtime
