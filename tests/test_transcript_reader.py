"""Conversation semantics: responses, tool pairing, prompts vs. everything else, subagents."""

from __future__ import annotations

from pathlib import Path

import pytest

from memgit.transcript import (
    CONTEXT_TAG,
    Message,
    TranscriptUnreadable,
    Turn,
    chunk_transcript,
    read_transcript,
)

from .transcript_factory import TRANSCRIPTS, Log, simple_session

# name: (turns, sidechain turns, tool calls, error results, turn kinds)
EXPECTED = {
    "constructed__tidepool.jsonl": (1, 0, 3, 0, {"prompt": 1}),
    "d-kimuson__claude-code-viewer__fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl": (
        7,
        5,
        167,
        23,
        {"command": 1, "prompt": 6},
    ),
    "daaain__claude-code-log__0d3a8e6f-290f-4105-a327-a2496e5e2a83.jsonl": (
        7,
        0,
        14,
        3,
        {"prompt": 4, "command": 3},
    ),
    "daaain__claude-code-log__4e27c414-a885-46a0-b5c8-d58e1417377d.jsonl": (0, 0, 0, 0, {}),
    "daaain__claude-code-log__7864f562-717b-4d70-a1cb-b588f7826a1a.jsonl": (0, 0, 0, 0, {}),
    "daaain__claude-code-log__7acd37a8-2745-4b58-a8a9-46164b22ad9e.jsonl": (
        6,
        0,
        71,
        6,
        {"command": 1, "prompt": 5},
    ),
    "daaain__claude-code-log__agent-a4ca7529859c158c2.jsonl": (1, 1, 24, 1, {"prompt": 1}),
    "daaain__claude-code-log__agent-ea02459f.jsonl": (1, 1, 14, 0, {"prompt": 1}),
    "daaain__claude-code-log__ef958aa1-0e93-49f0-bb71-150f63befcd1.jsonl": (
        3,
        0,
        40,
        0,
        {"prompt": 2, "command": 1},
    ),
    "daaain__claude-code-log__fe869ecb-c176-478f-9734-7e4b8ef12cff.jsonl": (
        3,
        0,
        32,
        6,
        {"prompt": 2, "command": 1},
    ),
    "entireio__cli__10-a740e118e0-0-full.jsonl": (3, 0, 4, 0, {"command": 2, "prompt": 1}),
    "entireio__cli__8e-0a64736bc7-0-full.jsonl": (7, 0, 31, 2, {"command": 3, "prompt": 4}),
    "entireio__cli__91-b42542f24f-1-full.jsonl": (2, 0, 59, 3, {"prompt": 2}),
}


def _fixture(name: str) -> Path:
    path = TRANSCRIPTS / name
    if not path.exists():
        pytest.skip(f"shared fixtures not found at {TRANSCRIPTS} (../shared beside the project)")
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_fixture_parses_with_paired_tool_results(name: str) -> None:
    path = _fixture(name)
    transcript = read_transcript(path, final=True)
    turns, side, calls, errors, kinds = EXPECTED[name]
    all_calls = [c for t in transcript.turns for c in t.tool_calls]
    assert len(transcript.turns) == turns
    assert sum(t.is_sidechain for t in transcript.turns) == side
    assert len(all_calls) == calls
    assert sum(c.is_error for c in all_calls) == errors
    kinds_seen: dict[str, int] = {}
    for turn in transcript.turns:
        kinds_seen[turn.kind] = kinds_seen.get(turn.kind, 0) + 1
    assert kinds_seen == kinds
    assert all(c.result_text is not None for c in all_calls)
    assert transcript.stats.orphan_results == 0
    assert transcript.stats.unanswered_calls == 0
    assert transcript.stats.bad_json == transcript.stats.truncated_tail == 0
    assert transcript.end.offset == path.stat().st_size
    assert [t.index for t in transcript.turns] == list(range(turns))
    for chunk in chunk_transcript(transcript):
        assert len(chunk.text) <= 6000
        assert "iVBORw0KGgo" not in chunk.text


def test_fixture_metadata_across_versions() -> None:
    old = read_transcript(
        _fixture("daaain__claude-code-log__fe869ecb-c176-478f-9734-7e4b8ef12cff.jsonl")
    )
    assert old.version == "1.0.24"
    assert old.branch is None
    new = read_transcript(
        _fixture("daaain__claude-code-log__ef958aa1-0e93-49f0-bb71-150f63befcd1.jsonl")
    )
    assert (new.session_id, new.branch, new.version) == (
        "ef958aa1-0e93-49f0-bb71-150f63befcd1",
        "master",
        "2.1.114",
    )
    assert new.stats.injected_context >= 46
    assert not any(
        m.role == "thinking" for t in new.turns for m in t.steps if isinstance(m, Message)
    )


