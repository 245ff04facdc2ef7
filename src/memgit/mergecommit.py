"""The sections of a merge commit: what ``generate`` gives for the merged memory, before it exists.

Git makes a merge commit from the tree its merge produced, so the only moments memgit can put
the right section in that commit are while git merges (the ``memgit-section`` merge driver) and,
for a merge that stopped on a conflict, the ``pre-commit`` hook of the ``git commit`` that
concludes it. Both compute the section as ``memgit generate`` would with the merge commit checked
out: memory and code staleness read from git objects alone, at a commit object made for the
purpose (the merged tree, with both parents) that no ref points at.

* ``driver_body`` (merge driver): during ``git merge`` and ``git pull``, git names the commit
  being merged in a ``GITHEAD_<id>`` variable; ``git merge-tree`` then gives the tree the merge
  will produce (memory merged by the ``memgit-memory`` driver). Inside that nested merge, and
  where git names no single commit (rebase, cherry-pick, revert, octopus), there is no answer:
  the driver keeps its provisional union of both sides' items.
* ``refresh_merge_commit`` (pre-commit, ``MERGE_HEAD`` present): the tree is the index being
  committed; each target's section is regenerated in the index, and in the work tree when the
  file there is the staged one (otherwise only its section is replaced).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from memgit.errors import MemgitError
from memgit.gitrepo import Git, GitError
from memgit.section import TARGETS, extract_section, render_block, resolve_target, splice

if TYPE_CHECKING:
    from memgit.api import Memory

#: Set for the ``git merge-tree`` the driver runs, so the drivers it calls do not recurse.
NESTED = "MEMGIT_NESTED_MERGE"


def merging_commit(environ: Mapping[str, str]) -> str | None:
    """The commit ``git merge`` is merging in (its ``GITHEAD_<id>`` variable), if exactly one."""
    if environ.get(NESTED):
        return None
    heads = [
        key.removeprefix("GITHEAD_")
        for key in environ
        if key.startswith("GITHEAD_") and _is_object_id(key.removeprefix("GITHEAD_"))
    ]
    return heads[0] if len(heads) == 1 else None


def target_of(root: Path, path: str) -> str | None:
    """The configured-or-not target whose file is ``path`` (repository-relative), if any."""
    for name, spec in TARGETS.items():
        if path == spec.path or (name == "claude" and path == ".claude/CLAUDE.md"):
            return name
    for name in TARGETS:
        try:
            if resolve_target(root, name) == (root / path).resolve():
                return name
        except (MemgitError, OSError):
            continue
    return None


def driver_body(memory: Memory, path: str, environ: Mapping[str, str]) -> str | None:
    """The section body the merge commit ``git merge`` is making should hold at ``path``."""
    theirs = merging_commit(environ)
    target = target_of(memory.paths.root, path)
    if theirs is None or target is None:
        return None
    git = Git(memory.paths.root)
    git.env[NESTED] = "1"
    tree = git.merge_tree("HEAD", theirs)
    if tree is None:
        return None
    commit = git.commit_tree(tree, [git.resolve("HEAD"), theirs])
    return memory.section_body_at(commit, target)


def _index_git(root: Path, environ: Mapping[str, str]) -> Git:
    """Git on the index being committed (``GIT_INDEX_FILE`` during ``git commit -a``)."""
    git = Git(root)
    index = environ.get("GIT_INDEX_FILE")
    if index:
        git.env["GIT_INDEX_FILE"] = os.path.abspath(index)
    return git


def _staged(git: Git, rel: str) -> tuple[str, bytes] | None:
    """(mode, content) of ``rel`` in the index, or None when it is not staged."""
    out = git.run("ls-files", "-s", "-z", "--", rel).stdout.decode("utf-8", "surrogateescape")
    entries = [e for e in out.split("\0") if e]
    if len(entries) != 1:
        return None  # absent, or unmerged (git refuses such a commit anyway)
    meta, _, _ = entries[0].partition("\t")
    mode, blob, stage = meta.split()
    if stage != "0" or mode == "120000":
        return None
    return mode, git.read_blobs([blob]).get(blob, b"")


def _regenerated(text: str, body: str, target: str, source: str) -> str | None:
    spec = TARGETS[target]
    if spec.owned:
        return spec.preamble + render_block(body) + "\n"
    if extract_section(text, source=source) is None:
        return None  # no section here: a merge never creates one
    return splice(text, body, source=source)


def refresh_merge_commit(memory: Memory, environ: Mapping[str, str]) -> list[str]:
    """Before the commit that concludes a merge: regenerate the staged sections for the merged
    memory. The repository-relative files changed (none outside a merge)."""
    merge_head = memory.paths.git_dir / "MERGE_HEAD"
    if not merge_head.is_file():
        return []
    root = memory.paths.root
    git = _index_git(root, environ)
    theirs = [line.strip() for line in merge_head.read_text().splitlines() if line.strip()]
    try:
        commit = git.commit_tree(git.write_tree(), [git.resolve("HEAD"), *theirs])
    except GitError:
        return []  # unmerged entries: git will refuse the commit and say why
    changed: list[str] = []
    for target in memory.config.targets:
        try:
            path = resolve_target(root, target)
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except (MemgitError, ValueError):
            continue
        staged = _staged(git, rel)
        if staged is None:
            continue
        mode, data = staged
        text = data.decode("utf-8", "surrogateescape")
        body = memory.section_body_at(commit, target)
        new = _regenerated(text, body, target, rel)
        if new is None or new == text:
            continue
        encoded = new.encode("utf-8", "surrogateescape")
        blob = git.run("hash-object", "-w", "--stdin", input=encoded).stdout.decode().strip()
        git.run("update-index", "--cacheinfo", f"{mode},{blob},{rel}")
        _update_work_tree(path, data, encoded, body, target, rel)
        changed.append(rel)
    return changed


def _update_work_tree(
    path: Path, staged: bytes, new: bytes, body: str, target: str, rel: str
) -> None:
    """The work-tree file follows the index: whole when it was the staged file, else only its
    section (the user's unstaged edits outside it stay as they are)."""
    from memgit.fileio import atomic_write

    try:
        current = path.read_bytes()
    except OSError:
        return
    if current == staged:
        atomic_write(path, new, mode=path.stat().st_mode & 0o777)
        return
    updated = _regenerated(current.decode("utf-8", "surrogateescape"), body, target, rel)
    if updated is not None:
        atomic_write(
            path, updated.encode("utf-8", "surrogateescape"), mode=path.stat().st_mode & 0o777
        )


def _is_object_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)
