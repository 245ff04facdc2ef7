from __future__ import annotations

import json
from pathlib import Path

import pytest

from memgit.errors import MemgitError
from memgit.install import (
    MCP_SERVER,
    hook_entries,
    install,
    install_hooks,
    plugin_hooks,
    uninstall,
    uninstall_hooks,
)

ROOT = Path(__file__).resolve().parents[1]

THEIRS = {
    "permissions": {"allow": ["Bash(git status)"]},
    "hooks": {
        "PostToolUse": [
            {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "ruff format"}]}
        ],
        "Notification": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
    },
    "env": {"FOO": "1"},
}


def test_install_merges_without_touching_anything_else(tmp_path: Path) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps(THEIRS, indent=2), encoding="utf-8")
    added = install_hooks(path)
    assert set(added) == set(hook_entries())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["permissions"] == THEIRS["permissions"]
    assert data["env"] == THEIRS["env"]
    assert data["hooks"]["Notification"] == THEIRS["hooks"]["Notification"]
    assert data["hooks"]["PostToolUse"][0] == THEIRS["hooks"]["PostToolUse"][0]
    assert len(data["hooks"]["PostToolUse"]) == 2


def test_second_install_does_not_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    install_hooks(path)
    first = path.read_text(encoding="utf-8")
    assert install_hooks(path) == ()
    assert path.read_text(encoding="utf-8") == first


def test_uninstall_removes_exactly_what_install_added(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(THEIRS), encoding="utf-8")
    install_hooks(path)
    removed = uninstall_hooks(path)
    assert set(removed) == set(hook_entries())
    assert json.loads(path.read_text(encoding="utf-8")) == THEIRS
    assert uninstall_hooks(path) == ()


def test_uninstall_on_a_file_with_only_memgit_leaves_an_empty_object(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    install_hooks(path)
    uninstall_hooks(path)
    assert json.loads(path.read_text(encoding="utf-8")) == {}


def test_broken_settings_are_reported_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(MemgitError, match="not valid JSON"):
        install_hooks(path)
    assert path.read_text(encoding="utf-8") == "{ not json"


def test_project_and_user_scope_with_mcp(tmp_path: Path) -> None:
    root, home = tmp_path / "repo", tmp_path / "home" / ".claude"
    root.mkdir()
    report = install("project", root, home)
    assert report.settings == root / ".claude" / "settings.json"
    assert json.loads((root / ".mcp.json").read_text())["mcpServers"]["memgit"] == MCP_SERVER
    uninstall("project", root, home)
    assert not (root / ".mcp.json").exists()
    user = install("user", root, home)
    assert user.settings == home / "settings.json"
    assert (tmp_path / "home" / ".claude.json").exists()


def test_the_plugin_files_match_what_install_writes() -> None:
    hooks = json.loads((ROOT / "hooks" / "hooks.json").read_text(encoding="utf-8"))
    assert hooks == plugin_hooks()
    plugin = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))
    assert plugin["name"] == "memgit"
    assert isinstance(plugin["keywords"], list)
    market = json.loads((ROOT / ".claude-plugin" / "marketplace.json").read_text(encoding="utf-8"))
    assert market["plugins"][0]["name"] == "memgit"
    assert market["plugins"][0]["source"] == "./"
    assert {"name", "owner", "plugins"} <= set(market)
    from memgit import __version__

    assert plugin["version"] == market["plugins"][0]["version"] == __version__
