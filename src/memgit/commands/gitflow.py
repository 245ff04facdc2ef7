"""``memgit diff``, ``log`` and ``scan``; and what git runs: ``merge-driver``, ``git-hook``."""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from memgit.commands.common import Subparsers, add_command
from memgit.output import print_json


def run_diff(args: argparse.Namespace) -> int:
    from memgit.api import Memory
    from memgit.code_staleness import assess_paths
    from memgit.diffview import diff_json, diff_markdown
    from memgit.gitrepo import Git
    from memgit.history import memory_diff, observations_at, resolve_range

    memory = Memory.open()
    git = Git(memory.paths.root)
    base, head, label = resolve_range(git, args.range)
    stale = assess_paths(
        memory.paths.root,
        memory.paths.state,
        memory.config.staleness,
        observations_at(git, head),
        head,
        git,
    )
    diff = memory_diff(git, base, head, label, stale=stale)
    if args.format == "json":
        print_json(diff_json(diff))
    else:
        sys.stdout.write(diff_markdown(diff))
    return 0


def run_log(args: argparse.Namespace) -> int:
    from memgit.diffview import log_json, log_text
    from memgit.gitrepo import Git
    from memgit.history import memory_log
    from memgit.paths import find_paths

    paths = find_paths()
    entries = memory_log(Git(paths.root), args.range or ["HEAD"], args.limit)
    if args.json:
        print_json(log_json(entries))
    elif entries:
        sys.stdout.write(log_text(entries))
    else:
        print("no memory changes in this range")
    return 0


def run_scan(args: argparse.Namespace) -> int:
    from memgit.api import Memory
    from memgit.external_scanners import SCANNERS, run_scanners
    from memgit.redact import Redactor
    from memgit.scan import default_targets, external_in_scope, merge, scan_files

    memory = Memory.open()
    files = [Path(p).absolute() for p in args.paths] or default_targets(memory.paths)
    found = scan_files(memory.paths, files, Redactor(memory.config.redact.patterns))
    names = (
        list(SCANNERS)
        if args.external == "auto"
        else []
        if args.external == "none"
        else [args.external]
    )
    external = run_scanners(names, memory.paths.root, files)
    for warning in external.warnings:
        print(f"memgit: {warning}", file=sys.stderr)
    found = merge(found, external_in_scope(memory.paths, external.findings))
    if args.json:
        print_json([f.to_dict() for f in found])
    else:
        for finding in found:
            print(f"memgit: {finding}", file=sys.stderr)
    code = 1 if found else 0
    if args.extra_scanner and files:
        command = [*shlex.split(args.extra_scanner), *(str(f) for f in files)]
        try:
            if subprocess.run(command, check=False).returncode != 0:
                code = 1
        except OSError as exc:
            print(f"memgit: --extra-scanner {command[0]}: {exc.strerror}", file=sys.stderr)
            code = 1
    if found and not args.json:
        print(
            f"memgit: {len(found)} possible secrets: remove them from these files (the memory "
            "file, or the observation behind the generated line), then commit again",
            file=sys.stderr,
        )
    return code


def run_merge_driver(args: argparse.Namespace) -> int:
    from memgit.gitrepo import Git
    from memgit.mergedriver import run_driver

    git = Git(Path.cwd())

    def merge_text(base: str, ours: str, theirs: str) -> tuple[str, int]:
        with tempfile.TemporaryDirectory(prefix="memgit-merge-") as folder:
            names = []
            for label, text in (("ours", ours), ("base", base), ("theirs", theirs)):
                path = Path(folder) / label
                path.write_bytes(text.encode("utf-8", "surrogateescape"))
                names.append(path)
            conflicts = git.merge_file(names[0], names[1], names[2], ("ours", "base", "theirs"))
            return names[0].read_bytes().decode("utf-8", "surrogateescape"), conflicts

    return run_driver(
        args.kind, Path(args.base), Path(args.ours), Path(args.theirs), args.path, merge_text
    )


def run_git_hook(args: argparse.Namespace) -> int:
    """Never fails the git operation: problems go to the log, and the exit status is 0."""
    try:
        from memgit.api import Memory
        from memgit.errors import NotInitialized
        from memgit.refresh import refresh

        try:
            memory = Memory.open()
        except NotInitialized:
            return 0
        report = refresh(memory, args.name, args.args)
        for path in report.regenerated:
            print(f"memgit: regenerated the memory section of {memory.paths.relative(path)}")
    except Exception as exc:
        _log_hook_failure(args.name)
        print(f"memgit: {args.name} hook skipped: {exc}", file=sys.stderr)
    return 0


def _log_hook_failure(name: str) -> None:
    from memgit.errors import MemgitError
    from memgit.paths import find_paths

    try:
        folder = find_paths().logs
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with (folder / "git-hooks.log").open("a", encoding="utf-8") as log:
            log.write(f"{stamp} {name}\n{traceback.format_exc()}\n")
    except (MemgitError, OSError):
        pass


def register(sub: Subparsers) -> None:
    p = add_command(
        sub,
        "diff",
        "memory a range added, updated, superseded and expired (markdown for a PR, or JSON)",
        run_diff,
    )
    p.add_argument(
        "range",
        nargs="?",
        metavar="RANGE",
        help="A..B, A...B or A (A..HEAD); default: the merge base with the default branch..HEAD",
    )
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")

    p = add_command(sub, "log", "commits that changed memory, and what they changed", run_log)
    p.add_argument("range", nargs="*", metavar="RANGE", help="git log revisions (default HEAD)")
    p.add_argument("-n", "--limit", type=int, default=None, help="at most N commits")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = add_command(
        sub, "scan", "find secrets in .memory/ and in the generated memory sections", run_scan
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files to scan (default: all memory)")
    p.add_argument(
        "--extra-scanner",
        metavar="COMMAND",
        help="also run COMMAND with the files as arguments; a non-zero exit fails the scan",
    )
    p.add_argument(
        "--external",
        choices=("auto", "none", "gitleaks", "detect-secrets"),
        default="auto",
        help="also run gitleaks and detect-secrets when installed (auto, the default), one of "
        "them, or none; their findings name file, line and rule, never the secret",
    )
    p.add_argument("--json", action="store_true", help="print the findings as JSON")

    p = add_command(
        sub,
        "merge-driver",
        "git merge driver for memory files (set up by memgit init)",
        run_merge_driver,
    )
    p.add_argument("kind", choices=("memory", "section"))
    p.add_argument("base", help="%%O: the common ancestor's version")
    p.add_argument("ours", help="%%A: our version, where the result goes")
    p.add_argument("theirs", help="%%B: their version")
    p.add_argument("path", help="%%P: the path in the repository")

    p = add_command(
        sub,
        "git-hook",
        "git hook entry point (post-checkout, post-merge, post-rewrite)",
        run_git_hook,
    )
    p.add_argument("name", choices=("post-checkout", "post-merge", "post-rewrite", "refresh"))
    p.add_argument("args", nargs="*", help="the arguments git gave the hook")
