"""Incremental reads: cursors, growing files, partial lines, rewrites, explicit commits."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from memgit.transcript import (
    Cursor,
    Turn,
    advance,
    chunk_transcript,
    cursor_file,
    load_cursor,
    read_transcript,
    save_cursor,
)

from .transcript_factory import TRANSCRIPTS, Log, simple_session


def _comparable(turns: list[Turn] | tuple[Turn, ...]) -> list[Turn]:
    """Turns without their commit positions, which depend on where a read stopped."""
    return [
        dataclasses.replace(t, end=dataclasses.replace(t.end, offset=0, window="")) for t in turns
    ]


def _grow_and_read(path: Path, data: bytes, cuts: list[int]) -> tuple[list[Turn], Cursor]:
    """Append ``data`` in slices ending at ``cuts``, reading and committing after each append."""
    path.write_bytes(b"")
    cursor = Cursor(path=str(path))
    seen: list[Turn] = []
    written = 0
    for cut in [*cuts, len(data)]:
        with path.open("ab") as handle:
            handle.write(data[written:cut])
        written = cut
        transcript = read_transcript(path, cursor, final=False)
        assert transcript.reset is None
        cursor = transcript.cursor
        for turn in transcript.turns:
            seen.append(turn)
            cursor = advance(cursor, turn.end)
        cursor = advance(cursor, transcript.end)
    transcript = read_transcript(path, cursor, final=True)
    seen.extend(transcript.turns)
    return seen, advance(transcript.cursor, transcript.end)


def _fixture_bytes(name: str) -> bytes:
    path = TRANSCRIPTS / name
    if not path.exists():
        pytest.skip(f"shared fixtures not found at {TRANSCRIPTS} (../shared beside the project)")
    return path.read_bytes()


@pytest.mark.parametrize(
    "name",
    [
        "constructed__tidepool.jsonl",
        "d-kimuson__claude-code-viewer__fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl",
        "daaain__claude-code-log__7acd37a8-2745-4b58-a8a9-46164b22ad9e.jsonl",
        "daaain__claude-code-log__ef958aa1-0e93-49f0-bb71-150f63befcd1.jsonl",
    ],
)
def test_growing_fixture_read_in_steps_equals_one_read(tmp_path: Path, name: str) -> None:
    data = _fixture_bytes(name)
    whole = read_transcript(TRANSCRIPTS / name, final=True)
    # cuts in the middle of lines as well as on line boundaries
    cuts = sorted({len(data) * k // 7 for k in range(1, 7)} | {data.find(b"\n", 5000) + 1})
    seen, cursor = _grow_and_read(tmp_path / "grow.jsonl", data, cuts)
    assert _comparable(seen) == _comparable(whole.turns)
    assert cursor.offset == len(data)
    assert cursor.next_turn == len(whole.turns)


def test_grown_line_by_line_equals_one_read(tmp_path: Path) -> None:
    log = simple_session(4)
    log.prompt("<command-name>/clear</command-name>")
    data = log.text().encode()
    whole = read_transcript(log.write(tmp_path / "whole.jsonl"), final=True)
    boundaries = [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]
    halves = [b - 7 for b in boundaries]
    seen, _ = _grow_and_read(tmp_path / "grow.jsonl", data, sorted(boundaries[:-1] + halves))
    assert _comparable(seen) == _comparable(whole.turns)
    assert [t.index for t in seen] == list(range(5))


def test_only_complete_turns_are_returned(tmp_path: Path) -> None:
    log = Log()
    log.prompt("First task: rename the module")
    log.call("Bash", {"command": "git mv a.py b.py"}, "t1")
    path = log.write(tmp_path / "t.jsonl")
    transcript = read_transcript(path)
    assert transcript.turns == ()
    assert transcript.end.offset == 0  # nothing may be committed past an open turn
    log.result("t1", "")
    log.say("Renamed.")
    log.prompt("Second task")
    log.write(path)
    transcript = read_transcript(path)
    (first,) = transcript.turns
    assert first.prompt == "First task: rename the module"
    assert first.tool_calls[0].result_text == ""
    second_start = log.text().encode().rfind(b'{"parentUuid"')
    assert first.end.offset == transcript.end.offset == second_start
    final = read_transcript(path, advance(transcript.cursor, transcript.end), final=True)
    assert [t.prompt for t in final.turns] == ["Second task"]
    assert final.turns[0].index == 1


def test_partial_last_line_is_left_until_final(tmp_path: Path) -> None:
    log = simple_session(2)
    path = tmp_path / "t.jsonl"
    full = log.text().encode()
    last = json.dumps({"type": "assistant", "message": {"id": "m9", "content": "done"}}).encode()
    path.write_bytes(full + last[:20])
    transcript = read_transcript(path)
    assert transcript.stats.pending_bytes == 20
    assert transcript.stats.truncated_tail == 0
    assert len(transcript.turns) == 1
    final = read_transcript(path, final=True)
    assert final.stats.truncated_tail == 1
    assert final.end.offset == len(full) + 20
    path.write_bytes(full + last)
    final = read_transcript(path, final=True)
    assert final.stats.truncated_tail == 0
    assert final.turns[-1].assistant_texts[-1] == "done"


def _committed(path: Path) -> Cursor:
    transcript = read_transcript(path)
    assert transcript.turns
    return advance(transcript.cursor, transcript.end)


def test_truncated_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = simple_session(3).write(tmp_path / "t.jsonl")
    cursor = _committed(path)
    simple_session(1).write(path)  # shorter than the offset
    transcript = read_transcript(path, cursor, final=True)
    assert transcript.reset == "truncated"
    assert transcript.cursor.offset == 0
    assert [t.index for t in transcript.turns] == [0]


def test_rewritten_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = simple_session(3).write(tmp_path / "t.jsonl")
    cursor = _committed(path)
    with path.open("r+b") as handle:  # same inode, same size, other bytes before the offset
        handle.seek(cursor.offset - 30)
        handle.write(b"X")
    transcript = read_transcript(path, cursor, final=True)
    assert transcript.reset == "rewritten"
    assert len(transcript.turns) == 3


def test_replaced_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = simple_session(3).write(tmp_path / "t.jsonl")
    cursor = _committed(path)
    other = tmp_path / "other.jsonl"
    other.write_bytes(path.read_bytes())
    os.replace(other, path)
    transcript = read_transcript(path, cursor)
    assert transcript.reset == "replaced"


def test_unchanged_file_resumes_where_committed(tmp_path: Path) -> None:
    path = simple_session(3).write(tmp_path / "t.jsonl")
    cursor = _committed(path)
    again = read_transcript(path, cursor)
    assert again.reset is None
    assert again.turns == ()  # the last turn is still open: it is read again, not returned
    assert again.stats.bytes_read == path.stat().st_size - cursor.offset
    assert again.end == cursor.position


def test_commit_per_chunk_never_loses_a_turn(tmp_path: Path) -> None:
    path = simple_session(6).write(tmp_path / "t.jsonl")
    whole = read_transcript(path, final=True)
    first = read_transcript(path, final=True)
    chunks = chunk_transcript(first, chunk_chars=600)
    assert len(chunks) > 3
    cursor = first.cursor
    for chunk in chunks[:2]:  # processing stops after two chunks (a crash, a budget)
        cursor = advance(cursor, chunk.end)
    rest = read_transcript(path, cursor, final=True)
    done = {i for c in chunks[:2] for i in range(c.first_turn, c.last_turn + 1)}
    assert {t.index for t in rest.turns} | done == {t.index for t in whole.turns}
    assert rest.turns[0].index == cursor.next_turn


def test_cursor_round_trips_through_the_state_folder(tmp_path: Path) -> None:
    state = tmp_path / "state"
    path = simple_session(2).write(tmp_path / "t.jsonl")
    assert load_cursor(state, path) == Cursor(path=str(path.absolute()))
    cursor = _committed(path)
    written = save_cursor(state, cursor)
    assert written == cursor_file(state, path)
    assert written.parent == state / "cursors"
    assert load_cursor(state, path) == cursor
    assert read_transcript(path, load_cursor(state, path)).reset is None


def test_cursor_files_differ_for_same_named_transcripts(tmp_path: Path) -> None:
    state = tmp_path / "state"
    a = tmp_path / "a" / "agent-1.jsonl"
    b = tmp_path / "b" / "agent-1.jsonl"
    assert cursor_file(state, a) != cursor_file(state, b)
    assert cursor_file(state, a).name.startswith("agent-1-")


@pytest.mark.parametrize("content", ["{not json", "[]", '{"format": 1, "offset": "x"}', ""])
def test_unreadable_cursor_starts_over(tmp_path: Path, content: str) -> None:
    state = tmp_path / "state"
    path = tmp_path / "t.jsonl"
    target = cursor_file(state, path)
    target.parent.mkdir(parents=True)
    target.write_text(content, encoding="utf-8")
    assert load_cursor(state, path).offset == 0


def test_advance_never_moves_back(tmp_path: Path) -> None:
    path = simple_session(2).write(tmp_path / "t.jsonl")
    transcript = read_transcript(path, final=True)
    cursor = advance(transcript.cursor, transcript.end)
    with pytest.raises(ValueError, match="back"):
        advance(cursor, transcript.turns[0].end)
    assert advance(cursor, transcript.end) == cursor
