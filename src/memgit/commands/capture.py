"""``memgit ingest``, ``memgit worker`` and ``memgit hook``: capture from Claude Code sessions."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command
from memgit.config import EXTRACTORS
from memgit.output import ProgressBar, print_json

if TYPE_CHECKING:
    from memgit.capture import IngestReport


def run_ingest(args: argparse.Namespace) -> int:
    """Exit 1, naming the file, when a file is not a transcript or nothing could be extracted
    from it (no extractor could run, the budget was spent); the others are still ingested."""
    from memgit.capture import ingest_transcript
    from memgit.errors import NotATranscript
    from memgit.extract.select import choose_extractor
    from memgit.transcript import find_transcripts

    say = _quiet if args.json else print
    overrides = {"extractor": args.extractor} if args.extractor else None
    memory = Memory.open(overrides=overrides)
    paths = [Path(p).absolute() for p in args.transcripts]
    named = bool(paths)  # files named by the user must be transcripts; a backfill skips others
    if args.claude_memory or not paths:
        from memgit.automemory import describe_import, import_auto_memory

        home = Path(os.environ.get("CLAUDE_CONFIG_DIR") or Path.home() / ".claude")
        imported = import_auto_memory(memory, home)
        say("\n".join(describe_import(imported)))
        if args.claude_memory and not paths:
            sections: list[dict[str, Any]] = []
            if imported.added and not args.no_generate:
                for written, changed in memory.regenerate():
                    state = "updated" if changed else "already current"
                    sections.append({"file": memory.paths.relative(written), "changed": changed})
                    say(f"{memory.paths.relative(written)}: memory section {state}")
            if args.json:
                print_json({"ok": True, "extractor": None, "transcripts": [], "targets": sections})
            return 0
    if not paths:
        home = Path(os.environ.get("CLAUDE_CONFIG_DIR") or Path.home() / ".claude")
        paths = find_transcripts(memory.paths.root, home)
        if not paths:
            say(f"no Claude Code transcripts of this repository under {home}/projects")
            if args.json:
                print_json({"ok": True, "extractor": None, "transcripts": [], "targets": []})
            return 0
        say(f"backfilling from {len(paths)} transcripts under {home}/projects")
    for path in paths:
        if not path.is_file():
            print(f"memgit: {path}: no such transcript file", file=sys.stderr)
            return 1
    extractor = choose_extractor(memory.config.extractor, memory.config.model, dict(os.environ))
    clean = memory.redactor.clean
    say(f"extractor: {extractor.source}")
    totals = [0, 0, 0]
    results: list[dict[str, Any]] = []
    for path in paths:
        bar = ProgressBar(path.name[:40])
        try:
            report = ingest_transcript(
                memory,
                path,
                extractor,
                clean=clean,
                final=True,
                progress=bar,
                require_transcript=named,
            )
        except NotATranscript as exc:
            print(f"memgit: {exc}", file=sys.stderr)
            results.append({"transcript": str(path), "ok": False, "error": str(exc)})
            continue
        finally:
            bar.close()
        error = _nothing_extracted(path, report)
        if error:
            print(f"memgit: {error}", file=sys.stderr)
        results.append(_report_json(report, error))
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
        say(line)
        if report.reset:
            say(f"  the transcript was {report.reset}: read again from the start")
        if report.bad_lines:
            say(f"  {report.bad_lines} malformed lines skipped")
        if report.fallbacks:
            say(f"  {report.fallbacks} chunks went to the offline extractor after model failures")
        if report.stopped:
            say(f"  {report.stopped}")
        for obs in report.added:
            say(f"  + [m:{obs.id}] {obs.type}: {obs.title}")
    targets: list[dict[str, Any]] = []
    if not args.no_generate:
        for target in memory.config.targets:
            path, changed = memory.generate(target)
            state = "updated" if changed else "already current"
            targets.append({"file": memory.paths.relative(path), "changed": changed})
            say(f"{memory.paths.relative(path)}: memory section {state}")
    failed = [r for r in results if not r["ok"]]
    summary = f"{totals[0]} added, {totals[1]} superseded, {totals[2]} already known"
    if failed:
        say(f"failed: {len(failed)} of {len(results)} files (see above); {summary}")
    else:
        say(f"done: {summary}")
    if args.json:
        print_json(
            {
                "ok": not failed,
                "extractor": extractor.source,
                "transcripts": results,
                "added": totals[0],
                "superseded": totals[1],
                "duplicates": totals[2],
                "targets": targets,
            }
        )
    return 1 if failed else 0


def _quiet(*_: object) -> None:
    """With ``--json`` the facts go in the JSON document only."""


def _nothing_extracted(path: Path, report: IngestReport) -> str | None:
    """Why nothing came out of a transcript that had something to extract, if so."""
    pending = report.chunks - report.trivial
    if pending > 0 and report.extracted == 0 and report.stopped:
        return f"{path}: nothing could be extracted from its {pending} chunk(s): {report.stopped}"
    return None


def _report_json(report: IngestReport, error: str | None) -> dict[str, Any]:
    return {
        "transcript": report.transcript,
        "ok": error is None,
        "error": error,
        "session": report.session,
        "chunks": report.chunks,
        "trivial": report.trivial,
        "extracted": report.extracted,
        "offline_fallbacks": report.fallbacks,
        "added": [obs.id for obs in report.added],
        "superseded": [obs.id for obs in report.superseded],
        "duplicates": report.duplicates,
        "malformed_lines": report.bad_lines,
        "stopped": report.stopped,
        "reset": report.reset,
        "tokens": report.usage.total,
        "summary": str(report.summary) if report.summary else None,
    }


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
    p.add_argument("--json", action="store_true", help="print what was done as JSON")

    p = add_command(sub, "worker", "run queued capture work (started by the hooks)", run_worker)
    p.add_argument("--repo", default=".", help="repository root")

    from memgit.distribution import EVENTS

    p = add_command(sub, "hook", "Claude Code hook entry point (JSON on stdin)", run_hook)
    p.add_argument("event", choices=EVENTS, help="the hook event")
