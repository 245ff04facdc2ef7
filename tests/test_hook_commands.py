"""The hook commands as Claude Code runs them (``sh -c``), with another program called ``memgit``.

The unrelated PyPI project ``memgit`` installs a ``memgit`` command that fails on ``memgit hook
SessionStart``. The plugin's hooks (``hooks/hooks.json``) and the settings hooks that ``memgit
install`` writes must run this memgit (through ``claude-memgit``) or nothing: never that one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from memgit.doctor import check_command
from memgit.install import HOOK_EVENTS, hook_command, install_hooks, uninstall_hooks

from .conftest import SRC

ROOT = Path(__file__).resolve().parents[1]
EVENTS = [event for event, _ in HOOK_EVENTS]
SYSTEM_PATH = "/usr/bin:/bin"
#: What memgit 0.1 wrote into settings: it ran any ``memgit`` on PATH.
LEGACY_SESSION_START = (
    "if command -v memgit >/dev/null 2>&1; then memgit hook SessionStart; else printf '%s\\n' "
    '\'{"systemMessage": "memgit plugin: the memgit command is not installed, so this session has '
    "no project memory. Install it with `pipx install memgit` (or `uv tool install memgit`), then "
    "start a new session.\"}'; fi"
)


def legacy_command(event: str) -> str:
    if event == "SessionStart":
        return LEGACY_SESSION_START
    return f"command -v memgit >/dev/null 2>&1 && memgit hook {event} || true"


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """A folder holding another ``memgit``: it records each run and fails as the real one does."""
    folder = tmp_path / "foreign-bin"
    folder.mkdir()
    script = folder / "memgit"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {folder / "ran.log"}\n'
        "echo \"Error: No such command '$2'.\" >&2\n"
        "exit 2\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return folder


@pytest.fixture
def ours(tmp_path: Path) -> Path:
    """A folder holding this checkout's ``claude-memgit`` and ``memgit``, as pip writes them."""
    folder = tmp_path / "our-bin"
    folder.mkdir()
    launcher = (
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(SRC)!r})\n"
        "from memgit.__main__ import main\n"
        "sys.exit(main())\n"
    )
    for name in ("claude-memgit", "memgit"):
        (folder / name).write_text(launcher, encoding="utf-8")
        (folder / name).chmod(0o755)
    return folder


def plugin_commands() -> dict[str, str]:
    data = json.loads((ROOT / "hooks" / "hooks.json").read_text(encoding="utf-8"))
    return {event: groups[0]["hooks"][0]["command"] for event, groups in data["hooks"].items()}


