"""The viewer's review page: pending memory and contradictions, with the commands that act on them.

The viewer stays read-only: it shows the ``memgit`` command for each action (accept, reject,
edit, forget), ready to copy into a terminal, and never changes a file itself.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from memgit.contradictions import Contradiction
from memgit.model import Observation
from memgit.web.html import Markup, fragment, join, render, template
from memgit.web.markdown import render_inline
from memgit.web.parts import observation_link, observation_row


def command(text: str) -> Markup:
    """A command to copy (the page's script copies ``data-copy`` on click)."""
    return fragment('<code class="cmd" data-copy="$c" title="copy">$c</code>', c=text)


def pending_actions(obs: Observation) -> Markup:
    return fragment(
        '<span class="actions">$accept $reject $edit</span>',
        accept=command(f"memgit review --accept {obs.id}"),
        reject=command(f"memgit review --reject {obs.id}"),
        edit=command(f"memgit edit {obs.id}"),
    )


def forget_command(obs: Observation) -> Markup:
    """How to drop ``obs``: reject it while it is pending, forget it (with a reason) after."""
    if obs.pending:
        return command(f"memgit review --reject {obs.id}")
    return command(f"memgit forget {obs.id} --reason {shlex.quote('…why it no longer holds')}")


def contradiction_item(pair: Contradiction) -> Markup:
    return fragment(
        '<li class="pair"><p class="why">$rule: $detail</p><ul class="rows">$new$old</ul>'
        '<p class="muted">Keep the one that holds: $forget_old or $forget_new</p></li>',
        rule=pair.rule,
        detail=pair.detail,
        new=observation_row(pair.new),
        old=observation_row(pair.old),
        forget_old=forget_command(pair.old),
        forget_new=forget_command(pair.new),
    )


def review(pending: Sequence[Observation], pairs: Sequence[Contradiction]) -> Markup:
    waiting = (
        fragment(
            '<ul class="rows">$rows</ul>',
            rows=join(observation_row(o, note=pending_actions(o)) for o in pending),
        )
        if pending
        else Markup('<p class="muted">No memory waits for review.</p>')
    )
    conflicts = (
        fragment('<ol class="pairs">$items</ol>', items=join(contradiction_item(p) for p in pairs))
        if pairs
        else Markup('<p class="muted">No two active observations disagree.</p>')
    )
    return render(
        template("review.html"),
        pending_n=len(pending),
        pairs_n=len(pairs),
        pending=waiting,
        pairs=conflicts,
        walk=command("memgit review"),
    )


def observation_notice(obs: Observation, pairs: Sequence[Contradiction]) -> Markup:
    """What the observation page says above the body for pending or contradicted memory."""
    parts: list[Markup] = []
    if obs.pending:
        parts.append(
            fragment(
                '<p class="notice">Pending review: searchable, but kept out of CLAUDE.md and '
                "the session context until accepted. $actions</p>",
                actions=pending_actions(obs),
            )
        )
    for pair in pairs:
        other = pair.other(obs.id)
        parts.append(
            fragment(
                '<p class="notice warn">Disagrees with <a href="$href"><code>$id</code> '
                "$title</a> ($rule: $detail). Keep the one that holds: $forget</p>",
                href=observation_link(other.id),
                id=other.id,
                title=render_inline(other.title),
                rule=pair.rule,
                detail=pair.detail,
                forget=forget_command(other),
            )
        )
    return join(parts)
