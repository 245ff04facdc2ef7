"""Does the per-prompt term index rank like the Whoosh search it replaces in the hook?

    python bench/prompt_relevance.py --repo REPO [--top 3]

For a fixed set of prompts (the hook benchmark's prompts, realistic questions about the synthetic
product, and the search benchmark's queries of ``queries.json`` when the repository is a
``bench/corpus.py`` corpus), it compares the ids of the top ``--top`` active observations given by
``MemoryIndex.search`` (Whoosh, what UserPromptSubmit used before) and by ``termindex.ranked``
(what it uses now). It prints the share of prompts with the same top ids in the same order, the
share with the same set, and each prompt that differs. ``compare`` is what
``tests/test_termindex.py`` runs on a small corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))

from memgit import termindex  # noqa: E402
from memgit.api import Memory  # noqa: E402
from memgit.query import Filters  # noqa: E402

PROMPTS = [
    "why are the api timestamps off by an hour",
    "how do we deploy the billing worker",
    "fix the flaky cache test in the search module",
    "who owns the payments integration",
    "the stripe webhook handler retries too often, can you look",
    "add a thumbnail generation step to the upload pipeline",
    "why does the session cookie expire after a refresh",
    "switch the logging to structured json output",
    "the celery workers run out of database connections",
    "what timeout should httpx calls to the payment provider use",
    "write a migration for the invoices table",
    "refactor the auth middleware into a service",
]


def prompts_for(repo: Path) -> list[str]:
    found = list(PROMPTS)
    queries = repo.parent / "queries.json"
    if queries.is_file():
        found += [q["text"] for q in json.loads(queries.read_text(encoding="utf-8"))]
    return found


def compare(memory: Memory, prompts: list[str], top: int = 3) -> dict[str, Any]:
    """Top ``top`` ids of both rankings for each prompt, and how often they agree."""
    memory.index.sync()
    folder = str(memory.paths.state / termindex.FOLDER)
    rows = []
    for prompt in prompts:
        limit = memory.config.context.prompt_items * 3
        whoosh = [h.observation.id for h in memory.index.search(prompt, Filters(), limit)][:top]
        index = termindex.TermIndex.open(folder)
        assert index is not None, "no term index after a sync"
        with index:
            ranked = termindex.ranked(
                index, termindex.analyze(prompt), limit, allow=index.is_active
            )
            terms = [index.id_of(key) for key, _ in ranked][:top]
        rows.append({"prompt": prompt, "whoosh": whoosh, "terms": terms})
    same_order = sum(r["whoosh"] == r["terms"] for r in rows)
    same_set = sum(set(r["whoosh"]) == set(r["terms"]) for r in rows)
    return {
        "prompts": len(rows),
        "same_order": same_order,
        "same_set": same_set,
        "differ": [r for r in rows if r["whoosh"] != r["terms"]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--top", type=int, default=3)
    args = parser.parse_args(argv)
    result = compare(Memory.open(args.repo), prompts_for(args.repo), args.top)
    print(
        f"{result['prompts']} prompts: same top {args.top} in the same order "
        f"{result['same_order']}, same set {result['same_set']}"
    )
    for row in result["differ"]:
        print(f"- {row['prompt']!r}: whoosh {row['whoosh']} / term index {row['terms']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
