"""The MCP tools without the protocol: check the model's arguments, call the façade, answer.

Each tool is a plain function of an open ``Memory`` and the raw JSON arguments, returning markdown
for the model. A wrong argument raises ``ToolArgumentError``, whose message says what was wrong and
how to call the tool correctly. ``mcp_server`` registers these functions with the MCP SDK; keeping
them here keeps ``mcp`` out of everything else and lets them be tested without a protocol.

Answers stay well under Claude Code's tool output caps (a warning at 10,000 tokens): listings
are one line per observation, and ``get`` stops at ``OUTPUT_BUDGET`` characters, naming what it
left out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from memgit.api import Memory
from memgit.errors import AmbiguousId, MemgitError, UnknownObservation
from memgit.model import (
    ID_PATTERN,
    STATUSES,
    TITLE_MAX,
    TYPES,
    Observation,
    compose_body,
    normalize_id,
)
from memgit.sessions import SessionSummary

SEARCH_LIMIT = (1, 50, 10)  # lowest, highest, default
TIMELINE_LIMIT = (1, 100, 20)
GET_MAX_IDS = 20
#: Characters of one ``get`` answer (~9,000 tokens), under Claude Code's 10,000-token warning.
OUTPUT_BUDGET = 36_000
#: A body longer than this is cut in ``get`` (hand-edited files can be any size).
BODY_LIMIT = 8_000
LIST_FILES = 3
_SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{2,100}$")
#: A unique prefix of an id, as people type it (``k3f``).
_ID_PREFIX = re.compile(r"^[a-z][0-9a-z]{2}$")


class ToolArgumentError(MemgitError):
    """An argument the model got wrong; the message says how to call the tool correctly."""


# --- keeping the open memory fresh ----------------------------------------------------------------


@dataclass
class MemorySource:
    """Opens the repository's memory for each call, reloading it when ``config.yaml`` changes.

    The index syncs itself before every search, so new, edited or deleted observation files (a
    ``git pull``, another session) are seen at the next call; only the configuration is cached.
    """

    start: Path
    _memory: Memory | None = None
    _stamp: tuple[int, int, int] | None = None

    def open(self) -> Memory:
        memory = self._memory
        if (
            memory is not None
            and memory.paths.initialized()
            and _stamp(memory.paths.config_file) == self._stamp
        ):
            return memory
        memory = Memory.open(self.start)
        self._memory, self._stamp = memory, _stamp(memory.paths.config_file)
        return memory


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


# --- arguments --------------------------------------------------------------------------------


def text_arg(name: str, value: Any, *, required: bool = False, example: str = "") -> str | None:
    hint = f" (for example {name}={example!r})" if example else ""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ToolArgumentError(f"{name} is required and must not be empty{hint}")
        return None
    if not isinstance(value, str):
        raise ToolArgumentError(f"{name} must be a string, not {_kind(value)}{hint}")
    return value.strip()


def choice_arg(name: str, value: Any, allowed: Sequence[str]) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise ToolArgumentError(
            f"{name}={_show(value)} is not allowed: use one of {', '.join(allowed)}"
        )
    return value.strip().lower()


def limit_arg(value: Any, bounds: tuple[int, int, int]) -> int:
    low, high, default = bounds
    if value is None:
        return default
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not low <= number <= high:
        raise ToolArgumentError(
            f"limit={_show(value)} is out of range: give a whole number from {low} to {high} "
            f"(default {default})"
        )
    return number


def id_arg(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ToolArgumentError(
            f"{name} must be an observation id such as 'k3f9a2c1dx' (the search tool shows "
            f"them as [m:id]), not {_show(value)}"
        )
    ident = normalize_id(value).lower()
    if not ID_PATTERN.match(ident) and not _ID_PREFIX.match(ident):
        raise ToolArgumentError(
            f"{name}={_show(value)} is not an observation id: ids are 4 to 40 lowercase letters "
            "and digits starting with a letter, like 'k3f9a2c1dx' ([m:k3f9a2c1dx] and a unique "
            "prefix of 3 or more characters work too)"
        )
    return ident


def ids_arg(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[,\s]+", value) if part]
    if not isinstance(value, list) or not value:
        raise ToolArgumentError(
            "ids must be a non-empty list of observation ids, for example "
            "ids=['k3f9a2c1dx', 'm2b7c4d9ea'] (the search and timeline tools show ids as [m:id])"
        )
    if len(value) > GET_MAX_IDS:
        raise ToolArgumentError(
            f"ids has {len(value)} entries; ask for at most {GET_MAX_IDS} at a time "
            "(call get again for the rest)"
        )
    idents: list[str] = []
    for position, item in enumerate(value):
        ident = id_arg(f"ids[{position}]", item)
        if ident not in idents:
            idents.append(ident)
    return idents


def strings_arg(name: str, value: Any, *, limit: int, example: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ToolArgumentError(f"{name} must be a list of strings, for example {name}={example}")
    items = [item.strip() for item in value if item.strip()]
    if len(items) > limit:
        raise ToolArgumentError(f"{name} has {len(items)} entries; give at most {limit}")
    return items


def since_arg(value: Any) -> datetime | None:
    from memgit.query import parse_since

    text = text_arg("since", value)
    if text is None:
        return None
    try:
        return parse_since(text)
    except MemgitError:
        raise ToolArgumentError(
            f"since={text!r} is not a date: give a date (2026-11-01), a UTC date-time "
            "(2026-11-01T09:00:00Z) or an age (12h, 7d, 2w, 3m)"
        ) from None


def repo_path(root: Path, name: str, given: str) -> str:
    """A path as memory stores it: relative to the repository root, with '/' separators."""
    text = given.strip().replace("\\", "/")
    if Path(text).is_absolute():
        absolute = Path(os.path.normpath(text))
        inside = [base for base in (root, root.resolve()) if absolute.is_relative_to(base)]
        if not inside:
            raise ToolArgumentError(
                f"{name}={given!r} is outside the repository {root}: give a path inside it, "
                "relative to the repository root (for example 'src/app/worker.py')"
            )
        text = absolute.relative_to(inside[0]).as_posix()
    normal = os.path.normpath(text).replace("\\", "/")
    if normal == ".." or normal.startswith("../"):
        raise ToolArgumentError(
            f"{name}={given!r} leaves the repository: give a path relative to its root"
        )
    if normal == ".":
        raise ToolArgumentError(
            f"{name}={given!r} is the whole repository: name a file or folder inside it"
        )
    return normal


# --- the tools --------------------------------------------------------------------------------


def search(
    memory: Memory,
    query: Any = None,
    type: Any = None,
    file: Any = None,
    since: Any = None,
    status: Any = None,
    limit: Any = None,
) -> str:
    from memgit.query import Filters

    text = text_arg("query", query, required=True, example="celery retry policy")
    assert text is not None
    kind = choice_arg("type", type, TYPES)
    state = choice_arg("status", status, (*STATUSES, "all")) or "active"
    path = text_arg("file", file)
    filters = Filters(
        types=(kind,) if kind else (),
        statuses=() if state == "all" else (state,),
        file=repo_path(memory.paths.root, "file", path) if path else None,
        since=since_arg(since),
    )
    count = limit_arg(limit, SEARCH_LIMIT)
    hits = memory.search(text, filters, count)
    scope = _describe(kind, state, filters.file, since)
    if not hits:
        return (
            f'No memory matches "{text}" ({scope}). Try fewer or other words, drop a filter, '
            'or status="all" to include superseded and expired memory.'
        )
    lines = [f'{len(hits)} {"match" if len(hits) == 1 else "matches"} for "{text}" ({scope}):']
    lines += [compact_line(hit.observation) for hit in hits]
    ids = ", ".join(f"'{hit.observation.id}'" for hit in hits[:5])
    lines.append(
        f"\nRead the full text with the get tool (ids=[{ids}]); see what happened around one "
        "with the timeline tool (around=<id>)."
    )
    return "\n".join(lines)


def get(memory: Memory, ids: Any = None) -> str:
    idents = ids_arg(ids)
    parts: list[str] = []
    missing: list[str] = []
    left_out: list[str] = []
    used = 0
    for ident in idents:
        try:
            obs, path = memory.get(ident)
        except (UnknownObservation, AmbiguousId) as exc:
            missing.append(f"{ident}: {_id_problem(exc)}")
            continue
        part = full_text(obs, path)
        if parts and used + len(part) > OUTPUT_BUDGET:
            left_out.append(obs.id)
            continue
        parts.append(part)
        used += len(part)
    if not parts:
        raise ToolArgumentError(
            "none of the ids were found (" + "; ".join(missing) + "). Use the search tool "
            "to find ids."
        )
    notes = [f"Not found: {item}" for item in missing]
    if left_out:
        quoted = ", ".join(f"'{i}'" for i in left_out)
        notes.append(f"Left out to keep this answer short: call get again with ids=[{quoted}].")
    return "\n\n".join(parts + notes)


def timeline(memory: Memory, around: Any = None, session: Any = None, limit: Any = None) -> str:
    centre = id_arg("around", around) if around not in (None, "") else None
    session_id = text_arg("session", session)
    if session_id is not None and not _SESSION_ID.match(session_id):
        raise ToolArgumentError(
            f"session={session_id!r} is not a session id: use the session value shown by the get "
            "tool (a Claude Code session id such as '6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43')"
        )
    if centre and session_id:
        raise ToolArgumentError(
            "give either around (an observation id) or session (a session id), not both"
        )
    count = limit_arg(limit, TIMELINE_LIMIT)
    if session_id is not None:
        try:
            session_id = memory.resolve_session(session_id)  # the short id works too
        except AmbiguousId as exc:
            raise ToolArgumentError(f"session={session_id!r}: {exc}") from None
    try:
        hits = memory.timeline(session=session_id, around=centre, limit=count)
    except (UnknownObservation, AmbiguousId) as exc:
        raise ToolArgumentError(f"around={centre!r}: {_id_problem(exc)}") from None
    lines: list[str] = []
    if session_id is not None:
        summary = memory.session_summary(session_id)
        if summary is None and not hits:
            raise ToolArgumentError(
                f"no memory of session {session_id!r}: no summary and no observations. The get "
                "tool shows which session an observation came from."
            )
        if summary is not None:
            lines += _summary_lines(summary)
        lines.append(f"Observations of this session ({len(hits)}, oldest first):")
    elif centre is not None:
        lines.append(f"Observations around [m:{centre}] (oldest first; → marks it):")
    else:
        lines.append(f"The {len(hits)} most recent observations (oldest first):")
    for hit in hits:
        mark = "→ " if centre and hit.observation.id.startswith(centre) else ""
        lines.append(mark + compact_line(hit.observation, time=True))
    if not hits:
        lines.append("(none)")
    lines.append("\nRead the full text with the get tool (ids=[...]).")
    return "\n".join(lines)


def remember(
    memory: Memory,
    type: Any = None,
    title: Any = None,
    body: Any = None,
    facts: Any = None,
    files: Any = None,
    tags: Any = None,
    *,
    clean: Callable[[str], str],
    session: str | None = None,
) -> str:
    kind = choice_arg("type", type, TYPES)
    if kind is None:
        raise ToolArgumentError(f"type is required: one of {', '.join(TYPES)}")
    heading = text_arg("title", title, required=True, example="Parse harbor timestamps as UTC")
    assert heading is not None
    if "\n" in heading or len(heading) > TITLE_MAX:
        raise ToolArgumentError(
            f"title must be one line of at most {TITLE_MAX} characters (got {len(heading)}); "
            "put the details in body or facts"
        )
    narrative = text_arg("body", body) or ""
    points = strings_arg("facts", facts, limit=30, example="['retries: 3', 'backoff: 2s']")
    if not narrative and not points:
        raise ToolArgumentError(
            "give body (a short narrative: what and why) or facts (a list of short statements), "
            "or both, so the memory says more than its title"
        )
    paths = [
        repo_path(memory.paths.root, "files", item)
        for item in strings_arg("files", files, limit=50, example="['src/app/worker.py']")
    ]
    labels = strings_arg("tags", tags, limit=20, example="['celery', 'retries']")
    result = memory.remember(
        kind,
        clean(heading),
        clean(compose_body(narrative, points)),
        files=paths,
        tags=[clean(tag) for tag in labels],
        source="mcp",
        session=session,
    )
    obs = result.observation
    if result.action == "rejected":
        return (
            "Not saved: the user rejected or forgot this memory before (in memgit review or "
            "forget), so it is not saved again. Ask the user if it now holds."
        )
    if result.action == "duplicate":
        return (
            f"Not saved: this restates [m:{obs.id}] {obs.title} ({result.path}), which memory "
            "already holds. Read it with the get tool; to change it, remember a corrected version."
        )
    saved = f"Saved [m:{obs.id}] {obs.type}: {obs.title} ({result.path})."
    if obs.pending:
        return saved + (
            " It waits for the user's review (memgit review) and stays out of CLAUDE.md and the "
            "session context until accepted."
        )
    if result.action == "superseded" and result.replaced is not None:
        old = result.replaced
        saved += f" It supersedes [m:{old.id}] {old.title}, now marked superseded."
    return saved + " The file is committed with the code like any other change."


def forget(memory: Memory, ids: Any = None, reason: Any = None) -> str:
    """Expire observations with the user's reason, as ``memgit forget`` does."""
    idents = ids_arg(ids)
    why = text_arg("reason", reason, required=True, example="we moved the queue to RQ in November")
    assert why is not None
    try:
        outcomes = memory.forget(idents, why)
    except (UnknownObservation, AmbiguousId) as exc:
        raise ToolArgumentError(
            f"{exc} Nothing was forgotten: use the search tool to find the right id."
        ) from None
    lines = []
    for outcome in outcomes:
        obs = outcome.observation
        if outcome.action == "forgotten":
            lines.append(f"Forgot [m:{obs.id}] {obs.type}: {obs.title} ({outcome.path}).")
        else:
            lines.append(f"[m:{obs.id}] {obs.title} was already {obs.status}; unchanged.")
    memory.regenerate()
    lines.append(
        "Each is now expired with the reason kept in its file: it leaves CLAUDE.md and is not "
        "captured again. Tell the user; the change is committed with the code like any other."
    )
    return "\n".join(lines)


