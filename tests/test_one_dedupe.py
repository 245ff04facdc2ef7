"""One dedupe rule for every way memory is written: ``memgit add``, MCP ``remember``, capture."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from memgit import mcp_tools
from memgit.api import Memory, initialize
from memgit.capture import ingest_transcript
from memgit.extract.heuristic import HeuristicExtractor
from memgit.paths import find_paths

from .conftest import Result, git
from .transcript_factory import Log

TITLE = "Harbor sends local time without an offset"
BODY = "The harbor feed sends local time without an offset; convert it to UTC on import."


def _add(cli: Callable[..., Result], root: Path, *extra: str) -> Result:
    return cli("add", "--type", "gotcha", "--title", TITLE, "--body", BODY, *extra, cwd=root)


def test_add_refuses_the_restatement_remember_refuses(
    memory_repo: Path, cli: Callable[..., Result]
) -> None:
    first = _add(cli, memory_repo)
    assert first.code == 0
    assert first.out.startswith("added [m:")
    said = mcp_tools.remember(
        Memory.open(memory_repo), type="gotcha", title=TITLE, body=BODY, clean=str
    )
    assert said.startswith("Not saved: this restates")
    again = _add(cli, memory_repo, "--json")
    assert again.code == 0
    assert json.loads(again.out)["action"] == "duplicate"
    assert len(list((memory_repo / ".memory" / "observations").glob("*.md"))) == 1
    forced = _add(cli, memory_repo, "--force")
    assert forced.out.startswith("added [m:")
    assert len(list((memory_repo / ".memory" / "observations").glob("*.md"))) == 2


def test_capture_judges_what_add_wrote_like_add_judges_what_capture_wrote(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    log = Log(cwd=str(tmp_path), session="dedupe-session")
    log.prompt("Import the harbor feed")
    log.say(
        "Gotcha: the harbor feed sends local time without an offset, so convert it to UTC on "
        "import. We decided the importer stores every timestamp in UTC."
    )
    transcript = log.write(tmp_path / "session.jsonl")
    repos = []
    for name in ("captured", "added-first"):
        root = tmp_path / name
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        git(root, "commit", "-q", "--allow-empty", "-m", "initial")
        initialize(find_paths(root))
        repos.append(Memory.open(root))
    captured, added_first = repos
    report = ingest_transcript(captured, transcript, HeuristicExtractor(), clean=str, final=True)
    assert report.added
    for obs in report.added:  # the same observations, written by hand first
        done = cli("add", "--type", obs.type, "--title", obs.title, "--body", obs.body,
                   cwd=added_first.paths.root)  # fmt: skip
        assert done.out.startswith("added")
    again = ingest_transcript(added_first, transcript, HeuristicExtractor(), clean=str, final=True)
    assert again.added == []
    assert again.duplicates == len(report.added)
    for obs in report.added:  # and add, given what capture wrote, refuses it the same way
        done = cli("add", "--type", obs.type, "--title", obs.title, "--body", obs.body,
                   cwd=captured.paths.root)  # fmt: skip
        assert done.out.startswith("not added"), done.out
