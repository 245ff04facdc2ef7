"""The MCP server as Claude Code sees it: a real ``memgit mcp`` process driven by the SDK client."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.types import CallToolResult, TextContent

from memgit.api import Memory
from memgit.commands.mcp import MCP_SERVER_ENTRY, server_start
from memgit.errors import MemgitError
from memgit.model import new_observation, render_observation

from .conftest import SRC

ROOT = Path(__file__).resolve().parents[1]
SESSION = "6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43"


@contextlib.asynccontextmanager
async def connect(
    repo: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> AsyncIterator[ClientSession]:
    """Start ``python -W error -m memgit mcp`` the way Claude Code does and open a session."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-W", "error", "-m", "memgit", "mcp", *args],
        env={"PYTHONPATH": str(SRC), "CLAUDE_PROJECT_DIR": str(repo), **(env or {})},
        cwd=cwd or repo,
    )
    errors = repo.parent / "server-stderr.txt"
    with errors.open("w", encoding="utf-8") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            with anyio.fail_after(60):
                await session.initialize()
                yield session


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    anyio.run(scenario)


def text(result: CallToolResult) -> str:
    (content,) = result.content
    assert isinstance(content, TextContent)
    return content.text


async def ok(client: ClientSession, tool: str, **arguments: Any) -> str:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, text(result)
    return text(result)


async def error(client: ClientSession, tool: str, **arguments: Any) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, text(result)
    return text(result)


def ids_in(answer: str) -> list[str]:
    return re.findall(r"\[m:([a-z0-9]+)\]", answer)


@pytest.fixture
def stocked(memory_repo: Path) -> Path:
    memory = Memory.open(memory_repo)
    memory.add(
        "decision",
        "Use RQ instead of Celery for background jobs",
        "Celery leaked memory in the worker.\n\n- retries: 3",
        files=["src/jobs/worker.py"],
        tags=["jobs"],
        session=SESSION,
    )
    memory.add(
        "gotcha",
        "Harbor CSV timestamps are local time",
        "Convert them to UTC before comparing.",
        files=["src/harbor/csv.py"],
        session=SESSION,
    )
    return memory_repo


def test_tools_are_listed_with_annotations_and_exact_schemas(stocked: Path) -> None:
    async def scenario() -> None:
        async with connect(stocked) as session:
            listed = {tool.name: tool for tool in (await session.list_tools()).tools}
            assert set(listed) == {"search", "get", "timeline", "remember", "forget"}
            for name in ("search", "get", "timeline"):
                hints = listed[name].annotations
                assert hints is not None
                assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (
                    True,
                    False,
                    True,
                )
            hints = listed["remember"].annotations
            assert hints is not None
            assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (
                False,
                False,
                False,
            )
            hints = listed["forget"].annotations
            assert hints is not None
            assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (
                False,
                True,
                True,
            )
            assert listed["forget"].input_schema["required"] == ["ids", "reason"]
            search = listed["search"].input_schema
            assert search["required"] == ["query"]
            assert search["properties"]["type"]["enum"] == [
                "architecture",
                "decision",
                "pattern",
                "gotcha",
                "progress",
                "coordination",
            ]
            assert search["properties"]["limit"]["maximum"] == 50
            assert search["properties"]["status"]["default"] == "active"
            assert "default" not in search["properties"]["file"]  # no misleading null
            assert listed["get"].input_schema["properties"]["ids"]["maxItems"] == 20
            assert listed["remember"].input_schema["required"] == ["type", "title"]
            assert listed["timeline"].input_schema.get("required", []) == []
            description = listed["search"].description or ""
            assert "`get` tool" in description
            assert all(listed[name].output_schema is None for name in listed)

    run(scenario)


