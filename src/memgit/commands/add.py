"""``memgit add``: write one observation by hand."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command, repo_relative, unit_float
from memgit.model import TYPES
from memgit.output import observation_json, print_json


def run(args: argparse.Namespace) -> int:
    memory = Memory.open()
    files = [repo_relative(memory.paths, f) for f in args.file]
    clean = memory.redactor.clean  # what is committed must never hold a secret
    obs, path = memory.add(
        args.type,
        clean(args.title),
        clean(args.body or ""),
        files=files,
        tags=[clean(tag) for tag in args.tag],
        confidence=args.confidence,
        source="manual",
    )
    if args.json:
        print_json(observation_json(obs, path))
    else:
        print(f"added [m:{obs.id}] {obs.type}: {obs.title}")
        print(f"      {path}")
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "add", "add an observation by hand", run)
    p.add_argument("--type", required=True, choices=TYPES, help="what kind of memory this is")
    p.add_argument("--title", required=True, help="one line, at most 100 characters")
    p.add_argument("--body", help="a short narrative, then facts as '- ' bullets")
    p.add_argument("--file", action="append", default=[], metavar="PATH", help="a file it is about")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="a keyword")
    p.add_argument("--confidence", type=unit_float, default=0.9, help="0..1 (default 0.9)")
    p.add_argument("--json", action="store_true", help="print the new observation as JSON")
