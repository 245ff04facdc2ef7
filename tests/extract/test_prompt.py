"""The extraction prompt, the reply schema and the strict reply parser."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from memgit.errors import ExtractorError
from memgit.extract.base import Candidate, ChunkInput, SessionNotes
from memgit.extract.prompt import (
    SYSTEM_PROMPT,
    build_prompt,
    check_echo_text,
    parse_reply,
    reply_schema,
    trim_title,
)
from memgit.model import TITLE_MAX, TYPES, Observation, new_observation

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
CHUNK = ChunkInput(
    text="user: timestamps are off by an hour\nassistant: harbor.py parsed local time; now UTC",
    files=("src/harbor.py",),
    branch="fix/utc",
)


def known() -> list[Observation]:
    return [
        new_observation("decision", "Parse harbor timestamps as UTC", now=NOW, ident="kaaaa00001"),
        new_observation("gotcha", "CI runners use TZ=Europe/Paris", now=NOW, ident="kbbbb00002"),
    ]


def observation(**fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "gotcha",
        "title": "Harbor API returns local time without an offset",
        "narrative": "The API omits the offset, so parsing it as local time shifted by an hour.",
        "facts": ["offset missing in /v2/tides"],
        "files": ["src/harbor.py"],
        "tags": ["time"],
        "confidence": 0.9,
    }
    item.update(fields)
    return item


# --- prompt --------------------------------------------------------------------------------------


def test_prompt_defines_every_type_and_what_not_to_record() -> None:
    for kind in TYPES:
        assert f"- {kind}: " in SYSTEM_PROMPT
    for word in ("trivia", "any project", "chatter", "secrets"):
        assert word in SYSTEM_PROMPT
    assert f"at most {TITLE_MAX} characters" in SYSTEM_PROMPT
    for key in ("request", "learned", "completed", "next_steps", "confidence"):
        assert key in SYSTEM_PROMPT


def test_prompt_carries_the_chunk_verbatim_with_files_branch_and_known_memories() -> None:
    prompt = build_prompt(CHUNK, known())
    assert CHUNK.text in prompt.user
    assert prompt.user.count(CHUNK.text) == 1
    assert "Branch: fix/utc" in prompt.user
    assert "src/harbor.py" in prompt.user
    assert "[m:kaaaa00001] decision: Parse harbor timestamps as UTC" in prompt.user
    assert "[m:kbbbb00002] gotcha: CI runners use TZ=Europe/Paris" in prompt.user
    assert "do not record these again" in prompt.user
    assert prompt.text.startswith(prompt.system)
    assert prompt.text.endswith(prompt.user)


def test_prompt_instructions_leave_out_the_session_text_and_the_known_memories() -> None:
    prompt = build_prompt(CHUNK, known())
    assert CHUNK.text not in prompt.instructions
    assert "Parse harbor timestamps as UTC" not in prompt.instructions
    assert SYSTEM_PROMPT in prompt.instructions


def test_prompt_without_known_memories_says_so_and_caps_the_list() -> None:
    assert "Known memories: none yet." in build_prompt(CHUNK, []).user
    many = [
        new_observation("pattern", f"Pattern number {i}", now=NOW, ident=f"kcccc{i:05d}")
        for i in range(40)
    ]
    user = build_prompt(CHUNK, many, max_known=5).user
    assert "Pattern number 4" in user
    assert "Pattern number 5" not in user


def test_schema_is_a_json_object_schema_listing_the_types() -> None:
    schema = reply_schema()
    json.dumps(schema)
    assert schema["type"] == "object"
    assert schema["required"] == ["observations", "notes"]
    item = schema["properties"]["observations"]["items"]
    assert item["properties"]["type"]["enum"] == list(TYPES)
    schema["required"].append("mutated")
    assert reply_schema()["required"] == ["observations", "notes"]


# --- parsing -------------------------------------------------------------------------------------


def test_a_good_reply_becomes_candidates_and_notes() -> None:
    reply = {
        "observations": [observation()],
        "notes": {
            "request": "Fix the off-by-one-hour timestamps",
            "learned": ["The harbor API omits offsets"],
            "completed": ["harbor.py parses UTC"],
            "next_steps": ["Add a DST test"],
        },
    }
    extraction = parse_reply(reply, build_prompt(CHUNK, known()))
    assert extraction.candidates == (
        Candidate(
            type="gotcha",
            title="Harbor API returns local time without an offset",
            narrative="The API omits the offset, so parsing it as local time shifted by an hour.",
            facts=("offset missing in /v2/tides",),
            files=("src/harbor.py",),
            tags=("time",),
            confidence=0.9,
        ),
    )
    assert extraction.notes == SessionNotes(
        request="Fix the off-by-one-hour timestamps",
        learned=("The harbor API omits offsets",),
        completed=("harbor.py parses UTC",),
        next_steps=("Add a DST test",),
    )
    assert extraction.usage.total == 0


def test_an_empty_list_is_a_valid_answer() -> None:
    extraction = parse_reply({"observations": [], "notes": {}})
    assert extraction.candidates == ()
    assert extraction.notes == SessionNotes()


def test_unknown_types_untitled_items_and_non_objects_are_dropped() -> None:
    reply = {
        "observations": [
            observation(type="insight"),
            observation(type=None),
            observation(title="   "),
            observation(title=42),
            "a loose string",
            observation(type=" Decision ", title="Keep the cache per process"),
        ]
    }
    (only,) = parse_reply(reply).candidates
    assert (only.type, only.title) == ("decision", "Keep the cache per process")


def test_titles_become_one_line_and_are_trimmed_to_the_limit() -> None:
    long_title = "Harbor timestamps " + "are parsed as UTC everywhere " * 6
    reply = {"observations": [observation(title=long_title), observation(title="two\nlines")]}
    first, second = parse_reply(reply).candidates
    assert len(first.title) <= TITLE_MAX
    assert long_title.startswith(first.title)
    assert not first.title.endswith(" ")
    assert second.title == "two lines"
    assert trim_title("x" * 150) == "x" * TITLE_MAX


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1.7, 1.0), (-0.2, 0.0), (0.35, 0.35), (1, 1.0), ("0.9", 0.7), (True, 0.7), (None, 0.7)],
)
def test_confidence_is_clamped_and_junk_gets_the_default(raw: object, expected: float) -> None:
    (candidate,) = parse_reply({"observations": [observation(confidence=raw)]}).candidates
    assert candidate.confidence == expected


def test_nan_confidence_gets_the_default() -> None:
    (candidate,) = parse_reply({"observations": [observation(confidence=float("nan"))]}).candidates
    assert candidate.confidence == 0.7


def test_files_are_repository_relative_and_lists_are_cleaned() -> None:
    item = observation(
        files=[
            "./src/a.py",
            "src\\win\\b.py",
            "/home/me/project/c.py",
            "C:/x.py",
            "../outside.py",
            "https://example.com/x.py",
            "src/a.py",
            7,
        ],
        facts="a single fact as a string",
        tags=["Time Zones", "#utc", "", "time zones"],
        narrative=["not", "a", "string"],
    )
    (candidate,) = parse_reply({"observations": [item]}).candidates
    assert candidate.files == ("src/a.py", "src/win/b.py")
    assert candidate.facts == ("a single fact as a string",)
    assert candidate.tags == ("time-zones", "utc")
    assert candidate.narrative == ""
    new_observation(candidate.type, candidate.title, files=list(candidate.files))


def test_notes_of_the_wrong_shape_are_ignored() -> None:
    extraction = parse_reply({"observations": [], "notes": ["not", "an", "object"]})
    assert extraction.notes == SessionNotes()
    notes = parse_reply(
        {"observations": [], "notes": {"request": 3, "learned": "one thing", "completed": [1]}}
    ).notes
    assert notes == SessionNotes(learned=("one thing",))


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        ([], "is a list"),
        ("observations", "is a string"),
        (None, "is a null"),
        ({"notes": {}}, "missing; keys present: notes"),
        ({"observations": "none"}, "no 'observations' list (a string"),
        ({"observations": ["a", "b"]}, "not objects"),
    ],
)
def test_a_reply_of_the_wrong_shape_raises_and_says_what_was_wrong(
    reply: object, says: str
) -> None:
    with pytest.raises(ExtractorError, match="observations") as caught:
        parse_reply(reply)
    assert says in str(caught.value)


# --- echo guard ----------------------------------------------------------------------------------


def test_a_reply_quoting_a_hook_block_is_an_echo() -> None:
    reply = {
        "observations": [
            observation(title="UserPromptSubmit operation blocked by hook: memory guard"),
        ]
    }
    with pytest.raises(ExtractorError, match="intercepted by a hook"):
        parse_reply(reply, build_prompt(CHUNK, []))
    notes_echo = {"observations": [], "notes": {"learned": ["Original prompt: You read one"]}}
    with pytest.raises(ExtractorError, match="intercepted by a hook"):
        parse_reply(notes_echo)


def test_a_marker_the_session_itself_contains_is_not_an_echo() -> None:
    chunk = ChunkInput(text="user: why did the nested run print 'blocked by hook'?")
    reply = {"observations": [observation(title="Nested claude runs can be blocked by hook")]}
    (candidate,) = parse_reply(reply, build_prompt(chunk, [])).candidates
    assert candidate.title == "Nested claude runs can be blocked by hook"
    with pytest.raises(ExtractorError):
        parse_reply(reply, build_prompt(CHUNK, []))


def test_a_reply_copying_the_instructions_is_an_echo() -> None:
    copied = {
        "observations": [
            observation(
                type="decision",
                title="a choice made between alternatives, with the reason it was made",
                narrative="one or two sentences giving the context and the reason.",
            )
        ]
    }
    with pytest.raises(ExtractorError, match="repeats the prompt's instructions"):
        parse_reply(copied, build_prompt(CHUNK, known()))
    # Without the prompt there is nothing to compare with.
    assert len(parse_reply(copied).candidates) == 1


def test_a_reply_quoting_the_session_or_a_known_title_is_not_an_echo() -> None:
    quoting = {
        "observations": [
            observation(title="Parse harbor timestamps as UTC", narrative=CHUNK.text),
        ]
    }
    (candidate,) = parse_reply(quoting, build_prompt(CHUNK, known())).candidates
    assert candidate.narrative == CHUNK.text


def test_one_copied_field_among_many_is_not_an_echo() -> None:
    reply = {
        "observations": [
            observation(narrative="one or two sentences giving the context and the reason."),
            observation(title="CI runners need TZ=UTC for the harbor tests"),
        ]
    }
    assert len(parse_reply(reply, build_prompt(CHUNK, [])).candidates) == 2


def test_raw_text_echo_check() -> None:
    echo = "UserPromptSubmit operation blocked by hook: nope\n\nOriginal prompt: Branch: main"
    with pytest.raises(ExtractorError, match="intercepted by a hook"):
        check_echo_text(echo, build_prompt(CHUNK, []))
    check_echo_text('{"observations": []}', build_prompt(CHUNK, []))
