"""``memgit add``: write one observation by hand."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command, repo_relative, unit_float
from memgit.model import TYPES
from memgit.output import observation_json, print_json


def run(args: argparse.Namespace) -> int:
    """Through the dedupe rule every write uses: a restatement of what memory holds is not added
    (``--force`` adds it anyway), a close variant supersedes the older observation."""
    memory = Memory.open()
    files = [repo_relative(memory.paths, f) for f in args.file]
    clean = memory.redactor.clean  # what is committed must never hold a secret
    result = memory.remember(
        args.type,
        clean(args.title),
        clean(args.body or ""),
        files=files,
        tags=[clean(tag) for tag in args.tag],
        confidence=args.confidence,
        source="manual",
        force=args.force,
    )
    obs, path = result.observation, result.path
    if args.json:
        data = observation_json(obs, path)
        data["action"] = result.action
        if result.replaced is not None:
            data["supersedes"] = result.replaced.id
        print_json(data)
    elif result.action == "rejected":
        print(
            "not added: it restates memory that was rejected or forgotten (--force adds it anyway)"
        )
    elif result.action == "duplicate":
        print(f"not added: memory already holds this as [m:{obs.id}] {obs.type}: {obs.title}")
        print(f"      {path} (--force adds it anyway)")
    else:
        print(f"added [m:{obs.id}] {obs.type}: {obs.title}")
        print(f"      {path}")
        if result.replaced is not None:
            old = result.replaced
            print(f"      supersedes [m:{old.id}] {old.title} (now marked superseded)")
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "add", "add an observation by hand", run)
    p.add_argument("--type", required=True, choices=TYPES, help="what kind of memory this is")
    p.add_argument("--title", required=True, help="one line, at most 100 characters")
    p.add_argument("--body", help="a short narrative, then facts as '- ' bullets")
    p.add_argument("--file", action="append", default=[], metavar="PATH", help="a file it is about")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="a keyword")
    p.add_argument("--confidence", type=unit_float, default=0.9, help="0..1 (default 0.9)")
    p.add_argument(
        "--force",
        action="store_true",
        help="add it even if memory already holds it (no dedupe, no supersession)",
    )
    p.add_argument("--json", action="store_true", help="print the new observation as JSON")