def test_every_tool_over_stdio(stocked: Path) -> None:
    async def scenario() -> None:
        async with connect(stocked, env={"CLAUDE_CODE_SESSION_ID": "s-live"}) as session:
            found = await ok(session, "search", query="celery worker")
            assert found.startswith('1 match for "celery worker" (active):')
            (decision,) = ids_in(found)

            full = await ok(session, "get", ids=[decision])
            assert "Celery leaked memory in the worker.\n\n- retries: 3" in full
            assert f"from: session {SESSION}" in full

            history = await ok(session, "timeline", session=SESSION)
            assert history.startswith("Observations of this session (2, oldest first):")
            around = await ok(session, "timeline", around=decision, limit=5)
            assert f"→ [m:{decision}]" in around

            saved = await ok(
                session,
                "remember",
                type="pattern",
                title="Queue names follow the owning team",
                body="Name every RQ queue after the team that owns it.",
                facts=["token for the dashboard: ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"],
                files=["src/jobs/queues.py"],
                tags=["jobs"],
            )
            (new,) = ids_in(saved)
            again = await ok(
                session,
                "remember",
                type="pattern",
                title="Queue names follow the owning team",
                body="Name every RQ queue after the team that owns it.",
            )
            assert again.startswith(f"Not saved: this restates [m:{new}]")
            listed = await ok(session, "search", query="queue team", type="pattern")
            assert ids_in(listed) == [new]

        (written,) = (stocked / ".memory" / "observations").glob(f"*-{new}.md")
        content = written.read_text(encoding="utf-8")
        assert "ghp_" not in content
        assert "[REDACTED:" in content
        assert "source: mcp" in content
        assert "session: s-live" in content

    run(scenario)


def test_bad_arguments_are_tool_errors_and_the_server_keeps_serving(stocked: Path) -> None:
    bad_calls: list[tuple[str, dict[str, Any], str]] = [
        ("search", {"query": ""}, "query is required and must not be empty"),
        ("search", {"query": "x", "limit": 500}, "give a whole number from 1 to 50"),
        ("search", {"query": "x", "type": "note"}, "use one of architecture, decision"),
        (
            "search",
            {"query": "x", "status": "open"},
            "use one of active, pending, superseded, expired, all",
        ),
        ("search", {"query": "x", "since": "yesterday"}, "give a date (2026-11-01)"),
        ("search", {"query": {"text": "x"}}, "query must be a string, not an object"),
        ("search", {}, "query"),
        ("get", {"ids": ["not an id"]}, "is not an observation id"),
        ("get", {"ids": [f"a{n:03d}" for n in range(25)]}, "ask for at most 20"),
        ("get", {"ids": ["zzzz9999"]}, "none of the ids were found"),
        ("timeline", {"around": "zzzz9999"}, "no observation has this id"),
        ("timeline", {"around": "abcd1234", "session": SESSION}, "not both"),
        ("remember", {"type": "gotcha", "title": "T" * 120, "body": "b"}, "at most 100"),
        ("remember", {"type": "gotcha", "title": "Only a title"}, "give body"),
        ("nonexistent", {}, "Unknown tool"),
    ]

    async def scenario() -> None:
        async with connect(stocked) as session:
            for tool, arguments, expected in bad_calls:
                message = await error(session, tool, **arguments)
                assert expected in message, (tool, arguments, message)
                assert "Traceback" not in message
            assert "Use RQ instead of Celery" in await ok(session, "search", query="celery")

    run(scenario)


