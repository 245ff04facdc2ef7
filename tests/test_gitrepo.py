"""The git wrapper: a scrubbed environment and the plumbing parsers, against real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from memgit.gitrepo import Git, GitError, git_environment

from .gitflow_helpers import commit_all, run_git


def test_the_environment_keeps_identity_and_drops_what_points_elsewhere() -> None:
    env = git_environment(
        {
            "GIT_DIR": "/elsewhere/.git",
            "GIT_INDEX_FILE": "/elsewhere/index",
            "GIT_WORK_TREE": "/elsewhere",
            "GIT_AUTHOR_NAME": "Ana",
            "GIT_CONFIG_KEY_0": "core.quotepath",
            "PATH": "/bin",
        }
    )
    assert env == {"GIT_AUTHOR_NAME": "Ana", "GIT_CONFIG_KEY_0": "core.quotepath", "PATH": "/bin"}


def test_a_hook_environment_does_not_redirect_git(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    run_git(other, "init", "-q")
    git = Git(repo, {"GIT_DIR": str(other / ".git"), "PATH": "/usr/bin:/bin"})
    assert git.rev_parse("HEAD") == run_git(repo, "rev-parse", "HEAD").stdout.strip()


def test_raw_many_reports_changes_and_renames_without_reading_content(repo: Path) -> None:
    (repo / "a.txt").write_text("".join(f"a{i}\n" for i in range(20)), encoding="utf-8")
    (repo / "b.txt").write_text("".join(f"b{i}\n" for i in range(20)), encoding="utf-8")
    (repo / ".memory").mkdir()
    (repo / ".memory" / "m.md").write_text("memory\n" * 20, encoding="utf-8")
    first = commit_all(repo, "files")
    run_git(repo, "mv", "a.txt", "moved.txt")
    run_git(repo, "mv", ".memory/m.md", ".memory/n.md")
    (repo / "b.txt").write_text("changed\n", encoding="utf-8")
    (repo / "new.txt").write_text("new\n", encoding="utf-8")
    second = commit_all(repo, "changes")
    git = Git(repo)
    [changes, same] = git.raw_many([first, second], second)
    assert same == []
    assert sorted((c.status, c.path) for c in changes) == [
        ("D", ".memory/m.md"),
        ("D", "a.txt"),
        ("M", "b.txt"),
    ]  # added files are left out
    [renames] = git.raw_many([first], second, renames=True, exclude=[".memory"])
    assert [(c.old_path, c.path) for c in renames] == [("a.txt", "moved.txt")]
    with pytest.raises(GitError, match="not a full commit id"):
        git.raw_many(["HEAD~1"], second)


def test_blobs_and_existence_in_one_process_each(repo: Path) -> None:
    git = Git(repo)
    assert git.read_blobs(["HEAD:README.md", "HEAD:missing.md"]) == {"HEAD:README.md": b"# demo\n"}
    assert git.existing(["HEAD:README.md", "HEAD:missing.md"]) == {"HEAD:README.md"}


def test_revisions_are_never_read_as_options(repo: Path) -> None:
    git = Git(repo)
    assert git.rev_parse("--output=/tmp/x") is None
    with pytest.raises(GitError, match="options are not accepted"):
        list(git.log_commits(["--output=/tmp/x"]))
