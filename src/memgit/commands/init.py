"""``memgit init``: create ``.memory/`` from the template (idempotent)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from memgit.api import initialize
from memgit.commands.common import Subparsers, add_command
from memgit.install import claude_home, install
from memgit.paths import find_paths


def run(args: argparse.Namespace) -> int:
    paths = find_paths()
    report = initialize(paths)
    for item in report.created:
        print(f"created  {item}")
    for item in report.kept:
        print(f"kept     {item}")
    if not report.created:
        print(f"memory already initialised in {paths.memory}")
    else:
        print(f"memory initialised in {paths.memory}; commit it with `git add .memory`")
    if not args.no_hooks:
        hooks = install("project", paths.root, claude_home())
        rel = paths.relative(hooks.settings)
        if hooks.added:
            print(f"Claude Code hooks installed in {rel} (memgit uninstall removes them)")
        else:
            print(f"Claude Code hooks already in {rel}")
    offer_auto_memory_off(paths.root, args)
    if not args.no_git_hooks:
        from memgit.commands.install import git_command, print_git_setup
        from memgit.gitflow import install_git
        from memgit.section import resolve_target

        claude = paths.relative(resolve_target(paths.root, "claude"))
        print_git_setup(install_git(paths.root, git_command(), extra_paths=[claude]), paths)
    return 0


def offer_auto_memory_off(root: Path, args: argparse.Namespace) -> None:
    """Offer (never force) to turn Claude Code's own auto memory off for this project."""
    from memgit.automemory import auto_memory_enabled, disable_auto_memory, find_memory_folder

    if args.keep_claude_memory or not auto_memory_enabled(root):
        return
    choice = args.disable_claude_memory
    if not choice:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            return
        folder = find_memory_folder(root, claude_home())
        if folder is not None:
            print(
                f"Claude Code keeps its own auto memory of this project in {folder}; "
                "`memgit ingest --claude-memory` brings it into .memory/."
            )
        try:
            answer = input(
                "Turn Claude Code's auto memory off for this project, so memgit is its one "
                "memory (autoMemoryEnabled: false in .claude/settings.local.json)? [y/N] "
            )
        except EOFError:
            answer = ""
        if not answer.strip().lower().startswith("y"):
            print("auto memory left on (`memgit init --disable-claude-memory` turns it off)")
            return
    path, changed = disable_auto_memory(root)
    rel = path.relative_to(root).as_posix()
    state = "turned off" if changed else "already off"
    print(f"Claude Code auto memory {state} for this project ({rel}: autoMemoryEnabled false)")


def register(sub: Subparsers) -> None:
    p = add_command(sub, "init", "create .memory/ from the template (idempotent)", run)
    p.add_argument("--no-hooks", action="store_true", help="do not install the Claude Code hooks")
    p.add_argument(
        "--no-git-hooks",
        action="store_true",
        help="do not set up git (merge drivers, .gitattributes, post-merge/checkout/rewrite hooks)",
    )
    auto = p.add_mutually_exclusive_group()
    auto.add_argument(
        "--disable-claude-memory",
        action="store_true",
        help="turn Claude Code's own auto memory off for this project (asked on a terminal)",
    )
    auto.add_argument(
        "--keep-claude-memory", action="store_true", help="leave Claude Code's auto memory on"
    )
