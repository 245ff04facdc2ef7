"""The viewer's routes: read the request, ask the core, hand the values to a view.

``create_app(memory, port=...)`` returns the ASGI application: Starlette routes wrapped in
``Guard`` (local-only, read-only, security headers). Pages read memory from a ``Catalog``
snapshot, which also keeps the search index in sync, so a search skips the index's own scan.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from memgit import overview, staleness
from memgit.api import Memory
from memgit.catalog import Catalog, for_memory
from memgit.contradictions import all_contradictions, find_contradictions
from memgit.errors import MemgitError
from memgit.model import ID_PATTERN, STATUSES, TYPES, decayed_confidence, normalize_id, utcnow
from memgit.query import Filters, Hit, parse_since
from memgit.web import review_views, session_views, views
from memgit.web.guard import Guard
from memgit.web.html import Markup, url
from memgit.web.parts import Site, layout

PAGE_SIZE = 50
MAX_LIMIT = 1000
SESSIONS_PER_PAGE = 10
STATIC_TYPES = {
    "style.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


class Viewer:
    """The endpoints, sharing one memory, its catalog and a clock."""

    def __init__(self, memory: Memory, catalog: Catalog, now: Callable[[], datetime]) -> None:
        self.memory = memory
        self.catalog = catalog
        self.now = now
        self.site = Site(repo=memory.paths.root.name, root=str(memory.paths.root))
        folder = importlib.resources.files("memgit.web") / "static"
        self.static = {name: (folder / name).read_bytes() for name in STATIC_TYPES}

    def page(
        self, title: str, content: Markup, *, section: str, query: str = "", status: int = 200
    ) -> HTMLResponse:
        body = layout(self.site, title, content, section=section, query=query)
        return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    # --- pages ----------------------------------------------------------------------------------

    def overview(self, request: Request) -> Response:
        snap = self.catalog.snapshot()
        now = self.now()
        content = views.overview(
            counts=overview.count(snap.observations),
            points=overview.growth(snap.observations, now),
            recent=overview.recent(snap.observations, 15),
            stale=staleness.stale_memory(snap.observations, now, self.memory.config.lifecycle),
            sessions=snap.sessions[:6],
            session_total=len(snap.sessions),
            problems=snap.problems,
        )
        return self.page("Overview", content, section="overview")

    def search(self, request: Request) -> Response:
        snap = self.catalog.snapshot()  # brings the index up to date first
        params = request.query_params
        form = views.SearchForm(
            q=params.get("q", "").strip(),
            type=_choice(params.get("type", ""), ("", *TYPES)),
            status=_choice(params.get("status", "active"), (*STATUSES, "all"), "active"),
            file=params.get("file", "").strip(),
            since=params.get("since", "").strip(),
            limit=_int(params.get("limit"), PAGE_SIZE, 1, MAX_LIMIT),
        )
        target = normalize_id(form.q)
        if ID_PATTERN.match(target) and snap.get(target) is not None:
            return RedirectResponse(url(f"/m/{target}"), status_code=303)
        hits: list[Hit] | None = None
        error = ""
        try:
            since = parse_since(form.since, self.now()) if form.since else None
        except MemgitError:
            error = (
                f"“Updated since” cannot read {form.since!r}: give a date (2026-11-01), "
                "a date-time (2026-11-01T09:00:00Z) or an age (12h, 7d, 2w, 3m)."
            )
        if not error:
            filters = Filters(
                types=(form.type,) if form.type else (),
                statuses=() if form.status == "all" else (form.status,),
                file=form.file.strip("/") or None,
                since=since,
            )
            if form.q:
                hits = self.memory.search(form.q, filters, form.limit + 1, refresh=False)
            else:
                hits = self.memory.listing(filters, form.limit + 1, refresh=False)
        more = None
        if hits is not None and len(hits) > form.limit:
            hits = hits[: form.limit]
            if form.limit < MAX_LIMIT:
                more = url("/search", **_query(form, limit=min(MAX_LIMIT, form.limit + PAGE_SIZE)))
        title = f"“{form.q}”" if form.q else "Search"
        return self.page(
            title,
            views.search(form, hits, error, more),
            section="search",
            query=form.q,
            status=400 if error else 200,
        )

    def observation(self, request: Request) -> Response:
        snap = self.catalog.snapshot()
        obs = snap.get(request.path_params["ident"])
        if obs is None:
            raise HTTPException(404, f"No observation with id {request.path_params['ident']!r}.")
        policy = self.memory.config.lifecycle
        content = views.observation(
            obs,
            snap.paths[obs.id],
            overview.supersession_chain(obs, snap.observations),
            decayed_confidence(obs, self.now(), policy.half_life_days, policy.ephemeral_types),
            snap.session(obs.session) if obs.session else None,
            review_views.observation_notice(obs, find_contradictions([obs], snap.observations)),
        )
        return self.page(obs.title, content, section="search")

    def sessions(self, request: Request) -> Response:
        snap = self.catalog.snapshot()
        number = _int(request.query_params.get("page"), 1, 1, 1_000_000)
        page = overview.session_page(snap.sessions, snap.observations, number, SESSIONS_PER_PAGE)
        return self.page("Sessions", session_views.sessions(page), section="sessions")

    def session(self, request: Request) -> Response:
        snap = self.catalog.snapshot()
        ident = request.path_params["session"]
        summary = snap.session(ident)
        entry = overview.session_entries(
            [summary] if summary else [], snap.observations, {ident}
        ).get(ident)
        if entry is None:
            raise HTTPException(404, f"No session {ident!r} in memory.")
        title = (summary.title if summary else "") or ident
        return self.page(
            title, session_views.session_block(entry, heading_link=False), section="sessions"
        )

    def stale(self, request: Request) -> Response:
        snap = self.catalog.snapshot()
        policy = self.memory.config.lifecycle
        report = staleness.stale_memory(snap.observations, self.now(), policy)
        limit = _int(request.query_params.get("limit"), 100, 1, 100_000)
        longest = max(len(report.fading), len(report.superseded), len(report.expired))
        more = url("/stale", limit=longest) if longest > limit else None
        content = views.stale(report, limit, more, policy)
        return self.page("Needs review", content, section="stale")

    def review(self, request: Request) -> Response:
        snap = self.catalog.snapshot()
        pending = sorted(
            (o for o in snap.observations if o.pending), key=lambda o: (o.created, o.id)
        )
        content = review_views.review(pending, all_contradictions(snap.observations))
        return self.page("Review", content, section="review")

    def static_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.static:
            raise HTTPException(404, "No such file.")
        return Response(
            self.static[name],
            media_type=STATIC_TYPES[name],
            headers={"Cache-Control": "max-age=300"},
        )

    # --- errors ---------------------------------------------------------------------------------

    def http_error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "Unexpected error."
        if status == 404 and detail == "Not Found":
            detail = f"There is no page at {request.url.path}."
        return self.page("Error", views.error(status, detail), section="", status=status)

    def memgit_error(self, request: Request, exc: Exception) -> Response:
        return self.page("Error", views.error(500, str(exc)), section="", status=500)


def create_app(
    memory: Memory,
    *,
    port: int,
    catalog: Catalog | None = None,
    now: Callable[[], datetime] = utcnow,
) -> ASGIApp:
    """The viewer for ``memory``, answering only at ``http://127.0.0.1:<port>/``."""
    if catalog is None:
        catalog = for_memory(memory)
    viewer = Viewer(memory, catalog, now)
    routes = [
        Route("/", viewer.overview, methods=["GET"]),
        Route("/search", viewer.search, methods=["GET"]),
        Route("/m/{ident}", viewer.observation, methods=["GET"]),
        Route("/sessions", viewer.sessions, methods=["GET"]),
        Route("/sessions/{session:path}", viewer.session, methods=["GET"]),
        Route("/stale", viewer.stale, methods=["GET"]),
        Route("/review", viewer.review, methods=["GET"]),
        Route("/static/{name}", viewer.static_file, methods=["GET"]),
    ]
    handlers: dict[Any, Any] = {
        HTTPException: viewer.http_error,
        MemgitError: viewer.memgit_error,
        Exception: viewer.http_error,
    }
    return Guard(Starlette(routes=routes, exception_handlers=handlers), port)


def _choice(value: str, allowed: tuple[str, ...], default: str = "") -> str:
    return value if value in allowed else default


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(max(number, low), high)


def _query(form: views.SearchForm, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "q": form.q,
        "type": form.type,
        "status": form.status if form.status != "active" else "",
        "file": form.file,
        "since": form.since,
    }
    values.update(changes)
    return values
