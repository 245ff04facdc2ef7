"""A small, realistic memory for the viewer's tests and its screenshot: a made-up shipping-data
service ("harbor") after two months of work, with sessions, a supersession chain, expired and
fading progress notes."""

from __future__ import annotations

import random
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from memgit.api import initialize
from memgit.fileio import atomic_write
from memgit.model import Observation, new_observation, render_observation
from memgit.paths import find_paths
from memgit.sessions import SessionSummary, render_session

# (days before now, type, title, body, files, tags, session index)
NOTES: tuple[tuple[float, str, str, str, tuple[str, ...], tuple[str, ...], int], ...] = (
    (
        58,
        "architecture",
        "Imports run as RQ jobs behind the upload API",
        "Uploads return at once with a job id; the heavy parsing runs in a worker.\n\n"
        "- `api/uploads.py` enqueues `jobs.import_manifest`\n"
        "- workers scale separately from the web tier",
        ("api/uploads.py", "jobs/import_manifest.py"),
        ("rq", "architecture"),
        0,
    ),
    (
        57,
        "decision",
        "Use Celery for background jobs",
        "Picked Celery for retries and scheduling.",
        ("jobs/worker.py",),
        ("celery", "jobs"),
        0,
    ),
    (
        49,
        "gotcha",
        "Harbor CSV timestamps are local time without an offset",
        "The port authority exports `ETA` in the port's local time.\n\n"
        "- parse with the port's zone from `ports.yaml`, then convert to UTC\n"
        "- never call `datetime.fromisoformat` on the raw column",
        ("importers/harbor.py", "config/ports.yaml"),
        ("timezones", "csv"),
        1,
    ),
    (
        47,
        "pattern",
        "Validate rows with a frozen dataclass per feed",
        "Each feed has a `Row` dataclass with a `parse()` classmethod; errors name the column.",
        ("importers/rows.py",),
        ("validation",),
        1,
    ),
    (
        40,
        "decision",
        "Use RQ instead of Celery for background jobs",
        "Celery's prefork pool leaked memory under our long imports; RQ is simpler to run.\n\n"
        "- one Redis for queues and locks\n"
        "- `rq worker --with-scheduler` replaces celery beat",
        ("jobs/worker.py", "deploy/worker.service"),
        ("rq", "celery", "jobs"),
        2,
    ),
    (
        38,
        "gotcha",
        "Redis 6 is the minimum: RQ's scheduler needs LPOS",
        "Staging ran Redis 5 and the scheduler crashed at start with `unknown command 'LPOS'`.",
        ("deploy/redis.conf",),
        ("redis", "rq"),
        2,
    ),
    (
        33,
        "architecture",
        "Manifests are stored once, keyed by their SHA-256",
        "Re-uploads of the same file reuse the stored manifest and its parse results.",
        ("storage/manifests.py",),
        ("storage",),
        3,
    ),
    (
        30,
        "progress",
        "Migrating the vessel table to the new schema",
        "Half the columns moved; `imo_number` backfill still running.",
        ("db/migrations/0042_vessels.py",),
        ("migration",),
        3,
    ),
    (
        24,
        "pattern",
        "Retry imports with exponential backoff, at most 5 attempts",
        "Transient S3 errors resolve within a minute.\n\n"
        "- `Retry(max=5, interval=[10, 30, 60, 120, 300])`",
        ("jobs/import_manifest.py",),
        ("rq", "retries"),
        4,
    ),
    (
        21,
        "coordination",
        "Dana owns the customs feed until the March release",
        "Ask before changing `importers/customs.py`.",
        ("importers/customs.py",),
        ("ownership",),
        4,
    ),
    (
        16,
        "gotcha",
        "The customs API returns HTTP 200 with an error body on throttling",
        "Check `payload['status'] == 'ok'`, not the status code; back off 60 s on `THROTTLED`.",
        ("importers/customs.py",),
        ("customs", "http"),
        5,
    ),
    (
        12,
        "decision",
        "Store all times in UTC and convert only in templates",
        "Follows from the harbor timestamp bug: one rule everywhere.",
        ("models/base.py", "web/templates/_time.html"),
        ("timezones",),
        5,
    ),
    (
        9,
        "progress",
        "Customs feed importer: parsing done, upload wiring next",
        "- rows parse and validate\n- next: enqueue from the upload API",
        ("importers/customs.py", "api/uploads.py"),
        ("customs",),
        6,
    ),
    (
        6,
        "pattern",
        "Feature flags live in `flags.yaml`, read once per request",
        "Use `flags.enabled(request, 'name')`; never read the file at import time.",
        ("web/flags.py", "config/flags.yaml"),
        ("flags",),
        6,
    ),
    (
        3,
        "gotcha",
        "Parallel test runs need one Redis database each",
        "Tests share Redis db 0 and flush it: with `pytest -n 4` they wipe each other's queues.\n\n"
        "- the `redis_db` fixture picks `db = worker number + 1`",
        ("tests/conftest.py",),
        ("tests", "redis"),
        7,
    ),
    (
        1,
        "progress",
        "Wiring the customs importer into the upload API",
        "Endpoint accepts the file; job enqueued; status page pending.",
        ("api/uploads.py",),
        ("customs",),
        7,
    ),
)

