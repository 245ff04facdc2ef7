"""One session's memory, consolidated: a fact's parts in one observation, stale states superseded.

``dedupe.judge`` compares one draft with memory of its own type, one write at a time. A session
says more than that sees: the same fact typed twice, a choice in one sentence and its reason in the
next, a state it describes and later changes. After a transcript is captured, ``plan`` looks at
the session's active observations together (pure; ``apply`` writes the outcome) and finds:

* **one fact, two files** (``same fact``): two permanent observations whose titles say the same
  (of the shorter title's words, at least ``TITLE_SHARE`` are in the other, all of them for a
  title of three or four words), or two of one type whose titles share a word and whose text is
  mostly the same (of the smaller one's words, at least ``TEXT_SHARE`` in the other, or
  ``TURN_TEXT_SHARE`` when both were said in the same turn; four words at least; finished and
  open work never match). The one the extractor was more confident of
  keeps its type (a decision and a gotcha: as for a reason, below); title and body are the more
  specific ones (``dedupe.superseding``).
* **a choice and its reason** (``reason``): a decision and a gotcha said in the same turn (the
  same ``created`` second) that share at least ``SHARED_TERMS`` terms (identifiers split into their
  words). They become one observation holding both: a gotcha when the gotcha names a defect ("a
  bug where...", "... is broken") that the decision fixes, else a decision; its title stays, the
  other's lines (and its title, when they do not hold it) join the body.
* **a state the session changed** (``changed``): an observation that marks its state as the
  present one ("currently", "still", "for now"...) and a change the same session reports at the
  same time or later (a finished progress note, or a line that opens with "Changed", "Replaced",
  "Migrated"... or says "now uses", "no longer", "instead of") sharing ``SHARED_TERMS`` terms with
  it. The earlier note is superseded by the one reporting the change.

The merged-away observation stays on disk, ``superseded`` with ``superseded_by`` naming the one
that holds the fact, as every supersession does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from memgit.dedupe import specificity, superseding, tokens
from memgit.errors import InvalidObservation
from memgit.model import EPHEMERAL_TYPES, Observation, id_from_file_name, with_status
from memgit.quality import is_done
from memgit.store import Store

TITLE_SHARE = 0.75
TEXT_SHARE = 0.7
#: Two notes of one type said in the same turn: one message restating one behaviour.
TURN_TEXT_SHARE = 0.6
SHARED_TERMS = 3

_PRESENT = re.compile(
    r"\b(?:currently|at the moment|right now|for now|as of now|at present|as it stands)\b|"
    r"\b(?:is|are|was|were) still\b|\bstill (?:uses?|used|using|runs?|has|have|holds?|"
    r"points?|calls?|reads?|writes?|expects?|rejects?|accepts?|validates?|returns?)\b",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"^\s*(?:done:\s*)?(?:changed|replaced|migrated|switched|moved|removed|renamed|converted|"
    r"dropped|relaxed|reverted)\b|\bnow (?:uses?|is|are|allows?|allowed|accepts?|returns?|runs?|"
    r"looks?|reads?|writes?|goes|lives?|passes)\b|\bno longer\b|\binstead of\b|\bis now\b|"
    r"\bmigration is (?:complete|done|finished)\b",
    re.IGNORECASE,
)
_DEFECT = re.compile(
    r"\b(?:bug|bugs|broke|broken|breaks|regression|crash(?:es|ed)?|fails?|failing|failed|wrong|"
    r"incorrect(?:ly)?|mismatch)\b",
    re.IGNORECASE,
)
#: Work still to do: an open item, not a state.
_OPEN = re.compile(
    r"^\s*(?:next|todo|to do|remaining|blocked)\b|\bstill (?:missing|to do|needed|open|pending|"
    r"failing|to be)\b|\bnot (?:yet|done)\b|\bremains?\b",
    re.IGNORECASE,
)
#: A decision that reports a fix: the change it makes, not a standing choice.
_FIX = re.compile(
    r"\bnow\b|^\s*(?:fix|fixed|fixes|changed|replaced|switched|moved|reworked)\b", re.IGNORECASE
)
#: Where a decision gives its reason.
_BECAUSE = re.compile(
    r"\b(?:because|since|as|due to|so that|to avoid|given that|otherwise|the reason is)\b"
    r"([^.;!?]*)",
    re.IGNORECASE,
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[-_./:<>()`\s]+")


@dataclass(frozen=True)
class Step:
    """``drop`` is superseded by ``keep`` (written as given); ``why`` names the rule."""

    why: str
    keep: Observation
    drop: Observation


def terms(text: str) -> frozenset[str]:
    """``dedupe.tokens`` of ``text`` with identifiers also split into their words
    (``TestInit_RejectsInvalidSessionIDs`` also gives test, init, reject, invalid, session, id)."""
    split = " ".join(_SPLIT.split(_CAMEL.sub(" ", text)))
    return tokens(text) | tokens(split)


def _stem(word: str) -> str:
    """Fold a word's ending further than ``dedupe.tokens`` ("using", "uses" and "use" meet)."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def _title_words(obs: Observation) -> frozenset[str]:
    return frozenset(_stem(word) for word in tokens(obs.title))


