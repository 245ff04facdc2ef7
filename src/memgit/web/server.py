"""Run the viewer: bind 127.0.0.1 (and nothing else), load memory, then serve until Ctrl-C."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable

import uvicorn

from memgit.api import Memory
from memgit.catalog import for_memory
from memgit.errors import MemgitError
from memgit.web.app import create_app

HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: any free port), or a MemgitError that says
    what to do."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise MemgitError(
                f"port {port} on {HOST} is already in use (another memgit serve?): "
                "choose another with --port, or --port 0 for any free port"
            ) from None
        raise MemgitError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(memory: Memory, port: int, announce: Callable[[str], None] = print) -> int:
    sock = bind(port)
    actual = sock.getsockname()[1]
    catalog = for_memory(memory)
    catalog.snapshot()  # read memory and sync the index now, not on the first request
    app = create_app(memory, port=actual, catalog=catalog)
    config = uvicorn.Config(
        app,
        lifespan="off",
        http="h11",
        ws="none",
        loop="asyncio",
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )
    announce(f"memgit viewer (read-only) at http://{HOST}:{actual}/ — Ctrl-C stops it")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0
