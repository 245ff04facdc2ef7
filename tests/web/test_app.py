from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from memgit.errors import IndexUnavailable

from .conftest import BASE, HOSTILE_SESSION, NOW, PORT, Viewer

PAGES = ("/", "/search", "/search?q=redis&status=all", "/sessions", "/stale")


class Tags(HTMLParser):
    """Every start tag with its attributes, to check what a page would make a browser do."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    return tags


def rows(html: str) -> list[str]:
    """The observation ids listed on a page, in order."""
    return re.findall(r'<code class="id">([0-9a-z]+)</code>', html)


# --- pages ---------------------------------------------------------------------------------------


def test_overview_shows_counts_chart_recent_changes_and_links(viewer: Viewer) -> None:
    response = viewer.client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    cards = {
        label: value
        for value, label in re.findall(
            r'<span class="value">([\d,]+)</span><span class="label">(\w+)</span>', html
        )
    }
    assert cards == {
        "observations": "17",
        "active": "15",
        "superseded": "1",
        "expired": "1",
        "sessions": "9",
    }
    assert '<svg class="chart"' in html
    assert "17 observations written, 15 active now" in html
    assert 'href="/search?type=gotcha&amp;status=all"' in html
    assert rows(html)[0] == viewer.hostile.id  # the most recent change comes first
    assert "Wire the customs importer" in html  # latest sessions
    assert 'href="/stale#fading"' in html


def test_search_ranks_words_and_shows_ids_types_and_dates(viewer: Viewer) -> None:
    html = viewer.client.get("/search", params={"q": "redis"}).text
    found = rows(html)
    redis = viewer.made["Redis 6 is the minimum: RQ's scheduler needs LPOS"]
    assert redis.id in found
    assert viewer.made["Parallel test runs need one Redis database each"].id in found
    assert f'href="/m/{redis.id}"' in html
    assert '<span class="badge t-gotcha">gotcha</span>' in html
    assert "results" in html
    assert re.search(r'<time datetime="2026-\d\d-\d\dT[\d:]+Z"', html)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"type": "gotcha"},
            {"Harbor CSV", "Redis 6", "The customs API", "Parallel test", "<script>"},
        ),
        ({"q": "celery", "status": "all"}, {"Use Celery", "Use RQ"}),
        ({"q": "celery"}, {"Use RQ"}),
        ({"status": "superseded"}, {"Use Celery"}),
        ({"status": "expired"}, {"Migrating the vessel"}),
        (
            {"file": "importers/customs.py"},
            {"Dana owns", "The customs API", "Customs feed importer"},
        ),
        ({"file": "importers", "type": "pattern"}, {"Validate rows"}),
        ({"since": "4d", "type": "progress"}, {"Wiring the customs"}),
        ({"since": "2026-11-20", "q": "customs"}, {"Wiring the customs"}),
    ],
)
def test_search_filters(viewer: Viewer, params: dict[str, str], expected: set[str]) -> None:
    html = viewer.client.get("/search", params=params).text
    every = {o.id: o for o in (*viewer.made.values(), viewer.hostile)}
    titles = [every[ident].title for ident in rows(html)]
    assert len(titles) == len(expected)
    assert all(any(t.startswith(prefix) for t in titles) for prefix in expected)


def test_search_form_keeps_its_values_and_reports_bad_dates(viewer: Viewer) -> None:
    response = viewer.client.get(
        "/search", params={"q": 'x" autofocus onfocus="alert(1)', "since": "last tuesday"}
    )
    assert response.status_code == 400
    assert "cannot read &#x27;last tuesday&#x27;" in response.text
    assert 'value="x&quot; autofocus onfocus=&quot;alert(1)"' in response.text
    assert all(not k.startswith("on") for _, attrs in parse(response.text).tags for k in attrs)


def test_search_shows_more_on_request(viewer: Viewer) -> None:
    html = viewer.client.get("/search", params={"status": "all", "limit": "5"}).text
    assert len(rows(html)) == 5
    more = re.search(r'<a class="more" href="([^"]+)"', html)
    assert more is not None
    assert "limit=55" in more.group(1)
    assert "status=all" in more.group(1)
    html = viewer.client.get("/search", params={"status": "all", "limit": "55"}).text
    assert len(rows(html)) == 17
    assert 'class="more"' not in html


def test_an_id_in_the_search_box_opens_the_observation(viewer: Viewer) -> None:
    ident = viewer.made["Use RQ instead of Celery for background jobs"].id
    for query in (ident, f"[m:{ident}]"):
        response = viewer.client.get("/search", params={"q": query}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/m/{ident}"


def test_observation_page_shows_body_provenance_files_and_chain(viewer: Viewer) -> None:
    rq = viewer.made["Use RQ instead of Celery for background jobs"]
    celery = viewer.made["Use Celery for background jobs"]
    html = viewer.client.get(f"/m/{rq.id}").text
    assert '<h1 class="obs-title">Use RQ instead of Celery for background jobs</h1>' in html
    assert "<li><code>rq worker --with-scheduler</code> replaces celery beat</li>" in html
    assert f"<code>[m:{rq.id}]</code>" in html
    assert (
        '<a href="/sessions/0b7c0002-5e1d-4a7f-9c2b-000000000002">Replace Celery with RQ</a>'
        in html
    )
    assert "<dt>branch</dt><dd><code>main</code></dd>" in html
    assert f"<code>{rq.commit}</code>" in html
    assert "<dd>heuristic</dd>" in html
    assert f".memory/observations/{rq.file_name()}" in html
    assert '<a href="/search?file=deploy/worker.service&amp;status=all">' in html
    assert "<h3>Replaces</h3>" in html
    assert f'href="/m/{celery.id}"' in html

    html = viewer.client.get(f"/m/{celery.id}").text
    assert "<h3>Replaced by</h3>" in html
    assert "the current one is" in html
    assert f'href="/m/{rq.id}"' in html


def test_ephemeral_observations_show_their_decayed_confidence(viewer: Viewer) -> None:
    note = viewer.made["Customs feed importer: parsing done, upload wiring next"]
    html = viewer.client.get(f"/m/{note.id}").text
    assert "0.80 when written, 0.33 now (decays with age)" in html


@pytest.mark.parametrize("path", ["/m/zzzzzzzzzz", "/m/<script>", "/nowhere", "/sessions/nobody"])
def test_unknown_things_are_404(viewer: Viewer, path: str) -> None:
    response = viewer.client.get(path)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert "<script>" not in response.text.split("<main>")[1]


def test_sessions_are_newest_first_with_their_observations(viewer: Viewer) -> None:
    html = viewer.client.get("/sessions").text
    headings = re.findall(r'<article class="session"><header><h2><a href="[^"]+">([^<]+)</a>', html)
    assert headings[:3] == [
        "&lt;script&gt;alert(7)&lt;/script&gt;",
        "Wire the customs importer",
        "Customs feed parsing and feature flags",
    ]
    wire = html.split("Wire the customs importer")[1].split("</article>")[0]
    assert "Connect the customs importer to uploads" in wire  # the request
    assert "Observations (2)" in wire
    assert "Wiring the customs importer into the upload API" in wire
    assert "Review the new memory in the PR" in wire  # next steps


def test_sessions_are_paginated(viewer: Viewer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("memgit.web.app.SESSIONS_PER_PAGE", 4)
    first = viewer.client.get("/sessions").text
    assert "page 1 of 3" in first
    assert '<a rel="next" href="/sessions?page=2">' in first
    last = viewer.client.get("/sessions", params={"page": "3"}).text
    assert "Set up the upload API and background jobs" in last
    assert "Set up the upload API" not in first
    assert '<a rel="prev" href="/sessions?page=2">' in last
    assert "page 3 of 3" in viewer.client.get("/sessions", params={"page": "99"}).text
    assert "page 1 of 3" in viewer.client.get("/sessions", params={"page": "x"}).text


def test_one_session_page(viewer: Viewer) -> None:
    html = viewer.client.get("/sessions/0b7c0005-5e1d-4a7f-9c2b-000000000005").text
    assert "Start the customs feed" in html
    assert "Observations (2)" in html
    # A session known only from an observation's provenance still has a page.
    html = viewer.client.get("/sessions/" + quote(HOSTILE_SESSION, safe="")).text
    assert "No summary was written for this session." in html
    assert viewer.hostile.id in rows(html)


def test_needs_review_lists_fading_superseded_and_expired(viewer: Viewer) -> None:
    html = viewer.client.get("/stale").text
    fading = html.split('id="fading"')[1].split("</section>")[0]
    superseded = html.split('id="superseded"')[1].split("</section>")[0]
    expired = html.split('id="expired"')[1].split("</section>")[0]
    assert "Dana owns the customs feed" in fading  # coordination, three half-lives old
    assert "next gc expires it" in fading
    assert "Parallel test runs" not in fading  # a gotcha never fades
    assert "Use Celery for background jobs" in superseded
    assert "Migrating the vessel table" in expired


def test_new_memory_shows_without_a_restart(viewer: Viewer) -> None:
    viewer.client.get("/")
    obs, _ = viewer.memory.add("decision", "Adopt structured logging everywhere", "- json lines")
    assert "Adopt structured logging everywhere" in viewer.client.get("/").text
    html = viewer.client.get("/search", params={"q": "structured logging"}).text
    assert rows(html)[0] == obs.id


def test_head_requests_are_answered(viewer: Viewer) -> None:
    for path in (*PAGES, "/static/style.css"):
        response = viewer.client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""


def test_a_broken_index_is_an_error_page(viewer: Viewer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise IndexUnavailable("the search index cannot be opened; run `memgit reindex`")

    monkeypatch.setattr(viewer.memory, "search", broken)
    response = viewer.client.get("/search", params={"q": "redis"})
    assert response.status_code == 500
    assert "run `memgit reindex`" in response.text


# --- static files --------------------------------------------------------------------------------


def test_static_files(viewer: Viewer) -> None:
    css = viewer.client.get("/static/style.css")
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert ".badge" in css.text
    js = viewer.client.get("/static/app.js")
    assert js.headers["content-type"] == "text/javascript; charset=utf-8"
    assert viewer.client.get("/static/favicon.svg").text.startswith("<svg")
    assert viewer.client.get("/static/../app.py").status_code == 404
    assert viewer.client.get("/static/secret.txt").status_code == 404


# --- escaping ------------------------------------------------------------------------------------


def hostile_pages(viewer: Viewer) -> list[str]:
    return [
        *PAGES,
        "/search?q=script",
        "/search?type=gotcha",
        f"/m/{viewer.hostile.id}",
        "/sessions/evil-session",
        "/sessions/" + quote(HOSTILE_SESSION, safe=""),
    ]


def test_hostile_text_never_becomes_markup(viewer: Viewer) -> None:
    for path in hostile_pages(viewer):
        response = viewer.client.get(path)
        assert response.status_code == 200, path
        page = parse(response.text)
        for tag, attrs in page.tags:
            assert tag not in ("img", "iframe", "svg") or attrs.get("class") in ("chart", "bar"), (
                path,
                tag,
                attrs,
            )
            assert tag != "script" or attrs == {"src": "/static/app.js", "defer": None}, path
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name)
                assert not (value or "").strip().lower().startswith("javascript:"), (path, tag)
            assert "style" not in attrs, (path, tag)  # the CSP forbids inline styles
        assert "<b>" not in response.text, path


def test_hostile_text_is_shown_as_text(viewer: Viewer) -> None:
    html = viewer.client.get(f"/m/{viewer.hostile.id}").text
    text = "".join(parse(html).text)
    assert "<script>alert(1)</script> and \"quotes\" & 'apostrophes'" in text
    assert 'Before "><img src=x onerror=alert(2)> after.' in text
    assert "click me (javascript:alert(3))" in text  # a link is shown, never followed
    assert "ok (https://example.com/a?b=1&c=2)" in text
    assert "<script>alert('fenced')</script>" in text
    assert 'src/"><svg onload=alert(5)>.py' in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="/search?file=src/%22%3E%3Csvg+onload%3Dalert%285%29%3E.py&amp;status=all"' in html
    session = viewer.client.get("/sessions/evil-session").text
    assert "&lt;img src=x onerror=&quot;alert(8)&quot;&gt;" in session


# --- the front door ------------------------------------------------------------------------------


def test_security_headers_on_every_response(viewer: Viewer) -> None:
    for path in ("/", "/m/nope", "/static/app.js"):
        headers = viewer.client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
    assert "cache-control" in viewer.client.get("/").headers


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        f"evil.example:{PORT}",
        "127.0.0.1",
        f"127.0.0.1:{PORT + 1}",
        f"localhost.evil.example:{PORT}",
        f"0.0.0.0:{PORT}",
        f"[::1]:{PORT}",
        "",
    ],
)
def test_foreign_host_headers_are_refused(viewer: Viewer, host: str) -> None:
    response = viewer.client.get("/", headers={"host": host})
    assert response.status_code == 403
    assert "answers only at http://127.0.0.1:37777/" in response.text
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"LOCALHOST:{PORT}"])
def test_local_host_headers_are_served(viewer: Viewer, host: str) -> None:
    assert viewer.client.get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "null", f"http://127.0.0.1:{PORT + 1}", f"https://localhost:{PORT}"],
)
def test_foreign_origins_are_refused(viewer: Viewer, origin: str) -> None:
    response = viewer.client.get("/search?q=redis", headers={"origin": origin})
    assert response.status_code == 403


def test_same_origin_requests_are_served(viewer: Viewer) -> None:
    for origin in (BASE, f"http://localhost:{PORT}"):
        assert viewer.client.get("/", headers={"origin": origin}).status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("path", ["/", "/search", "/m/anything", "/static/style.css", "/nowhere"])
def test_the_viewer_is_read_only(viewer: Viewer, method: str, path: str) -> None:
    before = sorted(p.name for p in viewer.memory.paths.observations.iterdir())
    response = viewer.client.request(method, path, content=b"title=x")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert sorted(p.name for p in viewer.memory.paths.observations.iterdir()) == before


def test_now_is_the_injected_clock(viewer: Viewer) -> None:
    html = viewer.client.get("/").text
    assert f"to {NOW:%Y-%m-%d}:" in html  # the chart ends today