def _title_share(left: Observation, right: Observation) -> float:
    """Of the shorter title's words, the share in the other; a title of four words or fewer
    must be in the other whole (0 otherwise), one under three words never counts."""
    a, b = _title_words(left), _title_words(right)
    small = min(len(a), len(b))
    if small < 3:
        return 0.0
    share = len(a & b) / small
    return share if small > 4 or share == 1.0 else 0.0


def _text_share(left: Observation, right: Observation) -> float:
    a = frozenset(map(_stem, tokens(f"{left.title}\n{left.body}")))
    b = frozenset(map(_stem, tokens(f"{right.title}\n{right.body}")))
    small = min(len(a), len(b))
    return len(a & b) / small if small >= 4 else 0.0


def same_fact(left: Observation, right: Observation) -> bool:
    """Whether two observations of one session record one fact (rule in the module docstring)."""
    if (left.type in EPHEMERAL_TYPES) != (right.type in EPHEMERAL_TYPES):
        return False
    if left.type in EPHEMERAL_TYPES and left.type != right.type:
        return False
    if _title_share(left, right) >= TITLE_SHARE:
        return True
    if left.type != right.type or is_done(left) != is_done(right):
        return False  # work finished and work still open are two facts
    a, b = _title_words(left), _title_words(right)
    if not a & b:
        return False  # one paragraph copied into two notes about different things
    same_turn = abs((left.created - right.created).total_seconds()) < 1
    return _text_share(left, right) >= (TURN_TEXT_SHARE if same_turn else TEXT_SHARE)


def _merge_same(left: Observation, right: Observation) -> Step:
    """The surviving observation of one fact: the more confident one's type (then the more
    specific one's, then the earlier one's), the more specific title and body of the two."""

    def rank(obs: Observation) -> tuple[float, float, float]:
        return (obs.confidence, specificity(f"{obs.title} {obs.body}"), -obs.created.timestamp())

    keep, drop = (left, right) if rank(left) >= rank(right) else (right, left)
    title, body = superseding(drop, keep)
    kinds = {left.type: left, right.type: right}
    if set(kinds) == {"decision", "gotcha"}:
        # One fact said as a choice and as a gotcha: the choice and its reason, one decision;
        # a gotcha when the gotcha names a defect.
        gotcha = kinds["gotcha"]
        if names_defect(gotcha.title):
            keep, drop = gotcha, kinds["decision"]
        else:
            keep, drop = kinds["decision"], gotcha
    return Step("same fact", _merged(keep, drop, title=title, body=body), drop)


def is_reason_pair(decision: Observation, gotcha: Observation) -> bool:
    """A decision and a gotcha said in the same turn, the gotcha holding the decision's reason:
    the decision gives a reason ("because ...", "since ...", "to avoid ...") that states most of
    the gotcha's title, or the gotcha names a defect that the decision reports fixing ("...
    now looks up ...", "Fixed ...") and they share ``SHARED_TERMS`` terms."""
    if decision.type != "decision" or gotcha.type != "gotcha":
        return False
    if abs((decision.created - gotcha.created).total_seconds()) >= 1:
        return False
    said = f"{decision.title}\n{decision.body}"
    wanted = tokens(gotcha.title)
    for match in _BECAUSE.finditer(said):
        if len(wanted) >= 3 and len(wanted & tokens(match[1])) >= TITLE_SHARE * len(wanted):
            return True
    if not (names_defect(f"{gotcha.title}\n{gotcha.body}") and _FIX.search(decision.title)):
        return False
    shared = terms(said) & terms(f"{gotcha.title}\n{gotcha.body}")
    return len(shared) >= SHARED_TERMS


def _merge_reason(decision: Observation, gotcha: Observation) -> Step:
    keep, other = (gotcha, decision) if names_defect(gotcha.title) else (decision, gotcha)
    present = f"{keep.title}\n{keep.body}".casefold()
    said = [ln.removeprefix("- ").strip() for ln in other.body.splitlines()]
    lines = [line for line in said if line]
    bare = other.title.replace("`", "").casefold()
    if not any(bare in line.replace("`", "").casefold() for line in lines):
        lines.insert(0, other.title)
    extra = [f"- {line}" for line in lines if line.casefold() not in present]
    body = "\n".join([keep.body.rstrip(), *extra]).strip("\n")
    return Step("reason", _merged(keep, other, title=keep.title, body=body), other)


def names_defect(text: str) -> bool:
    return bool(_DEFECT.search(text))