# --- text for the model -----------------------------------------------------------------------


def compact_line(obs: Observation, *, time: bool = False) -> str:
    """``[m:id] type · date · title · files``: one line, enough to choose what to read."""
    when = f"{obs.updated:%Y-%m-%d %H:%M}" if time else f"{obs.updated:%Y-%m-%d}"
    parts = [f"[m:{obs.id}] {obs.type}", when, " ".join(obs.title.split())]
    if obs.files:
        shown = ", ".join(obs.files[:LIST_FILES])
        more = len(obs.files) - LIST_FILES
        parts.append(shown + (f" +{more} more" if more > 0 else ""))
    if not obs.active:
        parts.append(obs.status + (f" by [m:{obs.superseded_by}]" if obs.superseded_by else ""))
    return " · ".join(parts)


def full_text(obs: Observation, path: str) -> str:
    lines = [
        f"## [m:{obs.id}] {obs.title}",
        f"type: {obs.type} · status: {obs.status} · confidence: {obs.confidence:.2f} · "
        f"created: {obs.created:%Y-%m-%d} · updated: {obs.updated:%Y-%m-%d}",
    ]
    for label, values in (
        ("files", obs.files),
        ("tags", obs.tags),
        ("supersedes", tuple(f"[m:{i}]" for i in obs.supersedes)),
        ("superseded by", (f"[m:{obs.superseded_by}]",) if obs.superseded_by else ()),
    ):
        if values:
            lines.append(f"{label}: {', '.join(values)}")
    provenance = [
        f"{label} {value}"
        for label, value in (
            ("session", obs.session),
            ("branch", obs.branch),
            ("commit", obs.commit),
            ("source", obs.source),
        )
        if value
    ]
    if provenance:
        lines.append("from: " + ", ".join(provenance))
    lines.append(f"file: {path}")
    body = obs.body.strip()
    if len(body) > BODY_LIMIT:
        body = body[:BODY_LIMIT].rstrip() + f"\n\n[… cut at {BODY_LIMIT} characters; see {path}]"
    return "\n".join(lines) + ("\n\n" + body if body else "")


