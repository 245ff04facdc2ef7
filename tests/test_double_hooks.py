"""Hooks that would run twice: found by ``memgit doctor``, refused by ``memgit install``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.hooksources import doubled_events, find_sources, memgit_event
from memgit.install import HOOK_EVENTS, hook_command, hook_entries

from .conftest import Result


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "claude-home"
    folder.mkdir()
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(folder))
    return folder


def _write(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def _old_style_hooks() -> dict[str, object]:
    """memgit's handlers as another version wrote them: other text, same hooks."""
    return {
        "hooks": {
            event: [{"hooks": [{"type": "command", "command": f"/opt/bin/memgit hook {event}"}]}]
            for event in ("SessionStart", "Stop")
        }
    }


def _doctor(cli: Callable[..., Result], root: Path) -> list[dict[str, str]]:
    done = cli("doctor", "--json", cwd=root)
    return [f for f in json.loads(done.out) if "twice" in f["message"]]


def test_memgit_handlers_are_recognised_by_what_they_run() -> None:
    assert memgit_event("command -v memgit >/dev/null 2>&1 && memgit hook Stop || true") == "Stop"
    assert memgit_event('"$HOME/.local/bin/memgit" hook SessionStart') == "SessionStart"
    assert memgit_event("python -m memgit hook PostToolUse") == "PostToolUse"
    for event, _ in HOOK_EVENTS:  # what `memgit install` and the plugin write today
        assert memgit_event(hook_command(event)) == event
    assert memgit_event("memgit generate") is None
    assert memgit_event("other-tool hook Stop") is None


def test_user_and_project_settings_with_different_commands_run_twice(
    memory_repo: Path, home: Path, cli: Callable[..., Result]
) -> None:
    assert cli("install", cwd=memory_repo).code == 0
    assert _doctor(cli, memory_repo) == []
    _write(home / "settings.json", _old_style_hooks())
    (finding,) = _doctor(cli, memory_repo)
    assert finding["level"] == "error"
    assert "SessionStart, Stop" in finding["message"]
    assert str(home / "settings.json") in finding["message"]
    assert "`memgit uninstall --user`" in finding["fix"]


def test_identical_handlers_in_two_settings_files_are_deduplicated_by_claude_code(
    memory_repo: Path, home: Path
) -> None:
    _write(home / "settings.json", {"hooks": hook_entries()})
    _write(memory_repo / ".claude" / "settings.json", {"hooks": hook_entries()})
    assert doubled_events(find_sources(memory_repo, home)) == {}


def test_the_plugin_plus_settings_runs_twice_and_install_refuses(
    memory_repo: Path, home: Path, cli: Callable[..., Result]
) -> None:
    _write(home / "settings.json", {"enabledPlugins": {"memgit@tools": True}})
    refused = cli("install", cwd=memory_repo)
    assert refused.code == 1
    assert "plugin memgit@tools" in refused.err
    assert "run every event twice" in refused.err
    assert "`claude plugin disable memgit@tools`" in refused.err
    assert not (memory_repo / ".claude" / "settings.json").exists()
    init = cli("init", "--no-git-hooks", cwd=memory_repo)  # init keeps going without them
    assert init.code == 0
    assert "Claude Code hooks not added" in init.out
    _write(memory_repo / ".claude" / "settings.json", {"hooks": hook_entries()})
    (finding,) = _doctor(cli, memory_repo)
    assert "plugin memgit@tools" in finding["message"]
    assert "`memgit uninstall --project`" in finding["fix"]
    # Turned off nearer the project: no longer a double.
    _write(
        memory_repo / ".claude" / "settings.local.json", {"enabledPlugins": {"memgit@tools": False}}
    )
    assert _doctor(cli, memory_repo) == []


def test_a_plugin_recorded_as_installed_counts_unless_turned_off(
    memory_repo: Path, home: Path
) -> None:
    _write(
        home / "plugins" / "installed_plugins.json",
        {"version": 2, "plugins": {"memgit@tools": [{"scope": "user", "version": "0.1.0"}]}},
    )
    _write(memory_repo / ".claude" / "settings.json", {"hooks": hook_entries()})
    assert set(doubled_events(find_sources(memory_repo, home))) == {
        "SessionStart", "UserPromptSubmit", "PostToolUse", "PreCompact", "Stop", "SubagentStop",
        "SessionEnd",
    }  # fmt: skip
    other = memory_repo.parent / "elsewhere"
    _write(
        home / "plugins" / "installed_plugins.json",
        {"plugins": {"memgit@tools": [{"scope": "project", "projectPath": str(other)}]}},
    )
    assert doubled_events(find_sources(memory_repo, home)) == {}


def test_install_in_a_second_scope_is_refused_with_the_fix(
    memory_repo: Path, home: Path, cli: Callable[..., Result]
) -> None:
    assert cli("install", cwd=memory_repo).code == 0
    again = cli("install", cwd=memory_repo)
    assert again.code == 0  # the same scope again: idempotent
    user = cli("install", "--user", cwd=memory_repo)
    assert user.code == 1
    assert "`memgit uninstall --project && memgit install --user`" in user.err
    assert not (home / "settings.json").exists()