def marks_present(obs: Observation) -> bool:
    """The observation says its state holds now ("currently", "is still used"...): a state that
    the session may go on to change. Work still open ("still missing", "Next: ...") is not."""
    first = next((ln for ln in obs.body.splitlines() if ln.strip()), "")
    if _OPEN.search(obs.title):
        return False
    return bool(_PRESENT.search(obs.title) or _PRESENT.search(first))


def change_lines(obs: Observation) -> list[str]:
    """The lines of ``obs`` that report a change made (all of a finished progress note)."""
    lines = [obs.title, *(ln[2:] for ln in obs.body.splitlines() if ln.startswith("- "))]
    if is_done(obs):
        return [*lines, obs.body]
    return [line for line in lines if _CHANGE.search(line)]


def changed_by(earlier: Observation, later: Observation) -> bool:
    """Whether ``later`` reports changing the state ``earlier`` describes as the present one."""
    if earlier.id == later.id or later.created < earlier.created or not marks_present(earlier):
        return False
    if earlier.type == "decision" and later.type != "decision":
        return False  # a choice is not undone by a progress note
    words = terms(f"{earlier.title}\n{earlier.body}")
    return any(len(words & terms(line)) >= SHARED_TERMS - 1 for line in change_lines(later))


def plan(observations: Iterable[Observation]) -> list[Step]:
    """What to merge or supersede among one session's observations (active ones only)."""
    live = {o.id: o for o in sorted(observations, key=lambda o: (o.created, o.id)) if o.active}
    steps: list[Step] = []
    # Pairs already found apart: neither note has changed since, so they stay apart. Without
    # this, each merge would compare every pair again (cubic in the session's notes, under the
    # memory lock that other sessions' captures wait for).
    apart: set[tuple[str, str]] = set()
    changed = True
    while changed:
        changed = False
        items = list(live.values())
        for i, left in enumerate(items):
            for right in items[i + 1 :]:
                if (left.id, right.id) in apart:
                    continue
                step = _pair(left, right)
                if step is None:
                    apart.add((left.id, right.id))
                    continue
                steps.append(step)
                del live[step.drop.id]
                live[step.keep.id] = step.keep
                apart = {pair for pair in apart if step.keep.id not in pair}
                changed = True
                break
            if changed:
                break
    return steps


def _pair(left: Observation, right: Observation) -> Step | None:
    if same_fact(left, right):
        return _merge_same(left, right)
    for decision, gotcha in ((left, right), (right, left)):
        if is_reason_pair(decision, gotcha):
            return _merge_reason(decision, gotcha)
    for earlier, later in ((left, right), (right, left)):
        if changed_by(earlier, later):
            return Step("changed", _merged(later, earlier), earlier)
    return None


def _merged(
    keep: Observation, drop: Observation, *, title: str | None = None, body: str | None = None
) -> Observation:
    """``keep`` superseding ``drop``: both notes' files, and the title and body given (else its
    own)."""
    return replace(
        keep,
        title=keep.title if title is None else title,
        body=keep.body if body is None else body,
        supersedes=tuple(dict.fromkeys((*keep.supersedes, drop.id))),
        files=tuple(dict.fromkeys((*keep.files, *drop.files))),
    )


def apply(store: Store, session: str, ids: Iterable[str]) -> list[Step]:
    """Consolidate ``session``'s active observations among ``ids`` (what this session wrote, in
    this run and in earlier ones) in ``store``; only those files are read. Caller holds the lock.

    Times stay the session's own: a merged-away note is marked superseded as of the later of
    the two, never as of the capture (a backfilled session keeps its dates).
    """
    wanted = set(ids)
    folder = store.paths.observations
    mine: list[Observation] = []
    for name in store.names():
        if id_from_file_name(name) not in wanted:
            continue
        try:
            obs = store.read(folder / name)
        except InvalidObservation:
            continue
        if obs.session == session and obs.active:
            mine.append(obs)
    steps = plan(mine)
    final: dict[str, Observation] = {}
    for step in steps:
        final.pop(step.drop.id, None)
        final[step.keep.id] = step.keep
    # The holders first: a crash between two writes leaves a note active beside the one that
    # also holds its fact (a duplicate), never a note superseded by one that lacks it.
    for obs in final.values():
        store.save(obs)
    for step in steps:
        moment = max(step.keep.updated, step.drop.updated)
        store.save(with_status(step.drop, "superseded", moment, superseded_by=step.keep.id))
    return steps


def surviving(ids: Sequence[str], steps: Sequence[Step]) -> list[str]:
    """``ids`` with each merged-away id replaced by the one now holding its fact (deduplicated)."""
    into = {step.drop.id: step.keep.id for step in steps}
    out: list[str] = []
    for ident in ids:
        while ident in into:
            ident = into[ident]
        if ident not in out:
            out.append(ident)
    return out
