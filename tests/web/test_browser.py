"""The viewer in a real headless Chromium: ``memgit serve`` as a process, overview → search →
one observation, with the stylesheet and script loaded under the page's CSP, and hostile memory
that must not run."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.fileio import atomic_write
from memgit.model import render_observation, utcnow

from .browser import Browser, chromium, find_browser, memgit_serve
from .conftest import hostile_observation
from .demo import build_demo

pytestmark = pytest.mark.slow


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    binary, driver = find_browser()
    if binary is None or driver is None:
        pytest.skip(
            "no headless browser: install Debian's chromium and chromium-driver packages "
            f"(found chromium: {binary}, chromedriver: {driver})"
        )
    with chromium(tmp_path / "profile") as session:
        yield session


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the browser")
        time.sleep(0.1)


def test_overview_search_and_one_observation(browser: Browser, tmp_path: Path) -> None:
    repo = tmp_path / "harbor"
    made = build_demo(repo, utcnow())
    hostile = hostile_observation()
    memory = Memory.open(repo)
    atomic_write(memory.paths.observations / hostile.file_name(), render_observation(hostile))

    with memgit_serve(repo, tmp_path / "serve.log") as base:
        browser.get(base)
        assert browser.text(browser.find("main h1")) == "Overview"
        assert browser.title == "Overview · memgit · harbor"
        cards = browser.text(browser.find(".cards"))
        assert "17\nobservations" in cards
        assert browser.find_all("svg.chart polyline.active")
        header = browser.run(
            "return getComputedStyle(document.querySelector('header.top')).backgroundColor;"
        )
        assert header == "rgb(36, 41, 47)"  # the stylesheet loaded under the CSP

        browser.click(browser.find("nav.nav a[href='/search']"))
        wait_until(lambda: browser.url.endswith("/search"))
        box = browser.find("form.filters input[name=q]")
        browser.type(box, "redis scheduler")
        browser.click(browser.find("form.filters button[type=submit]"))
        wait_until(lambda: "q=redis+scheduler" in browser.url)
        results = [browser.text(e) for e in browser.find_all("ol.results li .title")]
        assert results[0] == "Redis 6 is the minimum: RQ's scheduler needs LPOS"

        # The script loaded too: changing a filter menu runs the search again.
        browser.run(
            "const menu = document.querySelector('select[name=type]');"
            "menu.value = 'pattern'; menu.dispatchEvent(new Event('change'));"
        )
        wait_until(lambda: "type=pattern" in browser.url)
        results = [browser.text(e) for e in browser.find_all("ol.results li .title")]
        assert results == []  # no pattern mentions the scheduler
        browser.get(base + "search?q=redis+scheduler")

        browser.click(browser.find("ol.results li a.title"))
        redis = made["Redis 6 is the minimum: RQ's scheduler needs LPOS"]
        wait_until(lambda: browser.url.endswith(f"/m/{redis.id}"))
        assert browser.text(browser.find("h1.obs-title")) == redis.title
        assert "unknown command 'LPOS'" in browser.text(browser.find("article.body code"))
        facts = browser.text(browser.find("aside.facts"))
        assert "Replace Celery with RQ" in facts  # the session, linked
        assert "deploy/redis.conf" in facts
        shot = browser.full_page_screenshot(tmp_path / "observation.png")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size > 20_000

        # Hostile memory is shown as text: no alert opens, no element is injected.
        browser.get(base + f"m/{hostile.id}")
        assert browser.title.startswith("<script>alert(1)</script>")  # fails if an alert is open
        assert browser.text(browser.find("h1.obs-title")).startswith("<script>alert(1)</script>")
        assert browser.find_all("article.body img, article.body iframe, article.body a") == []
        assert browser.run("return document.scripts.length;") == 1
