"""A small writer of Claude Code session transcripts (JSONL, the 2.x layout) for the eval scenarios.

Each method appends the records Claude Code itself would write: a user prompt; an assistant
message split into one record per content block (text, tool_use) sharing the message id; a tool
result as a user record with its ``tool_result`` block and the structured ``toolUseResult``
beside it, in the shape each tool uses (Read, Edit, Write, Bash, Grep, TodoWrite); a compaction
boundary and summary. Timestamps advance a few seconds per record, so the files read like a
real session.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

VERSION = "2.1.37"
MODEL = "claude-opus-4-6"


class Session:
    """One session being written, record by record."""

    def __init__(self, slug: str, cwd: str, branch: str, start: str) -> None:
        self.slug = slug
        self.cwd = cwd.rstrip("/")
        self.branch = branch
        self.session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"memgit-eval/{slug}"))
        self.records: list[dict[str, Any]] = []
        self._clock = datetime.fromisoformat(start).replace(tzinfo=UTC)
        self._last: str | None = None
        self._count = 0
        self._message: str | None = None

    # --- the human side -----------------------------------------------------------------------

    def user(self, text: str) -> Session:
        """A prompt typed by the user (a new turn)."""
        self._message = None
        self._record("user", message={"role": "user", "content": text}, advance=40)
        return self

    def compact(self, summary: str) -> Session:
        """Claude Code compacting the conversation: a boundary, then the summary record."""
        self._message = None
        self._record(
            "system",
            subtype="compact_boundary",
            content="Conversation compacted",
            level="info",
            compactMetadata={"trigger": "auto", "preTokens": 161234},
        )
        text = (
            "This session is being continued from a previous conversation that ran out of "
            "context. The conversation is summarized below:\n" + summary
        )
        self._record(
            "user", message={"role": "user", "content": text}, isCompactSummary=True, advance=5
        )
        return self

    # --- the assistant side -------------------------------------------------------------------

    def say(self, text: str) -> Session:
        """A text block of the assistant's current message (a new message after a tool result)."""
        self._assistant({"type": "text", "text": text})
        return self

    def read(self, path: str, content: str, *, start: int = 1) -> Session:
        lines = content.splitlines()
        numbered = "\n".join(f"{n:>6}→{line}" for n, line in enumerate(lines, start))
        full = self._path(path)
        structured = {
            "type": "text",
            "file": {
                "filePath": full,
                "content": content,
                "numLines": len(lines),
                "startLine": start,
                "totalLines": start + len(lines) - 1,
            },
        }
        return self._tool("Read", {"file_path": full}, numbered + "\n", structured)

    def edit(self, path: str, old: str, new: str) -> Session:
        full = self._path(path)
        structured = {
            "filePath": full,
            "oldString": old,
            "newString": new,
            "originalFile": old,
            "structuredPatch": [],
            "userModified": False,
            "replaceAll": False,
        }
        tool_input = {"file_path": full, "old_string": old, "new_string": new}
        return self._tool(
            "Edit", tool_input, f"The file {full} has been updated successfully.", structured
        )

    def write(self, path: str, content: str) -> Session:
        full = self._path(path)
        structured = {"type": "create", "filePath": full, "content": content, "structuredPatch": []}
        return self._tool(
            "Write",
            {"file_path": full, "content": content},
            f"File created successfully at: {full}",
            structured,
        )

    def bash(
        self, command: str, output: str, *, code: int = 0, description: str | None = None
    ) -> Session:
        """A shell command; a non-zero ``code`` makes it an error result, as Claude Code does."""
        tool_input: dict[str, Any] = {"command": command}
        if description:
            tool_input["description"] = description
        if code:
            text = f"Exit code {code}\n{output}"
            return self._tool("Bash", tool_input, text, f"Error: {text}", is_error=True)
        structured = {"stdout": output, "stderr": "", "interrupted": False, "isImage": False}
        return self._tool("Bash", tool_input, output, structured)

    def grep(self, pattern: str, files: list[str]) -> Session:
        full = [self._path(f) for f in files]
        text = f"Found {len(full)} file{'s' if len(full) != 1 else ''}\n" + "\n".join(full)
        structured = {"mode": "files_with_matches", "filenames": full, "numFiles": len(full)}
        return self._tool(
            "Grep", {"pattern": pattern, "output_mode": "files_with_matches"}, text, structured
        )

    def task(self, description: str, prompt: str, report: str) -> Session:
        """A subagent (Task tool) run: its prompt, and its final report as the tool result."""
        structured = {
            "status": "completed",
            "prompt": prompt,
            "content": [{"type": "text", "text": report}],
            "totalDurationMs": 48211,
            "totalTokens": 18433,
        }
        tool_input = {
            "description": description,
            "prompt": prompt,
            "subagent_type": "general-purpose",
        }
        return self._tool("Task", tool_input, report, structured)

    def todos(self, items: list[tuple[str, str]]) -> Session:
        """TodoWrite with (status, content) pairs."""
        todos = [
            {"content": content, "status": status, "activeForm": content}
            for status, content in items
        ]
        text = (
            "Todos have been modified successfully. Ensure that you continue to use the todo list "
            "to track your progress. Please proceed with the current tasks if applicable"
        )
        return self._tool("TodoWrite", {"todos": todos}, text, {"oldTodos": [], "newTodos": todos})

    # --- output -------------------------------------------------------------------------------

    def jsonl(self) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records)

    def save(self, folder: Path) -> Path:
        target = folder / f"{self.slug}.jsonl"
        target.write_text(self.jsonl(), encoding="utf-8")
        return target

    # --- internals ----------------------------------------------------------------------------

    def _path(self, path: str) -> str:
        return path if path.startswith("/") else f"{self.cwd}/{path}"

    def _tool(
        self,
        name: str,
        tool_input: dict[str, Any],
        text: str,
        structured: Any,
        *,
        is_error: bool = False,
    ) -> Session:
        self._count += 1
        ident = f"toolu_{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.slug}/{self._count}').hex[:24]}"
        self._assistant({"type": "tool_use", "id": ident, "name": name, "input": tool_input})
        block: dict[str, Any] = {"tool_use_id": ident, "type": "tool_result", "content": text}
        if is_error:
            block["is_error"] = True
        self._record(
            "user",
            message={"role": "user", "content": [block]},
            toolUseResult=structured,
            sourceToolAssistantUUID=self._last,
            advance=3,
        )
        self._message = None  # the assistant answers a tool result with a new message
        return self

    def _assistant(self, block: dict[str, Any]) -> None:
        if self._message is None:
            self._count += 1
            self._message = (
                f"msg_{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.slug}/m{self._count}').hex[:24]}"
            )
        message = {
            "model": MODEL,
            "id": self._message,
            "type": "message",
            "role": "assistant",
            "content": [block],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 4, "output_tokens": 120},
        }
        self._record("assistant", message=message, requestId=f"req_{self._message[4:]}", advance=6)

    def _record(self, kind: str, *, advance: int = 2, **fields: Any) -> None:
        self._clock += timedelta(seconds=advance)
        ident = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.slug}/r{len(self.records)}"))
        record: dict[str, Any] = {
            "parentUuid": self._last,
            "isSidechain": False,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.session_id,
            "version": VERSION,
            "gitBranch": self.branch,
            "type": kind,
            "uuid": ident,
            "timestamp": self._clock.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        record.update(fields)
        self.records.append(record)
        self._last = ident
