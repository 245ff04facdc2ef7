"""Titles and narratives for drafts: state the fact, in the session's own words, briefly.

A title is the draft's sentence without its lead-in, cut at a clause, shaped by kind: a gotcha
keeps the clause that says what goes wrong; a decision puts the choice first and its reason in
parentheses ("Use RQ (we already run redis)"); progress says ``Done:`` or ``Next:``. The
narrative is the sentence with the one that sets it up; a gotcha also keeps the sentences that
carry on its explanation (usually the fix). Pure functions.
"""

from __future__ import annotations

import re

from memgit.extract import titles
from memgit.extract.draft import Draft
from memgit.extract.phrasing import (
    done_lead,
    plain,
    shorten,
    strip_lead,
    tidy,
    unticked,
    with_reason,
)
from memgit.extract.segment import Sentence
from memgit.extract.signals import is_narration, rejection

_PAST_VERB = re.compile(r"^[A-Z][a-z]+ed\b")
_STILL = re.compile(
    r"\b(?:still|todo|next|need|needs|remaining|remains?|left|missing|pending|not done|should|"
    r"has to|have to|until)\b",
    re.IGNORECASE,
)
_SHORT_CHOICE = re.compile(
    r"^(?:do|go with|try|pick|take|choose|switch to|stick with) (\S+(?: \S+){0,2})$", re.IGNORECASE
)
_BUT = re.compile(r", but (?!also\b|not\b|only\b)", re.IGNORECASE)
_SO_CHOICE = re.compile(
    r"^(?P<why>.{12,}?),? so (?:let'?s|we'?ll|we will|we should|i'?d) (?P<what>.{8,})$",
    re.IGNORECASE,
)
_IMPACT = re.compile(
    r"\b(?:lock\w*|stall\w*|block\w*|fail\w*|break\w*|broke|error\w*|reject\w*|lost|"
    r"los(?:e|es|ing)|drop\w*|wrong|crash\w*|leak\w*|hang\w*|slow\w*|timeout|never|not|no|"
    r"cannot|can't|doesn't|won't|refus\w*|duplicat\w*|twice|corrupt\w*|overwrit\w*|stale|race)\b",
    re.IGNORECASE,
)
_REASON_START = re.compile(
    r"^(?:because|since|as|it|that|this|otherwise|else|apply|the \w+ (?:alone|situation))\b",
    re.IGNORECASE,
)


def title(draft: Draft, items: list[Sentence]) -> str:
    """A line that states the fact: the sentence without its lead-in, cut at a clause."""
    led = strip_lead(draft.text)
    if draft.kind != "done":
        led = strip_lead(titles.announced(led))
    return keep_case(led, _wording(draft, led, items))


def _wording(draft: Draft, led: str, items: list[Sentence]) -> str:
    if draft.kind == "done":
        label, rest = done_lead(draft.text)
        rest = tidy(shorten(unticked(strip_lead(rest)), 90))
        if label:
            return f"{label}: {rest}"
        return rest if _PAST_VERB.match(rest) else f"Done: {rest}"
    core, since = titles.reason_last(unticked(led))
    if draft.kind == "gotcha":
        core = _surprise(_impact_clause(core))
    if draft.kind in ("decision", "pattern"):
        core = titles.unspoken(core)
    if since and draft.kind != "next":
        return with_reason(tidy(shorten(core, 90)), since)
    if draft.kind == "decision":
        core, because = _choice_first(core)
        short = _SHORT_CHOICE.match(core)
        if short:
            core = f"Use {short.group(1)}"
        if because:
            return with_reason(tidy(shorten(core, 90)), because)
    if draft.kind == "next":
        core = _left_clause(core)
        core = tidy(shorten(core, 92))
        return core if _STILL.search(core) else f"Next: {core}"
    line = tidy(shorten(core))
    if draft.kind in ("decision", "pattern") and len(line) < 70:
        reason = _reason_after(draft, items)
        if reason:
            line = with_reason(line, reason)
    return line


