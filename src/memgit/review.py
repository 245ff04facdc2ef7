"""Review: the memory a person looks at before it is shared, and what accepting or rejecting does.

``review_items`` lists what changed since the last commit (``HEAD`` against the work tree), or in
a range of commits (``memgit diff``'s ranges): observations added (``pending`` ones among them),
edited, superseded, expired or restored, each with the active memory it contradicts
(``memgit.contradictions``). ``accept``, ``reject`` and ``forget`` change the files:

* **accept**: a ``pending`` observation becomes ``active``, and the observations it names in
  ``supersedes`` are marked superseded by it then (not before, so the section keeps the old
  statement while the new one waits). Accepting any other change keeps it as it is.
* **reject**: an added (or pending) observation's file is removed from the work tree and recorded
  in the local rejection list (``memgit.rejections``), so capture does not extract it again;
  an observation it had superseded is active again. Rejecting a supersession or an expiry
  undoes it: the observation is active again.
* **forget**: ``expired`` with the person's reason in the file (``reason``), so ``git log`` and
  ``memgit diff`` show why; recorded in the rejection list too.

Every change holds the store lock and checks every id first: one unknown id changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from memgit.contradictions import Contradiction, find_contradictions
from memgit.errors import InvalidObservation, MemgitError
from memgit.model import REASON_MAX, Observation, parse_observation, utcnow, with_status
from memgit.rejections import Rejections

if TYPE_CHECKING:
    from memgit.api import Memory
    from memgit.gitrepo import Git

#: The order kinds are shown in.
KINDS = ("pending", "added", "updated", "superseded", "expired", "restored", "deleted")


@dataclass(frozen=True)
class ReviewItem:
    kind: str
    observation: Observation
    path: str
    before: Observation | None = None
    conflicts: tuple[Contradiction, ...] = ()

    @property
    def actionable(self) -> bool:
        """Whether accept/reject mean something for this item (it exists in the work tree)."""
        return self.kind != "deleted"

    def to_dict(self) -> dict[str, Any]:
        data = self.observation.to_dict()
        data["path"] = self.path
        data["change"] = self.kind
        if self.before is not None and self.before.status != self.observation.status:
            data["previous_status"] = self.before.status
        data["contradicts"] = [
            {
                "id": c.other(self.observation.id).id,
                "title": c.other(self.observation.id).title,
                "rule": c.rule,
                "detail": c.detail,
            }
            for c in self.conflicts
        ]
        return data


@dataclass(frozen=True)
class ReviewBatch:
    label: str
    items: tuple[ReviewItem, ...]

    def find(self, ident: str) -> ReviewItem | None:
        return next((i for i in self.items if i.observation.id == ident), None)


def _kind(before: Observation | None, after: Observation | None) -> str | None:
    if after is None:
        return "deleted" if before is not None else None
    if after.pending:
        return "pending" if before is None or before.pending else "updated"
    if before is None:
        return "added"
    if before.status != after.status:
        if after.status in ("superseded", "expired"):
            return after.status
        return "added" if before.pending else "restored"
    return "updated" if before != after else None


def review_items(memory: Memory, range_text: str | None = None) -> ReviewBatch:
    """What to review: since the last commit (default) or in ``range_text`` (``A..B``...).

    Only the files git reports as changed are read (``git status`` for the work tree, the
    differing blobs of a range); contradictions are looked up among the active and pending
    memory the index lists.
    """
    from memgit.gitrepo import Git
    from memgit.history import resolve_range

    git = Git(memory.paths.root)
    shown: Versions = {}
    if range_text:
        base, head, label = resolve_range(git, range_text)
        old, new = _range_versions(git, base, head)
        # Act on (and show) the work tree's version of what the range changed, where it exists.
        for ident in new:
            current = _read_by_id(memory, ident)
            if current is not None:
                shown[ident] = current
    else:
        label = "since the last commit"
        old, new = _work_tree_versions(memory, git)
    items: list[ReviewItem] = []
    for ident in sorted(old.keys() | new.keys()):
        before = old.get(ident)
        after = new.get(ident)
        kind = _kind(before[0] if before else None, after[0] if after else None)
        if kind is None:
            continue
        if after is not None:
            obs, path = shown.get(ident, after)
            items.append(ReviewItem(kind, obs, path, before[0] if before else None))
        elif before is not None:
            items.append(ReviewItem(kind, before[0], before[1], before[0]))
    candidates = [i.observation for i in items if i.kind in ("pending", "added", "updated")]
    by_id: dict[str, list[Contradiction]] = {}
    if candidates:
        from memgit.query import Filters

        listed = memory.index.list(Filters(statuses=("active", "pending")), None)
        fresh = {o.id: o for o in candidates}
        live = [fresh.get(h.observation.id, h.observation) for h in listed]
        for conflict in find_contradictions(candidates, live):
            by_id.setdefault(conflict.new.id, []).append(conflict)
            by_id.setdefault(conflict.old.id, []).append(conflict)
    items = [replace(i, conflicts=tuple(by_id.get(i.observation.id, ()))) for i in items]
    items.sort(key=lambda i: (KINDS.index(i.kind), i.observation.created, i.observation.id))
    return ReviewBatch(label, tuple(items))


Versions = dict[str, tuple[Observation, str]]


def _parse_blobs(paths: dict[str, str], contents: dict[str, bytes]) -> Versions:
    found: Versions = {}
    for path, name in sorted(paths.items()):
        data = contents.get(name)
        if data is None or not path.endswith(".md"):
            continue
        try:
            obs = parse_observation(data.decode("utf-8"), path)
        except (InvalidObservation, UnicodeDecodeError):
            continue
        found.setdefault(obs.id, (obs, path))
    return found


def _work_tree_versions(memory: Memory, git: Git) -> tuple[Versions, Versions]:
    """(at ``HEAD``, in the work tree) for the observation files git reports as changed."""
    from memgit.code_staleness import OBSERVATIONS_DIR

    out = git.run(
        "status",
        "--porcelain",
        "-z",
        "--untracked-files=all",
        "--no-renames",
        "--",
        OBSERVATIONS_DIR,
    ).stdout
    changed = sorted(
        {r[3:].decode("utf-8", "surrogateescape") for r in out.split(b"\0") if len(r) > 3}
    )
    head = git.rev_parse("HEAD")
    old: Versions = {}
    if head and changed:
        names = {path: f"{head}:{path}" for path in changed}
        old = _parse_blobs(names, git.read_blobs(names.values()))
    new: Versions = {}
    for path in changed:
        file = memory.paths.root / path
        if not file.is_file() or file.name.startswith("."):
            continue
        try:
            obs = memory.store.read(file)
        except InvalidObservation:
            continue
        new.setdefault(obs.id, (obs, path))
    return old, new


def _range_versions(git: Git, base: str, head: str) -> tuple[Versions, Versions]:
    """(at ``base``, at ``head``) for the observation files whose blobs differ."""
    from memgit.code_staleness import OBSERVATIONS_DIR

    old_blobs = git.tree_blobs(base, OBSERVATIONS_DIR)
    new_blobs = git.tree_blobs(head, OBSERVATIONS_DIR)
    differing = {
        p for p in old_blobs.keys() | new_blobs.keys() if old_blobs.get(p) != new_blobs.get(p)
    }
    old_part = {p: old_blobs[p] for p in differing if p in old_blobs}
    new_part = {p: new_blobs[p] for p in differing if p in new_blobs}
    contents = git.read_blobs([*old_part.values(), *new_part.values()])
    return _parse_blobs(old_part, contents), _parse_blobs(new_part, contents)


def _read_by_id(memory: Memory, ident: str) -> tuple[Observation, str] | None:
    try:
        path = memory.store.find(ident, deep=False)
        return memory.store.read(path), memory.store.relative(path)
    except MemgitError:
        return None


# --- changing memory -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one accept/reject/forget did to one observation, in words for the person."""

    action: str
    observation: Observation
    path: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "id": self.observation.id,
            "title": self.observation.title,
            "status": self.observation.status,
            "path": self.path,
            "note": self.note,
        }


