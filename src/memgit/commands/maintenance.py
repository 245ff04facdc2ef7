"""``memgit reindex``, ``memgit validate`` and ``memgit doctor``: keeping memory healthy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from memgit import doctor
from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command
from memgit.output import ProgressBar, print_json


def run_reindex(args: argparse.Namespace) -> int:
    memory = Memory.open()
    bar = ProgressBar("indexing")
    try:
        report = memory.reindex(full=args.full, progress=bar)
    finally:
        bar.close()
    verb = "rebuilt" if report.rebuilt else "synced"
    print(
        f"index {verb}: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {len(report.problems)} unreadable"
    )
    for problem in report.problems:
        print(f"  skipped {problem}")
    if report.rebuilt:
        from memgit import embeddings

        if not embeddings.available():
            print(f"note: {embeddings.MISSING}", file=sys.stderr)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    memory = Memory.open()
    checked, errors, warnings = memory.validate(Path(p).absolute() for p in args.paths)
    if args.json:
        print_json(
            {
                "checked": checked,
                "errors": [{"path": p.path, "message": p.message} for p in errors],
                "warnings": [{"path": p.path, "message": p.message} for p in warnings],
            }
        )
    else:
        for problem in errors:
            print(f"error: {problem}")
        for problem in warnings:
            print(f"warning: {problem}")
        files = "file" if checked == 1 else "files"
        print(f"{checked} {files} checked: {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


def run_doctor(args: argparse.Namespace) -> int:
    memory = Memory.open()
    if args.fix:
        for line in doctor.repair(memory):
            print(f"fixed: {line}")
    findings = doctor.check(memory)
    if args.json:
        print_json([f.to_dict() for f in findings])
    else:
        marks = {"ok": "ok   ", "warn": "warn ", "error": "ERROR"}
        for finding in findings:
            print(f"{marks[finding.level]} {finding.topic}: {finding.message}")
            if finding.fix and finding.level != "ok":
                print(f"      fix: {finding.fix}")
    return 1 if any(f.level == "error" for f in findings) else 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "reindex", "bring the search index up to date", run_reindex)
    p.add_argument("--full", action="store_true", help="rebuild from scratch")

    p = add_command(sub, "validate", "check memory files against the schema", run_validate)
    p.add_argument("paths", nargs="*", metavar="PATH", help="files to check (default: all)")
    p.add_argument("--json", action="store_true", help="print the problems as JSON")

    p = add_command(sub, "doctor", "check index, memory files, config and local state", run_doctor)
    p.add_argument("--fix", action="store_true", help="repair what can be repaired safely")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
