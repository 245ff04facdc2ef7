"""Session summaries in ``.memory/sessions/``: what was asked, learned, completed, and what is next.

One file per Claude Code session, rewritten (atomically, under the store lock) each time capture
runs for that session, and linked to the observations the session produced::

    ---
    session: 6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43
    title: Fix UTC parsing in the harbor CSV importer
    started: '2026-08-20T14:02:11Z'
    ended: '2026-08-20T14:31:40Z'
    branch: fix/tz-parse
    observations:
    - k3f9a2c1dx
    source: heuristic
    ---

    ## Request
    ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from memgit.errors import FieldProblem, InvalidObservation
from memgit.fileio import atomic_write
from memgit.model import (
    ID_PATTERN,
    format_time,
    load_frontmatter,
    parse_time,
    render_document,
    slugify,
)

SESSION_KEYS = ("session", "title", "started", "ended", "branch", "observations", "source")
SECTIONS = (
    ("request", "Request"),
    ("learned", "Learned"),
    ("completed", "Completed"),
    ("next_steps", "Next steps"),
)
_SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{2,100}$")
MAX_ITEMS = 12


@dataclass(frozen=True)
class SessionSummary:
    session: str
    title: str
    started: datetime
    ended: datetime
    branch: str | None = None
    observations: tuple[str, ...] = ()
    source: str | None = None
    request: str = ""
    learned: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()

    def file_name(self) -> str:
        slug = slugify(self.title, 48)
        short = re.sub(r"[^a-z0-9]", "", self.session.lower())[:8] or "session"
        stem = f"{self.started:%Y-%m-%d}-{slug}" if slug else f"{self.started:%Y-%m-%d}"
        return f"{stem}-{short}.md"

    def merged(self, other: SessionSummary) -> SessionSummary:
        """Fold a later run's notes into this summary (lists keep order, no repeats)."""
        return replace(
            self,
            title=self.title or other.title,
            started=min(self.started, other.started),
            ended=max(self.ended, other.ended),
            branch=other.branch or self.branch,
            observations=_union(self.observations, other.observations, limit=None),
            source=other.source or self.source,
            request=self.request or other.request,
            learned=_union(self.learned, other.learned),
            completed=_union(self.completed, other.completed),
            next_steps=other.next_steps or self.next_steps,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "title": self.title,
            "started": format_time(self.started),
            "ended": format_time(self.ended),
            "branch": self.branch,
            "observations": list(self.observations),
            "source": self.source,
            "request": self.request,
            "learned": list(self.learned),
            "completed": list(self.completed),
            "next_steps": list(self.next_steps),
        }


def _union(
    left: Sequence[str], right: Iterable[str], limit: int | None = MAX_ITEMS
) -> tuple[str, ...]:
    seen = {item.casefold(): item for item in left}
    result = list(left)
    for item in right:
        if item and item.casefold() not in seen:
            seen[item.casefold()] = item
            result.append(item)
    return tuple(result[-limit:] if limit else result)


def render_session(summary: SessionSummary) -> str:
    data = {
        "session": summary.session,
        "title": summary.title,
        "started": format_time(summary.started),
        "ended": format_time(summary.ended),
        "branch": summary.branch,
        "observations": list(summary.observations),
        "source": summary.source,
    }
    parts = []
    for key, heading in SECTIONS:
        value = getattr(summary, key)
        if isinstance(value, str):
            text = " ".join(value.split())
        else:
            text = "\n".join(f"- {' '.join(item.split())}" for item in value)
        if text:
            parts.append(f"## {heading}\n\n{text}")
    return render_document(data, "\n\n".join(parts))


