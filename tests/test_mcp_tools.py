from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from memgit import mcp_tools
from memgit.api import Memory
from memgit.errors import NotInitialized
from memgit.mcp_tools import (
    BODY_LIMIT,
    OUTPUT_BUDGET,
    MemorySource,
    ToolArgumentError,
    compact_line,
)
from memgit.model import new_observation
from memgit.query import Filters
from memgit.sessions import SessionSummary, save_session

LINE = re.compile(r"^\[m:[a-z][0-9a-z]+\] [a-z]+ · \d{4}-\d{2}-\d{2} · .+$")


def _clean(text: str) -> str:
    return text.replace("hunter2", "[REDACTED:test]")


@pytest.fixture
def memory(memory_repo: Path) -> Memory:
    memory = Memory.open(memory_repo)
    memory.add(
        "decision",
        "Use RQ instead of Celery for background jobs",
        "Celery leaked memory in the worker.\n\n- retries: 3",
        files=["src/jobs/worker.py", "src/jobs/queue.py", "src/jobs/retry.py", "docs/jobs.md"],
        tags=["jobs"],
    )
    memory.add(
        "gotcha",
        "Harbor CSV timestamps are local time",
        "Convert to UTC before comparing.",
        files=["src/harbor/csv.py"],
    )
    return memory


def _search(memory: Memory, **arguments: Any) -> str:
    return mcp_tools.search(memory, **arguments)


# --- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"query": ""}, "query is required and must not be empty"),
        ({"query": "   "}, "query is required"),
        ({"query": ["celery"]}, "query must be a string, not a list"),
        ({"query": "x", "type": "decisions"}, "type='decisions' is not allowed: use one of"),
        ({"query": "x", "status": "done"}, "status='done' is not allowed"),
        ({"query": "x", "limit": 0}, "limit=0 is out of range: give a whole number from 1 to 50"),
        ({"query": "x", "limit": 51}, "from 1 to 50"),
        ({"query": "x", "limit": "ten"}, "limit='ten' is out of range"),
        ({"query": "x", "limit": True}, "limit=True"),
        ({"query": "x", "limit": 2.5}, "limit=2.5"),
        ({"query": "x", "since": "last week"}, "since='last week' is not a date: give a date"),
        ({"query": "x", "file": "/elsewhere/a.py"}, "is outside the repository"),
        ({"query": "x", "file": "../other/a.py"}, "leaves the repository"),
        ({"query": "x", "file": "."}, "is the whole repository"),
        ({"query": "x", "file": 7}, "file must be a string, not a number"),
    ],
)
def test_search_rejects_bad_arguments_with_a_way_out(
    memory: Memory, arguments: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ToolArgumentError, match=re.escape(expected)):
        _search(memory, **arguments)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([], "ids must be a non-empty list"),
        ({"id": "abcd"}, "ids must be a non-empty list"),
        (["abcd", "no way"], "ids[1]='no way' is not an observation id"),
        (["abcd", 5], "ids[1] must be an observation id"),
        (["1abc"], "starting with a letter"),
        ([f"a{n:03d}" for n in range(21)], "ids has 21 entries; ask for at most 20"),
    ],
)
def test_get_rejects_bad_ids(memory: Memory, value: Any, expected: str) -> None:
    with pytest.raises(ToolArgumentError, match=re.escape(expected)):
        mcp_tools.get(memory, value)


def test_ids_accept_citations_strings_and_repeats() -> None:
    assert mcp_tools.ids_arg(["[m:K3F9A2C1DX]", "k3f9a2c1dx", " m2b7 "]) == ["k3f9a2c1dx", "m2b7"]
    assert mcp_tools.ids_arg("k3f9a2c1dx, m2b7c4d9ea") == ["k3f9a2c1dx", "m2b7c4d9ea"]


def test_limits_accept_whole_numbers_in_any_json_form() -> None:
    assert mcp_tools.limit_arg(None, mcp_tools.SEARCH_LIMIT) == 10
    assert mcp_tools.limit_arg("7", mcp_tools.SEARCH_LIMIT) == 7
    assert mcp_tools.limit_arg(7.0, mcp_tools.SEARCH_LIMIT) == 7
    assert mcp_tools.limit_arg(100, mcp_tools.TIMELINE_LIMIT) == 100


def test_paths_are_stored_relative_to_the_repository(memory: Memory) -> None:
    root = memory.paths.root
    assert mcp_tools.repo_path(root, "file", str(root / "src" / "a.py")) == "src/a.py"
    assert mcp_tools.repo_path(root, "file", "./src//b.py") == "src/b.py"
    assert mcp_tools.repo_path(root, "file", "src\\c.py") == "src/c.py"


# --- search ------------------------------------------------------------------------------------


