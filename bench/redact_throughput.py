"""How fast capture can clean transcript text: ``Redactor.clean`` over ~10 MB, in MB/s.

Reads the real transcripts in ``../shared/fixtures/transcripts`` (beside the project root): once as
raw JSONL lines and once as the strings inside them (what capture actually cleans), each repeated
to the size asked for. Prints the best of a few runs.

    python bench/redact_throughput.py [megabytes]
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from memgit.redact import default_redactor

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "transcripts"


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def transcript_text() -> tuple[str, str]:
    raw = "".join(path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.jsonl")))
    texts: list[str] = []
    for line in raw.splitlines():
        try:
            texts.extend(strings(json.loads(line)))
        except ValueError:
            continue
    return raw, "\n".join(texts)


def main() -> int:
    size = int(float(sys.argv[1] if len(sys.argv) > 1 else "10") * 1_000_000)
    if not FIXTURES.is_dir():
        print(f"no transcripts in {FIXTURES}", file=sys.stderr)
        return 1
    redactor = default_redactor()
    for label, base in zip(("raw JSONL", "transcript text"), transcript_text(), strict=True):
        data = (base * (size // len(base) + 1))[:size]
        best = min(_timed(redactor.clean, data) for _ in range(3))
        found = len(redactor.find(base))
        print(f"{label:16} {size / 1e6:5.1f} MB  {best:6.3f} s  {size / 1e6 / best:6.1f} MB/s  "
              f"({found} findings in {len(base) / 1e6:.1f} MB of fixtures)")  # fmt: skip
    return 0


def _timed(clean: Callable[[str], str], data: str) -> float:
    start = time.perf_counter()
    clean(data)
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
