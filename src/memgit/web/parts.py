"""Pieces every page shares: the layout, observation rows, badges, dates and pagination links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from memgit import __version__
from memgit.model import Observation
from memgit.web.html import Markup, fragment, join, render, template, url
from memgit.web.markdown import render_inline

NAV = (("overview", "/", "Overview"), ("search", "/search", "Search"))
NAV_MORE = (
    ("sessions", "/sessions", "Sessions"),
    ("review", "/review", "Review"),
    ("stale", "/stale", "Needs review"),
)


@dataclass(frozen=True)
class Site:
    """What the layout shows about the repository being viewed."""

    repo: str
    root: str


def layout(site: Site, title: str, content: Markup, *, section: str, query: str = "") -> Markup:
    links = [
        fragment(
            '<a href="$href"$current>$label</a>',
            href=href,
            label=label,
            current=Markup(' aria-current="page"' if name == section else ""),
        )
        for name, href, label in (*NAV, *NAV_MORE)
    ]
    return render(
        template("base.html"),
        title=title,
        repo=site.repo,
        root=site.root,
        nav=join(links),
        query=query,
        content=content,
        version=__version__,
    )


def when(moment: datetime) -> Markup:
    """A UTC date and time, with the exact instant for machines (and the tooltip)."""
    utc = moment.astimezone(UTC)
    return fragment(
        '<time datetime="$iso" title="$iso">$text</time>',
        iso=utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        text=utc.strftime("%Y-%m-%d %H:%M UTC"),
    )


def day(moment: datetime) -> Markup:
    utc = moment.astimezone(UTC)
    return fragment(
        '<time datetime="$iso" title="$iso">$text</time>',
        iso=utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        text=utc.strftime("%Y-%m-%d"),
    )


def type_badge(kind: str) -> Markup:
    css = kind if kind.isalpha() else "other"
    return fragment('<span class="badge t-$css">$kind</span>', css=css, kind=kind)


def status_badge(status: str) -> Markup:
    if status == "active":
        return Markup("")
    css = status if status.isalpha() else "other"
    return fragment('<span class="badge s-$css">$status</span>', css=css, status=status)


def observation_link(ident: str) -> str:
    return url(f"/m/{ident}")


def observation_row(
    obs: Observation, *, score: float | None = None, note: Markup | str = ""
) -> Markup:
    """One line of a list: id, type, date, title (a link), and status when not active."""
    return fragment(
        '<li class="row"><code class="id">$ident</code>$type'
        '<a class="title" href="$href">$title</a>$status$note'
        '<span class="meta">$score$date</span></li>',
        ident=obs.id,
        type=type_badge(obs.type),
        href=observation_link(obs.id),
        title=render_inline(obs.title),
        status=status_badge(obs.status),
        note=fragment('<span class="note">$note</span>', note=note) if note else "",
        score=fragment('<span class="score" title="relevance">$s</span> ', s=f"{score:.2f}")
        if score
        else "",
        date=day(obs.updated),
    )


def observation_list(observations: Iterable[Observation], empty: str, css: str = "rows") -> Markup:
    rows = [observation_row(obs) for obs in observations]
    if not rows:
        return fragment('<p class="muted">$empty</p>', empty=empty)
    return fragment('<ul class="$css">$rows</ul>', css=css, rows=join(rows))


def pager(path: str, number: int, pages: int, newer: str, older: str, **query: object) -> Markup:
    """Previous/next links; the page number is the ``page`` query parameter."""
    if pages <= 1:
        return Markup("")
    previous = (
        fragment('<a rel="prev" href="$h">$t</a>', h=url(path, page=number - 1, **query), t=newer)
        if number > 1
        else fragment('<span class="muted">$t</span>', t=newer)
    )
    following = (
        fragment('<a rel="next" href="$h">$t</a>', h=url(path, page=number + 1, **query), t=older)
        if number < pages
        else fragment('<span class="muted">$t</span>', t=older)
    )
    return fragment(
        '<nav class="pager" aria-label="pages">$prev<span>page $n of $total</span>$next</nav>',
        prev=previous,
        next=following,
        n=number,
        total=pages,
    )
