"""The conversation as values: what a transcript read produces, independent of the JSONL layout.

A ``Transcript`` is the result of one read of one file (from a cursor's offset to a safe end). Its
``turns`` start with a human prompt (or a slash command, or a compaction summary) and hold, in
order, what the assistant said and did until the next prompt. ``Position`` values mark where a
caller may commit a cursor once everything before them has been processed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

TurnKind = Literal["prompt", "command", "compact_summary", "continuation"]
"""``prompt``: typed by the human; ``command``: a slash command or ``!`` shell command;
``compact_summary``: the summary Claude Code writes after compaction (earlier context, not new
facts); ``continuation``: activity whose opening prompt was not in this read."""

MessageRole = Literal["assistant", "thinking", "user", "output", "notice"]
"""``user``: text the human added inside a turn (queued or beside tool results); ``output``: local
command or ``!`` shell output; ``notice``: harness notifications (background tasks)."""

EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})
FILE_TOOLS = EDIT_TOOLS | {"Read", "NotebookRead"}


@dataclass(frozen=True)
class Position:
    """A byte offset in a transcript where a cursor may stop, with what identifies it.

    ``window`` is a digest of the bytes just before ``offset``: if they change, the file was
    rewritten. ``next_turn`` is the index the next turn after ``offset`` gets, so turn numbers
    stay stable across incremental reads.
    """

    offset: int
    window: str
    next_turn: int


@dataclass(frozen=True)
class Cursor:
    """How far a transcript was consumed, and which file that was (device, inode).

    Only ``advance`` moves it, to a ``Position`` taken from a read's turns or chunks.
    """

    path: str
    offset: int = 0
    window: str = ""
    next_turn: int = 0
    device: int = 0
    inode: int = 0

    @property
    def position(self) -> Position:
        return Position(self.offset, self.window, self.next_turn)


@dataclass(frozen=True)
class ReadStats:
    """What one read saw, including everything it skipped or repaired. Nothing here is fatal."""

    bytes_read: int = 0
    lines: int = 0
    records: int = 0
    blank_lines: int = 0
    bad_json: int = 0
    """Lines (or the rest of a line) that are not JSON."""
    bad_utf8: int = 0
    """Lines with bytes that are not UTF-8 (decoded with replacement characters)."""
    not_object: int = 0
    """JSON values that are not objects (arrays, strings, numbers)."""
    joined_objects: int = 0
    """Extra objects recovered from lines holding more than one JSON object."""
    truncated_tail: int = 0
    """A last line without newline that did not parse (``final`` reads only)."""
    pending_bytes: int = 0
    """Bytes of an unterminated last line left for a later read (incremental reads only)."""
    duplicates: int = 0
    ignored_records: int = 0
    """Known record types that are not conversation (snapshots, progress, queue operations…)."""
    unknown_records: int = 0
    unknown_types: tuple[str, ...] = ()
    meta_records: int = 0
    injected_context: int = 0
    """``<memgit-context>`` regions and hook-output records dropped."""
    compactions: int = 0
    images: int = 0
    orphan_results: int = 0
    """Tool results whose tool call was not in this read."""
    unanswered_calls: int = 0
    """Tool calls without a result in the turns returned."""


@dataclass(frozen=True)
class Message:
    """A piece of text inside a turn, in conversation order."""

    role: MessageRole
    text: str


@dataclass(frozen=True)
class ToolCall:
    """One tool use and its result. ``files`` are repository-relative when under the cwd."""

    id: str
    name: str
    input: dict[str, Any] = field(hash=False, compare=True)
    result_text: str | None = None
    """What the model saw; ``None`` when no result was recorded."""
    is_error: bool = False
    files: tuple[str, ...] = ()
    agent_id: str | None = None
    """For subagent tools (Task/Agent): the subagent whose transcript holds the details."""

    @property
    def edits(self) -> bool:
        return self.name in EDIT_TOOLS


Step = Message | ToolCall


@dataclass(frozen=True)
class Turn:
    """A prompt and everything that answered it, up to the next prompt of the same thread."""

    index: int
    kind: TurnKind
    prompt: str
    """The human's text; for commands ``/name args`` or ``!command``; empty for summaries."""
    steps: tuple[Step, ...]
    timestamp: str | None
    end_timestamp: str | None
    start_offset: int
    end: Position
    """Where a cursor may be committed once this turn and all turns before it are processed."""
    session_id: str | None = None
    cwd: str | None = None
    branch: str | None = None
    is_sidechain: bool = False
    agent_id: str | None = None
    """Subagent id (``agentId``), or ``sidechain-<uuid8>`` for old inline sidechains."""
    compact_summary: str | None = None
    interrupted: bool = False
    images: int = 0

    @property
    def end_offset(self) -> int:
        return self.end.offset

    @property
    def is_compact_summary(self) -> bool:
        return self.kind == "compact_summary"

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(s for s in self.steps if isinstance(s, ToolCall))

    @property
    def assistant_texts(self) -> tuple[str, ...]:
        return tuple(s.text for s in self.steps if isinstance(s, Message) and s.role == "assistant")

    @property
    def files(self) -> tuple[str, ...]:
        return _unique(f for call in self.tool_calls for f in call.files)

    @property
    def files_edited(self) -> tuple[str, ...]:
        return _unique(f for call in self.tool_calls if call.edits for f in call.files)


@dataclass(frozen=True)
class Transcript:
    """One read of one transcript file: the complete turns found, and where to resume."""

    path: str
    session_id: str | None
    cwd: str | None
    branch: str | None
    version: str | None
    turns: tuple[Turn, ...]
    stats: ReadStats
    cursor: Cursor
    """The file's identity and where this read started (0 after a reset): ``advance`` it."""
    end: Position
    """Where a cursor may be committed once every turn has been processed."""
    reset: str | None = None
    """Why the read restarted from the beginning: ``truncated``, ``rewritten`` or ``replaced``."""
    agent_id: str | None = None
    """Set when every conversation record belongs to one subagent (an ``agent-*.jsonl`` file)."""

    @property
    def start(self) -> Position:
        return self.cursor.position


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
