"""Records to turns: the conversation semantics of Claude Code's JSONL, for every known layout.

One ``TurnBuilder`` consumes the records of one read in file order. It merges the several
``assistant`` records of one response, pairs tool results with their calls, tells real prompts
from tool results, meta records, slash commands, interrupts and compaction summaries, threads
subagent (sidechain) records by agent id, and drops memgit's own injected context and hook output.

Threads: the main conversation, and one per subagent. A prompt closes the open turn of its
thread; a main-thread prompt (or compaction summary) closes every open turn, since subagents
report back before the human speaks again. Open turns are closed by ``finish(final=True)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from memgit.transcript.files import tool_files
from memgit.transcript.model import Message, MessageRole, TurnKind
from memgit.transcript.records import RawRecord
from memgit.transcript.text import (
    CONTEXT_TAG,
    blocks_text,
    classify_user_text,
    is_compact_text,
    strip_injected,
)

MAIN = ""
"""Thread key of the main conversation."""

IGNORED_TYPES = frozenset(
    {
        "summary",
        "file-history-snapshot",
        "queue-operation",
        "progress",
        "permission-mode",
        "last-prompt",
        "pr-link",
        "ai-title",
        "custom-title",
        "agent-setting",
        "agent-name",
        "tag",
    }
)


@dataclass
class ToolDraft:
    id: str
    name: str
    input: dict[str, Any]
    files: tuple[str, ...]
    owner: TurnDraft
    result_text: str | None = None
    is_error: bool = False
    agent_id: str | None = None


@dataclass
class TurnDraft:
    kind: TurnKind
    prompt: str
    thread: str
    start: int
    end: int
    timestamp: str | None
    session_id: str | None
    cwd: str | None
    branch: str | None
    is_sidechain: bool
    compact_summary: str | None = None
    images: int = 0
    end_timestamp: str | None = None
    interrupted: bool = False
    closed: bool = False
    steps: list[Message | ToolDraft] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def touch(self, record: RawRecord) -> None:
        self.end = max(self.end, record.end)
        stamp = record.data.get("timestamp")
        if isinstance(stamp, str):
            self.end_timestamp = stamp


@dataclass
class BuilderCounts:
    duplicates: int = 0
    ignored_records: int = 0
    unknown_records: int = 0
    unknown_types: set[str] = field(default_factory=set)
    meta_records: int = 0
    injected_context: int = 0
    compactions: int = 0
    images: int = 0
    orphan_results: int = 0


class TurnBuilder:
    """Feed records in file order, then ``finish``; the drafts keep their byte spans."""

    def __init__(self, root: str | None = None) -> None:
        self.root = root
        """Where file paths are made relative: the session's first cwd unless given."""
        self.turns: list[TurnDraft] = []
        self.counts = BuilderCounts()
        self.session_id: str | None = None
        self.cwd: str | None = None
        self.first_cwd: str | None = None
        self.branch: str | None = None
        self.version: str | None = None
        self.agent_ids: set[str] = set()
        self.main_records = 0
        self._open: dict[str, TurnDraft] = {}
        self._tools: dict[str, ToolDraft] = {}
        self._chains: dict[str, str] = {}
        self._seen_uuids: set[str] = set()
        self._compact_pending = False

    def feed(self, record: RawRecord) -> None:
        data = record.data
        uuid = data.get("uuid")
        if isinstance(uuid, str):
            if uuid in self._seen_uuids:
                self.counts.duplicates += 1
                return
            self._seen_uuids.add(uuid)
        kind = data.get("type")
        if kind == "user":
            self._envelope(data)
            self._user(record)
        elif kind == "assistant":
            self._envelope(data)
            self._assistant(record)
        elif kind == "system":
            self._envelope(data)
            self._system(record)
        elif kind == "attachment":
            self._attachment(record)
        elif kind in IGNORED_TYPES:
            self.counts.ignored_records += 1
        else:
            self.counts.unknown_records += 1
            self.counts.unknown_types.add(str(kind)[:40])

    def finish(self, *, final: bool) -> list[TurnDraft]:
        if final:
            for turn in self._open.values():
                turn.closed = True
            self._open.clear()
        return self.turns

    # -- envelope and threads ------------------------------------------------------------------

    def _envelope(self, data: dict[str, Any]) -> None:
        session = data.get("sessionId")
        if isinstance(session, str) and session:
            self.session_id = session
        cwd = data.get("cwd")
        if isinstance(cwd, str) and cwd:
            self.cwd = cwd
            if self.first_cwd is None:
                self.first_cwd = cwd
            if self.root is None:
                self.root = cwd
        branch = data.get("gitBranch")
        if isinstance(branch, str):
            self.branch = branch if branch and branch != "HEAD" else None
        version = data.get("version")
        if isinstance(version, str) and version:
            self.version = version

    def _thread(self, data: dict[str, Any]) -> str:
        if data.get("isSidechain") is not True:
            self.main_records += 1
            return MAIN
        agent = data.get("agentId")
        if isinstance(agent, str) and agent:
            self.agent_ids.add(agent)
            return agent
        uuid = data.get("uuid")
        parent = data.get("parentUuid")
        key = self._chains.get(parent) if isinstance(parent, str) else None
        if key is None:
            root = parent if isinstance(parent, str) else uuid if isinstance(uuid, str) else "?"
            key = "sidechain-" + root[:8]
        if isinstance(uuid, str):
            self._chains[uuid] = key
        return key

    def _start(self, record: RawRecord, thread: str, kind: TurnKind, prompt: str) -> TurnDraft:
        """Open a turn; unless it is a continuation, it ends its thread's open turn (all of
        them for the main thread)."""
        if kind == "continuation":
            closing = []
        elif thread == MAIN:
            closing = list(self._open)
        else:
            closing = [thread]
        for key in closing:
            turn = self._open.pop(key, None)
            if turn is not None:
                turn.closed = True
        data = record.data
        stamp = data.get("timestamp")
        turn = TurnDraft(
            kind=kind,
            prompt=prompt,
            thread=thread,
            start=record.start,
            end=record.end,
            timestamp=stamp if isinstance(stamp, str) else None,
            session_id=self.session_id,
            cwd=self.cwd,
            branch=self.branch,
            is_sidechain=thread != MAIN,
        )
        turn.end_timestamp = turn.timestamp
        self._open[thread] = turn
        self.turns.append(turn)
        return turn

    def _current(self, record: RawRecord, thread: str) -> TurnDraft:
        turn = self._open.get(thread)
        if turn is None:
            turn = self._start(record, thread, "continuation", "")
        turn.touch(record)
        return turn

    # -- record kinds --------------------------------------------------------------------------

    def _user(self, record: RawRecord) -> None:
        data = record.data
        thread = self._thread(data)
        message = data.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if data.get("isCompactSummary") is True:
            text, _ = blocks_text(content)
            self._compact(record, thread, text)
            return
        if data.get("isMeta") is True:
            self.counts.meta_records += 1
            return
        if isinstance(content, str):
            self._user_text(record, thread, content, 0, inside_turn=False)
            return
        if not isinstance(content, list):
            return
        results = [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
        others = [
            b for b in content if not (isinstance(b, dict) and b.get("type") == "tool_result")
        ]
        structured = data.get("toolUseResult") if len(results) == 1 else None
        for block in results:
            self._result(record, block, structured)
        text, images = blocks_text(others)
        self.counts.images += images
        if text or images:
            self._user_text(record, thread, text, images, inside_turn=bool(results))

    def _user_text(
        self, record: RawRecord, thread: str, raw: str, images: int, *, inside_turn: bool
    ) -> None:
        text = self._clean(raw)
        if not text:
            return
        wrapped = classify_user_text(text)
        if (
            wrapped.kind == "plain"
            and not inside_turn
            and ((self._compact_pending and thread == MAIN) or is_compact_text(text))
        ):
            self._compact(record, thread, text)
        elif wrapped.kind == "command" and not inside_turn:
            self._start(record, thread, "command", wrapped.text)
        elif wrapped.kind == "output":
            self._note(record, thread, "output", wrapped.text)
        elif wrapped.kind == "notice":
            self._note(record, thread, "notice", wrapped.text)
        elif wrapped.kind == "interrupt":
            turn = self._open.get(thread)
            if turn is not None:
                turn.interrupted = True
                turn.touch(record)
        elif inside_turn:
            self._note(record, thread, "user", wrapped.text)
        else:
            turn = self._start(record, thread, "prompt", wrapped.text)
            turn.images += images

    def _note(self, record: RawRecord, thread: str, role: MessageRole, text: str) -> None:
        if text:
            self._current(record, thread).steps.append(Message(role, text))

    def _compact(self, record: RawRecord, thread: str, raw: str) -> None:
        self._compact_pending = False
        turn = self._start(record, thread, "compact_summary", "")
        turn.compact_summary = self._clean(raw)

    def _assistant(self, record: RawRecord) -> None:
        data = record.data
        thread = self._thread(data)
        message = data.get("message")
        if not isinstance(message, dict) or data.get("isApiErrorMessage") is True:
            self.counts.ignored_records += 1
            return
        if message.get("model") == "<synthetic>":
            self.counts.ignored_records += 1
            return
        content = message.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        if not isinstance(content, list):
            return
        response = message.get("id")
        response_key = response if isinstance(response, str) else str(data.get("uuid"))
        turn = self._current(record, thread)
        for block in content:
            if not isinstance(block, dict):
                continue
            kind = block.get("type")
            if kind == "text" and isinstance(block.get("text"), str):
                text = self._clean(block["text"])
                if text and (response_key, text) not in turn.seen:
                    turn.seen.add((response_key, text))
                    turn.steps.append(Message("assistant", text))
            elif kind == "thinking" and isinstance(block.get("thinking"), str):
                text = block["thinking"].strip()
                if text and (response_key, text) not in turn.seen:
                    turn.seen.add((response_key, text))
                    turn.steps.append(Message("thinking", text))
            elif kind == "tool_use":
                self._tool_use(turn, block)

    def _tool_use(self, turn: TurnDraft, block: dict[str, Any]) -> None:
        ident = block.get("id")
        if not isinstance(ident, str) or ident in self._tools:
            return
        name = block.get("name")
        name = name if isinstance(name, str) and name else "?"
        raw_input = block.get("input")
        tool_input = raw_input if isinstance(raw_input, dict) else {}
        draft = ToolDraft(ident, name, tool_input, tool_files(name, tool_input, self.root), turn)
        self._tools[ident] = draft
        turn.steps.append(draft)

    def _result(self, record: RawRecord, block: dict[str, Any], structured: Any) -> None:
        ident = block.get("tool_use_id")
        draft = self._tools.get(ident) if isinstance(ident, str) else None
        if draft is None:
            self.counts.orphan_results += 1
            return
        text, images = blocks_text(block.get("content"))
        self.counts.images += images
        draft.result_text = self._clean(text)
        draft.is_error = block.get("is_error") is True
        if isinstance(structured, dict) and isinstance(structured.get("agentId"), str):
            draft.agent_id = structured["agentId"]
        draft.owner.touch(record)

    def _system(self, record: RawRecord) -> None:
        data = record.data
        subtype = data.get("subtype")
        content = data.get("content")
        if subtype == "compact_boundary":
            self.counts.compactions += 1
            self._compact_pending = data.get("isSidechain") is not True
        elif subtype == "local_command" and isinstance(content, str):
            thread = self._thread(data)
            text = self._clean(content)
            wrapped = classify_user_text(text)
            if wrapped.kind == "command":
                self._start(record, thread, "command", wrapped.text)
            elif wrapped.kind == "output" and thread in self._open:
                self._note(record, thread, "output", wrapped.text)
        else:
            if isinstance(content, str) and CONTEXT_TAG in content:
                self.counts.injected_context += 1
            self.counts.ignored_records += 1

    def _attachment(self, record: RawRecord) -> None:
        attachment = record.data.get("attachment")
        kind = attachment.get("type") if isinstance(attachment, dict) else None
        if isinstance(kind, str) and kind.startswith("hook"):
            self.counts.injected_context += 1
            return
        if kind == "queued_command" and isinstance(attachment, dict):
            prompt = attachment.get("prompt")
            if isinstance(prompt, str):
                thread = self._thread(record.data)
                if thread in self._open:
                    self._note(record, thread, "user", self._clean(prompt))
                    return
        self.counts.ignored_records += 1

    def _clean(self, text: str) -> str:
        cleaned, removed = strip_injected(text)
        self.counts.injected_context += removed
        return cleaned
