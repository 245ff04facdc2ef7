"""How ``memgit diff`` and ``memgit log`` read: markdown for a pull request, plain text, JSON.

Titles come from memory files, which come from transcripts: they go through
``untrusted.sanitize_inline``, so a title cannot open HTML, mention a user (``@`` becomes a
fullwidth at) or break the list around it in a pull request comment.
"""

from __future__ import annotations

from typing import Any

from memgit.context import SECTION_TYPE_ORDER
from memgit.history import KINDS, Change, LogEntry, MemoryDiff
from memgit.model import TITLE_MAX
from memgit.untrusted import safe_id, sanitize_inline

HEADINGS = {
    "added": "Added",
    "updated": "Updated",
    "superseded": "Superseded",
    "expired": "Expired",
    "restored": "Restored",
    "deleted": "Deleted",
}
TYPE_LABELS = {
    "architecture": "Architecture",
    "decision": "Decision",
    "pattern": "Pattern",
    "gotcha": "Gotcha",
    "progress": "Progress",
    "coordination": "Coordination",
}


def _type_order(kind: str) -> int:
    return SECTION_TYPE_ORDER.index(kind) if kind in SECTION_TYPE_ORDER else len(SECTION_TYPE_ORDER)


def _title(text: str) -> str:
    return sanitize_inline(text, TITLE_MAX).replace("|", "\\|") or "(untitled)"


def _ref(ident: str) -> str:
    return f"`m:{safe_id(ident)}`"


def _change_line(change: Change) -> str:
    obs = change.observation
    label = TYPE_LABELS.get(obs.type, obs.type.title())
    title = _title(obs.title)
    if change.kind in ("superseded", "deleted"):
        title = f"~~{title}~~"
    line = f"- **{label}** · {title} · {_ref(obs.id)}"
    if change.kind == "superseded" and obs.superseded_by:
        line += f" → {_ref(obs.superseded_by)}"
    if obs.supersedes and change.kind == "added":
        line += " (supersedes " + ", ".join(_ref(i) for i in obs.supersedes) + ")"
    if obs.pending and change.kind in ("added", "updated"):
        line += " · _pending review_"
    if obs.reason and change.kind == "expired":
        line += f": {sanitize_inline(obs.reason, 300)}"
    return line


def _sorted(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (_type_order(c.observation.type), c.observation.id))


def diff_markdown(diff: MemoryDiff) -> str:
    """The diff as markdown, ready for a pull request description or comment."""
    counts = diff.counts()
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    lines = [f"## Memory changes (`{sanitize_inline(diff.label or '')}`)", ""]
    lines.append(f"**{summary}**" if summary else "No memory changes in this range.")
    for kind in KINDS:
        changes = diff.of_kind(kind)
        if changes:
            lines += ["", f"### {HEADINGS[kind]}", *(_change_line(c) for c in _sorted(changes))]
    if diff.touched:
        lines += ["", "### Code behind memory that this change touches"]
        for item in diff.touched:
            obs = item.observation
            files = ", ".join(f"`{sanitize_inline(f, 80)}`" for f in item.files)
            lines.append(
                f"- this change touches code behind {obs.type} {_ref(obs.id)}: "
                f"{_title(obs.title)} ({files})"
            )
    if diff.stale:
        lines += ["", "### Stale memory (its files changed a lot since it was recorded)"]
        for obs, verdict in diff.stale:
            lines.append(
                f"- **{TYPE_LABELS.get(obs.type, obs.type)}** · {_title(obs.title)} · "
                f"{_ref(obs.id)}: {sanitize_inline(verdict.describe(), 200)}"
            )
    if diff.problems:
        lines += ["", "### Unreadable memory files"]
        lines += [f"- {sanitize_inline(p, 200)}" for p in diff.problems]
    lines += ["", f"<sub>memgit diff {diff.base[:10]}..{diff.head[:10]}</sub>"]
    return "\n".join(lines) + "\n"


def diff_json(diff: MemoryDiff) -> dict[str, Any]:
    return {
        "range": diff.label,
        "base": diff.base,
        "head": diff.head,
        "counts": diff.counts(),
        "changes": {kind: [c.to_dict() for c in _sorted(diff.of_kind(kind))] for kind in KINDS},
        "touched": [
            {
                "id": t.observation.id,
                "type": t.observation.type,
                "title": t.observation.title,
                "path": t.path,
                "files": list(t.files),
            }
            for t in diff.touched
        ],
        "stale": [
            {"id": o.id, "type": o.type, "title": o.title, **v.to_dict()} for o, v in diff.stale
        ],
        "problems": list(diff.problems),
    }


_SIGNS = {
    "added": "+",
    "updated": "~",
    "superseded": ">",
    "expired": "x",
    "restored": "^",
    "deleted": "-",
}


def log_text(entries: list[LogEntry]) -> str:
    """``git log``-like text: each commit, then one line per memory change."""
    out: list[str] = []
    for entry in entries:
        commit = entry.commit
        out.append(f"commit {commit.sha}")
        out.append(f"Author: {commit.author}")
        out.append(f"Date:   {commit.date}")
        out.append("")
        out.append(f"    {commit.subject}")
        out.append("")
        for change in entry.changes:
            obs = change.observation
            extra = ""
            if change.kind == "superseded" and obs.superseded_by:
                extra = f" (by m:{safe_id(obs.superseded_by)})"
            if change.kind == "expired" and obs.reason:
                extra = f" (why: {sanitize_inline(obs.reason, 300)})"
            if obs.pending:
                extra += " (pending review)"
            out.append(
                f"    {_SIGNS[change.kind]} {change.kind:<10} {obs.type:<12} "
                f"[m:{safe_id(obs.id)}] {sanitize_inline(obs.title, TITLE_MAX)}{extra}"
            )
        for problem in entry.problems:
            out.append(f"    ! {sanitize_inline(problem, 200)}")
        out.append("")
    return "\n".join(out)


def log_json(entries: list[LogEntry]) -> list[dict[str, Any]]:
    return [
        {
            **entry.commit.to_dict(),
            "changes": [c.to_dict() for c in entry.changes],
            "problems": list(entry.problems),
        }
        for entry in entries
    ]
