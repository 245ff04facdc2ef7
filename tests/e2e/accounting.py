"""What memgit adds to the user's model requests, and what its extractor spends, measured from
the requests the scripted server recorded.

Claude Code 2.1.332 puts hook context into a ``system``-role message as
``"<Event> hook additional context: <memgit-context>…</memgit-context>"``, the CLAUDE.md section
into a ``<system-reminder>`` of the first user message, and memgit's MCP server as a block of
instructions plus deferred tool names (schemas only once ToolSearch loads them). Each part is
found and counted here by its own marker. Tokens are the server's estimate (4 characters each).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.model_server import CHARS_PER_TOKEN, Recorded, session_part, strings

HOOK_CONTEXT = re.compile(
    r"(\w+) hook additional context: (<memgit-context>.*?</memgit-context>)", re.DOTALL
)
ANY_CONTEXT = re.compile(r"<memgit-context>.*?</memgit-context>", re.DOTALL)
SECTION = re.compile(r"## Project memory \(memgit\)\n.*?\nSearch more:[^\n]*", re.DOTALL)
#: The MCP server's instructions, as the CLI lists them under "# MCP Server Instructions".
MCP_INSTRUCTIONS = re.compile(r"## memgit\nmemgit is this repository's[^\n]*")


@dataclass(frozen=True)
class Context:
    hook: str
    text: str


def hook_contexts(record: Recorded) -> list[Context]:
    return [Context(m.group(1), m.group(2)) for m in HOOK_CONTEXT.finditer(record.all_text)]


def all_contexts(record: Recorded) -> list[str]:
    return ANY_CONTEXT.findall(record.all_text)


def is_memgit_tool(name: str) -> bool:
    return re.fullmatch(r"mcp__(?:plugin_memgit_)?memgit__\w+", name) is not None


@dataclass
class Added:
    """Characters memgit put into one request, by part."""

    session_start: int = 0
    prompt: int = 0
    section: int = 0
    mcp_instructions: int = 0
    mcp_tool_names: int = 0
    mcp_schemas: int = 0
    mcp_calls: int = 0

    @property
    def total(self) -> int:
        return sum(vars(self).values())

    def as_dict(self) -> dict[str, int]:
        return {**vars(self), "total": self.total}


def added(record: Recorded) -> Added:
    body = record.body or {}
    whole = record.all_text
    result = Added()
    for context in hook_contexts(record):
        if context.hook == "SessionStart":
            result.session_start += len(context.text)
        elif context.hook == "UserPromptSubmit":
            result.prompt += len(context.text)
    result.section = sum(len(m) for m in SECTION.findall(whole))
    result.mcp_instructions = sum(len(m) for m in MCP_INSTRUCTIONS.findall(whole))
    result.mcp_tool_names = sum(
        len(m) + 1 for m in re.findall(r"^mcp__(?:plugin_memgit_)?memgit__\w+$", whole, re.M)
    )
    for schema in body.get("tools") or []:
        if isinstance(schema, dict) and is_memgit_tool(str(schema.get("name", ""))):
            result.mcp_schemas += len(json.dumps(schema))
    calls: set[str] = set()
    for message in body.get("messages") or []:
        content = message.get("content")
        for block in content if isinstance(content, list) else []:
            if block.get("type") == "tool_use" and is_memgit_tool(str(block.get("name", ""))):
                calls.add(str(block.get("id")))
                result.mcp_calls += len(json.dumps(block.get("input")))
            elif block.get("type") == "tool_result" and block.get("tool_use_id") in calls:
                result.mcp_calls += sum(len(s) for s in strings(block.get("content")))
    return result


def added_in_run(records: list[Recorded]) -> Added:
    """What one prompt's requests carried from memgit, each part counted once (its largest):
    hook context and the section are the same in every request of a run, MCP parts grow as
    the server connects, tool schemas load and the model calls tools."""
    parts = [added(record) for record in records]
    return Added(**{name: max(getattr(p, name) for p in parts) for name in vars(Added())})


@dataclass
class Spend:
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    input_chars: int = 0
    #: Tokens of the session text itself (inside ``<session-part>``): the rest is the fixed
    #: prompt (instructions, schema, known memories) every request repeats.
    part_tokens: int = 0
    per_request: list[dict[str, int]] = field(default_factory=list)


def extractor_spend(records: list[Recorded]) -> Spend:
    spend = Spend()
    for record in records:
        usage: dict[str, Any] = (record.reply or {}).get("usage", {})
        spend.requests += 1
        spend.input_tokens += int(usage.get("input_tokens", 0))
        spend.output_tokens += int(usage.get("output_tokens", 0))
        spend.input_chars += record.input_chars
        spend.part_tokens += estimate(len(session_part(record.body or {})))
        spend.per_request.append(
            {"input_tokens": usage.get("input_tokens", 0), "chars": record.input_chars}
        )
    return spend


def conversation_chars(transcript: Path) -> int:
    """Characters of the conversation a transcript holds: typed prompts, the assistant's text
    and tool calls, tool results (its ``user``/``assistant`` records' message content only; the
    CLI also stores request snapshots, attachments and bookkeeping records, not counted here)."""
    total = 0
    for line in transcript.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("type") in ("user", "assistant") and not record.get("isMeta"):
            message = record.get("message") or {}
            total += sum(len(s) for s in strings(message.get("content")))
    return total


def estimate(chars: int) -> int:
    """Tokens for ``chars`` characters, by the server's rule."""
    return math.ceil(chars / CHARS_PER_TOKEN)