def _left_clause(text: str) -> str:
    """Of "A is done; B remains", the clause that says what is left."""
    parts = re.split(r";\s+|\.\s+(?=[A-Z])", text)
    if len(parts) < 2 or _STILL.search(parts[0]):
        return text
    left = [p for p in parts[1:] if _STILL.search(p) and titles.problem(p) is None]
    return left[0] if left else text


def keep_case(original: str, line: str) -> str:
    """Undo the capital ``tidy`` gave a sentence that starts with a code identifier."""
    if original.startswith("`") and line[:1].isupper() and original[1:2].islower():
        return line[0].lower() + line[1:]
    return line


def _impact_clause(text: str) -> str:
    """Of "A; B" (or "A, and B"), the clause that says what goes wrong, when only the second one
    does and names its own subject ("..., and Flyway refuses a migration older than ...")."""
    if len(text) <= 100:
        return text
    for joint in ("; ", ", and "):
        if joint not in text:
            continue
        first, _, rest = text.partition(joint)
        if (
            not _IMPACT.search(first)
            and _IMPACT.search(rest)
            and len(rest.split()) >= 6
            and titles.problem(rest) is None
        ):
            return rest
        return text
    return text


def _surprise(text: str) -> str:
    """In "X worked, but Y happened", Y is what to remember when it says enough on its own."""
    parts = _BUT.split(text, maxsplit=1)
    if len(parts) == 2 and len(parts[1].split()) >= 6 and len(text) > 100:
        return parts[1]
    return text


def _choice_first(text: str) -> tuple[str, str]:
    """ "we already run redis, so let's use RQ" reads better as "Use RQ (we already run redis)"."""
    match = _SO_CHOICE.match(text)
    if not match:
        return text, ""
    return match.group("what"), match.group("why")


def _reason_after(draft: Draft, items: list[Sentence]) -> str:
    """The next sentence, when it gives the reason: "It writes a lockfile and breaks links."."""
    following = [s for s in items if s.position == draft.sentence.position + 1]
    if not following:
        return ""
    text = plain(following[0].text)
    if not _REASON_START.match(text) or rejection(text, following[0].role) is not None:
        return ""
    return unticked(re.sub(r"^(?:because|since|as)\s+", "", text, flags=re.IGNORECASE))


def explanation_tail(draft: Draft, items: list[Sentence]) -> list[str]:
    """The sentences that carry on an explanation: usually the fix, after the cause."""
    tail = []
    for sentence in items:
        if sentence.position <= draft.last or sentence.heading != draft.sentence.heading:
            continue
        text = plain(sentence.text)
        if rejection(text, sentence.role) is not None or text in draft.support:
            break
        tail.append(text)
        if len(tail) == 2:
            break
    return tail


def narrative(draft: Draft, items: list[Sentence]) -> str:
    """The sentence itself, with the one before it when that one sets it up, or the one after
    it when the sentence alone is too short to explain anything."""
    text = draft.text
    heading = draft.sentence.heading
    after = [s for s in items if s.position == draft.last + 1 and s.heading == heading]
    if after and len(text) < 80 and draft.kind in ("gotcha", "decision", "architecture"):
        following = plain(after[0].text)
        if rejection(following, after[0].role) is None and following not in draft.support:
            text = f"{text} {following}"
    before = [
        s
        for s in items
        if s.position == draft.sentence.position - 1
        and s.heading == heading
        and s.bullet == draft.sentence.bullet
    ]
    if before and draft.kind in ("decision", "gotcha", "pattern", "coordination"):
        previous = plain(before[0].text)
        if (
            rejection(previous, before[0].role) in (None, "too short")
            and not is_narration(previous)
            and len(previous.split()) >= 4
            and len(previous) + len(text) < 420
        ):
            text = f"{previous} {text}"
    return text if len(text) <= 500 else shorten(text, 500)
