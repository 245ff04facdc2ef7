"""``memgit generate``: write the ranked memory section into CLAUDE.md (or another agent's file)."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command
from memgit.section import TARGETS


def run(args: argparse.Namespace) -> int:
    memory = Memory.open()
    path, result = memory.generate(args.target, check=args.check)
    shown = memory.paths.relative(path)
    if args.check:
        if result:
            print(f"{shown}: memory section is current")
            return 0
        print(f"{shown}: memory section is stale; run `memgit generate --target {args.target}`")
        return 1
    print(f"{shown}: memory section {'updated' if result else 'already current'}")
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "generate", "write the memory section into CLAUDE.md", run)
    p.add_argument("--check", action="store_true", help="exit 1 if the section is stale")
    p.add_argument(
        "--target",
        choices=sorted(TARGETS),
        default="claude",
        help="which agent's file (default claude: CLAUDE.md)",
    )
