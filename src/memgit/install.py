"""Installing memgit into Claude Code: hooks in settings.json and the MCP server declaration.

``install`` merges memgit's handlers into ``.claude/settings.json`` (or the user's
``~/.claude/settings.json``) without touching anything else and without duplicating on a second
run; ``uninstall`` removes exactly the handlers memgit added. The same handler commands are used
by the plugin's ``hooks/hooks.json`` (``plugin_hooks``), so a repository can also be installed as a
Claude Code plugin. Every command runs ``claude-memgit`` (a name only this distribution installs)
and is guarded: where it is not installed, the hooks exit 0 quietly, and SessionStart says so once
through ``systemMessage``, naming any other ``memgit`` it found on PATH. Handlers written by
memgit 0.1 (which ran any ``memgit`` on PATH) are replaced on install and removed on uninstall.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memgit.distribution import COMMAND, CONTRACT, FIRST_RELEASE, INSTALL, INSTALL_UV
from memgit.errors import MemgitError
from memgit.fileio import atomic_write

#: (event, timeout in seconds). SessionEnd's budget is shared and short: memgit only queues there.
HOOK_EVENTS = (
    ("SessionStart", 15),
    ("UserPromptSubmit", 10),
    ("PostToolUse", 10),
    ("PreCompact", 10),
    ("Stop", 10),
    ("SubagentStop", 10),
    ("SessionEnd", 5),
)
MCP_SERVER = {"type": "stdio", "command": COMMAND, "args": ["mcp"]}
#: What memgit 0.1 declared: it ran whatever ``memgit`` was on PATH. Replaced on install.
LEGACY_MCP_SERVER = {"type": "stdio", "command": "memgit", "args": ["mcp"]}
NOT_INSTALLED = (
    f"memgit: the {COMMAND} command is not installed, so this session has no project memory. "
    f"Install it with `{INSTALL}` (or `{INSTALL_UV}`), then start a new session."
)
#: ``%s`` becomes the path of the other ``memgit`` (shell printf: no quote, backslash or other %).
FOREIGN = (
    "memgit: found %s, but it is another program named memgit (or a memgit older than "
    f"{FIRST_RELEASE}) and {COMMAND} is not installed, so this session has no project memory; "
    f"the hooks never run that memgit. Install this one with `{INSTALL}` (or `{INSTALL_UV}`), "
    "then start a new session."
)


def hook_command(event: str) -> str:
    """The shell command for ``event``: runs ``claude-memgit hook`` where it is installed.

    Only ``claude-memgit`` is ever run, never whatever ``memgit`` is on PATH (the unrelated PyPI
    project of that name, or a memgit too old for the hook contract). Where it is missing every
    event exits 0 silently, except SessionStart, which says once what was found and how to fix it.
    """
    run = f"{COMMAND} hook {event} --contract {CONTRACT}"
    present = f"command -v {COMMAND} >/dev/null 2>&1"
    if event != "SessionStart":
        return f"{present} && {run} || true"
    absent = json.dumps({"systemMessage": NOT_INSTALLED})
    foreign = json.dumps({"systemMessage": FOREIGN})
    return (
        f"if {present}; then {run}; "
        'elif found="$(command -v memgit 2>/dev/null)"; then '
        f"printf '{foreign}\\n' \"$(printf '%s' \"$found\" | tr -d '\"\\\\')\"; "
        f"else printf '%s\\n' '{absent}'; fi"
    )


def is_legacy_command(command: object) -> bool:
    """A hook command written by memgit 0.1, which ran any ``memgit`` on PATH."""
    return isinstance(command, str) and (
        command.startswith("if command -v memgit >/dev/null 2>&1; then memgit hook SessionStart;")
        or any(
            command == f"command -v memgit >/dev/null 2>&1 && memgit hook {event} || true"
            for event, _ in HOOK_EVENTS
        )
    )


def hook_entries() -> dict[str, list[dict[str, Any]]]:
    """memgit's handlers in Claude Code's ``hooks`` shape: event → matcher groups → handlers."""
    return {
        event: [
            {"hooks": [{"type": "command", "command": hook_command(event), "timeout": timeout}]}
        ]
        for event, timeout in HOOK_EVENTS
    }


def plugin_hooks() -> dict[str, Any]:
    """The content of the plugin's ``hooks/hooks.json``."""
    return {
        "description": "memgit: capture session memory into .memory/ and recall it",
        "hooks": hook_entries(),
    }


def _is_ours(handler: object) -> bool:
    """One of memgit's handlers: today's, or one an older memgit wrote."""
    if not isinstance(handler, dict):
        return False
    command = handler.get("command")
    return command in {hook_command(event) for event, _ in HOOK_EVENTS} or is_legacy_command(
        command
    )


def _is_current(handler: object) -> bool:
    return (
        isinstance(handler, dict)
        and not is_legacy_command(handler.get("command"))
        and _is_ours(handler)
    )


@dataclass(frozen=True)
class InstallReport:
    settings: Path
    added: tuple[str, ...]
    removed: tuple[str, ...]
    mcp: Path | None = None


