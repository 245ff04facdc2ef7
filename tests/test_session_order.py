"""A session's summary and provenance come from its main transcript, whatever order files are read.

Subagent transcripts (``agent-*.jsonl``: sidechain records carrying the parent's ``sessionId``,
often from their own worktree and branch) enrich the session; they never name it, give its
request, or change its branch. Fixture-like transcripts in both layouts, and the real fixture
pair (a main session and its subagent) when ``../shared/fixtures`` is present.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from memgit.api import Memory, initialize
from memgit.capture import ingest_transcript
from memgit.extract.heuristic import HeuristicExtractor
from memgit.paths import find_paths
from memgit.sessions import SessionSummary, parse_session

from .conftest import FIXTURES, git
from .transcript_factory import Log

SID = "6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43"
AGENT = "a4ca7529859c158c2"


def _repo(root: Path) -> Memory:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "commit", "-q", "--allow-empty", "-m", "initial")
    initialize(find_paths(root))
    return Memory.open(root)


def _main(root: Path) -> Log:
    log = Log(cwd=str(root), session=SID, branch="feature/harbor")
    log.prompt("Fix the harbor importer so that timestamps are parsed as UTC")
    log.say("Our convention: every importer parses timestamps as UTC before storing them.")
    log.prompt("Also note the gotcha about the harbor feed")
    log.say("Gotcha: the harbor feed sends local time without an offset, so always convert it.")
    return log


def _subagent(root: Path) -> Log:
    log = Log(cwd=str(root / ".claude" / "worktrees" / "agent"), session=SID, branch="agent-wt")
    extra = {"isSidechain": True, "agentId": AGENT}
    log.prompt("You are **alice**, a teammate. Research how the exporter batches uploads.", **extra)
    log.say(
        "We decided the exporter batches uploads in groups of 500 because the API rejects "
        "bigger requests. Gotcha: the API limit is 500 items per request, larger batches fail "
        "with 413.",
        **extra,
    )
    log.prompt("Thanks. Summarise.", **extra)
    log.say("Done.", **extra)
    return log


def _layout(folder: Path, main: Log, sub: Log) -> tuple[Path, Path]:
    """The current layout: ``<sid>.jsonl`` and ``<sid>/subagents/agent-<id>.jsonl``."""
    subagents = folder / SID / "subagents"
    subagents.mkdir(parents=True)
    return main.write(folder / f"{SID}.jsonl"), sub.write(subagents / f"agent-{AGENT}.jsonl")


def _ingest(memory: Memory, paths: list[Path]) -> None:
    for path in paths:
        ingest_transcript(memory, path, HeuristicExtractor(), clean=str, final=True)


def _summary(memory: Memory) -> tuple[str, SessionSummary]:
    (path,) = memory.paths.sessions.glob("*.md")
    return path.name, parse_session(path.read_text(encoding="utf-8"), str(path))


def _branches(memory: Memory) -> set[str | None]:
    return {obs.branch for obs in memory.store.load_all()[0]}


@pytest.mark.parametrize("subagent_first", [False, True])
def test_summary_and_provenance_come_from_the_main_session(
    tmp_path: Path, subagent_first: bool
) -> None:
    memory = _repo(tmp_path / "repo")
    main, sub = _layout(tmp_path / "projects", _main(memory.paths.root), _subagent(tmp_path))
    _ingest(memory, [sub, main] if subagent_first else [main, sub])
    name, summary = _summary(memory)
    assert summary.session == SID
    assert summary.title.startswith("Fix the harbor importer")
    assert summary.request.startswith("Fix the harbor importer")
    assert summary.branch == "feature/harbor"
    assert name.endswith(f"-{SID[:8]}.md")
    assert "fix-the-harbor-importer" in name
    titles = {obs.title for obs in memory.store.load_all()[0]}
    assert any("500" in t or "batches" in t for t in titles)  # the subagent enriched it
    assert _branches(memory) == {"feature/harbor"}  # never the subagent's worktree branch


def test_both_orders_give_the_same_session_file(tmp_path: Path) -> None:
    results = []
    for order in ("main-first", "subagent-first"):
        memory = _repo(tmp_path / order)
        main, sub = _layout(tmp_path / f"projects-{order}", _main(tmp_path), _subagent(tmp_path))
        _ingest(memory, [main, sub] if order == "main-first" else [sub, main])
        name, summary = _summary(memory)
        results.append((name, summary.title, summary.request, summary.branch, summary.started))
    assert results[0] == results[1]


def test_a_subagent_alone_names_nothing_and_takes_no_branch(tmp_path: Path) -> None:
    """The older layout (``agent-<id>.jsonl`` beside the sessions) with the parent missing."""
    memory = _repo(tmp_path / "repo")
    folder = tmp_path / "projects"
    folder.mkdir()
    sub = _subagent(tmp_path).write(folder / "agent-ea02459f.jsonl")
    _ingest(memory, [sub])
    _, summary = _summary(memory)
    assert (summary.title, summary.request, summary.branch) == ("", "", None)
    assert _branches(memory) == {None}
    main = _main(memory.paths.root).write(folder / f"{SID}.jsonl")
    _ingest(memory, [main])
    name, summary = _summary(memory)  # one file, renamed after the main session's title
    assert summary.title.startswith("Fix the harbor importer")
    assert summary.branch == "feature/harbor"
    assert "fix-the-harbor-importer" in name


REAL_MAIN = "daaain__claude-code-log__ef958aa1-0e93-49f0-bb71-150f63befcd1.jsonl"
REAL_AGENT = "daaain__claude-code-log__agent-a4ca7529859c158c2.jsonl"
REAL_SID = "ef958aa1-0e93-49f0-bb71-150f63befcd1"


@pytest.mark.skipif(
    not (FIXTURES / "transcripts" / REAL_AGENT).is_file(),
    reason="the real fixtures (../shared/fixtures) are not present",
)
def test_the_real_subagent_fixture_never_renames_its_session(tmp_path: Path) -> None:
    source = FIXTURES / "transcripts"
    found = []
    for order in ("main-first", "subagent-first"):
        folder = tmp_path / f"projects-{order}"
        (folder / REAL_SID / "subagents").mkdir(parents=True)
        main = folder / f"{REAL_SID}.jsonl"
        sub = folder / REAL_SID / "subagents" / "agent-a4ca7529859c158c2.jsonl"
        shutil.copyfile(source / REAL_MAIN, main)  # into tmp_path only
        shutil.copyfile(source / REAL_AGENT, sub)
        memory = _repo(tmp_path / order)
        _ingest(memory, [main, sub] if order == "main-first" else [sub, main])
        name, summary = _summary(memory)
        assert not summary.title.startswith("You are")
        assert "alice" not in summary.request.lower()
        found.append((name, summary.title, summary.request, summary.branch))
    assert found[0] == found[1]
