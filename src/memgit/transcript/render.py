"""Turns to the compact text an extractor reads: ``USER: …``, ``TOOL Edit src/x.py: …``.

Each turn renders as a list of pieces (its opening, then one per step) so the chunker can split a
huge turn between tool calls. Long tool inputs and outputs keep their head and tail. Every text
from the transcript passes through ``clean`` (the caller's redactor) before it is trimmed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from memgit.transcript.model import EDIT_TOOLS, Step, ToolCall, Turn
from memgit.transcript.text import trim

Clean = Callable[[str], str]
PieceRole = Literal["user", "assistant", "tool", "context"]

READ_TOOLS = frozenset(
    {
        "Read",
        "NotebookRead",
        "Glob",
        "Grep",
        "LS",
        "TodoRead",
        "TaskList",
        "TaskGet",
        "TaskOutput",
        "BashOutput",
        "ToolSearch",
        "WebFetch",
        "WebSearch",
        "ListMcpResourcesTool",
        "ReadMcpResourceTool",
    }
)
_READ_COMMANDS = frozenset(
    [
        "ls",
        "cat",
        "head",
        "tail",
        "pwd",
        "find",
        "grep",
        "rg",
        "wc",
        "echo",
        "which",
        "tree",
        "file",
        "stat",
        "less",
        "more",
        "du",
        "df",
    ]
)
#: memgit's own MCP read tools (``mcp__memgit__search``, or ``mcp__plugin_memgit_memgit__get``
#: on the plugin route): their results are memgit's memory, never new knowledge.
_OWN_RESULTS = re.compile(r"mcp__(?:plugin_memgit_)?memgit__(?:search|get|timeline)")
_READ_GIT = frozenset({"status", "log", "diff", "show", "branch", "remote", "rev-parse", "blame"})


@dataclass(frozen=True)
class Piece:
    """One unit of rendered text: a turn's opening or one of its steps."""

    text: str
    turn: Turn
    role: PieceRole
    step: Step | None = None


def is_action(call: ToolCall) -> bool:
    """Whether a tool call did something beyond reading or listing."""
    if call.name in READ_TOOLS or _OWN_RESULTS.fullmatch(call.name):
        return False
    if call.name == "Bash":
        command = call.input.get("command")
        words = command.split() if isinstance(command, str) else []
        if not words:
            return True
        if words[0] == "git":
            return len(words) < 2 or words[1] not in _READ_GIT
        return words[0] not in _READ_COMMANDS
    return True


def render_turn(
    turn: Turn, *, tool_output_chars: int, clean: Clean, include_thinking: bool = False
) -> list[Piece]:
    opening: PieceRole = "user" if turn.kind in ("prompt", "command") else "context"
    pieces = [Piece(_opening(turn, tool_output_chars, clean), turn, opening)]
    for step in turn.steps:
        text = _step(step, tool_output_chars, clean, include_thinking)
        if text:
            pieces.append(Piece(text, turn, _role(step), step))
    if turn.interrupted:
        pieces.append(Piece("(interrupted by the user)", turn, "context"))
    return pieces


def _role(step: Step) -> PieceRole:
    if isinstance(step, ToolCall):
        return "tool"
    if step.role in ("assistant", "user"):
        return step.role
    return "context"


def _opening(turn: Turn, limit: int, clean: Clean) -> str:
    head = f"[subagent {turn.agent_id}] " if turn.is_sidechain else ""
    if turn.kind == "compact_summary":
        summary = trim(clean(turn.compact_summary or ""), limit)
        return f"{head}EARLIER CONTEXT (compaction summary, already known): {summary}"
    if turn.kind == "continuation":
        return f"{head}(continuing an earlier turn)"
    label = "TASK" if turn.is_sidechain else "USER"
    if turn.kind == "command":
        label += " COMMAND"
    return f"{head}{label}: {clean(turn.prompt)}"


def _step(step: Step, limit: int, clean: Clean, include_thinking: bool) -> str:
    if isinstance(step, ToolCall):
        return _tool(step, limit, clean)
    if step.role == "assistant":
        return f"ASSISTANT: {clean(step.text)}"
    if step.role == "thinking":
        return f"THINKING: {trim(clean(step.text), limit)}" if include_thinking else ""
    if step.role == "user":
        return f"USER: {clean(step.text)}"
    label = "OUTPUT" if step.role == "output" else "NOTICE"
    return f"{label}: {trim(clean(step.text), limit)}"


def _tool(call: ToolCall, limit: int, clean: Clean) -> str:
    target = f" {clean(call.files[0])}" if call.files else ""
    detail = _detail(call, limit, clean)
    line = f"TOOL {call.name}{target}"
    if detail:
        line += f":{detail}" if detail.startswith("\n") else f": {detail}"
    if call.result_text is None:
        return line
    if _OWN_RESULTS.fullmatch(call.name):
        return f"{line}\nRESULT: (memgit's own memory, left out)"
    quiet = not call.is_error and (call.name in EDIT_TOOLS or call.name in READ_TOOLS)
    result = trim(clean(call.result_text), limit // 4 if quiet else limit)
    label = "RESULT (error)" if call.is_error else "RESULT"
    return f"{line}\n{label}: {result}" if result else line


def _detail(call: ToolCall, limit: int, clean: Clean) -> str:
    data = call.input
    name = call.name

    def text(key: str, size: int = limit) -> str:
        value = data.get(key)
        return trim(clean(value), size) if isinstance(value, str) else ""

    if name == "Edit":
        return f"\n- {text('old_string', limit // 2)}\n+ {text('new_string', limit // 2)}"
    if name == "MultiEdit":
        edits = data.get("edits")
        edits = [e for e in edits if isinstance(e, dict)] if isinstance(edits, list) else []
        share = max(40, limit // (2 * max(1, len(edits))))
        parts = [
            f"\n- {trim(clean(str(e.get('old_string', ''))), share)}"
            f"\n+ {trim(clean(str(e.get('new_string', ''))), share)}"
            for e in edits
        ]
        return trim("".join(parts), limit)
    if name == "Write":
        return text("content")
    if name == "NotebookEdit":
        return text("new_source")
    if name in ("Read", "NotebookRead"):
        return ""
    if name == "Bash":
        return text("command")
    if name in ("Grep", "Glob"):
        where = text("path") or text("glob")
        return text("pattern") + (f" in {where}" if where else "")
    if name in ("Task", "Agent"):
        return f"{text('description', 200)}\n{text('prompt')}".strip()
    if name == "TodoWrite":
        todos = data.get("todos")
        if isinstance(todos, list):
            lines = [
                f"[{t.get('status', '?')}] {t.get('content', '')}"
                for t in todos
                if isinstance(t, dict)
            ]
            return trim(clean("\n".join(lines)), limit)
    for key in ("url", "query", "command", "description", "subject"):
        if isinstance(data.get(key), str):
            return text(key)
    return trim(clean(_compact_json(data)), limit) if data else ""


def _compact_json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except ValueError:
        return str(value)
