"""How fast capture can clean transcript text: ``Redactor.clean`` over ~10 MB, in MB/s.

Reads the real transcripts in ``../shared/fixtures/transcripts`` (beside the project root): once as
raw JSONL lines and once as the strings inside them (what capture actually cleans), each repeated
to the size asked for. Prints the best of a few runs, and the time to build the redactor.

    python bench/redact_throughput.py [megabytes] [--runs N] [--baseline REV]

``--baseline REV`` also times the redactor of an older commit (its single-module
``src/memgit/redact.py``) on the same text, runs interleaved, so that a busy machine slows both
alike and the ratio stays meaningful.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from memgit.redact import default_redactor

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "transcripts"


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


def baseline_clean(rev: str) -> Callable[[str], str]:
    """``clean`` of the redactor at ``rev``, loaded from its source beside this checkout's."""
    source = subprocess.run(
        ["git", "show", f"{rev}:src/memgit/redact.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp(prefix="memgit-bench-")) / "baseline_redact.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_redact", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["baseline_redact"] = module
    spec.loader.exec_module(module)
    clean: Callable[[str], str] = module.default_redactor().clean
    return clean


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("megabytes", nargs="?", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", metavar="REV", help="also time the redactor at REV")
    args = parser.parse_args()
    size = int(args.megabytes * 1_000_000)
    if not FIXTURES.is_dir():
        print(f"no transcripts in {FIXTURES}", file=sys.stderr)
        return 1
    start = time.perf_counter()
    redactor = default_redactor()
    print(f"redactor built in {1000 * (time.perf_counter() - start):.1f} ms")
    cleaners = [("memgit", redactor.clean)]
    if args.baseline:
        cleaners.append((args.baseline[:10], baseline_clean(args.baseline)))
    for label, base in zip(("raw JSONL", "transcript text"), transcript_text(), strict=True):
        data = (base * (size // len(base) + 1))[:size]
        best = {
            name: min(_timed(clean, data) for _ in range(args.runs)) for name, clean in cleaners
        }
        for name, seconds in best.items():
            found = len(redactor.find(base)) if name == "memgit" else 0
            note = (
                f"({found} findings in {len(base) / 1e6:.1f} MB of fixtures)"
                if name == "memgit"
                else ""
            )
            print(f"{label:16} {name:10} {size / 1e6:5.1f} MB  {seconds:6.3f} s  "
                  f"{size / 1e6 / seconds:6.1f} MB/s  {note}")  # fmt: skip
    return 0


def _timed(clean: Callable[[str], str], data: str) -> float:
    start = time.perf_counter()
    clean(data)
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
