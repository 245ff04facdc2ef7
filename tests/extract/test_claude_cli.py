"""The claude-cli extractor, against a fake ``claude`` executable first on PATH."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from memgit.errors import ExtractorError
from memgit.extract.base import ChunkInput, Usage
from memgit.extract.claude_cli import (
    ClaudeCliExtractor,
    child_environment,
    cli_available,
    parse_output,
    reply_data,
)
from memgit.extract.prompt import build_prompt, reply_schema
from memgit.model import new_observation
from memgit.nested import NESTED_ENV, is_nested

CHUNK = ChunkInput(
    text="user: make the export faster\nassistant: export.py now streams rows instead of a list",
    files=("src/export.py",),
)
KNOWN = [new_observation("pattern", "Exports stream rows", ident="kaaa000001")]
REPLY = {
    "observations": [
        {
            "type": "decision",
            "title": "Exports stream rows to keep memory flat on large tables",
            "narrative": "Building a list of rows ran out of memory at 2M rows.",
            "facts": ["export.py yields rows"],
            "files": ["src/export.py"],
            "tags": ["performance"],
            "confidence": 0.85,
        }
    ],
    "notes": {
        "request": "Make the export faster",
        "learned": [],
        "completed": [],
        "next_steps": [],
    },
}
USAGE = {
    "input_tokens": 900,
    "output_tokens": 120,
    "cache_creation_input_tokens": 50,
    "cache_read_input_tokens": 0,
}

FAKE_CLAUDE = """\
#!{python}
import json, os, subprocess, sys, time
from pathlib import Path

state = Path({state!r})
record = {{"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd(),
          "pid": os.getpid(), "stdin": sys.stdin.read()}}
replies = json.loads((state / "replies.json").read_text())
reply = replies.pop(0)
(state / "replies.json").write_text(json.dumps(replies))
if reply.get("spawn"):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    record["child"] = child.pid
with (state / "calls.jsonl").open("a") as calls:
    calls.write(json.dumps(record) + "\\n")
stdout = reply.get("stdout", "")
if stdout == "ECHO":
    stdout = json.dumps({{"type": "result", "subtype": "success", "is_error": False,
        "result": "UserPromptSubmit operation blocked by hook:\\nno\\n\\nOriginal prompt: "
        + record["stdin"]}})