SESSIONS = (
    ("Set up the upload API and background jobs", "Build the upload endpoint for manifests"),
    ("Fix timezone bugs in the harbor importer", "ETAs are off by hours for some ports"),
    ("Replace Celery with RQ", "Workers keep running out of memory during imports"),
    ("Deduplicate manifest uploads", "Customers upload the same manifest several times"),
    ("Make imports resilient to S3 errors", "Imports fail on transient S3 errors"),
    ("Start the customs feed", "Import the customs declarations feed"),
    ("Customs feed parsing and feature flags", "Finish the customs parser behind a flag"),
    ("Wire the customs importer", "Connect the customs importer to uploads"),
)


def _ident(number: int) -> str:
    """A fixed id that looks like a real one."""
    pick = random.Random(number)
    return pick.choice("abcdefghjkmnpqrstvwxyz") + "".join(
        pick.choice("0123456789abcdefghjkmnpqrstvwxyz") for _ in range(9)
    )


def session_id(index: int) -> str:
    return f"0b7c{index:04d}-5e1d-4a7f-9c2b-{index:012d}"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build_demo(root: Path, now: datetime) -> dict[str, Observation]:
    """Create a git repository at ``root`` with the demo memory; returns observations by title."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    paths = find_paths(root)
    initialize(paths)
    made: dict[str, Observation] = {}
    for number, (age, kind, title, body, files, tags, index) in enumerate(NOTES):
        moment = (now - timedelta(days=age, hours=number % 5)).replace(microsecond=0)
        made[title] = new_observation(
            kind,
            title,
            body,
            now=moment,
            ident=_ident(number),
            files=files,
            tags=tags,
            confidence=0.8 if kind in ("progress", "coordination") else 0.9,
            session=session_id(index),
            branch="main" if index % 3 else "feat/customs",
            commit=f"{0x3F9A2C1 + number * 7919:07x}",
            source="heuristic",
        )
    celery = made["Use Celery for background jobs"]
    rq = made["Use RQ instead of Celery for background jobs"]
    made[celery.title] = replace(
        celery, status="superseded", superseded_by=rq.id, updated=rq.created
    )
    made[rq.title] = replace(rq, supersedes=(celery.id,))
    vessels = made["Migrating the vessel table to the new schema"]
    made[vessels.title] = replace(vessels, status="expired", updated=now - timedelta(days=2))
    for obs in made.values():
        atomic_write(paths.observations / obs.file_name(), render_observation(obs))
    for index, (title, request) in enumerate(SESSIONS):
        own = [o for o in made.values() if o.session == session_id(index)]
        started = min(o.created for o in own) - timedelta(minutes=20)
        summary = SessionSummary(
            session=session_id(index),
            title=title,
            started=started,
            ended=started + timedelta(minutes=55 + index * 7),
            branch="main" if index % 3 else "feat/customs",
            observations=tuple(o.id for o in own),
            source="heuristic",
            request=request,
            learned=tuple(o.title for o in own if o.type in ("gotcha", "decision"))[:3],
            completed=tuple(f"Committed `{o.files[0]}`" for o in own if o.files)[:2],
            next_steps=("Review the new memory in the PR",) if index == len(SESSIONS) - 1 else (),
        )
        atomic_write(paths.sessions / summary.file_name(), render_session(summary))
    return made
