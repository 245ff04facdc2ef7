"""One read of one transcript: from a cursor to the last point where every turn is complete.

Incremental reads (the default) return only complete turns (a turn is complete once the next
prompt of its thread, or of the main thread, has started) and stop before an unterminated last
line. ``final=True`` (a finished file) closes every open turn and parses the last line too.

Every returned turn carries ``end``: the position a cursor may be committed to once that turn
and all turns before it have been processed. Turns of subagents interleave with the main
thread, so a turn whose span overlaps a later turn's does not move the cursor by itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from memgit.errors import MemgitError
from memgit.transcript.cursor import WINDOW, check_cursor, window_digest
from memgit.transcript.model import Cursor, Position, ReadStats, ToolCall, Transcript, Turn
from memgit.transcript.records import LineCounts, split_records
from memgit.transcript.turns import MAIN, ToolDraft, TurnBuilder, TurnDraft


class TranscriptUnreadable(MemgitError):
    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot read transcript {path}: {reason}")


def read_transcript(
    path: Path | str,
    cursor: Cursor | None = None,
    *,
    final: bool = False,
    root: str | None = None,
) -> Transcript:
    """Read ``path`` from ``cursor`` (the start when ``None``); see the module docstring.

    File paths in tool calls are made relative to ``root`` (default: the directory the session
    started in, the first ``cwd`` of the file).
    """
    path = Path(path)
    first_cwd = None
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            start_cursor, reset = check_cursor(cursor, path, stat, handle)
            if start_cursor.offset > 0:
                first_cwd = _first_cwd(handle)
            base = max(0, start_cursor.offset - WINDOW)
            handle.seek(base)
            data = handle.read()
    except OSError as exc:
        raise TranscriptUnreadable(str(path), exc.strerror or str(exc)) from None

    counts = LineCounts()
    begin = start_cursor.offset
    records, consumed = split_records(data, base, start=begin - base, final=final, counts=counts)
    builder = TurnBuilder(root or first_cwd)
    for record in records:
        builder.feed(record)
    drafts = builder.finish(final=final)
    cut = _safe_cut(drafts, consumed)
    done = [d for d in drafts if d.start < cut]

    def position(offset: int, next_turn: int) -> Position:
        return Position(
            offset, window_digest(data[max(0, offset - base - WINDOW) : offset - base]), next_turn
        )

    first = start_cursor.next_turn
    turns: list[Turn] = []
    previous = start_cursor.position
    reach = begin
    for i, draft in enumerate(done):
        reach = max(reach, draft.end)
        following = done[i + 1].start if i + 1 < len(done) else cut
        end = position(following, first + i + 1) if reach <= following else previous
        turns.append(_freeze(draft, first + i, end))
        previous = end

    c = builder.counts
    stats = ReadStats(
        bytes_read=consumed - begin,
        lines=counts.lines,
        records=counts.records,
        blank_lines=counts.blank_lines,
        bad_json=counts.bad_json,
        bad_utf8=counts.bad_utf8,
        not_object=counts.not_object,
        joined_objects=counts.joined_objects,
        truncated_tail=counts.truncated_tail,
        pending_bytes=counts.pending_bytes,
        duplicates=c.duplicates,
        ignored_records=c.ignored_records,
        unknown_records=c.unknown_records,
        unknown_types=tuple(sorted(c.unknown_types)),
        meta_records=c.meta_records,
        injected_context=c.injected_context,
        compactions=c.compactions,
        images=c.images,
        orphan_results=c.orphan_results,
        unanswered_calls=sum(1 for t in turns for call in t.tool_calls if call.result_text is None),
    )
    session = builder.session_id
    if session is None and not path.stem.startswith("agent-"):
        session = path.stem
    only_agent = builder.agent_ids.pop() if len(builder.agent_ids) == 1 else None
    return Transcript(
        path=str(path),
        session_id=session,
        cwd=first_cwd or builder.first_cwd,
        branch=builder.branch,
        version=builder.version,
        turns=tuple(turns),
        stats=stats,
        cursor=start_cursor,
        end=position(cut, first + len(turns)),
        reset=reset,
        agent_id=only_agent if builder.main_records == 0 else None,
    )


def _first_cwd(handle: BinaryIO, limit: int = 1 << 16) -> str | None:
    """The first ``cwd`` among the complete lines of the file's head, if any."""
    handle.seek(0)
    head = handle.read(limit)
    records, _ = split_records(head, 0, final=False, counts=LineCounts())
    for record in records:
        cwd = record.data.get("cwd")
        if isinstance(cwd, str) and cwd:
            return cwd
    return None


def _safe_cut(drafts: list[TurnDraft], consumed: int) -> int:
    """The furthest offset before which every turn is complete and none straddles it."""
    cut = min((d.start for d in drafts if not d.closed), default=consumed)
    while True:
        straddling = [d.start for d in drafts if d.start < cut < d.end]
        if not straddling:
            return cut
        cut = min(straddling)


def _freeze(draft: TurnDraft, index: int, end: Position) -> Turn:
    steps = tuple(_freeze_tool(s) if isinstance(s, ToolDraft) else s for s in draft.steps)
    return Turn(
        index=index,
        kind=draft.kind,
        prompt=draft.prompt,
        steps=steps,
        timestamp=draft.timestamp,
        end_timestamp=draft.end_timestamp,
        start_offset=draft.start,
        end=end,
        session_id=draft.session_id,
        cwd=draft.cwd,
        branch=draft.branch,
        is_sidechain=draft.is_sidechain,
        agent_id=draft.thread if draft.thread != MAIN else None,
        compact_summary=draft.compact_summary,
        interrupted=draft.interrupted,
        images=draft.images,
    )


def _freeze_tool(draft: ToolDraft) -> ToolCall:
    return ToolCall(
        id=draft.id,
        name=draft.name,
        input=draft.input,
        result_text=draft.result_text,
        is_error=draft.is_error,
        files=draft.files,
        agent_id=draft.agent_id,
    )
