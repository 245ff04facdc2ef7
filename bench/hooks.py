"""Whole-process medians of each Claude Code hook, next to ``python -c pass`` in the same run.

    python bench/hooks.py [--sizes 1000,10000] [--runs 15] [--out bench/results/hooks.json]

Each hook runs as Claude Code runs it: a new process started through a launcher identical to the
console script pip writes for ``memgit`` (``from memgit.__main__ import main``), with the event's
JSON on stdin, bytecode compiled, in a repository holding a synthetic corpus (``bench/corpus.py``)
with its index built and its CLAUDE.md section generated. Hooks that start the background worker
(Stop, PreCompact, SubagentStop, SessionEnd, SessionStart) are timed up to their own exit; between
runs the benchmark waits for that worker to finish so it does not load the next measurement.
Targets (DESIGN.md §6): PostToolUse ≤ 2x ``python -c pass``; SessionStart ≤ 100 ms and
UserPromptSubmit ≤ 200 ms at 10k observations.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpora

LAUNCHER = """\
import re
import sys
from memgit.__main__ import main
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(main())
"""
PROMPTS = [
    "why are the api timestamps off by an hour",
    "how do we deploy the billing worker",
    "fix the flaky cache test in the search module",
    "who owns the payments integration",
]
TARGETS = {
    ("PostToolUse", None): ("ratio", 2.0),
    ("SessionStart", 10_000): ("ms", 100.0),
    ("UserPromptSubmit", 10_000): ("ms", 200.0),
}


def payloads(repo: Path, transcript: Path) -> dict[str, dict[str, Any]]:
    base = {"session_id": "bench-0001", "transcript_path": str(transcript), "cwd": str(repo)}
    return {
        "PostToolUse": {
            **base,
            "tool_name": "Edit",
            "tool_input": {"file_path": str(repo / "src" / "app.py"), "old_string": "a" * 400},
            "tool_response": {"filePath": str(repo / "src" / "app.py"), "success": True},
            "tool_use_id": "toolu_bench",
        },
        "SessionStart": {**base, "source": "startup", "model": "claude-sonnet-4-6"},
        "UserPromptSubmit": {**base, "prompt": PROMPTS[0], "permission_mode": "default"},
        "Stop": {**base, "stop_hook_active": False, "last_assistant_message": "Done."},
        "PreCompact": {**base, "trigger": "auto", "custom_instructions": ""},
        "SessionEnd": {**base, "reason": "prompt_input_exit"},
    }


def timed(argv: list[str], stdin: str, cwd: Path, env: dict[str, str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(argv, input=stdin.encode(), cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed: {done.stderr.decode(errors='replace')}")
    return elapsed


def wait_for_worker(repo: Path, timeout: float = 120) -> None:
    sys.path.insert(0, str(corpora.SRC))
    from memgit.fileio import try_lock

    lock = repo / ".git" / "memgit" / "locks" / "worker.lock"
    deadline = time.monotonic() + timeout
    time.sleep(0.05)
    while time.monotonic() < deadline:
        with try_lock(lock) as free:
            if free:
                return
        time.sleep(0.05)


def bench_size(size: int, runs: int, python: str, launcher: Path) -> dict[str, Any]:
    corpus = corpora.build_corpus(size)
    work = Path(tempfile.mkdtemp(prefix=f"memgit-hooks-{size}-"))
    repo = work / "repo"
    subprocess.run(["cp", "-a", str(corpus.folder / "repo"), str(repo)], check=True)
    env = corpora.child_environment()
    env["MEMGIT_EXTRACTOR"] = "heuristic"
    subprocess.run(
        [python, "-m", "memgit", "reindex"], cwd=repo, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [python, "-m", "memgit", "generate"], cwd=repo, env=env, check=True, capture_output=True
    )
    transcript = work / "session.jsonl"
    transcript.write_text("", encoding="utf-8")
    events = payloads(repo, transcript)
    results: dict[str, Any] = {"size": size, "hooks": {}}
    baseline = [timed([python, "-c", "pass"], "", repo, env) for _ in range(runs)]
    results["python_pass_ms"] = round(statistics.median(baseline) * 1000, 1)
    for event, payload in events.items():
        samples = []
        for n in range(runs + 1):
            if event == "UserPromptSubmit":
                payload = {**payload, "prompt": PROMPTS[n % len(PROMPTS)]}
            # The arguments the hook commands (hooks/hooks.json) pass.
            argv = [python, str(launcher), "hook", event, "--contract", "1"]
            elapsed = timed(argv, json.dumps(payload), repo, env)
            if n:  # the first run warms the page cache
                samples.append(elapsed)
            wait_for_worker(repo)
        median = statistics.median(samples) * 1000
        results["hooks"][event] = {
            "median_ms": round(median, 1),
            "ratio_to_python": round(median / results["python_pass_ms"], 2),
            "runs": runs,
        }
    return results


def verdicts(report: list[dict[str, Any]]) -> list[str]:
    lines = []
    for result in report:
        for (event, size), (kind, limit) in TARGETS.items():
            if size is not None and result["size"] != size:
                continue
            hook = result["hooks"][event]
            value = hook["ratio_to_python"] if kind == "ratio" else hook["median_ms"]
            unit = "x python -c pass" if kind == "ratio" else " ms"
            verdict = "pass" if value <= limit else "MISS"
            lines.append(
                f"{verdict}: {event} at {result['size']}: {value}{unit} (target ≤ {limit}{unit})"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=Path("bench/results/hooks.json"))
    args = parser.parse_args(argv)
    python = sys.executable
    env = corpora.child_environment()
    subprocess.run(
        [python, "-m", "compileall", "-q", str(corpora.SRC / "memgit")], check=True, env=env
    )
    launcher = Path(tempfile.mkdtemp(prefix="memgit-launcher-")) / "memgit"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    report = [bench_size(int(size), args.runs, python, launcher) for size in args.sizes.split(",")]
    print("| hook | " + " | ".join(f"{r['size']:,} obs" for r in report) + " |")
    print("|---|" + "---|" * len(report))
    print("| `python -c pass` | " + " | ".join(f"{r['python_pass_ms']} ms" for r in report) + " |")
    for event in report[0]["hooks"]:
        cells = [
            f"{r['hooks'][event]['median_ms']} ms ({r['hooks'][event]['ratio_to_python']}x)"
            for r in report
        ]
        print(f"| {event} | " + " | ".join(cells) + " |")
    print()
    for line in verdicts(report):
        print(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
