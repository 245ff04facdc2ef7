"""Search, listing and timeline answered from the term index, with the filters of ``Filters``.

``memgit search``, ``list``, ``timeline``, the MCP tools and the viewer read the term index
(``termindex.py``) instead of opening Whoosh: the same BM25 ranking (``termindex.ranked``) and the
same narrowing (type, status, file, date range, branch, session), from fixed-width columns, so a
listing of the 20 most recent observations reads 20 records, not every document.
"""

from __future__ import annotations

import heapq
import math
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
#: ``MEMGIT_SEMANTIC=off`` searches by words alone, ``always`` fuses every search (benchmarks
#: compare the modes); unset, vectors are consulted only when the words found too little.
SWITCH = "MEMGIT_SEMANTIC"
#: The words found enough when the best hit by words holds at least this share of the query's
#: weight (each distinct term weighted by its inverse document frequency; a term no memory holds
#: weighs most). Then the fusion would only reorder hits that already answer every important word
#: of the question, and it is skipped: no numpy, no tokenizer, no vectors read.
WORDS_ENOUGH = 0.75
#: Words that make a sentence a question and say nothing of its subject: they count neither for
#: nor against the words' coverage (memories seldom contain them, so they would weigh most).
QUESTION_WORDS = (
    "how what why where which who whom whose do does did done should would could must "
    "i me my mine our ours they their there here get got way"
)


def semantic_mode(environ: Mapping[str, str] | None = None) -> str:
    """``off``, ``always`` or ``auto`` (the default) from ``MEMGIT_SEMANTIC``."""
    value = (os.environ if environ is None else environ).get(SWITCH, "").strip().lower()
    if value in ("0", "off", "false", "no"):
        return "off"
    return "always" if value in ("always", "1", "on", "true", "yes") else "auto"


_question_terms: frozenset[str] | None = None


def words_suffice(index: TermIndex, terms: list[str], lexical: list[tuple[int, float]]) -> bool:
    """True when the best hit by words holds ``WORDS_ENOUGH`` of the query's weight."""
    global _question_terms
    if _question_terms is None:
        _question_terms = frozenset(termindex.analyze(QUESTION_WORDS))
    if not lexical:
        return False
    top = lexical[0][0]
    delta = index.delta_docs
    total = index.count + len(delta)
    have = want = 0.0
    for term in dict.fromkeys(terms):
        if term in _question_terms:
            continue
        docs, _ = index.postings(term)
        df = len(docs) + sum(1 for record in delta if term in record["t"])
        weight = math.log((total + 1) / (df + 1)) + 1
        want += weight
        if (term in delta[-1 - top]["t"]) if top < 0 else (top in docs):
            have += weight
    return want > 0 and have >= WORDS_ENOUGH * want


def search(
    index: TermIndex,
    text: str,
    filters: Filters,
    limit: int,
    *,
    semantic: bool | None = None,
    cache: str | None = None,
) -> list[Hit]:
    """Ranked hits: BM25 (as ``MemoryIndex.search`` ranks), fused with vector similarity by
    reciprocal rank fusion when the index holds vectors of the installed model and the words
    alone found too little (``words_suffice``; ``MEMGIT_SEMANTIC=always`` fuses every search,
    ``off`` or ``semantic=False`` none). ``cache`` is where the query encoder keeps its token
    table (the index's state folder); without it, words alone."""
    allow = matcher(index, filters)
    depth = max(limit, FUSE_DEPTH)
    terms = termindex.analyze(text)
    lexical = termindex.ranked(index, terms, depth, allow)
    mode = semantic_mode()
    if semantic is not None:  # an explicit choice overrides the environment's off
        mode = "off" if not semantic else ("always" if mode == "always" else "auto")
    if mode == "off" or index.vector_model is None:
        return [_hit(index, key, score) for key, score in lexical[:limit]]
    if mode == "auto" and words_suffice(index, terms, lexical):
        return [_hit(index, key, score) for key, score in lexical[:limit]]
    encoder = _encoder(index, cache)
    if encoder is None:
        return [_hit(index, key, score) for key, score in lexical[:limit]]
    nearest = nearest_keys(index, encoder, text, depth, allow)
    if index.count < MIN_VECTOR_DOCS:
        found = {key for key, _ in lexical}
        nearest = [key for key in nearest if key in found]
    fused: dict[int, float] = {}
    for weight, ranking in ((LEXICAL_WEIGHT, [k for k, _ in lexical]), (VECTOR_WEIGHT, nearest)):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (RRF_K + rank)
    best = sorted(fused.items(), key=lambda item: (-item[1], index.id_of(item[0])))[:limit]
    return [_hit(index, key, round(score * RRF_K, 4)) for key, score in best]


