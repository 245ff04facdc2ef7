"""A whole simulated Claude Code session: a growing transcript and the real sequence of hook
processes, then what landed in .memory/, the session summary and CLAUDE.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from memgit.demo import session_path
from memgit.fileio import try_lock
from memgit.sessions import latest_sessions

from ..conftest import SRC

HOOK_TIMEOUT = 60


def hook(repo: Path, event: str, data: dict[str, object]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(SRC), MEMGIT_EXTRACTOR="heuristic")
    return subprocess.run(
        [sys.executable, "-m", "memgit", "hook", event],
        input=json.dumps({"hook_event_name": event, "cwd": str(repo), **data}),
        capture_output=True,
        text=True,
        cwd=repo,
        env=env,
        timeout=HOOK_TIMEOUT,
        check=True,
    )


def wait_for_worker(repo: Path, timeout: float = 90) -> None:
    """The worker is detached: wait until the queue is drained and no worker holds the lock."""
    state = repo / ".git" / "memgit"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        queue = state / "queue"
        busy = queue.is_dir() and any(
            p.suffix in (".jsonl", ".working") for p in queue.iterdir() if p.is_file()
        )
        if not busy:
            with try_lock(state / "locks" / "worker.lock") as free:
                if free:
                    return
        time.sleep(0.1)
    raise AssertionError("the background worker did not finish")


def session_lines(session: str) -> list[str]:
    lines = session_path().read_text(encoding="utf-8").splitlines(keepends=True)
    demo = json.loads(lines[1])["sessionId"]
    return [line.replace(demo, session) for line in lines]


def play(repo: Path, transcript: Path, session: str) -> None:
    """Feed the transcript to the hooks as Claude Code would, turn by turn."""
    base = {"session_id": session, "transcript_path": str(transcript)}
    started = hook(repo, "SessionStart", {**base, "source": "startup"})
    assert started.stdout == "" or "memgit-context" in started.stdout
    transcript.write_text("", encoding="utf-8")
    with transcript.open("a", encoding="utf-8") as handle:
        for raw in session_lines(session):
            record = json.loads(raw)
            handle.write(raw)
            handle.flush()
            message = record.get("message") or {}
            content = message.get("content")
            if record.get("type") == "user" and isinstance(content, str):
                out = hook(repo, "UserPromptSubmit", {**base, "prompt": content})
                assert out.stdout == "" or json.loads(out.stdout)["hookSpecificOutput"]
            elif record.get("type") == "user" and isinstance(content, list):
                hook(repo, "PostToolUse", {**base, "tool_name": "Edit", "tool_input": {}})
            elif record.get("type") == "assistant" and message.get("stop_reason") is None:
                text = content[0].get("text") if content else None
                if text:
                    assert hook(repo, "Stop", {**base, "stop_hook_active": False}).stdout == ""
    assert hook(repo, "SessionEnd", {**base, "reason": "prompt_input_exit"}).stdout == ""


def test_a_whole_session_becomes_memory(memory_repo: Path, tmp_path: Path) -> None:
    session = "6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43"
    transcript = tmp_path / "projects" / f"{session}.jsonl"
    transcript.parent.mkdir(parents=True)
    play(memory_repo, transcript, session)
    wait_for_worker(memory_repo)

    observations = list((memory_repo / ".memory" / "observations").glob("*.md"))
    assert len(observations) >= 4
    texts = "\n".join(p.read_text(encoding="utf-8") for p in observations)
    assert "hbr_live_" not in texts  # the token in the session was redacted
    assert "interviewing" not in texts  # <private> content never stored
    assert f"session: {session}" in texts
    (summary,) = latest_sessions(memory_repo / ".memory" / "sessions", 5)
    assert summary.session == session
    assert summary.request.startswith("tidepool")
    assert set(summary.observations) <= {p.name.rsplit("-", 1)[1][:-3] for p in observations}
    claude = (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")
    assert "<!-- memgit:begin -->" in claude
    assert "[m:" in claude
    log = (memory_repo / ".git" / "memgit" / "logs" / "hooks.log").read_text(encoding="utf-8")
    assert "error" not in log

    # The next session starts with the last one's summary and open progress.
    nxt = hook(
        memory_repo,
        "SessionStart",
        {"session_id": "next", "transcript_path": "", "source": "startup"},
    )
    context = json.loads(nxt.stdout)["hookSpecificOutput"]["additionalContext"]
    assert context.startswith("<memgit-context>")
    assert len(context) < 10_000
    asked = hook(
        memory_repo,
        "UserPromptSubmit",
        {"session_id": "next", "transcript_path": "", "prompt": "who owns the harbor feed code?"},
    )
    if asked.stdout:
        assert "harbor" in json.loads(asked.stdout)["hookSpecificOutput"]["additionalContext"]


def test_two_sessions_at_once_lose_nothing(memory_repo: Path, tmp_path: Path) -> None:
    sessions = ["aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"]
    folder = tmp_path / "projects"
    folder.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda s: play(memory_repo, folder / f"{s}.jsonl", s), sessions))
    wait_for_worker(memory_repo)
    summaries = latest_sessions(memory_repo / ".memory" / "sessions", 5)
    assert {s.session for s in summaries} == set(sessions)
    files = list((memory_repo / ".memory" / "observations").glob("*.md"))
    by_session = dict.fromkeys(sessions, 0)
    for path in files:
        text = path.read_text(encoding="utf-8")
        for s in sessions:
            by_session[s] += f"session: {s}" in text
    # Both sessions said the same things: the second one's restatements are dropped or supersede,
    # but each session's summary links the observations it produced or confirmed.
    assert sum(by_session.values()) >= 4
    assert all(s.observations or s.learned for s in summaries)
