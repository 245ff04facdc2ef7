"""Contradictions: two active memories of a permanent type that make opposite claims.

"Disagrees" is a rule on the two titles (the one-line claim each observation makes), so it can be
tested and its false alarms counted. Two observations of permanent types (architecture,
decision, pattern, gotcha) disagree when one of these holds:

* **polarity**: the titles say the same thing once negations ("not", "never", "don't", "no
  longer", "avoid", "stop", "without"...) and antonym pairs ("enable"/"disable",
  "sync"/"async", "allow"/"forbid"...) are set aside (the same antonym pairs, and a word overlap
  of ``SAME_CLAIM`` or more, ``SAME_CLAIM_SHARED_FILE`` when they name a common file), but one
  says it and the other its opposite;
* **preference**: one prefers X to Y ("X instead of Y", "X rather than Y", "prefer X over Y",
  "X, not Y", "switch from Y to X", "replace Y with X", "drop Y for X") and the other Y to X
  (a title that states a preference is judged by this rule only, never by polarity);
* **setting**: both give a value to the same setting (``key = value``, ``key: value``, "set key
  to value", "key defaults to value") and the values differ.

An observation never contradicts one already superseded by it; a pending one that would
supersede an active one it reverses is flagged (accepting it settles the pair). The functions
are pure; ``find_contradictions`` takes observations and returns pairs with the reason, for
``review``, ``doctor`` and the viewer.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from memgit.dedupe import jaccard, tokens
from memgit.model import PERMANENT_TYPES, Observation

#: Word overlap of the two claims (negations and antonyms set aside) that makes them one claim.
SAME_CLAIM = 0.6
SAME_CLAIM_SHARED_FILE = 0.4

_WORD = re.compile(r"[a-z0-9][a-z0-9_.\-/']*[a-z0-9]|[a-z0-9]")
_NEGATIONS = frozenset(
    """not never no don't dont doesn't doesnt didn't isn't aren't wasn't won't shouldn't
    mustn't can't cannot couldn't avoid avoids avoiding stop stops stopped without nothing
    none neither nor""".split()
)
#: word -> (concept, sign): "disable X" says "not enable X".
_ANTONYMS: dict[str, tuple[str, int]] = {}
for _plus, _minus in (
    ("enable", "disable"),
    ("enabled", "disabled"),
    ("allow", "forbid"),
    ("allow", "deny"),
    ("allowed", "forbidden"),
    ("include", "exclude"),
    ("sync", "async"),
    ("synchronous", "asynchronous"),
    ("required", "optional"),
    ("true", "false"),
    ("keep", "drop"),
    ("add", "remove"),
    ("safe", "unsafe"),
    ("mutable", "immutable"),
    ("before", "after"),
):
    _ANTONYMS.setdefault(_plus, (_plus, 1))
    _ANTONYMS[_minus] = (_plus, -1)

_TERM = r"([a-z0-9][a-z0-9_.\-/+#]*)"
_PREFERENCES = (
    # (pattern, group of the preferred term, group of the other)
    (re.compile(rf"{_TERM}\s+(?:instead\s+of|rather\s+than)\s+{_TERM}"), 1, 2),
    (re.compile(rf"prefer(?:s|red)?\s+{_TERM}\s+(?:over|to)\s+{_TERM}"), 1, 2),
    (re.compile(rf"{_TERM}\s*,?\s+not\s+{_TERM}\b"), 1, 2),
    (
        re.compile(
            rf"(?:switch|switched|move|moved|migrate|migrated)\s+from\s+{_TERM}\s+to\s+"
            rf"{_TERM}"
        ),
        2,
        1,
    ),
    (re.compile(rf"replace[sd]?\s+{_TERM}\s+(?:with|by)\s+{_TERM}"), 2, 1),
    (
        re.compile(
            rf"(?:drop|dropped|ditch|ditched)\s+{_TERM}\s+(?:for|in\s+favou?r\s+of)\s+"
            rf"{_TERM}"
        ),
        2,
        1,
    ),
)
_SETTINGS = (
    re.compile(r"\b([a-z_][a-z0-9_.\-]*)\s*(?:=|:=|==)\s*([^\s,;]+)"),
    re.compile(r"\b([a-z_][a-z0-9_.\-]*[a-z0-9_]):\s+([0-9][^\s,;]*|true|false|on|off)\b"),
    re.compile(r"\bset\s+([a-z_][a-z0-9_.\-]*)\s+to\s+([^\s,;]+)"),
    re.compile(
        r"\b([a-z_][a-z0-9_.\-]*)\s+(?:defaults\s+to|is\s+set\s+to|must\s+be\s+set\s+to)\s+"
        r"([^\s,;]+)"
    ),
)
#: Words a "preference" term can't be: "X, not Y" in "it works, not yet" says nothing.
_NOT_TERMS = frozenset("a an the it this that we you they is are be yet just only".split())


@dataclass(frozen=True)
class Claim:
    """What a title claims, reduced to what the rule compares."""

    core: frozenset[str]  # the content words, without negations and antonyms
    concepts: frozenset[str]  # the antonym pairs it names ("enable" for enable/disable)
    polarity: int  # +1 or -1
    preferences: frozenset[tuple[str, str]]
    settings: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Contradiction:
    """``new`` and ``old`` disagree; ``rule`` is polarity, preference or setting."""

    new: Observation
    old: Observation
    rule: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {
            "new": self.new.id,
            "new_title": self.new.title,
            "old": self.old.id,
            "old_title": self.old.title,
            "rule": self.rule,
            "detail": self.detail,
        }

    def other(self, ident: str) -> Observation:
        return self.old if self.new.id == ident else self.new


@functools.lru_cache(maxsize=1 << 16)
def claim_of(title: str) -> Claim:
    text = title.lower().replace("\u2019", "'")
    words = _WORD.findall(text)
    negations = 0
    polarity = 1
    rest: list[str] = []
    concepts: list[str] = []
    for index, word in enumerate(words):
        if word in _NEGATIONS or word.endswith("n't"):
            negations += 1
            continue
        if word == "longer" and index and words[index - 1] == "no":
            continue
        if word in _ANTONYMS:
            concept, sign = _ANTONYMS[word]
            polarity *= sign
            concepts.append(concept)
            continue
        rest.append(word)
    if negations % 2:
        polarity = -polarity
    preferences: set[tuple[str, str]] = set()
    for pattern, good, bad in _PREFERENCES:
        for match in pattern.finditer(text):
            a, b = _term(match.group(good)), _term(match.group(bad))
            if a and b and a != b:
                preferences.add((a, b))
    settings: list[tuple[str, str]] = []
    for pattern in _SETTINGS:
        for match in pattern.finditer(text):
            key, value = match.group(1).strip(".-"), match.group(2).strip(".,;:'\"`)(")
            if len(key) >= 2 and not key.isdigit() and value:
                settings.append((key, value))
    return Claim(
        tokens(" ".join(rest)),
        frozenset(concepts),
        polarity,
        frozenset(preferences),
        tuple(settings),
    )


def _term(word: str) -> str:
    word = word.strip(".,;:'\"`")
    return "" if word in _NOT_TERMS or len(word) < 2 else word


def disagree(new: Observation, old: Observation) -> Contradiction | None:
    """Whether ``new`` and ``old`` make opposite claims (see the module docstring)."""
    return _judge(new, old, claim_of(new.title), claim_of(old.title))


def _judge(new: Observation, old: Observation, a: Claim, b: Claim) -> Contradiction | None:
    if new.id == old.id or new.type not in PERMANENT_TYPES or old.type not in PERMANENT_TYPES:
        return None
    if new.superseded_by == old.id or old.superseded_by == new.id:
        return None
    for x, y in a.preferences:
        if (y, x) in b.preferences:
            return Contradiction(
                new, old, "preference", f"{x} instead of {y}, and {y} instead of {x}"
            )
    values_b = dict(b.settings)
    for key, value in a.settings:
        other = values_b.get(key)
        if other is not None and other != value:
            return Contradiction(
                new, old, "setting", f"{key} is {value} in one, {other} in the other"
            )
    if a.preferences or b.preferences:
        return None  # a preference is judged as one ("drop X for Y" does not negate Y)
    if a.polarity != b.polarity and a.core and b.core and a.concepts == b.concepts:
        shared = bool(set(new.files) & set(old.files))
        overlap = jaccard(a.core, b.core)
        if overlap >= (SAME_CLAIM_SHARED_FILE if shared else SAME_CLAIM):
            words = ", ".join(sorted(a.core & b.core)[:6])
            return Contradiction(
                new, old, "polarity", f"the same claim ({words}) stated and negated"
            )
    return None


def _keys(claim: Claim, rarity: dict[str, int], *, lookup: bool) -> set[str]:
    """Index keys two claims must share to be worth judging: a preference's terms (reversed to
    look one up), a setting's key, and for polarity the prefix of the rarest words (a Jaccard
    overlap of at least ``SAME_CLAIM_SHARED_FILE`` needs one of them in common), keyed by the
    polarity it must meet, so that the many plain statements only meet the few negated ones."""
    if lookup:
        keys = {f"p:{y}|{x}" for x, y in claim.preferences}
    else:
        keys = {f"p:{x}|{y}" for x, y in claim.preferences}
    keys |= {f"s:{key}" for key, _ in claim.settings}
    if claim.preferences or not claim.core:
        return keys
    polarity = -claim.polarity if lookup else claim.polarity
    concepts = ",".join(sorted(claim.concepts))
    words = sorted(claim.core, key=lambda w: (rarity.get(w, 0), w))
    prefix = len(words) - math.ceil(SAME_CLAIM_SHARED_FILE * len(words)) + 1
    keys |= {f"w:{polarity}:{concepts}:{w}" for w in words[: max(prefix, 0)]}
    return keys


def find_contradictions(
    candidates: Iterable[Observation], existing: Sequence[Observation]
) -> list[Contradiction]:
    """Each candidate against each active permanent observation of ``existing`` (pairs once).

    Claims are read once per observation and only pairs that share an index key (``_keys``)
    are judged, so a whole memory is checked in about linear time, not pair by pair.
    """
    live = ("active", "pending")
    pool = [o for o in existing if o.type in PERMANENT_TYPES and o.status in live]
    wanted = [o for o in candidates if o.type in PERMANENT_TYPES and o.status in live]
    claims = {o.id: claim_of(o.title) for o in {o.id: o for o in (*pool, *wanted)}.values()}
    rarity: dict[str, int] = {}
    for claim in claims.values():
        for word in claim.core:
            rarity[word] = rarity.get(word, 0) + 1
    index: dict[str, list[Observation]] = {}
    for obs in pool:
        for key in _keys(claims[obs.id], rarity, lookup=False):
            index.setdefault(key, []).append(obs)
    found: list[Contradiction] = []
    seen: set[frozenset[str]] = set()
    for new in wanted:
        a = claims[new.id]
        keys = _keys(a, rarity, lookup=True)
        others: dict[str, Observation] = {}
        for key in keys:
            for obs in index.get(key, ()):
                others.setdefault(obs.id, obs)
        for old in sorted(others.values(), key=lambda o: (o.created, o.id), reverse=True):
            pair = frozenset((new.id, old.id))
            if len(pair) < 2 or pair in seen:
                continue
            verdict = _judge(new, old, a, claims[old.id])
            if verdict is not None:
                seen.add(pair)
                found.append(verdict)
    return found


def all_contradictions(observations: Sequence[Observation]) -> list[Contradiction]:
    """Every disagreeing pair among ``observations`` (the newer of each pair as ``new``)."""
    ordered = sorted(observations, key=lambda o: (o.created, o.id), reverse=True)
    return find_contradictions(ordered, ordered)
