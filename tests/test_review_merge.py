"""Pending memory through a real git merge with memgit's merge driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.gitflow import install_git
from memgit.mergedriver import merge_observation
from memgit.model import new_observation, with_status
from memgit.section import read_section

from .gitflow_helpers import COMMAND, at, commit_all, conflicted, python_path, run_git


@pytest.fixture
def team(memory_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PYTHONPATH", python_path())
    install_git(memory_repo, COMMAND)
    memory = Memory.open(memory_repo)
    memory.store.create(
        new_observation(
            "gotcha",
            "Harbor timestamps are local time",
            "Parse them as UTC.",
            now=at(0),
            ident="kpen000001",
            status="pending",
            source="heuristic",
        )
    )
    memory.generate()
    commit_all(memory_repo, "pending memory")
    return memory_repo


def test_accepted_on_one_branch_edited_on_the_other_merges_accepted_and_edited(
    team: Path,
) -> None:
    run_git(team, "checkout", "-q", "-b", "reviewer")
    assert Memory.open(team).accept(["kpen000001"])[0].action == "accepted"
    commit_all(team, "accept")
    run_git(team, "checkout", "-q", "-b", "writer", "main")
    memory = Memory.open(team)
    obs = memory.store.get("kpen000001")
    memory.store.save(
        with_status(obs, "pending", at(30), body="Parse them as UTC; the feed has no offset.")
    )
    commit_all(team, "edit")
    merged = run_git(team, "merge", "--no-edit", "reviewer")
    assert conflicted(team) == []
    result = Memory.open(team).store.get("kpen000001")
    assert result.status == "active"
    assert result.body == "Parse them as UTC; the feed has no offset."
    assert "[m:kpen000001]" in (read_section(team / "CLAUDE.md") or "")
    assert "pending review" not in merged.stderr


def test_still_pending_after_a_merge_says_so_and_stays_out_of_claude_md(team: Path) -> None:
    run_git(team, "checkout", "-q", "-b", "one")
    memory = Memory.open(team)
    obs = memory.store.get("kpen000001")
    memory.store.save(with_status(obs, "pending", at(10), tags=("harbor",)))
    commit_all(team, "tag")
    run_git(team, "checkout", "-q", "-b", "two", "main")
    memory = Memory.open(team)
    memory.store.save(with_status(obs, "pending", at(20), files=("harbor/parse.py",)))
    commit_all(team, "files")
    merged = run_git(team, "merge", "--no-edit", "one")
    assert conflicted(team) == []
    assert "still pending review after this merge" in merged.stderr
    result = Memory.open(team).store.get("kpen000001")
    assert (result.status, result.tags, result.files) == (
        "pending",
        ("harbor",),
        ("harbor/parse.py",),
    )
    assert "kpen000001" not in (team / "CLAUDE.md").read_text(encoding="utf-8")


def test_pending_ranks_below_every_review_decision() -> None:
    waiting = new_observation("gotcha", "x", "y", now=at(0), ident="kpen000002", status="pending")
    for decided in ("active", "superseded", "expired"):
        side = with_status(waiting, decided, at(5))
        # Added on both sides (no base): the reviewed side's status wins, both ways.
        assert merge_observation(None, side, waiting).status == decided
        assert merge_observation(None, waiting, side).status == decided
    accepted = with_status(waiting, "active", at(5))
    forgotten = with_status(waiting, "expired", at(6), reason="wrong")
    assert merge_observation(waiting, accepted, forgotten).status == "expired"