def test_changes_behind_the_servers_back_are_seen_at_the_next_call(stocked: Path) -> None:
    folder = stocked / ".memory" / "observations"
    config = stocked / ".memory" / "config.yaml"

    async def scenario() -> None:
        async with connect(stocked) as session:
            assert "No memory matches" in await ok(session, "search", query="flamingo")
            pulled = new_observation("gotcha", "Flamingo deploys need a warm cache", "- warm it")
            (folder / pulled.file_name()).write_text(render_observation(pulled), encoding="utf-8")
            assert ids_in(await ok(session, "search", query="flamingo")) == [pulled.id]
            assert "warm it" in await ok(session, "get", ids=[pulled.id])

            (folder / pulled.file_name()).unlink()
            assert "No memory matches" in await ok(session, "search", query="flamingo")

            # The team adds its own redaction rule: the running server applies it at once.
            config.write_text(
                config.read_text(encoding="utf-8") + "\nredact:\n  patterns: ['ACME-[0-9]{6}']\n",
                encoding="utf-8",
            )
            saved = await ok(
                session,
                "remember",
                type="gotcha",
                title="The billing sandbox account",
                body="Use account ACME-123456 for sandbox billing tests.",
            )
            (new,) = ids_in(saved)
            assert "ACME-123456" not in await ok(session, "get", ids=[new])

    run(scenario)


def test_unexpected_errors_are_one_line_and_logged(stocked: Path) -> None:
    folder = stocked / ".memory" / "observations"
    moved = stocked / "observations-aside"
    log = stocked / ".git" / "memgit" / "logs" / "mcp.log"

    async def scenario() -> None:
        async with connect(stocked) as session:
            await ok(session, "search", query="celery")
            folder.rename(moved)
            folder.write_text("not a folder\n", encoding="utf-8")
            message = await error(session, "search", query="celery")
            assert message.startswith("Error executing tool search: unexpected error: ")
            assert "NotADirectoryError" in message
            assert f"details in {log}" in message
            assert "\n" not in message
            folder.unlink()
            moved.rename(folder)
            assert "Use RQ instead of Celery" in await ok(session, "search", query="celery")

    run(scenario)
    logged = log.read_text(encoding="utf-8")
    assert "tool search failed" in logged
    assert "Traceback (most recent call last)" in logged
    assert (stocked.parent / "server-stderr.txt").read_text(encoding="utf-8") == ""


def test_repo_option_and_memory_initialised_while_serving(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    async def scenario() -> None:
        async with connect(elsewhere, "--repo", str(repo), cwd=elsewhere) as session:
            message = await error(session, "search", query="anything")
            assert "Run `memgit init` first" in message
            from memgit.api import initialize
            from memgit.paths import find_paths

            initialize(find_paths(repo))
            Memory.open(repo).add("decision", "Keep memory in git", "- reviewed in PRs")
            assert "Keep memory in git" in await ok(session, "search", query="memory git")

    run(scenario)


def test_other_commands_do_not_import_the_sdk(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from memgit.cli import build_parser\n"
        "build_parser().parse_args(['mcp', '--repo', '.'])\n"
        "print(sorted(m for m in sys.modules if m == 'mcp' or m.startswith(('mcp.', 'pydantic'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_mcp_json_declares_the_server() -> None:
    declared = json.loads((ROOT / ".mcp.json").read_text(encoding="utf-8"))
    assert declared == {"mcpServers": {"memgit": MCP_SERVER_ENTRY}}
    assert MCP_SERVER_ENTRY["command"] == "claude-memgit"  # never another program named memgit
    assert MCP_SERVER_ENTRY["args"] == ["mcp"]


def test_server_start_prefers_the_option_then_claude_project_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    option, project = tmp_path / "option", tmp_path / "project"
    option.mkdir()
    project.mkdir()
    monkeypatch.chdir(tmp_path)
    assert server_start(str(option), {"CLAUDE_PROJECT_DIR": str(project)}) == option
    assert server_start(None, {"CLAUDE_PROJECT_DIR": str(project)}) == project
    assert server_start(None, {}) == tmp_path
    with pytest.raises(MemgitError, match=r"CLAUDE_PROJECT_DIR .* is not a folder"):
        server_start(None, {"CLAUDE_PROJECT_DIR": str(tmp_path / "gone")})
    shutil.rmtree(option)
    with pytest.raises(MemgitError, match=r"--repo .* is not a folder"):
        server_start(str(option), {})