def test_search_answers_with_one_line_per_hit_and_how_to_read_more(memory: Memory) -> None:
    text = _search(memory, query="celery worker")
    lines = text.splitlines()
    assert lines[0] == '1 match for "celery worker" (active):'
    assert LINE.match(lines[1])
    assert lines[1].endswith(
        "Use RQ instead of Celery for background jobs · "
        "src/jobs/worker.py, src/jobs/queue.py, src/jobs/retry.py +1 more"
    )
    assert "Celery leaked memory" not in text  # an index, not the bodies
    assert "get tool (ids=['" in text


def test_search_filters(memory: Memory) -> None:
    assert "Harbor" in _search(memory, query="timestamps", file="src/harbor")
    assert "No memory matches" in _search(memory, query="timestamps", file="src/jobs")
    assert "No memory matches" in _search(memory, query="timestamps", type="decision")
    assert "Harbor" in _search(memory, query="timestamps", type="GOTCHA", since="7d")
    absolute = str(memory.paths.root / "src" / "harbor" / "csv.py")
    assert "Harbor" in _search(memory, query="timestamps", file=absolute)


def test_search_shows_superseded_memory_only_when_asked(memory: Memory) -> None:
    old = memory.remember("pattern", "Name queues after the team", "- queues: team-name")
    new = memory.remember(
        "pattern", "Name queues after the owning team", "- queues: team-name\n- prefix: q-"
    )
    assert new.action == "superseded"
    active = _search(memory, query="queues team", limit=5)
    assert old.observation.id not in active
    history = _search(memory, query="queues team", status="all")
    assert f"superseded by [m:{new.observation.id}]" in history


def test_empty_search_suggests_what_to_try(memory: Memory) -> None:
    text = _search(memory, query="kubernetes")
    assert text.startswith('No memory matches "kubernetes" (active).')
    assert 'status="all"' in text


# --- get ---------------------------------------------------------------------------------------


def test_get_returns_full_text_and_reports_missing_ids(memory: Memory) -> None:
    (hit,) = memory.search("celery", Filters(), 1)
    text = mcp_tools.get(memory, [f"[m:{hit.observation.id}]", "zzzz9999"])
    assert text.startswith(f"## [m:{hit.observation.id}] Use RQ instead of Celery")
    assert "type: decision · status: active · confidence: 0.70" in text
    assert "files: src/jobs/worker.py, src/jobs/queue.py, src/jobs/retry.py, docs/jobs.md" in text
    assert f"file: {hit.path}" in text
    assert "Celery leaked memory in the worker.\n\n- retries: 3" in text
    assert text.endswith("Not found: zzzz9999: no observation has this id")


def test_get_of_only_unknown_ids_is_an_error(memory: Memory) -> None:
    with pytest.raises(ToolArgumentError, match="none of the ids were found"):
        mcp_tools.get(memory, ["zzzz9999"])


def test_get_keeps_answers_under_the_output_budget(memory: Memory) -> None:
    big = ("A long paragraph about the deployment pipeline. " * 400).strip()
    ids = []
    for n in range(8):
        obs = new_observation("architecture", f"Pipeline stage {n}", big)
        memory.store.create(obs)
        ids.append(obs.id)
    text = mcp_tools.get(memory, ids)
    assert len(text) <= OUTPUT_BUDGET + 500
    assert f"[… cut at {BODY_LIMIT} characters; see .memory/observations/" in text
    shown = re.findall(r"^## \[m:([a-z0-9]+)\]", text, flags=re.M)
    assert 1 <= len(shown) < len(ids)
    left = re.search(r"call get again with ids=\[(.*)\]\.$", text)
    assert left is not None
    assert left.group(1) == ", ".join(f"'{i}'" for i in ids[len(shown) :])


# --- timeline ----------------------------------------------------------------------------------


def test_timeline_around_an_observation_marks_it(memory: Memory) -> None:
    made = [
        memory.remember("progress", f"Migrated the {topic}", "- done", session="s-1").observation
        for topic in ("users table", "billing service", "search api", "email worker")
    ]
    text = mcp_tools.timeline(memory, around=made[1].id, limit=3)
    lines = text.splitlines()
    assert lines[0] == f"Observations around [m:{made[1].id}] (oldest first; → marks it):"
    marked = [line for line in lines if line.startswith("→ ")]
    assert marked == [f"→ {compact_line(made[1], time=True)}"]