def test_image_fixture_keeps_no_base64() -> None:
    path = _fixture("daaain__claude-code-log__0d3a8e6f-290f-4105-a327-a2496e5e2a83.jsonl")
    transcript = read_transcript(path, final=True)
    image_turn = next(t for t in transcript.turns if t.images)
    assert image_turn.prompt.startswith("[image]\n")
    assert sum(t.interrupted for t in transcript.turns) == 3
    assert len(repr(transcript.turns)) < path.stat().st_size // 2


def test_inline_sidechains_are_threaded_by_chain() -> None:
    path = _fixture("d-kimuson__claude-code-viewer__fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl")
    transcript = read_transcript(path, final=True)
    side = [t for t in transcript.turns if t.is_sidechain]
    assert len({t.agent_id for t in side}) == 5
    assert all(t.agent_id and t.agent_id.startswith("sidechain-") for t in side)
    assert all(t.kind == "prompt" and len(t.prompt) > 100 for t in side)
    main = [t for t in transcript.turns if not t.is_sidechain]
    assert main[0].prompt == "/orchestrator create TODO app by Next.js"
    assert [c.name for c in main[0].tool_calls].count("Task") == 5
    assert transcript.agent_id is None


def test_subagent_file_is_flagged_and_linked_from_its_parent() -> None:
    agent = read_transcript(_fixture("daaain__claude-code-log__agent-a4ca7529859c158c2.jsonl"))
    assert agent.agent_id == "a4ca7529859c158c2"
    assert agent.session_id == "ef958aa1-0e93-49f0-bb71-150f63befcd1"
    assert agent.turns == ()  # the task prompt's turn is open until the file is final
    agent = read_transcript(agent.path, final=True)
    (turn,) = agent.turns
    assert (turn.is_sidechain, turn.agent_id) == (True, "a4ca7529859c158c2")
    assert turn.files_edited == ("work/research-plan-mode.md",)
    parent = read_transcript(
        _fixture("daaain__claude-code-log__ef958aa1-0e93-49f0-bb71-150f63befcd1.jsonl"),
        final=True,
    )
    linked = {c.agent_id for t in parent.turns for c in t.tool_calls if c.name == "Agent"}
    assert "a4ca7529859c158c2" in linked


def test_assistant_lines_of_one_response_merge_in_order(tmp_path: Path) -> None:
    log = Log()
    log.prompt("What does parse do?")
    log.think("Check the file.", msg="msg_A")
    log.say("Let me read it.", msg="msg_A")
    log.call("Read", {"file_path": "/home/dev/repo/a.py"}, "t1", msg="msg_A")
    log.say("Let me read it.", msg="msg_A")  # a repeated block of the same response
    log.result("t1", [{"type": "text", "text": "x = 1"}, {"type": "image", "source": {}}])
    log.say("It sets x.", msg="msg_B")
    (turn,) = read_transcript(log.write(tmp_path / "t.jsonl"), final=True).turns
    kinds = [s.role if isinstance(s, Message) else "tool" for s in turn.steps]
    assert kinds == ["thinking", "assistant", "tool", "assistant"]
    assert turn.assistant_texts == ("Let me read it.", "It sets x.")
    assert turn.tool_calls[0].result_text == "x = 1\n[image]"
    assert turn.tool_calls[0].files == ("a.py",)


def test_prompts_vs_results_meta_commands_and_interrupts(tmp_path: Path) -> None:
    log = Log()
    log.prompt(
        "<local-command-caveat>Caveat: generated by local commands</local-command-caveat>",
        isMeta=True,
    )
    log.prompt(
        "<command-name>/review</command-name>\n<command-message>review</command-message>\n"
        "<command-args>the parser</command-args>"
    )
    log.prompt([{"type": "text", "text": "Expanded command instructions..."}], isMeta=True)
    log.call("Bash", {"command": "make lint"}, "t1")
    log.result("t1", "Error: lint failed", is_error=True, structured="Error: lint failed")
    log.prompt([{"type": "text", "text": "[Request interrupted by user for tool use]"}])
    log.prompt("<bash-input>git status</bash-input>")
    log.prompt("<bash-stdout>On branch main</bash-stdout><bash-stderr></bash-stderr>")
    log.prompt("<command-name>/mcp</command-name>")
    log.prompt("<local-command-stdout>Reconnected to context7.</local-command-stdout>")
    log.prompt("Now the real question: why does lint fail?")
    log.call("Read", {"file_path": "/elsewhere/setup.cfg"}, "t2")
    log.result("t2", "[flake8]", structured=["any", "shape"])
    log.prompt(
        [
            {"tool_use_id": "t9", "type": "tool_result", "content": "late"},
            {"type": "text", "text": "also check tox.ini"},
        ]
    )
    turns = read_transcript(log.write(tmp_path / "t.jsonl"), final=True).turns
    assert [(t.kind, t.prompt) for t in turns] == [
        ("command", "/review the parser"),
        ("command", "!git status"),
        ("command", "/mcp"),
        ("prompt", "Now the real question: why does lint fail?"),
    ]
    review, shell, mcp, question = turns
    assert review.interrupted
    assert review.tool_calls[0].is_error
    assert review.tool_calls[0].result_text == "Error: lint failed"
    assert shell.steps == (Message("output", "On branch main"),)
    assert mcp.steps == (Message("output", "Reconnected to context7."),)
    assert question.tool_calls[0].files == ("/elsewhere/setup.cfg",)
    assert question.steps[-1] == Message("user", "also check tox.ini")


