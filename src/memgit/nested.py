"""The marker that tells memgit's hooks they run inside memgit's own nested ``claude -p``.

The claude-cli extractor sets ``MEMGIT_NESTED=1`` in the child's environment; every hook checks
``is_nested`` first and exits at once, so a nested session can never capture or spawn anything.
Kept tiny and dependency-free because every hook imports it.
"""

from __future__ import annotations

from collections.abc import Mapping

NESTED_ENV = "MEMGIT_NESTED"


def is_nested(environ: Mapping[str, str]) -> bool:
    """True when ``environ`` marks a process started by memgit's own extractor."""
    return environ.get(NESTED_ENV, "").strip().lower() not in ("", "0", "false", "no")
