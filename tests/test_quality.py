"""The quality score, the floor and "done" progress, on sentences taken from real transcripts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from memgit.context import body_clause, prompt_context, render_section, session_start_context
from memgit.model import Observation
from memgit.quality import (
    DEFAULT_FLOOR,
    NOT_KNOWLEDGE_CAP,
    W_CONFIDENCE,
    W_EVIDENCE,
    W_HUMAN,
    W_SPECIFICITY,
    below_floor,
    blend,
    evidence,
    is_done,
    is_human,
    not_knowledge,
    parts,
    quality,
    specificity,
)

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def obs(
    title: str,
    body: str = "",
    kind: str = "gotcha",
    *,
    ident: str = "q0000001",
    confidence: float = 0.75,
    source: str | None = "heuristic",
    files: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    extra: tuple[tuple[str, object], ...] = (),
) -> Observation:
    return Observation(
        id=ident,
        type=kind,
        title=title,
        created=NOW,
        updated=NOW,
        body=body,
        confidence=confidence,
        source=source,
        files=files,
        tags=tags,
        extra=extra,
    )


def test_the_formula_is_the_weighted_sum_of_its_parts() -> None:
    note = obs(
        "The Linear MCP server doesn't expose an issue parameter on create_document",
        "The Linear MCP server doesn't expose an `issue` parameter on `create_document` - it "
        "only supports `project`.",
        confidence=0.76,
    )
    p = parts(note)
    expected = W_CONFIDENCE * 0.76 + W_SPECIFICITY * p.specificity + W_EVIDENCE * p.evidence + 0.0
    assert quality(note) == pytest.approx(expected)
    assert p.specificity == 1.0
    assert p.evidence == pytest.approx(2 / 3)  # a code span and identifiers; no file, no number
    assert 0.0 <= quality(note) <= 1.0


@pytest.mark.parametrize(
    "title",
    [
        "Our check rejects",  # a fragment ending on nothing, too short to say a fact
        "Keep that as a state",  # short, nothing to name the subject
        "They must…",
        "Now let's move on to Phase 2",  # a plan step
        "Variable is never reassigned",  # compiler chatter
        "Can you check the logs?",
    ],
)
def test_fragments_plan_steps_and_chatter_score_low_on_specificity(title: str) -> None:
    assert specificity(title) <= 0.4


@pytest.mark.parametrize(
    "title",
    [
        "SendMessage queues into an inbox but doesn't resurrect a terminated process",
        "The base branch alex/ent-221-phase-aware-git-hooks doesn't exist on the remote",
        "Write all logs to a single fixed file: .entire/logs/entire.log",
    ],
)
def test_titles_that_state_a_fact_keep_full_specificity(title: str) -> None:
    body = "The parent branches were already merged to main, so the pull request had no base."
    assert specificity(title, body) == 1.0


def test_a_body_that_only_repeats_the_title_costs_specificity() -> None:
    title = "Init validates the session ID and rejects empty strings"
    assert specificity(title, "Init validates the session ID and rejects empty strings.") == 0.8
    assert specificity(title, "Currently, `Init` returns an error before any log is opened.") == 1


def test_a_plan_step_in_the_body_counts_against_the_title() -> None:
    assert specificity("Migrate to AudioWorklet", "Let's also Migrate to AudioWorklet") < 0.3


def test_evidence_counts_kinds_not_occurrences() -> None:
    assert evidence("Use Vite over serve, http-server") == 0.0
    assert evidence("Fixed all 17 type errors") == pytest.approx(1 / 3)
    assert evidence("Run `mise run test` after editing cmd/entire/cli/root.go") == pytest.approx(
        2 / 3
    )
    rich = "`GetOrCreateEntireSessionID()` in cmd/entire/cli/session.go now takes 2 lookups"
    assert evidence(rich) == 1.0
    assert evidence("Plain words only", files=("src/app.py",)) == pytest.approx(1 / 3)


def test_people_count_more_and_are_never_below_the_floor() -> None:
    plain = obs("Use Vite", confidence=0.3)
    manual = obs("Use Vite", confidence=0.3, source="manual")
    accepted_tag = obs("Use Vite", confidence=0.3, tags=("accepted",))
    accepted_key = obs("Use Vite", confidence=0.3, extra=(("accepted", True),))
    assert not is_human(plain)
    assert all(is_human(o) for o in (manual, accepted_tag, accepted_key))
    assert is_human(obs("x", source="accepted:review"))
    assert quality(manual) == pytest.approx(quality(plain) + W_HUMAN)
    assert below_floor(plain)
    assert not below_floor(manual, floor=1.0)


@pytest.mark.parametrize(
    "title",
    [
        "Done: recorder.js - Now uses AudioWorklet instead of ScriptProcessor",
        "Fixed colour mismatch: Updated the sidechain group colour from #e8f5e8 to #ffeee1",
        "Created cmd/entire/cli/help.go (moved from commands/ with updated package)",
        "Updated the GitHub Action and fixed all the type issues",
        "The AudioWorklet migration is complete",
        "PR #412 was merged",
    ],
)
def test_progress_that_reports_finished_work_is_done(title: str) -> None:
    assert is_done(obs(title, kind="progress"))


@pytest.mark.parametrize(
    "title",
    [
        "Migrating the recorder to AudioWorklet; the encoder worker is still on ScriptProcessor",
        "Fixed the parser but the CLI tests are not done yet",
        "Blocked on the Linear MCP server: create_document has no issue parameter",
        "Next: consolidate session logging into one file",
    ],
)
def test_progress_still_open_is_not_done(title: str) -> None:
    assert not is_done(obs(title, kind="progress"))


def test_only_progress_can_be_done() -> None:
    assert not is_done(obs("Fixed: timestamps are parsed as UTC", kind="gotcha"))


# --- where the score is used ---------------------------------------------------------------------


def _ids(text: str) -> list[str]:
    import re

    return re.findall(r"\[m:([0-9a-z]+)\]", text)


def test_the_section_ranks_by_quality_within_a_group() -> None:
    weak = obs("Module name doesn't match configuration", ident="w0000001", confidence=0.9)
    strong = obs(
        "SendMessage queues into an inbox but doesn't resurrect a terminated process",
        "`SendMessage` queues into an inbox; per the Agent tool's note a new Agent call starts "
        "a fresh agent with no memory of prior runs (round 2 needed 3 fresh agents).",
        ident="s0000001",
        confidence=0.65,
    )
    assert quality(strong) > quality(weak)
    assert _ids(render_section([weak, strong], NOW)) == ["s0000001", "w0000001"]


def test_the_floor_keeps_poor_memory_out_of_everything_claude_reads_first() -> None:
    poor = obs("Migrate to AudioWorklet", "Let's also Migrate to AudioWorklet", ident="p0000001")
    poor_open = obs("Let me check", "", "progress", ident="p0000002")
    good = obs(
        "ScriptProcessor (used in recorder.js:9) is deprecated in favour of AudioWorklet",
        "AudioWorklet requires a separate worklet file loaded with `audioWorklet.addModule()`.",
        ident="g0000001",
    )
    assert below_floor(poor)
    assert below_floor(poor_open)
    assert not below_floor(good)
    section = render_section([poor, poor_open, good], NOW)
    assert _ids(section) == ["g0000001"]
    assert "2 more observations not shown" in section
    assert session_start_context([poor_open], NOW) == ""
    assert _ids(prompt_context([poor, good], now=NOW)) == ["g0000001"]
    # The floor is a setting: at 0 everything active is shown.
    assert set(_ids(render_section([poor, poor_open, good], NOW, quality_floor=0.0))) == {
        "p0000001",
        "p0000002",
        "g0000001",
    }
    assert DEFAULT_FLOOR == 0.4


def test_finished_work_leaves_in_progress_and_session_start() -> None:
    done = obs(
        "Done: recorder.js - Now uses AudioWorklet instead of ScriptProcessor",
        "recorder.js now loads `recorder-worklet.js`; the AudioWorklet migration is complete.",
        "progress",
        ident="d0000001",
    )
    open_item = obs(
        "Migrating encoder.js to AudioWorklet; the WAV encoder worker still uses ScriptProcessor",
        "encoder.js:40 still creates a ScriptProcessorNode with a 4096-sample buffer.",
        "progress",
        ident="o0000001",
    )
    section = render_section([done, open_item], NOW)
    assert _ids(section) == ["o0000001"]
    start = session_start_context([done, open_item], NOW)
    assert _ids(start) == ["o0000001"]


def test_section_lines_carry_a_clause_of_the_body() -> None:
    note = obs(
        "SendMessage queued to terminated agents' inboxes but didn't resurrect them",
        "Octopus merge 1: branches merged cleanly into master (3 new files, 333 insertions). "
        "Hiccup: `SendMessage` queued to terminated agents' inboxes but didn't resurrect them. "
        "Resuming requires the agent still to be running; once it has returned, spawn fresh.",
        ident="c0000001",
    )
    line = next(x for x in render_section([note], NOW).split("\n") if x.startswith("- "))
    assert line.startswith(
        "- SendMessage queued to terminated agents' inboxes but didn't resurrect them — "
        "Resuming requires the agent still to be running"
    )
    assert line.endswith("[m:c0000001]")
    assert len(line) < 220


def test_a_clause_never_restates_the_title_or_carries_a_plan_step() -> None:
    title = "Using setuptools instead of Hatchling"
    assert (
        body_clause(
            title,
            "Module name doesn't match configuration Using setuptools "
            "instead of Hatchling\n\n- Using setuptools instead of Hatchling",
        )
        is None
    )
    assert body_clause("Migrate to AudioWorklet", "Let's also Migrate to AudioWorklet") is None
    assert body_clause("Use Vite over serve", "Now let's move on to Phase 2 of the plan.") is None
    assert body_clause("Use Vite over serve", "") is None
    bug = "A bug where sessions crossing midnight were treated as two separate sessions"
    noise = "Symptom: Also the lint looks broken so let's fix that along the way"
    assert body_clause(bug, noise) is None
    assert body_clause(bug, f"{noise}\n- The session id was regenerated on each hook call") == (
        "The session id was regenerated on each hook call"
    )


def test_a_long_clause_is_cut_at_a_phrase_or_a_word_never_mid_word() -> None:
    title = "The plan is written as a markdown file via ordinary Edit/Write tools"
    body = (
        "The plan is written as a markdown file via ordinary Edit/Write tools. "
        "ExitPlanMode then reads that plan file and surfaces an approval dialog with three "
        "choices, accept-and-execute, accept-and-keep-planning, or reject and edit via Ctrl+G."
    )
    clause = body_clause(title, body)
    assert clause is not None
    assert len(clause) <= 92
    assert clause.endswith("…")
    words = set(body.replace(",", " ").split())
    assert all(w.strip("…, ") in words for w in clause.split() if w.strip("…, "))


def test_the_floor_is_read_from_config_yaml(memory_repo: Path) -> None:
    from memgit.api import Memory

    memory = Memory.open(memory_repo)
    assert memory.config.context.quality_floor == DEFAULT_FLOOR
    poor = memory.add("decision", "Migrate to AudioWorklet", "Let's also Migrate to AudioWorklet")[
        0
    ]
    assert poor.id not in _ids(memory.section_body(now=NOW))
    config = memory_repo / ".memory" / "config.yaml"
    text = config.read_text(encoding="utf-8").replace("quality_floor: 0.4", "quality_floor: 0.0")
    config.write_text(text, encoding="utf-8")
    assert Memory.open(memory_repo).config.context.quality_floor == 0.0
    assert poor.id in _ids(Memory.open(memory_repo).section_body(now=NOW))


def test_blend_weighs_relevance_by_quality_at_most_by_half() -> None:
    poor = obs("Migrate to AudioWorklet", "Let's also Migrate to AudioWorklet")
    fine = obs(
        "ScriptProcessor (used in recorder.js:9) is deprecated in favour of AudioWorklet",
        "AudioWorklet needs a separate worklet file loaded with `audioWorklet.addModule()`.",
    )
    assert blend(1.0, fine) > blend(1.0, poor) >= 0.5
    assert blend(2.0, poor) > blend(1.0, fine)  # relevance to the prompt comes first


# --- notes that are not knowledge, however well they read ----------------------------------------

NOT_KNOWLEDGE = [
    # d-kimuson__claude-code-viewer: praise of the work just done
    (
        "All components use proper TypeScript interfaces, are fully reusable",
        "All components use proper TypeScript interfaces, are fully reusable, and feature "
        "responsive Tailwind CSS styling with hover effects and focus states.",
        "praise",
    ),
    # daaain__claude-code-log__ef958aa1: an order about the session's own work, quoted as a rule
    (
        "Don't use ClMail for communication, use the builtin subagent teams",
        "When all the initial research step is complete, you can merge the branches from the 3 "
        "wortrees in master (no conflict expected) and then ask the teammates to pull the changes "
        "from master and to the second step (the comparison). To be clear: don't use ClMail for "
        "communication, use the builtin subagent teams.",
        "an order about the session's own work",
    ),
    # entireio__cli__91: the remote's branches at one moment
    (
        "The base branch alex/ent-221-phase-aware-git-hooks doesn't exist on the remote",
        "The base branch `alex/ent-221-phase-aware-git-hooks` doesn't exist on the remote.\n\n"
        "- The parent branches were already merged to main.",
        "a transient state of branches or pull requests",
    ),
    # daaain__claude-code-log__ef958aa1: what a research document says, reported
    (
        "The plan is written as a markdown file via ordinary Edit/Write tools",
        "It explains the `EnterPlanMode` / `ExitPlanMode` tool pair as a two-step state machine; "
        "the plan is written as a markdown file via ordinary Edit/Write tools.",
        "a report of what a document says",
    ),
]


@pytest.mark.parametrize(("title", "body", "why"), NOT_KNOWLEDGE)
def test_praise_orders_transient_states_and_reports_are_not_knowledge(
    title: str, body: str, why: str
) -> None:
    assert not_knowledge(title, body) == why
    note = obs(title, body, "pattern", confidence=0.85)
    assert quality(note) <= NOT_KNOWLEDGE_CAP < DEFAULT_FLOOR
    assert below_floor(note)
    accepted = obs(title, body, "pattern", source="manual")
    assert not below_floor(accepted)  # what a person wrote stays whatever it says


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # real notes from the same transcripts that are knowledge and must keep their score
        (
            "Keep our working documentation in linear",
            "I'm working on linear ENT-98. keep our working documentation in linear.",
        ),
        ("All types are exported through a barrel file for convenient importing", ""),
        ("Use Vite over serve, http-server", "Vite: modern, fast, great DX"),
        (
            "The Linear MCP server doesn't expose an issue parameter on create_document",
            "The underlying Linear API clearly supports it since you did it through the UI.",
        ),
        ("Write all logs to a single fixed file: .entire/logs/entire.log", ""),
        ("Every env has its own state bucket and its own folder", ""),
        ("release/2.4 stays frozen until QA signs off", ""),
        ("If you need a new endpoint in the client, regenerate it from openapi.yaml", ""),
        # technical terms made of the same words
        ("Use fully qualified names for a clean build", ""),
        ("The remote config endpoint does not exist in API v2", ""),
        ("The commit hook is already merged into the pre-commit config", ""),
    ],
)
def test_knowledge_is_not_taken_for_praise_orders_or_transient_states(
    title: str, body: str
) -> None:
    assert not_knowledge(title, body) is None
    assert parts(obs(title, body)).not_knowledge is None