def test_memgit_context_is_dropped_everywhere(tmp_path: Path) -> None:
    injected = f"<{CONTEXT_TAG}>REMEMBERED: use pytest fixtures</{CONTEXT_TAG}>"
    log = Log()
    log.attachment(
        {"type": "hook_additional_context", "content": [injected], "hookEvent": "SessionStart"}
    )
    log.attachment({"type": "hook_success", "stdout": injected, "hookEvent": "SessionStart"})
    log.system(None, content=f"SessionStart hook said {injected}", level="info")
    log.prompt(injected)  # a prompt made only of injected context is no prompt
    log.prompt(f"Add a CSV export\n\n{injected}")
    log.say(f"Sure. {injected} Adding it.")
    log.prompt(f'<{CONTEXT_TAG} source="prompt">REMEMBERED: unclosed to the end')
    transcript = read_transcript(log.write(tmp_path / "t.jsonl"), final=True)
    assert [t.prompt for t in transcript.turns] == ["Add a CSV export"]
    assert transcript.turns[0].assistant_texts == ("Sure.  Adding it.",)
    assert "REMEMBERED" not in repr(transcript)
    assert transcript.stats.injected_context == 7


def test_compaction_summary_is_a_marked_turn(tmp_path: Path) -> None:
    log = Log()
    log.prompt("Build the exporter")
    log.say("Working on the exporter with a streaming writer.")
    log.system("compact_boundary", compactMetadata={"trigger": "auto", "preTokens": 150000})
    log.prompt(
        "This session is being continued from a previous conversation that ran out of context. "
        "The conversation is summarized below: we chose a streaming writer.",
        isCompactSummary=True,
        isVisibleInTranscriptOnly=True,
    )
    log.call("Write", {"file_path": "/home/dev/repo/export.py", "content": "..."}, "t1")
    log.result("t1", "File created")
    log.prompt("Thanks, now add tests")
    transcript = read_transcript(log.write(tmp_path / "t.jsonl"), final=True)
    first, summary, last = transcript.turns
    assert transcript.stats.compactions == 1
    assert summary.is_compact_summary
    assert summary.prompt == ""
    assert summary.compact_summary is not None
    assert "streaming writer" in summary.compact_summary
    assert summary.files_edited == ("export.py",)
    assert (first.prompt, last.prompt) == ("Build the exporter", "Thanks, now add tests")


def test_legacy_compaction_text_without_flag(tmp_path: Path) -> None:
    log = Log()
    log.prompt("This session is being continued from a previous conversation. Summary: ...")
    (turn,) = read_transcript(log.write(tmp_path / "t.jsonl"), final=True).turns
    assert turn.is_compact_summary


def test_sidechain_records_in_an_agent_file(tmp_path: Path) -> None:
    log = Log(session="parent-session")
    log.prompt("Survey the tests", isSidechain=True, agentId="abc1234")
    log.call("Glob", {"pattern": "tests/*.py"}, "t1", isSidechain=True, agentId="abc1234")
    log.result("t1", "tests/a.py", isSidechain=True, agentId="abc1234")
    path = log.write(tmp_path / "agent-abc1234.jsonl")
    transcript = read_transcript(path, final=True)
    assert transcript.agent_id == "abc1234"
    assert transcript.session_id == "parent-session"
    (turn,) = transcript.turns
    assert turn.is_sidechain
    assert turn.agent_id == "abc1234"


def test_unreadable_path_raises_a_memgit_error(tmp_path: Path) -> None:
    with pytest.raises(TranscriptUnreadable, match=r"missing\.jsonl"):
        read_transcript(tmp_path / "missing.jsonl")


def test_turn_views(tmp_path: Path) -> None:
    transcript = read_transcript(simple_session(1).write(tmp_path / "t.jsonl"), final=True)
    (turn,) = transcript.turns
    assert isinstance(turn, Turn)
    assert turn.files == turn.files_edited == ("src/parse.py",)
    assert [c.name for c in turn.tool_calls] == ["Read", "Edit"]
    assert turn.end_offset == transcript.end.offset
    assert turn.timestamp is not None
    assert turn.end_timestamp is not None
    assert turn.timestamp < turn.end_timestamp
