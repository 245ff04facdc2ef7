"""The viewer's pages as HTML: each function takes values computed by the core and returns markup.

No page decides anything about memory here; they only lay out what ``overview``, ``staleness``,
the catalog and the search index returned. Every piece of observation text goes through
``html.escape`` (or the markdown renderer, which escapes it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from memgit.config import LifecycleConfig
from memgit.model import STATUSES, TYPES, Observation
from memgit.overview import Chain, Counts, GrowthPoint, Link
from memgit.query import Hit
from memgit.sessions import SessionSummary
from memgit.staleness import StaleMemory
from memgit.store import Problem
from memgit.web.chart import bar, growth_chart
from memgit.web.html import Markup, fragment, join, render, template, url
from memgit.web.markdown import render_inline, render_markdown
from memgit.web.parts import (
    day,
    observation_link,
    observation_list,
    observation_row,
    status_badge,
    type_badge,
    when,
)

# --- overview ------------------------------------------------------------------------------------


def overview(
    counts: Counts,
    points: Sequence[GrowthPoint],
    recent: Sequence[Observation],
    stale: StaleMemory,
    sessions: Sequence[SessionSummary],
    session_total: int,
    problems: Sequence[Problem],
) -> Markup:
    statuses = dict(counts.by_status)
    cards = [
        _card(counts.total, "observations", url("/search", status="all")),
        _card(statuses.get("active", 0), "active", url("/search")),
        _card(statuses.get("pending", 0), "pending review", "/review"),
        _card(statuses.get("superseded", 0), "superseded", url("/search", status="superseded")),
        _card(statuses.get("expired", 0), "expired", url("/search", status="expired")),
        _card(session_total, "sessions", "/sessions"),
    ]
    largest = max((n for _, n in counts.by_type), default=0)
    rows = [
        fragment(
            '<tr><th scope="row"><a href="$href">$badge</a></th>$cells'
            '<td class="num">$total</td><td class="bar-cell">$bar</td></tr>',
            href=url("/search", type=kind, status="all"),
            badge=type_badge(kind),
            cells=join(
                fragment(
                    '<td class="num"><a href="$h">$n</a></td>',
                    h=url("/search", type=kind, status=status),
                    n=counts.cell(kind, status),
                )
                if counts.cell(kind, status)
                else fragment('<td class="num muted">0</td>')
                for status in STATUSES
            ),
            total=total,
            bar=bar(total, largest),
        )
        for kind, total in counts.by_type
    ]
    review = fragment(
        '<ul class="plain">'
        '<li><a href="/stale#fading">$fading fading</a> ephemeral observations</li>'
        '<li><a href="/stale#superseded">$superseded superseded</a></li>'
        '<li><a href="/stale#expired">$expired expired</a></li></ul>',
        fading=len(stale.fading),
        superseded=len(stale.superseded),
        expired=len(stale.expired),
    )
    if problems:
        review = fragment(
            '$review<p class="warn">$n memory files could not be read:</p><ul class="problems">'
            "$items</ul>",
            review=review,
            n=len(problems),
            items=join(
                fragment("<li><code>$p</code>: $m</li>", p=p.path, m=p.message)
                for p in problems[:20]
            ),
        )
    latest = [
        fragment(
            '<li class="row"><a class="title" href="$href">$title</a>'
            '<span class="meta">$count observations · $date</span></li>',
            href=url(f"/sessions/{s.session}"),
            title=s.title or s.session,
            count=len(s.observations),
            date=day(s.started),
        )
        for s in sessions
    ]
    return render(
        template("overview.html"),
        cards=join(cards),
        chart=growth_chart(points),
        status_heads=join(fragment('<th scope="col" class="num">$s</th>', s=s) for s in STATUSES),
        type_rows=join(rows),
        review=review,
        recent=join(observation_row(o, note=_change(o)) for o in recent)
        if recent
        else Markup('<li class="muted">No memory yet.</li>'),
        sessions=join(latest) if latest else Markup('<li class="muted">No sessions yet.</li>'),
    )


def _card(value: int, label: str, href: str) -> Markup:
    return fragment(
        '<a class="card" href="$href"><span class="value">$value</span>'
        '<span class="label">$label</span></a>',
        href=href,
        value=f"{value:,}",
        label=label,
    )


def _change(obs: Observation) -> str:
    if obs.status != "active":
        return ""
    return "new" if obs.updated == obs.created else "edited"


# --- search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchForm:
    """The search form as the user filled it in (text, echoed back escaped)."""

    q: str = ""
    type: str = ""
    status: str = "active"
    file: str = ""
    since: str = ""
    limit: int = 50


def search(form: SearchForm, hits: Sequence[Hit] | None, error: str, more: str | None) -> Markup:
    type_options = join(
        _option(value, label, form.type)
        for value, label in (("", "any type"), *((t, t) for t in TYPES))
    )
    status_options = join(
        _option(value, label, form.status)
        for value, label in (*((s, s) for s in STATUSES), ("all", "any status"))
    )
    if error:
        results = fragment('<p class="error" role="alert">$e</p>', e=error)
    elif hits is None:
        results = Markup("")
    elif not hits:
        results = Markup('<p class="muted">No matching memory.</p>')
    else:
        what = "results" if form.q else "observations, most recently updated first"
        results = fragment(
            '<p class="count">$n $what</p><ol class="rows results">$rows</ol>$more',
            n=len(hits),
            what=what,
            rows=join(observation_row(h.observation, score=h.score or None) for h in hits),
            more=fragment('<p><a class="more" href="$h">Show more</a></p>', h=more) if more else "",
        )
    return render(
        template("search.html"),
        q=form.q,
        type_options=type_options,
        status_options=status_options,
        file=form.file,
        since=form.since,
        results=results,
    )


def _option(value: str, label: str, selected: str) -> Markup:
    return fragment(
        '<option value="$v"$sel>$label</option>',
        v=value,
        label=label,
        sel=Markup(" selected" if value == selected else ""),
    )


# --- one observation -----------------------------------------------------------------------------


def observation(
    obs: Observation,
    path: str,
    chain: Chain,
    confidence_now: float,
    session: SessionSummary | None,
    review_notice: Markup | None = None,
) -> Markup:
    notice = Markup("")
    if chain.newer:
        notice = fragment(
            '<p class="notice">This observation was $status; the current one is $link.</p>',
            status=obs.status,
            link=_link(chain.newer[-1]),
        )
    elif obs.status not in ("active", "pending"):
        reason = f" ({obs.reason})" if obs.reason else ""
        notice = fragment('<p class="notice">This observation is $s$r.</p>', s=obs.status, r=reason)
    if review_notice:
        notice = join([notice, review_notice])
    confidence = f"{obs.confidence:.2f}"
    if abs(confidence_now - obs.confidence) >= 0.005:
        confidence += f" when written, {confidence_now:.2f} now (decays with age)"
    facts: list[tuple[str, Markup | str]] = [
        ("id", fragment("<code>[m:$i]</code>", i=obs.id)),
        ("type", type_badge(obs.type)),
        ("status", obs.status),
        ("confidence", confidence),
        ("created", when(obs.created)),
        ("updated", when(obs.updated)),
    ]
    if obs.session:
        label = session.title if session and session.title else obs.session
        facts.append(
            ("session", fragment('<a href="$h">$t</a>', h=url(f"/sessions/{obs.session}"), t=label))
        )
    facts.extend(
        (name, fragment("<code>$v</code>", v=value))
        for name, value in (("branch", obs.branch), ("commit", obs.commit))
        if value
    )
    if obs.source:
        facts.append(("source", obs.source))
    facts.append(("file", fragment("<code>$p</code>", p=path)))
    facts.extend((str(key), str(value)) for key, value in obs.extra)
    files = (
        fragment(
            '<ul class="files">$items</ul>',
            items=join(
                fragment(
                    '<li><a href="$h"><code>$f</code></a></li>',
                    h=url("/search", file=f, status="all"),
                    f=f,
                )
                for f in obs.files
            ),
        )
        if obs.files
        else Markup('<p class="muted">No files.</p>')
    )
    tags = join(
        fragment('<a class="tag" href="$h">$t</a>', h=url("/search", q=t, status="all"), t=t)
        for t in obs.tags
    )
    return render(
        template("observation.html"),
        type=type_badge(obs.type),
        status=status_badge(obs.status),
        ident=obs.id,
        title=render_inline(obs.title),
        notice=notice,
        body=render_markdown(obs.body) if obs.body else Markup('<p class="muted">No body.</p>'),
        facts=join(fragment("<dt>$k</dt><dd>$v</dd>", k=k, v=v) for k, v in facts),
        files=files,
        tags=fragment('<h2>Tags</h2><p class="tags">$t</p>', t=tags) if obs.tags else "",
        chain=_chain(chain),
    )


def _link(link: Link) -> Markup:
    if link.observation is None:
        return fragment(
            '<code>[m:$i]</code> <span class="muted">(no longer in memory)</span>', i=link.id
        )
    return fragment(
        '<a href="$h"><code>$i</code> $t</a>$s',
        h=observation_link(link.id),
        i=link.id,
        t=render_inline(link.observation.title),
        s=status_badge(link.observation.status),
    )


def _chain(chain: Chain) -> Markup:
    if not chain.older and not chain.newer:
        return Markup('<p class="muted">Neither replaces nor was replaced by other memory.</p>')
    parts = []
    if chain.newer:
        parts.append(
            fragment(
                '<h3>Replaced by</h3><ol class="chain">$items</ol>',
                items=join(fragment("<li>$l</li>", l=_link(link)) for link in chain.newer),
            )
        )
    if chain.older:
        parts.append(
            fragment(
                '<h3>Replaces</h3><ol class="chain">$items</ol>',
                items=join(fragment("<li>$l</li>", l=_link(link)) for link in chain.older),
            )
        )
    return join(parts)


# --- needs review --------------------------------------------------------------------------------


def stale(report: StaleMemory, limit: int, more: str | None, policy: LifecycleConfig) -> Markup:
    fading_rows = [
        fragment(
            '<li class="row"><code class="id">$i</code>$type<a class="title" href="$h">$t</a>'
            '<span class="note$warn">$c$expires</span><span class="meta">$d</span></li>',
            i=f.observation.id,
            type=type_badge(f.observation.type),
            h=observation_link(f.observation.id),
            t=render_inline(f.observation.title),
            warn=" warn" if f.expires else "",
            c=f"confidence {f.confidence:.3f}",
            expires=" · next gc expires it" if f.expires else "",
            d=day(f.observation.updated),
        )
        for f in report.fading[:limit]
    ]
    superseded_rows = [
        observation_row(
            o,
            note=fragment("by $l", l=_link_id(o.superseded_by)) if o.superseded_by else "",
        )
        for o in report.superseded[:limit]
    ]
    return render(
        template("stale.html"),
        fading_n=len(report.fading),
        superseded_n=len(report.superseded),
        expired_n=len(report.expired),
        expire_below=f"{policy.expire_below:g}",
        ephemeral=" and ".join(policy.ephemeral_types) or "ephemeral",
        half_life=f"{policy.half_life_days:g}",
        fading=fragment('<ul class="rows">$r</ul>', r=join(fading_rows))
        if fading_rows
        else Markup('<p class="muted">Nothing is fading.</p>'),
        superseded=fragment('<ul class="rows">$r</ul>', r=join(superseded_rows))
        if superseded_rows
        else Markup('<p class="muted">Nothing was superseded.</p>'),
        expired=observation_list(report.expired[:limit], "Nothing has expired."),
        more=fragment('<p><a class="more" href="$h">Show all</a></p>', h=more) if more else "",
    )


def _link_id(ident: str) -> Markup:
    return fragment('<a href="$h"><code>$i</code></a>', h=observation_link(ident), i=ident)


# --- errors --------------------------------------------------------------------------------------


def error(status: int, message: str) -> Markup:
    titles = {400: "Bad request", 404: "Not found", 500: "Something went wrong"}
    return fragment(
        '<h1>$title</h1><p class="error">$message</p><p><a href="/">Back to the overview</a></p>',
        title=titles.get(status, f"Error {status}"),
        message=message,
    )