sys.stdout.write(stdout)
sys.stdout.flush()
sys.stderr.write(reply.get("stderr", ""))
time.sleep(reply.get("sleep", 0))
sys.exit(reply.get("exit", 0))
"""


class FakeClaude:
    def __init__(self, root: Path) -> None:
        self.state = root / "state"
        self.state.mkdir(parents=True)
        self.bin = root / "bin"
        self.bin.mkdir()
        script = self.bin / "claude"
        script.write_text(FAKE_CLAUDE.format(python=sys.executable, state=str(self.state)))
        script.chmod(0o755)
        self.queue()

    def queue(self, *replies: dict[str, Any]) -> None:
        (self.state / "replies.json").write_text(json.dumps(list(replies)))

    @property
    def calls(self) -> list[dict[str, Any]]:
        path = self.state / "calls.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]


def result(**fields: Any) -> str:
    message = {"type": "result", "subtype": "success", "is_error": False, "usage": USAGE}
    message.update(fields)
    return json.dumps(message)


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeClaude:
    claude = FakeClaude(tmp_path / "fake")
    monkeypatch.setenv("PATH", f"{claude.bin}{os.pathsep}{os.environ.get('PATH', '')}")
    return claude


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's project, as the background worker's working folder, inside a Claude session."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("CLAUDECODE", "1")
    monkeypatch.setenv("CLAUDE_CODE_ENTRYPOINT", "cli")
    monkeypatch.setenv("CLAUDE_CODE_SESSION_ID", "f0e1d2c3-session")
    monkeypatch.setenv("CLAUDE_CODE_CHILD_SESSION", "1")
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(root))
    monkeypatch.setenv("CLAUDE_CODE_OAUTH_TOKEN", "fake-oauth-token")
    monkeypatch.setenv("CLAUDE_CODE_USE_BEDROCK", "1")
    return root


def extract(**options: Any) -> Any:
    return ClaudeCliExtractor(**options).extract(CHUNK, KNOWN)


# --- success -------------------------------------------------------------------------------------


def test_structured_output_becomes_an_extraction_with_usage(fake: FakeClaude) -> None:
    fake.queue({"stdout": result(result="", structured_output=REPLY)})
    extraction = extract()
    (candidate,) = extraction.candidates
    assert candidate.title == "Exports stream rows to keep memory flat on large tables"
    assert candidate.confidence == 0.85
    assert extraction.notes.request == "Make the export faster"
    assert extraction.usage == Usage(input_tokens=950, output_tokens=120)


def test_the_run_is_isolated_from_the_users_session(fake: FakeClaude, project: Path) -> None:
    fake.queue({"stdout": result(structured_output=REPLY)})
    extractor = ClaudeCliExtractor("claude-haiku-4-5")
    assert extractor.source == "claude-cli:claude-haiku-4-5"
    extractor.extract(CHUNK, KNOWN)
    (call,) = fake.calls
    env, argv = call["env"], call["argv"]

    for name in (
        "CLAUDECODE",
        "CLAUDE_CODE_ENTRYPOINT",
        "CLAUDE_CODE_SESSION_ID",
        "CLAUDE_CODE_CHILD_SESSION",
        "CLAUDE_PROJECT_DIR",
    ):
        assert name not in env
    assert env[NESTED_ENV] == "1"
    assert env["CLAUDE_CODE_DISABLE_AUTO_MEMORY"] == "1"
    assert env["CLAUDE_CODE_OAUTH_TOKEN"] == "fake-oauth-token"
    assert env["CLAUDE_CODE_USE_BEDROCK"] == "1"

    cwd = Path(call["cwd"])
    assert cwd != project
    assert project not in cwd.parents
    assert not cwd.exists(), "the throwaway working folder is removed after the run"

    def flag(name: str) -> str:
        return str(argv[argv.index(name) + 1])

    assert argv[0] == "-p"
    assert "--no-session-persistence" in argv
    assert flag("--output-format") == "json"
    assert flag("--model") == "claude-haiku-4-5"
    assert int(flag("--max-turns")) <= 4
    assert flag("--tools") == ""
    assert "--strict-mcp-config" in argv
    assert json.loads(flag("--mcp-config")) == {"mcpServers": {}}
    assert json.loads(flag("--settings")) == {"disableAllHooks": True}
    assert json.loads(flag("--json-schema")) == reply_schema()
    prompt = build_prompt(CHUNK, KNOWN)
    assert flag("--system-prompt") == prompt.system
    assert call["stdin"] == prompt.user
    assert CHUNK.text in call["stdin"]
    assert CHUNK.text not in " ".join(argv)


def test_without_json_schema_a_fenced_json_answer_is_read(fake: FakeClaude) -> None:
    text = "Here is the record:\n```json\n" + json.dumps(REPLY, indent=2) + "\n```\n"
    fake.queue({"stdout": result(result=text)})
    extraction = extract(json_schema=False)
    assert len(extraction.candidates) == 1
    assert "--json-schema" not in fake.calls[0]["argv"]


def test_the_array_output_shape_is_read(fake: FakeClaude) -> None:
    messages = [
        {"type": "system", "subtype": "init", "session_id": "s"},
        {"type": "assistant", "message": {"content": [{"type": "text", "text": "{}"}]}},
        json.loads(result(result=json.dumps(REPLY))),
    ]
    fake.queue({"stdout": json.dumps(messages)})
    extraction = extract()
    assert len(extraction.candidates) == 1
    assert extraction.usage.output_tokens == 120


# --- failures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (
            {
                "stdout": result(
                    subtype="error_max_turns", is_error=True, errors=["Reached max turns (3)"]
                ),
                "exit": 1,
            },
            "error_max_turns",
        ),
        (
            {
                "stdout": result(is_error=True, result="Not logged in · Please run /login"),
                "exit": 1,
            },
            "not logged in",
        ),
        ({"stdout": "Invalid API key · Please run /login\n", "exit": 1}, "not logged in"),
        ({"stdout": "", "stderr": "Error: Not logged in\n", "exit": 1}, "not logged in"),
        ({"stdout": "ECHO"}, "intercepted by a hook"),
        ({"stdout": "{not json at all", "exit": 0}, "did not print JSON"),
        ({"stdout": "", "stderr": "segfault in node\n", "exit": 134}, "exit status 134"),
        ({"stdout": result(result=""), "exit": 0}, "empty result"),
        ({"stdout": result(result="I could not find anything durable.")}, "holds no JSON"),
        ({"stdout": result(structured_output={"items": []})}, "no 'observations' list"),
        ({"stdout": result(structured_output=REPLY), "exit": 2}, "exited with status 2"),
        (
            {
                "stdout": "",
                "stderr": "Error: Claude Code cannot be launched inside another Claude Code "
                "session.\n",
                "exit": 1,
            },
            "refused to start inside another",
        ),
    ],
)
def test_failures_become_extractor_errors(
    fake: FakeClaude, reply: dict[str, Any], says: str
) -> None:
    fake.queue(reply)
    with pytest.raises(ExtractorError) as caught:
        extract()
    assert says in str(caught.value)
    assert str(caught.value).startswith("claude-cli:haiku: ")


def test_a_hanging_run_is_stopped_with_everything_it_started(fake: FakeClaude) -> None:
    fake.queue({"stdout": "", "sleep": 60, "spawn": True})
    started = time.monotonic()
    with pytest.raises(ExtractorError, match="no answer within 1s"):
        extract(timeout=1.0)
    assert time.monotonic() - started < 10
    (call,) = fake.calls
    for pid in (call["pid"], call["child"]):
        assert _gone(pid), f"process {pid} survived the timeout"


def _gone(pid: int, wait: float = 5.0) -> bool:
    """True once ``pid`` no longer exists or is a zombie waiting to be reaped."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            return True
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_a_missing_executable_is_an_extractor_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractorError, match="cannot run"):
        extract(executable=str(tmp_path / "no-such-claude"))


