"""Which sentences may become memory, and which cues they carry.

``rejection`` says why a sentence can never be an observation (a question, a hedge, chit-chat, a
request, code, the assistant narrating what it is about to do); ``cues`` returns the cues of the
table (``memgit.extract.cues``) a sentence carries for its speaker, gated by trigger words so
that each sentence only meets the few patterns it could match; ``is_causal`` tells an
explanation from narration. Pure functions over compiled patterns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from memgit.extract.cues import CUES, Cue

_WORDS = re.compile(r"[a-z][a-z'-]*")
_BY_PREFIX: dict[str, list[tuple[str, int]]] = {}
for _index, _cue in enumerate(CUES):
    for _trigger in _cue.triggers:
        _BY_PREFIX.setdefault(_trigger[:2], []).append((_trigger, _index))


@lru_cache(maxsize=1 << 15)
def _word_cues(word: str) -> frozenset[int]:
    """Indexes of the cues one of whose triggers starts ``word`` (words repeat: memoised)."""
    return frozenset(i for trigger, i in _BY_PREFIX.get(word[:2], ()) if word.startswith(trigger))


def _gated(lower: str) -> list[Cue]:
    """Cues whose trigger prefixes occur among the words of ``lower``, in table order."""
    hits: set[int] = set()
    for word in set(_WORDS.findall(lower)):
        hits |= _word_cues(word)
    return [CUES[i] for i in sorted(hits)]


# --- what rules a sentence out -------------------------------------------------------------------

_QUESTION = re.compile(
    r"\?\s*[\"')\]]*\s*$|^(?:so,? |and |but )?(?:why|how come|how about|shall (?:we|i)|"
    r"should (?:we|i)|could (?:we|you|i)|can (?:we|you|i)|would (?:we|you|it)|do (?:we|you)|"
    r"does (?:it|this|that|anyone)|did (?:we|you|it)|is (?:it|there|this|that)|are (?:we|there|you"
    r")|"
    r"will (?:we|you|it)|what (?:if|about|do|does|did|should|would|is|are)|which (?:one|is|should)|"
    r"how (?:do|does|should|would|can|did|is))\b",
)
_ANSWERED = re.compile(r"^(?:why|how|what)\b[^?:]{0,60}:\s+\S[^?]*$")
""" "Why the first run stayed cold: ..." answers its own question."""
_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|i wonder|wondering|what if|not sure|unsure|thinking out loud|just "
    r"thinking|at some point|some ?day|might be worth|might want|could (?:also )?(?:try|look|"
    r"consider|explore)|i'?d lean|lean towards|possibly|worth considering|worth a look|"
    r"nice to have|"
    r"would be nice|in theory|if you want|happy to|up to you|your call|one option|an option|"
    r"alternatively|for example|for instance|e\.g\.|noted (?:as|for)|a possible|i think|i guess|"
    r"i believe|i suspect|i feel like|not 100%)",
)
_CHATTER = re.compile(
    r"^(?:(?:thanks|thank you|thx|ty|great|perfect|nice|awesome|cool|ok|okay|sure|yes|yep|yeah|"
    r"sounds good|lgtm|good (?:idea|find|catch|point|call)|you'?re (?:welcome|right|absolutely "
    r"right)|got it|understood|excellent|will do|of course|no problem|exactly|agreed|done|"
    r"noted|makes sense|ugh|hmm|wow|oops|right|nah|nope|no|not now|not yet|later|whatever|"
    r"that'?s (?:great|perfect|awesome|nice|good|fine|it|all)|this is (?:great|perfect|awesome))"
    r"[\s!.,:;)🙏👍🎉-]*)+$",
)
_NARRATION = re.compile(
    r"^(?:(?:now|next|first|then|ok(?:ay)?|great|good|perfect|alright|excellent|sure|so|and|"
    r"also|finally)[,!.]?\s+)*(?:let me|let'?s (?:look|check|see|run|start|try|read|first|now|"
    r"verify|confirm)|i'?ll|i will|i'?m going to|i am going to|i need to|i'?m (?:now|going|"
    r"looking|checking|reading|running|adding|updating|creating|fixing)|we need to (?:check|look|"
    r"read|see|find)|looking at|checking|reading|running|now,? |i can see|"
    r"i see|i understand|i notice)",
)
_REQUEST = re.compile(
    r"^(?:(?:ok|so|and|also|hey|hi|hello)(?: \w+)?[,!]?\s+)*(?:(?:can|could|would|will) you|"
    r"i'?d like|"
    r"i would like|i want you|i need you|help me|please (?:add|create|implement|fix|write|make|"
    r"update|help|find|check|look|investigate|review|run|commit|push|open|figure|dig|explain|walk)"
    r")\b",
)
_DIAGNOSTIC = re.compile(
    r"\b(?:is|are|was) never (?:used|reassigned|read|mutated|modified)\b|"
    r"\b(?:is|are) (?:declared|assigned|defined) but never\b|\bis unused\b|"
    r"\bunused (?:import|variable|parameter|function|func|field)s?\b|\bcan be declared\b|"
    r"\bimported but unused\b|\bfixable with\b|\bprefer-const\b|\bno-unused-vars\b|"
    r"\bshould (?:merge variable|omit type)\b|\bguard clause\b|\bis recommended\b|"
    r"(?:ruff|flake8|pylint|eslint|staticcheck|golangci|clippy|mypy|pyright|rubocop|lint\w*)\b"
    r".{0,80}(?-i:\b(?:[A-Z]{1,2}\d{3,4}|TS\d{4})\b)|\b(?:style|lint|layout|naming)/[a-z]+\b|"
    r"\b(?:diagnostics?|linter|lint (?:warning|hint)s?) (?:is|are|was|were) pre-?existing\b|"
    r"\b(?:errcheck|gosec|govet|golint|nolint|unparam|ineffassign)\b|\blint issues?\b|"
    r"\blinter (?:still )?flags\b|\bflagged by the linter\b",
    re.IGNORECASE,
)
"""Compiler, linter and IDE hints quoted in prose: about the code's tidiness, not its behaviour."""
_PLAN_STEP = re.compile(
    r"^(?:(?:now|ok(?:ay)?|next|then|alright|great|good)[,!.]?\s+)*(?:let'?s|we'?ll|i'?ll|time to|"
    r"moving|we can|we should|on) (?:now )?(?:move on|move|proceed|continue|go on|start|begin|"
    r"turn|get|tackle|jump)(?: on)?(?: to| with)?\s+(?:the next\b|(?:phase|step|part|stage|"
    r"section|round|milestone|task)\s*\w*)|^(?:phase|step|part|stage|round|milestone) \d+\s*"
    r"(?:[:.\u2014\u2013-]|$)",
)
"""Steps of a plan being walked through: where the work is, not what was learned."""
_HANDBACK = re.compile(
    r"\b(?:when|once|before|after) you(?:'re| are)? (?:done|finished|finish|through|ready)\b|"
    r"\bwhen you(?:'re| are)? at it\b|^(?:please )?(?:don'?t|do not) .*\bfor now\b|"
    r"\bfor (?:it|this|that|the test|this (?:task|change|pr|"
    r"one|ticket|fix))[.!]*$|\bthis time\b|\bin this pr\b|^keep (?:it|this|that|things) |"
    r"\bwhile you(?:'re| are)? (?:at it|doing it|do it|there|in there)\b|\bas before\b|"
    r"\bdon'?t bother\b|^(?:(?:please|let'?s|just)\s+)?(?:keep|make|leave) (?:the|this|your) "
    r"(?:diff|pr|patch|change|changes|commit|commits)\b|"
    r"^(?:for|in) (?:this|the) (?:pr|task|change|ticket|fix|branch|one)\b|"
    r"^(?:(?:please|just)\s+)?(?:use|follow|match|keep|make|do|write|style) "
    r"(?:it |this |that |them )?(?:the same (?:\w+ )?as|consistent with|in line with|"
    r"like the (?:other|rest|existing))\b"
)
"""Instructions for the task at hand ("make sure CI passes when you're done", "use the same
style as the other endpoints", "for this PR, don't touch the migrations")."""
_QUOTED = re.compile(
    r"^(?:(?:the|this|our|my) )?(?:ticket|issue|spec|story|task|card|brief|jira|pr description|"
    r"requirements?|acceptance criteria|customer|client|email|message) (?:says|said|reads|asks|"
    r"wants)\b[^\"\u201c]*[\"\u201c]"
)
"""A quoted instruction ('the ticket says: "Users should always ..."'): the task's wording."""
_DEFERRAL = re.compile(r"^(?:please )?(?:don'?t|do not) [^,;]*\byet\b")
"""A step put off for this task ("don't port the old modules yet")..."""
_WAITS_FOR = re.compile(r"\b(?:until|unless|before|without)\b|(?<=\s)(?-i:[A-Z][a-z]{2,})\b")
"""... unless it waits for someone or something: then it is coordination ("..., Sam is ...")."""
_SEGUE = re.compile(
    r"^(?:\w+[,.!]\s+)?(?:while|when|since|now that) you(?:'re| are) (?:at it|in there|there|"
    r"doing (?:it|that)|in that (?:file|code|module))\s*,\s*(?P<rest>\S.*)$"
)
"""A segue into what follows ("while you're in there, the team agreed ..."): not the instruction
itself; the statement after it is what to judge."""
_TASK = re.compile(
    r"^(?:(?:now|then|first|next|also|and|ok(?:ay)?|so)[,:]?\s+)*(?:add|create|implement|write|"
    r"build|make(?! sure)|fix|update|refactor|hand (?:over|off)|have (?:each|every|them|him|"
    r"her)|set up|deploy|rename|delete|generate|investigate|review|check(?! with)|look|find|"
    r"figure|commit|push|open|test|try|show|explain|tell|describe|summari[sz]e|research|"
    r"analy[sz]e|help|give|bump)\b(?! (?:always|never|only)\b)"
)
"""A typed instruction for the work at hand ("hand over this research to teammates")."""
_RULE = re.compile(r"\b(?:rule|convention|always|never|from now on|nobody|everyone|policy)\b")
_CODE = re.compile(
    r"[{};]\s*$|^\s*(?:\$ |>>>|import |from \S+ import|def |class |func |fn |const |let |var |"
    r"#include|SELECT |UPDATE )"
)
_SYMBOLS = re.compile(r"[{}()\[\];=<>$|\\&]")


