"""``memgit search QUERY`` and ``memgit list``: ranked and filtered views of the index."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import (
    Subparsers,
    add_command,
    add_filter_arguments,
    positive_int,
    repo_relative,
)
from memgit.output import observation_json, observation_line, print_json
from memgit.query import Filters, parse_since


def filters_from(args: argparse.Namespace, memory: Memory) -> Filters:
    statuses: tuple[str, ...] = ("active",)
    if args.status:
        statuses = () if "all" in args.status else tuple(args.status)
    return Filters(
        types=tuple(args.type or ()),
        statuses=statuses,
        file=repo_relative(memory.paths, args.file) if getattr(args, "file", None) else None,
        since=parse_since(args.since) if getattr(args, "since", None) else None,
    )


def run_search(args: argparse.Namespace) -> int:
    memory = Memory.open()
    hits = memory.search(" ".join(args.query), filters_from(args, memory), args.limit)
    if args.json:
        print_json([observation_json(h.observation, h.path, h.score) for h in hits])
        return 0
    if not hits:
        print("no matching memory")
        return 0
    for hit in hits:
        print(observation_line(hit.observation, score=hit.score))
    return 0


def run_list(args: argparse.Namespace) -> int:
    memory = Memory.open()
    hits = memory.listing(filters_from(args, memory), args.limit)
    if args.json:
        print_json([observation_json(h.observation, h.path) for h in hits])
        return 0
    for hit in hits:
        print(observation_line(hit.observation))
    if not hits:
        print("no memory yet" if not args.type and not args.status else "no matching memory")
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "search", "search memory (ranked)", run_search)
    p.add_argument("query", nargs="+", help="words to look for")
    add_filter_arguments(p)
    p.add_argument("--limit", type=positive_int, default=10, help="at most N results (10)")

    p = add_command(sub, "list", "list observations, most recently updated first", run_list)
    add_filter_arguments(p)
    p.add_argument("--limit", type=positive_int, default=None, help="at most N observations")
