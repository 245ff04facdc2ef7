"""The extraction prompt, the JSON schema of the reply, and the strict reply parser.

Pure: no network, no SDK. Both model-based extractors build their request with ``build_prompt``
and turn the model's JSON into an ``Extraction`` with ``parse_reply``, which keeps what is usable,
drops junk item by item, and raises ``ExtractorError`` when the reply as a whole is not the
expected shape or is an echo of the prompt (the hazard of a nested ``claude -p`` whose prompt was
intercepted by a hook).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from memgit.errors import ExtractorError
from memgit.extract.base import Candidate, ChunkInput, Extraction, SessionNotes
from memgit.model import DEFAULT_CONFIDENCE, TITLE_MAX, TYPES, Observation

#: The forced tool the Anthropic extractor asks the model to call.
TOOL_NAME = "record_memory"
TOOL_DESCRIPTION = "Record the durable observations and session notes found in one session part."

MAX_CANDIDATES = 12
MAX_KNOWN = 30
MAX_ITEMS = 10
MAX_ITEM_CHARS = 300
MAX_NARRATIVE_CHARS = 800
MAX_FILES = 20
MAX_TAGS = 8
MAX_TAG_CHARS = 40

#: Output of a nested ``claude -p`` whose prompt a ``UserPromptSubmit`` hook blocked.
ECHO_MARKERS = ("blocked by hook", "original prompt:")
#: A title or narrative shorter than this is not counted as copied from the prompt.
ECHO_MIN_CHARS = 30

TYPE_DEFINITIONS = (
    ("architecture", "how the system is built: components, data flow, where things live, and why"),
    ("decision", "a choice made between alternatives, with the reason it was made"),
    ("pattern", "a convention this code follows that new code should follow too"),
    ("gotcha", "a trap that cost time: surprising behaviour, a bug's real cause, a fragile spot"),
    ("progress", "the state of unfinished work: what is done and what remains"),
    ("coordination", "who does what, handoffs, branches or pull requests others must know about"),
)

SYSTEM_PROMPT = f"""\
You read one part of a coding session between a developer and an AI coding agent, and record \
what a later session on the same repository should know. The record is committed with the code \
and read by people and agents, so only durable, project-specific knowledge belongs in it.

Observation types:
{chr(10).join(f"- {name}: {meaning}." for name, meaning in TYPE_DEFINITIONS)}

Do not record:
- trivia: typo fixes, formatting, renames without consequence, a test run that simply passed;
- things true of any project: general programming knowledge, how a library works in general;
- transient chatter: greetings, abandoned ideas, the agent thinking aloud, an error fixed at once;
- secrets or personal data: keys, tokens, passwords, credentials, e-mail addresses. Text shown as \
[REDACTED] stays out of the record.

How to write an observation:
- title: one line of at most {TITLE_MAX} characters that states the fact itself, for example \
"Harbor timestamps are parsed as UTC because local time broke on DST days"; never a topic such \
as "Discussion about timestamps".
- narrative: one or two sentences giving the context and the reason.
- facts: short bullets, one checkable fact each (names, values, commands, limits).
- files: repository-relative paths with "/" that the observation is about; none if unsure.
- tags: a few lowercase keywords.
- confidence from 0 to 1: 0.9 or more when the session states or verifies it, about 0.6 when \
you infer it, lower when it is a guess.
Prefer few, solid observations: zero to five per part is usual, and an empty list is the right \
answer for a part with nothing durable in it.

Known memories are listed as "[m:id] type: title". Do not record again what one of them already \
says. When this part shows that a known fact has changed, record the new fact as a new \
observation and say in its narrative what changed.

Session notes describe this part only: request (what the developer asked for, one sentence, \
empty if this part does not show it), learned, completed and next_steps (short items, empty \
lists when this part says nothing about them).

