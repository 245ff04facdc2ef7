"""Search, listing and timeline answered from the term index, with the filters of ``Filters``.

``memgit search``, ``list``, ``timeline``, the MCP tools and the viewer read the term index
(``termindex.py``) instead of opening Whoosh: the same BM25 ranking (``termindex.ranked``) and the
same narrowing (type, status, file, date range, branch, session), from fixed-width columns, so a
listing of the 20 most recent observations reads 20 records, not every document.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime

from memgit import termindex
from memgit.query import Filters, Hit, observation_from_stored
from memgit.termindex import TermIndex


def _stamp(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def matcher(index: TermIndex, filters: Filters) -> Callable[[int], bool]:
    """``allow(key)`` for the documents ``filters`` keeps."""
    tables = index.header["tables"]

    def codes(key: str, values: tuple[str, ...]) -> frozenset[int]:
        names = tables[key]
        return frozenset(names.index(v) for v in values if v in names)

    statuses = frozenset(filters.statuses)
    types = frozenset(filters.types)
    status_codes = codes("status", filters.statuses)
    type_codes = codes("type", filters.types)
    session_codes = codes("s", (filters.session,)) if filters.session else frozenset()
    branch_codes = codes("b", (filters.branch,)) if filters.branch else frozenset()
    since = _stamp(filters.since) if filters.since else None
    until = _stamp(filters.until) if filters.until else None
    path = filters.file.strip("/") if filters.file else None
    status_col = index.column("code_status", "I")
    type_col = index.column("code_type", "I")
    session_col = index.column("code_s", "I")
    branch_col = index.column("code_b", "I")
    updated_col = index.column("updated", "d")

    def on_file(files: list[str]) -> bool:
        return any(f == path or f.startswith(path + "/") for f in files) if path else True

    def allow(key: int) -> bool:
        if key < 0:
            record = index.get(key)
            stored = record["d"]
            updated = float(record["u"])
            if statuses and stored["status"] not in statuses:
                return False
            if types and stored["type"] not in types:
                return False
            if filters.session and stored.get("session") != filters.session:
                return False
            if filters.branch and stored.get("branch") != filters.branch:
                return False
        else:
            if statuses and status_col[key] not in status_codes:
                return False
            if types and type_col[key] not in type_codes:
                return False
            if filters.session and session_col[key] not in session_codes:
                return False
            if filters.branch and branch_col[key] not in branch_codes:
                return False
            updated = updated_col[key]
        if since is not None and updated < since:
            return False
        if until is not None and updated > until:
            return False
        return on_file(index.get(key)["d"]["files"]) if path else True

    return allow


def _hit(index: TermIndex, key: int, score: float) -> Hit:
    stored = index.get(key)["d"]
    return Hit(observation_from_stored(stored), stored["path"], score)


def search(index: TermIndex, text: str, filters: Filters, limit: int) -> list[Hit]:
    """Ranked hits, as ``MemoryIndex.search`` ranks them."""
    found = termindex.ranked(index, termindex.analyze(text), limit, matcher(index, filters))
    return [_hit(index, key, score) for key, score in found]


def candidates(index: TermIndex, filters: Filters) -> list[int]:
    """The keys of the documents ``filters`` keeps, base ones narrowed by column first."""
    tables = index.header["tables"]
    gone = index.gone
    base: Iterable[int] = range(index.count)
    if filters.statuses:
        wanted = {tables["status"].index(s) for s in filters.statuses if s in tables["status"]}
        column = index.column("code_status", "I")
        base = [k for k in base if column[k] in wanted]
    if filters.types:
        wanted = {tables["type"].index(t) for t in filters.types if t in tables["type"]}
        column = index.column("code_type", "I")
        base = [k for k in base if column[k] in wanted]
    keys = [k for k in base if k not in gone] if gone else list(base)
    keys += [-1 - i for i in range(len(index.delta_docs))]
    rest = replace(filters, statuses=(), types=())
    if rest == Filters(statuses=()):
        if index.delta_docs:
            allow = matcher(index, filters)
            keys = [k for k in keys if k >= 0 or allow(k)]
        return keys
    allow = matcher(index, filters)
    return [k for k in keys if allow(k)]


def listing(index: TermIndex, filters: Filters, limit: int | None) -> list[Hit]:
    """Observations matching ``filters``, most recently updated first."""
    updated = index.column("updated", "d")

    def when(key: int) -> float:
        return float(index.get(key)["u"]) if key < 0 else float(updated[key])

    keys = candidates(index, filters)
    if limit is None:
        chosen = sorted(keys, key=when, reverse=True)
    else:
        chosen = heapq.nlargest(limit, keys, key=when)
    return [_hit(index, key, 0.0) for key in chosen]


def by_creation(index: TermIndex, filters: Filters) -> list[tuple[float, int]]:
    """``(created, key)`` of the documents ``filters`` keeps, oldest first."""
    created = index.column("created", "d")
    rows = [
        (float(index.get(key)["c"]) if key < 0 else created[key], key)
        for key in candidates(index, filters)
    ]
    rows.sort()
    return rows


def creation_slice(
    index: TermIndex, rows: list[tuple[float, int]], start: int, stop: int
) -> list[Hit]:
    """``rows[start:stop]`` in the order of (created, id), reading ids only where times tie."""
    start, stop = max(0, start), min(len(rows), stop)
    if start >= stop:
        return []
    low, high = start, stop
    while low > 0 and rows[low - 1][0] == rows[start][0]:
        low -= 1
    while high < len(rows) and rows[high][0] == rows[stop - 1][0]:
        high += 1
    region = sorted(rows[low:high], key=lambda row: (row[0], index.id_of(row[1])))
    return [_hit(index, key, 0.0) for _, key in region[start - low : stop - low]]


def position_of(index: TermIndex, rows: list[tuple[float, int]], ident: str, created: float) -> int:
    """Where the observation ``ident`` (created at ``created``) is in the (created, id) order."""
    import bisect

    first = bisect.bisect_left(rows, (created, -(1 << 62)))
    last = bisect.bisect_right(rows, (created, 1 << 62))
    ties = sorted(index.id_of(key) for _, key in rows[first:last])
    if ident not in ties:
        raise KeyError(ident)
    return first + ties.index(ident)
