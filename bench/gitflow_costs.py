"""Costs of the git workflow on a synthetic history (medians of runs).

    python bench/gitflow_costs.py [--observations 1000] [--commits 200] [--runs 5]

Builds a repository with N observations about code files, committed over C commits, then
rewrites a tenth of the files. Reports code-aware staleness (cold: no cache; warm: same HEAD;
after an unrelated commit), ``memgit diff`` over the whole history, and one merge-driver run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from memgit.api import initialize
from memgit.code_staleness import Assessor, Subject
from memgit.config import StalenessConfig
from memgit.gitrepo import Git
from memgit.history import memory_diff, observations_at
from memgit.model import new_observation, render_observation
from memgit.paths import find_paths
from memgit.store import Store

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, env=ENV, check=True, capture_output=True, text=True
    ).stdout


def build(root: Path, observations: int, commits: int) -> None:
    git(root, "init", "-q", "-b", "main")
    paths = find_paths(root)
    initialize(paths)
    store = Store(paths)
    files = max(1, observations // 5)
    (root / "src").mkdir()
    per_commit = max(1, observations // commits)
    for i in range(observations):
        name = f"src/mod{i % files}.py"
        if not (root / name).exists():
            (root / name).write_text(
                "".join(f"v{i} line {n}\n" for n in range(40)), encoding="utf-8"
            )
        store.create(
            new_observation(
                "decision", f"Decision {i} about module {i % files}", "x", files=(name,)
            )
        )
        if (i + 1) % per_commit == 0:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", f"batch {i}")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "last batch")
    for i in range(0, files, 10):
        (root / f"src/mod{i}.py").write_text("rewritten\n" * 50, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "rewrite a tenth")


def median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--observations", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        root.mkdir()
        build(root, args.observations, args.commits)
        repo = Git(root)
        head = repo.resolve("HEAD")
        subjects = [Subject.of(o, p) for o, p in observations_at(repo, head)]
        cache = Path(folder) / "code-staleness.json"

        def cold() -> None:
            cache.unlink(missing_ok=True)
            Assessor(repo, StalenessConfig(), cache).assess(subjects, head)

        cold_s = median(cold, args.runs)
        stale = sum(
            v.stale
            for v in Assessor(repo, StalenessConfig(), cache).assess(subjects, head).values()
        )
        warm_s = median(
            lambda: Assessor(repo, StalenessConfig(), cache).assess(subjects, head), args.runs
        )
        (root / "NOTES.md").write_text("unrelated\n", encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "unrelated")
        new_head = repo.resolve("HEAD")
        Assessor(repo, StalenessConfig(), cache).assess(subjects, head)

        def after_commit() -> None:
            Assessor(repo, StalenessConfig(), cache).assess(subjects, head)
            Assessor(repo, StalenessConfig(), cache).assess(subjects, new_head)

        moved_s = median(after_commit, args.runs) - warm_s
        first = git(root, "rev-list", "--max-parents=0", "HEAD").strip()
        diff_s = median(lambda: memory_diff(repo, first, new_head), args.runs)
        obs = new_observation("decision", "Merge me", "x", files=("a.py",))
        texts = [render_observation(obs)] * 3
        driver_paths = []
        for name, text in zip(("base", "ours", "theirs"), texts, strict=True):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            driver_paths.append(str(path))
        env = {**ENV, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}

        def driver() -> None:
            subprocess.run(
                [sys.executable, "-m", "memgit", "merge-driver", "memory", *driver_paths, "x.md"],
                cwd=root,
                env=env,
                check=True,
            )

        driver_s = median(driver, args.runs)
        print(f"{args.observations} observations over {args.commits} commits, {stale} stale")
        print(f"staleness cold (no cache):        {cold_s * 1000:8.1f} ms")
        print(f"staleness warm (same HEAD):       {warm_s * 1000:8.1f} ms")
        print(f"staleness after a new commit:     {moved_s * 1000:8.1f} ms")
        print(f"memgit diff over the history:     {diff_s * 1000:8.1f} ms")
        print(f"merge driver, one file (process): {driver_s * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
