"""The sessions pages as HTML: each session's summary (request, learned, completed, next steps)
with the observations it produced, newest first, one page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from memgit.overview import Page, SessionEntry
from memgit.web.html import Markup, fragment, join, url
from memgit.web.markdown import render_inline
from memgit.web.parts import observation_list, pager, when


def sessions(page: Page[SessionEntry]) -> Markup:
    if not page.items:
        body = Markup(
            '<p class="muted">No session summaries yet: memgit writes one when a Claude Code '
            "session ends.</p>"
        )
    else:
        body = join(session_block(entry, heading_link=True) for entry in page.items)
    return fragment(
        '<h1>Sessions</h1><p class="lede">$n session summaries, newest first.</p>$pager$body$pager',
        n=f"{page.total:,}",
        pager=pager("/sessions", page.number, page.pages, "← Newer", "Older →"),
        body=body,
    )


def session_block(entry: SessionEntry, *, heading_link: bool) -> Markup:
    summary = entry.summary
    title = (summary.title if summary else "") or entry.session
    heading = (
        fragment('<a href="$h">$t</a>', h=url(f"/sessions/{entry.session}"), t=title)
        if heading_link
        else title
    )
    meta: list[Markup | str] = []
    if summary:
        meta.append(fragment("$a \u2013 $b", a=when(summary.started), b=when(summary.ended)))
        if summary.branch:
            meta.append(fragment("branch <code>$b</code>", b=summary.branch))
        if summary.source:
            meta.append(summary.source)
    meta.append(fragment('<code class="id">$s</code>', s=entry.session))
    notes = Markup('<p class="muted">No summary was written for this session.</p>')
    if summary:
        notes = fragment(
            '<div class="notes">$request$learned$completed$next</div>',
            request=_note_text("Request", summary.request),
            learned=_note_list("Learned", summary.learned),
            completed=_note_list("Completed", summary.completed),
            next=_note_list("Next steps", summary.next_steps),
        )
    return fragment(
        '<article class="session"><header><h2>$heading</h2><p class="meta">$meta</p></header>'
        "$notes<h3>Observations ($n)</h3>$observations</article>",
        heading=heading,
        meta=join(meta, " · "),
        notes=notes,
        n=len(entry.observations),
        observations=observation_list(entry.observations, "No observations from this session."),
    )


def _note_text(label: str, text: str) -> Markup:
    if not text:
        return Markup("")
    return fragment("<section><h4>$l</h4><p>$t</p></section>", l=label, t=render_inline(text))


def _note_list(label: str, items: Sequence[str]) -> Markup:
    if not items:
        return Markup("")
    return fragment(
        "<section><h4>$l</h4><ul>$items</ul></section>",
        l=label,
        items=join(fragment("<li>$t</li>", t=render_inline(item)) for item in items),
    )
