"""``memgit hook EVENT``: the Claude Code hook entry point. It never breaks the user's session.

Whatever happens (bad input, no repository, no ``.memory/``, a broken store, an exception
anywhere) the hook exits 0 with clean stdout and writes one line to ``<state>/logs/hooks.log``.
``memgit hook EVENT --contract N`` (what the hook commands run, through the ``claude-memgit``
script) checks the hook contract first: a contract newer than this memgit speaks gets one
``systemMessage`` at SessionStart and silence on every other event. Each event honours Claude
Code's output rules: nothing at all on Stop, SubagentStop, PostToolUse,
PreCompact and SessionEnd; ``additionalContext`` (well under 10,000 characters) on SessionStart
and UserPromptSubmit.

The capture events only append a small record to the queue and, on Stop, PreCompact, SubagentStop
and SessionEnd, start the detached background worker; PostToolUse's path imports the standard
library and this package only. Inside memgit's own ``claude -p`` child every hook exits at once.
"""

from __future__ import annotations

import json
import os
import sys
import time

from memgit.distribution import CONTRACT
from memgit.hooks import queue
from memgit.locate import locate
from memgit.nested import is_nested

TYPE_CHECKING = False  # typing itself costs a few ms on the hot path

if TYPE_CHECKING:
    from typing import Any

#: SessionStart sources that continue an existing session (its own summary may be the latest).
RESUMED = ("resume", "compact")
MAX_INPUT = 16 * 1024 * 1024
MAX_LOG = 1024 * 1024
_FILE_KEYS = ("file_path", "notebook_path", "path")


def main(argv: list[str]) -> int:
    """``argv``: ``[EVENT]`` or ``[EVENT, "--contract", N]`` (what the hook commands pass)."""
    started = time.monotonic()
    if is_nested(os.environ):
        return 0
    event = argv[0] if argv else ""
    if argv[1:] and not _speaks(argv[1:]):
        return _unknown_contract(event, argv[1:])
    state: str | None = None
    error: str | None = None
    try:
        payload = _read_payload()
        event = event or str(payload.get("hook_event_name") or "")
        where = _repository(payload)
        if where is None:
            return 0
        root, state = where
        output = dispatch(event, payload, root, state)
        if output:
            sys.stdout.write(output)
            sys.stdout.flush()
    except BaseException as exc:  # a hook must never fail the session, whatever happened
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            return 0
        error = f"{type(exc).__name__}: {exc}"
    # PostToolUse runs on every tool call: its log line only when something went wrong.
    if state is not None and (error or event != "PostToolUse"):
        _log(state, event, time.monotonic() - started, error)
    return 0


def _speaks(rest: list[str]) -> bool:
    """Does this entry point speak the hook contract the command asks for (``--contract N``)?"""
    return (
        len(rest) == 2
        and rest[0] == "--contract"
        and rest[1].isdigit()
        and 1 <= int(rest[1]) <= CONTRACT
    )


def _unknown_contract(event: str, rest: list[str]) -> int:
    """Hooks newer than this memgit: SessionStart says so once; every other event stays silent."""
    import contextlib

    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stdin.buffer.read(MAX_INPUT)
    if event != "SessionStart":
        return 0
    from memgit import __version__
    from memgit.distribution import UPGRADE, UPGRADE_UV

    asked = " ".join(rest)[:40]
    message = (
        f"memgit plugin: these hooks ask for `{asked}`, but the installed memgit "
        f"{__version__} ({sys.argv[0]}) speaks hook contract {CONTRACT} at most, so this "
        f"session has no project memory. Upgrade it with `{UPGRADE}` (or `{UPGRADE_UV}`), "
        "then start a new session."
    )
    sys.stdout.write(json.dumps({"systemMessage": message}) + "\n")
    sys.stdout.flush()
    return 0


def _read_payload() -> dict[str, Any]:
    try:
        raw = sys.stdin.buffer.read(MAX_INPUT)
    except (OSError, ValueError, AttributeError):
        return {}
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _repository(payload: dict[str, Any]) -> tuple[str, str] | None:
    """``(root, state folder)`` when the session's folder is in a repository with ``.memory/``."""
    for candidate in (payload.get("cwd"), os.environ.get("CLAUDE_PROJECT_DIR"), os.getcwd()):
        if isinstance(candidate, str) and candidate and os.path.isdir(candidate):
            found = locate(candidate)
            if found is None:
                continue
            root, git_dir = found
            if os.path.isdir(os.path.join(root, ".memory")):
                return root, os.path.join(git_dir, "memgit")
            return None
    return None


