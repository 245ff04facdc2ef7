"""Each rule of the offline extractor shown on sentences taken from the real transcripts.

The sentences are read from ``../shared/fixtures/transcripts`` at test time (never copied into
the repository); a test skips with the reason when the fixture or the sentence is absent. The
eval sessions in ``bench/eval`` show the same rules on invented sessions; these show they hold on
what real sessions say.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from memgit.dedupe import judge, specificity, superseding
from memgit.extract import titles
from memgit.extract.base import Candidate, ChunkInput, Extraction
from memgit.extract.heuristic import HeuristicExtractor
from memgit.extract.labels import labelled
from memgit.extract.signals import rejection
from memgit.model import compose_body, new_observation
from memgit.transcript import chunk_transcript, read_transcript

from ..transcript_factory import TRANSCRIPTS

SENDMESSAGE = "daaain__claude-code-log__ef958aa1-0e93-49f0-bb71-150f63befcd1.jsonl"
LOGGING = "entireio__cli__91-b42542f24f-1-full.jsonl"
TODO_APP = "d-kimuson__claude-code-viewer__fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl"
SOUND = "daaain__claude-code-log__7acd37a8-2745-4b58-a8a9-46164b22ad9e.jsonl"
CI = "daaain__claude-code-log__fe869ecb-c176-478f-9734-7e4b8ef12cff.jsonl"


def _texts(name: str) -> list[tuple[str, str]]:
    """(role, text) of every prompt and text block of a fixture, in order."""
    path = TRANSCRIPTS / name
    if not path.is_file():
        pytest.skip(f"fixture {name} not found in {TRANSCRIPTS}")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        message = record.get("message") or {}
        content = message.get("content")
        role = message.get("role") or record.get("type")
        if isinstance(content, str):
            out.append((str(role), content))
        elif isinstance(content, list):
            out += [
                (str(role), b["text"])
                for b in content
                if isinstance(b, dict) and b.get("type") == "text" and b.get("text")
            ]
    return out


def said(name: str, needle: str) -> str:
    """The sentence (or line) of fixture ``name`` that contains ``needle``."""
    for _, text in _texts(name):
        for line in text.splitlines():
            if needle in line:
                start = line.rfind(". ", 0, line.index(needle)) + 1
                end = line.find(". ", line.index(needle))
                return line[start : end + 1 if end >= 0 else len(line)].strip()
    pytest.skip(f"{needle!r} is no longer in {name}")


def message(name: str, needle: str) -> str:
    """The whole text block of fixture ``name`` that contains ``needle``."""
    for _, text in _texts(name):
        if needle in text:
            return text
    pytest.skip(f"{needle!r} is no longer in {name}")


def extract(text: str, known: tuple[object, ...] = ()) -> Extraction:
    return HeuristicExtractor().extract(ChunkInput(text=text), list(known))  # type: ignore[arg-type]


def titled(result: Extraction) -> list[str]:
    return [c.title for c in result.candidates]


# --- facts the assistant states ------------------------------------------------------------------


def test_a_labelled_statement_is_kept_with_its_type_and_without_its_label() -> None:
    line = said(SENDMESSAGE, "**Hiccup:**").removeprefix("- ")
    label = labelled(line.replace("**", ""))
    assert label is not None
    assert label[0] == "gotcha"
    result = extract(f"USER: can you check on the subagents?\nASSISTANT: {line}")
    [gotcha] = [c for c in result.candidates if c.type == "gotcha"]
    assert gotcha.title.startswith("SendMessage queued to terminated agents")
    assert "Hiccup" not in gotcha.title


def test_a_bare_label_says_nothing() -> None:
    assert labelled("Next:") is None
    assert labelled("Status: done") is None


def test_a_present_tense_convention_stated_by_the_assistant_is_a_pattern() -> None:
    line = said(TODO_APP, "All components use proper TypeScript interfaces")
    result = extract(f"USER: make the components\nASSISTANT: {line}")
    assert [c.type for c in result.candidates] == ["pattern"]


# --- what is not knowledge -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "needle", ["that diagnostic is pre-existing", "Those diagnostics are pre-existing"]
)
def test_linter_and_compiler_chatter_is_not_memory(needle: str) -> None:
    line = said(LOGGING, needle)
    assert rejection(line, "assistant") == "diagnostic"
    assert not extract(f"USER: go on\nASSISTANT: {line}").candidates


def test_a_sentence_that_introduces_a_list_is_not_a_fact() -> None:
    line = said(SOUND, "Let me start with the straightforward API updates")
    assert rejection(line.replace("Let me start", "We start"), "assistant") == "lead-in"


def test_the_users_task_instructions_are_not_decisions() -> None:
    hand_over = said(SENDMESSAGE, "hand over this research to teammates")
    assert "hand over" in hand_over
    push = said(LOGGING, "commit this, push, open draft PR")
    for line in (hand_over.split(". ", 1)[-1], push):
        assert rejection(line, "user") == "request", line
    prompt = message(SENDMESSAGE, "hand over this research to teammates")
    result = extract(f"USER: {prompt}")
    assert not [c for c in result.candidates if c.type in ("decision", "coordination")]


def test_a_pasted_plan_outline_is_not_memory_but_its_change_is_the_decision() -> None:
    plan = message(LOGGING, "Consolidate logging to single file per worktree")
    assert "tail -f" in plan
    result = extract(f"USER: {plan}")
    assert not [c for c in result.candidates if "tail -f" in c.title]
    decisions = [c for c in result.candidates if c.type == "decision"]
    assert any("entire.log" in c.title for c in decisions), titled(result)


def test_a_plan_step_is_not_memory() -> None:
    assert rejection("Now let's move on to Phase 2: the headers.", "assistant") == "plan step"
    assert rejection("Phase 2: repository layer", "user") == "plan step"


# --- one fact, one observation -------------------------------------------------------------------


def test_a_choice_and_the_reason_after_it_are_one_observation() -> None:
    line = said(SOUND, "Let's migrate to AudioWorklet for proper modern audio processing")
    reason = said(SOUND, "This will improve performance by moving audio processing off")
    result = extract(f"USER: Let's also Migrate to AudioWorklet\nASSISTANT: {line} {reason}")
    about = [c for c in result.candidates if "audioworklet" in c.title.lower()]
    assert len(about) == 1, titled(result)
    assert about[0].type == "decision"
    assert "main thread" in " ".join([about[0].narrative, *about[0].facts])
    assert not [c for c in result.candidates if c.title.startswith("This will")]


def test_a_known_observation_of_another_type_is_not_stated_again() -> None:
    line = said(SENDMESSAGE, "**Hiccup:**").replace("**", "").removeprefix("- ")
    first = extract(f"USER: check on them\nASSISTANT: {line}").candidates[0]
    known = new_observation("pattern", first.title, first.narrative)
    again = extract(f"USER: check on them\nASSISTANT: {line}", (known,))
    assert not again.candidates


def test_the_same_behaviour_explained_twice_is_one_observation() -> None:
    hiccup = said(SENDMESSAGE, "**Hiccup:**").replace("**", "").removeprefix("- Hiccup: ")
    later = said(SENDMESSAGE, "`SendMessage` queues into an inbox but doesn't resurrect")
    first = new_observation("gotcha", hiccup.split(" \u2014 ")[0].replace("`", ""), hiccup)
    second = new_observation(
        "gotcha", later.split(" (")[0].replace("`", "").rstrip("."), compose_body(later, [])
    )
    assert judge(second, [first], 0.6).action == "supersede"


# --- titles that stand alone ---------------------------------------------------------------------


def test_a_title_with_a_pronoun_subject_or_a_dangling_end_does_not_stand_alone() -> None:
    line = said(LOGGING, "It can still do this")
    clause = line[line.index("It can still do this") :]
    assert titles.problem(clause) == "pronoun"
    assert titles.problem("Keep that") == "too short"
    assert titles.problem("Every error response goes through the") == "dangling"
    assert titles.problem("Write all logs to a single fixed file: .entire/logs/entire.log") is None
    assert titles.problem("This repo is pnpm only") is None


def test_since_a_then_b_puts_the_statement_first_and_drops_the_speaker() -> None:
    line = said(CI, "Since this is testing an existing workflow")
    statement, reason = titles.reason_last(line.rstrip("."))
    assert reason == "this is testing an existing workflow"
    assert titles.unspoken(statement).startswith("modify the CI to allow type check failures")


def test_every_title_from_the_real_transcripts_stands_alone() -> None:
    if not TRANSCRIPTS.is_dir():
        pytest.skip(f"shared fixtures not found at {TRANSCRIPTS}")
    extractor = HeuristicExtractor()
    found: list[Candidate] = []
    for path in sorted(TRANSCRIPTS.glob("*.jsonl")):
        for chunk in chunk_transcript(read_transcript(path, final=True)):
            result = extractor.extract(ChunkInput(chunk.text, chunk.files), [])
            found += result.candidates
    assert found
    for candidate in found:
        assert titles.problem(candidate.title) is None, candidate.title
        assert not candidate.title.endswith(("…", ":")) or candidate.title.endswith("…")


# --- supersession keeps the more specific title and body -----------------------------------------


def test_supersession_keeps_the_more_specific_title_and_body() -> None:
    old = new_observation(
        "pattern",
        "Write all logs to .entire/logs/entire.log, filtered by session_id with jq",
        compose_body("All logs go to one file per worktree.", ["session_id is on every line"]),
    )
    vague = new_observation(
        "pattern", "That's our convention", compose_body("That's our convention.", ["jq works"])
    )
    assert specificity(old.title) > specificity(vague.title)
    title, body = superseding(old, vague)
    assert title == old.title
    assert "one file per worktree" in body
    assert "- jq works" in body
    better = replace(vague, title="All logs go to .entire/logs/entire.log, never one per session")
    assert superseding(old, better)[0] == better.title or specificity(better.title) < specificity(
        old.title
    )


def test_a_heads_up_label_lets_the_statement_choose_its_type() -> None:
    line = said(SOUND, "**Note:** ScriptProcessor is still used").replace("**", "")
    label = labelled(line)
    assert label is not None
    assert label[0] == "notable"
    result = extract(f"USER: is it all modern now?\nASSISTANT: {line}")
    [note] = result.candidates
    assert note.type == "progress"
    assert "ScriptProcessor" in note.title
    assert not note.title.startswith("Note")


def test_a_choice_told_as_a_step_is_a_decision_without_its_speaker() -> None:
    # The rule on a real choice (the session's Vite pick), told the way assistants narrate.
    pick = said(SOUND, "My recommendation: **Vite**").replace("**", "")
    assert "Vite" in pick
    result = extract(
        "USER: simplest way to serve it?\nASSISTANT: I'm adding Vite as the dev server rather "
        "than http-server, since it is what most people expect nowadays."
    )
    [decision] = [c for c in result.candidates if c.type == "decision"]
    assert decision.title.startswith("Adding Vite as the dev server rather than http-server")
    assert titles.problem(decision.title) is None


def test_items_under_an_issues_heading_are_gotchas() -> None:
    report = message(
        "daaain__claude-code-log__agent-ea02459f.jsonl", "Current Issues for UV Installation"
    )
    result = extract(f"USER: can we install it with uv?\nASSISTANT: {report}")
    gotchas = [c for c in result.candidates if c.type == "gotcha"]
    assert any("coderabbit_review_extractor" in " ".join([c.title, *c.facts]) for c in gotchas)


def test_a_team_commitment_in_we_will_is_a_decision_but_a_plan_to_experiment_is_not() -> None:
    plan = said(SENDMESSAGE, "we're going to make a little experiment here")
    assert not [c for c in extract(f"USER: {plan}").candidates if c.type == "decision"]
    result = extract(
        "USER: the deploy locked the table\nASSISTANT: We'll add the column as nullable, "
        "backfill it in batches of 10k, and only then add the NOT NULL constraint."
    )
    assert [c.type for c in result.candidates] == ["decision"]


def test_a_pronoun_subject_is_named_from_the_sentence_before() -> None:
    line = said(LOGGING, "currently reads session ID from")
    clause = message(LOGGING, "It can still do this").split("It can still do this", 1)[1]
    named = titles.resolved(f"It can still do this{clause}", line)
    assert named.startswith("initHookLogging() can still do this")
    assert titles.problem(named) not in ("pronoun", "connective")
    assert titles.resolved("This client retries POSTs", "Uses `stripe_lite.HttpClient`.") == (
        "stripe_lite.HttpClient retries POSTs"
    )
    assert titles.resolved("It breaks", "the thing is slow.") == ""


def test_that_file_is_named_from_the_path_in_the_sentence_before() -> None:
    before = said(LOGGING, "Update the file path description from")
    assert "logging" in before or "entire.log" in before
    named = titles.resolved(
        "That file is read by the docs site", "Edit docs/architecture/logging.md."
    )
    assert named == "docs/architecture/logging.md is read by the docs site"
    assert titles.resolved("That file is stale", "Nothing here names a path.") == ""


@pytest.mark.parametrize(
    "instruction",
    [
        "Keep the API backwards compatible while you do it.",
        "Please keep the diff small.",
        "Let's keep the PR focused on the parser.",
        "use the same approach as before",
        "Don't bother with the admin pages.",
    ],
)
def test_instructions_about_the_work_at_hand_are_not_memory(instruction: str) -> None:
    lint = said("entireio__cli__10-a740e118e0-0-full.jsonl", "lint looks broken")
    for line in (lint, instruction):
        result = extract(f"USER: the csv import is broken for big files. {line}")
        assert not result.candidates, (line, titled(result))
    kept = extract("USER: the import is broken. Never push directly to the release branch.")
    assert [c.type for c in kept.candidates] == ["pattern"]


def test_a_remember_aside_is_kept_unless_it_speaks_to_the_assistant() -> None:
    prompt = said("entireio__cli__10-a740e118e0-0-full.jsonl", "remember also you have LSP")
    assert "LSP" in prompt
    assert labelled("remember also you have LSP tool access.") is None
    assert not [c for c in extract(f"USER: {prompt}").candidates if "LSP" in c.title]
    aside = labelled("remember that the CSV exports feed finance's excel macros")
    assert aside is not None
    assert aside[0] == "notable"


# --- rules of the held-out round, on what the real sessions say ----------------------------------

TIDEPOOL = "constructed__tidepool.jsonl"


def test_a_fix_report_that_names_the_old_behaviour_is_a_gotcha_without_its_label() -> None:
    line = said(TIDEPOOL, "Fixed: parse_row")
    result = extract(f"USER: the harbor import is an hour off\nASSISTANT: {line}")
    [gotcha] = [c for c in result.candidates if c.type == "gotcha"]
    assert gotcha.title.startswith("parse_row now tags"), gotcha.title
    assert "instead of" in gotcha.title
    assert not [c for c in result.candidates if c.type == "progress"]


def test_a_finished_step_report_goes_to_the_session_notes_not_to_memory() -> None:
    line = said(TIDEPOOL, "Fixed: parse_row")
    line = line.replace(" instead of letting them be read as local", "")
    result = extract(f"USER: tag the harbor timestamps\nASSISTANT: {line}")
    assert not result.candidates, titled(result)
    assert any("parse_row" in c for c in result.notes.completed)


def test_a_warning_paragraph_is_one_gotcha_led_by_the_sentence_that_names_its_subject() -> None:
    behaviour = strip_currently(said(LOGGING, "validates the session ID and rejects empty strings"))
    result = extract(
        "USER: log hooks that run without a session too\n"
        f"ASSISTANT: Careful: this would drop every hook line that has no session. {behaviour}"
    )
    [gotcha] = result.candidates
    assert gotcha.type == "gotcha"
    assert "validates the session ID" in gotcha.title, gotcha.title
    assert "drop every hook line" in compose_body(gotcha.narrative, gotcha.facts)


def strip_currently(sentence: str) -> str:
    return sentence.removeprefix("Currently, ").replace("`Init`", "Init")


def test_a_segue_before_a_statement_leaves_the_statement_to_be_judged() -> None:
    line = said(SENDMESSAGE, "use the builtin subagent teams")
    alone = extract(f"USER: {line}")
    segued = extract(f"USER: while you're in there, {line[0].lower()}{line[1:]}")
    assert [c.type for c in segued.candidates] == [c.type for c in alone.candidates]
    assert segued.candidates, line
    assert not segued.candidates[0].title.lower().startswith("while")


def test_a_deferral_with_yet_is_an_instruction_but_a_state_with_yet_is_not_rejected() -> None:
    state = said(TEAM_PROMPT, "don't exist yet on your branch")
    assert rejection(state, "user") != "request"
    assert rejection("don't port the old modules yet", "user") == "request"


TEAM_PROMPT = "daaain__claude-code-log__agent-a4ca7529859c158c2.jsonl"
