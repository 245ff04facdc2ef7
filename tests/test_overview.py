from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from memgit.model import Observation, new_observation
from memgit.overview import (
    count,
    growth,
    paginate,
    recent,
    session_entries,
    session_page,
    supersession_chain,
)
from memgit.sessions import SessionSummary

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def obs(ident: str, day: float, kind: str = "decision", **fields: object) -> Observation:
    return new_observation(
        kind, f"Note {ident}", now=T0 + timedelta(days=day), ident=ident, **fields
    )


def test_count_lists_every_type_and_status_in_order() -> None:
    items = [
        obs("aaaa", 0),
        obs("bbbb", 1, "gotcha"),
        obs("cccc", 2, "gotcha", status="superseded"),
        obs("dddd", 3, "progress", status="expired"),
    ]
    counts = count(items)
    assert counts.total == 4
    assert counts.by_type[:4] == (
        ("architecture", 0),
        ("decision", 1),
        ("pattern", 0),
        ("gotcha", 2),
    )
    assert dict(counts.by_status) == {"active": 2, "pending": 0, "superseded": 1, "expired": 1}
    assert counts.cell("gotcha", "superseded") == 1
    assert counts.cell("pattern", "active") == 0
    assert count([]).total == 0


def test_growth_counts_written_and_active_memory_over_time() -> None:
    first = obs("aaaa", 0)
    second = obs("bbbb", 10)
    gone = replace(obs("cccc", 2), status="expired", updated=T0 + timedelta(days=5))
    points = growth([first, second, gone], now=T0 + timedelta(days=20), points=21)
    assert len(points) == 21
    by_day = {(p.moment - T0).days: (p.total, p.active) for p in points}
    assert by_day[0] == (1, 1)
    assert by_day[3] == (2, 2)
    assert by_day[6] == (2, 1)  # expired on day 5
    assert by_day[20] == (3, 2)
    assert points[-1].moment == T0 + timedelta(days=20)
    assert all(a.total <= b.total for a, b in itertools.pairwise(points))
    assert growth([], now=T0) == ()
    (single,) = growth([first], now=T0)
    assert (single.total, single.active) == (1, 1)


def test_recent_is_by_last_change() -> None:
    edited = replace(obs("aaaa", 0), updated=T0 + timedelta(days=9))
    items = [edited, obs("bbbb", 5), obs("cccc", 1)]
    assert [o.id for o in recent(items, 2)] == ["aaaa", "bbbb"]


def test_supersession_chain_follows_both_directions_and_either_file() -> None:
    a = obs("aaaa", 0, status="superseded", superseded_by="bbbb")
    b = obs("bbbb", 1, supersedes=("aaaa",), status="superseded", superseded_by="cccc")
    c = obs("cccc", 2, supersedes=("bbbb",))
    d = obs("dddd", 3, supersedes=("cccc",))  # only the new file knows
    pruned = obs("eeee", 4, supersedes=("gone1234",))
    everything = [a, b, c, d, pruned]
    chain = supersession_chain(b, everything)
    assert [link.id for link in chain.older] == ["aaaa"]
    assert [link.id for link in chain.newer] == ["cccc", "dddd"]
    assert supersession_chain(d, everything).older[-1].observation == a
    (missing,) = supersession_chain(pruned, everything).older
    assert (missing.id, missing.observation) == ("gone1234", None)
    loop_a = obs("ffff", 0, supersedes=("gggg",), superseded_by="gggg")
    loop_b = obs("gggg", 1, supersedes=("ffff",), superseded_by="ffff")
    chain = supersession_chain(loop_a, [loop_a, loop_b])
    assert [link.id for link in chain.older] == ["gggg"]
    assert [link.id for link in chain.newer] == ["gggg"]


def test_paginate_clamps_the_page_number() -> None:
    page = paginate(list(range(25)), 3, 10)
    assert (page.items, page.number, page.pages, page.total) == ((20, 21, 22, 23, 24), 3, 3, 25)
    assert paginate(list(range(25)), 99, 10).number == 3
    assert paginate(list(range(25)), 0, 10).items[0] == 0
    assert paginate([], 1, 10).pages == 1


def summary(session: str, day: int, ids: tuple[str, ...] = ()) -> SessionSummary:
    start = T0 + timedelta(days=day)
    return SessionSummary(
        session, f"Session {session}", start, start + timedelta(hours=1), observations=ids
    )


def test_session_page_is_newest_first_with_each_sessions_observations() -> None:
    sessions = [summary(f"s{n}", n) for n in range(5)]
    sessions[1] = summary("s1", 1, ids=("listed1",))
    items = [
        obs("late0001", 1.5, session="s1"),
        obs("early001", 1.2, session="s1"),
        obs("listed1", 1.1),  # no session field, but the summary lists it
        obs("other001", 3.1, session="s3"),
    ]
    page = session_page(sessions, items, 2, per_page=2)
    assert (page.number, page.pages, page.total) == (2, 3, 5)
    assert [e.session for e in page.items] == ["s2", "s1"]
    s1 = page.items[1]
    assert s1.summary == sessions[1]
    assert [o.id for o in s1.observations] == ["listed1", "early001", "late0001"]
    assert page.items[0].observations == ()


def test_session_entries_include_sessions_without_a_summary() -> None:
    items = [obs("aaaa", 0, session="lonely"), obs("bbbb", 1, session="s1")]
    entries = session_entries([summary("s1", 0)], items)
    assert entries["lonely"].summary is None
    assert [o.id for o in entries["lonely"].observations] == ["aaaa"]
    assert set(session_entries([summary("s1", 0)], items, only={"s1"})) == {"s1"}
