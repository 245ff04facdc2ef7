"""Argument conversions shared by several commands."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from memgit.errors import MemgitError
from memgit.model import parse_time
from memgit.paths import Paths

_RELATIVE = re.compile(r"^(\d+)\s*([hdwmy])$")
_UNITS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``2026-11-01``, an ISO date-time, or a relative age such as ``7d``, ``2w``, ``12h``."""
    value = text.strip().lower()
    match = _RELATIVE.match(value)
    if match:
        days = int(match.group(1)) * _UNITS[match.group(2)]
        return (now or datetime.now(UTC)) - timedelta(days=days)
    try:
        return parse_time(text.strip())
    except ValueError:
        raise MemgitError(
            f"--since {text!r}: give a date (2026-11-01), a date-time (2026-11-01T09:00:00Z) "
            "or an age (12h, 7d, 2w, 3m)"
        ) from None


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
