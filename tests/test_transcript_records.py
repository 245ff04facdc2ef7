"""Malformed JSONL lines are repaired or counted, never fatal."""

from __future__ import annotations

import json
from pathlib import Path

from memgit.transcript import read_transcript
from memgit.transcript.records import LineCounts, split_records

from .transcript_factory import Log, simple_session


def _split(data: bytes, *, final: bool = False) -> tuple[list[dict[str, object]], int, LineCounts]:
    counts = LineCounts()
    records, consumed = split_records(data, 0, final=final, counts=counts)
    return [r.data for r in records], consumed, counts


def test_offsets_cover_each_line() -> None:
    data = b'{"a":1}\n{"b":2}\n'
    counts = LineCounts()
    records, consumed = split_records(data, 100, final=False, counts=counts)
    assert [(r.start, r.end) for r in records] == [(100, 108), (108, 116)]
    assert consumed == 116


def test_two_objects_on_one_line_are_both_recovered() -> None:
    records, consumed, counts = _split(b'{"a":1}{"type":"summary"}\n{"c":3}\n')
    assert records == [{"a": 1}, {"type": "summary"}, {"c": 3}]
    assert counts.joined_objects == 1
    assert counts.bad_json == 0
    assert consumed == 34


def test_joined_objects_then_garbage_keeps_what_parsed() -> None:
    records, _, counts = _split(b'{"a":1} {"b":2} oops\n')
    assert records == [{"a": 1}, {"b": 2}]
    assert counts.bad_json == 1
    assert counts.joined_objects == 1


def test_bad_json_blank_lines_and_non_objects_are_counted() -> None:
    data = b'not json at all\n\n   \n[1, 2]\n"text"\n42\n{"ok":true}\n'
    records, _, counts = _split(data)
    assert records == [{"ok": True}]
    assert counts.bad_json == 1
    assert counts.blank_lines == 2
    assert counts.not_object == 3
    assert counts.lines == 7


def test_non_utf8_bytes_are_replaced_not_fatal() -> None:
    records, _, counts = _split(b'{"text":"caf\xe9 \xff"}\n')
    assert records == [{"text": "caf\ufffd \ufffd"}]
    assert counts.bad_utf8 == 1


def test_unterminated_last_line_waits_unless_final() -> None:
    data = b'{"a":1}\n{"b":2'
    records, consumed, counts = _split(data)
    assert records == [{"a": 1}]
    assert consumed == 8
    assert counts.pending_bytes == 6
    records, consumed, counts = _split(data, final=True)
    assert records == [{"a": 1}]
    assert consumed == len(data)
    assert counts.truncated_tail == 1
    assert counts.bad_json == 0


def test_final_read_parses_a_complete_last_line_without_newline() -> None:
    records, consumed, counts = _split(b'{"a":1}\n{"b":2}', final=True)
    assert records == [{"a": 1}, {"b": 2}]
    assert consumed == 15
    assert counts.truncated_tail == 0


def test_huge_line_parses(tmp_path: Path) -> None:
    log = Log()
    log.prompt("Look at this screenshot and the log")
    log.say("Here is what I see in the log output.")
    log.prompt(
        [
            {"type": "image", "source": {"type": "base64", "data": "QUJD" * 800_000}},
            {"type": "text", "text": "and this one"},
        ]
    )
    path = log.write(tmp_path / "big.jsonl")
    assert path.stat().st_size > 3_000_000
    transcript = read_transcript(path, final=True)
    assert [t.prompt for t in transcript.turns] == [
        "Look at this screenshot and the log",
        "[image]\nand this one",
    ]
    assert transcript.turns[1].images == 1
    assert "QUJD" not in repr(transcript.turns)


def test_every_malformed_case_in_one_file_is_survived(tmp_path: Path) -> None:
    log = simple_session(2)
    good = log.text().encode("utf-8").splitlines(keepends=True)
    joined = good[0].rstrip(b"\n") + json.dumps({"type": "summary", "summary": "s"}).encode()
    data = b"".join(
        [
            joined + b"\n",
            b"\n",
            b"{broken json\n",
            b'"just a string"\n',
            b'{"type":"user","message":{"role":"user","content":"caf\xe9 latte"}}\n',
            b'{"type":"brand-new-record","payload":{"x":1}}\n',
            *good[1:],
            b'{"type":"assistant","message":{"id":"m',
        ]
    )
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(data)
    transcript = read_transcript(path, final=True)
    stats = transcript.stats
    assert stats.joined_objects == 1
    assert stats.blank_lines == 1
    assert stats.bad_json == 1
    assert stats.not_object == 1
    assert stats.bad_utf8 == 1
    assert stats.truncated_tail == 1
    assert stats.unknown_records == 1
    assert stats.unknown_types == ("brand-new-record",)
    prompts = [t.prompt for t in transcript.turns]
    assert prompts[0].startswith("Please fix bug number 0")
    assert prompts[1] == "caf\ufffd latte"
    assert prompts[2].startswith("Please fix bug number 1")
    assert transcript.end.offset == len(data)


def test_empty_and_summary_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    transcript = read_transcript(empty)
    assert transcript.turns == ()
    assert transcript.end.offset == 0
    summary = tmp_path / "summary.jsonl"
    summary.write_text('{"type":"summary","summary":"Title","leafUuid":"x"}\n', encoding="utf-8")
    transcript = read_transcript(summary)
    assert transcript.turns == ()
    assert transcript.stats.ignored_records == 1
    assert transcript.end.offset == summary.stat().st_size
