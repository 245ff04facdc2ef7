"""Memory through git history: what changed between two revisions, and commit by commit.

``memory_diff`` reads ``.memory/observations/`` at both trees (only the files whose blobs differ)
and classifies each observation: ``added``, ``updated``, ``superseded``, ``expired``,
``restored`` (active again, as after a revert) or ``deleted`` (pruned). Observations are matched
by id, so a renamed file is an update, not a deletion and an addition. ``touched`` lists the
active observations whose files the range changed: the code behind a decision a pull request
touches. ``memory_log`` does the same per commit, like ``git log``; ``introduced_by`` names the
commit that added an observation's file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from memgit.code_staleness import OBSERVATIONS_DIR, Verdict
from memgit.errors import InvalidObservation, MemgitError
from memgit.gitrepo import Commit, Git
from memgit.model import Observation, parse_observation

#: The order kinds are reported in.
KINDS = ("added", "updated", "superseded", "expired", "restored", "deleted")


@dataclass(frozen=True)
class Change:
    kind: str
    observation: Observation  # as it is after the change (before it, for ``deleted``)
    path: str
    before: Observation | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.observation.to_dict()
        data.pop("body", None)
        data["path"] = self.path
        data["change"] = self.kind
        if self.before is not None and self.before.status != self.observation.status:
            data["previous_status"] = self.before.status
        return data


@dataclass(frozen=True)
class Touched:
    """An active observation whose files the range changed."""

    observation: Observation
    path: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class MemoryDiff:
    base: str
    head: str
    label: str
    changes: tuple[Change, ...]
    touched: tuple[Touched, ...] = ()
    stale: tuple[tuple[Observation, Verdict], ...] = ()
    problems: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of_kind(kind)) for kind in KINDS}


@dataclass(frozen=True)
class LogEntry:
    commit: Commit
    changes: tuple[Change, ...]
    problems: tuple[str, ...] = field(default=())


def classify(before: Observation | None, after: Observation | None) -> str | None:
    """What happened to one observation between two versions (None: nothing)."""
    if before is None:
        return "added" if after is not None else None
    if after is None:
        return "deleted"
    if before.status != after.status:
        if before.status == "pending" and after.status == "active":
            return "updated"  # accepted in review: not a restoration
        return {"superseded": "superseded", "expired": "expired"}.get(after.status, "restored")
    return "updated" if before != after else None


def _parse_all(
    blobs: Mapping[str, str], contents: Mapping[str, bytes], problems: list[str]
) -> dict[str, tuple[Observation, str]]:
    """``{id: (observation, path)}`` from ``{path: blob}``; unreadable files become problems."""
    found: dict[str, tuple[Observation, str]] = {}
    for path, blob in sorted(blobs.items()):
        if not path.endswith(".md"):
            continue
        try:
            obs = parse_observation(contents[blob].decode("utf-8"), path)
        except (InvalidObservation, UnicodeDecodeError, KeyError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        found[obs.id] = (obs, path)
    return found


def _changes(
    old: Mapping[str, tuple[Observation, str]], new: Mapping[str, tuple[Observation, str]]
) -> list[Change]:
    changes: list[Change] = []
    for ident in sorted(old.keys() | new.keys()):
        before = old.get(ident)
        after = new.get(ident)
        kind = classify(before[0] if before else None, after[0] if after else None)
        if kind is None:
            continue
        if after is not None:
            changes.append(Change(kind, after[0], after[1], before[0] if before else None))
        elif before is not None:
            changes.append(Change(kind, before[0], before[1], before[0]))
    changes.sort(key=lambda c: (KINDS.index(c.kind), c.observation.type, c.observation.id))
    return changes


def resolve_range(git: Git, text: str | None) -> tuple[str, str, str]:
    """``(base, head, label)`` for ``A..B``, ``A...B`` (from their merge base), ``A`` (A..HEAD)
    or nothing (the merge base with the default branch, to HEAD)."""
    if not text:
        branch = git.default_branch()
        if branch is None:
            raise MemgitError(
                "no default branch to compare with (no origin/HEAD, main or master): give a "
                "range, for example `memgit diff main..HEAD`"
            )
        head = git.resolve("HEAD")
        base = git.merge_base(git.resolve(branch), head)
        if base is None:
            raise MemgitError(f"HEAD and {branch} share no history: give a range")
        return base, head, f"{branch}...HEAD"
    if "..." in text:
        left, right = text.split("...", 1)
        head = git.resolve(right or "HEAD")
        base = git.merge_base(git.resolve(left or "HEAD"), head)
        if base is None:
            raise MemgitError(f"{text}: the two sides share no history")
        return base, head, text
    if ".." in text:
        left, right = text.split("..", 1)
        return git.resolve(left or "HEAD"), git.resolve(right or "HEAD"), text
    return git.resolve(text), git.resolve("HEAD"), f"{text}..HEAD"


def memory_diff(
    git: Git,
    base: str,
    head: str,
    label: str = "",
    *,
    stale: Mapping[str, Verdict] | None = None,
) -> MemoryDiff:
    """How memory changed from ``base`` to ``head``, and which observations' code changed."""
    old_blobs = git.tree_blobs(base, OBSERVATIONS_DIR)
    new_blobs = git.tree_blobs(head, OBSERVATIONS_DIR)
    differing = {
        p for p in old_blobs.keys() | new_blobs.keys() if old_blobs.get(p) != new_blobs.get(p)
    }
    old_part = {p: old_blobs[p] for p in differing if p in old_blobs}
    contents = git.read_blobs([*old_part.values(), *new_blobs.values()])
    problems: list[str] = []
    all_new = _parse_all(new_blobs, contents, problems)
    new_part = {i: v for i, v in all_new.items() if v[1] in differing}
    old_ids = _parse_all(old_part, contents, [])
    # An observation whose file was renamed keeps its id: compare it as one.
    for ident in old_ids.keys() - new_part.keys():
        if ident in all_new:
            new_part[ident] = all_new[ident]
    changes = _changes(old_ids, new_part)
    code = {p for p in git.changed_paths(base, head) if not p.startswith(".memory/")}
    touched = [
        Touched(obs, path, tuple(f for f in obs.files if f in code))
        for obs, path in sorted(all_new.values(), key=lambda v: (v[0].type, v[0].id))
        if obs.active and any(f in code for f in obs.files)
    ]
    stale_list = [
        (obs, stale[obs.id])
        for obs, _ in sorted(all_new.values(), key=lambda v: (v[0].type, v[0].id))
        if stale and obs.id in stale and stale[obs.id].stale and obs.active
    ]
    return MemoryDiff(
        base, head, label, tuple(changes), tuple(touched), tuple(stale_list), tuple(problems)
    )


