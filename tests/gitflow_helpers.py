"""Building memory on real git branches for the git workflow tests."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from memgit.api import Memory
from memgit.model import Observation, new_observation, with_status

from .conftest import SRC

COMMAND = (sys.executable, "-m", "memgit")
BASE_TIME = datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return BASE_TIME + timedelta(minutes=minutes)


def open_memory(root: Path) -> Memory:
    return Memory.open(root)


def add(
    root: Path,
    type: str,
    title: str,
    *,
    ident: str | None = None,
    files: tuple[str, ...] = (),
    minutes: int = 0,
    commit: str | None = None,
) -> Observation:
    """Write one observation file (as ``Memory.add`` would, at a fixed time)."""
    memory = open_memory(root)
    obs = new_observation(
        type, title, f"About {title}.", now=at(minutes), ident=ident, files=files, commit=commit
    )
    memory.store.create(obs)
    return obs


def supersede(root: Path, old_id: str, title: str, *, ident: str, minutes: int) -> Observation:
    """What dedupe does: a new observation replaces ``old_id``."""
    memory = open_memory(root)
    new = new_observation(
        "decision", title, f"About {title}.", now=at(minutes), ident=ident, supersedes=(old_id,)
    )
    memory.store.create(new)
    old = memory.store.get(old_id)
    memory.store.save(with_status(old, "superseded", at(minutes), superseded_by=new.id))
    return new


def expire(root: Path, ident: str, *, minutes: int) -> None:
    memory = open_memory(root)
    memory.store.save(with_status(memory.store.get(ident), "expired", at(minutes)))


def generate(root: Path) -> None:
    open_memory(root).generate("claude", now=at(24 * 60))


def run_git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def commit_all(root: Path, message: str) -> str:
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", message)
    return run_git(root, "rev-parse", "HEAD").stdout.strip()


def memory_files(root: Path) -> dict[str, str]:
    folder = root / ".memory" / "observations"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def conflicted(root: Path) -> list[str]:
    out = run_git(root, "diff", "--name-only", "--diff-filter=U").stdout
    return [line for line in out.splitlines() if line]


def python_path() -> str:
    return str(SRC)
