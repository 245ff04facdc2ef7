"""Ids as people type them: full, ``[m:id]``, unique prefixes of 3+, session short ids."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from memgit import mcp_tools
from memgit.api import Memory
from memgit.errors import AmbiguousId
from memgit.mcp_tools import ToolArgumentError
from memgit.model import new_observation
from memgit.sessions import SessionSummary, save_session

from .conftest import Result

SESSION = "6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43"
OTHER = "6b1f9999-0000-4f0b-9c77-2e5d1a9b0c43"


@pytest.fixture
def memory(memory_repo: Path) -> Memory:
    memory = Memory.open(memory_repo)
    for ident, title, session in (
        ("kab1000001", "Harbor sends local time", SESSION),
        ("kab2000002", "Uploads retry with jitter", SESSION),
        ("kzz9000003", "Exports are gzip only", OTHER),
    ):
        memory.store.create(
            new_observation("gotcha", title, f"About {title}.", ident=ident, session=session)
        )
    moment = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    save_session(
        memory.paths.sessions,
        SessionSummary(SESSION, "Fix the harbor importer", moment, moment, request="Fix it"),
    )
    memory.reindex()
    return memory


@pytest.mark.parametrize("typed", ["kzz9000003", "[m:kzz9000003]", "m:kzz9", "kzz", " KZZ9 "])
def test_every_form_of_an_id_finds_it(memory: Memory, typed: str) -> None:
    assert memory.get(typed)[0].id == "kzz9000003"


def test_an_ambiguous_prefix_lists_the_candidates(memory: Memory) -> None:
    with pytest.raises(AmbiguousId) as caught:
        memory.get("kab")
    message = str(caught.value)
    assert "'kab' matches 2 observations" in message
    assert "kab1000001 (harbor-sends-local-time)" in message
    assert "kab2000002 (uploads-retry-with-jitter)" in message


def test_cli_show_and_timeline_take_prefixes_and_session_short_ids(
    memory: Memory, cli: Callable[..., Result]
) -> None:
    root = memory.paths.root
    shown = cli("show", "kzz", cwd=root)
    assert (shown.code, "Exports are gzip only" in shown.out) == (0, True)
    ambiguous = cli("show", "kab", cwd=root)
    assert ambiguous.code == 1
    assert "kab1000001" in ambiguous.err
    assert "kab2000002" in ambiguous.err
    (short,) = [p.stem.rsplit("-", 1)[-1] for p in memory.paths.sessions.glob("*.md")]
    assert short == "6b1f3c2e"
    timeline = cli("timeline", "--session", short, cwd=root)
    assert timeline.code == 0, timeline.err
    assert "Harbor sends local time" in timeline.out
    assert "Exports are gzip only" not in timeline.out
    around = cli("timeline", "--around", "kzz", cwd=root)
    assert (around.code, "Exports are gzip only" in around.out) == (0, True)
    both = cli("timeline", "--session", "6b1f", cwd=root)
    assert both.code == 1
    assert "matches 2 sessions" in both.err
    assert f"{SESSION} (Fix the harbor importer)" in both.err


def test_mcp_tools_take_the_same_forms(memory: Memory) -> None:
    assert "Exports are gzip only" in mcp_tools.get(memory, ["kzz"])
    assert "Exports are gzip only" in mcp_tools.get(memory, "[m:kzz9000003]")
    text = mcp_tools.timeline(memory, session="6b1f3c2e")
    assert "Fix the harbor importer" in text
    assert "Uploads retry with jitter" in text
    with pytest.raises(ToolArgumentError, match=re.escape("matches 2 sessions")):
        mcp_tools.timeline(memory, session="6b1f")
    with pytest.raises(ToolArgumentError, match="kab1000001"):
        mcp_tools.get(memory, ["kab"])