def settings_commands(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "written" / "settings.json"
    path.parent.mkdir()
    install_hooks(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    return {event: groups[0]["hooks"][0]["command"] for event, groups in data["hooks"].items()}


@pytest.fixture(params=["plugin", "settings"])
def commands(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    found = plugin_commands() if request.param == "plugin" else settings_commands(tmp_path)
    assert sorted(found) == sorted(EVENTS)
    return found


def run_hook(command: str, event: str, repo: Path, path: str) -> subprocess.CompletedProcess[str]:
    payload = {
        "session_id": "6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43",
        "transcript_path": str(repo / "missing.jsonl"),
        "cwd": str(repo),
        "hook_event_name": event,
        "prompt": "why are the timestamps off",
        "tool_name": "Edit",
        "tool_input": {"file_path": str(repo / "a.py")},
    }
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = path
    return subprocess.run(
        ["sh", "-c", command],
        input=json.dumps(payload),
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_foreign_memgit_alone_gives_one_message_and_never_runs(
    memory_repo: Path, foreign: Path, commands: dict[str, str]
) -> None:
    path = f"{foreign}:{SYSTEM_PATH}"
    for event in EVENTS:
        done = run_hook(commands[event], event, memory_repo, path)
        assert (done.returncode, done.stderr) == (0, ""), event
        if event != "SessionStart":
            assert done.stdout == "", event
            continue
        output = json.loads(done.stdout)
        assert list(output) == ["systemMessage"]
        message = output["systemMessage"]
        assert str(foreign / "memgit") in message
        assert "another program named memgit" in message
        assert "`pipx install claude-memgit`" in message
        assert done.stdout.count("\n") == 1
    assert not (foreign / "ran.log").exists()
    assert not (memory_repo / ".git" / "memgit" / "queue").exists()


def test_ours_runs_even_with_a_foreign_memgit_first_on_path(
    memory_repo: Path, foreign: Path, ours: Path, commands: dict[str, str]
) -> None:
    path = f"{foreign}:{ours}:{SYSTEM_PATH}"
    done = run_hook(commands["PostToolUse"], "PostToolUse", memory_repo, path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    (queued,) = (memory_repo / ".git" / "memgit" / "queue").glob("*.jsonl")
    assert json.loads(queued.read_text(encoding="utf-8"))["tool"] == "Edit"
    for event in ("SessionStart", "UserPromptSubmit"):
        done = run_hook(commands[event], event, memory_repo, path)
        assert (done.returncode, done.stderr) == (0, ""), event
        if done.stdout:
            assert "hookSpecificOutput" in json.loads(done.stdout)
    assert not (foreign / "ran.log").exists()


def test_nothing_installed_says_so_once(memory_repo: Path, commands: dict[str, str]) -> None:
    for event in EVENTS:
        done = run_hook(commands[event], event, memory_repo, SYSTEM_PATH)
        assert (done.returncode, done.stderr) == (0, ""), event
        if event == "SessionStart":
            message = json.loads(done.stdout)["systemMessage"]
            assert "claude-memgit command is not installed" in message
            assert "`pipx install claude-memgit`" in message
        else:
            assert done.stdout == ""


def test_hooks_newer_than_this_memgit_stay_silent_and_say_so_at_session_start(
    memory_repo: Path, ours: Path
) -> None:
    path = f"{ours}:{SYSTEM_PATH}"
    for event in EVENTS:
        command = hook_command(event).replace("--contract 1", "--contract 99")
        assert "--contract 99" in command
        done = run_hook(command, event, memory_repo, path)
        assert (done.returncode, done.stderr) == (0, ""), event
        if event == "SessionStart":
            message = json.loads(done.stdout)["systemMessage"]
            assert "--contract 99" in message
            assert "`pipx upgrade claude-memgit`" in message
        else:
            assert done.stdout == "", event
    assert not (memory_repo / ".git" / "memgit" / "queue").exists()


def test_a_path_with_quotes_still_gives_valid_json(memory_repo: Path, tmp_path: Path) -> None:
    odd = tmp_path / 'odd "folder" \\ here'
    odd.mkdir()
    (odd / "memgit").write_text("#!/bin/sh\nexit 2\n", encoding="utf-8")
    (odd / "memgit").chmod(0o755)
    done = run_hook(hook_command("SessionStart"), "SessionStart", memory_repo, f"{odd}:/usr/bin")
    assert "odd folder" in json.loads(done.stdout)["systemMessage"]


def test_install_replaces_the_hooks_an_older_memgit_wrote(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    theirs = {"type": "command", "command": "ruff format"}
    old = {
        "hooks": {
            event: [{"hooks": [{"type": "command", "command": legacy_command(event)}]}]
            for event in EVENTS
        }
    }
    old["hooks"]["PostToolUse"].insert(0, {"matcher": "Edit", "hooks": [theirs]})
    path.write_text(json.dumps(old), encoding="utf-8")
    assert set(install_hooks(path)) == set(EVENTS)
    data = json.loads(path.read_text(encoding="utf-8"))
    written = [h["command"] for v in data["hooks"].values() for g in v for h in g["hooks"]]
    assert sorted(written) == sorted([*(hook_command(e) for e in EVENTS), "ruff format"])
    assert install_hooks(path) == ()
    assert set(uninstall_hooks(path)) == set(EVENTS)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [theirs]}]}
    }


def test_uninstall_removes_the_hooks_an_older_memgit_wrote(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    old = {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": legacy_command("Stop")}]}]}}
    path.write_text(json.dumps(old), encoding="utf-8")
    assert uninstall_hooks(path) == ("Stop",)
    assert json.loads(path.read_text(encoding="utf-8")) == {}


def _doctor(memory_repo: Path, monkeypatch: pytest.MonkeyPatch, path: str) -> list[str]:
    from memgit.api import Memory

    monkeypatch.setenv("PATH", path)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(memory_repo.parent / "claude-home"))
    memory = Memory.open(memory_repo)
    return [f"{f.level} {f.message} | {f.fix}" for f in check_command(memory)]


def test_doctor_reports_a_foreign_memgit_without_claude_memgit(
    memory_repo: Path, foreign: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (finding,) = _doctor(memory_repo, monkeypatch, f"{foreign}:{SYSTEM_PATH}")
    assert finding.startswith("warn no claude-memgit on PATH")
    assert str(foreign / "memgit") in finding
    assert "`pipx install claude-memgit`" in finding


def test_doctor_reports_a_foreign_memgit_ahead_of_ours(
    memory_repo: Path, foreign: Path, ours: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (finding,) = _doctor(memory_repo, monkeypatch, f"{foreign}:{ours}:{SYSTEM_PATH}")
    assert finding.startswith(f"warn the memgit on PATH ({foreign / 'memgit'}) is not the one")
    assert str(ours) in finding


def test_doctor_is_content_with_our_own_pair(
    memory_repo: Path, ours: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (finding,) = _doctor(memory_repo, monkeypatch, f"{ours}:{SYSTEM_PATH}")
    assert finding.startswith(f"ok hooks and MCP server run {ours / 'claude-memgit'}")


def test_doctor_reports_settings_hooks_an_older_memgit_wrote(
    memory_repo: Path, ours: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = memory_repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    old = {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": legacy_command("Stop")}]}]}}
    settings.write_text(json.dumps(old), encoding="utf-8")
    ok, legacy = _doctor(memory_repo, monkeypatch, f"{ours}:{SYSTEM_PATH}")
    assert ok.startswith("ok ")
    assert legacy.startswith(f"warn {settings} has hooks from memgit 0.1")
    assert "`memgit install` replaces them" in legacy
    install_hooks(settings)
    (ok,) = _doctor(memory_repo, monkeypatch, f"{ours}:{SYSTEM_PATH}")
    assert ok.startswith("ok ")


def test_doctor_reports_an_mcp_declaration_an_older_memgit_wrote(
    memory_repo: Path, ours: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from memgit.install import LEGACY_MCP_SERVER, install_mcp

    declared = memory_repo / ".mcp.json"
    declared.write_text(json.dumps({"mcpServers": {"memgit": LEGACY_MCP_SERVER}}), encoding="utf-8")
    ok, legacy = _doctor(memory_repo, monkeypatch, f"{ours}:{SYSTEM_PATH}")
    assert legacy.startswith(f"warn {declared} starts the MCP server as `memgit mcp`")
    assert install_mcp(declared)
    assert json.loads(declared.read_text(encoding="utf-8"))["mcpServers"]["memgit"]["command"] == (
        "claude-memgit"
    )
    (ok,) = _doctor(memory_repo, monkeypatch, f"{ours}:{SYSTEM_PATH}")
    assert ok.startswith("ok ")
