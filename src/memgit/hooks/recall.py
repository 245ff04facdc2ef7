"""Recall for the hooks: context at session start (UserPromptSubmit is ``hooks/prompt.py``).

SessionStart gives what the CLAUDE.md section does not: the last session's summary and open
progress and coordination on this branch, within the configured budget, far under Claude Code's
10,000-character cap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from memgit.context import session_start_context
from memgit.locate import head_branch
from memgit.model import utcnow

if TYPE_CHECKING:
    from memgit.api import Memory
    from memgit.sessions import SessionSummary


def section_ids(memory: Memory) -> frozenset[str]:
    """Ids already cited in the generated section of CLAUDE.md."""
    from memgit.hooks.seen import section_ids as cited

    return cited(str(memory.paths.root))


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
