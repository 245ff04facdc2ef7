"""The merge rules, on values: symmetric, deterministic, and never conflict markers in YAML."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from memgit.mergedriver import (
    merge_observation,
    merge_section_bodies,
    merge_section_text,
    run_driver,
)
from memgit.model import Observation, new_observation, parse_observation, render_observation
from memgit.section import splice

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _obs(**changes: object) -> Observation:
    base = new_observation(
        "decision",
        "Store events in postgres",
        "Because.",
        now=T0,
        ident="kbase00001",
        files=("src/a.py", "src/b.py"),
        tags=("db",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _both_ways(base: Observation | None, a: Observation, b: Observation) -> Observation:
    one = merge_observation(base, a, b)
    assert merge_observation(base, b, a) == one, "the merge must not depend on the side"
    return one


def test_a_field_only_one_side_changed_takes_that_side() -> None:
    base = _obs()
    ours = _obs(title="Store events in postgres 16", updated=T0 + timedelta(minutes=1))
    theirs = _obs(confidence=0.95, updated=T0 + timedelta(minutes=2))
    merged = _both_ways(base, ours, theirs)
    assert merged.title == "Store events in postgres 16"
    assert merged.confidence == 0.95
    assert merged.updated == T0 + timedelta(minutes=2)


def test_both_superseding_resolves_to_the_smaller_id() -> None:
    base = _obs()
    later = T0 + timedelta(hours=1)
    ours = _obs(status="superseded", superseded_by="kzzz000001", updated=later)
    theirs = _obs(status="superseded", superseded_by="kaaa000001", updated=later)
    merged = _both_ways(base, ours, theirs)
    assert (merged.status, merged.superseded_by) == ("superseded", "kaaa000001")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("expired", "superseded", "expired"),
        ("superseded", "expired", "expired"),
        ("expired", "expired", "expired"),
    ],
)
def test_status_precedence_when_both_changed_it(a: str, b: str, expected: str) -> None:
    base = _obs()
    ours = _obs(status=a, superseded_by="knew000001" if a == "superseded" else None)
    theirs = _obs(status=b, superseded_by="knew000001" if b == "superseded" else None)
    merged = _both_ways(base, ours, theirs)
    assert merged.status == expected
    assert merged.superseded_by == ("knew000001" if "superseded" in (a, b) else None)


def test_a_revert_on_one_side_is_a_change_like_any_other() -> None:
    base = _obs(status="superseded", superseded_by="knew000001")
    ours = base  # untouched
    theirs = _obs()  # the supersession reverted
    merged = _both_ways(base, ours, theirs)
    assert (merged.status, merged.superseded_by) == ("active", None)


def test_lists_keep_additions_of_both_and_removals_of_either() -> None:
    base = _obs()
    ours = _obs(files=("src/a.py", "src/c.py"), tags=("db", "perf"))
    theirs = _obs(files=("src/b.py", "src/a.py", "src/d.py"), tags=("db",))
    merged = _both_ways(base, ours, theirs)
    assert merged.files == ("src/a.py", "src/c.py", "src/d.py")
    assert merged.tags == ("db", "perf")


def test_a_field_both_changed_goes_to_the_newer_side() -> None:
    base = _obs()
    ours = _obs(body="Ours.", updated=T0 + timedelta(minutes=5))
    theirs = _obs(body="Theirs.", updated=T0 + timedelta(minutes=9))
    assert _both_ways(base, ours, theirs).body == "Theirs."
    tie = _obs(body="Alpha.", updated=T0 + timedelta(minutes=9))
    assert _both_ways(base, tie, theirs).body == "Alpha."  # a tie: the value that sorts first


def test_added_on_both_sides_with_the_same_id() -> None:
    ours = _obs(tags=("a",))
    theirs = _obs(tags=("b",), created=T0 - timedelta(days=1))
    merged = _both_ways(None, ours, theirs)
    assert merged.tags == ("a", "b")
    assert merged.created == T0 - timedelta(days=1)


def test_unknown_keys_merge_too() -> None:
    base = _obs(extra=(("review", "pending"),))
    ours = _obs(extra=(("review", "done"),))
    theirs = _obs(extra=(("review", "pending"), ("owner", "ana")))
    assert _both_ways(base, ours, theirs).extra == (("owner", "ana"), ("review", "done"))


SECTION_BASE = (
    "## Project memory (memgit)\n\nIntro.\n\n### Decisions\n- Old [m:kold000001]\n\nSearch more."
)


def test_section_bodies_union_minus_what_either_side_dropped() -> None:
    ours = (
        "## Project memory (memgit)\n\nIntro.\n\n### Decisions\n- New A [m:kaaa000001]\n\n"
        "Search more."
    )
    theirs = (
        "## Project memory (memgit)\n\nIntro.\n\n### Decisions\n- Old [m:kold000001]\n"
        "- New B [m:kbbb000001]\n\n### Gotchas\n- G [m:kbbb000002]\n\n### Architecture\n"
        "- Arch [m:kbbb000003]\n\nSearch more."
    )
    merged = merge_section_bodies(SECTION_BASE, ours, theirs)
    assert merged == (
        "## Project memory (memgit)\n\nIntro.\n\n### Architecture\n- Arch [m:kbbb000003]\n\n"
        "### Decisions\n- New A [m:kaaa000001]\n- New B [m:kbbb000001]\n\n### Gotchas\n"
        "- G [m:kbbb000002]\n\nSearch more."
    )


def test_section_text_merges_user_text_and_section_separately() -> None:
    def file(head: str, body: str, tail: str = "") -> str:
        return splice(head, body) + tail

    base = file("# P\n\nNotes.\n", SECTION_BASE)
    ours = file("# P (ours)\n\nNotes.\n", SECTION_BASE.replace("Old", "Old, reworded"))
    theirs = file("# P\n\nNotes.\n", SECTION_BASE, "\nTheir footer.\n")

    def no_text_merge(b: str, o: str, t: str) -> tuple[str, int]:
        raise AssertionError("the user's text changed on one side only")

    text, conflicts = merge_section_text(base, ours, base, "CLAUDE.md", no_text_merge)
    assert (text, conflicts) == (ours, 0)

    def naive(b: str, o: str, t: str) -> tuple[str, int]:
        """Good enough for this case: their text with our changed title."""
        return t.replace("# P\n", "# P (ours)\n"), 0

    text, conflicts = merge_section_text(base, ours, theirs, "CLAUDE.md", naive)
    assert conflicts == 0
    assert text.startswith("# P (ours)\n")
    assert text.endswith("\nTheir footer.\n")
    assert "- Old, reworded [m:kold000001]" in text


def test_the_driver_falls_back_to_a_text_merge_for_what_it_cannot_read(tmp_path: Path) -> None:
    paths = [tmp_path / name for name in ("base", "ours", "theirs")]
    for path, text in zip(paths, ("---\nid: [\n---\n", "x\n", "y\n"), strict=True):
        path.write_text(text, encoding="utf-8")
    calls: list[tuple[str, str, str]] = []

    def text_merge(b: str, o: str, t: str) -> tuple[str, int]:
        calls.append((b, o, t))
        return "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n", 1

    code = run_driver("memory", *paths, ".memory/observations/x.md", text_merge)
    assert code == 1
    assert calls == [("---\nid: [\n---\n", "x\n", "y\n")]
    assert paths[1].read_text(encoding="utf-8").startswith("<<<<<<< ours")


def test_the_driver_writes_a_valid_observation(tmp_path: Path) -> None:
    base = _obs()
    ours = _obs(status="expired", updated=T0 + timedelta(hours=1))
    theirs = _obs(tags=("db", "perf"))
    paths = [tmp_path / name for name in ("base", "ours", "theirs")]
    for path, obs in zip(paths, (base, ours, theirs), strict=True):
        path.write_text(render_observation(obs), encoding="utf-8")

    def never(b: str, o: str, t: str) -> tuple[str, int]:
        raise AssertionError("no text merge needed")

    assert run_driver("memory", *paths, "x.md", never) == 0
    merged = parse_observation(paths[1].read_text(encoding="utf-8"))
    assert (merged.status, merged.tags) == ("expired", ("db", "perf"))
