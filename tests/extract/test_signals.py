"""Cue gating and rejections: the trigger words never hide a cue that matches."""

from __future__ import annotations

import pytest

from memgit.extract.cues import CUES
from memgit.extract.phrasing import plain
from memgit.extract.segment import blocks, sentences
from memgit.extract.signals import cues, is_causal, rejection
from memgit.transcript import chunk_transcript, read_transcript

from ..transcript_factory import TRANSCRIPTS

SAMPLES = [
    "We decided to keep the queue on Redis because the team already runs it.",
    "let's rip celery out and move the jobs over to RQ",
    "Priya's team owns the ledger, ask Priya before touching it.",
    "Don't merge into release/2.4 until QA signs off.",
    "The root cause was a stale lockfile; it bit us twice.",
    "TODO: port the crawler to the retry budget.",
    "we pin the chart at 4.2.x until every env is migrated",
    "The gateway talks to auth over gRPC and is the only place that verifies tokens.",
    "Done: the parser now tags timestamps as UTC, 26 passed.",
    "no force-unwrapping anything that comes from config, ever",
]


def _ungated(text: str, role: str) -> list[tuple[str, str]]:
    lower = text.lower()
    return sorted(
        (c.kind, c.pattern.pattern)
        for c in CUES
        if role in c.roles and c.pattern.search(lower if c.folded else text)
    )


def _gated(text: str, role: str) -> list[tuple[str, str]]:
    return sorted((c.kind, c.pattern.pattern) for c in cues(text, role))


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("role", ["user", "assistant"])
def test_gating_finds_every_matching_cue(text: str, role: str) -> None:
    assert _gated(text, role) == _ungated(text, role)


def test_gating_on_every_sentence_of_the_fixtures() -> None:
    if not TRANSCRIPTS.is_dir():
        pytest.skip(f"shared fixtures not found at {TRANSCRIPTS}")
    checked = 0
    for path in sorted(TRANSCRIPTS.glob("*.jsonl")):
        for chunk in chunk_transcript(read_transcript(path, final=True)):
            for block in blocks(chunk.text):
                if block.role not in ("user", "assistant"):
                    continue
                for sentence in sentences(block):
                    text = plain(sentence.text)
                    assert _gated(text, block.role) == _ungated(text, block.role), text
                    checked += 1
    assert checked > 300


def test_folded_cues_match_regardless_of_case() -> None:
    assert _gated("WE DECIDED TO KEEP REDIS", "user") == _gated("we decided to keep redis", "user")


def test_every_cue_has_triggers_and_a_kind() -> None:
    kinds = {"decision", "gotcha", "pattern", "architecture", "done", "next", "coordination"}
    for cue in CUES:
        assert cue.kind in kinds
        assert cue.triggers, cue.name
        assert 0.0 < cue.weight < 1.0


@pytest.mark.parametrize(
    ("text", "role", "reason"),
    [
        ("should we switch to Bun at some point?", "user", "question"),
        ("why is the build slow", "user", "question"),
        ("maybe we could cache it", "user", "hedge"),
        ("I think the library sets it inline", "user", "hedge"),
        ("thanks, that's great!", "user", "chatter"),
        ("can you add a button for export", "user", "question"),
        ("I'd like you to add a button for export", "user", "request"),
        ("Let me look at the parser first.", "assistant", "narration"),
        ("Now I'll update the config and rerun.", "assistant", "narration"),
        ("const x = await fetch(url);", "assistant", "code"),
        ("ok", "user", "too short"),
    ],
)
def test_rejections(text: str, role: str, reason: str) -> None:
    assert rejection(text, role) == reason


@pytest.mark.parametrize(
    "text",
    [
        "Let's use pgbouncer in front of postgres.",
        "What's left: the helm chart still starts celery.",
        "Watch out: the client silently retries 403s.",
        "Here's how it fits: the worker talks to billing over gRPC.",
    ],
)
def test_statements_are_not_rejected(text: str) -> None:
    assert rejection(text, "user") is None


def test_causal_sentences() -> None:
    assert is_causal("It fails because the worker imports the job by its dotted path.")
    assert is_causal("The branch doesn't exist on the remote any more.")
    assert not is_causal("The workflow ran on both Python versions.")


@pytest.mark.parametrize(
    "text",
    [
        "RouteDto has no `@JsonClass(generateAdapter = true)`, so Moshi falls back to reflection.",
        "Tokio has only as many workers as cores (4 here), so two big manifests block the runtime.",
        "Flyway refuses a migration older than the newest applied one unless outOfOrder is on.",
        "If the order is deleted in between, loading the GlobalID raises DeserializationError.",
    ],
)
def test_a_mechanism_is_an_explanation(text: str) -> None:
    assert is_causal(text)


def test_narration_is_not_an_explanation() -> None:
    assert not is_causal("The handler reads the file and parses it on a worker thread.")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("the team agreed yesterday: we're moving from diesel to sqlx for new code", "decision"),
        ("That is why only release crashes.", "gotcha"),
        ("So jobs here should take the record's id, not the record.", "pattern"),
    ],
)
def test_cues_of_the_held_out_round(text: str, kind: str) -> None:
    assert kind in {c.kind for c in cues(text.lower() if kind == "decision" else text, "user")}


def test_a_segue_is_judged_by_the_statement_after_it() -> None:
    assert rejection("while you're in there, bump the version in setup.py", "user") == "request"
    assert rejection("while you're in there, we use sqlx for all new database code", "user") is None
    assert rejection("don't port the old modules yet", "user") == "request"


@pytest.mark.parametrize(
    "text",
    [
        'the ticket says: "Users should always be able to export their data as CSV"',
        "use the same style as the other endpoints",
        "keep it in line with the rest of the app",
        "for this PR, don't touch the migrations",
    ],
)
def test_the_tasks_own_wording_is_an_instruction(text: str) -> None:
    assert rejection(text, "user") == "request"


def test_a_rule_said_for_everyone_is_not_an_instruction() -> None:
    assert rejection("please always run the formatter before committing", "user") is None
