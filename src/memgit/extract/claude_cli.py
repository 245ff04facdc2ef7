"""The claude-cli extractor: ``claude -p`` with the user's existing Claude Code login, isolated.

The nested run must not see or disturb the user's session: the prompt goes on stdin, the run has
no tools, no MCP servers, no hooks (``disableAllHooks``), no session file, a throwaway working
folder, and a child environment without Claude Code's session markers but with ``MEMGIT_NESTED=1``
so that memgit's own hooks (should any still fire) exit at once. Its output is parsed in both
shapes the CLI produces (one result object, or an array of messages ending in the result), and
every failure, including a hook's echo of the prompt, becomes an ``ExtractorError``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from memgit.errors import ExtractorError
from memgit.extract.base import ChunkInput, Extraction, Usage
from memgit.extract.prompt import (
    Prompt,
    build_prompt,
    check_echo_text,
    parse_reply,
    reply_schema,
    with_source,
)
from memgit.model import Observation
from memgit.nested import NESTED_ENV

#: Variables that make the child believe it runs inside the parent's Claude Code session.
SESSION_VARIABLES = (
    "CLAUDECODE",
    "CLAUDE_CODE_ENTRYPOINT",
    "CLAUDE_CODE_SESSION_ID",
    "CLAUDE_CODE_CHILD_SESSION",
    "CLAUDE_PROJECT_DIR",
)
AUTH_FAILURES = (
    "not logged in",
    "invalid api key",
    "failed to authenticate",
    "authentication_error",
    "please run /login",
)
NESTED_REFUSAL = "cannot be launched inside another claude code session"
NO_MCP = json.dumps({"mcpServers": {}})
NO_HOOKS = json.dumps({"disableAllHooks": True})
_FENCE = re.compile(r"```(?:json)?\s*\n(.*?)\n\s*```", re.DOTALL | re.IGNORECASE)


class ClaudeCliExtractor:
    """Extract with ``claude -p --model MODEL`` (an alias such as ``haiku`` or a full id)."""

    def __init__(
        self,
        model: str = "haiku",
        executable: str = "claude",
        timeout: float = 180.0,
        *,
        max_turns: int = 3,
        json_schema: bool = True,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.model = model
        self.executable = executable
        self.timeout = timeout
        self.max_turns = max_turns
        self.json_schema = json_schema
        self.source = f"claude-cli:{model}"
        self._environ = environ

    def command(self, prompt: Prompt) -> list[str]:
        """The argv of one run; the user part of the prompt goes on stdin."""
        argv = [
            self.executable,
            "-p",
            "--output-format",
            "json",
            "--no-session-persistence",
            "--model",
            self.model,
            "--max-turns",
            str(self.max_turns),
            "--tools",
            "",
            "--strict-mcp-config",
            "--mcp-config",
            NO_MCP,
            "--settings",
            NO_HOOKS,
            "--system-prompt",
            prompt.system,
        ]
        if self.json_schema:
            argv += ["--json-schema", json.dumps(reply_schema(), separators=(",", ":"))]
        return argv

    def child_environment(self) -> dict[str, str]:
        return child_environment(os.environ if self._environ is None else self._environ)

    def extract(self, chunk: ChunkInput, known: Sequence[Observation]) -> Extraction:
        prompt = build_prompt(chunk, known)
        stdout, stderr, code = self._run(prompt)
        result = parse_output(stdout, stderr, code, self.source)
        try:
            extraction = parse_reply(reply_data(result, prompt, self.source), prompt)
        except ExtractorError as exc:
            raise with_source(exc, self.source) from None
        return replace(extraction, usage=usage_of(result))

    def _run(self, prompt: Prompt) -> tuple[str, str, int]:
        with tempfile.TemporaryDirectory(prefix="memgit-extract-") as workdir:
            try:
                process = subprocess.Popen(
                    self.command(prompt),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                    cwd=workdir,
                    env=self.child_environment(),
                    start_new_session=True,
                )
            except OSError as exc:
                raise ExtractorError(
                    f"{self.source}: cannot run {self.executable!r} ({exc.strerror or exc}). "
                    "Install Claude Code, or choose the anthropic or heuristic extractor."
                ) from None
            try:
                stdout, stderr = process.communicate(prompt.user, timeout=self.timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                raise ExtractorError(
                    f"{self.source}: claude -p gave no answer within {self.timeout:g}s and was "
                    "stopped; the chunk will be retried later"
                ) from None
            return stdout, stderr, process.returncode


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without Claude Code's session markers, with memgit's nested marker.

    Credentials (``CLAUDE_CODE_OAUTH_TOKEN``, ``ANTHROPIC_*``) and provider settings
    (``CLAUDE_CODE_USE_BEDROCK`` ...) are kept so that the user's login keeps working.
    """
    env = {key: value for key, value in environ.items() if key not in SESSION_VARIABLES}
    env[NESTED_ENV] = "1"
    env["CLAUDE_CODE_DISABLE_AUTO_MEMORY"] = "1"
    return env


