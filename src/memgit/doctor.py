"""``memgit doctor``: check the index, memory files, configuration and local state; say what to do.

Each check returns findings with a level (ok, warn, error), what is wrong and the command or edit
that fixes it. ``repair`` applies the fixes that are safe to automate.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from memgit.config import load_config
from memgit.errors import LockTimeout, MemgitError
from memgit.paths import Paths

if TYPE_CHECKING:
    from memgit.api import Memory


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warn" or "error"
    topic: str
    message: str
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level, "topic": self.topic, "message": self.message, "fix": self.fix}


def check(memory: Memory) -> list[Finding]:
    return [
        *check_config(memory.paths),
        *check_template(memory.paths),
        *check_state(memory.paths),
        *check_index(memory),
        *check_hooks(memory),
        *check_command(memory),
        *check_capture(memory),
        *check_staleness(memory),
        *check_contradictions(memory),
        *check_pending(memory),
        *check_git(memory.paths),
    ]


def check_hooks(memory: Memory) -> list[Finding]:
    """Are memgit's Claude Code hooks installed (project or user settings, or as a plugin)?"""
    import json

    from memgit.install import claude_home, hook_command, settings_path

    places = [
        settings_path("project", memory.paths.root, claude_home()),
        memory.paths.root / ".claude" / "settings.local.json",
        settings_path("user", memory.paths.root, claude_home()),
    ]
    wanted = hook_command("PostToolUse")
    for place in places:
        try:
            text = place.read_text(encoding="utf-8")
        except OSError:
            continue
        if json.dumps(wanted)[1:-1] in text or wanted in text:
            return [Finding("ok", "hooks", f"Claude Code hooks installed in {place}")]
    return [
        Finding(
            "warn",
            "hooks",
            "no memgit hooks in Claude Code settings (fine if you use the memgit plugin)",
            "`memgit install` (or install the plugin: /plugin marketplace add, /plugin install)",
        )
    ]


def check_command(memory: Memory) -> list[Finding]:
    """Do Claude Code's hooks and MCP server run this memgit, and does ``memgit`` on PATH?

    They run ``claude-memgit`` (a name only this distribution installs). The ``memgit`` on PATH is
    this one when it is the same script as ``claude-memgit`` (pip, pipx and uv write both from the
    same entry point); anything else is another program of that name or an older memgit.
    Settings hooks written by memgit 0.1 ran any ``memgit`` on PATH: ``memgit install`` replaces
    them.
    """
    import shutil

    from memgit.distribution import COMMAND, FIRST_RELEASE, INSTALL

    findings: list[Finding] = []
    ours = shutil.which(COMMAND)
    typed = shutil.which("memgit")
    if ours is None:
        found = f"; the memgit on PATH is {typed}" if typed else ""
        findings.append(
            Finding(
                "warn",
                "command",
                f"no {COMMAND} on PATH, so Claude Code's memgit hooks and MCP server do nothing"
                f"{found} (this memgit runs from {sys.argv[0]})",
                f"`{INSTALL}` (or put the folder holding this memgit's {COMMAND} on PATH)",
            )
        )
    elif typed is not None and not _same_script(Path(typed), Path(ours)):
        findings.append(
            Finding(
                "warn",
                "command",
                f"the memgit on PATH ({typed}) is not the one beside {ours}: another program "
                f"named memgit, or a memgit older than {FIRST_RELEASE}. Hooks and the MCP server "
                "are fine (they run claude-memgit), but the memgit you type runs that one",
                f"remove it (`pipx uninstall memgit` if it came from PyPI's unrelated memgit), "
                f"or put {Path(ours).parent} first on PATH, or type {COMMAND} instead",
            )
        )
    else:
        findings.append(Finding("ok", "command", f"hooks and MCP server run {ours}"))
    findings.extend(_legacy_hook_findings(memory))
    return findings


