"""A team's first week: two clones push to one bare remote, both capture memory, round after round.

Every git operation (pull as merge or rebase, conflicting merge, checkout, cherry-pick) must
leave ``git status --porcelain`` empty, and every merge commit must hold exactly the section
``memgit generate`` produces for the merged memory (``memgit generate --check`` passes there).
Real git, memgit's real hooks and merge drivers, the CLI as a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SRC


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC)
    return env


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, env=_env(), check=False
    )
    if check and done.returncode:
        raise AssertionError(f"git {' '.join(args)}:\n{done.stdout}\n{done.stderr}")
    return done


def memgit(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "memgit", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    if check and done.returncode:
        raise AssertionError(f"memgit {' '.join(args)}:\n{done.stdout}\n{done.stderr}")
    return done


def clean(root: Path) -> None:
    status = git(root, "status", "--porcelain").stdout
    assert status == "", f"the work tree of {root.name} holds changes nobody made:\n{status}"


def current(root: Path) -> None:
    done = memgit(root, "generate", "--check", check=False)
    assert done.returncode == 0, f"{root.name}: section not current:\n{done.stdout}{done.stderr}"


def is_merge(root: Path) -> bool:
    return len(git(root, "rev-list", "--parents", "-n1", "HEAD").stdout.split()) == 3


def capture(root: Path, title: str, type: str = "gotcha") -> None:
    memgit(root, "add", "--type", type, "--title", title, "--body", f"Learned: {title}.")


def work(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")


def commit(root: Path, message: str) -> None:
    memgit(root, "generate")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Path]:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    alice = tmp_path / "alice"
    git(tmp_path, "clone", "-q", str(remote), str(alice))
    work(alice, "CLAUDE.md", "# Harbor\n\nOur own notes for the agent.\n")
    work(alice, "app.py", "print('harbor')\n")
    memgit(alice, "init", "--no-hooks")
    capture(alice, "Harbor timestamps arrive in local time")
    commit(alice, "start")
    git(alice, "push", "-q", "-u", "origin", "main")
    bob = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(remote), str(bob))
    memgit(bob, "init", "--no-hooks")  # the git side is per clone
    clean(bob)
    return alice, bob


def test_two_clones_push_pull_and_merge_for_several_rounds_without_dirt(
    team: tuple[Path, Path],
) -> None:
    alice, bob = team
    alice_learns = [
        "Alice found uploads retry with jitter",
        "Alice saw the queue drops duplicate messages",
        "Alice noticed thumbnails are cached for a day",
    ]
    bob_decides = [
        "Bob chose UTC offsets for the importer",
        "Bob picked gzip for every export",
        "Bob settled on one database per tenant",
    ]
    for round in range(3):
        capture(alice, alice_learns[round])
        work(alice, f"alice_{round}.py", f"A = {round}\n")
        commit(alice, f"alice {round}")
        git(alice, "push", "-q")

        capture(bob, bob_decides[round], "decision")
        work(bob, f"bob_{round}.py", f"B = {round}\n")
        commit(bob, f"bob {round}")
        git(bob, "pull", "-q", "--no-rebase", "--no-edit")
        clean(bob)
        assert is_merge(bob)
        current(bob)
        section = (bob / "CLAUDE.md").read_text(encoding="utf-8")
        assert alice_learns[round] in section
        assert bob_decides[round] in section
        assert "Our own notes for the agent." in section
        git(bob, "push", "-q")

        git(alice, "pull", "-q", "--no-rebase", "--no-edit")  # a fast-forward
        clean(alice)
        current(alice)


def test_a_merge_that_stops_on_a_conflict_is_concluded_with_the_merged_section(
    team: tuple[Path, Path],
) -> None:
    alice, bob = team
    capture(alice, "Alice learned the queue drops duplicates")
    work(alice, "app.py", "print('harbor, by alice')\n")
    commit(alice, "alice")
    git(alice, "push", "-q")
    capture(bob, "Bob learned the cache is per process")
    work(bob, "app.py", "print('harbor, by bob')\n")
    commit(bob, "bob")
    pulled = git(bob, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0
    assert git(bob, "diff", "--name-only", "--diff-filter=U").stdout.split() == ["app.py"]
    work(bob, "app.py", "print('harbor, by both')\n")
    # Memory learned while resolving is part of the merge: the pre-commit step ranks it in.
    capture(bob, "Bob learned both printers need the same prefix")
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "--no-edit")
    clean(bob)
    assert is_merge(bob)
    current(bob)
    section = (bob / "CLAUDE.md").read_text(encoding="utf-8")
    assert "both printers need the same prefix" in section
    assert "queue drops duplicates" in section
    assert "cache is per process" in section


def test_pull_with_rebase_checkout_and_cherry_pick_leave_the_work_tree_clean(
    team: tuple[Path, Path],
) -> None:
    alice, bob = team
    capture(alice, "Alice learned the parser is strict about BOMs")
    commit(alice, "alice")
    git(alice, "push", "-q")
    capture(bob, "Bob learned exports are gzip only")
    commit(bob, "bob")
    git(bob, "pull", "-q", "--rebase")
    clean(bob)
    section = (bob / "CLAUDE.md").read_text(encoding="utf-8")
    assert "parser is strict" in section
    assert "gzip only" in section

    git(bob, "checkout", "-q", "-b", "topic", "HEAD~1")
    clean(bob)
    capture(bob, "Bob learned the topic branch needs a flag")
    commit(bob, "topic")
    git(bob, "checkout", "-q", "main")
    clean(bob)
    git(bob, "cherry-pick", "topic")
    clean(bob)
    assert "topic branch needs a flag" in (bob / "CLAUDE.md").read_text(encoding="utf-8")
    git(bob, "checkout", "-q", "topic")
    clean(bob)
    git(bob, "checkout", "-q", "main")
    clean(bob)


def test_the_merge_commit_holds_the_merged_section_whichever_side_merges(
    team: tuple[Path, Path],
) -> None:
    alice, bob = team
    capture(alice, "Alice learned ports are fixed")
    commit(alice, "alice")
    git(alice, "push", "-q")
    capture(bob, "Bob learned logs rotate daily")
    commit(bob, "bob")
    git(bob, "fetch", "-q")
    git(bob, "checkout", "-q", "-b", "other", "origin/main")
    git(bob, "merge", "-q", "--no-edit", "main")
    one = git(bob, "show", "HEAD:CLAUDE.md").stdout
    git(bob, "checkout", "-q", "main")
    git(bob, "merge", "-q", "--no-edit", "origin/main")
    two = git(bob, "show", "HEAD:CLAUDE.md").stdout
    assert one == two
    current(bob)
    clean(bob)


def test_a_conflict_in_the_users_own_text_resolved_with_commit_a(
    team: tuple[Path, Path],
) -> None:
    alice, bob = team
    notes = (alice / "CLAUDE.md").read_text(encoding="utf-8")
    capture(alice, "Alice learned retries back off exponentially")
    work(alice, "CLAUDE.md", notes.replace("Our own notes", "Alice's notes"))
    commit(alice, "alice")
    git(alice, "push", "-q")
    capture(bob, "Bob learned the scheduler runs hourly")
    work(bob, "CLAUDE.md", notes.replace("Our own notes", "Bob's notes"))
    commit(bob, "bob")
    assert git(bob, "pull", "--no-rebase", "--no-edit", check=False).returncode != 0
    text = (bob / "CLAUDE.md").read_text(encoding="utf-8")
    assert "<<<<<<< ours" in text  # the user's own lines: theirs to resolve, and only those
    start, end = text.index("<<<<<<< ours"), text.index(">>>>>>> theirs") + len(">>>>>>> theirs")
    work(bob, "CLAUDE.md", text[:start] + "Everyone's notes for the agent." + text[end:])
    git(bob, "commit", "-q", "-a", "--no-edit")  # the index being committed is a temporary one
    clean(bob)
    assert is_merge(bob)
    current(bob)
    section = git(bob, "show", "HEAD:CLAUDE.md").stdout
    assert "Everyone's notes for the agent." in section
    assert "retries back off exponentially" in section
    assert "scheduler runs hourly" in section