def _kill_group(process: subprocess.Popen[str]) -> None:
    """Stop the child and anything it started (it leads its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()


def cli_available(executable: str = "claude", *, check_version: bool = False) -> bool:
    """Whether ``executable`` is on PATH (and, with ``check_version``, answers ``--version``)."""
    path = shutil.which(executable)
    if path is None:
        return False
    if not check_version:
        return True
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, timeout=15, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


# --- output parsing (pure) -----------------------------------------------------------------------


def parse_output(stdout: str, stderr: str, returncode: int, source: str) -> dict[str, Any]:
    """The result message of a ``--output-format json`` run; ``ExtractorError`` says why not."""
    text = stdout.strip()
    if not text:
        _check_login(stderr, source)
        raise ExtractorError(
            f"{source}: claude -p printed nothing (exit status {returncode})"
            + _tail(stderr, "stderr")
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        _check_login(f"{text}\n{stderr}", source)
        raise ExtractorError(
            f"{source}: claude -p did not print JSON (exit status {returncode}): {text[:200]!r}"
            + _tail(stderr, "stderr")
        ) from None
    if isinstance(data, list):
        results = [m for m in data if isinstance(m, dict) and m.get("type") == "result"]
        if not results:
            raise ExtractorError(f"{source}: claude -p printed messages but no result message")
        data = results[-1]
    if not isinstance(data, dict) or data.get("type", "result") != "result":
        raise ExtractorError(f"{source}: claude -p printed JSON that is not a result message")
    subtype = data.get("subtype", "success")
    if data.get("is_error") or subtype != "success":
        errors = data.get("errors")
        detail = (
            "; ".join(str(e) for e in errors)
            if isinstance(errors, list) and errors
            else str(data.get("result") or "")
        )
        _check_login(f"{detail}\n{stderr}", source)
        raise ExtractorError(
            f"{source}: claude -p failed ({subtype}): {detail[:300] or 'no detail given'}"
        )
    if returncode != 0:
        _check_login(f"{data.get('result') or ''}\n{stderr}", source)
        raise ExtractorError(
            f"{source}: claude -p exited with status {returncode}" + _tail(stderr, "stderr")
        )
    return data


def reply_data(result: Mapping[str, Any], prompt: Prompt | None, source: str) -> object:
    """The decoded reply: ``structured_output`` when present, else JSON found in ``result``."""
    structured = result.get("structured_output")
    if structured is not None:
        return structured
    text = result.get("result")
    if not isinstance(text, str) or not text.strip():
        raise ExtractorError(
            f"{source}: claude -p reported success with an empty result; the chunk will be "
            "retried later"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    check_echo_text(text, prompt)
    for candidate in _json_candidates(text):
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    _check_login(text, source)
    raise ExtractorError(f"{source}: the model's answer holds no JSON object: {text[:200]!r}")


def _json_candidates(text: str) -> list[str]:
    found = [match.group(1) for match in _FENCE.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        found.append(text[start : end + 1])
    return found


def usage_of(result: Mapping[str, Any]) -> Usage:
    raw = result.get("usage")
    if not isinstance(raw, dict):
        return Usage()
    return Usage.from_counts(raw.get)


def _check_login(text: str, source: str) -> None:
    lowered = text.lower()
    if any(marker in lowered for marker in AUTH_FAILURES):
        raise ExtractorError(
            f"{source}: claude -p is not logged in (it said: {_first_line(text)!r}). "
            "Run `claude` once and log in, set ANTHROPIC_API_KEY to use the anthropic "
            "extractor, or set `extractor: heuristic`."
        )
    if NESTED_REFUSAL in lowered:
        raise ExtractorError(
            f"{source}: claude refused to start inside another Claude Code session although "
            "CLAUDECODE was removed from its environment; use the anthropic or heuristic "
            "extractor"
        )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if any(marker in line.lower() for marker in AUTH_FAILURES):
            return line.strip()[:160]
    return text.strip()[:160]


def _tail(text: str, label: str) -> str:
    text = text.strip()
    return f"; {label}: {text[-300:]!r}" if text else ""
