"""``memgit scan``: no secret may sit in ``.memory/`` or in a generated memory section.

The same patterns capture redacts with (``memgit.redact``, plus the team's ``redact.patterns``)
are searched in memory files and, in the agents' instruction files, only between the memgit
markers: the rest of CLAUDE.md is the user's. A finding names the file, the line and the kind
of secret, never the secret itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from memgit.errors import MemgitError
from memgit.homepaths import HomePathFinder
from memgit.paths import MEMORY_DIR, Paths
from memgit.section import BEGIN_MARKER, END_MARKER, TARGETS, resolve_target


class _Finding(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class Finder(Protocol):
    """What scanning needs of ``memgit.redact.Redactor``."""

    def find(self, text: str) -> Sequence[_Finding]: ...


@dataclass(frozen=True)
class SecretFound:
    path: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: looks like a secret ({self.kind})"

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "kind": self.kind}


def section_span(text: str) -> tuple[int, int] | None:
    """Character offsets of the lines from the begin marker to the end marker, if any."""
    begin = text.find(BEGIN_MARKER)
    if begin < 0:
        return None
    end = text.find(END_MARKER, begin)
    return begin, (end + len(END_MARKER) if end >= 0 else len(text))


def scan_text(text: str, path: str, finder: Finder, *, section_only: bool) -> list[SecretFound]:
    """Findings in ``text`` (only inside the memgit section when ``section_only``)."""
    low, high = 0, len(text)
    if section_only:
        span = section_span(text)
        if span is None:
            return []
        low, high = span
    found = []
    for hit in finder.find(text):
        if hit.end <= low or hit.start >= high:
            continue
        found.append(SecretFound(path, text.count("\n", 0, hit.start) + 1, hit.kind))
    return found


def is_memory_file(rel: str) -> bool:
    return rel == MEMORY_DIR or rel.startswith(f"{MEMORY_DIR}/")


def default_targets(paths: Paths) -> list[Path]:
    """Every file under ``.memory/`` and every agent's instructions file that exists."""
    files = sorted(p for p in paths.memory.rglob("*") if p.is_file())
    for name in TARGETS:
        try:
            path = resolve_target(paths.root, name)
        except MemgitError:  # a target memgit cannot resolve holds no section of its own
            continue
        if path.is_file() and path not in files:
            files.append(path)
    return files


def scan_files(paths: Paths, files: Iterable[Path], finder: Finder) -> list[SecretFound]:
    """Scan memory files whole and other files' memgit sections; unreadable files are skipped."""
    found: list[SecretFound] = []
    for path in files:
        rel = paths.relative(path)
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        found += scan_text(text, rel, finder, section_only=not is_memory_file(rel))
        found += scan_text(text, rel, HomePathFinder(), section_only=not is_memory_file(rel))
    return found