def dispatch(event: str, payload: dict[str, Any], root: str, state: str) -> str:
    """Handle one event; returns what to print on stdout (often nothing)."""
    session = payload.get("session_id") if isinstance(payload.get("session_id"), str) else None
    transcript = payload.get("transcript_path")
    transcript = transcript if isinstance(transcript, str) else None
    if event == "PostToolUse":
        queue.append(state, _tool_record(payload, session, transcript))
        return ""
    if event in ("Stop", "PreCompact", "SessionEnd", "SubagentStop"):
        record: dict[str, Any] = {"e": event, "s": session, "p": transcript}
        if event == "SessionEnd":
            record["final"] = True
        if event == "SubagentStop":
            agent = payload.get("agent_transcript_path")
            if isinstance(agent, str):
                record["p"] = agent
                record["final"] = True
        queue.append(state, record)
        spawn_worker(root, state)
        return ""
    if event == "SessionStart":
        spawn_worker(root, state)  # it also prepares the next session's context
        from memgit.hooks import startcache

        message = _config_notice(root, state)
        git_dir = os.path.dirname(state)
        prepared = None
        # The prepared text names the latest session as the last one: right for a new session,
        # not when that latest session is the one being resumed or compacted.
        if payload.get("source") not in RESUMED:
            prepared = startcache.read(root, git_dir, time.strftime("%Y-%m-%d", time.gmtime()))
        if prepared is None:
            from memgit.api import Memory
            from memgit.hooks.recall import session_start_text

            prepared = session_start_text(Memory.open(root), payload.get("session_id"))
        if prepared and session:
            from memgit.hooks.seen import cited_ids, remember_seen

            remember_seen(state, session, cited_ids(prepared))  # not repeated at each prompt
        return _context_output(event, prepared, message)
    if event == "UserPromptSubmit":
        from memgit.hooks.prompt import prompt_submit

        return _context_output(event, prompt_submit(root, state, payload))
    return ""


def _tool_record(
    payload: dict[str, Any], session: str | None, transcript: str | None
) -> dict[str, Any]:
    record: dict[str, Any] = {"e": "PostToolUse", "s": session, "p": transcript}
    tool = payload.get("tool_name")
    if isinstance(tool, str):
        record["tool"] = tool[:80]
    tool_input = payload.get("tool_input")
    if isinstance(tool_input, dict):
        files = [tool_input[k] for k in _FILE_KEYS if isinstance(tool_input.get(k), str)]
        if files:
            record["files"] = [f[:300] for f in files]
    response = payload.get("tool_response")
    if isinstance(response, dict) and (response.get("is_error") or response.get("interrupted")):
        record["error"] = True
    return record


def _context_output(event: str, text: str, message: str = "") -> str:
    output: dict[str, Any] = {}
    if message:
        output["systemMessage"] = message
    if text:
        output["hookSpecificOutput"] = {"hookEventName": event, "additionalContext": text}
    return json.dumps(output, ensure_ascii=False) if output else ""


def _config_notice(root: str, state: str) -> str:
    """Bad settings: logged at every session start, told to the user once (``confignotice``)."""
    from memgit.hooks import confignotice

    try:
        found = confignotice.problems(root, state)
        if found:  # a bad value may be a secret pasted in the wrong key
            from memgit.redact import default_redactor

            found = [default_redactor().redact(problem) for problem in found]
        for problem in found:
            _log(state, "SessionStart", 0.0, f"config {problem}")
        return confignotice.notice(found, state)
    except Exception as exc:  # the context matters more than the notice
        _log(state, "SessionStart", 0.0, f"config notice {type(exc).__name__}: {exc}")
        return ""


def spawn_worker(root: str, state: str) -> None:
    """Start the background worker, detached from Claude Code's session, and return at once.

    Nothing is started while a worker runs: it checks the queue again before it exits.
    """
    if _worker_running(state):
        return
    argv = [sys.executable, "-m", "memgit", "worker", "--repo", root]
    env = dict(os.environ)
    env.pop("CLAUDECODE", None)
    if hasattr(os, "posix_spawn"):
        null = os.devnull
        os.posix_spawn(
            sys.executable,
            argv,
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0),
            ],
            setsid=True,
        )
        return
    import subprocess  # pragma: no cover - platforms without posix_spawn

    subprocess.Popen(  # pragma: no cover
        argv,
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _worker_running(state: str) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock: let the worker decide
        return False
    path = os.path.join(state, "locks", "worker.lock")
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _log(state: str, event: str, seconds: float, error: str | None) -> None:
    folder = os.path.join(state, "logs")
    path = os.path.join(folder, "hooks.log")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    line = f"{stamp} {event or '?'} {seconds * 1000:.0f}ms {'error ' + error if error else 'ok'}\n"
    try:
        os.makedirs(folder, exist_ok=True)
        if os.path.exists(path) and os.path.getsize(path) > MAX_LOG:
            os.replace(path, path + ".1")
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError:
        pass
