"""Which files a tool call touched, as repository-relative paths when they lie under the root.

File tools (Read, Edit, MultiEdit, Write, NotebookEdit, NotebookRead) name their file in
``file_path`` or ``notebook_path``, usually absolute. Paths outside the root stay as given.
"""

from __future__ import annotations

import posixpath
from typing import Any

from memgit.transcript.model import FILE_TOOLS


def tool_files(name: str, tool_input: dict[str, Any], root: str | None) -> tuple[str, ...]:
    """Paths a file tool touched, relative to ``root`` when under it."""
    if name not in FILE_TOOLS:
        return ()
    found = []
    for key in ("file_path", "notebook_path"):
        value = tool_input.get(key)
        if isinstance(value, str) and value.strip():
            found.append(repo_path(value.strip(), root))
    return tuple(dict.fromkeys(found))


def repo_path(path: str, root: str | None) -> str:
    """``path`` relative to ``root`` when it lies under it, else as given (normalised)."""
    normal = posixpath.normpath(path)
    if root:
        base = posixpath.normpath(root).rstrip("/")
        if normal == base:
            return "."
        if normal.startswith(base + "/"):
            return normal[len(base) + 1 :]
    return normal