def _resolve(memory: Memory, idents: Sequence[str]) -> list[Observation]:
    """Every id's observation, or the error of the first one that is unknown: all or nothing."""
    if not idents:
        raise MemgitError("give at least one observation id")
    found: dict[str, Observation] = {}
    for ident in idents:
        obs = memory.store.read(memory.store.find(ident))
        found.setdefault(obs.id, obs)
    return list(found.values())


def accept(memory: Memory, idents: Sequence[str]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with memory.store.lock():
        now = utcnow()
        for obs in _resolve(memory, idents):
            path = memory.store.relative(memory.store.path_for(obs))
            if not obs.pending:
                outcomes.append(Outcome("kept", obs, path, f"already {obs.status}"))
                continue
            accepted = with_status(obs, "active", now)
            memory.store.save(accepted)
            notes = []
            for old_id in obs.supersedes:
                try:
                    old = memory.store.read(memory.store.find(old_id))
                except MemgitError:
                    continue
                if old.active:
                    memory.store.save(with_status(old, "superseded", now, superseded_by=obs.id))
                    notes.append(f"supersedes [m:{old.id}]")
            outcomes.append(Outcome("accepted", accepted, path, ", ".join(notes)))
    memory._refresh_index()
    return outcomes


def reject(memory: Memory, idents: Sequence[str], range_text: str | None = None) -> list[Outcome]:
    """Undo what review shows for each id (see the module docstring)."""
    outcomes: list[Outcome] = []
    with memory.store.lock():
        targets = _resolve(memory, idents)
        # A pending observation changed nothing else: no need to read the whole memory for it.
        batch = (
            ReviewBatch("", ())
            if all(o.pending for o in targets)
            else review_items(memory, range_text)
        )
        now = utcnow()
        removed: list[Observation] = []
        for obs in targets:
            item = batch.find(obs.id)
            path = memory.store.relative(memory.store.path_for(obs))
            if item is None and not obs.pending:
                outcomes.append(
                    Outcome(
                        "kept",
                        obs,
                        path,
                        "unchanged in what is reviewed: nothing to undo (`memgit forget` "
                        "expires it)",
                    )
                )
                continue
            kind = item.kind if item is not None else "pending"
            if kind in ("superseded", "expired"):
                restored = _restored(obs, item, now)
                memory.store.save(restored)
                outcomes.append(Outcome("restored", restored, path, f"no longer {kind}"))
                continue
            if (
                kind == "updated"
                and item is not None
                and item.before is not None
                and (not obs.pending)
            ):
                memory.store.save(item.before)
                outcomes.append(Outcome("reverted", item.before, path, "back to the last commit"))
                continue
            memory.store.path_for(obs).unlink()
            removed.append(obs)
            notes = []
            for other, _ in [] if obs.pending else _superseded_by(memory, obs.id):
                memory.store.save(_restored(other, batch.find(other.id), now))
                notes.append(f"[m:{other.id}] active again")
            outcomes.append(Outcome("rejected", obs, path, ", ".join(notes)))
        Rejections(memory.paths.state).add(removed, "rejected")
    memory._refresh_index()
    return outcomes


def forget(memory: Memory, idents: Sequence[str], reason: str) -> list[Outcome]:
    why = " ".join(reason.split())
    if not why:
        raise MemgitError(
            "give a reason (--reason TEXT): it is kept in the file, so history shows why this "
            "memory was forgotten"
        )
    if len(why) > REASON_MAX:
        raise MemgitError(f"the reason is {len(why)} characters long; keep it under {REASON_MAX}")
    outcomes: list[Outcome] = []
    with memory.store.lock():
        now = utcnow()
        forgotten: list[Observation] = []
        for obs in _resolve(memory, idents):
            path = memory.store.relative(memory.store.path_for(obs))
            if obs.status == "expired":
                outcomes.append(Outcome("kept", obs, path, "already expired"))
                continue
            expired = with_status(obs, "expired", now, reason=why)
            memory.store.save(expired)
            forgotten.append(obs)
            outcomes.append(Outcome("forgotten", expired, path, why))
        Rejections(memory.paths.state).add(forgotten, "forgotten")
    memory._refresh_index()
    return outcomes


def _restored(obs: Observation, item: ReviewItem | None, now: datetime) -> Observation:
    """``obs`` active again: exactly as committed when it was active then (so the work tree
    matches the commit again), else marked active now."""
    if item is not None and item.before is not None and item.before.active:
        return item.before
    return with_status(obs, "active", now, superseded_by=None, reason=None)


def _work_tree(memory: Memory) -> dict[str, tuple[Observation, str]]:
    """``{id: (observation, path)}`` of every readable file in the work tree."""
    found: dict[str, tuple[Observation, str]] = {}
    for stored in memory.store.scan():
        try:
            obs = memory.store.read(stored.path)
        except InvalidObservation:
            continue
        found.setdefault(obs.id, (obs, memory.store.relative(stored.path)))
    return found


def _superseded_by(memory: Memory, ident: str) -> list[tuple[Observation, str]]:
    return [
        (obs, path)
        for obs, path in _work_tree(memory).values()
        if obs.superseded_by == ident and obs.status == "superseded"
    ]
