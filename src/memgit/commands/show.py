"""``memgit show ID``: one observation, whole."""

from __future__ import annotations

import argparse

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command
from memgit.model import format_time
from memgit.output import observation_json, print_json


def run(args: argparse.Namespace) -> int:
    memory = Memory.open()
    obs, path = memory.get(args.id)
    if args.json:
        print_json(observation_json(obs, path))
        return 0
    print(f"[m:{obs.id}] {obs.title}")
    print(f"type: {obs.type}    status: {obs.status}    confidence: {obs.confidence:.2f}")
    print(f"created: {format_time(obs.created)}    updated: {format_time(obs.updated)}")
    for label, value in (
        ("files", ", ".join(obs.files)),
        ("tags", ", ".join(obs.tags)),
        ("supersedes", ", ".join(obs.supersedes)),
        ("superseded by", obs.superseded_by or ""),
        ("session", obs.session or ""),
        ("branch", obs.branch or ""),
        ("commit", obs.commit or ""),
        ("source", obs.source or ""),
    ):
        if value:
            print(f"{label}: {value}")
    print(f"file: {path}")
    if obs.body:
        print()
        print(obs.body)
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "show", "show one observation", run)
    p.add_argument("id", help="the observation id (or a unique prefix); [m:id] works too")
    p.add_argument("--json", action="store_true", help="print as JSON")
