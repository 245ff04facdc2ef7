"""Code-aware staleness: has the code an observation is about changed a lot since it was recorded?

For each active observation that names files, the base is the commit that brought its file into
the history (robust to squash merges and rebases, and after the session's own edits landed);
an observation not committed yet is compared from the commit it records. Against HEAD, a file
counts against the observation when it was deleted, renamed, or changed in at least
``changed_fraction`` of its lines (and at least ``min_changed_lines`` lines); binary files count
when they changed at all.

The answer is cached in the local state folder, keyed by HEAD: at the same HEAD a verdict whose
observation is unchanged is reused without running git; after a pull or checkout only the
observations whose files differ between the two HEADs are judged again. So ``generate`` and
``doctor`` stay fast, and the first run costs one ``git diff --numstat`` per distinct base commit.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memgit.config import StalenessConfig
from memgit.fileio import atomic_write
from memgit.gitrepo import Git, GitError, NumStat
from memgit.model import Observation

OBSERVATIONS_DIR = ".memory/observations"
CACHE_VERSION = 1


@dataclass(frozen=True)
class StaleFile:
    path: str
    reason: str  # "deleted", "renamed" or "changed"
    detail: str  # for people: "renamed to src/b.py", "42 of 60 lines changed"

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason, "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    """How an observation's files fared between ``base`` and HEAD."""

    id: str
    base: str | None
    files: tuple[StaleFile, ...] = ()

    @property
    def stale(self) -> bool:
        return bool(self.files)

    def describe(self) -> str:
        return "; ".join(f"{f.path} {f.detail}" for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "base": self.base, "files": [f.to_dict() for f in self.files]}


def _count_lines(data: bytes) -> int:
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def judge_files(
    files: Iterable[str],
    stats: Mapping[str, NumStat],
    renamed_from: Mapping[str, NumStat],
    base_lines: Mapping[str, int],
    at_head: set[str],
    policy: StalenessConfig,
) -> tuple[StaleFile, ...]:
    """Pure: which of ``files`` count against the observation, given the diff since its base."""
    found: list[StaleFile] = []
    for path in files:
        if path in renamed_from:
            found.append(StaleFile(path, "renamed", f"renamed to {renamed_from[path].path}"))
            continue
        stat = stats.get(path)
        if stat is None:
            continue
        if path not in at_head:
            found.append(StaleFile(path, "deleted", "deleted"))
            continue
        if stat.added is None or stat.deleted is None:
            found.append(StaleFile(path, "changed", "changed (binary)"))
            continue
        changed = stat.added + stat.deleted
        total = base_lines.get(path, 0)
        if total == 0:
            continue  # created after the observation was recorded
        if changed >= policy.min_changed_lines and changed >= policy.changed_fraction * total:
            found.append(StaleFile(path, "changed", f"{changed} lines changed ({total} before)"))
    return tuple(found)


@dataclass(frozen=True)
class Subject:
    """An observation as staleness sees it: id, files, its file's path and its own commit."""

    id: str
    files: tuple[str, ...]
    path: str
    commit: str | None

    @classmethod
    def of(cls, obs: Observation, path: str) -> Subject:
        return cls(obs.id, obs.files, path, obs.commit)


