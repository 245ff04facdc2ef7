"""``memgit scan``: no secret may sit in ``.memory/`` or in a generated memory section.

The same patterns capture redacts with (``memgit.redact``, plus the team's ``redact.patterns``)
are searched in memory files and, in the agents' instruction files, only between the memgit
markers: the rest of CLAUDE.md is the user's. Other checks plug in as functions of a file's text
and path that return findings (``Check``); well-kept external scanners add theirs through
``memgit.external_scanners``. A finding names the file, the line and the kind, never the value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from memgit.errors import MemgitError
from memgit.homepaths import home_path_lines
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
class ScanFinding:
    """One problem at ``path:line``; ``source`` says which check or scanner found it."""

    path: str
    line: int
    kind: str
    problem: str = "looks like a secret"
    source: str = "memgit"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem} ({self.kind})"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "kind": self.kind,
            "problem": self.problem,
            "source": self.source,
        }


SecretFound = ScanFinding  # the name earlier versions used

# A check of one file: (its text, its path relative to the root) -> findings.
Check = Callable[[str, str], Iterable[ScanFinding]]


def section_span(text: str) -> tuple[int, int] | None:
    """Character offsets of the lines from the begin marker to the end marker, if any."""
    begin = text.find(BEGIN_MARKER)
    if begin < 0:
        return None
    end = text.find(END_MARKER, begin)
    return begin, (end + len(END_MARKER) if end >= 0 else len(text))


def section_lines(text: str) -> tuple[int, int] | None:
    """The first and last line (1-based) of the memgit section, if any."""
    span = section_span(text)
    if span is None:
        return None
    return text.count("\n", 0, span[0]) + 1, text.count("\n", 0, span[1]) + 1


def scan_text(text: str, path: str, finder: Finder, *, section_only: bool) -> list[ScanFinding]:
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
        found.append(ScanFinding(path, text.count("\n", 0, hit.start) + 1, hit.kind))
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
        found += in_scope(home_paths(text, rel), text, section_only=not is_memory_file(rel))
    return found


def home_paths(text: str, rel: str) -> list[ScanFinding]:
    """A home-folder path left in memory (``memgit.homepaths``): personal, not to be committed."""
    return [
        ScanFinding(rel, line, kind, problem="holds a home-folder path: make it relative or ~")
        for line, kind in home_path_lines(text)
    ]


def check_files(paths: Paths, files: Iterable[Path], checks: Sequence[Check]) -> list[ScanFinding]:
    """Run each of ``checks`` on every readable file; like the patterns, a finding outside the
    memgit section of a non-memory file is dropped."""
    found: list[ScanFinding] = []
    for path in files:
        rel = paths.relative(path)
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        extra = [finding for check in checks for finding in check(text, rel)]
        found += in_scope(extra, text, section_only=not is_memory_file(rel))
    return found


def in_scope(
    findings: Iterable[ScanFinding], text: str, *, section_only: bool
) -> list[ScanFinding]:
    """The findings on lines memgit answers for: all of a memory file, a section elsewhere."""
    if not section_only:
        return list(findings)
    lines = section_lines(text)
    if lines is None:
        return []
    return [f for f in findings if lines[0] <= f.line <= lines[1]]


def external_in_scope(paths: Paths, findings: Iterable[ScanFinding]) -> list[ScanFinding]:
    """Another scanner's findings, kept where memgit answers for the line (see ``in_scope``)."""
    kept: list[ScanFinding] = []
    texts: dict[str, str] = {}
    for finding in findings:
        if is_memory_file(finding.path):
            kept.append(finding)
            continue
        if finding.path not in texts:
            try:
                raw = (paths.root / finding.path).read_bytes()
            except OSError:
                raw = b""
            texts[finding.path] = raw.decode("utf-8", "replace")
        kept += in_scope([finding], texts[finding.path], section_only=True)
    return kept


def merge(*groups: Iterable[ScanFinding]) -> list[ScanFinding]:
    """All findings, one per file and line (the first group that reports a line wins), sorted."""
    seen: dict[tuple[str, int], ScanFinding] = {}
    for group in groups:
        for finding in group:
            seen.setdefault((finding.path, finding.line), finding)
    return sorted(seen.values(), key=lambda f: (f.path, f.line))