def observations_at(git: Git, rev: str) -> list[tuple[Observation, str]]:
    """Every readable observation at ``rev``, with its path."""
    blobs = git.tree_blobs(rev, OBSERVATIONS_DIR)
    contents = git.read_blobs(blobs.values())
    return list(_parse_all(blobs, contents, []).values())


def memory_log(
    git: Git, revisions: Sequence[str] = ("HEAD",), limit: int | None = None
) -> list[LogEntry]:
    """Commits in ``revisions`` (``git log`` arguments) that changed memory, newest first."""
    entries: list[tuple[Commit, list[Any]]] = []
    for commit, raw in git.log_commits(revisions, [OBSERVATIONS_DIR]):
        entries.append((commit, raw))
        if limit is not None and len(entries) >= limit:
            break
    blobs = {b for _, raw in entries for r in raw for b in (r.old_blob, r.new_blob) if b}
    contents = git.read_blobs(blobs)
    log: list[LogEntry] = []
    for commit, raw in entries:
        problems: list[str] = []
        old = _parse_all({r.path: r.old_blob for r in raw if r.old_blob}, contents, [])
        new = _parse_all({r.path: r.new_blob for r in raw if r.new_blob}, contents, problems)
        changes = _changes(old, new)
        if changes or problems:  # e.g. a commit that only touched .gitkeep
            log.append(LogEntry(commit, tuple(changes), tuple(problems)))
    return log


def introduced_by(git: Git, path: str, rev: str = "HEAD") -> Commit | None:
    """The commit that added ``path`` (most recently, if it was deleted and added again)."""
    sha = git.added_by(rev, path).get(path)
    return git.commit_info(sha) if sha else None


def changes_by_type(changes: Iterable[Change]) -> dict[str, list[Change]]:
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.observation.type, []).append(change)
    return grouped
