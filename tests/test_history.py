"""memgit diff, log and show on real histories: what a branch taught, commit by commit."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.diffview import diff_markdown
from memgit.errors import MemgitError
from memgit.gitrepo import Git
from memgit.history import classify, introduced_by, memory_diff, memory_log, resolve_range
from memgit.model import new_observation, with_status

from .conftest import Result
from .gitflow_helpers import add, commit_all, expire, run_git, supersede

Cli = Callable[..., Result]
OLD = "kold000001"


@pytest.fixture
def feature(memory_repo: Path) -> Path:
    """main has two observations; branch ``feature`` adds, supersedes, expires, edits code."""
    (memory_repo / "src").mkdir()
    (memory_repo / "src" / "store.py").write_text("def save():\n    pass\n", encoding="utf-8")
    add(memory_repo, "decision", "Store events in postgres", ident=OLD, files=("src/store.py",))
    add(memory_repo, "progress", "Porting the importer", ident="kprog00001")
    commit_all(memory_repo, "memory on main")
    run_git(memory_repo, "checkout", "-q", "-b", "feature")
    add(memory_repo, "gotcha", "Harbor sends <b>local</b> time @team", ident="knew000001")
    commit_all(memory_repo, "a gotcha")
    supersede(
        memory_repo, OLD, "Store events in postgres partitions", ident="knew000002", minutes=9
    )
    expire(memory_repo, "kprog00001", minutes=10)
    (memory_repo / "src" / "store.py").write_text("def save():\n    return 1\n", encoding="utf-8")
    commit_all(memory_repo, "supersede and expire")
    return memory_repo


def test_classify() -> None:

    from .gitflow_helpers import open_memory  # noqa: F401  (documents where observations come from)

    obs = new_observation("decision", "x")
    assert classify(None, obs) == "added"
    assert classify(obs, None) == "deleted"
    assert classify(obs, obs) is None
    assert classify(obs, with_status(obs, "superseded", obs.updated)) == "superseded"
    assert classify(obs, with_status(obs, "expired", obs.updated)) == "expired"
    assert classify(with_status(obs, "expired", obs.updated), obs) == "restored"


def test_diff_from_the_merge_base_with_the_default_branch(feature: Path) -> None:
    git = Git(feature)
    base, head, label = resolve_range(git, None)
    assert label == "main...HEAD"
    assert base == git.resolve("main")
    diff = memory_diff(git, base, head, label)
    kinds = {c.observation.id: c.kind for c in diff.changes}
    assert kinds == {
        "knew000001": "added",
        "knew000002": "added",
        OLD: "superseded",
        "kprog00001": "expired",
    }
    assert [t.observation.id for t in diff.touched] == []  # OLD is superseded, not active
    text = diff_markdown(diff)
    assert "**2 added, 1 superseded, 1 expired**" in text
    assert "- **Decision** · ~~Store events in postgres~~ · `m:kold000001` → `m:knew000002`" in text
    assert "<b>" not in text  # untrusted titles are made inert
    assert "@team" not in text


def test_a_change_that_touches_code_behind_a_decision(feature: Path) -> None:
    run_git(feature, "checkout", "-q", "-b", "fix", "main")
    (feature / "src" / "store.py").write_text("def save():\n    raise\n", encoding="utf-8")
    commit_all(feature, "fix the store")
    git = Git(feature)
    diff = memory_diff(git, *resolve_range(git, "main..fix"))
    assert diff.changes == ()
    assert [(t.observation.id, t.files) for t in diff.touched] == [(OLD, ("src/store.py",))]
    assert "this change touches code behind decision `m:kold000001`" in diff_markdown(diff)


def test_ranges(feature: Path) -> None:
    git = Git(feature)
    main = git.resolve("main")
    head = git.resolve("HEAD")
    assert resolve_range(git, "main") == (main, head, "main..HEAD")
    assert resolve_range(git, "main..feature")[:2] == (main, head)
    assert resolve_range(git, "feature...main")[:2] == (main, main)
    with pytest.raises(MemgitError, match="not a commit"):
        resolve_range(git, "nope..HEAD")


def test_log_lists_memory_changes_commit_by_commit(feature: Path) -> None:
    entries = memory_log(Git(feature), ["main..feature"])
    assert [e.commit.subject for e in entries] == ["supersede and expire", "a gotcha"]
    assert [(c.kind, c.observation.id) for c in entries[0].changes] == [
        ("added", "knew000002"),
        ("superseded", OLD),
        ("expired", "kprog00001"),
    ]
    assert len(memory_log(Git(feature), ["HEAD"], limit=1)) == 1


def test_introduced_by_names_the_commit_that_added_the_file(feature: Path) -> None:
    commit = introduced_by(Git(feature), f".memory/observations/{_name(feature, OLD)}")
    assert commit is not None
    assert commit.subject == "memory on main"


def _name(root: Path, ident: str) -> str:
    return next((root / ".memory" / "observations").glob(f"*{ident}.md")).name


def test_cli_diff_markdown_and_json(cli: Cli, feature: Path) -> None:
    result = cli("diff", cwd=feature)
    assert result.code == 0
    assert result.out.startswith("## Memory changes (`main...HEAD`)")
    data = json.loads(cli("diff", "main..HEAD", "--format", "json", cwd=feature).out)
    assert data["counts"]["added"] == 2
    assert [c["id"] for c in data["changes"]["superseded"]] == [OLD]
    assert data["changes"]["superseded"][0]["superseded_by"] == "knew000002"
    assert data["changes"]["expired"][0]["previous_status"] == "active"


def test_cli_log_and_show(cli: Cli, feature: Path) -> None:
    result = cli("log", "main..feature", cwd=feature)
    assert result.code == 0
    assert (
        "    > superseded decision     [m:kold000001] Store events in postgres (by m:knew000002)"
        in (result.out)
    )
    entries = json.loads(cli("log", "--json", "-n", "1", cwd=feature).out)
    assert entries[0]["subject"] == "supersede and expire"

    shown = cli("show", OLD, cwd=feature)
    assert "introduced in: " in shown.out
    assert ": memory on main" in shown.out
    data = json.loads(cli("show", OLD, "--json", cwd=feature).out)
    assert data["introduced"]["subject"] == "memory on main"
    add(feature, "gotcha", "Not committed yet", ident="kunc000001")
    assert "introduced in: not committed yet" in cli("show", "kunc000001", cwd=feature).out
