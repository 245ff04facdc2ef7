"""``memgit install`` / ``memgit uninstall``: Claude Code hooks and the MCP server declaration."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from memgit.commands.common import Subparsers, add_command
from memgit.install import claude_home, install, uninstall
from memgit.paths import Paths, find_paths

if TYPE_CHECKING:
    from memgit.gitflow import GitSetup


def _scope(args: argparse.Namespace) -> str:
    return "user" if args.user else "project"


def git_command() -> tuple[str, ...]:
    """How git should run this memgit from hooks and merge drivers."""
    from memgit.gitflow import memgit_command

    return memgit_command(sys.argv[0], sys.executable)


def print_git_setup(setup: GitSetup, paths: Paths) -> None:
    hooks = ", ".join(setup.hooks) or "already current"
    print(f"git hooks in {setup.hooks_dir}: {hooks}")
    for name in setup.chained:
        print(
            f"  your existing {name} hook was kept and runs after memgit's ({name}.memgit-chained)"
        )
    print(
        "merge drivers memgit-memory and memgit-section "
        f"{'configured in .git/config' if setup.drivers else 'already configured'}"
    )
    if setup.attributes:
        print(f"{paths.relative(paths.root / '.gitattributes')}: merge rules added; commit it")


def run_install(args: argparse.Namespace) -> int:
    paths = find_paths()
    if args.git_hooks:
        from memgit.gitflow import install_git

        print_git_setup(install_git(paths.root, git_command()), paths)
        return 0
    report = install(_scope(args), paths.root, claude_home(), mcp=not args.no_mcp)
    if report.added:
        print(f"{report.settings}: added memgit hooks for {', '.join(report.added)}")
    else:
        print(f"{report.settings}: memgit hooks already installed")
    if report.mcp is not None:
        print(f"{report.mcp}: memgit MCP server declared")
    return 0


def run_uninstall(args: argparse.Namespace) -> int:
    paths = find_paths()
    if args.git_hooks:
        from memgit.gitflow import uninstall_git

        setup = uninstall_git(paths.root)
        print(f"git hooks removed: {', '.join(setup.hooks) or 'none'}")
        for name in setup.chained:
            print(f"  your previous {name} hook is back in place")
        if setup.drivers:
            print("merge drivers removed from .git/config")
        if setup.attributes:
            print(".gitattributes: memgit's merge rules removed")
        return 0
    report = uninstall(_scope(args), paths.root, claude_home())
    if report.removed:
        print(f"{report.settings}: removed memgit hooks for {', '.join(report.removed)}")
    else:
        print(f"{report.settings}: no memgit hooks to remove")
    return 0


def _scope_arguments(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--project", action="store_true", help=".claude/settings.json of this repository (default)"
    )
    group.add_argument("--user", action="store_true", help="~/.claude/settings.json")


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "install", "install memgit's Claude Code hooks and MCP server", run_install
    )
    _scope_arguments(p)
    p.add_argument("--no-mcp", action="store_true", help="do not declare the MCP server")
    p.add_argument(
        "--git-hooks",
        action="store_true",
        help="instead: the git side (merge drivers, .gitattributes, post-checkout/merge/rewrite "
        "hooks, chaining hooks already there)",
    )
    p = add_command(sub, "uninstall", "remove exactly what `memgit install` added", run_uninstall)
    _scope_arguments(p)
    p.add_argument(
        "--git-hooks", action="store_true", help="instead: remove the git side, restoring old hooks"
    )
