"""After git moves HEAD (checkout, pull, merge, rebase): sync the index, refresh untracked sections.

``refresh`` is what memgit's ``post-checkout``, ``post-merge`` and ``post-rewrite`` hooks (and
pre-commit's ``memgit-refresh`` hook) run. It never writes a file git tracks: after a git
operation the work tree holds only what the user changed (a merge commit already holds the
section for the merged memory, see ``memgit.mergecommit``). It syncs the search index, and
regenerates a target only when git does not track it (an ignored ``AGENTS.md``, say) and it
already holds a memgit section, so a checkout never creates files. It skips work that cannot
matter (a checkout of single files, a checkout that kept HEAD or kept memory as it was, the
checkouts inside a rebase, which ends with post-rewrite) and is quiet unless it changed a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from memgit.code_staleness import OBSERVATIONS_DIR
from memgit.errors import MemgitError
from memgit.gitrepo import Git
from memgit.section import TARGETS, read_section, resolve_target

if TYPE_CHECKING:
    from memgit.api import Memory


@dataclass
class RefreshReport:
    skipped: str = ""
    indexed: int = 0
    regenerated: list[Path] = field(default_factory=list)


def _rebasing(git_dir: Path) -> bool:
    return (git_dir / "rebase-merge").is_dir() or (git_dir / "rebase-apply").is_dir()


def should_refresh(event: str, args: Sequence[str], git: Git, git_dir: Path) -> str:
    """Why to skip this hook run ("" to go ahead)."""
    if event == "post-checkout":
        if _rebasing(git_dir):
            return "a rebase is in progress; post-rewrite refreshes at its end"
        if len(args) >= 3 and args[2] == "0":
            return "a checkout of files, not of a branch"
        if len(args) >= 2 and args[0] == args[1]:
            return "HEAD did not move"
        moved = len(args) >= 2 and not set(args[0]) <= {"0"}
        if moved and not git.changed_paths(args[0], args[1], [OBSERVATIONS_DIR]):
            return "memory is the same on both sides"
    if event == "post-rewrite" and args and args[0] == "amend":
        return "an amended commit leaves the work tree as it was"
    return ""


def has_section(root: Path, target: str) -> bool:
    try:
        path = resolve_target(root, target)
        if TARGETS[target].owned:
            return path.is_file()
        return read_section(path) is not None
    except (MemgitError, OSError):
        return False


def _tracked(git: Git, root: Path, target: str) -> bool:
    """Whether git tracks ``target``'s file (then only the user, or a commit, changes it)."""
    try:
        path = resolve_target(root, target)
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        return bool(git.run("ls-files", "-z", "--", rel).stdout)
    except (MemgitError, ValueError):
        return True


def refresh(memory: Memory, event: str = "refresh", args: Sequence[str] = ()) -> RefreshReport:
    """Sync the index and regenerate the configured targets that already have a section."""
    report = RefreshReport()
    git = Git(memory.paths.root)
    reason = should_refresh(event, args, git, memory.paths.git_dir)
    if reason:
        report.skipped = reason
        return report
    report.indexed = memory.reindex().changed
    for target in memory.config.targets:
        if has_section(memory.paths.root, target) and not _tracked(git, memory.paths.root, target):
            path, changed = memory.generate(target)
            if changed:
                report.regenerated.append(path)
    return report
