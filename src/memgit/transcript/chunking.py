"""Turns to chunks of about ``chunk_chars`` characters, the unit an extractor reads at once.

Chunks break on turn boundaries. A turn too long for one chunk is split between its steps (tool
calls, messages), and a single step still too long is cut hard, at a line break when one is near.
No chunk's text is longer than ``chunk_chars``. Each chunk carries ``end``: the position a cursor
may be committed to once it (and every chunk before it) has been processed; for a chunk holding
only the first part of a split turn that is the position before the turn, so a failure half-way
through a turn never loses its beginning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from memgit.transcript.model import Position, ToolCall, Transcript, Turn
from memgit.transcript.render import Clean, Piece, is_action, render_turn
from memgit.transcript.text import word_count

CHUNK_CHARS = 6000
TOOL_OUTPUT_CHARS = 1200
PROMPT_CONTEXT_CHARS = 400
"""How much of a long turn's prompt its later chunks carry: what was asked (the reported symptom,
the task) is what tells an explanation from narration in every part of the turn."""
_SEP = "\n\n"


@dataclass(frozen=True)
class Chunk:
    """Rendered turns for one extraction call, with what the pipeline needs around them."""

    text: str
    session_id: str | None
    branch: str | None
    first_turn: int
    last_turn: int
    started: str | None
    ended: str | None
    files: tuple[str, ...]
    files_edited: tuple[str, ...]
    end: Position
    partial: bool = False
    """Holds part of a turn that was too long for one chunk."""
    agent_ids: tuple[str, ...] = ()
    """Subagents whose turns are in this chunk."""
    compact_summary: bool = False
    """Holds a compaction summary: earlier context, not new facts."""
    user_words: int = 0
    assistant_words: int = 0
    actions: int = 0
    """Tool calls that did more than read or list."""
    errors: int = 0

    @property
    def end_offset(self) -> int:
        return self.end.offset


def is_trivial(chunk: Chunk) -> bool:
    """Nothing worth a model call: no action, no error, a few words of prompt, no prose."""
    return (
        chunk.actions == 0
        and chunk.errors == 0
        and chunk.user_words <= 4
        and chunk.assistant_words <= 8
    )


def chunk_transcript(
    transcript: Transcript,
    *,
    chunk_chars: int = CHUNK_CHARS,
    tool_output_chars: int = TOOL_OUTPUT_CHARS,
    clean: Clean | None = None,
    include_thinking: bool = False,
) -> list[Chunk]:
    """The chunks of ``transcript``'s turns, in order. ``clean`` sees every text first."""
    if chunk_chars < 200:
        raise ValueError(f"chunk_chars must be at least 200, not {chunk_chars}")
    cleaner = clean if clean is not None else _same
    units: list[_Unit] = []
    before = transcript.start
    for turn in transcript.turns:
        pieces = render_turn(
            turn,
            tool_output_chars=tool_output_chars,
            clean=cleaner,
            include_thinking=include_thinking,
        )
        units.extend(_turn_units(turn, pieces, chunk_chars, before))
        before = turn.end
    return [_chunk(group, transcript) for group in _pack(units, chunk_chars)]


@dataclass(frozen=True)
class _Unit:
    pieces: tuple[Piece, ...]
    end: Position
    partial: bool

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pieces)


def _turn_units(turn: Turn, pieces: list[Piece], limit: int, before: Position) -> list[_Unit]:
    whole = _Unit(tuple(pieces), turn.end, partial=False)
    if len(whole.text) <= limit:
        return [whole]
    marker = Piece(_continued(turn, min(PROMPT_CONTEXT_CHARS, limit // 4)), turn, "context")
    budget = limit - len(marker.text) - 1
    parts = [part for piece in pieces for part in _hard_split(piece, budget)]
    groups: list[list[Piece]] = [[]]
    size = 0
    for part in parts:
        extra = len(part.text) + (1 if groups[-1] else 0)
        if groups[-1] and size + extra > budget:
            groups.append([])
            size = 0
            extra = len(part.text)
        groups[-1].append(part)
        size += extra
    units = []
    for i, group in enumerate(groups):
        lead = (marker,) if i else ()
        end = turn.end if i == len(groups) - 1 else before
        units.append(_Unit((*lead, *group), end, partial=True))
    return units


def _continued(turn: Turn, cap: int) -> str:
    prompt = " ".join(turn.prompt.split())
    if len(prompt) > cap:
        prompt = prompt[:cap] + "…"
    asked = f' — asked: "{prompt}"' if prompt else ""
    return f"(turn {turn.index} continued{asked})"


def _hard_split(piece: Piece, size: int) -> list[Piece]:
    text = piece.text
    if len(text) <= size:
        return [piece]
    parts = []
    while len(text) > size:
        cut = text.rfind("\n", size // 2, size)
        cut = cut if cut > 0 else size
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text:
        parts.append(text)
    return [replace(piece, text=part) for part in parts]


def _pack(units: Iterable[_Unit], limit: int) -> list[list[_Unit]]:
    groups: list[list[_Unit]] = []
    size = 0
    for unit in units:
        length = len(unit.text)
        if groups and groups[-1] and size + len(_SEP) + length <= limit:
            groups[-1].append(unit)
            size += len(_SEP) + length
        else:
            groups.append([unit])
            size = length
    return groups


def _chunk(units: list[_Unit], transcript: Transcript) -> Chunk:
    pieces = [p for u in units for p in u.pieces]
    turns = list({p.turn.index: p.turn for p in pieces}.values())
    calls = [p.step for p in pieces if isinstance(p.step, ToolCall)]
    files = [f for c in calls for f in c.files]
    edited = [f for c in calls if c.edits for f in c.files]
    last = turns[-1]
    return Chunk(
        text=_SEP.join(u.text for u in units),
        session_id=last.session_id or transcript.session_id,
        branch=last.branch or transcript.branch,
        first_turn=turns[0].index,
        last_turn=last.index,
        started=turns[0].timestamp,
        ended=last.end_timestamp,
        files=tuple(dict.fromkeys(files)),
        files_edited=tuple(dict.fromkeys(edited)),
        end=units[-1].end,
        partial=any(u.partial for u in units),
        agent_ids=tuple(dict.fromkeys(t.agent_id for t in turns if t.agent_id)),
        compact_summary=any(t.is_compact_summary for t in turns),
        user_words=sum(_words(p) for p in pieces if p.role == "user"),
        assistant_words=sum(_words(p) for p in pieces if p.role == "assistant"),
        actions=sum(1 for c in calls if is_action(c)),
        errors=sum(1 for c in calls if c.is_error),
    )


def _words(piece: Piece) -> int:
    """Words of a piece's content, without its ``LABEL:`` prefix."""
    head, sep, rest = piece.text.partition(": ")
    return word_count(rest if sep and len(head) < 40 else piece.text)


def _same(text: str) -> str:
    return text
