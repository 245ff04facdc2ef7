"""The ``memgit`` command line: argument parsing, dispatch, and turning errors into exit codes.

Exit status: 0 success, 1 an error memgit can explain (the message says what to do), 2 a usage
error, 3 an unexpected error (one line on stderr, the traceback in a log file), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from memgit import __version__
from memgit.errors import MemgitError
from memgit.model import STATUSES, TYPES

Handler = Callable[[argparse.Namespace], int]


def _handler(spec: str) -> Handler:
    """``"module:function"`` under ``memgit.commands``, imported only when the command runs."""

    def run(args: argparse.Namespace) -> int:
        module_name, _, function = spec.partition(":")
        module = importlib.import_module(f"memgit.commands.{module_name}")
        result: int = getattr(module, function)(args)
        return result

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="memgit",
        description="Git-native memory for AI coding agents: observations as markdown files in "
        ".memory/, committed, reviewed and merged with the code.",
    )
    parser.add_argument("--version", action="version", version=f"memgit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, spec: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=_handler(spec))
        return p

    p = command("init", "init:run", "create .memory/ from the template (idempotent)")
    p.add_argument("--no-hooks", action="store_true", help="do not install the Claude Code hooks")

    p = command("add", "add:run", "add an observation by hand")
    p.add_argument("--type", required=True, choices=TYPES, help="what kind of memory this is")
    p.add_argument("--title", required=True, help="one line, at most 100 characters")
    p.add_argument("--body", help="a short narrative, then facts as '- ' bullets")
    p.add_argument("--file", action="append", default=[], metavar="PATH", help="a file it is about")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="a keyword")
    p.add_argument("--confidence", type=_unit_float, default=0.9, help="0..1 (default 0.9)")
    p.add_argument("--json", action="store_true", help="print the new observation as JSON")

    p = command("search", "search:run_search", "search memory (ranked)")
    p.add_argument("query", nargs="+", help="words to look for")
    _filter_arguments(p)
    p.add_argument("--file", metavar="PATH", help="only observations about PATH (or under it)")
    p.add_argument("--since", metavar="DATE", help="updated since DATE (2026-11-01, 7d, 2w)")
    p.add_argument("--limit", type=_positive_int, default=10, help="at most N results (10)")

    p = command("list", "search:run_list", "list observations, most recently updated first")
    _filter_arguments(p)
    p.add_argument("--file", metavar="PATH", help="only observations about PATH (or under it)")
    p.add_argument("--since", metavar="DATE", help="updated since DATE (2026-11-01, 7d, 2w)")
    p.add_argument("--limit", type=_positive_int, default=None, help="at most N observations")

    p = command("show", "show:run", "show one observation")
    p.add_argument("id", help="the observation id (or a unique prefix); [m:id] works too")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = command("reindex", "maintenance:run_reindex", "bring the search index up to date")
    p.add_argument("--full", action="store_true", help="rebuild from scratch")

    p = command("validate", "maintenance:run_validate", "check memory files against the schema")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files to check (default: all)")
    p.add_argument("--json", action="store_true", help="print the problems as JSON")

    p = command(
        "doctor", "maintenance:run_doctor", "check index, memory files, config and local state"
    )
    p.add_argument("--fix", action="store_true", help="repair what can be repaired safely")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    return parser


def _filter_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", action="append", choices=TYPES, help="only this type (repeatable)")
    p.add_argument(
        "--status",
        action="append",
        choices=(*STATUSES, "all"),
        help="only this status (repeatable; default active; 'all' for any)",
    )
    p.add_argument("--json", action="store_true", help="print as JSON")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _unit_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        handler: Handler = args.handler
        return handler(args)
    except MemgitError as exc:
        print(f"memgit: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("memgit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `memgit list | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0
    except Exception as exc:
        log = write_crash_log()
        print(
            f"memgit: unexpected error: {type(exc).__name__}: {exc} "
            f"(details in {log}; please report it)",
            file=sys.stderr,
        )
        return 3


def write_crash_log() -> Path:
    """Save the current traceback where the user can find it: the repo's state folder if any."""
    from memgit.paths import find_paths

    try:
        folder = find_paths().logs
    except MemgitError:
        folder = Path(tempfile.gettempdir()) / "memgit-logs"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.log"
        path.write_text(
            f"memgit {__version__} {' '.join(sys.argv)}\n{traceback.format_exc()}",
            encoding="utf-8",
        )
    except OSError:
        return Path("<no writable log folder>")
    return path
