"""Importing Claude Code's auto memory from a real folder in a temporary HOME; turning it off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.automemory import find_memory_folder, memgit_type, read_auto_memory
from memgit.transcript.discover import encode_project_dir

from .conftest import git, memgit_process
from .test_review import _run_in_pty

SECRET = "sk-ant-api03-" + "Z" * 90


def auto_memory(home: Path, root: Path) -> Path:
    """A Claude Code auto-memory folder for ``root``, as Claude Code writes it."""
    folder = home / ".claude" / "projects" / encode_project_dir(root) / "memory"
    folder.mkdir(parents=True)
    (folder / "MEMORY.md").write_text(
        "- [Integration tests hit a real database](testing-db.md) — no mocks in tests\n"
        "- [Harbor feed](harbor-feed.md) — where the feed's docs live\n"
        "- [User role](user-role.md) — who I work with\n"
        "- [Release freeze](release-freeze.md) — merge freeze dates\n"
        "- The deploy script needs AWS_PROFILE=prod set first\n",
        encoding="utf-8",
    )
    (folder / "testing-db.md").write_text(
        "---\n"
        "name: testing-db\n"
        "description: Integration tests must hit a real database, not mocks\n"
        "metadata:\n"
        "  type: feedback\n"
        "---\n\n"
        "Integration tests must hit a real database.\n\n"
        "**Why:** a mocked test passed while the migration broke production.\n"
        f"**How to apply:** use the docker compose database; its key is {SECRET}.\n",
        encoding="utf-8",
    )
    (folder / "harbor-feed.md").write_text(
        "---\nname: harbor-feed\ndescription: The harbor feed is documented in the Ops wiki\n"
        "type: reference\n---\n\nSee the Ops wiki page 'Harbor feed' for field meanings.\n",
        encoding="utf-8",
    )
    (folder / "user-role.md").write_text(
        "---\nname: user-role\ndescription: Dana is a data scientist new to the frontend\n"
        "metadata:\n  type: user\n---\n\nFrame frontend answers in backend terms.\n",
        encoding="utf-8",
    )
    (folder / "release-freeze.md").write_text(
        "---\nname: release-freeze\ndescription: We decided to freeze merges before releases\n"
        "metadata:\n  type: project\n---\n\nWe decided to freeze non-critical merges two days "
        "before each release.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def test_import_types_redacts_and_runs_twice_without_change(memory_repo: Path, home: Path) -> None:
    auto_memory(home, memory_repo)
    env = {"HOME": str(home)}
    done = memgit_process("ingest", "--claude-memory", cwd=memory_repo, env=env)
    assert done.returncode == 0, done.stderr
    assert "5 memories, 4 added" in done.stdout
    assert "1 personal (user) memories left out" in done.stdout
    memory = Memory.open(memory_repo)
    observations, problems = memory.store.load_all()
    assert not problems
    by_title = {o.title: o for o in observations}
    assert set(by_title) == {
        "Integration tests must hit a real database, not mocks",
        "The harbor feed is documented in the Ops wiki",
        "We decided to freeze merges before releases",
        "The deploy script needs AWS_PROFILE=prod set first",
    }
    assert all(o.source == "claude-memory" for o in observations)
    assert by_title["Integration tests must hit a real database, not mocks"].type == "pattern"
    assert by_title["The harbor feed is documented in the Ops wiki"].type == "architecture"
    assert by_title["We decided to freeze merges before releases"].type == "decision"
    tests = by_title["Integration tests must hit a real database, not mocks"]
    assert "**Why:** a mocked test passed" in tests.body
    assert SECRET not in tests.body
    assert "[REDACTED:" in tests.body
    assert "claude-memory" in tests.tags
    assert "Dana" not in "".join(p.read_text() for p in memory.paths.observations.glob("*.md"))
    assert "memory section updated" in done.stdout
    git(memory_repo, "add", "-A")
    git(memory_repo, "commit", "-q", "-m", "imported")
    again = memgit_process("ingest", "--claude-memory", cwd=memory_repo, env=env)
    assert again.returncode == 0, again.stderr
    assert "0 added" in again.stdout
    assert git(memory_repo, "status", "--porcelain") == ""
    # Even with the local record gone, dedupe against .memory/ keeps it unchanged.
    (memory.paths.state / "claude-memory.json").unlink()
    third = memgit_process("ingest", "--claude-memory", cwd=memory_repo, env=env)
    assert "0 added" in third.stdout
    assert "4 already known" in third.stdout
    assert git(memory_repo, "status", "--porcelain") == ""


def test_ingest_without_arguments_imports_it_too_and_from_a_worktree(
    memory_repo: Path, home: Path, tmp_path: Path
) -> None:
    folder = auto_memory(home, memory_repo)
    tree = tmp_path / "feature-tree"
    git(memory_repo, "add", "-A")
    git(memory_repo, "commit", "-q", "-m", "memory")
    git(memory_repo, "worktree", "add", "-q", str(tree), "-b", "feature")
    # Claude Code keys auto memory by the repository, so a worktree shares the main folder.
    assert find_memory_folder(tree, home / ".claude") == folder
    done = memgit_process("ingest", "--extractor", "heuristic", cwd=tree, env={"HOME": str(home)})
    assert done.returncode == 0, done.stderr
    assert "4 added" in done.stdout
    assert "no Claude Code transcripts" in done.stdout
    assert len(list((tree / ".memory" / "observations").glob("*.md"))) == 4


def test_imported_memory_respects_review_and_rejection(memory_repo: Path, home: Path) -> None:
    folder = auto_memory(home, memory_repo)
    config = memory_repo / ".memory" / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  pending: false", "  pending: true"),
        encoding="utf-8",
    )
    env = {"HOME": str(home)}
    memgit_process("ingest", "--claude-memory", cwd=memory_repo, env=env)
    memory = Memory.open(memory_repo)
    observations = memory.store.load_all()[0]
    assert {o.status for o in observations} == {"pending"}
    claude = (
        (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")
        if (memory_repo / "CLAUDE.md").exists()
        else ""
    )
    assert not any(o.id in claude for o in observations)
    rejected = next(o for o in observations if o.type == "architecture")
    memory.reject([rejected.id])
    # Claude Code edits the file; the import reads it again, and still leaves it out.
    path = folder / "harbor-feed.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUpdated.\n", encoding="utf-8")
    again = memgit_process("ingest", "--claude-memory", cwd=memory_repo, env=env)
    assert "1 rejected before" in again.stdout
    assert rejected.id not in {o.id for o in Memory.open(memory_repo).store.load_all()[0]}


def test_no_folder_and_unreadable_files_are_said_plainly(memory_repo: Path, home: Path) -> None:
    done = memgit_process("ingest", "--claude-memory", cwd=memory_repo, env={"HOME": str(home)})
    assert done.returncode == 0
    assert "Claude Code auto memory: none for this repository" in done.stdout
    folder = auto_memory(home, memory_repo)
    (folder / "broken.md").write_bytes(b"\xff\xfe not utf-8")
    found, problems = read_auto_memory(folder)
    assert len(found) == 5
    assert problems
    assert "broken.md" in problems[0]


def test_types_follow_claude_codes_types_and_cues() -> None:
    from memgit.automemory import AutoMemory

    def kind(claude_type: str, title: str) -> str | None:
        return memgit_type(AutoMemory("x.md", "x", title, "", claude_type, title))

    assert kind("user", "Dana prefers short answers") is None
    assert kind("reference", "Bugs are tracked in Linear project INGEST") == "architecture"
    assert kind("feedback", "Watch out: the harbor API drops requests over 1 MB") == "gotcha"
    assert kind("feedback", "Never mock the database: it hid a broken migration") == "pattern"
    assert kind("", "The build fails if NODE_ENV is unset") == "gotcha"
    assert kind("feedback", "Prefer one bundled PR for refactors") == "pattern"


# --- memgit init offers to turn it off --------------------------------------------------------


def test_init_flag_turns_auto_memory_off_keeping_other_settings(repo: Path) -> None:
    settings = repo / ".claude" / "settings.local.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({"permissions": {"allow": ["Bash(ls)"]}}), encoding="utf-8")
    done = memgit_process("init", "--no-git-hooks", "--disable-claude-memory", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "Claude Code auto memory turned off for this project" in done.stdout
    data = json.loads(settings.read_text(encoding="utf-8"))
    assert data == {"permissions": {"allow": ["Bash(ls)"]}, "autoMemoryEnabled": False}
    # A personal settings file: kept out of commits without touching the team's .gitignore.
    assert ".claude/settings.local.json" not in git(repo, "status", "--porcelain", "-uall")
    assert not (repo / ".gitignore").exists()
    again = memgit_process("init", "--no-git-hooks", cwd=repo)
    assert "auto memory" not in again.stdout  # off already: nothing to offer


def test_init_never_changes_it_without_a_yes(repo: Path, home: Path) -> None:
    done = memgit_process("init", "--no-git-hooks", cwd=repo)  # not a terminal: no question
    assert "auto memory" not in done.stdout
    assert not (repo / ".claude" / "settings.local.json").exists()
    question = "[y/N] "
    out = _run_in_pty(["init", "--no-git-hooks"], repo, [(question, "n")], {"HOME": str(home)})
    assert "auto memory left on" in out
    assert not (repo / ".claude" / "settings.local.json").exists()
    auto_memory(home, repo)
    out = _run_in_pty(["init", "--no-git-hooks"], repo, [(question, "y")], {"HOME": str(home)})
    assert "memgit ingest --claude-memory" in out
    assert "auto memory turned off" in out
    data = json.loads((repo / ".claude" / "settings.local.json").read_text(encoding="utf-8"))
    assert data["autoMemoryEnabled"] is False
