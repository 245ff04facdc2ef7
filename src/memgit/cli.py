"""The ``memgit`` command line: argument parsing, dispatch, and turning errors into exit codes.

Exit status: 0 success, 1 an error memgit can explain (the message says what to do), 2 a usage
error, 3 an unexpected error (one line on stderr, the traceback in a log file), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from memgit import __version__
from memgit.errors import MemgitError

#: Modules under ``memgit.commands``; each has ``register(subparsers)`` adding its commands.
COMMAND_MODULES = (
    "demo",
    "init",
    "add",
    "search",
    "show",
    "history",
    "review",
    "capture",
    "install",
    "generate",
    "maintenance",
    "gitflow",
    "mcp",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="memgit",
        description="Git-native memory for AI coding agents: observations as markdown files in "
        ".memory/, committed, reviewed and merged with the code.",
    )
    parser.add_argument("--version", action="version", version=f"memgit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"memgit.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except MemgitError as exc:
        print(f"memgit: {scrub(str(exc))}", file=sys.stderr)
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
            f"memgit: unexpected error: {type(exc).__name__}: {scrub(str(exc))} "
            f"(details in {log}; please report it)",
            file=sys.stderr,
        )
        return 3


def scrub(text: str) -> str:
    """``text`` with any secret in it redacted: error messages and logs may quote input."""
    try:
        from memgit.redact import default_redactor

        return default_redactor().redact(text)
    except Exception:  # reporting an error must not fail
        return text


def write_crash_log() -> Path:
    """Save the current traceback where the user can find it: the repo's state folder if any."""
    import tempfile
    import traceback

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
            scrub(f"memgit {__version__} {' '.join(sys.argv)}\n{traceback.format_exc()}"),
            encoding="utf-8",
        )
    except OSError:
        return Path("<no writable log folder>")
    return path
