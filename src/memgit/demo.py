"""``memgit demo``: the whole product in one command, offline, in a throw-away repository.

It creates a small repository in a temporary folder, initialises memory, ingests a Claude Code
session written for the demo (bundled with memgit) with the offline extractor, and returns what a
user would then see: the observations, the CLAUDE.md section and a search.
"""

from __future__ import annotations

import importlib.resources
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from memgit.api import Memory, initialize
from memgit.capture import IngestReport, ingest_transcript
from memgit.paths import find_paths
from memgit.query import Filters, Hit

SESSION_FILE = "demo-session.jsonl"
QUESTION = "why are harbor timestamps off by an hour"
FILES = {
    "README.md": "# tidepool\n\nImports harbor tide readings and shows them on a small web page.\n",
    "tidepool/__init__.py": "",
    "tidepool/parse.py": (
        "from datetime import datetime, timezone\n\n\ndef parse_row(row):\n"
        '    ts = datetime.strptime(row["time"], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)\n'
        '    return ts, float(row["level_m"])\n'
    ),
    "tidepool/importer.py": "from tidepool.parse import parse_row\n",
    "tidepool/store.py": "import sqlite3\n",
    "tidepool/web/views.py": "from zoneinfo import ZoneInfo\n",
    "tidepool/feeds/harbor.py": "FEED_URL = 'https://harbor.example/readings.csv'\n",
}


@dataclass(frozen=True)
class DemoResult:
    repo: Path
    ingest: IngestReport
    observations: list[Hit]
    section: str
    question: str
    answers: list[Hit]


def session_path() -> Path:
    return Path(str(importlib.resources.files("memgit") / "data" / SESSION_FILE))


def run_demo(parent: Path | None = None) -> DemoResult:
    folder = Path(tempfile.mkdtemp(prefix="memgit-demo-", dir=parent))
    repo = folder / "tidepool"
    for name, text in FILES.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    _git(repo, "init", "-q", "-b", "fix/harbor-timestamps")
    initialize(find_paths(repo))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "tidepool with memory")
    memory = Memory.open(repo, overrides={"extractor": "heuristic"})
    from memgit.extract.heuristic import HeuristicExtractor

    report = ingest_transcript(
        memory,
        session_path(),
        HeuristicExtractor(),
        clean=memory.redactor.clean,
        final=True,
    )
    claude_md, _ = memory.generate("claude")
    return DemoResult(
        repo=repo,
        ingest=report,
        observations=memory.listing(Filters()),
        section=claude_md.read_text(encoding="utf-8"),
        question=QUESTION,
        answers=memory.search(QUESTION, Filters(), 3),
    )


def _git(repo: Path, *args: str) -> None:
    env = dict(os.environ)
    env.setdefault("GIT_AUTHOR_NAME", "memgit demo")
    env.setdefault("GIT_AUTHOR_EMAIL", "demo@memgit.invalid")
    env.setdefault("GIT_COMMITTER_NAME", "memgit demo")
    env.setdefault("GIT_COMMITTER_EMAIL", "demo@memgit.invalid")
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
