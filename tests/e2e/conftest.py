"""Fixtures for the end-to-end tests: each route plays the scenario once, shared by its tests.

A play is a real ``claude`` against the scripted model server, in a real repository after
``memgit init``, with its own HOME; the tests then read the recorded requests and the repository.
Without the CLI they skip (and fail under CI, see ``tests/claude_code.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.claude_code import claude_or_skip
from tests.e2e import scenario
from tests.e2e.harness import Project
from tests.e2e.model_server import ModelServer


@dataclass
class Route:
    project: Project
    server: ModelServer
    played: scenario.Played


def _play(
    factory: pytest.TempPathFactory, name: str, extractor: str, *, plugin: bool = False
) -> Iterator[Route]:
    claude = claude_or_skip()
    server = ModelServer().start()
    try:
        project = Project(factory.mktemp(name), claude, server.url)
        project.extra_env["MEMGIT_EXTRACTOR"] = extractor
        scenario.prepare(project, plugin=plugin)
        played = scenario.play(project, server, plugin=plugin)
        yield Route(project, server, played)
        server.check()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def anthropic_route(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Route]:
    """Project hooks from ``memgit init``; the anthropic extractor (key and URL from the env)."""
    yield from _play(tmp_path_factory, "anthropic", "anthropic")


@pytest.fixture(scope="module")
def cli_route(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Route]:
    """Project hooks; the claude-cli extractor, which runs the real ``claude -p`` itself."""
    yield from _play(tmp_path_factory, "claude-cli", "claude-cli")


@pytest.fixture(scope="module")
def plugin_route(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Route]:
    """``memgit init --no-hooks``; hooks and MCP server from ``--plugin-dir`` (this checkout)."""
    yield from _play(tmp_path_factory, "plugin", "anthropic", plugin=True)
