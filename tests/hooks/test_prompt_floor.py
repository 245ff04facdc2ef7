"""The per-prompt context keeps captured memory under the quality floor out, as the section does."""

from __future__ import annotations

import time
from typing import Any

from memgit.hooks.prompt import compose


def record(ident: str, quality: float, *, human: bool = False) -> dict[str, Any]:
    return {
        "d": {"id": ident, "status": "active", "type": "decision", "confidence": 0.9},
        "line": f"- [m:{ident}] decision: a line for {ident}",
        "u": time.time(),
        "w": quality,
        "h": human,
    }


def shown(records: list[dict[str, Any]], floor: float) -> list[str]:
    _, ids = compose(
        records,
        section_ids=frozenset(),
        seen=frozenset(),
        max_chars=2000,
        max_items=5,
        now=time.time(),
        half_life_days=7.0,
        ephemeral_types=("progress",),
        query="",
        quality_floor=floor,
    )
    return ids


def test_poor_captured_memory_stays_out_and_what_a_person_wrote_stays_in() -> None:
    records = [record("aaaa1", 0.8), record("bbbb2", 0.2), record("cccc3", 0.1, human=True)]
    assert shown(records, 0.4) == ["aaaa1", "cccc3"]
    assert shown(records, 0.0) == ["aaaa1", "bbbb2", "cccc3"]


def test_records_written_before_the_score_existed_are_kept() -> None:
    old = record("dddd4", 0.0)
    del old["w"], old["h"]
    assert shown([old], 0.4) == ["dddd4"]
