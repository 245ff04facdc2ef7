"""Finding a repository's transcripts in a fake Claude home, worktrees and subfolders included."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from memgit.transcript import encode_project_dir, find_transcripts, worktree_roots


def _git(cwd: Path, *args: str) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "code" / "my-app"
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    (root / "a.txt").write_text("a\n", encoding="utf-8")
    _git(root, "add", "a.txt")
    _git(root, "commit", "-q", "-m", "one")
    return root


def _session(folder: Path, name: str, cwd: Path | str, mtime: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    record = {"type": "user", "cwd": str(cwd), "sessionId": name, "message": {"content": "hi"}}
    summary = {"type": "summary", "summary": "t", "leafUuid": "x"}
    path.write_text(json.dumps(summary) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def test_encoding_matches_claude_code() -> None:
    assert encode_project_dir("/home/dana/code/tidepool") == "-home-dana-code-tidepool"
    assert encode_project_dir("/home/dana/my_app.v2") == "-home-dana-my-app-v2"


def test_worktree_roots_from_main_and_from_a_worktree(repo: Path, tmp_path: Path) -> None:
    linked = tmp_path / "wt" / "feature"
    _git(repo, "worktree", "add", "-q", "-b", "feature", str(linked))
    assert worktree_roots(repo) == [repo, linked]
    assert worktree_roots(linked) == [repo, linked]
    assert worktree_roots(tmp_path) == []


def test_find_transcripts(repo: Path, tmp_path: Path) -> None:
    linked = tmp_path / "wt" / "feature"
    _git(repo, "worktree", "add", "-q", "-b", "feature", str(linked))
    projects = tmp_path / "claude" / "projects"
    root_dir = projects / encode_project_dir(repo)
    main = _session(root_dir, "s-main.jsonl", repo, 300)
    old_agent = _session(root_dir, "agent-1a2b3c4d.jsonl", repo, 350)
    new_agent = _session(root_dir / "s-main" / "subagents", "agent-a4ca75.jsonl", repo, 360)
    (root_dir / "s-main" / "tool-results").mkdir()
    (root_dir / "s-main" / "tool-results" / "out.jsonl").write_text("{}\n", encoding="utf-8")
    empty = root_dir / "empty.jsonl"
    empty.write_bytes(b"")
    os.utime(empty, (100, 100))
    sub = _session(
        projects / encode_project_dir(repo / "pkg" / "core"),
        "s-sub.jsonl",
        repo / "pkg" / "core",
        200,
    )
    tree = _session(projects / encode_project_dir(linked), "s-wt.jsonl", linked, 400)
    # a sibling repository whose encoded name starts like ours: my-app-legacy
    _session(
        projects / encode_project_dir(repo.parent / "my-app-legacy"),
        "s-x.jsonl",
        repo.parent / "my-app-legacy",
        1,
    )
    # lossy encoding: my_app encodes like my-app but is another folder
    _session(
        projects / (encode_project_dir(repo) + "-x"), "s-y.jsonl", repo.parent / "my_app" / "x", 1
    )
    _session(projects / "-somewhere-else", "s-z.jsonl", "/somewhere/else", 1)
    found = find_transcripts(repo, tmp_path / "claude")
    # Oldest first, a session's own subagents (new layout) right after it.
    assert found == [empty, sub, main, new_agent, old_agent, tree]
    assert find_transcripts(linked, tmp_path / "claude") == found


def test_long_project_names_match_by_prefix(tmp_path: Path) -> None:
    root = tmp_path / ("deep-" * 30) / ("deeper-" * 10) / "repo"
    root.mkdir(parents=True)
    (root / ".git").mkdir()
    encoded = encode_project_dir(root)
    assert len(encoded) > 200
    folder = tmp_path / "claude" / "projects" / (encoded[:200] + "-1x2y3z")
    session = _session(folder, "s.jsonl", root, 10)
    other = tmp_path / "claude" / "projects" / (encoded[:200] + "-9q8w7e")
    _session(other, "s.jsonl", "/not/this/repo", 10)
    assert find_transcripts(root, tmp_path / "claude") == [session]


def test_unverifiable_folders_need_an_exact_name(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    projects = tmp_path / "claude" / "projects"
    exact = projects / encode_project_dir(root)
    exact.mkdir(parents=True)
    (exact / "stub.jsonl").write_text('{"type":"summary","summary":"s"}\n', encoding="utf-8")
    prefixed = projects / (encode_project_dir(root) + "-sub")
    prefixed.mkdir()
    (prefixed / "empty.jsonl").write_bytes(b"")
    assert find_transcripts(root, tmp_path / "claude") == [exact / "stub.jsonl"]


def test_no_claude_home(tmp_path: Path) -> None:
    assert find_transcripts(tmp_path, tmp_path / "nothing") == []
