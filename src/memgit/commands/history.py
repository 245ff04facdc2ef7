"""``memgit timeline`` and ``memgit gc``: memory in the order it was made, and its upkeep."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command, positive_int
from memgit.model import utcnow
from memgit.output import observation_json, observation_line, print_json


def run_timeline(args: argparse.Namespace) -> int:
    memory = Memory.open()
    hits = memory.timeline(session=args.session, around=args.around, limit=args.limit)
    if args.json:
        print_json([observation_json(h.observation, h.path) for h in hits])
        return 0
    if args.session:
        summary = memory.session_summary(args.session)
        if summary is not None:
            print(f"session {summary.session}: {summary.title} ({summary.started:%Y-%m-%d})")
    for hit in hits:
        obs = hit.observation
        print(f"{obs.created:%Y-%m-%d %H:%M}  " + observation_line(obs))
    if not hits:
        print("no memory yet")
    return 0


def run_gc(args: argparse.Namespace) -> int:
    from memgit.lifecycle import run_gc as collect

    memory = Memory.open()
    report = collect(memory.store, utcnow(), memory.config.lifecycle, dry_run=args.dry_run)
    verb = "would " if args.dry_run else ""
    for obs in report.expired:
        print(f"{verb}expire [m:{obs.id}] {obs.type}: {obs.title}")
    for obs in report.pruned:
        print(f"{verb}delete [m:{obs.id}] ({obs.status} since {obs.updated:%Y-%m-%d}): {obs.title}")
    if args.dry_run:
        print(f"would expire {len(report.expired)}, would delete {len(report.pruned)}")
    else:
        print(f"expired {len(report.expired)}, deleted {len(report.pruned)}")
    if not args.dry_run and (report.expired or report.pruned):
        memory.reindex()
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "timeline", "observations in the order they were made", run_timeline)
    p.add_argument("--session", metavar="ID", help="only this Claude Code session's memory")
    p.add_argument("--around", metavar="ID", help="the observations made around this one")
    p.add_argument("--limit", type=positive_int, default=30, help="at most N (30)")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = add_command(
        sub, "gc", "expire faded progress/coordination notes, prune old superseded ones", run_gc
    )
    p.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