def test_timeline_of_a_session_starts_with_its_summary(memory: Memory) -> None:
    session = "6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43"
    made = memory.remember(
        "gotcha", "Pool size must stay below 20", "- pg max_connections is 20", session=session
    ).observation
    moment = datetime(2026, 8, 20, 14, 2, tzinfo=UTC)
    summary = SessionSummary(
        session=session,
        title="Fix the connection pool",
        started=moment,
        ended=moment.replace(minute=31),
        branch="fix/pool",
        observations=(made.id,),
        request="Stop the 'too many connections' errors",
        learned=("pg allows 20 connections",),
        next_steps=("Load-test the pool",),
    )
    with memory.store.lock():
        save_session(memory.paths.sessions, summary)
    text = mcp_tools.timeline(memory, session=session)
    assert text.startswith(f"Session {session}: Fix the connection pool\n")
    assert "2026-08-20 14:02 to 2026-08-20 14:31 UTC on branch fix/pool" in text
    assert "Request: Stop the 'too many connections' errors" in text
    assert "Learned:\n- pg allows 20 connections" in text
    assert "Next steps:\n- Load-test the pool" in text
    assert "Observations of this session (1, oldest first):" in text
    assert compact_line(made, time=True) in text


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"around": "abcd1234", "session": "s-1"}, "not both"),
        ({"around": "zzzz9999"}, "around='zzzz9999': no observation has this id"),
        ({"around": "a b"}, "is not an observation id"),
        ({"session": "no session here"}, "is not a session id"),
        ({"session": "unknown-session"}, "no memory of session 'unknown-session'"),
        ({"limit": 101}, "from 1 to 100"),
    ],
)
def test_timeline_rejects_bad_arguments(
    memory: Memory, arguments: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ToolArgumentError, match=re.escape(expected)):
        mcp_tools.timeline(memory, **arguments)


def test_timeline_without_arguments_shows_the_latest(memory: Memory) -> None:
    text = mcp_tools.timeline(memory)
    assert text.startswith("The 2 most recent observations (oldest first):")
    assert "Harbor CSV timestamps" in text


# --- remember ----------------------------------------------------------------------------------


def test_remember_cleans_and_reports_new_duplicate_and_superseded(memory: Memory) -> None:
    def remember(**arguments: Any) -> str:
        return mcp_tools.remember(memory, clean=_clean, session="s-9", **arguments)

    saved = remember(
        type="gotcha",
        title="The staging password is hunter2",
        body="Rotate it after demos.",
        facts=["login: admin / hunter2"],
        files=[str(memory.paths.root / "deploy" / "staging.yaml")],
        tags=["staging", "hunter2"],
    )
    match = re.match(r"Saved \[m:([a-z0-9]+)\] gotcha: The staging password is \[REDACTED", saved)
    assert match is not None
    obs, _ = memory.get(match.group(1))
    assert "hunter2" not in f"{obs.title} {obs.body} {obs.tags}"
    assert obs.body == "Rotate it after demos.\n\n- login: admin / [REDACTED:test]"
    assert (obs.files, obs.source, obs.session) == (("deploy/staging.yaml",), "mcp", "s-9")

    again = remember(
        type="gotcha",
        title="The staging password is hunter2",
        body="Rotate it after demos.",
        facts=["login: admin / hunter2"],
    )
    assert again.startswith(f"Not saved: this restates [m:{obs.id}]")
    fuller = remember(
        type="gotcha",
        title="The staging password is hunter2",
        body="Rotate it after demos and after each release.",
        facts=["login: admin / hunter2"],
    )
    assert f"It supersedes [m:{obs.id}]" in fuller
    assert memory.get(obs.id)[0].status == "superseded"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"title": "x", "body": "y"}, "type is required: one of architecture"),
        ({"type": "note", "title": "x", "body": "y"}, "type='note' is not allowed"),
        ({"type": "gotcha", "body": "y"}, "title is required"),
        ({"type": "gotcha", "title": "x" * 101, "body": "y"}, "at most 100 characters (got 101)"),
        ({"type": "gotcha", "title": "x"}, "give body"),
        ({"type": "gotcha", "title": "x", "facts": [1, 2]}, "facts must be a list of strings"),
        ({"type": "gotcha", "title": "x", "body": "y", "files": ["/etc/passwd"]}, "outside"),
        ({"type": "gotcha", "title": "x", "body": "y", "tags": ["t"] * 21}, "at most 20"),
    ],
)
def test_remember_rejects_bad_arguments(
    memory: Memory, arguments: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ToolArgumentError, match=re.escape(expected)):
        mcp_tools.remember(memory, clean=_clean, **arguments)


# --- the open memory ---------------------------------------------------------------------------


def test_memory_source_reloads_when_the_configuration_changes(memory_repo: Path) -> None:
    source = MemorySource(memory_repo)
    first = source.open()
    assert source.open() is first
    config = first.paths.config_file
    config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = source.open()
    assert second is not first
    assert source.open() is second
    shutil.rmtree(memory_repo / ".memory")
    with pytest.raises(NotInitialized):
        source.open()
