"""Search, listing and timeline answered from the term index, with the filters of ``Filters``.

``memgit search``, ``list``, ``timeline``, the MCP tools and the viewer read the term index
(``termindex.py``) instead of opening Whoosh: the same BM25 ranking (``termindex.ranked``) and the
same narrowing (type, status, file, date range, branch, session), from fixed-width columns, so a
listing of the 20 most recent observations reads 20 records, not every document.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

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


#: How deep each ranking goes into the fusion.
FUSE_DEPTH = 50
#: Reciprocal rank fusion's constant: a document's fused score is the sum over the rankings it is
#: in of ``weight / (RRF_K + rank)``.
RRF_K = 60
LEXICAL_WEIGHT = 1.0
VECTOR_WEIGHT = 2.0
#: Cosine similarity below which the vector ranking does not vouch for a document (a query about
#: something memory does not hold should find nothing, not its nearest neighbours).
VECTOR_FLOOR = 0.3
#: Below this many stored vectors their mean says little about the project: vectors then only
#: re-rank what the words found, and bring in nothing on their own.
MIN_VECTOR_DOCS = 100
#: ``MEMGIT_SEMANTIC=off`` searches by words alone (benchmarks compare both).
SWITCH = "MEMGIT_SEMANTIC"


def semantic_enabled(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(SWITCH, "")
    return value.strip().lower() not in ("0", "off", "false", "no")


def search(
    index: TermIndex, text: str, filters: Filters, limit: int, *, semantic: bool | None = None
) -> list[Hit]:
    """Ranked hits: BM25 (as ``MemoryIndex.search`` ranks), fused with vector similarity by
    reciprocal rank fusion when the index holds vectors of the installed model."""
    allow = matcher(index, filters)
    depth = max(limit, FUSE_DEPTH)
    lexical = termindex.ranked(index, termindex.analyze(text), depth, allow)
    model = _model(index) if (semantic_enabled() if semantic is None else semantic) else None
    if model is None:
        return [_hit(index, key, score) for key, score in lexical[:limit]]
    nearest = nearest_keys(index, model, text, depth, allow)
    if index.count < MIN_VECTOR_DOCS:
        found = {key for key, _ in lexical}
        nearest = [key for key in nearest if key in found]
    fused: dict[int, float] = {}
    for weight, ranking in ((LEXICAL_WEIGHT, [k for k, _ in lexical]), (VECTOR_WEIGHT, nearest)):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (RRF_K + rank)
    best = sorted(fused.items(), key=lambda item: (-item[1], index.id_of(item[0])))[:limit]
    return [_hit(index, key, round(score * RRF_K, 4)) for key, score in best]


def _model(index: TermIndex) -> Any:
    from memgit import embeddings

    if index.vector_model != embeddings.MODEL_ID:
        return None
    return embeddings.load()


def nearest_keys(
    index: TermIndex, model: Any, text: str, depth: int, allow: Callable[[int], bool]
) -> list[int]:
    """Keys of the documents most similar to ``text`` (at least ``VECTOR_FLOOR``), best first."""
    import numpy as np

    from memgit import embeddings

    query = model.embed([text])[0]
    if not query.any():
        return []
    # Centred cosine: the mean of the stored vectors (what every memory of this project has in
    # common) is taken out of both sides, so similarity reflects what a text is about.
    mean = np.asarray(index.header.get("vector_mean") or np.zeros(query.shape), dtype=np.float32)
    query = query - mean
    query /= float(np.linalg.norm(query)) or 1.0
    offset = float(mean @ query)
    mean_norm = float(mean @ mean)
    rows = index.vector_rows()
    sims = np.empty(index.count, dtype=np.float32)
    step = 16384
    both = np.stack([query, mean], axis=1)
    for begin in range(0, index.count, step):
        part = rows[begin : begin + step].astype(np.float32) @ both
        norms = np.sqrt(np.maximum(1.0 - 2.0 * part[:, 1] + mean_norm, 1e-6))
        sims[begin : begin + step] = (part[:, 0] - offset) / norms
    del rows
    if index.gone:
        sims[np.fromiter(index.gone, dtype=np.int64)] = -1.0
    scored: list[tuple[float, int]] = []
    if index.count:
        take = min(index.count, depth * 4)
        top = np.argpartition(-sims, take - 1)[:take]
        scored = [(float(sims[i]), int(i)) for i in top]
    for position, record in enumerate(index.delta_docs):
        if record.get("vm") == embeddings.MODEL_ID and isinstance(record.get("v"), str):
            vector = embeddings.decode(record["v"]).astype(np.float32) - mean
            norm = float(np.linalg.norm(vector)) or 1.0
            scored.append((float(vector @ query) / norm, -1 - position))
    scored.sort(key=lambda item: -item[0])
    found = []
    for similarity, key in scored:
        if similarity < VECTOR_FLOOR:
            break
        if allow(key):
            found.append(key)
            if len(found) == depth:
                break
    return found


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
