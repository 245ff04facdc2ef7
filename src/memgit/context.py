"""Pure generators of what memgit tells the agent, each within its budget.

``render_section`` makes the ranked body of the CLAUDE.md section; ``session_start_context`` and
``prompt_context`` make the ``additionalContext`` of the SessionStart and UserPromptSubmit hooks.
No I/O and no clock: the caller passes the observations, ``now`` and the settings. The section
ranks at the start of ``now``'s UTC day, so the same memory on the same date gives the same bytes.

Observation text is untrusted: every title, path, body line and summary line goes through
``memgit.untrusted`` (made one inert line; orders quoted as notes; injections left out).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from memgit.model import EPHEMERAL_TYPES, TITLE_MAX, Observation, decayed_confidence
from memgit.quality import DEFAULT_FLOOR, below_floor, has_chat, is_done, is_human, quality
from memgit.untrusted import (
    as_fact,
    files_hint,
    looks_like_instruction,
    safe_id,
    sanitize_inline,
)

SECTION_TYPE_ORDER = ("architecture", "decision", "pattern", "gotcha", "progress", "coordination")
GROUP_TITLES = {
    "architecture": "Architecture",
    "decision": "Decisions",
    "pattern": "Patterns",
    "gotcha": "Gotchas",
    "progress": "In progress",
    "coordination": "Coordination",
}
OPEN_TYPES = ("progress", "coordination")

CONTEXT_OPEN = "<memgit-context>"
CONTEXT_CLOSE = "</memgit-context>"

SECTION_TITLE = "## Project memory (memgit)"
SECTION_INTRO = (
    "Facts recorded in `.memory/` by past sessions on this repository, most useful first. "
    "`[m:<id>]` cites an observation; `memgit show <id>` prints it in full."
)
SECTION_EMPTY = (
    "No observations are recorded yet; memgit adds them to `.memory/` as sessions teach it "
    "about this repository."
)
SEARCH_HINT = "Search more: `memgit search <words>` or the memgit MCP tools."
CONTEXT_SEARCH_LINE = (
    "More project memory is searchable with `memgit search <words>` or the memgit MCP search tool."
)
#: Claude Code moves additionalContext over 10,000 characters to a file and shows a preview;
#: hook context never goes past this, whatever budget the caller passes.
HOOK_CONTEXT_MAX_CHARS = 9000
#: The smallest budgets that still hold a heading, one group with one item, and the footer.
MIN_SECTION_LINES = 8
MIN_SECTION_CHARS = 600

#: Ranking: score = quality (``memgit.quality``) * fading (the share of its confidence an
#: ephemeral observation keeps at the day) * recency * staleness. Recency falls from 1 towards
#: RECENCY_FLOOR with a half-life of RECENCY_HALF_LIFE_DAYS, so quality dominates and age only
#: separates near-equals. Observations below the quality floor, and progress that reports finished
#: work, are not shown.
RECENCY_HALF_LIFE_DAYS = 90.0
RECENCY_FLOOR = 0.6
#: Observations whose files changed after they were recorded count half.
STALE_FACTOR = 0.5

_HEADER_LINES = 3  # title, blank, intro
_FOOTER_LINES = 2  # blank, search hint
_HEADING_LINES = 2  # blank, "### Group"
_SNIPPET_CHARS = 160
#: The clause of the body a section line carries after its title.
CLAUSE_CHARS = 90

# --- ranking -------------------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def day_start(now: datetime) -> datetime:
    """Midnight UTC of ``now``'s date: the moment the section is ranked at."""
    return _aware(now).replace(hour=0, minute=0, second=0, microsecond=0)


def score_observation(
    obs: Observation,
    at: datetime,
    *,
    half_life_days: float = 7.0,
    ephemeral_types: Iterable[str] = EPHEMERAL_TYPES,
    stale: bool = False,
) -> float:
    """How much ``obs`` deserves a place: quality * fading * recency (* STALE_FACTOR)."""
    at = _aware(at)
    confidence = decayed_confidence(obs, at, half_life_days, ephemeral_types)
    return _score(confidence, obs, at, stale)


