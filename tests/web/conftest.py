"""The viewer's fixtures: the demo memory plus one hostile observation, and a client for it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from memgit.api import Memory
from memgit.fileio import atomic_write
from memgit.model import Observation, new_observation, render_observation
from memgit.sessions import SessionSummary, render_session
from memgit.web.app import create_app

from .demo import build_demo

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PORT = 37777
BASE = f"http://127.0.0.1:{PORT}"
HOSTILE_SESSION = 'evil"><script>alert(4)</script>'


@dataclass
class Viewer:
    root: Path
    memory: Memory
    client: TestClient
    made: dict[str, Observation]
    hostile: Observation


def hostile_observation() -> Observation:
    return new_observation(
        "gotcha",
        "<script>alert(1)</script> and \"quotes\" & 'apostrophes'",
        'Before "><img src=x onerror=alert(2)> after.\n\n'
        "- [click me](javascript:alert(3)) and [ok](https://example.com/a?b=1&c=2)\n"
        "- <iframe src=//evil.example></iframe>\n"
        "- `<b>code</b>` and **bold <i>**\n\n"
        "```html\n<script>alert('fenced')</script>\n```",
        now=NOW,
        ident="hst1le0x99",
        files=['src/"><svg onload=alert(5)>.py'],
        tags=['"><b>tag'],
        session=HOSTILE_SESSION,
        branch="<b>branch</b>",
        commit="javascript:alert(6)",
        source="<em>source</em>",
    )


@pytest.fixture
def viewer(tmp_path: Path) -> Iterator[Viewer]:
    root = tmp_path / "harbor"
    made = build_demo(root, NOW)
    memory = Memory.open(root)
    hostile = hostile_observation()
    atomic_write(memory.paths.observations / hostile.file_name(), render_observation(hostile))
    summary = SessionSummary(
        "evil-session",
        "<script>alert(7)</script>",
        NOW,
        NOW,
        observations=(hostile.id,),
        request='<img src=x onerror="alert(8)">',
        learned=("[x](javascript:alert(9))",),
    )
    atomic_write(memory.paths.sessions / "2026-11-24-evil-evil.md", render_session(summary))
    app = create_app(memory, port=PORT, now=lambda: NOW)
    with TestClient(app, base_url=BASE) as client:
        yield Viewer(root, memory, client, made, hostile)
