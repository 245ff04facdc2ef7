"""Where memgit's Claude Code hooks are configured, and which events would run them twice.

Claude Code runs the hooks of every settings file (user ``~/.claude/settings.json``, project
``.claude/settings.json``, local ``.claude/settings.local.json``) and of every enabled plugin, all
in parallel. Identical handlers from several settings files are deduplicated; a plugin's copy is
not, and neither are handlers whose command text differs (say one installed by an older memgit).
Two effective memgit handlers for one event capture and inject everything twice.

A handler is memgit's when its command mentions ``memgit`` and ``hook <Event>`` (whatever the
command that finds memgit looks like). The memgit plugin counts when ``enabledPlugins`` turns on
``memgit@<marketplace>`` (the nearest settings file that names it decides), or when Claude Code's
``plugins/installed_plugins.json`` records it for the user or for this project and no settings
file turns it off. ``memgit doctor`` reports doubles; ``memgit install`` refuses to add a second
set (``DoubleHooks``) and names the command that fixes it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memgit.distribution import EVENTS
from memgit.errors import MemgitError

PLUGIN_NAME = "memgit"
_MEMGIT_HOOK = re.compile(r"memgit\b.*\bhook\s+(" + "|".join(EVENTS) + r")\b")


class DoubleHooks(MemgitError):
    """Installing here would give Claude Code a second set of memgit hooks."""


def memgit_event(command: object) -> str | None:
    """The event a handler's command runs memgit's hook for, or None when it is not memgit's."""
    if not isinstance(command, str) or "memgit" not in command:
        return None
    match = _MEMGIT_HOOK.search(command)
    return match[1] if match else None


@dataclass
class HookSource:
    """One place Claude Code takes hooks from, with memgit's handlers there."""

    label: str  # "user settings (~/.claude/settings.json)", "plugin memgit@tools"
    kind: str  # "user", "project", "local" or "plugin"
    path: Path
    commands: dict[str, set[str]] = field(default_factory=dict)  # event -> commands

    @property
    def plugin(self) -> bool:
        return self.kind == "plugin"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def settings_files(root: Path, home: Path) -> list[tuple[str, Path]]:
    """The settings files, farthest first: user, project, local."""
    return [
        ("user", home / "settings.json"),
        ("project", root / ".claude" / "settings.json"),
        ("local", root / ".claude" / "settings.local.json"),
    ]


def _memgit_commands(data: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    hooks = data.get("hooks")
    if not isinstance(hooks, dict):
        return found
    for groups in hooks.values():
        for group in groups if isinstance(groups, list) else []:
            handlers = group.get("hooks") if isinstance(group, dict) else None
            for handler in handlers if isinstance(handlers, list) else []:
                command = handler.get("command") if isinstance(handler, dict) else None
                event = memgit_event(command)
                if event is not None and isinstance(command, str):
                    found.setdefault(event, set()).add(command)
    return found


def _enabled_plugins(root: Path, home: Path) -> dict[str, tuple[bool, Path]]:
    """``memgit@…`` → (enabled, the settings file that decided), nearest file winning."""
    state: dict[str, tuple[bool, Path]] = {}
    for _, path in settings_files(root, home):
        plugins = _read_json(path).get("enabledPlugins")
        if not isinstance(plugins, dict):
            continue
        for key, value in plugins.items():
            if isinstance(key, str) and key.split("@", 1)[0] == PLUGIN_NAME:
                state[key] = (value is True, path)
    return state


def _installed_plugins(root: Path, home: Path) -> dict[str, Path]:
    """``memgit@…`` recorded in ``installed_plugins.json`` for the user or for ``root``."""
    path = home / "plugins" / "installed_plugins.json"
    plugins = _read_json(path).get("plugins")
    found: dict[str, Path] = {}
    if not isinstance(plugins, dict):
        return found
    for key, entries in plugins.items():
        if not isinstance(key, str) or key.split("@", 1)[0] != PLUGIN_NAME:
            continue
        for entry in entries if isinstance(entries, list) else [entries]:
            if not isinstance(entry, dict):
                continue
            scope = entry.get("scope", "user")
            project = entry.get("projectPath")
            if scope == "user" or (
                isinstance(project, str) and Path(project).resolve() == root.resolve()
            ):
                found[key] = path
    return found


def find_sources(root: Path, home: Path) -> list[HookSource]:
    """Every place memgit's hooks come from for a session in ``root``."""
    sources: list[HookSource] = []
    for kind, path in settings_files(root, home):
        commands = _memgit_commands(_read_json(path))
        if commands:
            sources.append(HookSource(f"{kind} settings ({path})", kind, path, commands))
    enabled = _enabled_plugins(root, home)
    installed = _installed_plugins(root, home)
    for key in sorted(set(enabled) | set(installed)):
        on, decided = enabled.get(key, (True, installed.get(key, Path())))
        if not on:
            continue
        every = {event: {f"plugin {key}"} for event in EVENTS}
        sources.append(HookSource(f"plugin {key} (enabled in {decided})", "plugin", decided, every))
    return sources


def doubled_events(sources: list[HookSource]) -> dict[str, list[HookSource]]:
    """Events that would run memgit's hook more than once, with the sources behind each."""
    doubled: dict[str, list[HookSource]] = {}
    for event in EVENTS:
        having = [s for s in sources if event in s.commands]
        settings_commands = {c for s in having if not s.plugin for c in s.commands[event]}
        effective = len(settings_commands) + sum(1 for s in having if s.plugin)
        if effective > 1:
            doubled[event] = having
    return doubled


def fix_for(sources: list[HookSource]) -> str:
    """The command that leaves one set: keep the plugin, else the project's."""
    kinds = {s.kind for s in sources}
    steps: list[str] = []
    if "plugin" in kinds:
        if "project" in kinds:
            steps.append("`memgit uninstall --project`")
        if "user" in kinds:
            steps.append("`memgit uninstall --user`")
    elif {"user", "project"} <= kinds:
        steps.append("`memgit uninstall --user`")
    if "local" in kinds:
        steps.append("remove memgit's entries from .claude/settings.local.json")
    if not steps:  # twice in one file: reinstall leaves one
        kind = next(iter(kinds))
        flag = "--user" if kind == "user" else "--project"
        steps.append(f"`memgit uninstall {flag} && memgit install {flag}`")
    return " and ".join(steps)


def check_before_install(root: Path, home: Path, target: Path) -> None:
    """Raise ``DoubleHooks`` when memgit's hooks already come from somewhere but ``target``."""
    elsewhere = [s for s in find_sources(root, home) if s.path != target or s.plugin]
    if not elsewhere:
        return
    where = "; ".join(s.label for s in elsewhere)
    scope = "--user" if target.parent == home else "--project"
    if any(s.plugin for s in elsewhere):
        plugin = next(s for s in elsewhere if s.plugin).label.split()[1]
        fix = (
            "the plugin already captures and recalls memory, nothing to add; to use settings "
            f"instead: `claude plugin disable {plugin}`, then `memgit install {scope}`"
        )
    else:
        other = "--project" if scope == "--user" else "--user"
        fix = (
            "they already run for this repository, nothing to add; to move them here: "
            f"`memgit uninstall {other} && memgit install {scope}`"
        )
    raise DoubleHooks(
        f"memgit's Claude Code hooks already come from {where}: adding them to {target} would "
        f"run every event twice. {fix}"
    )
