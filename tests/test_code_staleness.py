"""Code-aware staleness on real histories: heavy changes, renames, deletions; and the cache."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.code_staleness import Assessor, Subject, judge_files
from memgit.config import StalenessConfig
from memgit.context import SECTION_TITLE
from memgit.gitrepo import Git, NumStat
from memgit.section import read_section

from .conftest import Result
from .gitflow_helpers import add, commit_all, generate, open_memory, run_git

Cli = Callable[..., Result]


def lines(name: str) -> str:
    return "".join(f"{name} line {i}\n" for i in range(40))


@pytest.fixture
def code_repo(memory_repo: Path) -> Path:
    src = memory_repo / "src"
    src.mkdir()
    for name in ("parse.py", "store.py", "old.py", "tiny.py"):
        (src / name).write_text(lines(name), encoding="utf-8")
    commit_all(memory_repo, "code")
    add(memory_repo, "decision", "Parse as UTC", ident="kparse0001", files=("src/parse.py",))
    add(memory_repo, "decision", "Store in rows", ident="kstore0001", files=("src/store.py",))
    add(memory_repo, "gotcha", "Old helper is slow", ident="kold000001", files=("src/old.py",))
    add(memory_repo, "pattern", "Tiny module", ident="ktiny00001", files=("src/tiny.py",))
    add(memory_repo, "pattern", "No files here", ident="knofile001")
    commit_all(memory_repo, "memory")
    return memory_repo


def _change_code(root: Path) -> None:
    src = root / "src"
    (src / "parse.py").write_text("".join(f"new {i}\n" for i in range(30)), encoding="utf-8")
    run_git(root, "mv", "src/store.py", "src/storage.py")
    (src / "old.py").unlink()
    (src / "tiny.py").write_text(
        lines("tiny.py").replace("line 3\n", "line three\n"), encoding="utf-8"
    )
    commit_all(root, "rework")


def _verdicts(root: Path) -> dict[str, str]:
    return {i: v.describe() for i, v in open_memory(root).code_staleness().items() if v.stale}


def test_heavily_changed_renamed_and_deleted_files_make_an_observation_stale(
    code_repo: Path,
) -> None:
    assert _verdicts(code_repo) == {}
    _change_code(code_repo)
    assert _verdicts(code_repo) == {
        "kparse0001": "src/parse.py 70 lines changed (40 before)",
        "kstore0001": "src/store.py renamed to src/storage.py",
        "kold000001": "src/old.py deleted",
    }


def test_the_base_is_the_commit_that_brought_the_observation_in(code_repo: Path) -> None:
    # Code rewritten in the same commit as the observation is what it describes, not news.
    (code_repo / "src" / "parse.py").write_text("rewritten\n" * 50, encoding="utf-8")
    add(code_repo, "gotcha", "Rewritten parser", ident="krew000001", files=("src/parse.py",))
    commit_all(code_repo, "rewrite with its memory")
    assert "krew000001" not in _verdicts(code_repo)
    assert "kparse0001" in _verdicts(code_repo)


def test_stale_observations_rank_lower_and_are_marked_in_the_section(code_repo: Path) -> None:
    _change_code(code_repo)
    generate(code_repo)
    section = read_section(code_repo / "CLAUDE.md") or ""
    assert section.startswith(SECTION_TITLE)
    assert "- Parse as UTC (`src/parse.py`) (files changed since) [m:kparse0001]" in section
    assert "(files changed since) [m:ktiny00001]" not in section


def test_doctor_and_diff_list_stale_observations(cli: Cli, code_repo: Path) -> None:
    base = run_git(code_repo, "rev-parse", "HEAD").stdout.strip()
    _change_code(code_repo)
    doctor = cli("doctor", cwd=code_repo)
    assert "warn  stale: [m:kold000001] its files changed since it was recorded: src/old.py " in (
        doctor.out
    )
    diff = cli("diff", f"{base}..HEAD", cwd=code_repo).out
    assert "### Stale memory" in diff
    assert "`m:kstore0001`: src/store.py renamed to src/storage.py" in diff
    assert "this change touches code behind decision `m:kparse0001`" in diff
    data = json.loads(cli("diff", f"{base}..HEAD", "--format", "json", cwd=code_repo).out)
    assert {s["id"] for s in data["stale"]} == {"kparse0001", "kstore0001", "kold000001"}


def test_the_cache_spares_git_at_the_same_head_and_after_unrelated_commits(
    code_repo: Path, tmp_path: Path
) -> None:
    git = Git(code_repo)
    memory = open_memory(code_repo)
    subjects = [Subject.of(h.observation, h.path) for h in memory._active_hits()]
    cache = tmp_path / "code-staleness.json"
    _change_code(code_repo)
    head = git.resolve("HEAD")
    first = Assessor(git, StalenessConfig(), cache)
    verdicts = first.assess(subjects, head)
    assert first.git_calls > 0
    again = Assessor(git, StalenessConfig(), cache)
    assert again.assess(subjects, head) == verdicts
    assert again.git_calls == 0
    (code_repo / "README.md").write_text("# unrelated\n", encoding="utf-8")
    later = Assessor(git, StalenessConfig(), cache)
    assert later.assess(subjects, git.resolve(commit_all(code_repo, "docs"))) == verdicts
    assert later.git_calls == 3  # new commits' additions, ancestry, the paths that changed


def test_judge_files_thresholds() -> None:
    policy = StalenessConfig(changed_fraction=0.5, min_changed_lines=10)
    stats = {
        "a.py": NumStat("a.py", "a.py", 3, 3),  # 6 of 8 lines: a big share, but few lines
        "b.py": NumStat("b.py", "b.py", 30, 30),  # 60 of 200 lines: many lines, small share
        "c.bin": NumStat("c.bin", "c.bin", None, None),
        "d.py": NumStat("d.py", "d.py", 12, 0),  # created after the observation
    }
    counts = {"a.py": 8, "b.py": 200, "c.bin": 0, "d.py": 0}
    found = judge_files(stats, stats, {}, counts, set(stats), policy)
    assert [(f.path, f.reason) for f in found] == [("c.bin", "changed")]
    assert judge_files(["e.py"], stats, {}, counts, set(stats), policy) == ()


def test_staleness_can_be_turned_off(code_repo: Path) -> None:
    _change_code(code_repo)
    config = code_repo / ".memory" / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  enabled: true", "  enabled: false"), "utf-8"
    )
    assert open_memory(code_repo).code_staleness() == {}
