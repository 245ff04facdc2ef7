"""The benchmark suite stays runnable: the corpus generator, the FTS5 baseline and a quick run."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from memgit.model import TYPES, parse_observation, render_observation

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    """The ``corpus`` and ``fts5_baseline`` modules (bench/ is a folder of scripts)."""
    monkeypatch.syspath_prepend(str(BENCH))
    import corpus
    import fts5_baseline

    return corpus, fts5_baseline


def test_generate_is_deterministic_and_consistent(
    bench: tuple[ModuleType, ModuleType],
) -> None:
    corpus, _ = bench
    first = corpus.generate(400, 5)
    second = corpus.generate(400, 5)
    assert [render_observation(o) for o in first] == [render_observation(o) for o in second]
    assert corpus.generate(400, 6)[0] != first[0]

    assert {o.type for o in first} == set(TYPES)
    statuses = Counter(o.status for o in first)
    assert statuses["active"] > 0.75 * len(first)
    assert statuses["superseded"] > 0
    assert statuses["expired"] > 0
    by_id = {o.id: o for o in first}
    assert len(by_id) == len(first)
    for obs in first:
        if obs.superseded_by:
            assert obs.status == "superseded"
            newer = by_id[obs.superseded_by]
            assert obs.id in newer.supersedes
            assert newer.type == obs.type
        assert 1 <= len(obs.body.split("\n- ")) <= 5  # a narrative and 1-4 facts
    span = max(o.created for o in first) - min(o.created for o in first)
    assert span.days > 300


def test_build_corpus_writes_valid_files_and_queries(
    bench: tuple[ModuleType, ModuleType], tmp_path: Path
) -> None:
    corpus, fts5 = bench
    built = corpus.build_corpus(50, 3, tmp_path / "cache")

    files = sorted(built.observations.glob("*.md"))
    assert len(files) == 50
    parsed = [parse_observation(f.read_text(encoding="utf-8"), f.name) for f in files]
    assert all(f.name == o.file_name() for f, o in zip(files, parsed, strict=True))
    assert (built.repo / ".git").is_dir()
    assert (built.repo / ".memory" / "config.yaml").is_file()
    extra = built.extra_files()
    assert len(extra) == corpus.EXTRA
    assert not {f.name for f in extra} & {f.name for f in files}
    queries = built.queries()
    assert len(queries) == 50
    assert all(1 <= len(q.text.split()) <= 4 for q in queries)
    assert any(q.type or q.file or q.since or q.status for q in queries)

    stamp = (built.folder / "corpus.json").stat().st_mtime_ns
    assert corpus.build_corpus(50, 3, tmp_path / "cache").folder == built.folder
    assert (built.folder / "corpus.json").stat().st_mtime_ns == stamp  # cached, not rebuilt

    db = tmp_path / "fts.db"
    assert fts5.build(db, built.observations) == 50
    target = next(o for o in parsed if o.status == "active")
    hits = fts5.search(db, target.title, limit=50)
    assert target.id in [doc["id"] for _, doc in hits]
    assert all(doc["status"] == "active" for _, doc in hits)


def test_quick_run_reports_every_measurement(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--sizes",
            "50",
            "--runs",
            "1",
            "--add",
            "20",
            "--cache",
            str(tmp_path / "cache"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {"schema", "date", "command", "machine", "runs", "sizes", "targets"} <= set(report)
    (size,) = report["sizes"]
    assert size["size"] == 50
    commands = size["commands"]
    expected = {
        "baseline",
        "search",
        "list",
        "timeline",
        "generate",
        "noop",
        "refresh",
        "rebuild",
        "fts5_build",
        "fts5_search",
    }
    assert set(commands) == expected
    for entry in commands.values():
        assert entry["median_ms"] > 0
        assert entry["peak_rss_mb"] > 0
        assert entry["vs_python"] > 0
    assert commands["search"]["vs_fts5"] > 0
    assert commands["refresh"]["full_rebuild"] is False
    assert commands["search"]["queries_with_results"] > 0
    assert [t["measured"] for t in report["targets"]] == [None] * len(report["targets"])
    assert "| `memgit search QUERY` |" in done.stdout
