"""Argument conversions shared by several commands."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from memgit.errors import MemgitError
from memgit.model import STATUSES, TYPES
from memgit.paths import Paths


def repo_relative(paths: Paths, given: str) -> str:
    """A path given on the command line (relative to the current folder) as stored in memory."""
    candidate = Path(given)
    if not candidate.is_absolute():
        candidate = Path(os.getcwd()) / candidate
    candidate = Path(os.path.normpath(candidate))
    try:
        return candidate.relative_to(paths.root).as_posix()
    except ValueError:
        resolved = candidate.resolve()
        try:
            return resolved.relative_to(paths.root.resolve()).as_posix()
        except ValueError:
            raise MemgitError(f"{given} is outside the repository {paths.root}") from None


if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction


def add_command(
    sub: Subparsers, name: str, help: str, handler: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help, description=help)
    parser.set_defaults(handler=handler)
    return parser


def add_filter_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", action="append", choices=TYPES, help="only this type (repeatable)")
    p.add_argument(
        "--status",
        action="append",
        choices=(*STATUSES, "all"),
        help="only this status (repeatable; default active; 'all' for any)",
    )
    p.add_argument("--file", metavar="PATH", help="only observations about PATH (or under it)")
    p.add_argument("--since", metavar="DATE", help="updated since DATE (2026-11-01, 7d, 2w)")
    p.add_argument("--json", action="store_true", help="print as JSON")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def unit_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value
