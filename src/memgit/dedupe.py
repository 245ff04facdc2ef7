"""Deduplication: decide whether a candidate is new, a restatement, or supersedes an observation.

Similarity is the Jaccard index of the two observations' word sets (title and body, lower-cased,
without stop words, with a light plural/verb-ending fold); two titles of five words or more that
share most of their words count too (title Jaccard + 0.05), so the same behaviour explained twice
in different words is one observation. Above the configured threshold (0.6 by default) a new
observation of the same type supersedes the old one: both files keep the link (``supersedes`` /
``superseded_by``) and the old one stays, marked ``superseded``, so history reads well in git.
The superseding observation keeps the more specific title and body of the two (``superseding``:
the one naming more concrete things, see ``specificity``). A candidate that only restates an
active observation (same title, nothing new in its body) is dropped instead, so that
re-extracting a known fact never churns files. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from memgit.model import Observation

_WORD = re.compile(r"[a-z0-9][a-z0-9_.\-/]*[a-z0-9]|[a-z0-9]")

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with
    would you your yours""".split()
)


def _fold(word: str) -> str:
    """A light stemmer: enough to match 'caches'/'cache', 'parsed'/'parse', not a linguist."""
    for suffix, keep in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def tokens(text: str) -> frozenset[str]:
    return frozenset(
        _fold(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1
    )


def observation_tokens(obs: Observation) -> frozenset[str]:
    return tokens(f"{obs.title}\n{obs.body}")


def jaccard(left: frozenset[str], right: frozenset[str]) -> float:
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True)
class Verdict:
    """What to do with a candidate: ``new``, ``duplicate`` (drop it) or ``supersede`` ``target``."""

    action: str
    target: Observation | None = None
    similarity: float = 0.0


def judge(candidate: Observation, existing: Iterable[Observation], threshold: float) -> Verdict:
    """Compare ``candidate`` with active observations of its type; the closest one decides."""
    words = observation_tokens(candidate)
    title = _normal_title(candidate.title)
    title_words = tokens(candidate.title)
    best: tuple[float, str, Observation] | None = None
    for obs in existing:
        if obs.type != candidate.type or not obs.active or obs.id == candidate.id:
            continue
        score = max(jaccard(words, observation_tokens(obs)), _title_similarity(title_words, obs))
        if _normal_title(obs.title) == title:
            score = max(score, 1.0 if words <= observation_tokens(obs) else threshold + 1e-9)
        if best is None or (score, obs.id) > (best[0], best[1]):
            best = (score, obs.id, obs)
    if best is None or best[0] <= threshold:
        return Verdict("new", None, best[0] if best else 0.0)
    score, _, target = best
    if _normal_title(target.title) == title and words <= observation_tokens(target):
        return Verdict("duplicate", target, score)
    return Verdict("supersede", target, score)


def dedupe_batch(candidates: Sequence[Observation], threshold: float) -> list[Observation]:
    """Drop candidates that repeat an earlier one of the same batch (first one wins)."""
    kept: list[Observation] = []
    for candidate in candidates:
        verdict = judge(candidate, kept, threshold)
        if verdict.action == "new":
            kept.append(candidate)
        elif verdict.action == "supersede" and verdict.target is not None:
            # Within one batch the later, usually fuller statement replaces the earlier one.
            kept[kept.index(verdict.target)] = candidate
    return kept


def _title_similarity(title_words: frozenset[str], obs: Observation) -> float:
    other = tokens(obs.title)
    if min(len(title_words), len(other)) < 5:
        return 0.0
    return jaccard(title_words, other) + 0.05


_SPECIFIC = re.compile(
    r"`[^`]+`|(?<![\w/.])(?:[\w@.+-]+/)+[\w@.+-]+|\b[a-z_]\w*\.[a-z_]\w{1,}\b|"
    r"\b[a-z]+[A-Z]\w+|\b\w+_\w+\b|\b\d[\w.%:-]*|(?<=[a-z,;] )[A-Z][a-zA-Z]+"
)
_VAGUE_START = re.compile(
    r"^(?:it|its|this|that|these|those|they|he|she|and|but|so|also|then|because|since)\b|"
    r"^(?:that'?s|this is|it'?s) (?:our|the|a|how|why)\b",
    re.IGNORECASE,
)


def specificity(text: str) -> float:
    """How concretely ``text`` states something: each code span, path, identifier, number or
    proper name counts 2, each word a quarter (up to 12 words); a text whose subject is a pronoun
    or a connective ("That's our convention", "It breaks ...") loses 3."""
    line = " ".join(text.split())
    score = 2.0 * len(_SPECIFIC.findall(line)) + min(len(line.split()), 12) / 4
    return score - (3.0 if _VAGUE_START.match(line) else 0.0)


def superseding(old: Observation, new: Observation) -> tuple[str, str]:
    """Title and body for ``new`` superseding ``old``: of each, the more specific one (``new``'s
    on a tie), the body keeping the other's fact lines it lacks."""
    title = new.title if specificity(new.title) >= specificity(old.title) else old.title
    keep, other = (new.body, old.body)
    if specificity(old.body) > specificity(new.body):
        keep, other = other, keep
    present = {line.strip().lower() for line in keep.splitlines()}
    extra = [
        line
        for line in other.splitlines()
        if line.startswith("- ") and line.strip().lower() not in present
    ]
    body = "\n".join([keep.rstrip(), *extra]) if extra else keep
    return title, body


def _normal_title(title: str) -> str:
    return " ".join(sorted(tokens(title)))
