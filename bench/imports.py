"""What each dependency of the design card costs to import: whole-process medians, interleaved.

    python bench/imports.py [--runs 15]

For docs/dependencies.md. Each case is ``python -c "import X"`` as a new process (bytecode
compiled, as pip installs it), run once per round, round after round, so a busy machine slows
every case alike; the median is printed next to ``python -c pass`` from the same rounds, with the
cumulative import time ``python -X importtime`` reports for the statement. A package that is not
installed (GitPython, pre-commit and python-frontmatter are no runtime dependencies) is reported as
such: install it into the environment to measure it.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": "pass",
    "PyYAML (`import yaml`, C loader)": "import yaml; yaml.CSafeLoader",
    "whoosh3 (`whoosh.index`, `whoosh.qparser`)": "import whoosh.index, whoosh.qparser",
    "anthropic": "import anthropic",
    "GitPython (`import git`)": "import git",
    "python-frontmatter": "import frontmatter",
    "pre-commit (`pre_commit.main`)": "import pre_commit.main",
    "mcp (`MCPServer`)": "from mcp.server.mcpserver import MCPServer",
    "starlette + uvicorn": "import starlette.applications, uvicorn",
}
LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)")


def cumulative_ms(code: str, env: dict[str, str]) -> float:
    """Sum of the top-level entries ``-X importtime`` lists for ``code`` (site excluded)."""
    baseline = _top_level(
        subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "pass"],
            env=env,
            capture_output=True,
            text=True,
        ).stderr
    )
    report = _top_level(
        subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            env=env,
            capture_output=True,
            text=True,
        ).stderr
    )
    return sum(us for name, us in report.items() if name not in baseline) / 1000


def _top_level(stderr: str) -> dict[str, int]:
    found = {}
    for line in stderr.splitlines():
        match = LINE.match(line)
        if match and len(match.group(2)) == 1:
            found[match.group(3)] = int(match.group(1))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cases = {}
    for label, code in CASES.items():
        probe = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True)
        if probe.returncode == 0:
            cases[label] = code
        else:
            print(f"{label}: not installed here")
    samples: dict[str, list[float]] = {label: [] for label in cases}
    for n in range(args.runs + 1):
        for label, code in cases.items():
            began = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            if n:  # the first round warms the page cache
                samples[label].append(time.perf_counter() - began)
    base = statistics.median(samples["python -c pass"])
    print("| import | whole process (median) | over `python -c pass` | `-X importtime` |")
    print("|---|---|---|---|")
    for label, values in samples.items():
        median = statistics.median(values)
        extra = "" if label == "python -c pass" else f"+{(median - base) * 1000:.0f} ms"
        importtime = (
            "" if label == "python -c pass" else f"{cumulative_ms(cases[label], env):.0f} ms"
        )
        print(f"| {label} | {median * 1000:.0f} ms | {extra} | {importtime} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
