"""Where the tests find the real Claude Code CLI (npm package ``@anthropic-ai/claude-code``).

``.ci/run`` installs the version pinned in ``.ci/claude-code.version`` and points
``MEMGIT_TEST_CLAUDE`` at it; a developer may do the same, or have ``claude`` on PATH. The path is
read when this module is imported, before the autouse fixture clears ``MEMGIT_*`` variables.
Without a CLI the tests that need one skip with the install command; under CI they fail instead,
because a CI run that skipped them would prove nothing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PIN = Path(__file__).resolve().parents[1] / ".ci" / "claude-code.version"
VERSION = PIN.read_text(encoding="utf-8").strip()
FOUND = os.environ.get("MEMGIT_TEST_CLAUDE") or shutil.which("claude")


def claude_or_skip() -> str:
    """The CLI's path; skip (or, under CI, fail) when it is not installed."""
    if FOUND and Path(FOUND).exists():
        return FOUND
    how = (
        f"npm install --prefix ~/.cache/memgit-claude @anthropic-ai/claude-code@{VERSION} and set "
        "MEMGIT_TEST_CLAUDE=~/.cache/memgit-claude/node_modules/.bin/claude"
    )
    if os.environ.get("CI"):
        pytest.fail(f"the Claude Code CLI is missing in CI: .ci/run must install it ({how})")
    pytest.skip(f"the Claude Code CLI is not installed: {how}")
