"""``memgit init``: create ``.memory/`` from the template (idempotent)."""

from __future__ import annotations

import argparse

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
        from memgit.hooksources import DoubleHooks

        try:
            hooks = install("project", paths.root, claude_home())
        except DoubleHooks as exc:  # hooks already run from elsewhere: not a second set
            print(f"Claude Code hooks not added: {exc}")
        else:
            rel = paths.relative(hooks.settings)
            if hooks.added:
                print(f"Claude Code hooks installed in {rel} (memgit uninstall removes them)")
            else:
                print(f"Claude Code hooks already in {rel}")
    if not args.no_git_hooks:
        from memgit.commands.install import git_command, print_git_setup
        from memgit.gitflow import install_git
        from memgit.section import resolve_target

        claude = paths.relative(resolve_target(paths.root, "claude"))
        print_git_setup(install_git(paths.root, git_command(), extra_paths=[claude]), paths)
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "init", "create .memory/ from the template (idempotent)", run)
    p.add_argument("--no-hooks", action="store_true", help="do not install the Claude Code hooks")
    p.add_argument(
        "--no-git-hooks",
        action="store_true",
        help="do not set up git (merge drivers, .gitattributes, post-merge/checkout/rewrite hooks)",
    )