def rejection(text: str, role: str) -> str | None:
    """Why ``text`` can never be an observation, or ``None`` when it might be one."""
    if len(text.split()) < 3:
        return "too short"
    lower = text.lower()
    if _QUESTION.search(lower) and not _ANSWERED.match(lower):
        return "question"
    if _HEDGE.search(lower):
        return "hedge"
    if _CHATTER.match(lower):
        return "chatter"
    if _REQUEST.match(lower) and not _RULE.search(lower):
        return "request"
    if _HANDBACK.search(lower) and not _RULE.search(lower):
        segue = _SEGUE.match(lower)
        if segue is None or len(segue.group("rest").split()) < 5:
            return "request"
        return rejection(text[segue.start("rest") :], role)
    if _QUOTED.match(lower):
        return "request"
    if _DEFERRAL.match(lower) and not _WAITS_FOR.search(text):
        return "request"
    if role == "user" and _TASK.match(lower) and not _RULE.search(lower):
        return "request"
    if _DIAGNOSTIC.search(text):
        return "diagnostic"
    if _PLAN_STEP.match(lower):
        return "plan step"
    if text.rstrip().endswith(":"):
        return "lead-in"  # it introduces a list, a code block or nothing: the fact is elsewhere
    if _CODE.search(text) or len(_SYMBOLS.findall(text)) > max(6, len(text) // 12):
        return "code"
    if role == "assistant" and _NARRATION.match(lower):
        return "narration"
    return None


def is_narration(text: str) -> bool:
    return bool(_NARRATION.match(text.lower()))


def cues(text: str, role: str) -> list[Cue]:
    """Every cue ``text`` carries when ``role`` says it, strongest first."""
    lower = text.lower()
    found = [
        c
        for c in _gated(lower)
        if role in c.roles and c.pattern.search(lower if c.folded else text)
    ]
    return sorted(found, key=lambda c: -c.weight)


_CAUSAL = re.compile(
    r",\s+so\s+\w+|"  # after code or a bracket too: "... `true)`, so Moshi falls back"
    r"\b(?:because|since|so (?:the|that|every|any|it|we|an?|when|each|all|no|nothing)|"
    r"unless|refuses?|raises?|throws?|falls? back|strips?|(?:that|this) is why|denie[sd]|"
    r"stopped|ignores?|ignored|skips?|skipped|drops?|dropped|rejects?|rejected|"
    r"only (?:exists?|works?|applies) (?:in|on|when|for|at)|needs? (?:its|their) own|"
    r"(?:doesn'?t|does not|don'?t|do not|won'?t|can'?t) (?:read|see|know|send|pass|load|"
    r"include|respect|honou?r|support|wait|retry)s?|"
    r"which (?:means|made|makes|caused|causes)|means|caus(?:es|ed|ing)|due to|interprets?|"
    r"treats?|infers?|expects?|assumes?|instead of|rather than|whenever|every time|each time|"
    r"as soon as|once|there is no|"
    r"there's no|has to|have to|needs? to|must|(?:doesn'?t|does not|no longer) exists?|"
    r"already (?:merged|exists|published|deleted|taken|in use|running|closed|released))\b",
)


def is_causal(text: str) -> bool:
    """Whether a sentence explains (a cause, a mechanism, a requirement) rather than narrates."""
    return bool(_CAUSAL.search(text.lower()))
