"""``memgit ingest``, ``memgit worker`` and ``memgit hook``: capture from Claude Code sessions."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command
from memgit.config import EXTRACTORS
from memgit.output import ProgressBar


def run_ingest(args: argparse.Namespace) -> int:
    from memgit.capture import ingest_transcript
    from memgit.extract.select import choose_extractor
    from memgit.transcript import find_transcripts

    overrides = {"extractor": args.extractor} if args.extractor else None
    memory = Memory.open(overrides=overrides)
    paths = [Path(p).absolute() for p in args.transcripts]
    if args.claude_memory or not paths:
        from memgit.automemory import describe_import, import_auto_memory

        home = Path(os.environ.get("CLAUDE_CONFIG_DIR") or Path.home() / ".claude")
        imported = import_auto_memory(memory, home)
        print("\n".join(describe_import(imported)))
        if args.claude_memory and not paths:
            if imported.added and not args.no_generate:
                for written, changed in memory.regenerate():
                    state = "updated" if changed else "already current"
                    print(f"{memory.paths.relative(written)}: memory section {state}")
            return 0
    if not paths:
        home = Path(os.environ.get("CLAUDE_CONFIG_DIR") or Path.home() / ".claude")
        paths = find_transcripts(memory.paths.root, home)
        if not paths:
            print(f"no Claude Code transcripts of this repository under {home}/projects")
            return 0
        print(f"backfilling from {len(paths)} transcripts under {home}/projects")
    for path in paths:
        if not path.is_file():
            print(f"memgit: {path}: no such transcript file", file=sys.stderr)
            return 1
    extractor = choose_extractor(memory.config.extractor, memory.config.model, dict(os.environ))
    clean = memory.redactor.clean
    print(f"extractor: {extractor.source}")
    totals = [0, 0, 0]
    for path in paths:
        bar = ProgressBar(path.name[:40])
        try:
            report = ingest_transcript(
                memory, path, extractor, clean=clean, final=True, progress=bar
            )
        finally:
            bar.close()
        totals[0] += len(report.added)
        totals[1] += len(report.superseded)
        totals[2] += report.duplicates
        line = (
            f"{path.name}: {report.chunks} chunks ({report.trivial} skipped as trivial), "
            f"{len(report.added)} observations added, {len(report.superseded)} superseded, "
            f"{report.duplicates} already known"
        )
        if report.usage.total:
            line += f", {report.usage.total} tokens"
        print(line)
        if report.reset:
            print(f"  the transcript was {report.reset}: read again from the start")
        if report.bad_lines:
            print(f"  {report.bad_lines} malformed lines skipped")
        if report.stopped:
            print(f"  {report.stopped}")
        for obs in report.added:
            print(f"  + [m:{obs.id}] {obs.type}: {obs.title}")
    if not args.no_generate:
        for target in memory.config.targets:
            path, changed = memory.generate(target)
            state = "updated" if changed else "already current"
            print(f"{memory.paths.relative(path)}: memory section {state}")
    print(f"done: {totals[0]} added, {totals[1]} superseded, {totals[2]} already known")
    return 0


def run_worker(args: argparse.Namespace) -> int:
    from memgit.worker import configure_logging, run_worker

    root = Path(args.repo).absolute()
    configure_logging(root)
    run_worker(root)
    return 0


def run_hook(args: argparse.Namespace) -> int:
    from memgit.hooks import main

    return main([args.event])


def register(sub: Subparsers) -> None:
    p = add_command(sub, "ingest", "capture memory from Claude Code transcripts", run_ingest)
    p.add_argument(
        "transcripts",
        nargs="*",
        metavar="TRANSCRIPT",
        help="transcript files (.jsonl); none: this repository's existing Claude Code sessions",
    )
    p.add_argument("--extractor", choices=EXTRACTORS, help="override config.yaml's extractor")
    p.add_argument(
        "--claude-memory",
        action="store_true",
        help="import Claude Code's auto memory of this repository (also done with no TRANSCRIPT)",
    )
    p.add_argument(
        "--no-generate", action="store_true", help="do not regenerate the CLAUDE.md section"
    )

    p = add_command(sub, "worker", "run queued capture work (started by the hooks)", run_worker)
    p.add_argument("--repo", default=".", help="repository root")

    from memgit.hooks import EVENTS

    p = add_command(sub, "hook", "Claude Code hook entry point (JSON on stdin)", run_hook)
    p.add_argument("event", choices=EVENTS, help="the hook event")
