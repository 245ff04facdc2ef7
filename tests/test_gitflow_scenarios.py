"""Real git, real hooks, real merge drivers: branches that both change memory merge unattended."""

from __future__ import annotations

from pathlib import Path

import pytest

from memgit.gitflow import install_git
from memgit.gitrepo import Git
from memgit.history import memory_log
from memgit.model import parse_observation
from memgit.query import Filters
from memgit.section import read_section

from .gitflow_helpers import (
    COMMAND,
    add,
    commit_all,
    conflicted,
    expire,
    generate,
    memory_files,
    open_memory,
    python_path,
    run_git,
    supersede,
)

OLD = "kold000001"


@pytest.fixture
def team(memory_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository set up by memgit (drivers, attributes, hooks) with one shared decision."""
    monkeypatch.setenv("PYTHONPATH", python_path())
    install_git(memory_repo, COMMAND)
    (memory_repo / "CLAUDE.md").write_text("# Project\n\nOur own notes.\n", encoding="utf-8")
    add(memory_repo, "decision", "Store events in postgres", ident=OLD)
    generate(memory_repo)
    commit_all(memory_repo, "memory")
    return memory_repo


def _branch(root: Path, name: str, start: str = "main") -> None:
    run_git(root, "checkout", "-q", "-b", name, start)


def _status(root: Path, ident: str) -> tuple[str, str | None]:
    obs = open_memory(root).store.get(ident)
    return obs.status, obs.superseded_by


def _two_branches(root: Path) -> None:
    """Branch a and b each add, supersede the same decision and regenerate CLAUDE.md."""
    _branch(root, "a")
    add(root, "gotcha", "Timestamps from harbor are local time", ident="kaaa000001", minutes=5)
    supersede(root, OLD, "Store events in postgres partitions", ident="kaaa000002", minutes=6)
    generate(root)
    commit_all(root, "a: memory")
    _branch(root, "b")
    add(root, "pattern", "Retry uploads with jitter", ident="kbbb000001", minutes=7)
    supersede(root, OLD, "Store events in postgres with TTL", ident="kbbb000002", minutes=8)
    generate(root)
    commit_all(root, "b: memory")


def test_merge_of_two_branches_that_both_add_supersede_and_regenerate(team: Path) -> None:
    _two_branches(team)
    run_git(team, "checkout", "-q", "a")
    run_git(team, "merge", "--no-edit", "b")
    assert conflicted(team) == []
    assert run_git(team, "status", "--porcelain").stdout == ""  # the merge commit is complete
    # The same supersession on both sides resolves to the smaller id, whichever side merges.
    assert _status(team, OLD) == ("superseded", "kaaa000002")
    names = memory_files(team)
    assert len(names) == 5
    text = (team / "CLAUDE.md").read_text(encoding="utf-8")
    assert text.startswith("# Project\n\nOur own notes.\n")
    section = read_section(team / "CLAUDE.md") or ""
    for ident in ("kaaa000001", "kaaa000002", "kbbb000001", "kbbb000002"):
        assert f"[m:{ident}]" in section
    assert f"[m:{OLD}]" not in section
    assert "<<<<<<<" not in text
    # memgit log lists what each branch learned, not the merge (it has no diff of its own).
    subjects = {e.commit.subject for e in memory_log(Git(team), ["HEAD"])}
    assert subjects == {"b: memory", "a: memory", "memory"}


def test_merge_is_the_same_in_both_directions(team: Path) -> None:
    _two_branches(team)
    run_git(team, "checkout", "-q", "-b", "a-into-b", "b")
    run_git(team, "merge", "--no-edit", "a")
    generate(team)
    one = memory_files(team), (team / "CLAUDE.md").read_bytes()
    run_git(team, "checkout", "-q", "-f", "-b", "b-into-a", "a")
    run_git(team, "merge", "--no-edit", "b")
    generate(team)
    two = memory_files(team), (team / "CLAUDE.md").read_bytes()
    assert one == two


def test_both_branches_expire_or_one_expires_what_the_other_supersedes(team: Path) -> None:
    add(team, "progress", "Migrating the importer", ident="kprog00001")
    commit_all(team, "progress")
    _branch(team, "a")
    expire(team, "kprog00001", minutes=30)
    expire(team, OLD, minutes=31)
    commit_all(team, "a: expire")
    _branch(team, "b", "main")
    expire(team, "kprog00001", minutes=40)
    supersede(team, OLD, "Store events in S3", ident="kbbb000009", minutes=41)
    commit_all(team, "b: expire and supersede")
    run_git(team, "merge", "--no-edit", "a")
    assert conflicted(team) == []
    assert _status(team, "kprog00001") == ("expired", None)
    # Expired outranks superseded; the replacement is still recorded.
    assert _status(team, OLD) == ("expired", "kbbb000009")
    obs = open_memory(team).store.get("kprog00001")
    assert obs.updated.minute == 40  # the later of the two updates


def test_rebase_replays_memory_without_conflicts_and_refreshes(team: Path) -> None:
    _two_branches(team)
    run_git(team, "checkout", "-q", "b")
    run_git(team, "rebase", "a")
    assert conflicted(team) == []
    assert run_git(team, "status", "--porcelain").stdout == ""  # hooks never write tracked files
    assert _status(team, OLD) == ("superseded", "kaaa000002")
    section = read_section(team / "CLAUDE.md") or ""
    assert "[m:kaaa000001]" in section
    assert "[m:kbbb000001]" in section
    # The index followed the rebase: search sees both branches' memory.
    hits = open_memory(team).search("jitter", Filters())
    assert [h.observation.id for h in hits] == ["kbbb000001"]


def test_cherry_pick_of_a_supersession_onto_a_branch_that_expired_it(team: Path) -> None:
    _branch(team, "a")
    supersede(team, OLD, "Store events in kafka", ident="kaaa000003", minutes=10)
    generate(team)
    picked = commit_all(team, "a: supersede")
    _branch(team, "b", "main")
    expire(team, OLD, minutes=20)
    generate(team)
    commit_all(team, "b: expire")
    run_git(team, "cherry-pick", picked)
    assert conflicted(team) == []
    assert _status(team, OLD) == ("expired", "kaaa000003")
    assert (team / ".memory/observations").glob("*kaaa000003.md")


def test_revert_of_a_supersession_restores_the_old_observation(team: Path) -> None:
    _branch(team, "a")
    supersede(team, OLD, "Store events in kafka", ident="kaaa000004", minutes=10)
    generate(team)
    change = commit_all(team, "a: supersede")
    add(team, "gotcha", "Kafka needs acks=all", ident="kaaa000005", minutes=11)
    generate(team)
    commit_all(team, "a: later memory")
    run_git(team, "revert", "--no-edit", change)
    assert conflicted(team) == []
    assert _status(team, OLD) == ("active", None)
    assert not list((team / ".memory/observations").glob("*kaaa000004.md"))
    section = read_section(team / "CLAUDE.md") or ""
    assert "[m:kaaa000005]" in section


def test_user_text_edited_on_both_sides_merges_around_the_section(team: Path) -> None:
    _branch(team, "a")
    path = team / "CLAUDE.md"
    path.write_text(path.read_text(encoding="utf-8").replace("# Project", "# Project A"), "utf-8")
    add(team, "gotcha", "Branch a: harbor rows carry UTC times", ident="kaaa000006", minutes=3)
    generate(team)
    commit_all(team, "a")
    _branch(team, "b", "main")
    text = path.read_text(encoding="utf-8") + "\nMore notes from b.\n"
    path.write_text(text, encoding="utf-8")
    add(team, "gotcha", "Branch b: the tide worker retries 3 times", ident="kbbb000006", minutes=4)
    generate(team)
    commit_all(team, "b")
    run_git(team, "merge", "--no-edit", "a")
    assert conflicted(team) == []
    merged = path.read_text(encoding="utf-8")
    assert merged.startswith("# Project A\n")
    assert merged.rstrip().endswith("More notes from b.")
    section = read_section(path) or ""
    assert "[m:kaaa000006]" in section
    assert "[m:kbbb000006]" in section


def test_a_real_conflict_in_the_users_own_text_is_left_to_the_user(team: Path) -> None:
    path = team / "CLAUDE.md"
    original = path.read_text(encoding="utf-8")
    _branch(team, "a")
    path.write_text(original.replace("Our own notes.", "Notes of a."), "utf-8")
    add(team, "gotcha", "Branch a: harbor rows carry UTC times", ident="kaaa000007", minutes=3)
    generate(team)
    commit_all(team, "a")
    _branch(team, "b", "main")
    path.write_text(original.replace("Our own notes.", "Notes of b."), "utf-8")
    add(team, "gotcha", "Branch b: the tide worker retries 3 times", ident="kbbb000007", minutes=4)
    generate(team)
    commit_all(team, "b")
    done = run_git(team, "merge", "--no-edit", "a", check=False)
    assert done.returncode != 0
    assert conflicted(team) == ["CLAUDE.md"]
    text = path.read_text(encoding="utf-8")
    assert "<<<<<<< ours\nNotes of b.\n=======\nNotes of a.\n>>>>>>> theirs" in text
    section = read_section(path) or ""  # the section itself merged cleanly
    assert "[m:kaaa000007]" in section
    assert "[m:kbbb000007]" in section


def test_checkout_refreshes_the_index_and_section_only_when_memory_differs(team: Path) -> None:
    _branch(team, "a")
    add(team, "gotcha", "Only on branch a", ident="kaaa000008", minutes=3)
    generate(team)
    commit_all(team, "a")
    run_git(team, "checkout", "-q", "main")
    memory = open_memory(team)
    assert memory.search("branch", Filters()) == []
    switched = run_git(team, "checkout", "a")
    assert [h.observation.id for h in open_memory(team).search("branch", Filters())] == [
        "kaaa000008"
    ]
    assert "regenerated" not in switched.stderr + switched.stdout  # committed section is current
    run_git(team, "checkout", "-q", "-b", "c")
    assert run_git(team, "status", "--porcelain").stdout == ""


def test_a_clone_without_memgit_still_merges_as_plain_text(team: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    run_git(team, "clone", "-q", str(team), str(clone))
    assert run_git(clone, "config", "--get", "merge.memgit-memory.driver", check=False).stdout == ""
    run_git(clone, "checkout", "-q", "-b", "x")
    obs = parse_observation(
        next((clone / ".memory/observations").glob("*.md")).read_text(encoding="utf-8")
    )
    assert obs.id == OLD


def test_pull_brings_a_teammates_memory_into_the_index_and_section(
    team: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "teammate"
    run_git(team, "clone", "-q", str(team), str(clone))
    install_git(clone, COMMAND)
    add(clone, "gotcha", "Local gotcha of the teammate", ident="klocal0001", minutes=2)
    generate(clone)
    commit_all(clone, "teammate memory")
    add(team, "decision", "Upstream decided on jitter", ident="kup0000001", minutes=3)
    generate(team)
    commit_all(team, "upstream memory")
    pulled = run_git(clone, "pull", "--no-rebase", "--no-edit")
    assert conflicted(clone) == []
    assert pulled.returncode == 0
    assert run_git(clone, "status", "--porcelain").stdout == ""
    hits = open_memory(clone).search("jitter", Filters())
    assert [h.observation.id for h in hits] == ["kup0000001"]
    section = read_section(clone / "CLAUDE.md") or ""
    assert "[m:kup0000001]" in section
    assert "[m:klocal0001]" in section
