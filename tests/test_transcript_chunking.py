"""Chunks: size bounds, turn and tool-call boundaries, trimming, cleaning, triviality."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.transcript import Chunk, chunk_transcript, is_trivial, read_transcript
from memgit.transcript.text import trim

from .transcript_factory import Log, simple_session


def _chunks(
    log: Log,
    tmp_path: Path,
    *,
    chunk_chars: int = 6000,
    tool_output_chars: int = 1200,
    clean: Callable[[str], str] | None = None,
    include_thinking: bool = False,
) -> list[Chunk]:
    transcript = read_transcript(log.write(tmp_path / "t.jsonl"), final=True)
    return chunk_transcript(
        transcript,
        chunk_chars=chunk_chars,
        tool_output_chars=tool_output_chars,
        clean=clean,
        include_thinking=include_thinking,
    )


def test_rendering_is_compact_and_readable(tmp_path: Path) -> None:
    (chunk,) = _chunks(simple_session(1), tmp_path)
    lines = chunk.text.splitlines()
    assert lines[0] == "USER: Please fix bug number 0 in the parser module, it breaks imports"
    assert lines[1] == "ASSISTANT: Looking at the parser for bug 0."
    assert lines[2] == "TOOL Read src/parse.py"
    assert "TOOL Edit src/parse.py:" in lines
    assert "- pass" in lines
    assert "+ return 0" in lines
    assert lines[-1].startswith("ASSISTANT: Fixed bug 0")
    assert (chunk.session_id, chunk.branch, chunk.first_turn, chunk.last_turn) == (
        "sess-1",
        "main",
        0,
        0,
    )
    assert chunk.files == chunk.files_edited == ("src/parse.py",)
    assert chunk.started is not None
    assert chunk.ended is not None


def test_turns_pack_up_to_the_limit_without_splitting(tmp_path: Path) -> None:
    chunks = _chunks(simple_session(12), tmp_path, chunk_chars=1500)
    assert len(chunks) > 2
    assert all(len(c.text) <= 1500 for c in chunks)
    assert not any(c.partial for c in chunks)
    covered = [i for c in chunks for i in range(c.first_turn, c.last_turn + 1)]
    assert covered == list(range(12))
    assert all(c.text.startswith("USER: ") for c in chunks)
    offsets = [c.end_offset for c in chunks]
    assert offsets == sorted(offsets)


def test_huge_turn_splits_at_tool_calls_then_hard(tmp_path: Path) -> None:
    log = Log()
    log.prompt("Refactor everything")
    for i in range(30):
        log.call("Bash", {"command": f"make step{i}"}, f"t{i}")
        log.result(f"t{i}", f"step {i} ok " * 20)
    log.say("word " * 3000)
    log.prompt("next")
    chunks = _chunks(log, tmp_path, chunk_chars=1000)
    big = [c for c in chunks if c.first_turn == 0]
    assert len(big) > 5
    assert all(len(c.text) <= 1000 for c in chunks)
    assert all(c.partial for c in big)
    assert big[0].text.startswith("USER: Refactor everything")
    assert all(c.text.startswith("(turn 0 continued") for c in big[1:])
    tool_parts = [c for c in big[1:] if "TOOL" in c.text]
    assert all(c.text.splitlines()[1].startswith("TOOL Bash") for c in tool_parts)
    transcript_start = big[0].end
    assert all(c.end == transcript_start for c in big[:-1])
    assert big[-1].end.offset > transcript_start.offset
    assert all(c.assistant_words > 0 for c in big[-3:])


def test_long_tool_output_keeps_head_and_tail(tmp_path: Path) -> None:
    log = Log()
    log.prompt("run the tests")
    log.call("Bash", {"command": "pytest"}, "t1")
    output = "HEAD-LINE\n" + "x" * 10_000 + "\nTAIL-LINE"
    log.result("t1", output, is_error=True)
    (chunk,) = _chunks(log, tmp_path, tool_output_chars=300)
    assert "RESULT (error): HEAD-LINE" in chunk.text
    assert chunk.text.rstrip().endswith("TAIL-LINE")
    assert "chars cut" in chunk.text
    assert len(chunk.text) < 600
    assert chunk.errors == 1


def test_trim_bounds() -> None:
    assert trim("short", 10) == "short"
    trimmed = trim("a" * 50 + "b" * 50, 30)
    head, marker, tail = trimmed.split("\n")
    assert len(head) + len(tail) == 30
    assert marker == "[… 70 chars cut …]"
    assert head.startswith("a")
    assert tail.endswith("b")


def test_clean_sees_every_text_before_trimming(tmp_path: Path) -> None:
    log = Log()
    log.prompt("deploy with key SECRET-1")
    log.call("Bash", {"command": "deploy --token SECRET-2"}, "t1")
    log.result("t1", "y" * 5000 + " token=SECRET-3")
    log.call("Write", {"file_path": "/home/dev/repo/.env", "content": "K=SECRET-4"}, "t2")
    log.result("t2", "ok")
    log.say("Deployed using SECRET-5.")
    seen: list[str] = []

    def clean(text: str) -> str:
        seen.append(text)
        return text.replace("SECRET", "[redacted]")

    (chunk,) = _chunks(log, tmp_path, clean=clean, tool_output_chars=200)
    assert "SECRET" not in chunk.text
    assert chunk.text.count("[redacted]") == 5
    assert any(len(t) > 5000 for t in seen)  # the whole output, before trimming


def test_compaction_summary_renders_as_earlier_context(tmp_path: Path) -> None:
    log = Log()
    log.prompt(
        "This session is being continued from a previous conversation. We chose SQLite.",
        isCompactSummary=True,
    )
    (chunk,) = _chunks(log, tmp_path)
    assert chunk.text.startswith("EARLIER CONTEXT (compaction summary, already known):")
    assert chunk.compact_summary
    assert is_trivial(chunk)


def test_sidechain_turns_are_labelled(tmp_path: Path) -> None:
    log = Log()
    log.prompt("Explore the repo", isSidechain=True, agentId="a1b2c3d")
    log.say("The repo has two packages.", isSidechain=True, agentId="a1b2c3d")
    (chunk,) = _chunks(log, tmp_path)
    assert chunk.text.startswith("[subagent a1b2c3d] TASK: Explore the repo")
    assert chunk.agent_ids == ("a1b2c3d",)


def test_thinking_only_on_request(tmp_path: Path) -> None:
    log = Log()
    log.prompt("why is it slow?")
    log.think("Probably the N+1 query in the loader.")
    log.say("The loader issues one query per row.")
    assert "THINKING" not in _chunks(log, tmp_path)[0].text
    assert "THINKING: Probably the N+1" in _chunks(log, tmp_path, include_thinking=True)[0].text


@pytest.mark.parametrize(
    ("build", "trivial"),
    [
        (lambda log: (log.prompt("ok"), log.say("Done.")), True),
        (lambda log: (log.prompt("<command-name>/clear</command-name>"),), True),
        (
            lambda log: (
                log.prompt("look"),
                log.call("Read", {"file_path": "/home/dev/repo/a.py"}, "t1"),
                log.result("t1", "code"),
                log.call("Bash", {"command": "git status"}, "t2"),
                log.result("t2", "clean"),
            ),
            True,
        ),
        (
            lambda log: (
                log.prompt("fix"),
                log.call("Edit", {"file_path": "/home/dev/repo/a.py"}, "t1"),
                log.result("t1", "ok"),
            ),
            False,
        ),
        (
            lambda log: (
                log.prompt("go"),
                log.call("Bash", {"command": "rm -rf build && make"}, "t1"),
                log.result("t1", "ok"),
            ),
            False,
        ),
        (lambda log: (log.prompt("why do we pin numpy below 2 here?"),), False),
        (
            lambda log: (
                log.prompt("and?"),
                log.say("We pin it because the C extension is built against the 1.x ABI."),
            ),
            False,
        ),
    ],
)
def test_is_trivial(tmp_path: Path, build: object, trivial: bool) -> None:
    log = Log()
    build(log)  # type: ignore[operator]
    (chunk,) = _chunks(log, tmp_path)
    assert is_trivial(chunk) is trivial


def test_chunk_chars_must_leave_room(tmp_path: Path) -> None:
    transcript = read_transcript(simple_session(1).write(tmp_path / "t.jsonl"), final=True)
    with pytest.raises(ValueError, match="chunk_chars"):
        chunk_transcript(transcript, chunk_chars=50)


@pytest.mark.parametrize("name", ["mcp__memgit__search", "mcp__plugin_memgit_memgit__get"])
def test_memgit_own_mcp_results_are_not_read_again(tmp_path: Path, name: str) -> None:
    """What memgit's search/get/timeline returned is its memory: extracting it would record it
    again (found by driving the real CLI, whose model calls the MCP search)."""
    log = Log()
    log.prompt("How are harbor timestamps parsed in this repository?")
    msg = log.call(name, {"query": "harbor timestamps"}, "toolu_m1")
    log.result("toolu_m1", [{"type": "text", "text": "1 match: [m:abcd1234] decision · UTC"}])
    log.say("They are parsed as UTC.", msg)
    (chunk,) = _chunks(log, tmp_path)
    assert f"TOOL {name}: harbor timestamps" in chunk.text
    assert "[m:abcd1234]" not in chunk.text
    assert "ASSISTANT: They are parsed as UTC." in chunk.text


def test_later_chunks_of_a_long_turn_carry_its_prompt(tmp_path: Path) -> None:
    log = Log()
    prompt = "the nightly import is off by an hour since the DST change, " + "details " * 20
    log.prompt(prompt)
    for i in range(12):
        log.call("Bash", {"command": f"make step{i}"}, f"t{i}")
        log.result(f"t{i}", f"step {i} ok " * 20)
    chunks = _chunks(log, tmp_path, chunk_chars=2000)
    later = [c for c in chunks if c.first_turn == 0][1:]
    assert later
    asked = " ".join(prompt.split())
    assert all(f'asked: "{asked}' in c.text for c in later)  # all of it: under the 400 cap
    assert all(len(c.text) <= 2000 for c in chunks)
