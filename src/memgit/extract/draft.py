"""Drafts: observations taking shape inside the offline extractor, and how the best are kept.

A draft holds its best sentence, the sentences and evidence that support it, and a score. Drafts
of one message that say the same kind of thing are folded together (``fold``); gotchas explained
over several messages after one error become one (``same_incident``); ``select`` keeps the best
of a chunk within the caps and without near-duplicates; ``to_candidate`` makes the value the
extractor protocol returns. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from memgit.dedupe import jaccard, tokens
from memgit.extract.base import Candidate
from memgit.extract.phrasing import shorten, tags
from memgit.extract.segment import Sentence

MAX_PER_CHUNK = 8
"""At most this many observations from one chunk (about 6,000 characters of session)."""
MAX_PER_TYPE = 3
MAX_PER_KIND = {"done": 2, "next": 2}
MIN_SCORE = 0.65
MAX_FACTS = 4
TYPE_OF = {"done": "progress", "next": "progress"}
"""Draft kinds are the observation types, with progress split into what is done and what is next."""
PRIORITY = {
    "coordination": 6,
    "gotcha": 5,
    "decision": 4,
    "pattern": 3,
    "architecture": 2,
    "next": 1,
    "done": 0,
}
"""Which kind a sentence takes when two cues weigh the same."""


@dataclass
class Draft:
    kind: str
    score: float
    sentence: Sentence
    text: str
    """The sentence as plain text (markdown removed, code spans kept)."""
    support: list[str] = field(default_factory=list)
    """Other sentences folded into this draft."""
    facts: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    title: str = ""
    narrative: str = ""
    context: str = ""
    """Evidence from around the sentence: the error it explains, the question it answers."""
    last: int = 0
    """Position of the last sentence folded into this draft."""

    @property
    def order(self) -> tuple[int, int]:
        return (self.sentence.block, self.sentence.position)


_SPECIFIC = re.compile(
    r"`[^`]+`|\b[a-z_]\w*\.[a-z_]\w{2,}|\b\w+/[\w./-]+|\b[a-z]+[A-Z]\w+|\b\w+_\w+|\d|"
    r"\b\w+\.(?:py|ts|tsx|js|go|rs|rb|java|yaml|yml|toml|json|sql)\b"
)
_BECAUSE = re.compile(r"\b(?:because|since|so that|otherwise|which means|so)\b", re.IGNORECASE)
_SOFT_HEDGE = re.compile(r"\b(?:probably|might|could|likely|seems?|guess)\b", re.IGNORECASE)
_FIRST_PERSON_PLAN = re.compile(
    r"\b(?:i'?ll|i will|let me|i'?m going to|i am going to|i should|i need to|i can|i could|"
    r"my (?:change|edit|fix|mistake)|i (?:removed|added|changed|suppressed|forgot|missed|broke))\b",
    re.IGNORECASE,
)
_FAILURE_STATUS = re.compile(
    r"\b\d+ (?:test |lint |type )?(?:failures?|errors?|issues?)\b|"
    r"\btests? (?:fail|failed|failing)\b",
    re.IGNORECASE,
)


def is_specific(text: str) -> bool:
    """Whether ``text`` names something concrete: code, a path, an identifier, a number."""
    return _SPECIFIC.search(text) is not None


def bonus(text: str, kind: str) -> float:
    """What the wording adds to a cue's weight: specifics and reasons up, hedges and noise down."""
    value = 0.0
    if is_specific(text):
        value += 0.05
    if kind in ("decision", "gotcha", "pattern") and _BECAUSE.search(text):
        value += 0.05
    if _SOFT_HEDGE.search(text):
        value -= 0.15
    if kind != "decision" and _FIRST_PERSON_PLAN.search(text):
        value -= 0.15  # the assistant's plans and its own slips are not project knowledge
    if kind == "gotcha" and _FAILURE_STATUS.search(text):
        value -= 0.1  # "3 tests fail" reports a state; it explains nothing
    words = len(text.split())
    if words > 60:
        value -= 0.1
    if words < 5:
        value -= 0.1
    return value


def fold(found: list[Draft]) -> list[Draft]:
    """Sentences of one message close together and of the same kind become one draft.

    A summary (done, next) is one draft per message; an explanation (gotcha) takes the sentences
    that follow it closely; other kinds only fold a neighbour that talks about the same things.
    """
    folded: list[Draft] = []
    for draft in found:
        near = next((d for d in reversed(folded) if _belongs(draft, d)), None)
        if near is None:
            draft.last = draft.sentence.position
            folded.append(draft)
            continue
        if draft.score > near.score:
            near.support.insert(0, near.text)
            near.sentence, near.text, near.score = draft.sentence, draft.text, draft.score
            near.context = near.context or draft.context
        else:
            near.support.append(draft.text)
        near.score += 0.03
        near.last = draft.sentence.position
    return folded


