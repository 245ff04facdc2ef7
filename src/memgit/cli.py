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


#: Which module registers each command, so that a command line builds only its own parser
#: (importing and registering all of them costs ~50 ms). A command missing here still works:
#: an unknown first word builds the whole parser.
COMMAND_OWNERS = {
    "demo": "demo",
    "init": "init",
    "add": "add",
    "search": "search",
    "list": "search",
    "show": "show",
    "timeline": "history",
    "gc": "history",
    "ingest": "capture",
    "worker": "capture",
    "hook": "capture",
    "install": "install",
    "uninstall": "install",
    "generate": "generate",
    "reindex": "maintenance",
    "validate": "maintenance",
    "doctor": "maintenance",
    "diff": "gitflow",
    "log": "gitflow",
    "scan": "gitflow",
    "merge-driver": "gitflow",
    "git-hook": "gitflow",
    "mcp": "mcp",
    "serve": "serve",
}


def _owner(argv: Sequence[str] | None) -> str | None:
    if argv is None:
        return None
    first = next((w for w in argv if not w.startswith("-")), None)
    return COMMAND_OWNERS.get(first) if first else None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``'s command (every command's without ``argv``, or when it names
    none we know)."""
    parser = argparse.ArgumentParser(
        prog="memgit",
        description="Git-native memory for AI coding agents: observations as markdown files in "
        ".memory/, committed, reviewed and merged with the code.",
    )
    parser.add_argument("--version", action="version", version=f"memgit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    owner = _owner(argv)
    for name in (owner,) if owner else COMMAND_MODULES:
        importlib.import_module(f"memgit.commands.{name}").register(sub)
    return parser


#: Commands that report bad settings their own way (doctor lists them; git and Claude Code
#: entry points log them), so the CLI does not print them on stderr.
QUIET_CONFIG = ("doctor", "hook", "git-hook", "merge-driver", "worker", "mcp")


def _print_config_problem(problem: object) -> None:
    text = scrub(str(problem))  # a bad value may be a secret pasted in the wrong key
    print(f"memgit: warning: {text} (`memgit doctor` lists every problem)", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    from memgit.config import set_problem_sink

    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words)
    args = parser.parse_args(words)
    set_problem_sink(None if args.command in QUIET_CONFIG else _print_config_problem)
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