def _encoder(index: TermIndex, cache: str | None) -> Any:
    """The query encoder for the index's vectors, or None (another model, or none installed)."""
    from memgit import embeddings

    if index.vector_model != embeddings.MODEL_ID or not cache:
        return None
    try:
        return embeddings.QueryEncoder.open(cache)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged model file: the search goes on by words, as without the model


#: How many of the nearest sign codes per wanted document get their exact similarity computed.
CODE_SHORTLIST = 16


def _shortlist(index: TermIndex, centred: list[float], take: int) -> Iterable[int]:
    """The base documents whose sign codes are nearest the query's (by their vectors when the
    index was written before codes were kept)."""
    import sys
    from collections import Counter
    from itertools import compress
    from operator import add

    codes = index.vector_codes()
    if take >= index.count:
        return range(index.count)
    width = len(codes) // index.count if codes is not None else 0
    if codes is None or not width or width % 8:
        return _shortlist_by_numpy(index, centred, take)
    target = sum(1 << i for i, x in enumerate(centred) if x > 0).to_bytes(width, "little")
    words = codes.cast("Q") if len(codes) % 8 == 0 else memoryview(bytes(codes)).cast("Q")
    step = width // 8
    distance: Any = None
    for part in range(step):  # one 64-bit word of every code at a time, all in C loops
        mask = int.from_bytes(target[part * 8 : part * 8 + 8], sys.byteorder)  # as cast reads
        bits = map(int.bit_count, map(mask.__xor__, words[part::step]))
        distance = list(bits) if distance is None else list(map(add, distance, bits))
    counts = Counter(distance)
    edge, kept = 0, 0
    for edge in sorted(counts):  # the smallest distance that keeps ``take`` (ties all kept)
        kept += counts[edge]
        if kept >= take:
            break
    return list(compress(range(index.count), map(edge.__ge__, distance)))


def _shortlist_by_numpy(index: TermIndex, centred: list[float], take: int) -> list[int]:
    """The shortlist of an index written before sign codes were kept: the nearest vectors,
    all compared (numpy is there with the model that wrote them)."""
    import numpy as np

    rows = index.vector_rows()
    mean = np.asarray(index.header.get("vector_mean") or np.zeros(rows.shape[1]), np.float32)
    query = np.asarray(centred, dtype=np.float32)
    sims = np.empty(index.count, dtype=np.float32)
    for begin in range(0, index.count, 16384):
        part = rows[begin : begin + 16384].astype(np.float32) - mean
        norms = np.linalg.norm(part, axis=1)
        sims[begin : begin + 16384] = (part @ query) / np.maximum(norms, 1e-6)
    return sorted(int(i) for i in np.argpartition(-sims, take - 1)[:take])


def nearest_keys(
    index: TermIndex, encoder: Any, text: str, depth: int, allow: Callable[[int], bool]
) -> list[int]:
    """Keys of the documents most similar to ``text`` (at least ``VECTOR_FLOOR``), best first.

    Centred cosine: the mean of the stored vectors (what every memory of this project has in
    common) is taken out of both sides, so similarity reflects what a text is about. The base
    documents are shortlisted by their sign codes (bits of the centred vector, compared by
    Hamming distance), and only the shortlist's float16 vectors are read; standard library
    only, so a search that fuses imports no numpy.
    """
    import base64
    import struct
    from operator import mul

    from memgit import embeddings

    query = encoder.embed(text)
    if query is None:
        return []
    dim = len(query)
    mean = [float(x) for x in (index.header.get("vector_mean") or [0.0] * dim)]
    centred = [q - m for q, m in zip(query, mean, strict=True)]
    norm = sum(x * x for x in centred) ** 0.5 or 1.0
    centred = [x / norm for x in centred]
    offset = sum(map(mul, mean, centred))
    mean_norm = sum(map(mul, mean, mean))
    row = struct.Struct(f"<{dim}e")

    def similarity(vector: tuple[float, ...]) -> float:
        spread = max(1.0 - 2.0 * sum(map(mul, vector, mean)) + mean_norm, 1e-6)
        return float(sum(map(mul, vector, centred)) - offset) / math.sqrt(spread)

    scored: list[tuple[float, int]] = []
    vectors = index.vector_view()
    if vectors is not None and index.count:
        stride = dim * 2
        gone = index.gone
        for doc in _shortlist(index, centred, depth * CODE_SHORTLIST):
            if doc in gone:
                continue
            vector = row.unpack_from(vectors, doc * stride)
            if any(vector):
                scored.append((similarity(vector), doc))
    for position, record in enumerate(index.delta_docs):
        if record.get("vm") == embeddings.MODEL_ID and isinstance(record.get("v"), str):
            raw = base64.b64decode(record["v"])
            if len(raw) == dim * 2:
                scored.append((similarity(row.unpack(raw)), -1 - position))
    scored.sort(key=lambda item: -item[0])
    found = []
    for value, key in scored:
        if value < VECTOR_FLOOR:
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
