"""UserPromptSubmit: the few memories most relevant to the prompt, from the term index.

The hook runs before every prompt, so its common path imports the standard library, the term
index reader and the stemmer only (no search engine, no YAML, no configuration loading): the
term index carries the prompt settings and a prepared line per observation. It is trusted while
its marks (the observations folder's and ``config.yaml``'s mtimes) match the files and the
candidates' own files are unchanged; otherwise the index is synced first (``add``, ``pull``,
``merge`` and hand edits change one or the other), which costs one slower prompt.

Within one session a memory is shown once: the ids shown (by this hook and by SessionStart) are
kept in ``<state>/recall/<session>.json``. When more matched than the budget shows, a last line
says how many and how to see them. Only active observations are ever shown (never superseded,
expired or pending ones).
"""

from __future__ import annotations

import os
import re
import time

from memgit import termindex
from memgit.hooks.seen import read_seen, remember_seen, section_ids

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Fewer words than this in a prompt ("ok", "go on") never trigger a search.
MIN_PROMPT_WORDS = 2
CONTEXT_OPEN = "<memgit-context>"
CONTEXT_CLOSE = "</memgit-context>"
PROMPT_HEAD = "Project memory (memgit) related to this prompt:"
HOOK_CONTEXT_MAX_CHARS = 9000
MIN_CONFIDENCE = 0.1
#: Environment settings that change what this hook shows: with any of them, read the configuration.
PROMPT_ENVIRONMENT = (
    "MEMGIT_CONTEXT_PROMPT_ITEMS",
    "MEMGIT_CONTEXT_PROMPT_CHARS",
    "MEMGIT_LIFECYCLE_HALF_LIFE_DAYS",
    "MEMGIT_LIFECYCLE_EPHEMERAL_TYPES",
)
#: Session records older than this are removed when a new one is written.
_WORD = re.compile(r"[A-Za-z0-9][\w.\-]*")


def prompt_submit(root: str, state: str, payload: dict[str, Any]) -> str:
    prompt = payload.get("prompt")
    if not isinstance(prompt, str) or len(prompt.split()) < MIN_PROMPT_WORDS:
        return ""
    session = payload.get("session_id") if isinstance(payload.get("session_id"), str) else None
    folder = os.path.join(state, termindex.FOLDER)
    settings = _settings(root, folder)
    if settings is None:  # memory changed since the term index was written
        _sync(root)
        settings = _settings(root, folder) or _live_settings(root)
    items, chars = int(settings["prompt_items"]), int(settings["prompt_chars"])
    if items <= 0 or chars <= 0:
        return ""
    terms = termindex.analyze(prompt[:2000])
    if not terms:
        return ""
    for attempt in range(2):
        index = termindex.TermIndex.open(folder)
        if index is None:
            if attempt:
                return ""
            _sync(root)
            continue
        # Not closed: the process ends right after, and unmapping costs more than it saves.
        hits = termindex.ranked(index, terms, items * 3, allow=index.is_active)
        records = [index.get(key) for key, _ in hits]
        if attempt or not any(_changed(root, record) for record in records):
            break
        _sync(root)  # a candidate's file was edited in place since it was indexed
    seen = read_seen(state, session)
    text, shown = compose(
        records,
        section_ids=section_ids(root),
        seen=seen,
        max_chars=chars,
        max_items=items,
        now=time.time(),
        half_life_days=float(settings["half_life_days"]),
        ephemeral_types=tuple(settings["ephemeral_types"]),
        query=search_words(prompt),
        quality_floor=float(settings.get("quality_floor", 0.0)),
    )
    if shown and session:
        remember_seen(state, session, shown)
    return text