def settings_path(scope: str, root: Path, home: Path) -> Path:
    if scope == "project":
        return root / ".claude" / "settings.json"
    if scope == "user":
        return home / "settings.json"
    raise MemgitError(f"unknown scope {scope!r}: use project or user")


def load_settings(path: Path) -> dict[str, Any]:
    """A Claude Code settings file as a dict ({} when missing); a clear error when not JSON."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise MemgitError(
            f"{path} is not valid JSON ({exc}); fix it by hand, then run this again"
        ) from None
    if not isinstance(data, dict):
        raise MemgitError(f"{path} must hold a JSON object; fix it by hand, then run this again")
    return data


def save_settings(path: Path, data: dict[str, Any]) -> None:
    """Write a settings file atomically, keeping its permissions."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=mode)


def install_hooks(path: Path) -> tuple[str, ...]:
    """Merge memgit's handlers into the settings file; returns the events that gained one."""
    data = load_settings(path)
    hooks = data.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise MemgitError(f"{path}: 'hooks' must be an object; fix it by hand, then run this again")
    added = []
    upgraded = _drop_handlers(hooks, _legacy_handler)  # an older memgit's: replaced below
    for event, groups in hook_entries().items():
        existing = hooks.setdefault(event, [])
        if not isinstance(existing, list):
            raise MemgitError(f"{path}: hooks.{event} must be a list; fix it by hand")
        present = any(
            _is_current(handler)
            for group in existing
            if isinstance(group, dict)
            for handler in group.get("hooks", [])
        )
        if not present:
            existing.extend(groups)
            added.append(event)
    if added or upgraded:
        save_settings(path, data)
    return tuple(added)


def _legacy_handler(handler: object) -> bool:
    return isinstance(handler, dict) and is_legacy_command(handler.get("command"))


def uninstall_hooks(path: Path) -> tuple[str, ...]:
    """Remove exactly memgit's handlers (and groups or events left empty by that)."""
    if not path.exists():
        return ()
    data = load_settings(path)
    hooks = data.get("hooks")
    if not isinstance(hooks, dict):
        return ()
    removed = _drop_handlers(hooks, _is_ours)
    if not hooks:
        del data["hooks"]
    if removed:
        save_settings(path, data)
    return removed


def _drop_handlers(hooks: dict[str, Any], unwanted: Callable[[object], bool]) -> tuple[str, ...]:
    """Remove the handlers ``unwanted`` picks (and groups or events left empty by that)."""
    removed = []
    for event in list(hooks):
        groups = hooks[event]
        if not isinstance(groups, list):
            continue
        kept_groups = []
        for group in groups:
            if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
                kept_groups.append(group)
                continue
            handlers = [h for h in group["hooks"] if not unwanted(h)]
            if len(handlers) != len(group["hooks"]):
                removed.append(event)
            if handlers:
                kept_groups.append({**group, "hooks": handlers})
        if kept_groups:
            hooks[event] = kept_groups
        else:
            del hooks[event]
    return tuple(dict.fromkeys(removed))


def mcp_path(scope: str, root: Path, home: Path) -> Path:
    """Project scope: ``.mcp.json`` in the repository; user scope: ``~/.claude.json``."""
    if scope == "project":
        return root / ".mcp.json"
    return home.parent / ".claude.json" if home.name == ".claude" else home / ".claude.json"


def install_mcp(path: Path) -> bool:
    data = load_settings(path)
    servers = data.setdefault("mcpServers", {})
    if not isinstance(servers, dict):
        raise MemgitError(f"{path}: 'mcpServers' must be an object; fix it by hand")
    if servers.get("memgit") == MCP_SERVER:
        return False
    servers["memgit"] = MCP_SERVER
    save_settings(path, data)
    return True


def uninstall_mcp(path: Path) -> bool:
    if not path.exists():
        return False
    data = load_settings(path)
    servers = data.get("mcpServers")
    if not isinstance(servers, dict) or servers.get("memgit") not in (
        MCP_SERVER,
        LEGACY_MCP_SERVER,
    ):
        return False
    del servers["memgit"]
    if not servers:
        del data["mcpServers"]
    if data or path.name != ".mcp.json":
        save_settings(path, data)
    else:
        path.unlink()
    return True


def claude_home(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    configured = env.get("CLAUDE_CONFIG_DIR")
    return Path(configured) if configured else Path.home() / ".claude"


def install(scope: str, root: Path, home: Path, *, mcp: bool = True) -> InstallReport:
    """Hooks (and the MCP server) in ``scope``'s settings. Raises ``hooksources.DoubleHooks``,
    with the command that fixes it, when memgit's hooks already come from another settings
    file or the memgit plugin: Claude Code would run every event twice."""
    from memgit.hooksources import check_before_install

    path = settings_path(scope, root, home)
    check_before_install(root, home, path)
    added = install_hooks(path)
    target = mcp_path(scope, root, home) if mcp else None
    if target is not None:
        install_mcp(target)
    return InstallReport(path, added, (), target)


def uninstall(scope: str, root: Path, home: Path) -> InstallReport:
    path = settings_path(scope, root, home)
    removed = uninstall_hooks(path)
    target = mcp_path(scope, root, home)
    uninstall_mcp(target)
    return InstallReport(path, (), removed, target)
