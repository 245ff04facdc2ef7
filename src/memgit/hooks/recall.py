"""Recall for the hooks: context at session start and next to each prompt.

SessionStart gives what the CLAUDE.md section does not: the last session's summary and open
progress and coordination on this branch. UserPromptSubmit gives the few observations most
relevant to the prompt that are not in the section already, or nothing when nothing is relevant.
Both stay within the configured budgets, far under Claude Code's 10,000-character cap.
"""

from __future__ import annotations

import re
from typing import Any

from memgit.api import Memory
from memgit.context import prompt_context, session_start_context
from memgit.locate import head_branch
from memgit.model import utcnow
from memgit.openitems import observations_of
from memgit.section import read_section, resolve_target
from memgit.sessions import SessionSummary, latest_sessions

_CITED = re.compile(r"\[m:([a-z][0-9a-z]{3,39})\]")
#: Fewer words than this in a prompt ("ok", "go on") never trigger a search.
MIN_PROMPT_WORDS = 2


def section_ids(memory: Memory) -> frozenset[str]:
    """Ids already cited in the generated section of CLAUDE.md."""
    try:
        body = read_section(resolve_target(memory.paths.root, "claude"))
    except Exception:  # a malformed CLAUDE.md must not cost the user their context
        return frozenset()
    return frozenset(_CITED.findall(body or ""))


def session_start(root: str, payload: dict[str, Any]) -> str:
    memory = Memory.open(root)
    branch = head_branch(str(memory.paths.git_dir))
    config = memory.config
    open_items = observations_of(memory.store, config.lifecycle.ephemeral_types, limit=40)
    latest = latest_sessions(memory.paths.sessions, 1)
    current = payload.get("session_id")
    previous = [s for s in latest if s.session != current]
    return session_start_context(
        open_items,
        utcnow(),
        last_summary=describe_session(previous[0]) if previous else None,
        branch=branch,
        section_ids=section_ids(memory),
        max_chars=config.context.session_start_chars,
        half_life_days=config.lifecycle.half_life_days,
        ephemeral_types=config.lifecycle.ephemeral_types,
    )


def prompt_submit(root: str, payload: dict[str, Any]) -> str:
    prompt = payload.get("prompt")
    if not isinstance(prompt, str) or len(prompt.split()) < MIN_PROMPT_WORDS:
        return ""
    memory = Memory.open(root)
    config = memory.config
    if config.context.prompt_items == 0 or config.context.prompt_chars == 0:
        return ""
    from memgit.index import Filters  # whoosh: only when a prompt is worth a search

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
    )


def describe_session(summary: SessionSummary) -> str:
    """A session summary as a few plain lines of fact."""
    lines = [
        f"{summary.title} ({summary.ended:%Y-%m-%d}"
        + (f", {summary.branch})" if summary.branch else ")")
    ]
    if summary.completed:
        lines.append("Completed: " + "; ".join(summary.completed[:5]))
    if summary.learned:
        lines.append("Learned: " + "; ".join(summary.learned[:5]))
    if summary.next_steps:
        lines.append("Next steps: " + "; ".join(summary.next_steps[:5]))
    return "\n".join(lines)
