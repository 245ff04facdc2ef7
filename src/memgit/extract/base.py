"""The extractor protocol and the values that cross it.

An extractor reads one chunk of (already redacted) session text and proposes candidates: typed
observations that have not been deduplicated or written yet. It may also propose session notes
(what was asked, learned, completed, left to do). Extractors never touch the store; the capture
pipeline dedupes, writes and indexes what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from memgit.model import Observation


@dataclass(frozen=True)
class Candidate:
    """An observation proposed by an extractor."""

    type: str
    title: str
    narrative: str = ""
    facts: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    confidence: float = 0.7


@dataclass(frozen=True)
class SessionNotes:
    """Material for the session summary; extractors fill what they can, chunk by chunk."""

    request: str = ""
    learned: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens

    @classmethod
    def from_counts(cls, count: Callable[[str], object]) -> Usage:
        """Usage from the API's counters; input includes prompt-cache reads and writes, so
        budgets count everything sent. ``count(name)`` returns the counter or anything else."""

        def number(name: str) -> int:
            value = count(name)
            return value if isinstance(value, int) and not isinstance(value, bool) else 0

        sent = (
            number("input_tokens")
            + number("cache_creation_input_tokens")
            + number("cache_read_input_tokens")
        )
        return cls(input_tokens=sent, output_tokens=number("output_tokens"))

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens
        )


@dataclass(frozen=True)
class ChunkInput:
    """What an extractor reads: the chunk text plus the context it needs to cite files."""

    text: str
    files: tuple[str, ...] = ()
    session_id: str | None = None
    branch: str | None = None


@dataclass(frozen=True)
class Extraction:
    candidates: tuple[Candidate, ...] = ()
    notes: SessionNotes = field(default_factory=SessionNotes)
    usage: Usage = field(default_factory=Usage)


class Extractor(Protocol):
    #: Recorded in each observation's ``source``: ``heuristic``, ``anthropic:<model>``, ...
    source: str

    def extract(self, chunk: ChunkInput, known: Sequence[Observation]) -> Extraction:
        """Propose candidates for one chunk; ``known`` are the most relevant existing memories.

        Raises ``ExtractorError`` when the chunk could not be processed and should be retried
        later (network, quota, malformed reply): the caller then keeps its cursor before the chunk.
        """
        ...
