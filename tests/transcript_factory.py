"""Builds Claude Code-shaped JSONL records for transcript tests, in the 2.x layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
TRANSCRIPTS = FIXTURES / "transcripts"


class Log:
    """A session being written: each method appends one record chained to the previous one."""

    def __init__(
        self, cwd: str = "/home/dev/repo", session: str = "sess-1", branch: str = "main"
    ) -> None:
        self.cwd = cwd
        self.session = session
        self.branch = branch
        self.records: list[dict[str, Any] | str] = []
        self._n = 0
        self._last: str | None = None
        self._msg = 0

    def envelope(self, kind: str, **fields: Any) -> dict[str, Any]:
        self._n += 1
        uuid = f"uuid-{self._n:05d}"
        record: dict[str, Any] = {
            "parentUuid": self._last,
            "isSidechain": False,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.session,
            "version": "2.1.100",
            "gitBranch": self.branch,
            "type": kind,
            "uuid": uuid,
            "timestamp": f"2026-03-01T10:{self._n // 60 % 60:02d}:{self._n % 60:02d}.000Z",
        }
        record.update(fields)
        self._last = uuid
        self.records.append(record)
        return record

    def prompt(self, content: str | list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
        return self.envelope("user", message={"role": "user", "content": content}, **fields)

    def say(self, text: str, msg: str | None = None, **fields: Any) -> str:
        return self._assistant([{"type": "text", "text": text}], msg, **fields)

    def think(self, text: str, msg: str | None = None) -> str:
        return self._assistant([{"type": "thinking", "thinking": text, "signature": "x"}], msg)

    def call(
        self, name: str, tool_input: dict[str, Any], ident: str, msg: str | None = None, **f: Any
    ) -> str:
        block = {"type": "tool_use", "id": ident, "name": name, "input": tool_input}
        return self._assistant([block], msg, **f)

    def result(
        self,
        ident: str,
        content: Any,
        *,
        is_error: bool = False,
        structured: Any = None,
        **fields: Any,
    ) -> dict[str, Any]:
        block: dict[str, Any] = {"tool_use_id": ident, "type": "tool_result", "content": content}
        if is_error:
            block["is_error"] = True
        extra = {"toolUseResult": structured} if structured is not None else {}
        return self.prompt([block], **extra, **fields)

    def system(self, subtype: str | None, **fields: Any) -> dict[str, Any]:
        extra = {"subtype": subtype} if subtype else {}
        return self.envelope("system", **extra, **fields)

    def attachment(self, attachment: dict[str, Any]) -> dict[str, Any]:
        return self.envelope("attachment", attachment=attachment)

    def raw(self, line: dict[str, Any] | str) -> None:
        self.records.append(line)

    def _assistant(self, blocks: list[dict[str, Any]], msg: str | None, **fields: Any) -> str:
        if msg is None:
            self._msg += 1
            msg = f"msg_{self._msg:04d}"
        message = {
            "id": msg,
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-6",
            "content": blocks,
            "stop_reason": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }
        self.envelope("assistant", message=message, requestId="req_" + msg, **fields)
        return msg

    def text(self) -> str:
        return "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
            for r in self.records
        )

    def write(self, path: Path) -> Path:
        path.write_text(self.text(), encoding="utf-8")
        return path


def simple_session(turns: int = 3, cwd: str = "/home/dev/repo") -> Log:
    """``turns`` prompts, each answered with a read, an edit and a short reply."""
    log = Log(cwd=cwd)
    for i in range(turns):
        log.prompt(f"Please fix bug number {i} in the parser module, it breaks imports")
        msg = log.say(f"Looking at the parser for bug {i}.")
        log.call("Read", {"file_path": f"{cwd}/src/parse.py"}, f"toolu_r{i}", msg)
        log.result(f"toolu_r{i}", "def parse(): pass\n", structured={"type": "text"})
        log.call(
            "Edit",
            {"file_path": f"{cwd}/src/parse.py", "old_string": "pass", "new_string": f"return {i}"},
            f"toolu_e{i}",
        )
        log.result(f"toolu_e{i}", "The file has been updated.", structured={"filePath": "x"})
        log.say(f"Fixed bug {i}: parse now returns {i} because the caller expects a value.")
    return log
