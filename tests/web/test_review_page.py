"""The viewer shows pending memory and contradictions, with the commands to act on them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from memgit.api import Memory, initialize
from memgit.paths import find_paths
from memgit.web.app import create_app

from ..conftest import git
from .browser import chromium, find_browser, memgit_serve
from .conftest import BASE, PORT


def _repo(root: Path) -> tuple[Memory, dict[str, str]]:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    initialize(find_paths(root))
    config = root / ".memory" / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  pending: false", "  pending: true"),
        encoding="utf-8",
    )
    memory = Memory.open(root)
    postgres, _ = memory.add("decision", "Use Postgres instead of MySQL", "For JSONB.")
    mysql = memory.remember(
        "decision", "Use MySQL instead of Postgres", "The host only runs MySQL.", source="mcp"
    ).observation
    waiting = memory.remember(
        "gotcha", "Harbor <b>clocks</b> drift", "By 2s at night.", source="heuristic"
    ).observation
    return memory, {"postgres": postgres.id, "mysql": mysql.id, "waiting": waiting.id}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    memory, ids = _repo(tmp_path / "repo")
    with TestClient(create_app(memory, port=PORT), base_url=BASE) as http:
        yield http, ids


def test_review_page_lists_pending_and_contradictions_with_commands(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, ids = client
    page = http.get("/review")
    assert page.status_code == 200
    html = page.text
    assert "Pending (2)" in html
    assert "Contradictions (1)" in html
    assert f"memgit review --accept {ids['waiting']}" in html
    assert f"memgit review --reject {ids['mysql']}" in html
    assert f"memgit edit {ids['waiting']}" in html
    assert f"memgit forget {ids['postgres']} --reason" in html
    assert "preference: " in html
    assert "<b>clocks</b>" not in html  # memory text is escaped
    assert '<a href="/review" aria-current="page">Review</a>' in html
    overview = http.get("/").text
    assert "pending review" in overview


def test_observation_page_says_pending_and_what_it_disagrees_with(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, ids = client
    html = http.get(f"/m/{ids['mysql']}").text
    assert "Pending review" in html
    assert f"memgit review --accept {ids['mysql']}" in html
    assert "Disagrees with" in html
    assert f'href="/m/{ids["postgres"]}"' in html
    html = http.get(f"/m/{ids['postgres']}").text
    assert "Pending review" not in html
    assert f"memgit review --reject {ids['mysql']}" in html  # pending: rejected, not forgotten
    searched = http.get("/search", params={"q": "harbor clocks", "status": "pending"}).text
    assert ids["waiting"] in searched
    assert ids["waiting"] not in http.get("/search", params={"q": "harbor clocks"}).text


def test_the_viewer_stays_read_only(client: tuple[TestClient, dict[str, str]]) -> None:
    http, _ = client
    assert http.post("/review").status_code in (403, 405)


@pytest.mark.slow
def test_review_page_in_a_real_browser(tmp_path: Path) -> None:
    binary, driver = find_browser()
    if binary is None or driver is None:
        pytest.skip(
            "no headless browser: install Debian's chromium and chromium-driver packages "
            f"(found chromium: {binary}, chromedriver: {driver})"
        )
    _, ids = _repo(tmp_path / "repo")
    with (
        chromium(tmp_path / "profile") as browser,
        memgit_serve(tmp_path / "repo", tmp_path / "serve.log") as base,
    ):
        browser.get(base)
        browser.click(browser.find("nav.nav a[href='/review']"))
        deadline = time.monotonic() + 10
        while not browser.url.endswith("/review"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert browser.text(browser.find("main h1")) == "Review"
        commands = [browser.text(e) for e in browser.find_all("#pending code.cmd")]
        assert f"memgit review --accept {ids['waiting']}" in commands
        pair = browser.text(browser.find("#contradictions .pair"))
        assert "Use Postgres instead of MySQL" in pair
        assert "Use MySQL instead of Postgres" in pair
        style = browser.run("return getComputedStyle(document.querySelector('code.cmd')).cursor;")
        assert style == "copy"  # the stylesheet loaded under the CSP
        shot = browser.full_page_screenshot(tmp_path / "review.png")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
