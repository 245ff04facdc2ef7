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


def test_numstat_many_reports_changes_renames_and_binaries(repo: Path) -> None:
    (repo / "a.txt").write_text("".join(f"a{i}\n" for i in range(20)), encoding="utf-8")
    (repo / "b.txt").write_text("".join(f"b{i}\n" for i in range(20)), encoding="utf-8")
    (repo / "c.bin").write_bytes(b"\x00\x01")
    first = commit_all(repo, "files")
    run_git(repo, "mv", "a.txt", "moved.txt")
    (repo / "b.txt").write_text("changed\n", encoding="utf-8")
    (repo / "c.bin").write_bytes(b"\x00\x02")
    second = commit_all(repo, "changes")
    git = Git(repo)
    [stats, same] = git.numstat_many([first, second], second)
    assert same == []
    by_path = {s.path: s for s in stats}
    assert by_path["moved.txt"].old_path == "a.txt"
    assert by_path["moved.txt"].renamed
    assert (by_path["b.txt"].added, by_path["b.txt"].deleted) == (1, 20)
    assert (by_path["c.bin"].added, by_path["c.bin"].deleted) == (None, None)
    [plain] = git.numstat_many([first], second, ["a.txt"], renames=False)
    assert [(s.path, s.added, s.deleted) for s in plain] == [("a.txt", 0, 20)]
    with pytest.raises(GitError, match="not a full commit id"):
        git.numstat_many(["HEAD~1"], second)


def test_blobs_and_existence_in_one_process_each(repo: Path) -> None:
    git = Git(repo)
    assert git.read_blobs(["HEAD:README.md", "HEAD:missing.md"]) == {"HEAD:README.md": b"# demo\n"}
    assert git.existing(["HEAD:README.md", "HEAD:missing.md"]) == {"HEAD:README.md"}


def test_revisions_are_never_read_as_options(repo: Path) -> None:
    git = Git(repo)
    assert git.rev_parse("--output=/tmp/x") is None
    with pytest.raises(GitError, match="options are not accepted"):
        list(git.log_commits(["--output=/tmp/x"]))
