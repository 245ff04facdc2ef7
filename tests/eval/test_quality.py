"""Quality floors for the offline extractor on the labelled eval sessions (``bench/eval``).

The floors sit a little below what the extractor reaches on the tuned set (scored through the
command line: ``memgit init``, ``ingest``, ``list``, ``search``), so that a change that loses
planted facts, buries them in search, or floods memory with noise or duplicates fails here.
Reproduce the full table with ``python bench/eval/run_eval.py --set tuned --show``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EVAL = Path(__file__).resolve().parents[2] / "bench" / "eval" / "run_eval.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("memgit_bench_eval", EVAL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if not EVAL.is_file():
        pytest.skip(f"the eval runner is missing at {EVAL}")
    return _load().run(fixtures=None, workdir=tmp_path_factory.mktemp("eval"))


def test_capture_recall(report: Any) -> None:
    assert report.recall_any >= 0.93, report.as_json()["scenarios"]
    assert report.recall >= 0.9


def test_search_recall_at_5(report: Any) -> None:
    assert report.search_recall >= 0.9


def test_memory_is_not_flooded(report: Any) -> None:
    assert report.unmatched_share <= 0.2
    assert report.noise_rate <= 0.12
    assert report.duplicate_rate <= 0.08
    assert all(s.observations <= 9 for s in report.scenarios)
    # Two known: a symptom report kept beside its cause (go-outbox), and a user's "we don't
    # need papaparse" correction, kept as a decision, that the labels call this task's detail.
    assert report.leaks <= 2


def test_the_real_labels_name_the_shared_fixtures() -> None:
    module = _load()
    fixtures = module.FIXTURES
    if not fixtures.is_dir():
        pytest.skip(f"shared fixtures not found at {fixtures}")
    sessions = module.load_set("real")
    names = {spec["file"] for spec, _ in sessions}
    assert names == {p.name for p in fixtures.glob("*.jsonl")}
    assert sum(len(spec["facts"]) for spec, _ in sessions) >= 20


def test_every_scenario_teaches_something(report: Any) -> None:
    assert all(s.captured_any >= max(1, s.facts - 1) for s in report.scenarios)


def test_extraction_keeps_up_with_transcripts(report: Any) -> None:
    # Prose-dense sessions are the slow case; real transcripts are mostly tool output.
    assert report.scenario_speed.extract_mb_s >= 0.1