class Assessor:
    """Judge many observations against one HEAD, with the cache in ``cache_path``."""

    def __init__(self, git: Git, policy: StalenessConfig, cache_path: Path | None) -> None:
        self.git = git
        self.policy = policy
        self.cache_path = cache_path
        self.git_calls = 0

    def _load(self) -> dict[str, Any]:
        if self.cache_path is None:
            return {}
        try:
            data = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        policy = [self.policy.changed_fraction, self.policy.min_changed_lines]
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        if data.get("policy") != policy:
            return {}
        return data

    def _save(self, head: str, intro: dict[str, str], verdicts: dict[str, Any]) -> None:
        if self.cache_path is None:
            return
        payload = {
            "version": CACHE_VERSION,
            "policy": [self.policy.changed_fraction, self.policy.min_changed_lines],
            "head": head,
            "intro": intro,
            "verdicts": verdicts,
        }
        with contextlib.suppress(OSError):
            atomic_write(self.cache_path, json.dumps(payload, separators=(",", ":")), fsync=False)

    def _intro(self, cached: dict[str, Any], head: str) -> dict[str, str]:
        """Which commit added each observation file, from the cache plus the new commits."""
        old_head = cached.get("head")
        intro = cached.get("intro")
        if isinstance(old_head, str) and isinstance(intro, dict):
            if old_head == head:
                return dict(intro)
            self.git_calls += 1
            if self.git.is_ancestor(old_head, head):
                self.git_calls += 1
                newer = self.git.added_by(f"{old_head}..{head}", OBSERVATIONS_DIR)
                return {**intro, **newer}
        self.git_calls += 1
        return self.git.added_by(head, OBSERVATIONS_DIR)

    def assess(self, subjects: Iterable[Subject], head: str) -> dict[str, Verdict]:
        """A verdict for each subject that names files."""
        cached = self._load()
        old_head = cached.get("head") if isinstance(cached.get("head"), str) else None
        old_verdicts: dict[str, Any] = cached.get("verdicts") or {}
        intro = self._intro(cached, head)
        changed_since: set[str] | None = set() if old_head == head else None
        results: dict[str, Verdict] = {}
        files: dict[str, tuple[str, ...]] = {}
        todo: dict[str, list[Subject]] = {}
        for subject in subjects:
            if not subject.files:
                continue
            files[subject.id] = subject.files
            base = intro.get(subject.path) or subject.commit
            if base is None or base == head:
                results[subject.id] = Verdict(subject.id, base)
                continue
            key = [base, *subject.files]
            old = old_verdicts.get(subject.id)
            if old and old.get("key") == key and old_head is not None:
                if changed_since is None:
                    self.git_calls += 1
                    try:
                        changed_since = self.git.changed_paths(old_head, head)
                    except GitError:
                        changed_since = {*subject.files}  # the old HEAD is gone: judge again
                touched = {*subject.files, *(f[1] for f in old.get("files", []))}
                if not touched & changed_since:
                    results[subject.id] = _verdict_from_cache(subject.id, base, old)
                    continue
            todo.setdefault(base, []).append(subject)
        if todo:
            results.update(self._judge(todo, head))
        verdicts = {
            v.id: {
                "key": [v.base, *files[v.id]],
                "files": [[f.path, f.reason, f.detail] for f in v.files],
            }
            for v in results.values()
            if v.base is not None
        }
        if old_head != head or verdicts != old_verdicts:
            self._save(head, intro, verdicts)
        return results

    def _judge(self, todo: Mapping[str, list[Subject]], head: str) -> dict[str, Verdict]:
        """Judge every waiting subject in at most four git processes, whatever the bases."""
        bases = [b for b in sorted(todo) if _is_object_id(b)]
        verdicts = {s.id: Verdict(s.id, None) for b in todo if b not in bases for s in todo[b]}
        if not bases:
            return verdicts
        files = sorted({f for b in bases for s in todo[b] for f in s.files})
        self.git_calls += 1
        try:
            groups = self.git.numstat_many(bases, head, files, renames=False, skip_added=True)
        except GitError:
            groups = self._one_by_one(bases, head, files)
        stats = {
            b: {s.path: s for s in g if s.path in mine}
            for b, g in zip(bases, groups, strict=True)
            for mine in [{f for subject in todo[b] for f in subject.files}]
        }
        maybe_gone = sorted({p for g in stats.values() for p, s in g.items() if not s.added})
        at_head = set(files) - set(maybe_gone)
        if maybe_gone:
            self.git_calls += 1
            present = self.git.existing(f"{head}:{p}" for p in maybe_gone)
            at_head |= {p for p in maybe_gone if f"{head}:{p}" in present}
        with_gone = [b for b in bases if any(p not in at_head for p in stats[b])]
        renames: dict[str, dict[str, NumStat]] = {}
        if with_gone:
            self.git_calls += 1
            found = self.git.numstat_many(with_gone, head, only_renames=True)
            renames = {b: {s.old_path: s for s in g} for b, g in zip(with_gone, found, strict=True)}
        wanted = [
            f"{b}:{p}"
            for b in bases
            for p, stat in stats[b].items()
            if p in at_head and _lines_changed(stat) >= self.policy.min_changed_lines
        ]
        self.git_calls += 1 if wanted else 0
        blobs = self.git.read_blobs(wanted)
        for base in bases:
            lines = {p: _count_lines(blobs.get(f"{base}:{p}", b"")) for p in stats[base]}
            for subject in todo[base]:
                found_files = judge_files(
                    subject.files,
                    stats[base],
                    renames.get(base, {}),
                    lines,
                    at_head,
                    self.policy,
                )
                verdicts[subject.id] = Verdict(subject.id, base, found_files)
        return verdicts

    def _one_by_one(self, bases: list[str], head: str, files: list[str]) -> list[list[NumStat]]:
        """A base this clone lacks fails the batch: compare base by base, the missing as equal."""
        groups = []
        for base in bases:
            self.git_calls += 1
            try:
                groups += self.git.numstat_many([base], head, files, renames=False, skip_added=True)
            except GitError:
                groups.append([])
        return groups


def _lines_changed(stat: NumStat) -> int:
    if stat.added is None or stat.deleted is None:
        return 0  # binary: judged without a line count
    return stat.added + stat.deleted


def _is_object_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _verdict_from_cache(ident: str, base: str, entry: Mapping[str, Any]) -> Verdict:
    files = tuple(StaleFile(str(p), str(r), str(d)) for p, r, d in entry.get("files", []))
    return Verdict(ident, base, files)


def assess_paths(
    root: Path,
    state: Path,
    policy: StalenessConfig,
    observations: Iterable[tuple[Observation, str]],
    head: str | None,
    git: Git | None = None,
) -> dict[str, Verdict]:
    """Verdicts for the active observations (with their repo-relative paths) at ``head``.

    Never raises for git trouble (no git, no commits, a shallow clone): staleness is a ranking
    hint, so without git every observation is simply not stale.
    """
    if not policy.enabled or head is None:
        return {}
    subjects = [Subject.of(obs, path) for obs, path in observations if obs.active and obs.files]
    if not subjects:
        return {}
    assessor = Assessor(git or Git(root), policy, state / "code-staleness.json")
    try:
        return assessor.assess(subjects, head)
    except (GitError, OSError):
        return {}
