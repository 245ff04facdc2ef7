"""The local record of memory a person rejected in review or forgot, so capture never re-adds it.

Kept in ``<git dir>/memgit/rejected.json`` (per clone, never committed): for each rejected or
forgotten observation its id, type, title and the word set dedupe compares (``dedupe.tokens``).
The one write path for new drafts (``Memory._write_deduped``) asks ``Rejections.matches``
before it writes: a draft with the same title words, or whose words overlap a rejected one's
above the dedupe threshold, is dropped. The file is rewritten atomically under the store lock
that every caller already holds; a damaged file reads as empty (it is a convenience, not the
truth) and is replaced by the next rejection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from memgit.dedupe import jaccard, observation_tokens, tokens
from memgit.fileio import atomic_write
from memgit.model import Observation, format_time, utcnow

FILE_NAME = "rejected.json"
#: The oldest records go first beyond this many: capture re-extracts recent facts, not old ones.
KEEP = 5000


@dataclass(frozen=True)
class Rejected:
    id: str
    type: str
    title: str
    words: frozenset[str]
    at: str
    why: str  # "rejected" or "forgotten"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "words": sorted(self.words),
            "at": self.at,
            "why": self.why,
        }


class Rejections:
    def __init__(self, state: Path) -> None:
        self.path = state / FILE_NAME

    def load(self) -> list[Rejected]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        items = data.get("rejected") if isinstance(data, dict) else None
        if not isinstance(items, list):
            return []
        found: list[Rejected] = []
        for item in items:
            if not isinstance(item, dict):
                continue
            words = item.get("words")
            if not isinstance(words, list):
                continue
            found.append(
                Rejected(
                    id=str(item.get("id", "")),
                    type=str(item.get("type", "")),
                    title=str(item.get("title", "")),
                    words=frozenset(str(w) for w in words),
                    at=str(item.get("at", "")),
                    why=str(item.get("why", "rejected")),
                )
            )
        return found

    def add(self, observations: list[Observation], why: str = "rejected") -> None:
        """Remember ``observations`` as rejected. Caller holds the store lock."""
        if not observations:
            return
        items = self.load()
        known = {item.id for item in items}
        stamp = format_time(utcnow())
        for obs in observations:
            if obs.id in known:
                continue
            items.append(Rejected(obs.id, obs.type, obs.title, observation_tokens(obs), stamp, why))
        payload = {"version": 1, "rejected": [item.to_dict() for item in items[-KEEP:]]}
        atomic_write(self.path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")

    def matches(self, draft: Observation, threshold: float) -> Rejected | None:
        """The rejected record ``draft`` restates, if any: same title words, or word overlap
        above ``threshold`` (the dedupe rule, applied across types: extractors retype facts)."""
        items = self.load()
        if not items:
            return None
        words = observation_tokens(draft)
        title = tokens(draft.title)
        for item in reversed(items):
            if item.id == draft.id:
                return item
            if title and title == tokens(item.title):
                return item
            if words and jaccard(words, item.words) > threshold:
                return item
        return None