def parse_session(text: str, path: str = "<text>") -> SessionSummary:
    data, body = load_frontmatter(text, path)
    problems: list[FieldProblem] = []
    session = str(data.get("session") or "")
    if not _SESSION_ID.match(session):
        problems.append(FieldProblem("session", "is required: the Claude Code session id"))
    title = str(data.get("title") or "").strip()
    times: dict[str, datetime] = {}
    for key in ("started", "ended"):
        try:
            times[key] = parse_time(data.get(key))
        except (ValueError, TypeError):
            problems.append(
                FieldProblem(key, "must be an ISO-8601 date-time like 2026-11-24T09:30:00Z")
            )
    raw_ids = data.get("observations") or []
    if not isinstance(raw_ids, list) or not all(
        isinstance(i, str) and ID_PATTERN.match(i) for i in raw_ids
    ):
        problems.append(FieldProblem("observations", "must be a list of observation ids"))
        raw_ids = []
    for key in data:
        if key not in SESSION_KEYS:
            problems.append(
                FieldProblem(str(key), f"is not a session key (known: {', '.join(SESSION_KEYS)})")
            )
    if problems:
        raise InvalidObservation(path, problems)
    sections = _read_sections(body)
    return SessionSummary(
        session=session,
        title=title,
        started=times["started"],
        ended=times["ended"],
        branch=str(data["branch"]) if data.get("branch") else None,
        observations=tuple(raw_ids),
        source=str(data["source"]) if data.get("source") else None,
        request=" ".join(sections.get("request", [])),
        learned=tuple(sections.get("learned", [])),
        completed=tuple(sections.get("completed", [])),
        next_steps=tuple(sections.get("next_steps", [])),
    )


def _read_sections(body: str) -> dict[str, list[str]]:
    names = {heading.lower(): key for key, heading in SECTIONS}
    result: dict[str, list[str]] = {}
    current: str | None = None
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("## "):
            current = names.get(stripped[3:].strip().lower())
            continue
        if current is None or not stripped:
            continue
        item = stripped[2:].strip() if stripped.startswith(("- ", "* ")) else stripped
        result.setdefault(current, []).append(item)
    return result


def session_key(text: str) -> str:
    """A session id as compared with what people type: letters and digits, lowercased (the short
    id in a summary's file name is its first 8)."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def summaries_like(folder: Path, text: str) -> list[SessionSummary]:
    """The summaries whose session id is ``text`` or starts with it (3+ letters or digits)."""
    key = session_key(text)
    if len(key) < 3 or not folder.is_dir():
        return []
    found: list[SessionSummary] = []
    for path in folder.glob("*.md"):
        short = path.stem.rsplit("-", 1)[-1]
        if not (short.startswith(key) or key.startswith(short)):
            continue
        try:
            summary = parse_session(path.read_text(encoding="utf-8"), str(path))
        except (InvalidObservation, OSError, UnicodeDecodeError):
            continue
        if summary.session == text or session_key(summary.session).startswith(key):
            found.append(summary)
    return found


def find_session_file(folder: Path, session: str) -> Path | None:
    short = re.sub(r"[^a-z0-9]", "", session.lower())[:8]
    if not folder.is_dir():
        return None
    for path in folder.glob(f"*-{short}.md"):
        try:
            if parse_session(path.read_text(encoding="utf-8"), str(path)).session == session:
                return path
        except (InvalidObservation, OSError, UnicodeDecodeError):
            continue
    return None


def save_session(folder: Path, summary: SessionSummary) -> Path:
    """Write ``summary``, merging it into the session's existing file. Caller holds the lock."""
    existing = find_session_file(folder, summary.session)
    if existing is not None:
        previous = parse_session(existing.read_text(encoding="utf-8"), str(existing))
        merged = previous.merged(summary)
        # The name follows the title and start (a subagent read first leaves neither final),
        # so the file is the same whatever order the session's transcripts were read in.
        target = folder / merged.file_name()
        atomic_write(target, render_session(merged))
        if target != existing:
            existing.unlink(missing_ok=True)
        return target
    target = folder / summary.file_name()
    atomic_write(target, render_session(summary))
    return target


def latest_sessions(
    folder: Path, limit: int = 1, branch: str | None = None
) -> list[SessionSummary]:
    """The most recent summaries (by the date in their file names, then by their end time)."""
    if not folder.is_dir():
        return []
    names = sorted((p for p in folder.glob("*.md")), key=lambda p: p.name, reverse=True)
    found: list[SessionSummary] = []
    for path in names[: max(limit * 8, 16)]:
        try:
            summary = parse_session(path.read_text(encoding="utf-8"), str(path))
        except (InvalidObservation, OSError, UnicodeDecodeError):
            continue
        if branch is None or summary.branch == branch:
            found.append(summary)
    found.sort(key=lambda s: (s.ended, s.session), reverse=True)
    return found[:limit]
