"""PostToolUse as Claude Code runs it: the hook command string through ``sh -c``, interleaved runs.

    python bench/hook_command.py [--runs 31] [--before PATH/TO/OLD/CHECKOUT/src]

``bench/hooks.py`` times the entry point; this times the whole command of ``hooks/hooks.json``
(``command -v claude-memgit … && claude-memgit hook PostToolUse --contract 1 || true``), with a
``claude-memgit`` launcher like the one pip writes on PATH, in a repository of 1,000 synthetic
observations. Every case runs once per round, round after round, so a busy machine slows them
alike; medians are printed next to ``python -c pass``. ``--before`` adds the same two cases for an
older checkout's ``src`` (its hook command is the 0.1 one, which ran ``memgit``). Target
(DESIGN.md §6): PostToolUse ≤ 2x ``python -c pass``.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpora

LEGACY = "command -v memgit >/dev/null 2>&1 && memgit hook PostToolUse || true"


def launchers(folder: Path, src: Path, python: str) -> Path:
    folder.mkdir(parents=True)
    text = (
        f"#!{python}\nimport sys\nsys.path.insert(0, {str(src)!r})\n"
        "from memgit.__main__ import main\nif __name__ == '__main__':\n    sys.exit(main())\n"
    )
    for name in ("memgit", "claude-memgit"):
        (folder / name).write_text(text, encoding="utf-8")
        (folder / name).chmod(0o755)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--before", type=Path, help="an older checkout's src folder")
    args = parser.parse_args(argv)
    python = sys.executable
    env = corpora.child_environment()
    env.pop("PYTHONPATH", None)
    sys.path.insert(0, str(corpora.SRC))
    from memgit.install import hook_command

    corpus = corpora.build_corpus(1000)
    work = Path(tempfile.mkdtemp(prefix="memgit-hook-command-"))
    repo = work / "repo"
    subprocess.run(["cp", "-a", str(corpus.folder / "repo"), str(repo)], check=True)
    sources = {"this": corpora.SRC, **({"before": args.before.resolve()} if args.before else {})}
    cases: dict[str, tuple[list[str], Path | None]] = {
        "python -c pass": ([python, "-c", "pass"], None)
    }
    for label, src in sources.items():
        subprocess.run([python, "-m", "compileall", "-q", str(src)], check=True, env=env)
        folder = launchers(work / label, src, python)
        if label == "this":
            entry = [str(folder / "claude-memgit"), "hook", "PostToolUse", "--contract", "1"]
            command = hook_command("PostToolUse")
        else:
            entry, command = [str(folder / "memgit"), "hook", "PostToolUse"], LEGACY
        cases[f"{label}: {' '.join(entry[1:])} (entry point)"] = (entry, None)
        cases[f"{label}: sh -c hook command"] = (["sh", "-c", command], folder)
    payload = json.dumps(
        {
            "session_id": "bench-0001",
            "transcript_path": str(work / "session.jsonl"),
            "cwd": str(repo),
            "tool_name": "Edit",
            "tool_input": {"file_path": str(repo / "src" / "app.py"), "old_string": "a" * 400},
            "tool_response": {"filePath": str(repo / "src" / "app.py"), "success": True},
        }
    ).encode()
    samples: dict[str, list[float]] = {label: [] for label in cases}
    for n in range(args.runs + 1):
        for label, (command_argv, folder) in cases.items():
            run_env = dict(env)
            if folder is not None:
                run_env["PATH"] = f"{folder}:/usr/bin:/bin"
            began = time.perf_counter()
            done = subprocess.run(
                command_argv, input=payload, cwd=repo, env=run_env, capture_output=True
            )
            elapsed = time.perf_counter() - began
            if done.returncode != 0 or done.stdout:
                raise SystemExit(f"{label} failed: {done.stdout!r} {done.stderr!r}")
            if n:  # the first round warms the page cache
                samples[label].append(elapsed)
    base = statistics.median(samples["python -c pass"])
    print("| PostToolUse, 1,000 obs | median | ratio to `python -c pass` |")
    print("|---|---|---|")
    for label, values in samples.items():
        median = statistics.median(values)
        print(f"| {label} | {median * 1000:.1f} ms | {median / base:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
