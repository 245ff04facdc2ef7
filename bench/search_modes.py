"""``memgit search`` as a whole process in each semantic mode, next to ``python -c pass``.

    python bench/search_modes.py --repo DIR [--runs 15] [--queries QUERIES_JSON|paraphrase]

Interleaved rounds: in each, ``python -c pass`` then one search per mode (``MEMGIT_SEMANTIC``
``off``: words alone; unset: vectors only when the words found too little; ``always``: every
search fused), all with the same query, rotating through the corpus's ``queries.json`` (words
that memory holds, a third with a filter) or through the tuned paraphrase questions of
``paraphrase.py`` (which share no word with their target). ``--repo`` is an indexed store: a
``run.py --work`` copy or a ``paraphrase.py --work`` store. Medians and peak RSS per mode.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus as corpora  # noqa: E402
import paraphrase  # noqa: E402
import run  # noqa: E402

MODES = {"words alone (off)": "off", "default (auto)": None, "always fused": "always"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repo", type=Path, required=True, help="an indexed store")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--queries",
        default="paraphrase",
        help="a corpus's queries.json, or 'paraphrase' for the tuned paraphrase questions",
    )
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    if args.queries == "paraphrase":
        queries = [[pair.question] for pair in paraphrase.TUNED]
    else:
        data = json.loads(Path(args.queries).read_text(encoding="utf-8"))
        queries = [corpora.Query(**q).argv() for q in data]
    spawner = run.Spawner(args.python)
    base = corpora.child_environment()
    envs = {name: base | ({"MEMGIT_SEMANTIC": v} if v else {}) for name, v in MODES.items()}
    walls: dict[str, list[float]] = {"python -c pass": [], **{name: [] for name in MODES}}
    rss: dict[str, float] = dict.fromkeys(walls, 0.0)
    try:
        for env in envs.values():  # warm the page cache and the bytecode once
            spawner.run([args.python, "-m", "memgit", "search", *queries[0]], args.repo, env)
        for i in range(args.runs):
            query = queries[i % len(queries)]
            sample = spawner.run([args.python, "-c", "pass"], args.repo, base)
            walls["python -c pass"].append(sample.wall_ms)
            rss["python -c pass"] = max(rss["python -c pass"], sample.rss_mb)
            for name, env in envs.items():
                sample = spawner.run(
                    [args.python, "-m", "memgit", "search", *query], args.repo, env
                )
                walls[name].append(sample.wall_ms)
                rss[name] = max(rss[name], sample.rss_mb)
    finally:
        spawner.close()
    floor = statistics.median(walls["python -c pass"])
    print(f"{args.repo}: {args.runs} interleaved rounds, queries: {args.queries}")
    print("| command | median | min | x `python -c pass` | peak RSS |")
    print("|---|--:|--:|--:|--:|")
    for name, values in walls.items():
        median = statistics.median(values)
        print(
            f"| {name} | {median:.0f} ms | {min(values):.0f} ms | {median / floor:.1f} | "
            f"{rss[name]:.0f} MB |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
