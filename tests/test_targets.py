"""One memory, every agent: the targets listed in config.yaml get the same ranked section."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from memgit.section import CURSOR_PREAMBLE, read_section

from .conftest import Result
from .gitflow_helpers import add, commit_all, open_memory, run_git

Cli = Callable[..., Result]


def _opt_in(root: Path, targets: str) -> None:
    config = root / ".memory" / "config.yaml"
    text = config.read_text(encoding="utf-8").replace("targets: [claude]", f"targets: [{targets}]")
    config.write_text(text, encoding="utf-8")


def _fill(root: Path, count: int) -> None:
    for i in range(count):
        add(root, "decision", f"Decision number {i} about module {i} of the importer", minutes=i)


def test_generate_writes_only_the_configured_targets(cli: Cli, memory_repo: Path) -> None:
    _fill(memory_repo, 3)
    result = cli("generate", cwd=memory_repo)
    assert result.out == "CLAUDE.md: memory section updated\n"
    assert not (memory_repo / "AGENTS.md").exists()
    _opt_in(memory_repo, "claude, agents, cursor, copilot")
    result = cli("generate", cwd=memory_repo)
    assert result.out.splitlines() == [
        "CLAUDE.md: memory section already current",
        "AGENTS.md: memory section updated",
        ".cursor/rules/memgit.mdc: memory section updated",
        ".github/copilot-instructions.md: memory section updated",
    ]
    bodies = {
        name: read_section(memory_repo / name)
        for name in ("CLAUDE.md", "AGENTS.md", ".github/copilot-instructions.md")
    }
    assert bodies["CLAUDE.md"] == bodies["AGENTS.md"] == bodies[".github/copilot-instructions.md"]
    cursor = (memory_repo / ".cursor/rules/memgit.mdc").read_text(encoding="utf-8")
    assert cursor.startswith(CURSOR_PREAMBLE)
    assert cli("generate", "--check", cwd=memory_repo).code == 0


def test_each_target_stays_within_its_tools_limits(cli: Cli, memory_repo: Path) -> None:
    _fill(memory_repo, 200)
    _opt_in(memory_repo, "claude, cursor, copilot")
    assert cli("generate", cwd=memory_repo).code == 0
    claude = read_section(memory_repo / "CLAUDE.md") or ""
    cursor = read_section(memory_repo / ".cursor/rules/memgit.mdc") or ""
    copilot = read_section(memory_repo / ".github/copilot-instructions.md") or ""
    assert len(claude.splitlines()) <= 150
    assert 150 < len(cursor.splitlines()) <= 300
    assert len(copilot) <= 4000
    assert len(copilot.splitlines()) <= 80


def test_generate_check_names_the_stale_target(cli: Cli, memory_repo: Path) -> None:
    _opt_in(memory_repo, "claude, agents")
    _fill(memory_repo, 1)
    cli("generate", cwd=memory_repo)
    add(memory_repo, "gotcha", "A new gotcha nobody generated", ident="kgot000001")
    result = cli("generate", "--check", cwd=memory_repo)
    assert result.code == 1
    assert "AGENTS.md: memory section is stale; run `memgit generate --target agents`" in result.out
    one = cli("generate", "--target", "agents", cwd=memory_repo)
    assert one.out == "AGENTS.md: memory section updated\n"


def test_the_refresh_hook_regenerates_only_untracked_targets_that_have_a_section(
    memory_repo: Path,
) -> None:
    from memgit.refresh import refresh

    _opt_in(memory_repo, "claude, agents, copilot")
    _fill(memory_repo, 2)
    open_memory(memory_repo).generate("claude")
    open_memory(memory_repo).generate("agents")
    (memory_repo / ".git" / "info" / "exclude").write_text("AGENTS.md\n", encoding="utf-8")
    commit_all(memory_repo, "memory")
    run_git(memory_repo, "checkout", "-q", "-b", "side")
    add(memory_repo, "gotcha", "Learned on the side", ident="kside00001")
    report = refresh(open_memory(memory_repo), "post-merge", ["0"])
    # CLAUDE.md is tracked: only a commit changes it. AGENTS.md, ignored here, is refreshed.
    assert sorted(p.name for p in report.regenerated) == ["AGENTS.md"]
    assert not (memory_repo / ".github" / "copilot-instructions.md").exists()
    skipped = refresh(open_memory(memory_repo), "post-checkout", ["a", "b", "0"])
    assert skipped.skipped == "a checkout of files, not of a branch"
