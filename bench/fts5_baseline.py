"""The comparison point: the same observation files searched through SQLite FTS5 (stdlib sqlite3).

FTS5 is the storage claude-mem uses. The benchmark runs this script as whole processes, exactly
like ``memgit``, so ratios compare process to process:

    python bench/fts5_baseline.py build DB OBSERVATIONS_DIR
    python bench/fts5_baseline.py search DB QUERY [--type T] [--status S] [--file PATH]
                                            [--since DATE] [--limit N]

``build`` parses every file with memgit's own codec (so parsing costs the same on both sides and
the difference is the index) and fills one FTS5 table (porter stemming, like memgit's analyzer)
in one transaction. ``search`` ORs the query words, applies the same filters as ``memgit search``
(status defaults to active) and ranks with bm25, weighting the title like memgit does. It imports
only the standard library, like a lean search path would.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

_SCHEMA = """
CREATE VIRTUAL TABLE obs USING fts5(
    title, body, tags, filetext,
    id UNINDEXED, type UNINDEXED, status UNINDEXED, updated UNINDEXED,
    files UNINDEXED, doc UNINDEXED,
    tokenize = 'porter unicode61'
)
"""
#: bm25 weights for title, body, tags, filetext (memgit boosts title 3, tags and files 2).
_WEIGHTS = "3.0, 1.0, 2.0, 2.0"


def build(db: Path, observations: Path) -> int:
    """(Re)create ``db`` from every observation file; returns the number indexed."""
    src = Path(__file__).resolve().parents[1] / "src"
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    from memgit.errors import InvalidObservation
    from memgit.model import format_time, parse_observation

    if db.exists():
        db.unlink()
    connection = sqlite3.connect(db)
    rows = []
    for entry in sorted(os.scandir(observations), key=lambda e: e.name):
        if not entry.name.endswith(".md") or entry.name.startswith("."):
            continue
        with open(entry.path, encoding="utf-8") as handle:
            text = handle.read()
        try:
            obs = parse_observation(text, entry.name)
        except InvalidObservation:
            continue
        doc = obs.to_dict()
        doc["path"] = f".memory/observations/{entry.name}"
        rows.append(
            (
                obs.title,
                obs.body,
                " ".join(obs.tags),
                " ".join(re.sub(r"[/_.]", " ", f) for f in obs.files),
                obs.id,
                obs.type,
                obs.status,
                format_time(obs.updated),
                json.dumps(list(obs.files)),
                json.dumps(doc),
            )
        )
    with connection:
        connection.execute(_SCHEMA)
        connection.executemany("INSERT INTO obs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.close()
    return len(rows)


def search(
    db: Path,
    text: str,
    *,
    types: Sequence[str] = (),
    statuses: Sequence[str] = ("active",),
    file: str | None = None,
    since: str | None = None,
    limit: int = 10,
) -> list[tuple[float, dict[str, object]]]:
    """Ranked (score, observation dict) pairs; a higher score is better, as in memgit."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return []
    clauses = ["obs MATCH ?"]
    params: list[object] = [" OR ".join(f'"{w}"' for w in words)]
    if types:
        clauses.append(f"type IN ({', '.join('?' * len(types))})")
        params += types
    if statuses:
        clauses.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    if file:
        path = file.strip("/")
        clauses.append(
            "EXISTS (SELECT 1 FROM json_each(files) WHERE value = ? OR value LIKE ? || '/%')"
        )
        params += [path, path]
    if since:
        clauses.append("updated >= ?")
        params.append(since if "T" in since else f"{since}T00:00:00Z")
    sql = (
        f"SELECT bm25(obs, {_WEIGHTS}) AS rank, doc FROM obs WHERE {' AND '.join(clauses)} "
        "ORDER BY rank LIMIT ?"
    )
    params.append(limit)
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = connection.execute(sql, params).fetchall()
    finally:
        connection.close()
    return [(-rank, json.loads(doc)) for rank, doc in rows]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SQLite FTS5 baseline for the memgit benchmarks")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="index every observation file into DB")
    p.add_argument("db", type=Path)
    p.add_argument("observations", type=Path)
    p = sub.add_parser("search", help="ranked search, printed like `memgit search`")
    p.add_argument("db", type=Path)
    p.add_argument("query", nargs="+")
    p.add_argument("--type", action="append", default=[])
    p.add_argument("--status", action="append", default=[])
    p.add_argument("--file")
    p.add_argument("--since")
    p.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)
    if args.command == "build":
        count = build(args.db, args.observations)
        print(f"indexed {count} observations into {args.db}")
        return 0
    statuses = () if "all" in args.status else tuple(args.status or ("active",))
    hits = search(
        args.db,
        " ".join(args.query),
        types=args.type,
        statuses=statuses,
        file=args.file,
        since=args.since,
        limit=args.limit,
    )
    if not hits:
        print("no matching memory")
    for score, doc in hits:
        print(f"{score:6.2f}  [m:{doc['id']}] {doc['type']:<12} {doc['updated']}  {doc['title']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