def _score(
    confidence: float, obs: Observation, at: datetime, stale: bool, worth: float | None = None
) -> float:
    """``worth``: ``quality(obs)`` when the caller has it already (it is most of the cost)."""
    age_days = max(0.0, (at - obs.updated).total_seconds() / 86400.0)
    recency = RECENCY_FLOOR + (1.0 - RECENCY_FLOOR) * 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
    fading = confidence / obs.confidence if obs.confidence > 0 else 0.0
    worth = quality(obs) if worth is None else worth
    score = worth * fading * recency * (STALE_FACTOR if stale else 1.0)
    return float(round(score, 9))  # the same ranking on every platform, whatever the last bits


def shown_first(obs: Observation, quality_floor: float) -> bool:
    """Whether ``obs`` may be among what Claude reads first: active, at or over the floor."""
    return obs.active and not below_floor(obs, quality_floor)


@dataclass(frozen=True)
class _Candidate:
    key: tuple[float, str]  # (-score, id): ascending is best first
    obs: Observation


def _rank(
    observations: Iterable[Observation],
    at: datetime,
    half_life_days: float,
    ephemeral_types: Iterable[str],
    stale_ids: frozenset[str],
    min_confidence: float,
    quality_floor: float,
) -> tuple[dict[str, list[_Candidate]], int]:
    """Active observations worth showing, by type and best first; and the active count.

    Left out: those faded below ``min_confidence``, those below ``quality_floor``, and progress
    that reports finished work.
    """
    ephemeral = tuple(ephemeral_types)
    groups: dict[str, list[_Candidate]] = {}
    active = 0
    for obs in observations:
        if not obs.active:
            continue
        active += 1
        if is_done(obs):
            continue
        confidence = decayed_confidence(obs, at, half_life_days, ephemeral)
        if confidence < min_confidence:
            continue
        worth = quality(obs)  # once: the floor and the score both need it
        if worth < quality_floor and not is_human(obs):
            continue
        score = _score(confidence, obs, at, obs.id in stale_ids, worth)
        groups.setdefault(obs.type, []).append(_Candidate((-score, obs.id), obs))
    for candidates in groups.values():
        candidates.sort(key=lambda c: c.key)
    return groups, active


# --- the CLAUDE.md section -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    key: tuple[float, str]
    line: str


def _section_items(candidates: list[_Candidate], stale_ids: frozenset[str]) -> Iterator[_Item]:
    """The group's lines, best first; withheld observations and repeated titles skipped."""
    seen: set[str] = set()
    for candidate in candidates:
        obs = candidate.obs
        text = as_fact(obs.title, TITLE_MAX)
        if text is None or text.casefold() in seen:
            continue
        seen.add(text.casefold())
        hint = files_hint(obs.files, text)
        stale = " (files changed since)" if obs.id in stale_ids else ""
        clause = body_clause(obs.title, obs.body)
        more = f" — {clause}" if clause else ""
        yield _Item(candidate.key, f"- {text}{more}{hint}{stale} [m:{safe_id(obs.id)}]")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"'(])")
#: A short label before a colon ("Takeaway on the mechanism: ..."), dropped from a clause.
_LABEL = re.compile(r"^(?:[A-Za-z][\w-]*\s+){0,3}[A-Za-z][\w-]*\s*:\s+(?=\S)")
#: What the person asked is not a fact of the body.
_ASKED = re.compile(r"^\s*(?:asked|question|prompt)\s*:", re.I)
_CLAUSE_WORD = re.compile(r"[a-z0-9]+")
_COMMON = frozenset(
    """a an the to of for in on at by with from into and or but that which who as than then
    is are was were be been it its this these those they we i you so also now not no can
    will""".split()
)
#: A sentence holding this share of the title's words restates it.
_RESTATES = 0.6
_BREAKS = (" \u2014 ", " \u2013 ", "; ", ", ", " (")  # em dash, en dash


def _content(text: str) -> list[str]:
    """Content words, a plural ``s`` dropped so "session" meets "sessions"."""
    words = (w for w in _CLAUSE_WORD.findall(text.casefold()) if w not in _COMMON)
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words]


def _sentences(body: str) -> Iterator[str]:
    for raw in body.split("\n"):
        line = re.sub(r"^\s*(?:#+|[-*+]|\d+[.)])\s*", "", raw).strip()
        for sentence in _SENTENCE_END.split(line):
            if _ASKED.match(sentence):
                continue
            sentence = _LABEL.sub("", sentence.strip()).rstrip(":").strip()
            if sentence:
                yield sentence


