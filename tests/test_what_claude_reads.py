"""The bench of what Claude reads first: its labels parse, and it judges only what they cover."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "what_claude_reads.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("memgit_bench_reads", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_hand_labels_parse(bench: ModuleType) -> None:
    titles = bench.load_labels(bench.LABELS / "titles.tsv")
    lines = bench.load_labels(bench.LABELS / "section.tsv")
    assert len(titles) >= 30
    assert len(lines) >= 30
    assert set(titles.values()) == {True, False}


def test_a_malformed_label_names_the_line(bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "titles.tsv"
    path.write_text("# a comment\nyes\tA title\nmaybe\tAnother\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"titles.tsv:3: expected 'yes' or 'no'"):
        bench.load_labels(path)


def test_unlabelled_text_is_counted_apart_never_guessed(bench: ModuleType) -> None:
    share = bench.judge(["One  title", "Two", "Three"], {"One title": True, "Two": False})
    assert (share.yes, share.no, share.unlabelled) == (1, 1, ["Three"])
    assert share.share == 0.5
    assert share.cell() == "50% (1/2, 1 unlabelled)"


def test_groups_keep_tuned_and_held_out_fixtures_apart(bench: ModuleType, tmp_path: Path) -> None:
    for name in ("daaain__a.jsonl", "constructed__b.jsonl", "entireio__c.jsonl", "x__d.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    groups = bench.groups(tmp_path)
    assert [p.name for p in groups["tuned"]] == ["constructed__b.jsonl", "daaain__a.jsonl"]
    assert [p.name for p in groups["held-out"]] == ["entireio__c.jsonl", "x__d.jsonl"]
    assert len(groups["all"]) == 4
