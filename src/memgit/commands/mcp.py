"""``memgit mcp``: serve the repository's memory to Claude Code as MCP tools over stdio.

Registering the command stays light: the ``mcp`` SDK is imported only when the server starts.
``MCP_SERVER_ENTRY`` is how Claude Code is told to start it, in ``.mcp.json`` (project scope or a
plugin) or ``~/.claude.json`` (user scope), under ``mcpServers.memgit``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from memgit.commands.common import Subparsers, add_command
from memgit.errors import MemgitError
from memgit.install import MCP_SERVER

#: The server declaration for Claude Code: ``{"mcpServers": {"memgit": MCP_SERVER_ENTRY}}``.
MCP_SERVER_ENTRY: Final[dict[str, Any]] = MCP_SERVER


def server_start(repo: str | None, environ: Mapping[str, str]) -> Path:
    """Where the server looks for the repository: ``--repo``, else Claude Code's project folder
    (``CLAUDE_PROJECT_DIR``), else the current folder."""
    start = Path(repo or environ.get("CLAUDE_PROJECT_DIR") or os.getcwd()).absolute()
    if not start.is_dir():
        source = "--repo" if repo else "CLAUDE_PROJECT_DIR"
        raise MemgitError(f"{source} {start} is not a folder: give the repository's folder")
    return start


def run(args: argparse.Namespace) -> int:
    start = server_start(args.repo, os.environ)
    if sys.stdin.isatty():
        print(
            "memgit mcp speaks the Model Context Protocol on stdin/stdout; Claude Code starts it "
            "(see .mcp.json). Ctrl-C stops it.",
            file=sys.stderr,
        )
    from memgit.mcp_server import serve  # the SDK takes ~0.8 s to import: only here

    return serve(start, session=os.environ.get("CLAUDE_CODE_SESSION_ID") or None)


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "mcp", "MCP server on stdio: search, get, timeline and remember for Claude Code", run
    )
    p.add_argument(
        "--repo",
        metavar="PATH",
        help="the repository to serve (default: $CLAUDE_PROJECT_DIR, else the current folder)",
    )
