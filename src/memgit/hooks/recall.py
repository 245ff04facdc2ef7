"""Recall for the hooks: context at session start and next to each prompt.

SessionStart gives what the CLAUDE.md section does not: the last session's summary and open
progress and coordination on this branch. UserPromptSubmit gives the few observations most
relevant to the prompt that are not in the section already, or nothing when nothing is relevant.
Both stay within the configured budgets, far under Claude Code's 10,000-character cap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from memgit.api import Memory
from memgit.context import prompt_context, session_start_context
from memgit.locate import head_branch
from memgit.model import utcnow

if TYPE_CHECKING:
    from memgit.sessions import SessionSummary

_CITED = re.compile(r"\[m:([a-z][0-9a-z]{3,39})\]")
#: Fewer words than this in a prompt ("ok", "go on") never trigger a search.
MIN_PROMPT_WORDS = 2


def section_ids(memory: Memory) -> frozenset[str]:
    """Ids already cited in the generated section of CLAUDE.md."""
    try:  # the common case without the section module: the markers in CLAUDE.md itself
        with open(memory.paths.root / "CLAUDE.md", encoding="utf-8") as handle:
            text = handle.read()
        begin, end = text.find("<!-- memgit:begin -->"), text.find("<!-- memgit:end -->")
        if 0 <= begin < end:
            return frozenset(_CITED.findall(text[begin:end]))
    except (OSError, UnicodeDecodeError):
        pass
    from memgit.section import read_section, resolve_target

    try:  # a symlink, an @AGENTS.md import stub, .claude/CLAUDE.md...
        body = read_section(resolve_target(memory.paths.root, "claude"))
    except Exception:  # a malformed CLAUDE.md must not cost the user their context
        return frozenset()
    return frozenset(_CITED.findall(body or ""))


def session_start(root: str, payload: dict[str, Any]) -> str:
    return session_start_text(Memory.open(root), payload.get("session_id"))


def prepare_session_start(memory: Memory) -> None:
    """Write the next SessionStart's context for the hook to read (the worker calls this)."""
    from memgit.hooks import startcache

    root, git_dir = str(memory.paths.root), str(memory.paths.git_dir)
    before = startcache.marks(root, git_dir)
    day = utcnow().strftime("%Y-%m-%d")
    startcache.write(root, git_dir, day, session_start_text(memory, None), before)


def session_start_text(memory: Memory, current: object) -> str:
    from memgit.openitems import observations_of
    from memgit.sessions import latest_sessions

    branch = head_branch(str(memory.paths.git_dir))
    config = memory.config
    open_items = observations_of(memory.store, config.lifecycle.ephemeral_types, limit=40)
    latest = latest_sessions(memory.paths.sessions, 2)
    previous = [s for s in latest if s.session != current]
    return session_start_context(
        open_items,
        utcnow(),
        # While review is required, "learned" may restate pending memory: leave it out.
        last_summary=describe_session(previous[0], learned=not config.review.pending)
        if previous
        else None,
        branch=branch,
        section_ids=section_ids(memory),
        max_chars=config.context.session_start_chars,
        half_life_days=config.lifecycle.half_life_days,
        ephemeral_types=config.lifecycle.ephemeral_types,
        quality_floor=config.context.quality_floor,
    )


def prompt_submit(root: str, payload: dict[str, Any]) -> str:
    prompt = payload.get("prompt")
    if not isinstance(prompt, str) or len(prompt.split()) < MIN_PROMPT_WORDS:
        return ""
    memory = Memory.open(root)
    config = memory.config
    if config.context.prompt_items == 0 or config.context.prompt_chars == 0:
        return ""
    from memgit.query import Filters  # whoosh: only when a prompt is worth a search

    hits = memory.index.search(
        prompt[:2000], Filters(), config.context.prompt_items * 3, refresh=False
    )
    return prompt_context(
        [hit.observation for hit in hits],
        section_ids=section_ids(memory),
        max_chars=config.context.prompt_chars,
        max_items=config.context.prompt_items,
        now=utcnow(),
        half_life_days=config.lifecycle.half_life_days,
        ephemeral_types=config.lifecycle.ephemeral_types,
        quality_floor=config.context.quality_floor,
    )


def describe_session(summary: SessionSummary, *, learned: bool = True) -> str:
    """A session summary as a few plain lines of fact (``learned`` False: without what it
    learned, which may restate memory still pending review)."""
    lines = [
        f"{summary.title} ({summary.ended:%Y-%m-%d}"
        + (f", {summary.branch})" if summary.branch else ")")
    ]
    if summary.completed:
        lines.append("Completed: " + "; ".join(summary.completed[:5]))
    if summary.learned and learned:
        lines.append("Learned: " + "; ".join(summary.learned[:5]))
    if summary.next_steps:
        lines.append("Next steps: " + "; ".join(summary.next_steps[:5]))
    return "\n".join(lines)
