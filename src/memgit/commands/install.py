"""``memgit install`` / ``memgit uninstall``: Claude Code hooks and the MCP server declaration."""

from __future__ import annotations

import argparse

from memgit.commands.common import Subparsers, add_command
from memgit.install import claude_home, install, uninstall
from memgit.paths import find_paths


def _scope(args: argparse.Namespace) -> str:
    return "user" if args.user else "project"


def run_install(args: argparse.Namespace) -> int:
    paths = find_paths()
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
    p = add_command(sub, "uninstall", "remove exactly what `memgit install` added", run_uninstall)
    _scope_arguments(p)