def body_clause(title: str, body: str, limit: int = CLAUSE_CHARS) -> str | None:
    """A short clause of ``body`` that adds to ``title``, safe for one line; None when none does.

    The body's sentences (narrative, then facts) are read in order: when one restates the title
    (holds most of its words), the clause is the next sentence that adds to it; otherwise it is
    the first sentence that shares a word with the title and adds words of its own. Plan steps,
    questions and orders to the reader are passed over. The clause is cut at a phrase break, or
    at a word, within ``limit`` characters.
    """
    known = set(_content(title))
    if not known:
        return None
    restated = False
    fallback: str | None = None
    for count, sentence in enumerate(_sentences(body)):
        if count >= 8:
            break
        words = _content(sentence)
        shared = known.intersection(words)
        if len(shared) >= _RESTATES * len(known):
            restated = True
            continue
        new = [w for w in words if w not in known]
        if len(new) < 3 or has_chat(sentence) or looks_like_instruction(sentence):
            continue
        if restated:
            return _cut(sentence, limit)
        if shared and fallback is None:
            fallback = sentence
    return _cut(fallback, limit) if fallback else None


def _cut(sentence: str, limit: int) -> str | None:
    text = as_fact(sentence, 10 * limit)
    if text is None:
        return None
    text = text.rstrip(".")
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(mark) for mark in _BREAKS)
    if cut > limit // 2:
        return head[:cut].rstrip(" ,;(\u2013\u2014") + " …"
    space = head[: limit - 1].rfind(" ")
    return head[: space if space > limit // 2 else limit - 1].rstrip(" ,;") + "…"


def _footer(hidden: int) -> str:
    if hidden <= 0:
        return SEARCH_HINT
    noun = "observation" if hidden == 1 else "observations"
    return f"{SEARCH_HINT} {hidden} more {noun} not shown."


def render_section(
    observations: Iterable[Observation],
    now: datetime,
    *,
    max_lines: int = 150,
    max_chars: int | None = None,
    half_life_days: float = 7.0,
    ephemeral_types: Iterable[str] = EPHEMERAL_TYPES,
    stale_ids: frozenset[str] = frozenset(),
    min_confidence: float = 0.1,
    quality_floor: float = DEFAULT_FLOOR,
) -> str:
    """The body of the memory section: the best active observations, grouped by type.

    Groups come in ``SECTION_TYPE_ORDER``, each a ``###`` heading with lines
    ``- <title> — <clause of the body> [m:<id>]``, ranked by ``score_observation``; those under
    ``quality_floor`` and progress that reports finished work are left out. Within
    ``max_lines`` lines (and ``max_chars`` characters), every group first gets an equal share
    of half the room, best first; the rest goes to the best remaining observations of any
    type. Ties break by id. Observations whose confidence at the start of ``now``'s day is
    below ``min_confidence`` are left out, like those that read as injections.
    """
    if max_lines < MIN_SECTION_LINES:
        raise ValueError(f"max_lines must be at least {MIN_SECTION_LINES}, not {max_lines}")
    if max_chars is not None and max_chars < MIN_SECTION_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_SECTION_CHARS}, not {max_chars}")
    at = day_start(now)
    groups, active = _rank(
        observations, at, half_life_days, ephemeral_types, stale_ids, min_confidence, quality_floor
    )
    if active == 0:
        return "\n".join([SECTION_TITLE, "", SECTION_EMPTY])
    order = [t for t in SECTION_TYPE_ORDER if t in groups]
    order += sorted(t for t in groups if t not in SECTION_TYPE_ORDER)
    chosen = _select(groups, order, stale_ids, max_lines, max_chars, _footer(active))
    shown = sum(len(lines) for lines in chosen.values())
    out = [SECTION_TITLE, "", SECTION_INTRO]
    for kind in order:
        if chosen.get(kind):
            out += ["", f"### {GROUP_TITLES.get(kind, kind.title())}", *chosen[kind]]
    out += ["", _footer(active - shown)]
    return "\n".join(out)


