"""One session's memory consolidated: sentences taken from the real transcripts in ../shared."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.capture import ingest_transcript
from memgit.consolidate import (
    changed_by,
    is_reason_pair,
    plan,
    same_fact,
    surviving,
    terms,
)
from memgit.extract.heuristic import HeuristicExtractor
from memgit.model import Observation

from .conftest import FIXTURES

T0 = datetime(2026, 2, 9, 6, 41, 8, tzinfo=UTC)


def obs(
    ident: str,
    kind: str,
    title: str,
    body: str = "",
    *,
    at: datetime = T0,
    confidence: float = 0.7,
    session: str | None = "s1",
) -> Observation:
    return Observation(
        id=ident,
        type=kind,
        title=title,
        created=at,
        updated=at,
        body=body or title,
        confidence=confidence,
        session=session,
        source="heuristic",
    )


def test_terms_split_identifiers_into_their_words() -> None:
    found = terms("Changed `TestInit_RejectsInvalidSessionIDs` to expect empty session ID")
    assert {"init", "reject", "invalid", "session", "empty"} <= found


# --- one fact, one file, one type ----------------------------------------------------------------


def test_the_same_text_saved_as_a_decision_and_as_a_pattern_becomes_one() -> None:
    decision = obs("d1", "decision", "Using setuptools instead of Hatchling", confidence=0.65)
    pattern = obs(
        "p1",
        "pattern",
        "Uses setuptools instead of Hatchling (UV's preferred build backend)",
        'Line 39: `py-modules = ["extract-coderabbit-feedback"]` - incorrect module name',
    )
    assert same_fact(decision, pattern)
    [step] = plan([decision, pattern])
    assert step.why == "same fact"
    assert step.drop.id == "d1"  # the less confident one goes
    assert step.keep.type == "pattern"
    assert step.keep.title == "Uses setuptools instead of Hatchling (UV's preferred build backend)"
    assert "d1" in step.keep.supersedes


def test_two_gotchas_of_one_turn_about_the_same_behaviour_merge_under_the_specific_title() -> None:
    vague = obs(
        "g1",
        "gotcha",
        "Module name doesn't match configuration",
        "Module name doesn't match configuration Using setuptools instead of Hatchling",
        confidence=0.65,
    )
    specific = obs(
        "g2",
        "gotcha",
        "Expected module: coderabbit_review_extractor.py (underscores, not hyphens)",
        "Script is named: `extract-coderabbit-feedback.py` Expected module: "
        "`coderabbit_review_extractor.py` (underscores, not hyphens) Not UV-native: Uses "
        "setuptools instead of Hatchling (UV's preferred build backend)\n\n"
        '- Line 39: `py-modules = ["extract-coderabbit-feedback"]` - incorrect module name',
        confidence=0.84,
    )
    [step] = plan([vague, specific])
    assert step.drop.id == "g1"
    assert step.keep.title.startswith("Expected module: coderabbit_review_extractor.py")


def test_notes_that_share_a_paragraph_but_not_a_subject_stay_apart() -> None:
    paragraph = (
        "The tasks are thin wrappers, so the port is mostly mechanical. send_digest is defined "
        "inside register_jobs(), so there is no importable path for the worker."
    )
    left = obs(
        "g1", "gotcha", "The tasks are thin wrappers, so the port is mostly mechanical", paragraph
    )
    right = obs(
        "g2",
        "gotcha",
        "send_digest is defined inside register_jobs(), so there is no importable path",
        paragraph,
    )
    assert not same_fact(left, right)
    assert plan([left, right]) == []


def test_a_short_title_must_be_held_whole_to_be_the_same_fact() -> None:
    gotcha = obs("g1", "gotcha", "ADD COLUMN with a volatile default")
    decision = obs(
        "d1",
        "decision",
        "Add the column as nullable with no default, backfill it in batches of 10k",
    )
    assert not same_fact(gotcha, decision)


def test_finished_and_open_work_are_never_one_fact() -> None:
    done = obs("p1", "progress", "Done: Both screens now use formatDate")
    still = obs("p2", "progress", "Both screens still need formatDate for the receipt")
    assert not same_fact(done, still)


# --- a choice and its reason ---------------------------------------------------------------------


def test_a_decision_and_the_gotcha_holding_its_reason_become_one_decision() -> None:
    decision = obs(
        "d1",
        "decision",
        "Add the column as nullable with no default, backfill it in batches of 10k",
        "We'll add the column as nullable with no default, because ADD COLUMN with a volatile "
        "default rewrites the whole table under an ACCESS EXCLUSIVE lock.",
    )
    gotcha = obs(
        "g1",
        "gotcha",
        "ADD COLUMN with a volatile default rewrites the whole table",
        "What bit us: `ADD COLUMN` with a volatile default makes Postgres rewrite the whole table.",
    )
    assert is_reason_pair(decision, gotcha)
    [step] = plan([decision, gotcha])
    assert (step.why, step.keep.id, step.keep.type, step.drop.id) == (
        "reason",
        "d1",
        "decision",
        "g1",
    )
    assert "makes Postgres rewrite the whole table" in step.keep.body


def test_a_defect_and_the_decision_that_fixes_it_become_one_gotcha() -> None:
    # entireio__cli__10: the review's "What the PR fixes" and "The solution", said in one turn.
    at = datetime(2026, 1, 27, 0, 49, 5, tzinfo=UTC)
    bug = obs(
        "g1",
        "gotcha",
        "A bug where sessions crossing midnight were being treated as two separate sessions",
        "A bug where sessions crossing midnight (date change) were being treated as two separate "
        "sessions because the session ID format `YYYY-MM-DD-<agent-uuid>` was regenerated on "
        "each hook invocation.",
        at=at,
    )
    fix = obs(
        "d1",
        "decision",
        "GetOrCreateEntireSessionID() now looks up existing session state files by agent UUID "
        "first",
        at=at,
    )
    [step] = plan([bug, fix])
    assert (step.why, step.keep.id, step.keep.type) == ("reason", "g1", "gotcha")
    assert "GetOrCreateEntireSessionID() now looks up" in step.keep.body
    assert step.drop.id == "d1"


def test_a_decision_and_a_gotcha_of_different_turns_stay_apart() -> None:
    decision = obs(
        "d1", "decision", "GetOrCreateEntireSessionID() now looks up session files by agent UUID"
    )
    bug = obs(
        "g1",
        "gotcha",
        "A bug where sessions with one agent UUID split in two",
        at=T0 + timedelta(minutes=5),
    )
    assert not is_reason_pair(decision, bug)


# --- a state the session changed -----------------------------------------------------------------


def test_a_check_the_session_later_relaxed_is_superseded_by_the_change() -> None:
    # entireio__cli__91: "Currently, `Init` validates the session ID and rejects empty strings."
    check = obs(
        "g1",
        "gotcha",
        "Init validates the session ID and rejects empty strings",
        "Currently, `Init` validates the session ID and rejects empty strings.",
    )
    change = obs(
        "p1",
        "progress",
        "Changed log file from <sessionID>.log to fixed entire.log",
        "Changed log file from `<sessionID>.log` to fixed `entire.log`\n\n"
        "- Changed `TestInit_RejectsInvalidSessionIDs` to expect empty session ID is now allowed",
    )
    assert changed_by(check, change)
    [step] = plan([check, change])
    assert (step.why, step.keep.id, step.drop.id) == ("changed", "p1", "g1")


def test_a_migration_finished_later_in_the_session_supersedes_the_state_before_it() -> None:
    # daaain__claude-code-log__7acd37a8: the gotcha at 00:04, the finished migration at 00:16.
    before = obs(
        "g1",
        "gotcha",
        "ScriptProcessor (currently used in recorder.js:9) is deprecated in favour of AudioWorklet",
        "Before I proceed - there's one consideration: ScriptProcessor (currently used in "
        "recorder.js:9) is deprecated in favour of AudioWorklet.",
    )
    done = obs(
        "p1",
        "progress",
        "Done: recorder.js - Now uses AudioWorklet instead of ScriptProcessor",
        "recorder.js - Now uses AudioWorklet instead of ScriptProcessor\n\n"
        "- The AudioWorklet migration is complete.",
        at=T0 + timedelta(minutes=12),
    )
    decision = obs(
        "d1",
        "decision",
        "Migrate to AudioWorklet",
        "Let's migrate to AudioWorklet for proper modern audio processing.",
        at=T0 + timedelta(minutes=12),
    )
    steps = plan([before, done, decision])
    assert [(s.why, s.keep.id, s.drop.id) for s in steps] == [("changed", "p1", "g1")]


def test_a_change_never_supersedes_what_came_after_it_or_a_note_without_a_present_state() -> None:
    state = obs(
        "g1", "gotcha", "Init currently rejects empty session IDs", at=T0 + timedelta(hours=1)
    )
    change = obs("p1", "progress", "Changed Init to allow empty session IDs")
    assert not changed_by(state, change)  # the change came first
    timeless = obs(
        "d1",
        "decision",
        "Write all logs to a single fixed file: .entire/logs/entire.log",
        "Write all logs to a single fixed file: `.entire/logs/entire.log`",
    )
    log_change = obs("p2", "progress", "Changed log file from <sessionID>.log to fixed entire.log")
    assert not changed_by(timeless, log_change)


def test_work_still_open_is_not_a_state_that_finished_work_changed() -> None:
    open_item = obs(
        "p1",
        "progress",
        "The e2e check for the download is still missing",
        "The e2e check is still missing.",
    )
    done = obs(
        "p2", "progress", "Done: The invoices table has an Export CSV button that downloads", at=T0
    )
    assert not changed_by(open_item, done)


def test_surviving_ids_follow_every_merge() -> None:
    a, b, c = obs("a1", "gotcha", "x"), obs("b1", "gotcha", "y"), obs("c1", "gotcha", "z")
    from memgit.consolidate import Step

    steps = [Step("same fact", b, a), Step("same fact", c, b)]
    assert surviving(["a1", "b1", "d1"], steps) == ["c1", "d1"]


# --- through capture, on a real transcript ------------------------------------------------------

REAL = FIXTURES / "transcripts" / "entireio__cli__91-b42542f24f-1-full.jsonl"


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/fixtures/transcripts is absent")
def test_capture_supersedes_a_state_the_same_session_changed(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    report = ingest_transcript(
        memory, REAL, HeuristicExtractor(), clean=memory.redactor.clean, final=True
    )
    everything, _ = memory.store.load_all()
    by_title = {o.title: o for o in everything}
    stale = by_title["Init validates the session ID and rejects empty strings"]
    assert stale.status == "superseded"
    holder = memory.store.get(str(stale.superseded_by))
    assert holder.active
    assert stale.id in holder.supersedes
    assert stale.id not in {o.id for o in report.added}
    # the session's own time, not the capture's
    assert stale.updated.year == 2026
    assert stale.updated.month == 2
    summary = memory.session_summary(str(report.session))
    assert summary is not None
    assert stale.id not in summary.observations


def test_apply_reads_only_the_given_notes_of_the_session_and_keeps_its_times(
    memory_repo: Path,
) -> None:
    from memgit.consolidate import apply

    store = Memory.open(memory_repo).store
    state = obs(
        "g1aaaaaaaa",
        "gotcha",
        "Init validates the session ID and rejects empty strings",
        "Currently, `Init` validates the session ID and rejects empty strings.",
    )
    change = obs(
        "p1aaaaaaaa",
        "progress",
        "Changed Init: an empty session ID is now allowed",
        at=T0 + timedelta(minutes=3),
    )
    other_session = replace(state, id="g2aaaaaaaa", session="s2")
    not_listed = replace(state, id="g3aaaaaaaa")
    for note in (state, change, other_session, not_listed):
        store.create(note)
    steps = apply(store, "s1", ["g1aaaaaaaa", "p1aaaaaaaa", "g2aaaaaaaa"])
    assert [(s.keep.id, s.drop.id) for s in steps] == [("p1aaaaaaaa", "g1aaaaaaaa")]
    stale = store.get("g1aaaaaaaa")
    assert stale.status == "superseded"
    assert stale.superseded_by == "p1aaaaaaaa"
    assert stale.updated == T0 + timedelta(minutes=3)  # the session's time, not the capture's
    assert store.get("p1aaaaaaaa").supersedes == ("g1aaaaaaaa",)
    assert store.get("g2aaaaaaaa").active  # another session's note
    assert store.get("g3aaaaaaaa").active  # not among the given notes


def test_a_crash_between_writes_never_leaves_a_note_superseded_by_one_lacking_it(
    memory_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from memgit.consolidate import apply

    store = Memory.open(memory_repo).store
    state = obs(
        "g1aaaaaaaa",
        "gotcha",
        "Init validates the session ID and rejects empty strings",
        "Currently, `Init` validates the session ID and rejects empty strings.",
    )
    change = obs(
        "p1aaaaaaaa",
        "progress",
        "Changed Init: an empty session ID is now allowed",
        at=T0 + timedelta(minutes=3),
    )
    for note in (state, change):
        store.create(note)
    real_save = store.save
    calls: list[str] = []

    def save_once(note: Observation) -> Path:
        calls.append(note.id)
        if len(calls) > 1:
            raise OSError("disk full")
        return real_save(note)

    monkeypatch.setattr(store, "save", save_once)
    with pytest.raises(OSError, match="disk full"):
        apply(store, "s1", ["g1aaaaaaaa", "p1aaaaaaaa"])
    monkeypatch.undo()
    for note in (store.get("g1aaaaaaaa"), store.get("p1aaaaaaaa")):
        if note.superseded_by:
            assert note.id in store.get(note.superseded_by).supersedes
    assert store.get("p1aaaaaaaa").supersedes == ("g1aaaaaaaa",)
    assert store.get("g1aaaaaaaa").active  # left beside its holder, to be merged again


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/fixtures/transcripts is absent")
def test_a_failed_consolidation_keeps_the_notes_and_the_session_summary(
    memory_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import memgit.consolidate

    def fail(*_: object) -> list[object]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(memgit.consolidate, "apply", fail)
    memory = Memory.open(memory_repo)
    report = ingest_transcript(
        memory, REAL, HeuristicExtractor(), clean=memory.redactor.clean, final=True
    )
    assert report.unconsolidated is not None
    assert "No space left" in report.unconsolidated
    assert report.added
    assert report.summary is not None
    summary = memory.session_summary(str(report.session))
    assert summary is not None
    assert set(summary.observations) >= {o.id for o in report.added}


def test_plan_compares_a_pair_again_only_after_one_of_its_notes_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import memgit.consolidate as consolidate

    words = (
        "init session validate reject empty string cursor index search vector token table "
        "stripe invoice cache queue deploy worker schema migrate config hook capture"
    ).split()
    notes = [
        obs(
            f"n{i:09d}",
            ("gotcha", "decision", "pattern")[i % 3],
            " ".join(words[(i * 7 + k) % len(words)] for k in range(6)),
            "Currently " + " ".join(words[(i * 5 + k) % len(words)] for k in range(10)) + ".",
            at=T0 + timedelta(seconds=i // 3),
        )
        for i in range(60)
    ]
    compared: dict[tuple[str, str], list[tuple[Observation, Observation]]] = {}
    real = consolidate._pair

    def compare_once(left: Observation, right: Observation) -> consolidate.Step | None:
        seen = compared.setdefault((left.id, right.id), [])
        assert not any(a is left and b is right for a, b in seen), "compared twice unchanged"
        seen.append((left, right))
        return real(left, right)

    monkeypatch.setattr(consolidate, "_pair", compare_once)
    steps = plan(notes)
    assert len(steps) > 10  # the notes overlap: many are merged
    assert any(len(seen) > 1 for seen in compared.values())  # a merged note is compared again
