"""``memgit generate``: write the ranked memory section into CLAUDE.md and other agents' files."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command
from memgit.section import TARGETS


def run(args: argparse.Namespace) -> int:
    memory = Memory.open()
    targets = [args.target] if args.target else list(memory.config.targets)
    code = 0
    for target in targets:
        path, result = memory.generate(target, check=args.check)
        shown = memory.paths.relative(path)
        if not args.check:
            print(f"{shown}: memory section {'updated' if result else 'already current'}")
        elif result:
            print(f"{shown}: memory section is current")
        else:
            print(f"{shown}: memory section is stale; run `memgit generate --target {target}`")
            code = 1
    return code


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "generate", "write the memory section into CLAUDE.md (and other agents' files)", run
    )
    p.add_argument("--check", action="store_true", help="exit 1 if a section is stale")
    p.add_argument(
        "--target",
        choices=sorted(TARGETS),
        default=None,
        help="one agent's file: claude (CLAUDE.md), agents (AGENTS.md), cursor "
        "(.cursor/rules/memgit.mdc), copilot (.github/copilot-instructions.md); default: the "
        "targets listed in .memory/config.yaml",
    )