Answer with one JSON object and nothing else: "observations" (a list of objects with type, \
title, narrative, facts, files, tags, confidence) and "notes" (an object with request, learned, \
completed, next_steps)."""

CHUNK_OPEN = "<session-part>"
CHUNK_CLOSE = "</session-part>"


@dataclass(frozen=True)
class Prompt:
    """One extraction request: the system part, the user part, and what an echo would copy."""

    system: str
    user: str
    #: The instruction text (system part and the user part's framing, without the session text
    #: and the known memories): a reply that copies it is an echo, not an extraction.
    instructions: str

    @property
    def text(self) -> str:
        """System and user parts as one text, for callers that send a single message."""
        return f"{self.system}\n\n{self.user}"


def build_prompt(
    chunk: ChunkInput, known: Sequence[Observation], *, max_known: int = MAX_KNOWN
) -> Prompt:
    """The prompt for one chunk; ``known`` is listed compactly, most relevant first."""
    head: list[str] = []
    if chunk.branch:
        head.append(f"Branch: {chunk.branch}")
    if chunk.files:
        head.append("Files touched in this part: " + ", ".join(chunk.files))
    known_lines = [_known_line(obs) for obs in known[:max_known]]
    if known_lines:
        known_intro = "Known memories (do not record these again):"
    else:
        known_intro = "Known memories: none yet."
    tail = f"Session part to read, between the markers:\n{CHUNK_OPEN}\n"
    sections = [*head, known_intro, *known_lines]
    user = "\n".join(sections) + "\n\n" + tail + chunk.text + f"\n{CHUNK_CLOSE}"
    framing = "\n".join([*head, known_intro]) + "\n\n" + tail + CHUNK_CLOSE
    return Prompt(system=SYSTEM_PROMPT, user=user, instructions=SYSTEM_PROMPT + "\n" + framing)


def _known_line(obs: Observation) -> str:
    return f"[m:{obs.id}] {obs.type}: {_one_line(obs.title)}"


def reply_schema() -> dict[str, Any]:
    """The JSON schema of a reply: a tool ``input_schema`` and a ``--json-schema`` value."""
    return copy.deepcopy(_SCHEMA)


_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "observations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": list(TYPES)},
                    "title": {"type": "string", "description": "the fact, one line"},
                    "narrative": {"type": "string", "description": "one or two sentences"},
                    "facts": _STRINGS,
                    "files": _STRINGS,
                    "tags": _STRINGS,
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "required": ["type", "title", "narrative", "facts", "files", "tags", "confidence"],
            },
        },
        "notes": {
            "type": "object",
            "properties": {
                "request": {"type": "string"},
                "learned": _STRINGS,
                "completed": _STRINGS,
                "next_steps": _STRINGS,
            },
            "required": ["request", "learned", "completed", "next_steps"],
        },
    },
    "required": ["observations", "notes"],
}


# --- parsing -------------------------------------------------------------------------------------


def parse_reply(data: object, prompt: Prompt | None = None) -> Extraction:
    """Validate a decoded reply into an ``Extraction`` (usage left at zero for the caller).

    Items that are not usable (unknown type, no title, not an object) are dropped; titles are
    made one line and trimmed to the limit; confidence is clamped to 0..1. Raises
    ``ExtractorError`` when the reply is not an object with an ``observations`` list, or when it
    echoes the prompt (given ``prompt``, an echo of the instructions is recognised too).
    """
    if not isinstance(data, dict):
        raise ExtractorError(
            f"the model's reply is a {_kind(data)}, not an object with an 'observations' list"
        )
    raw_items = data.get("observations")
    if not isinstance(raw_items, list):
        found = "missing" if raw_items is None else f"a {_kind(raw_items)}"
        keys = ", ".join(sorted(str(key) for key in data)) or "none"
        raise ExtractorError(
            f"the model's reply has no 'observations' list ({found}; keys present: {keys})"
        )
    if raw_items and not any(isinstance(item, dict) for item in raw_items):
        raise ExtractorError(
            "the model's reply lists observations that are not objects "
            f"(first item is a {_kind(raw_items[0])})"
        )
    candidates = [c for c in (_candidate(item) for item in raw_items) if c is not None]
    notes = _notes(data.get("notes"))
    _check_echo(candidates, notes, prompt)
    return Extraction(candidates=tuple(candidates[:MAX_CANDIDATES]), notes=notes)


def _candidate(item: object) -> Candidate | None:
    if not isinstance(item, dict):
        return None
    kind = item.get("type")
    if not isinstance(kind, str) or kind.strip().lower() not in TYPES:
        return None
    title = trim_title(_text(item.get("title")))
    if not title:
        return None
    return Candidate(
        type=kind.strip().lower(),
        title=title,
        narrative=_clip(_text(item.get("narrative")), MAX_NARRATIVE_CHARS),
        facts=_items(item.get("facts")),
        files=_files(item.get("files")),
        tags=_tags(item.get("tags")),
        confidence=_confidence(item.get("confidence")),
    )


def _notes(value: object) -> SessionNotes:
    if not isinstance(value, dict):
        return SessionNotes()
    return SessionNotes(
        request=_clip(_one_line(_text(value.get("request"))), MAX_NARRATIVE_CHARS),
        learned=_items(value.get("learned")),
        completed=_items(value.get("completed")),
        next_steps=_items(value.get("next_steps")),
    )


def trim_title(text: str) -> str:
    """One line, at most ``TITLE_MAX`` characters, cut at a word boundary when one is near."""
    title = _one_line(text)
    if len(title) <= TITLE_MAX:
        return title
    cut = title[:TITLE_MAX]
    space = cut.rfind(" ")
    if space >= TITLE_MAX * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:-")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def _items(value: object) -> tuple[str, ...]:
    items = [_clip(_one_line(item.lstrip("-*• ")), MAX_ITEM_CHARS) for item in _strings(value)]
    return tuple(_unique(item for item in items if item))[:MAX_ITEMS]


def _files(value: object) -> tuple[str, ...]:
    """Repository-relative paths with '/'; absolute paths, URLs and '..' paths are dropped."""
    result = []
    for item in _strings(value):
        path = item.replace("\\", "/")
        while path.startswith("./"):
            path = path[2:]
        if (
            not path
            or path.startswith("/")
            or re.match(r"^[A-Za-z]:", path)
            or "://" in path
            or path.split("/")[0] == ".."
            or any(ch.isspace() and ch != " " for ch in path)
        ):
            continue
        result.append(path)
    return tuple(_unique(result))[:MAX_FILES]


def _tags(value: object) -> tuple[str, ...]:
    tags = ["-".join(item.lower().lstrip("#").split())[:MAX_TAG_CHARS] for item in _strings(value)]
    return tuple(_unique(tag for tag in tags if tag))[:MAX_TAGS]


def _confidence(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return DEFAULT_CONFIDENCE
    return min(1.0, max(0.0, float(value)))


def _unique(items: Any) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def with_source(error: ExtractorError, source: str) -> ExtractorError:
    """``error`` with the extractor named in front, so the log says who failed."""
    message = str(error)
    if message.startswith(f"{source}:"):
        return error
    return ExtractorError(f"{source}: {message}")


# --- echo guard ----------------------------------------------------------------------------------


def check_echo_text(text: str, prompt: Prompt | None = None) -> None:
    """Raise when raw model output is a hook's "blocked ... Original prompt:" echo.

    A marker that also occurs in the session text itself (a session about hooks) is not
    evidence of an echo, so it is ignored when ``prompt`` is given and contains it.
    """
    if _has_marker(text, prompt):
        raise ExtractorError(
            "the nested claude run was intercepted by a hook (its output says 'blocked by hook' "
            "or 'Original prompt:') and echoed the prompt instead of answering; nothing was "
            "recorded"
        )


def _has_marker(text: str, prompt: Prompt | None) -> bool:
    lowered = text.lower()
    session = prompt.user.lower() if prompt is not None else ""
    return any(marker in lowered and marker not in session for marker in ECHO_MARKERS)


def _check_echo(
    candidates: Sequence[Candidate], notes: SessionNotes, prompt: Prompt | None
) -> None:
    fields = [text for c in candidates for text in (c.title, c.narrative) if text]
    if notes.request:
        fields.append(notes.request)
    for text in [*fields, *notes.learned, *notes.completed, *notes.next_steps]:
        check_echo_text(text, prompt)
    if prompt is None or not fields:
        return
    instructions = _normalized(prompt.instructions)
    copied = [
        text
        for text in fields
        if len(_normalized(text)) >= ECHO_MIN_CHARS and _normalized(text) in instructions
    ]
    if len(copied) * 2 > len(fields):
        raise ExtractorError(
            f"the model's reply repeats the prompt's instructions ({len(copied)} of "
            f"{len(fields)} titles and narratives copied verbatim, e.g. {copied[0][:60]!r}); "
            "nothing was recorded"
        )


def _normalized(text: str) -> str:
    return " ".join(text.lower().split())