# --- pure parts ----------------------------------------------------------------------------------


def test_child_environment_keeps_credentials_and_marks_the_nesting() -> None:
    parent = {
        "CLAUDECODE": "1",
        "CLAUDE_PROJECT_DIR": "/p",
        "CLAUDE_CODE_OAUTH_TOKEN": "t",
        "ANTHROPIC_API_KEY": "k",
        "PATH": "/bin",
    }
    env = child_environment(parent)
    assert env == {
        "CLAUDE_CODE_OAUTH_TOKEN": "t",
        "ANTHROPIC_API_KEY": "k",
        "PATH": "/bin",
        NESTED_ENV: "1",
        "CLAUDE_CODE_DISABLE_AUTO_MEMORY": "1",
    }
    assert parent["CLAUDECODE"] == "1"
    assert is_nested(env)


@pytest.mark.parametrize(
    ("value", "nested"), [("1", True), ("yes", True), ("", False), ("0", False), (None, False)]
)
def test_is_nested(value: str | None, nested: bool) -> None:
    environ = {} if value is None else {NESTED_ENV: value}
    assert is_nested(environ) is nested


def test_the_last_result_of_an_array_wins_and_a_missing_one_is_an_error() -> None:
    first = json.loads(result(result="first"))
    last = json.loads(result(result="last"))
    assert parse_output(json.dumps([first, {"type": "x"}, last]), "", 0, "s")["result"] == "last"
    with pytest.raises(ExtractorError, match="no result message"):
        parse_output(json.dumps([{"type": "assistant"}]), "", 0, "s")
    with pytest.raises(ExtractorError, match="not a result message"):
        parse_output(json.dumps({"type": "assistant"}), "", 0, "s")


def test_a_successful_answer_about_logins_is_not_a_login_failure() -> None:
    reply = {
        "observations": [
            {"type": "gotcha", "title": "claude -p says Not logged in without the OAuth token"}
        ]
    }
    data = parse_output(result(structured_output=reply), "", 0, "s")
    assert reply_data(data, None, "s") == reply


def test_an_echo_is_recognised_even_when_it_contains_json() -> None:
    chunk = ChunkInput(text='config: {"observations": [], "notes": {}}')
    prompt = build_prompt(chunk, [])
    echo = "UserPromptSubmit operation blocked by hook: no\n\nOriginal prompt: " + prompt.user
    with pytest.raises(ExtractorError, match="intercepted by a hook"):
        reply_data({"result": echo}, prompt, "s")


def test_cli_available(fake: FakeClaude, tmp_path: Path) -> None:
    assert cli_available()
    assert not cli_available("memgit-no-such-claude")
    fake.queue({"stdout": "2.1.114 (Claude Code)\n"})
    assert cli_available(check_version=True)
    fake.queue({"stdout": "", "exit": 1})
    assert not cli_available(check_version=True)


def test_the_extractor_reads_the_injected_environment(fake: FakeClaude) -> None:
    fake.queue({"stdout": result(structured_output=REPLY)})
    environ = dict(os.environ, CLAUDECODE="1", MEMGIT_TEST_MARK="kept")
    ClaudeCliExtractor(environ=environ).extract(CHUNK, [])
    env = fake.calls[0]["env"]
    assert env["MEMGIT_TEST_MARK"] == "kept"
    assert "CLAUDECODE" not in env
