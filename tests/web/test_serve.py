"""``memgit serve`` as a command and as a real process on a real socket."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from memgit.web.server import bind

from ..conftest import Result
from .browser import memgit_serve

Cli = Callable[..., Result]


def test_serve_has_help_and_checks_its_port(cli: Cli, memory_repo: Path) -> None:
    with pytest.raises(SystemExit) as done:
        cli("serve", "--help", cwd=memory_repo)
    assert done.value.code == 0
    with pytest.raises(SystemExit) as done:
        cli("serve", "--port", "70000", cwd=memory_repo)
    assert done.value.code == 2


def test_a_port_in_use_is_a_clear_error(cli: Cli, memory_repo: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port), cwd=memory_repo)
    assert result.code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.err
    assert "--port 0" in result.err


def test_serve_needs_an_initialised_memory(cli: Cli, repo: Path) -> None:
    result = cli("serve", cwd=repo)
    assert result.code == 1
    assert "memgit init" in result.err


def test_the_socket_is_bound_to_loopback_only() -> None:
    sock = bind(0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


def test_the_cli_does_not_load_the_web_stack() -> None:
    code = (
        "import sys; from memgit.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('starlette', 'uvicorn', 'memgit.web') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )
    assert done.stdout.strip() == "[]"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    text: str


def get(base: str, path: str, host: str | None = None) -> Reply:
    """A GET through a plain socket, with any ``Host`` header (urllib would set its own)."""
    name, port = base.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(name, int(port), timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, headers, response.read().decode("utf-8"))
    finally:
        connection.close()


def test_a_real_server_serves_pages_and_refuses_rebinding(
    memory_repo: Path, tmp_path: Path
) -> None:
    from memgit.api import Memory

    Memory.open(memory_repo).add("gotcha", "Pin the base image digest", "- tags move")
    with memgit_serve(memory_repo, tmp_path / "serve.log") as base:
        page = get(base, "/search?q=digest")
        assert page.status == 200
        assert "Pin the base image digest" in page.text
        assert "server" not in page.headers  # no banner
        assert "default-src 'self'" in page.headers["content-security-policy"]
        port = base.rstrip("/").rsplit(":", 1)[1]
        assert get(base, "/", host=f"attacker.example:{port}").status == 403
        assert get(base, "/", host=f"localhost:{port}").status == 200
