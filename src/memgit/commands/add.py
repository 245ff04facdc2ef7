"""``memgit add``: write one observation by hand."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import repo_relative
from memgit.output import observation_json, print_json


def run(args: argparse.Namespace) -> int:
    memory = Memory.open()
    files = [repo_relative(memory.paths, f) for f in args.file]
    obs, path = memory.add(
        args.type,
        args.title,
        args.body or "",
        files=files,
        tags=args.tag,
        confidence=args.confidence,
        source="manual",
    )
    if args.json:
        print_json(observation_json(obs, path))
    else:
        print(f"added [m:{obs.id}] {obs.type}: {obs.title}")
        print(f"      {path}")
    return 0
