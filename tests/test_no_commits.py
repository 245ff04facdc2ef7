"""A repository with no commits yet: every command works or says so clearly, never git's words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from memgit import mcp_tools
from memgit.api import Memory, initialize
from memgit.paths import find_paths

from .conftest import Result, git

NO_COMMITS = "this repository has no commits yet"


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    initialize(find_paths(root))
    return root


def _ident(cli: Callable[..., Result], root: Path) -> str:
    done = cli("add", "--type", "gotcha", "--title", "Ports are fixed", "--body", "8080.", cwd=root)
    assert done.code == 0, done.err
    return done.out.split("[m:", 1)[1].split("]", 1)[0]


@pytest.mark.parametrize(
    "args", [["log"], ["log", "-n", "2", "main"], ["diff"], ["diff", "HEAD"], ["diff", "a..b"]]
)
def test_history_commands_explain_there_is_no_history(
    fresh: Path, cli: Callable[..., Result], args: list[str]
) -> None:
    done = cli(*args, cwd=fresh)
    assert done.code == 1
    assert NO_COMMITS in done.err
    assert "fatal" not in done.err
    assert "git add .memory && git commit" in done.err


def test_every_other_command_works_before_the_first_commit(
    fresh: Path, cli: Callable[..., Result]
) -> None:
    ident = _ident(cli, fresh)
    for args in (
        ["show", ident],
        ["list"],
        ["search", "ports"],
        ["timeline"],
        ["generate"],
        ["generate", "--check"],
        ["validate"],
        ["scan"],
        ["reindex"],
        ["gc"],
        ["doctor"],
    ):
        done = cli(*args, cwd=fresh)
        assert "fatal" not in done.err + done.out, args
        assert done.code == 0, (args, done.err)
    assert "not committed yet" in cli("show", ident, cwd=fresh).out
    assert cli("generate", "--check", cwd=fresh).code == 0
    memory = Memory.open(fresh)
    assert "Ports are fixed" in mcp_tools.search(memory, query="ports")
    assert "Ports are fixed" in mcp_tools.timeline(memory)
    assert "Ports are fixed" in mcp_tools.get(memory, [ident])
    assert "Ports are fixed" in mcp_tools.timeline(memory, around=ident[:4])


def test_a_bad_revision_after_the_first_commit_is_named(
    fresh: Path, cli: Callable[..., Result]
) -> None:
    _ident(cli, fresh)
    git(fresh, "add", "-A")
    git(fresh, "commit", "-q", "-m", "memory")
    done = cli("log", "nosuch", cwd=fresh)
    assert done.code == 1
    assert "'nosuch' is not a revision or range of this repository" in done.err
    assert "fatal" not in done.err
