"""Latency of the MCP tools as Claude Code sees it: a real ``memgit mcp`` over stdio, SDK client.

    python bench/mcp_latency.py [--observations 1000] [--calls 20]

Builds a synthetic memory in a temporary git repository, starts the server the way Claude Code
does (``python -m memgit mcp``, project folder in ``CLAUDE_PROJECT_DIR``), and reports the time to
``initialize`` and the median and 90th percentile of each tool's round trip (varied queries and
ids; the first call of each tool is a warm-up and is not counted).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from memgit.api import Memory, initialize
from memgit.model import TYPES, new_observation, render_observation
from memgit.paths import find_paths

SRC = Path(__file__).resolve().parents[1] / "src"

WORDS = (
    "cache queue worker retry timeout schema migration index parser token session billing "
    "invoice harbor csv timestamp timezone redis postgres celery pool connection deploy "
    "staging release feature flag webhook payload signature audit log metrics tracing span "
    "config secret vault rotate backoff jitter batch stream offset consumer producer lock "
    "lease shard replica failover snapshot backup restore quota limit throttle"
).split()


def make_corpus(root: Path, count: int, rng: random.Random) -> list[str]:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    paths = find_paths(root)
    initialize(paths)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = []
    for n in range(count):
        title = " ".join(rng.sample(WORDS, 6)).capitalize()
        body = (
            " ".join(rng.choices(WORDS, k=40))
            + "\n\n"
            + "\n".join(f"- {' '.join(rng.sample(WORDS, 5))}" for _ in range(3))
        )
        obs = new_observation(
            rng.choice(TYPES),
            title,
            body,
            now=start + timedelta(minutes=17 * n),
            files=(f"src/{rng.choice(WORDS)}/{rng.choice(WORDS)}.py",),
            tags=tuple(rng.sample(WORDS, 2)),
            session=f"session-{n // 25:04d}",
        )
        (paths.observations / obs.file_name()).write_text(render_observation(obs), encoding="utf-8")
        ids.append(obs.id)
    Memory.open(root).reindex(full=True)
    return ids


async def measure(root: Path, ids: list[str], calls: int, rng: random.Random) -> None:
    env = {"PYTHONPATH": str(SRC), "CLAUDE_PROJECT_DIR": str(root)}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "memgit", "mcp"], env=env, cwd=root
    )
    started = time.perf_counter()
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        print(f"start + initialize: {(time.perf_counter() - started) * 1000:.0f} ms")
        plans = {
            "round trip": lambda: {"query": "x", "limit": 0},  # refused at once: the floor
            "search": lambda: {"query": " ".join(rng.sample(WORDS, 2)), "limit": 10},
            "get (5 ids)": lambda: {"ids": rng.sample(ids, 5)},
            "timeline (around)": lambda: {"around": rng.choice(ids), "limit": 20},
        }
        tools = {
            "round trip": "search",
            "search": "search",
            "get (5 ids)": "get",
            "timeline (around)": "timeline",
        }
        for label, plan in plans.items():
            times = []
            size = 0
            for n in range(calls + 1):
                arguments = plan()
                begin = time.perf_counter()
                result = await session.call_tool(tools[label], arguments)
                elapsed = time.perf_counter() - begin
                if result.is_error != (label == "round trip"):
                    raise SystemExit(f"{label}: unexpected answer {result.content}")
                if n:  # the first call is a warm-up
                    times.append(elapsed)
                    size = max(size, sum(len(getattr(c, "text", "")) for c in result.content))
            times.sort()
            p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
            print(
                f"{label:<18} median {statistics.median(times) * 1000:6.1f} ms   "
                f"p90 {p90 * 1000:6.1f} ms   largest answer {size:,} chars"
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--observations", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)
    # As pip installs it: bytecode compiled (PYTHONDONTWRITEBYTECODE may be set on this machine).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(SRC)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        ids = make_corpus(root, args.observations, rng)
        print(f"{args.observations} observations, {args.calls} calls per tool")
        anyio.run(measure, root, ids, args.calls, rng)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