def _summary_lines(summary: SessionSummary) -> list[str]:
    lines = [
        f"Session {summary.session}: {summary.title or '(untitled)'}",
        f"{summary.started:%Y-%m-%d %H:%M} to {summary.ended:%Y-%m-%d %H:%M} UTC"
        + (f" on branch {summary.branch}" if summary.branch else ""),
    ]
    if summary.request:
        lines.append(f"Request: {summary.request}")
    for label, items in (
        ("Learned", summary.learned),
        ("Completed", summary.completed),
        ("Next steps", summary.next_steps),
    ):
        if items:
            lines.append(f"{label}:")
            lines += [f"- {item}" for item in items]
    lines.append("")
    return lines


def _describe(kind: str | None, state: str, file: str | None, since: Any) -> str:
    parts = [state if state != "all" else "any status"]
    if kind:
        parts.append(f"type {kind}")
    if file:
        parts.append(f"about {file}")
    if since:
        parts.append(f"updated since {since}")
    return ", ".join(parts)


def _id_problem(exc: MemgitError) -> str:
    if isinstance(exc, AmbiguousId):
        shown = "; ".join(exc.matches[:10])
        return f"several observations start with this ({shown}); give more characters"
    return "no observation has this id"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    names = {list: "a list", dict: "an object", bool: "a boolean", int: "a number"}
    return names.get(type(value), f"a {type(value).__name__}")
