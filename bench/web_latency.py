"""Server time of each page of ``memgit serve`` on a synthetic memory (median of runs, ms).

    python bench/web_latency.py [--size 10000] [--runs 15] [--json]

Builds (once, cached in ``bench/.corpus/``) a repository with ``size`` observations over a year
and one session summary per ~12 observations, opens it as ``memgit serve`` does (the catalog is
loaded and the index synced before the first request), then requests every page in-process
through Starlette's TestClient. Server time is measured inside the ASGI stack, from the request
entering the app to the last byte of the response, so client overhead is not counted.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))

from starlette.testclient import TestClient  # noqa: E402
from starlette.types import ASGIApp, Message, Receive, Scope, Send  # noqa: E402

from memgit.api import Memory, initialize  # noqa: E402
from memgit.catalog import for_memory  # noqa: E402
from memgit.fileio import atomic_write  # noqa: E402
from memgit.model import TYPES, compose_body, new_observation, render_observation  # noqa: E402
from memgit.paths import find_paths  # noqa: E402
from memgit.query import Filters  # noqa: E402
from memgit.sessions import SessionSummary, render_session  # noqa: E402
from memgit.web.app import create_app  # noqa: E402

END = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)
PORT = 37777
AREAS = (
    "billing invoices payments refunds webhooks stripe ledger subscriptions checkout cart "
    "search index ranking autocomplete facets users accounts sessions auth oauth tokens sso "
    "profiles avatars uploads storage thumbnails exports reports csv pdf emails notifications "
    "queue workers retries scheduler cron migrations schema postgres redis cache cdn frontend "
    "router forms validation i18n timezones logging metrics tracing alerts deploy docker ci"
).split()
VERBS = "use avoid cache validate retry batch index paginate migrate split merge pin".split()
QUALIFIERS = (
    "per request|at startup|in the worker|behind a flag|with a timeout|in UTC|by tenant|"
    "before commit|after deploy|with backoff|in one transaction|lazily"
).split("|")
WORDS = (
    "because the old path leaked memory under load and nobody noticed until the nightly run "
    "failed twice in a row so we measured it and picked the simpler option that keeps latency "
    "flat while the queue drains faster than before without extra hosts"
).split()


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def build(folder: Path, size: int, seed: int) -> Path:
    """A git repository with ``size`` observations and their session summaries."""
    repo = folder / "repo"
    if (folder / "done").exists():
        return repo
    shutil.rmtree(folder, ignore_errors=True)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    paths = find_paths(repo)
    initialize(paths)
    rng = random.Random(f"web-latency:{seed}:{size}")
    start = END - timedelta(days=365)
    step = timedelta(days=365) / size
    sessions: dict[str, list[Any]] = {}
    previous: dict[str, str] = {}
    session = f"s-{seed}-0"
    for i in range(size):
        if i % 12 == 0:
            session = f"s-{seed}-{i // 12:06d}"
        kind = rng.choice(TYPES)
        area, other = rng.sample(AREAS, 2)
        title = f"{rng.choice(VERBS).capitalize()} {area} {rng.choice(QUALIFIERS)} for {other}"
        created = start + step * i
        facts = [_sentence(rng, 5, 12) for _ in range(rng.randint(1, 4))]
        fields: dict[str, Any] = {
            "files": [f"src/{area}/{other}.py"],
            "tags": [area, other],
            "session": session,
            "branch": rng.choice(("main", "feat/search", "fix/billing")),
            "source": "heuristic",
            "confidence": round(rng.uniform(0.5, 0.95), 2),
        }
        status = "active"
        if kind in ("progress", "coordination") and created < END - timedelta(days=40):
            status = "expired" if rng.random() < 0.5 else "active"
        fields["status"] = status
        obs = new_observation(
            kind, title, compose_body(_sentence(rng, 8, 20), facts), now=created, **fields
        )
        older = previous.get(area + kind)
        if older and kind not in ("progress", "coordination") and rng.random() < 0.1:
            obs = new_observation(kind, title, obs.body, now=created, supersedes=[older], **fields)
            path = next(paths.observations.glob(f"*-{older}.md"))
            old = path.read_text(encoding="utf-8")
            old = old.replace("status: active", "status: superseded", 1).replace(
                "superseded_by: null", f"superseded_by: {obs.id}", 1
            )
            atomic_write(path, old, fsync=False)
        previous[area + kind] = obs.id
        atomic_write(paths.observations / obs.file_name(), render_observation(obs), fsync=False)
        sessions.setdefault(session, []).append(obs)
    for name, made in sessions.items():
        summary = SessionSummary(
            session=name,
            title=made[0].title,
            started=made[0].created,
            ended=made[-1].created + timedelta(minutes=5),
            branch=made[0].branch,
            observations=tuple(o.id for o in made),
            source="heuristic",
            request=_sentence(rng, 6, 12),
            learned=tuple(o.title for o in made[:3]),
            completed=(_sentence(rng, 4, 8),),
            next_steps=(_sentence(rng, 4, 8),),
        )
        atomic_write(paths.sessions / summary.file_name(), render_session(summary), fsync=False)
    (folder / "done").write_text("ok\n", encoding="utf-8")
    return repo


class ServerTime:
    """ASGI middleware recording the time from request to the end of the response body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()

        async def timed(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last = time.perf_counter() - start

        await self.app(scope, receive, timed)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    repo = build(BENCH / ".corpus" / f"web-{args.size}-{args.seed}", args.size, args.seed)
    built = time.perf_counter() - started

    started = time.perf_counter()
    memory = Memory.open(repo)
    catalog = for_memory(memory)
    snapshot = catalog.snapshot()
    loaded = time.perf_counter() - started

    timer = ServerTime(create_app(memory, port=PORT, catalog=catalog, now=lambda: END))
    client = TestClient(timer, base_url=f"http://127.0.0.1:{PORT}")
    one = snapshot.observations[len(snapshot.observations) // 2]
    chained = next(o for o in snapshot.observations if o.supersedes)
    pages = {
        "overview": "/",
        "search (3 common words)": "/search?q=retry+queue+workers",
        "search (2 rarer words)": "/search?q=stripe+thumbnails",
        "search (word+filters)": "/search?q=cache&type=decision&status=all&since=2026-01-01",
        "list (filters, no words)": "/search?type=gotcha&file=src/billing",
        "observation": f"/m/{one.id}",
        "observation (chain)": f"/m/{chained.id}",
        "sessions, page 1": "/sessions",
        "sessions, page 40": "/sessions?page=40",
        "one session": f"/sessions/{one.session}",
        "needs review": "/stale",
    }
    results: dict[str, dict[str, float]] = {}
    for name, path in pages.items():
        times = []
        for run in range(args.runs + 2):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
            if run >= 2:
                times.append(timer.last * 1000)
        times.sort()
        results[name] = {
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
            "max_ms": round(times[-1], 1),
        }
    # The same searches straight through the index, to show what the web layer adds.
    searches = {
        "search (3 common words)": ("retry queue workers", Filters()),
        "search (2 rarer words)": ("stripe thumbnails", Filters()),
        "search (word+filters)": (
            "cache",
            Filters(types=("decision",), statuses=(), since=datetime(2026, 1, 1, tzinfo=UTC)),
        ),
    }
    for name, (text, filters) in searches.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            memory.search(text, filters, 51, refresh=False)
            times.append((time.perf_counter() - start) * 1000)
        results[name]["index_only_ms"] = round(statistics.median(times), 1)
    report = {
        "observations": len(snapshot.observations),
        "sessions": len(snapshot.sessions),
        "corpus_build_s": round(built, 1),
        "startup_load_s": round(loaded, 2),
        "pages": results,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{report['observations']:,} observations, {report['sessions']:,} sessions; "
        f"startup (catalog load + index sync) {loaded:.2f} s"
    )
    print(f"{'page':<28} {'median':>9} {'p90':>9} {'max':>9}   index.search alone")
    for name, row in results.items():
        alone = f"{row['index_only_ms']:>9.1f}ms" if "index_only_ms" in row else ""
        print(
            f"{name:<28} {row['median_ms']:>7.1f}ms {row['p90_ms']:>7.1f}ms "
            f"{row['max_ms']:>7.1f}ms {alone}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