def compose(
    records: list[dict[str, Any]],
    *,
    section_ids: frozenset[str],
    seen: frozenset[str],
    max_chars: int,
    max_items: int,
    now: float,
    half_life_days: float,
    ephemeral_types: tuple[str, ...],
    query: str,
    quality_floor: float = 0.0,
) -> tuple[str, list[str]]:
    """The context text and the ids it shows, from ranked term index records.

    The same choices as ``context.prompt_context`` (active only, not in the section, not faded,
    within ``max_items`` and ``max_chars``), plus: ids already shown this session are left out,
    and a last line counts the matches the budget left out.
    """
    if max_items <= 0:
        return "", []
    max_chars = min(max_chars, HOOK_CONTEXT_MAX_CHARS)
    room = max_chars - len("\n".join([CONTEXT_OPEN, PROMPT_HEAD, CONTEXT_CLOSE])) - 1
    hint_room = len(_hint(999, query)) + 1
    lines: list[str] = []
    shown: list[str] = []
    more = 0
    for record in records:
        stored = record["d"]
        ident = stored["id"]
        line = record.get("line")
        if stored["status"] != "active" or ident in section_ids or ident in seen or not line:
            continue
        if _faded(record, now, half_life_days, ephemeral_types):
            continue
        if not record.get("h") and float(record.get("w", 1.0)) < quality_floor:
            continue  # captured memory under the floor (``quality.below_floor``) stays out
        if len(lines) >= max_items or len(line) + 1 > room - hint_room:
            more += 1
            continue
        lines.append(line)
        shown.append(ident)
        room -= len(line) + 1
    if more and query:
        lines.append(_hint(more, query))
    if not shown:
        return "", []
    return "\n".join([CONTEXT_OPEN, PROMPT_HEAD, *lines, CONTEXT_CLOSE]), shown


def _hint(count: int, query: str) -> str:
    return f"+{count} more: `memgit search {query}`"


def _faded(
    record: dict[str, Any], now: float, half_life: float, ephemeral: tuple[str, ...]
) -> bool:
    """As ``model.decayed_confidence`` below the floor: ephemeral types halve every half-life."""
    stored = record["d"]
    confidence = float(stored["confidence"])
    if stored["type"] in ephemeral and half_life > 0:
        age_days = max(0.0, (now - float(record["u"])) / 86400.0)
        confidence *= 0.5 ** (age_days / half_life)
    return confidence < MIN_CONFIDENCE


def search_words(prompt: str, limit: int = 6) -> str:
    """The prompt's first few content words, safe to paste into a shell command."""
    words: list[str] = []
    for match in _WORD.finditer(prompt[:2000]):
        word = match.group().lower().strip(".-")
        if len(word) < 3 or word in termindex.STOP_WORDS or word in words:
            continue
        words.append(word)
        if len(words) == limit:
            break
    return " ".join(words)


def _changed(root: str, record: dict[str, Any]) -> bool:
    try:
        found = os.stat(os.path.join(root, record["p"]))
    except OSError:
        return True
    return (found.st_mtime_ns, found.st_size) != (record["m"], record["z"])


# --- settings and freshness --------------------------------------------------------------------


def _settings(root: str, folder: str) -> dict[str, Any] | None:
    """The prompt settings when the term index is current; None when it must be synced first."""
    marks = termindex.read_marks(folder)
    if marks is None:
        return None
    current = termindex.current_marks(root)
    if marks.get("folder") != current["folder"]:
        return None
    settings = marks.get("settings")
    if (
        marks.get("config") != current["config"]
        or not isinstance(settings, dict)
        or any(name in os.environ for name in PROMPT_ENVIRONMENT)
    ):
        return _live_settings(root)
    return settings


def _live_settings(root: str) -> dict[str, Any]:
    from memgit.api import Memory, prompt_settings

    return prompt_settings(Memory.open(root).config)


def _sync(root: str) -> None:
    """Bring the search and term indexes up to date (a busy index is read as it is)."""
    from memgit.api import Memory
    from memgit.errors import LockTimeout

    memory = Memory.open(root)
    try:  # noqa: SIM105 - contextlib is a few ms this hook need not pay
        memory.index.sync()
    except LockTimeout:
        pass
