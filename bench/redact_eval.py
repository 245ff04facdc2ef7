"""Redaction quality: kinds covered, recall on secrets embedded in transcript text, false positives
on look-alikes, and the cost of building the redactor.

    python bench/redact_eval.py [--seed N] [--json PATH]

The corpus embeds a sample of every row of the kinds table (built from its recipe with the seed)
in the text a session produces: ``cat .env`` output, curl commands, stack traces, config dumps in
JSON, YAML and docker inspect, logs, a REPL, a diff, and tool results inside transcript JSON lines.
Two sets of contexts are kept apart: ``tuned`` are the contexts the tests use and the patterns
were adjusted against; ``held-out`` were written for this report and are only run to report.

A secret counts as caught when its random part is gone from ``Redactor.clean``'s output; the kind
is right when the ``[REDACTED:<kind>]`` left in its place names its own row. Look-alikes come from
``redact_lookalikes.py``: any finding in one is a false positive.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from memgit.redact import Redactor, default_redactor
from memgit.redact.kinds import all_rows
from memgit.redact.providers import Kind
from memgit.redact.recipe import Recipe, build, secret_part
from redact_lookalikes import lookalikes

# Contexts a single token fits in ({} is the secret), and contexts for multi-line samples.
TUNED_TOKEN = [
    "output:\n{}\n",
    "the deploy failed with {} as the credential, retrying",
    '{{"type": "tool_result", "content": "value: {}"}}',
    "export SOME_VALUE={}\n",
    "curl -H 'X-Custom: {}' https://api.example.com",
    "`{}`",
]
HELD_OUT_TOKEN = [
    "$ cat .env\nNODE_ENV=production\nPORT=3000\nUPSTREAM_CREDENTIAL={}\nLOG_LEVEL=info\n",
    'curl -sS -X POST https://api.example.com/v1/events -H "Authorization: Bearer {}" '
    "-d '{{\"a\": 1}}'",
    'Traceback (most recent call last):\n  File "/app/client.py", line 88, in connect\n'
    "    raise AuthError(key)\nAuthError: rejected {}\n",
    '{{\n  "service": "billing",\n  "credentials": {{\n    "value": "{}"\n  }},\n'
    '  "retries": 3\n}}',
    "integrations:\n  - name: upstream\n    credential: {}\n    timeout: 30\n",
    "2026-05-02T10:11:12Z WARN request failed url=https://api.example.com/v2/items "
    "token={} status=401",
    '>>> client = Client("{}")\n>>> client.ping()\nTrue',
    '+    api_token: "{}"\n-    api_token: ""\n',
    '"Env": [\n    "PATH=/usr/local/bin",\n    "SERVICE_TOKEN={}"\n]',
    '{{"type":"user","message":{{"content":[{{"type":"tool_result","content":'
    '"$ printenv\\nHOME=/root\\nUPSTREAM={}\\nSHELL=/bin/bash\\n"}}]}}}}',
    "I pasted the key ({}) into the settings page and it worked.",
]
TUNED_BLOCK = ["output:\n{}\n"]
HELD_OUT_BLOCK = [
    "$ cat deploy/config.txt\n{}\n$ echo done\ndone\n",
    "Here is the file:\n```\n{}\n```\nIt loads at startup.",
    "Tool result:\n{}\n\n(exit status 0)",
]


def is_token(row: Kind) -> bool:
    return bool(row.starts) and not row.before


def corpus(contexts: str, seed: int) -> list[tuple[Kind, Recipe, str, str]]:
    """``(row, recipe, text, secret part)`` for every sample of every row in every context."""
    token = TUNED_TOKEN if contexts == "tuned" else HELD_OUT_TOKEN
    block = TUNED_BLOCK if contexts == "tuned" else HELD_OUT_BLOCK
    items = []
    for row in all_rows():
        for i, recipe in enumerate(row.samples):
            for j, context in enumerate(token if is_token(row) else block):
                salt = f"{contexts}-{seed}-{row.kind}-{i}-{j}"
                items.append((row, recipe, context.format(build(recipe, salt)),
                              secret_part(recipe, salt)))  # fmt: skip
    return items


def recall(redactor: Redactor, contexts: str, seed: int) -> dict[str, object]:
    items = corpus(contexts, seed)
    caught = right_kind = 0
    missed: Counter[str] = Counter()
    for row, _recipe, text, part in items:
        cleaned = redactor.clean(text)
        if part not in cleaned:
            caught += 1
            right_kind += f"[REDACTED:{row.kind}]" in cleaned
        else:
            missed[row.kind] += 1
    return {
        "secrets": len(items),
        "caught": caught,
        "recall": caught / len(items),
        "kind_right": right_kind / len(items),
        "missed": dict(missed),
    }


def false_positives(redactor: Redactor, seed: int) -> dict[str, object]:
    items = lookalikes(seed=seed)
    flagged: Counter[str] = Counter()
    for label, text in items:
        if redactor.find(text):
            flagged[label] += 1
    return {
        "lookalikes": len(items),
        "categories": len({label for label, _ in items}),
        "false_positives": sum(flagged.values()),
        "flagged": dict(flagged),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    start = time.perf_counter()
    redactor = default_redactor()
    built = time.perf_counter() - start
    rows = all_rows()
    report = {
        "kinds": len({row.kind for row in rows}),
        "rows": len(rows),
        "build_ms": round(built * 1000, 1),
        "tuned": recall(redactor, "tuned", args.seed),
        "held_out": recall(redactor, "held-out", args.seed),
        "lookalikes": false_positives(redactor, args.seed),
    }
    lines = [
        f"kinds covered          {report['kinds']} ({report['rows']} table rows)",
        f"redactor built in      {report['build_ms']} ms (a pattern compiles when first reached)",
    ]
    for name in ("tuned", "held_out"):
        r = report[name]
        assert isinstance(r, dict)
        lines.append(
            f"recall, {name.replace('_', '-'):9}     {r['caught']}/{r['secrets']} = "
            f"{100 * r['recall']:.1f} %  (kind named right: {100 * r['kind_right']:.1f} %)"
            + (f"  missed: {r['missed']}" if r["missed"] else "")
        )
    fp = report["lookalikes"]
    assert isinstance(fp, dict)
    lines.append(
        f"false positives        {fp['false_positives']}/{fp['lookalikes']} look-alikes "
        f"({fp['categories']} kinds)" + (f"  flagged: {fp['flagged']}" if fp["flagged"] else "")
    )
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