def _same_script(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve() or first.read_bytes() == second.read_bytes()
    except OSError:
        return False


def _legacy_hook_findings(memory: Memory) -> list[Finding]:
    import json

    from memgit.install import claude_home, is_legacy_command, settings_path

    places = [
        ("`memgit install`", settings_path("project", memory.paths.root, claude_home())),
        ("`memgit install`", memory.paths.root / ".claude" / "settings.local.json"),
        ("`memgit install --user`", settings_path("user", memory.paths.root, claude_home())),
    ]
    findings = []
    for fix, place in places:
        try:
            data = json.loads(place.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        hooks = data.get("hooks") if isinstance(data, dict) else None
        groups = (
            [g for v in hooks.values() if isinstance(v, list) for g in v]
            if isinstance(hooks, dict)
            else []
        )
        if any(
            isinstance(h, dict) and is_legacy_command(h.get("command"))
            for g in groups
            if isinstance(g, dict) and isinstance(g.get("hooks"), list)
            for h in g["hooks"]
        ):
            findings.append(
                Finding(
                    "warn",
                    "command",
                    f"{place} has hooks from memgit 0.1, which run any memgit on PATH",
                    f"{fix} replaces them with hooks that run only claude-memgit",
                )
            )
    if _declares_legacy_mcp(memory.paths.root / ".mcp.json"):
        findings.append(
            Finding(
                "warn",
                "command",
                f"{memory.paths.root / '.mcp.json'} starts the MCP server as `memgit mcp` "
                "(memgit 0.1), which runs any memgit on PATH",
                "`memgit install` declares it as `claude-memgit mcp`",
            )
        )
    return findings


def _declares_legacy_mcp(path: Path) -> bool:
    import json

    from memgit.install import LEGACY_MCP_SERVER

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    servers = data.get("mcpServers") if isinstance(data, dict) else None
    return isinstance(servers, dict) and servers.get("memgit") == LEGACY_MCP_SERVER


def check_capture(memory: Memory) -> list[Finding]:
    """Model spend against the budgets, and capture work waiting in the queue."""
    from memgit.model import utcnow
    from memgit.spend import Ledger, over_budget

    findings: list[Finding] = []
    spend = Ledger(memory.paths.state).spent(utcnow())
    budget = memory.config.budget
    recent = sum(list(spend.days.values())[-7:])
    message = (
        f"model tokens spent today: {spend.today} (daily budget {budget.daily_tokens or 'none'}); "
        f"last 7 days: {recent}"
    )
    reason = over_budget(spend, budget)
    if reason:
        findings.append(
            Finding(
                "warn",
                "spend",
                f"{message}; {reason}",
                "raise budget.daily_tokens in .memory/config.yaml, or wait for tomorrow",
            )
        )
    else:
        findings.append(Finding("ok", "spend", message))
    deferred = memory.paths.state / "queue" / "deferred"
    waiting = sorted(deferred.glob("*.jsonl")) if deferred.is_dir() else []
    if waiting:
        findings.append(
            Finding(
                "warn",
                "capture",
                f"{len(waiting)} sessions wait for a retry of their extraction "
                f"(see {memory.paths.logs / 'worker.log'})",
                "it retries at the next session start; `memgit ingest TRANSCRIPT` runs it now",
            )
        )
    return findings


def check_config(paths: Paths) -> list[Finding]:
    try:
        config = load_config(paths.config_file)
    except MemgitError as exc:
        return [Finding("error", "config", str(exc), "edit .memory/config.yaml (see its comments)")]
    where = paths.relative(paths.config_file) if paths.config_file.exists() else "defaults"
    return [Finding("ok", "config", f"settings valid ({where}; extractor {config.extractor})")]


def check_template(paths: Paths) -> list[Finding]:
    from memgit.api import TEMPLATE_FILES

    missing = [name for name in TEMPLATE_FILES if not (paths.memory / name).exists()]
    if missing:
        return [
            Finding(
                "warn",
                "files",
                f".memory/ lacks {', '.join(missing)}",
                "`memgit init` (or `memgit doctor --fix`) restores them without touching others",
            )
        ]
    return [Finding("ok", "files", ".memory/ has its README, config and .gitignore")]


def check_state(paths: Paths) -> list[Finding]:
    state = paths.state
    if state.exists() and not os.access(state, os.W_OK):
        return [
            Finding(
                "error",
                "state",
                f"{state} is not writable",
                f"fix its permissions: chmod u+w {state}",
            )
        ]
    return [Finding("ok", "state", f"local state in {state}")]


def check_index(memory: Memory) -> list[Finding]:
    findings: list[Finding] = []
    try:
        if memory.index.health().exists:
            memory.index.sync()  # cheap when fresh; surfaces files broken since the last sync
        health = memory.index.health()
    except LockTimeout as exc:
        findings.append(Finding("warn", "index", str(exc), "wait, then run `memgit doctor` again"))
        health = memory.index.health()
    except MemgitError as exc:
        return [Finding("error", "index", str(exc), "`memgit reindex --full`")]
    if not health.exists:
        findings.append(
            Finding(
                "warn",
                "index",
                f"no search index yet for {health.files} files",
                "`memgit reindex` (searches also build it on first use)",
            )
        )
    elif health.stale:
        findings.append(
            Finding(
                "warn",
                "index",
                f"{health.stale} memory files changed since the index last synced "
                "(a pull, a checkout or an edit by hand)",
                "`memgit reindex` (the next search also syncs it)",
            )
        )
    else:
        findings.append(
            Finding("ok", "index", f"index up to date: {health.documents} observations")
        )
    problems = health.problems if health.exists else tuple(memory.store.load_all()[1])
    for problem in problems:
        findings.append(
            Finding(
                "error",
                "memory file",
                str(problem),
                "fix the file by hand (`memgit validate` shows every problem) or delete it",
            )
        )
    return findings


def check_staleness(memory: Memory) -> list[Finding]:
    """Observations whose files changed a lot, were renamed or deleted since they were made."""
    try:
        verdicts = memory.code_staleness()
    except MemgitError:
        return []
    stale = sorted((v for v in verdicts.values() if v.stale), key=lambda v: v.id)
    if not stale:
        return [Finding("ok", "staleness", f"{len(verdicts)} observations about files: none stale")]
    return [
        Finding(
            "warn",
            "stale",
            f"[m:{v.id}] its files changed since it was recorded: {v.describe()}",
            f"check it still holds: `memgit show {v.id}`; record what changed with `memgit add`",
        )
        for v in stale
    ]


def check_contradictions(memory: Memory) -> list[Finding]:
    """Active (or pending) permanent observations that disagree (``memgit.contradictions``)."""
    try:
        pairs = memory.contradictions()
    except MemgitError:
        return []
    if not pairs:
        return [Finding("ok", "contradictions", "no two active observations disagree")]
    return [
        Finding(
            "warn",
            "contradiction",
            f"[m:{c.new.id}] {c.new.title!r} disagrees with [m:{c.old.id}] {c.old.title!r} "
            f"({c.rule}: {c.detail})",
            f"keep the one that holds: `memgit forget {c.old.id} --reason ...` (or "
            f"{c.new.id}); if both hold, make the titles say how (`memgit edit ID`)",
        )
        for c in pairs
    ]


def check_pending(memory: Memory) -> list[Finding]:
    """Captured memory waiting for review (``review.pending``)."""
    from memgit.query import Filters

    try:
        waiting = memory.listing(Filters(statuses=("pending",)), None)
    except MemgitError:
        return []
    if not waiting:
        return []
    return [
        Finding(
            "warn",
            "pending",
            f"{len(waiting)} observations wait for review (kept out of CLAUDE.md until accepted)",
            "`memgit review`",
        )
    ]


def check_git(paths: Paths) -> list[Finding]:
    """memgit's merge drivers and git hooks (set up by ``memgit init``)."""
    from memgit.gitflow import git_status
    from memgit.gitrepo import GitError

    try:
        status = git_status(paths.root)
    except GitError as exc:
        return [Finding("warn", "git", str(exc), "")]
    if status.drivers and status.attributes and not status.missing_hooks:
        return [Finding("ok", "git", "merge drivers, .gitattributes and git hooks in place")]
    missing = [
        *(["merge drivers"] if not status.drivers else []),
        *([".gitattributes rules"] if not status.attributes else []),
        *(f"{name} hook" for name in status.missing_hooks),
    ]
    return [
        Finding(
            "warn",
            "git",
            f"missing {', '.join(missing)}: merges of memory may need a human",
            "`memgit install --git-hooks` (keeps any hook already there)",
        )
    ]


def repair(memory: Memory) -> list[str]:
    """Apply the safe fixes: restore template files, sync or rebuild the index."""
    from memgit.api import initialize

    done: list[str] = []
    report = initialize(memory.paths)
    if report.created:
        done.append(f"restored {', '.join(report.created)}")
    try:
        sync = memory.index.sync()
    except MemgitError:
        sync = memory.index.rebuild()
    if sync.rebuilt or sync.changed:
        done.append(f"index: {'rebuilt' if sync.rebuilt else 'synced'} ({sync.changed} changes)")
    return done