def _belongs(draft: Draft, into: Draft) -> bool:
    if draft.kind != into.kind:
        return False
    if draft.kind in ("done", "next"):
        return True
    if draft.sentence.heading != into.sentence.heading:
        return False
    gap = draft.sentence.position - into.last
    if draft.kind == "gotcha":
        # One explanation is one gotcha: its paragraph, or the sentences right after it.
        return gap <= 3 or draft.sentence.paragraph == into.sentence.paragraph
    return gap <= 1 and len(tokens(draft.text) & tokens(into.text)) >= 2


_CODE_SPAN = re.compile(r"`([^`]{3,60})`")


def _spans(draft: Draft) -> set[str]:
    return {m.lower() for t in (draft.text, *draft.support) for m in _CODE_SPAN.findall(t)}


def _one_incident(draft: Draft, other: Draft) -> bool:
    """Two gotchas about one thing: explained after the same error, or the fix announced later
    naming the setting the explanation named (`pgbouncer=true` in both)."""
    if not draft.kind == other.kind == "gotcha":
        return False
    if draft.context and other.context == draft.context:
        return True
    return bool(_spans(draft) & _spans(other))


def same_incident(drafts: list[Draft]) -> list[Draft]:
    """Gotchas explained over several messages after the same error become one."""
    kept: list[Draft] = []
    for draft in drafts:
        first = next((d for d in kept if _one_incident(draft, d)), None)
        if first is None:
            kept.append(draft)
            continue
        lead, other = (first, draft) if first.score >= draft.score else (draft, first)
        lead.support = unique([*lead.support, other.text, *other.support])
        lead.score = max(lead.score, other.score) + 0.03
        if lead is draft:
            kept[kept.index(first)] = draft
    return kept


def select(drafts: list[Draft]) -> list[Draft]:
    """The best drafts of the chunk: above the floor, no near-duplicates, within the caps."""
    kept: list[Draft] = []
    words: dict[int, frozenset[str]] = {}
    per_kind: dict[str, int] = {}
    per_type: dict[str, int] = {}
    for draft in sorted(drafts, key=lambda d: (-d.score, d.order)):
        if draft.score < MIN_SCORE or len(kept) >= MAX_PER_CHUNK:
            continue
        kind_type = TYPE_OF.get(draft.kind, draft.kind)
        if per_kind.get(draft.kind, 0) >= MAX_PER_KIND.get(draft.kind, MAX_PER_TYPE):
            continue
        if per_type.get(kind_type, 0) >= MAX_PER_TYPE:
            continue
        mine = words[id(draft)] = tokens(f"{draft.title} {draft.text}")
        twin = next((k for k in kept if _twins(draft, k, mine, words[id(k)])), None)
        if twin is not None:
            twin.facts = unique([*twin.facts, draft.text, *draft.support])[:MAX_FACTS]
            continue
        kept.append(draft)
        per_kind[draft.kind] = per_kind.get(draft.kind, 0) + 1
        per_type[kind_type] = per_type.get(kind_type, 0) + 1
    return kept


def _twins(draft: Draft, kept: Draft, mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Two drafts saying one thing: most words shared, or (same kind) one title inside the other
    ("Migrate to AudioWorklet" from the user, restated with its reason by the assistant)."""
    if jaccard(mine, theirs) >= 0.5:
        return True
    if draft.kind != kept.kind:
        return False
    left, right = tokens(draft.title), tokens(kept.title)
    if min(len(left), len(right)) >= 2 and (left <= right or right <= left):
        return True
    if draft.kind == "coordination":
        # "Priya owns the presence module" and "ask Priya before touching Huddle.Presence".
        shared = _people(draft.title) & _people(kept.title)
        rest = _parts(left) & _parts(right)
        return bool(shared) and len(rest - {n.lower() for n in shared}) >= 1
    return False


_NAMES = re.compile(r"(?<![\w.])[A-Z][a-z]{2,}(?=\b(?!\.))")


_NOT_NAMES = frozenset(
    """ask ping check talk loop wait coordinate sync hand get run don do never please keep use
    the this that these those until once when after before our their his her its and but""".split()
)


def _people(title: str) -> set[str]:
    return {n for n in _NAMES.findall(title) if n.lower() not in _NOT_NAMES}


def _parts(words: frozenset[str]) -> set[str]:
    """Words with dotted identifiers split ("huddle.presence" counts as "presence")."""
    return {part for word in words for part in word.split(".") if len(part) > 2}


def to_candidate(draft: Draft) -> Candidate:
    everything = " ".join([draft.title, draft.narrative, *draft.facts])
    return Candidate(
        type=TYPE_OF.get(draft.kind, draft.kind),
        title=draft.title[:100],
        narrative=draft.narrative,
        facts=tuple(shorten(f, 240) for f in draft.facts),
        files=tuple(draft.files),
        tags=tags(everything, draft.files),
        confidence=round(min(0.95, max(0.3, draft.score)), 2),
    )


def unique(items: Iterable[str]) -> list[str]:
    """Non-blank items, stripped, first occurrence kept, in order."""
    seen: dict[str, None] = {}
    for item in items:
        if item.strip():
            seen.setdefault(item.strip(), None)
    return list(seen)
