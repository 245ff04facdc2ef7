"""``memgit show ID``: one observation, whole."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command
from memgit.model import format_time
from memgit.output import observation_json, print_json

if TYPE_CHECKING:
    from memgit.gitrepo import Commit


def introduced(memory: Memory, path: str) -> Commit | None:
    """The commit that brought the observation's file into the history, if it is committed."""
    from memgit.gitrepo import Git, GitError
    from memgit.history import introduced_by

    try:
        return introduced_by(Git(memory.paths.root), path)
    except GitError:
        return None


def run(args: argparse.Namespace) -> int:
    memory = Memory.open()
    obs, path = memory.get(args.id)
    commit = introduced(memory, path)
    if args.json:
        data = observation_json(obs, path)
        data["introduced"] = commit.to_dict() if commit else None
        print_json(data)
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
    if commit is not None:
        print(f"introduced in: {commit.short} {commit.date[:10]} {commit.author}: {commit.subject}")
    else:
        print("introduced in: not committed yet")
    if obs.body:
        print()
        print(obs.body)
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "show", "show one observation", run)
    p.add_argument("id", help="the observation id (or a unique prefix); [m:id] works too")
    p.add_argument("--json", action="store_true", help="print as JSON")
