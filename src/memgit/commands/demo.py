"""``memgit demo``: ingest a bundled sample session offline and show what memgit remembers."""

from __future__ import annotations

import argparse

from memgit.commands.common import Subparsers, add_command
from memgit.output import observation_line


def run(args: argparse.Namespace) -> int:
    from memgit.demo import run_demo

    result = run_demo()
    report = result.ingest
    print(f"memgit demo: a throw-away repository in {result.repo}")
    print(
        f"ingested a sample Claude Code session offline: {report.chunks} chunks, "
        f"{len(report.added)} observations (extractor: heuristic, no API key)"
    )
    print()
    print("== .memory/observations/")
    for hit in result.observations:
        print(observation_line(hit.observation))
    print()
    print("== CLAUDE.md (generated section)")
    print(result.section.rstrip())
    print()
    print(f'== memgit search "{result.question}"')
    for hit in result.answers:
        print(observation_line(hit.observation, score=hit.score))
    print()
    print(f"Explore it: cd {result.repo} && memgit list && memgit show <id>")
    return 0


def register(sub: Subparsers) -> None:
    add_command(sub, "demo", "see memgit work on a sample session (offline, no key)", run)
