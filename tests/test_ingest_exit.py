"""``memgit ingest`` says success only when something happened: exit codes, messages, JSON."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Result
from .transcript_factory import Log


def _png(path: Path) -> Path:
    rng = random.Random(7)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(20_000)))
    return path


def _transcript(root: Path, path: Path) -> Path:
    log = Log(cwd=str(root), session="honest-exit")
    log.prompt("Our convention: every API handler validates its input with pydantic models")
    log.say("Noted, all handlers validate input with pydantic models.")
    log.write(path)
    return path


def test_a_png_is_not_a_transcript_and_the_exit_says_so(
    memory_repo: Path, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    png = _png(tmp_path / "screenshot.png")
    done = cli("ingest", "--extractor", "heuristic", str(png), cwd=memory_repo)
    assert done.code == 1
    assert f"memgit: {png} is not a Claude Code transcript" in done.err
    assert "malformed lines skipped" not in done.out
    again = cli("ingest", "--extractor", "heuristic", str(png), cwd=memory_repo)
    assert again.code == 1  # no cursor was saved for it: the answer does not change
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert "it is empty" in cli("ingest", str(empty), cwd=memory_repo).err


def test_json_carries_the_same_facts_and_good_files_are_still_ingested(
    memory_repo: Path, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    png = _png(tmp_path / "x.png")
    good = _transcript(memory_repo, tmp_path / "good.jsonl")
    done = cli("ingest", "--json", "--extractor", "heuristic", str(png), str(good), cwd=memory_repo)
    assert done.code == 1
    data = json.loads(done.out)
    assert data["ok"] is False
    bad, fine = data["transcripts"]
    assert bad["ok"] is False
    assert bad["transcript"] == str(png)
    assert "is not a Claude Code transcript" in bad["error"]
    assert fine["ok"] is True
    assert fine["added"]
    assert data["added"] == len(fine["added"])


def test_no_extractor_can_run_is_a_failure_naming_the_file(
    memory_repo: Path, tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _transcript(memory_repo, tmp_path / "session.jsonl")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # no `claude` to run
    done = cli("ingest", "--json", "--extractor", "claude-cli", str(good), cwd=memory_repo)
    assert done.code == 1
    assert f"memgit: {good}: nothing could be extracted" in done.err
    assert "cannot run 'claude'" in done.err
    (report,) = json.loads(done.out)["transcripts"]
    assert report["ok"] is False
    assert report["extracted"] == 0
    assert "cannot run 'claude'" in report["error"]
