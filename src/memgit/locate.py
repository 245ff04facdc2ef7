"""Find the git work tree and git directory above a folder, with ``os`` alone.

Hooks call this on every tool use, so it imports nothing beyond ``os``: no ``pathlib``, no
subprocess. A ``.git`` folder is a plain repository; a ``.git`` file (``gitdir: <path>``) is a
linked worktree or a submodule, whose git directory holds its own local state.
"""

from __future__ import annotations

import os


def locate(start: str) -> tuple[str, str] | None:
    """``(work tree root, git dir)`` for the repository containing ``start``, or None."""
    folder = os.path.abspath(start)
    while True:
        dot_git = os.path.join(folder, ".git")
        if os.path.isdir(dot_git):
            return folder, dot_git
        if os.path.isfile(dot_git):
            git_dir = linked_git_dir(dot_git)
            return (folder, git_dir) if git_dir else None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def linked_git_dir(dot_git: str) -> str | None:
    try:
        with open(dot_git, encoding="utf-8") as handle:
            first = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith("gitdir:"):
        return None
    target = first[len("gitdir:") :].strip()
    if not os.path.isabs(target):
        target = os.path.normpath(os.path.join(os.path.dirname(dot_git), target))
    return target


def head_branch(git_dir: str) -> str | None:
    """The checked-out branch (from ``HEAD``), or None when HEAD is detached or unreadable."""
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8") as handle:
            head = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    prefix = "ref: refs/heads/"
    return head[len(prefix) :] if head.startswith(prefix) else None


def head_commit(git_dir: str) -> str | None:
    """The commit HEAD points at, read from the ref files (no git process), or None."""
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8") as handle:
            head = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not head.startswith("ref: "):
        return head if _is_sha(head) else None
    ref = head[len("ref: ") :]
    for folder in (git_dir, _common_dir(git_dir)):
        try:
            with open(os.path.join(folder, ref), encoding="utf-8") as handle:
                value = handle.readline().strip()
            if _is_sha(value):
                return value
        except (OSError, UnicodeDecodeError):
            pass
        try:
            with open(os.path.join(folder, "packed-refs"), encoding="utf-8") as handle:
                for line in handle:
                    parts = line.split()
                    if len(parts) == 2 and parts[1] == ref and _is_sha(parts[0]):
                        return parts[0]
        except (OSError, UnicodeDecodeError):
            pass
    return None


def _common_dir(git_dir: str) -> str:
    """A linked worktree's git dir names the shared one in ``commondir``."""
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            common = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return git_dir
    return common if os.path.isabs(common) else os.path.normpath(os.path.join(git_dir, common))


def _is_sha(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)
