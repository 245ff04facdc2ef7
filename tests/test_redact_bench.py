"""The redaction benchmark stays runnable and its tuned figures stay at their targets.

The held-out contexts of ``bench/redact_eval.py`` are only run to report, never asserted here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from memgit.redact import default_redactor

BENCH = Path(__file__).resolve().parents[1] / "bench"
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def evaluation(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    import redact_eval

    return redact_eval


def test_lookalikes_are_many_deterministic_and_never_flagged(evaluation: ModuleType) -> None:
    import redact_lookalikes

    first = redact_lookalikes.lookalikes()
    assert len(first) >= 500
    assert first == redact_lookalikes.lookalikes()
    assert first != redact_lookalikes.lookalikes(seed=18)
    report = evaluation.false_positives(default_redactor(), 17)
    assert report["false_positives"] == 0, report["flagged"]


def test_tuned_corpus_recall_is_complete(evaluation: ModuleType) -> None:
    report = evaluation.recall(default_redactor(), "tuned", 17)
    assert report["recall"] == 1.0, report["missed"]


def test_the_eval_script_prints_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "redact_eval.py"), "--json", str(out)],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "kinds covered" in done.stdout
    assert "held-out" in done.stdout
    assert out.read_text(encoding="utf-8").startswith("{")