def _select(
    groups: dict[str, list[_Candidate]],
    order: list[str],
    stale_ids: frozenset[str],
    max_lines: int,
    max_chars: int | None,
    widest_footer: str,
) -> dict[str, list[str]]:
    iterators = {kind: _section_items(groups[kind], stale_ids) for kind in order}
    heads: dict[str, _Item | None] = {kind: next(iterators[kind], None) for kind in order}
    present = [kind for kind in order if heads[kind] is not None]
    room = max_lines - _HEADER_LINES - _FOOTER_LINES
    while present and len(present) * (_HEADING_LINES + 1) > room:
        # Too many groups for even one line each: drop the one whose best line ranks lowest.
        present.remove(max(present, key=lambda k: (_key(heads[k]), order.index(k))))
    lines_left = room - _HEADING_LINES * len(present)
    header_chars = len(SECTION_TITLE) + len(SECTION_INTRO) + 2
    chars = [header_chars + 2 + len(widest_footer)]  # joined with "\n": one per line but the last
    chosen: dict[str, list[str]] = {kind: [] for kind in present}

    def take(kind: str) -> bool:
        item = heads[kind]
        assert item is not None
        cost = len(item.line) + 1
        if not chosen[kind]:
            cost += len(GROUP_TITLES.get(kind, kind)) + 6
        if max_chars is not None and chars[0] + cost > max_chars:
            return False
        chars[0] += cost
        chosen[kind].append(item.line)
        heads[kind] = next(iterators[kind], None)
        return True

    share = max(1, lines_left // (2 * len(present))) if present else 0
    blocked: set[str] = set()
    for _ in range(share):
        for kind in present:
            if lines_left and heads[kind] is not None and kind not in blocked:
                if take(kind):
                    lines_left -= 1
                else:
                    blocked.add(kind)
    queue = [(_key(heads[k]), order.index(k), k) for k in present if heads[k] and k not in blocked]
    heapq.heapify(queue)
    while queue and lines_left:
        _, _, kind = heapq.heappop(queue)
        if not take(kind):
            break
        lines_left -= 1
        if heads[kind] is not None:
            heapq.heappush(queue, (_key(heads[kind]), order.index(kind), kind))
    return chosen


def _key(item: _Item | None) -> tuple[float, str]:
    return item.key if item is not None else (0.0, "")


# --- additionalContext for the hooks -------------------------------------------------------------


def _wrap(lines: list[str]) -> str:
    return "\n".join([CONTEXT_OPEN, *lines, CONTEXT_CLOSE])


def _fit(lines: Iterable[str], budget: int) -> list[str]:
    """As many whole lines as fit in ``budget`` characters (each costs its length + 1)."""
    kept: list[str] = []
    for line in lines:
        if len(line) + 1 > budget:
            break
        kept.append(line)
        budget -= len(line) + 1
    return kept


def _summary_lines(summary: str) -> list[str]:
    lines = []
    for raw in summary.replace("\r\n", "\n").split("\n"):
        heading = re.match(r"^\s*#+\s*", raw)
        bullet = re.match(r"^\s*[-*+]\s+", raw)
        raw = raw[heading.end() if heading else bullet.end() if bullet else 0 :]
        text = as_fact(raw, 300) if raw.strip() else None
        if not text:
            continue
        if heading and not text.endswith((":", ".", "?", "!")):
            text += ":"
        lines.append(f"  - {text}" if bullet else f"  {text}")
    return lines


def _open_line(obs: Observation) -> str | None:
    text = as_fact(obs.title, TITLE_MAX)
    if text is None:
        return None
    return f"- [{obs.type}] {text} [m:{safe_id(obs.id)}] (updated {obs.updated:%Y-%m-%d})"


def session_start_context(
    observations: Iterable[Observation],
    now: datetime,
    *,
    last_summary: str | None = None,
    branch: str | None = None,
    section_ids: frozenset[str] = frozenset(),
    max_chars: int = 4000,
    half_life_days: float = 7.0,
    ephemeral_types: Iterable[str] = EPHEMERAL_TYPES,
    min_confidence: float = 0.1,
    quality_floor: float = DEFAULT_FLOOR,
) -> str:
    """SessionStart context: what the section does not give. Empty when there is nothing new.

    The last session's summary, then open progress and coordination on ``branch`` (observations
    without a branch count as on every branch) not already in ``section_ids``, then one line on
    how to search memory; all as facts inside ``<memgit-context>``, within ``max_chars``. Open
    items are ranked like the section; those under ``quality_floor`` and progress that reports
    finished work are left out.
    """
    max_chars = min(max_chars, HOOK_CONTEXT_MAX_CHARS)
    at = _aware(now)
    ephemeral = tuple(ephemeral_types)
    ranked: list[tuple[tuple[float, str], Observation]] = []
    for obs in observations:
        if not obs.active or obs.type not in OPEN_TYPES or obs.id in section_ids:
            continue
        if branch and obs.branch and obs.branch != branch:
            continue
        if below_floor(obs, quality_floor) or is_done(obs):
            continue
        confidence = decayed_confidence(obs, at, half_life_days, ephemeral)
        if confidence >= min_confidence:
            ranked.append(((-_score(confidence, obs, at, False), obs.id), obs))
    ranked.sort(key=lambda pair: pair[0])
    items = [line for _, obs in ranked if (line := _open_line(obs)) is not None]
    summary = _summary_lines(last_summary or "")
    if not items and not summary:
        return ""
    where = f" on branch {sanitize_inline(branch, 80)}" if branch else ""
    head = f"Project memory (memgit) for this repository{where}:"
    room = max_chars - len(_wrap([head, CONTEXT_SEARCH_LINE])) - 1
    items_chars = sum(len(line) + 1 for line in items)
    summary_room = room if not items else max(room // 2, room - items_chars)
    kept_summary = _fit(summary, summary_room)
    kept_items = _fit(items, room - sum(len(line) + 1 for line in kept_summary))
    while kept_summary or kept_items:
        text = _wrap(_session_body(head, kept_summary, kept_items, len(items), branch))
        if len(text) <= max_chars:
            return text
        # The sub-headings did not fit: give up the lowest-ranked line and try again.
        (kept_items if kept_items else kept_summary).pop()
    return ""


def _session_body(
    head: str, summary: list[str], items: list[str], total_items: int, branch: str | None
) -> list[str]:
    body = [head]
    if summary:
        body += ["Last session summary:", *summary]
    if items:
        more = total_items - len(items)
        label = "Open progress and coordination" + (" on this branch" if branch else "")
        body.append(f"{label} ({more} more not listed):" if more else f"{label}:")
        body += items
    body.append(CONTEXT_SEARCH_LINE)
    return body


def _snippet(body: str) -> str | None:
    for raw in body.split("\n"):
        raw = re.sub(r"^\s*(#+|[-*+])\s*", "", raw).strip()
        if raw:
            if looks_like_instruction(raw):
                return None
            return sanitize_inline(raw, _SNIPPET_CHARS) or None
    return None


PROMPT_HEAD = "Project memory (memgit) related to this prompt:"


def prompt_line(obs: Observation) -> str | None:
    """One observation as a UserPromptSubmit line, or None when its title is not a usable fact."""
    text = as_fact(obs.title, TITLE_MAX)
    if text is None:
        return None
    line = f"- [{obs.type}] {text}{files_hint(obs.files, text)} [m:{safe_id(obs.id)}]"
    snippet = _snippet(obs.body)
    if snippet and snippet.casefold() != text.casefold():
        line += f": {snippet}"
    return line


def prompt_context(
    hits: Sequence[Observation],
    *,
    section_ids: frozenset[str] = frozenset(),
    max_chars: int = 1500,
    max_items: int = 5,
    now: datetime | None = None,
    half_life_days: float = 7.0,
    ephemeral_types: Iterable[str] = EPHEMERAL_TYPES,
    min_confidence: float = 0.1,
    quality_floor: float = DEFAULT_FLOOR,
) -> str:
    """UserPromptSubmit context: the best search hits not already in the section, as facts.

    ``hits`` are observations already ranked by relevance to the prompt. Inactive ones, ids in
    ``section_ids``, those under ``quality_floor`` and (with ``now``) faded ephemeral ones are
    skipped; at most ``max_items`` lines, the whole text within ``max_chars``. Empty when nothing
    is left.
    """
    if max_items <= 0:
        return ""
    max_chars = min(max_chars, HOOK_CONTEXT_MAX_CHARS)
    head = PROMPT_HEAD
    room = max_chars - len(_wrap([head])) - 1
    lines: list[str] = []
    ephemeral = tuple(ephemeral_types)
    for obs in hits:
        if len(lines) >= max_items:
            break
        if not shown_first(obs, quality_floor) or obs.id in section_ids:
            continue
        if (
            now is not None
            and decayed_confidence(obs, _aware(now), half_life_days, ephemeral) < min_confidence
        ):
            continue
        line = prompt_line(obs)
        if line is None:
            continue
        if len(line) + 1 > room:
            continue
        lines.append(line)
        room -= len(line) + 1
    return _wrap([head, *lines]) if lines else ""
