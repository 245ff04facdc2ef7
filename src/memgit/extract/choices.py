"""Decisions made in dialogue: the user picks an option the assistant listed, or approves a
proposal.

Assistants often lay out options (``**Vite**: fast``, ``1. TOML - the Rust default``) and users
answer in a word ("TOML.", "ok, let's do vite") or approve a plan ("yep, go with the command").
The answer alone says little; with the message before it, it is the decision: ``option_pick``
names the choice and what it beat, ``approval`` takes the proposal as the decision and the
user's words as the agreement. Pure functions over sentences.
"""

from __future__ import annotations

import re

from memgit.extract import titles
from memgit.extract.draft import Draft
from memgit.extract.phrasing import plain, shorten, tidy, unticked, with_reason
from memgit.extract.segment import Block, Sentence
from memgit.extract.signals import rejection
from memgit.extract.wording import keep_case

_OPTION = re.compile(
    # **Name**: why   /   **Option 2: `serve`** (dead simple)
    r"^\s*(?:[-*+]|\d{1,2}[.)])?\s*(?:\*\*|__)(?:option \w+\s*[:.)\u2014\u2013-]\s*)?`?"
    r"(?P<bold>[^*_`]{1,40}?)`?(?:\*\*|__)\s*[:\u2014\u2013-]?\s*(?P<after>.*)$"
    # 1. Name - why   /   - `name`: why
    r"|^\s*(?:[-*+]|\d{1,2}[.)])\s+(?:option \w+\s*[:.)\u2014\u2013-]\s*)?`?"
    r"(?P<plain>[\w.+#/ -]{1,30}?)`?\s*[:\u2014\u2013]\s+(?P<rest>.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_PICK_LEAD = re.compile(
    r"^(?:(?:ok|okay|fine|alright|yes|yeah|sure|hmm|right)[,.!]?\s+)*(?:let'?s (?:do|go with|use|"
    r"pick|take)|go with|use|pick|take|i'?d (?:say|go with)|option)?\s*",
    re.IGNORECASE,
)
_PICK_VERB = re.compile(
    r"^(?:do|use|go with|try|pick|take|start with|let'?s (?:do|use|try|go with))\b", re.IGNORECASE
)
_NEGATED = re.compile(
    r"\b(?:not|no|without|avoid|don'?t|instead of|rather than|over)\W+(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
_APPROVAL = re.compile(
    r"^(?:(?:ok|okay|yes|yep|yeah|sure|great|perfect|agreed|right)[,.!]?\s*)*(?:yes|yep|yeah|sure|"
    r"ok|okay|sounds (?:good|right|great)|agreed|go (?:with|for|ahead)|do (?:it|that|this)|"
    r"let'?s do (?:it|that|this)|lgtm|makes sense|ship it|works for me|fine by me)\b",
    re.IGNORECASE,
)
_PROPOSAL = re.compile(
    r"\b(?:i'?d (?!like\b|love\b|be\b|say\b|guess\b|think\b|imagine\b|expect\b|need\b)[a-z]+|"
    r"i (?:suggest|recommend|propose)|i'?ll [^.]{0,80}\binstead\b|instead of|rather than|"
    r"we (?:could|should)|my (?:suggestion|recommendation)|"
    r"the (?:better|safer|simpler|cleanest|best) (?:option|approach|way|fix) is)\b",
    re.IGNORECASE,
)
_UNSURE = re.compile(r"\b(?:maybe|perhaps|might|not sure|if you want)\b", re.IGNORECASE)
_PROPOSER = re.compile(
    r"^(?:(?:so|then|instead)[, ]+)?(?:i'?ll|i will|i'?d|i would|i suggest(?: that| we)?|"
    r"i recommend(?: that| we)?|i propose(?: that| we)?|we could|we should|let'?s)\s+"
    r"(?:rather\s+|instead\s+)?",
    re.IGNORECASE,
)


def options(text: str) -> list[tuple[str, str]]:
    """The options an assistant message lists, as (name, what was said about it)."""
    found: list[tuple[str, str]] = []
    for match in _OPTION.finditer(text):
        name = (match.group("bold") or match.group("plain") or "").strip(" :")
        about = plain(match.group("after") or match.group("rest") or "").strip(" ()")
        if name and len(name.split()) <= 4 and name.lower() not in {o[0].lower() for o in found}:
            found.append((name, about))
    return found


def names(option: str, text: str) -> str:
    """Whether ``text`` names ``option`` ("yes"), names it to decline it ("no"), or not ("")."""
    match = re.search(rf"\b{re.escape(option.lower())}\b", text.lower())
    if match is None:
        return ""
    return "no" if _NEGATED.search(text[: match.start()]) else "yes"


def option_pick(items: list[Sentence], offer: Block, asked: Block | None) -> Draft | None:
    """The user (``items``, the first sentences of their message) naming one of the options
    ``offer`` listed: "TOML.", "ok, let's do vite", "do the pooled encoders first"."""
    offered = options(offer.text)
    if len(offered) < 2:
        return None
    for pick in items[:3]:
        text = plain(pick.text)
        answer = _PICK_LEAD.sub("", text).strip(" .!,")
        if not answer or rejection(text, "user") not in (None, "too short"):
            continue
        named = [o for o in offered if names(o[0], answer) == "yes"]
        declined = [o[0] for o in offered if names(o[0], answer) == "no"]
        if len(named) != 1 or not (len(answer.split()) <= 4 or _PICK_VERB.match(answer)):
            continue
        name, about = named[0]
        others = [o[0] for o in offered if o[0] != name]
        reasons = [
            s for s in items[:3] if s is not pick and rejection(plain(s.text), "user") is None
        ]
        words = " ".join(plain(s.text) for s in reasons) or (f"{name}: {about}" if about else text)
        draft = Draft("decision", 0.85, pick, words)
        draft.title = f"Use {name}" + (f" over {', '.join(others[:3])}" if others else "")
        draft.last = max(s.position for s in [pick, *reasons])
        if declined:
            draft.support.append("Declined: " + ", ".join(declined))
        if asked is not None:
            draft.context = "Asked: " + shorten(plain(asked.text), 160)
        return draft
    return None


def approval(items: list[Sentence], proposals: list[Sentence]) -> Draft | None:
    """The user approving (``items``) what the assistant just proposed (``proposals``)."""
    if not items:
        return None
    answer = plain(items[0].text)
    if len(answer.split()) > 14 or not _APPROVAL.match(answer):
        return None
    best = None
    for sentence in proposals:
        text = plain(sentence.text)
        if _PROPOSAL.search(text) and not _UNSURE.search(text):
            best = sentence
    if best is None:
        return None
    text = plain(best.text)
    draft = Draft("decision", 0.8, best, text)
    proposal = titles.announced(_PROPOSER.sub("", text))
    proposal, since = titles.reason_last(titles.unspoken(proposal))
    line = tidy(shorten(unticked(proposal), 90 if since else 100))
    draft.title = keep_case(text, with_reason(line, since) if since else line)
    previous = [s for s in proposals if s.position == best.position - 1]
    if previous and rejection(plain(previous[0].text), "assistant") in (None, "too short"):
        draft.support.append(plain(previous[0].text))
    draft.context = "Agreed: " + shorten(answer, 160)
    return draft
