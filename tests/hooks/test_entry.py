"""`memgit hook EVENT` as Claude Code runs it: a real process, JSON on stdin, hostile input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import SRC, memgit_process

EVENTS = [
    "SessionStart",
    "UserPromptSubmit",
    "PostToolUse",
    "PreCompact",
    "Stop",
    "SubagentStop",
    "SessionEnd",
]


def payload(repo: Path, event: str, **extra: object) -> str:
    data = {
        "session_id": "6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43",
        "transcript_path": str(repo / "missing.jsonl"),
        "cwd": str(repo),
        "hook_event_name": event,
        **extra,
    }
    return json.dumps(data)


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize(
    "stdin",
    ["", "not json", "[1, 2]", '{"cwd": 5}', '{"cwd": "/nonexistent/folder"}', "\xff\xfe garbage"],
)
def test_hostile_input_exits_0_with_clean_stdout(tmp_path: Path, event: str, stdin: str) -> None:
    done = memgit_process("hook", event, cwd=tmp_path, input=stdin)
    assert done.returncode == 0
    assert done.stdout == ""


@pytest.mark.parametrize("event", EVENTS)
def test_outside_memory_nothing_happens(repo: Path, event: str) -> None:
    done = memgit_process(
        "hook", event, cwd=repo, input=payload(repo, event, prompt="hi there you")
    )
    assert (done.returncode, done.stdout) == (0, "")
    assert not (repo / ".git" / "memgit").exists()


def test_post_tool_use_queues_a_compact_record(memory_repo: Path) -> None:
    event = payload(
        memory_repo,
        "PostToolUse",
        tool_name="Edit",
        tool_input={"file_path": str(memory_repo / "a.py"), "old_string": "x" * 10_000},
        tool_response={"filePath": str(memory_repo / "a.py"), "success": True},
    )
    done = memgit_process("hook", "PostToolUse", cwd=memory_repo, input=event)
    assert (done.returncode, done.stdout) == (0, "")
    (queued,) = (memory_repo / ".git" / "memgit" / "queue").glob("*.jsonl")
    record = json.loads(queued.read_text(encoding="utf-8"))
    assert record["e"] == "PostToolUse"
    assert record["tool"] == "Edit"
    assert record["files"] == [str(memory_repo / "a.py")]
    assert len(queued.read_text(encoding="utf-8")) < 500
    # A successful PostToolUse writes no log line: it runs on every tool call.
    assert not (memory_repo / ".git" / "memgit" / "logs" / "hooks.log").exists()


def test_nested_guard_exits_at_once(memory_repo: Path) -> None:
    done = memgit_process(
        "hook",
        "PostToolUse",
        cwd=memory_repo,
        input=payload(memory_repo, "PostToolUse"),
        env={"MEMGIT_NESTED": "1"},
    )
    assert (done.returncode, done.stdout) == (0, "")
    assert not (memory_repo / ".git" / "memgit" / "queue").exists()


def test_a_broken_store_never_breaks_the_session(memory_repo: Path) -> None:
    (memory_repo / ".memory" / "config.yaml").write_text("dedupe: [broken\n", encoding="utf-8")
    outputs = {}
    for event in ("SessionStart", "UserPromptSubmit"):
        done = memgit_process(
            "hook",
            event,
            cwd=memory_repo,
            input=payload(memory_repo, event, prompt="why is it broken"),
        )
        assert done.returncode == 0
        outputs[event] = done.stdout
    # Memory works on defaults; the user is told what is wrong with the file, once.
    assert "is not valid YAML" in json.loads(outputs["SessionStart"])["systemMessage"]
    assert outputs["UserPromptSubmit"] == ""
    log = (memory_repo / ".git" / "memgit" / "logs" / "hooks.log").read_text(encoding="utf-8")
    assert "is not valid YAML" in log


def test_post_tool_use_imports_only_the_standard_library(memory_repo: Path) -> None:
    """The hot path: no anthropic, mcp, whoosh, git, yaml, click or argparse."""
    stdin = payload(memory_repo, "PostToolUse").encode()
    script = (
        "import sys, io\n"
        f"sys.path.insert(0, {str(SRC)!r})\n"
        f"sys.stdin = io.TextIOWrapper(io.BytesIO({stdin!r}))\n"
        "before = set(sys.modules)\n"
        "import os\n"
        "os._exit = lambda code: None  # the entry point skips teardown; here we look after it\n"
        "from memgit.__main__ import main\n"
        "sys.argv = ['memgit', 'hook', 'PostToolUse']\n"
        "main()\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=memory_repo, capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    heavy = {
        "anthropic",
        "mcp",
        "whoosh",
        "git",
        "yaml",
        "click",
        "argparse",
        "typing",
        "pathlib",
        "dataclasses",
        "subprocess",
        "memgit.api",
        "memgit.index",
        "memgit.model",
    }
    assert not {m.split(".")[0] for m in loaded} & {h for h in heavy if "." not in h}
    assert not loaded & heavy
    assert {m for m in loaded if m.startswith("memgit")} == {
        "memgit",
        "memgit.__main__",
        "memgit.distribution",  # constants only: the hook contract
        "memgit.hooks",
        "memgit.hooks.queue",
        "memgit.locate",
        "memgit.nested",
    }
