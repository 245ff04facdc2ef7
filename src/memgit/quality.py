"""How much an observation is worth showing first: a pure quality score, and "done" progress.

``quality(obs)`` is a number from 0 to 1 computed from the observation alone (no clock, no I/O)::

    quality = min(1, 0.30 * confidence + 0.35 * specificity + 0.35 * evidence + 0.30 * human)

* ``confidence``: what the extractor recorded (0 to 1).
* ``specificity`` (0 to 1): whether the title names its subject and states a fact. It starts at 1
  and loses 0.4 when the title opens with a pronoun or connective ("It", "This", "They", "So",
  "Also"...) or, under six words, points with one at what it does not name ("Keep that as a
  state"), 0.4 when it ends dangling (a colon, an ellipsis, a trailing "to"/"the"/"and"...),
  0.6 when the title or the body's first line reads as a plan step or a chat instruction ("Now
  let's move on", "Let me", "I'll", "Next:", a question), 0.6 for compiler or linter chatter
  ("Variable is never reassigned", "is declared but never used"), 0.2 for a title of fewer than
  four words, and 0.2 when the body adds nothing to the title; never below 0.
* ``evidence`` (0 to 1): a third for each kind of evidence present in the title, body or fields,
  at most three kinds counted: files (the ``files`` field or a path in the text), a command (a
  code span or a shell command), a number (a count, size, version, line number), an identifier
  (``CamelCase``, ``snake_case``, ``dotted.name``, ``call()``).
* ``human``: 1 when a person wrote or accepted the observation (``source: manual``, a ``source``
  starting with ``accepted``, the tag ``accepted``, or ``accepted: true`` in the frontmatter).

Some notes are not knowledge however well they read (``not_knowledge``, which names the class):
praise ("All components use proper TypeScript interfaces, are fully reusable": two or more words
of self-assessment in the title), an order about the session's own workflow quoted as a rule (its
source tells the assistant what to do next: "when ... is complete, you can merge ... and then
ask the teammates"), a transient state of the repository's branches or pull requests ("The base
branch ... doesn't exist on the remote", "... already merged"), and a report of what a document
says ("It explains ...", "Strengths cover ..."). A captured note of these classes scores at most
``NOT_KNOWLEDGE_CAP``, under the default floor; what a person wrote or accepted is exempt.

Observations below the quality floor (``context.quality_floor`` in ``config.yaml``) stay in
``.memory/`` and in search, but out of what Claude reads first: the CLAUDE.md section, the
SessionStart context and the prompt context. ``below_floor`` applies that rule; what a human
wrote or accepted is never below the floor.

``blend(relevance, obs)`` weighs a search hit's relevance by quality, for the per-prompt
context (UserPromptSubmit), where relevance to the prompt comes first.

``is_done(obs)`` tells a progress note that reports finished work ("Done: ...", "Fixed ...",
"... was merged") from one about work still open, so finished work leaves "In progress".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memgit.model import Observation

#: The default floor: a little under what a plain, confident, evidence-free note scores.
DEFAULT_FLOOR = 0.4

W_CONFIDENCE = 0.30
W_SPECIFICITY = 0.35
W_EVIDENCE = 0.35
W_HUMAN = 0.30
#: The most a captured note that is not knowledge (``not_knowledge``) can score.
NOT_KNOWLEDGE_CAP = 0.2

HUMAN_SOURCES = ("manual",)
ACCEPTED = "accepted"

_WORD = re.compile(r"[A-Za-z0-9][\w'\u2019-]*")
_OPENERS = frozenset(
    """it its it's this that these those they them their there here he she we our us you your
    i i'm i've i'll so and but or also then now which who what when while because though
    although however therefore thus anyway well ok okay yes no still just""".split()
)
#: Pronouns that point at something a short title does not name ("Keep that as a state").
_REFERRING = frozenset("it this that these those them they".split())
_DANGLING = frozenset(
    """a an the to of for in on at by with from into onto and or but that which who whose as
    than then is are was were be been being has have had will would can could should may might
    must its their our your my this these those via per like such""".split()
)
_PLAN = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|alright|great|perfect|good|now|so|next|first|then|finally)[,!.]?\s+)*"
    r"(?:let'?s|let me|let us|i'?ll|i will|i'?m going to|we'?ll|we will|we'?re going to|"
    r"i need to|we need to|time to|moving on|move on|next step|next:|todo:|step \d+|phase \d+|"
    r"please\b|can you\b|could you\b|would you\b)",
    re.IGNORECASE,
)
_LINTER = re.compile(
    r"\b(?:is never (?:reassigned|used|read)|is declared but (?:its value is )?never (?:read|used)|"
    r"is assigned a value but never used|unused (?:import|variable|parameter)|"
    r"imported but unused|defined but never used|cannot find name|implicitly has an? 'any' type|"
    r"missing (?:docstring|return type)|line too long|trailing whitespace|"
    r"@typescript-eslint/|eslint-disable)",
    re.IGNORECASE,
)
_CHAT = re.compile(
    r"\b(?:let'?s|let me|i'?ll|we'?ll|i'?m going to|we'?re going to|should we|shall we|"
    r"can you|could you|would you|please)\b",
    re.IGNORECASE,
)
_ELLIPSIS_END = re.compile(r"(?:…|\.\.\.|:|,|;|\u2014|\u2013|-|\()\s*$")

_PATH = re.compile(
    r"(?<![\w/.])(?:[\w.-]+/)+[\w.-]+|(?<![\w/])[\w-]+\.(?:py|ts|tsx|js|jsx|go|rs|rb|java|kt|c|h|"
    r"cc|cpp|hpp|cs|swift|php|md|json|ya?ml|toml|ini|cfg|sh|sql|html|css|scss|lock|txt|mdc|env)\b"
)
_CODE_SPAN = re.compile(r"`[^`\n]{2,}`")
_COMMAND = re.compile(
    r"(?:^|[\s(])(?:\$ )?(?:git|npm|npx|pnpm|yarn|uv|uvx|pip|python3?|pytest|make|cargo|go|"
    r"docker|kubectl|gh|brew|apt(?:-get)?|mise|just|bun|deno|node|ruff|mypy|tox|poetry|"
    r"memgit|curl|bash|sh)\s+-{0,2}[\w.:/@=-]+",
)
_NUMBER = re.compile(r"(?<![\w#])\d+(?:[.,:]\d+)*(?:\s?(?:%|ms|s|kb|mb|gb|k|x|px|mib|gib))?\b")
_IDENTIFIER = re.compile(
    r"\b(?:[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[A-Z]{2,}[a-z][A-Za-z0-9]*|"
    r"[A-Za-z]+_[A-Za-z0-9_]+|[A-Za-z_]\w*\.[A-Za-z_]\w*(?:\.\w+)*|[A-Za-z_]\w*\(\))"
)

_DONE_START = re.compile(
    r"^\s*(?:✅|✓|\[x\]\s*)|^\s*(?:done|finished|completed?|merged|shipped|released|resolved|"
    r"landed|closed|fixed|implemented|created|added|updated|changed|removed|deleted|renamed|"
    r"moved|migrated|refactored|rewrote|rewritten|replaced|modernized|modernised|converted|"
    r"upgraded|bumped|wrote|built|set up|configured|installed|cleaned up|documented|"
    r"successfully)\b",
    re.IGNORECASE,
)
_DONE_SAYS = re.compile(
    r"\b(?:is|are|was|were|now|has been|have been|got|all)\s+(?:now\s+|all\s+|fully\s+)?"
    r"(?:done|finished|complete|completed|merged|shipped|released|resolved|landed|fixed)\b",
    re.IGNORECASE,
)
_OPEN_SAYS = re.compile(
    r"\b(?:not (?:yet )?(?:done|finished|complete|completed|merged)|isn'?t (?:done|finished|"
    r"complete|merged)|still|remaining|remains|todo|to do|wip|in progress|pending|blocked|"
    r"waiting|next step|half[- ]done|partially)\b",
    re.IGNORECASE,
)

#: Words of self-assessment: a note made of them praises the work instead of describing it.
_PRAISE = re.compile(
    r"\b(?:proper(?:ly)?|fully(?!\s+qualified)|comprehensive(?:ly)?|cleanly|"
    r"clean(?!\s+(?:build|builds|install|checkout|tree|worktree|state|environment|up|exit|"
    r"shutdown|run|slate))|robust(?:ly)?|seamless(?:ly)?|"
    r"great|excellent|nice(?:ly)?|beautiful(?:ly)?|elegant(?:ly)?|polished|thorough(?:ly)?|"
    r"perfect(?:ly)?|awesome|reusable|intuitive|user[- ]friendly|production[- ]ready|"
    r"well[- ](?:structured|organi[sz]ed|designed|written|tested|documented)|best practices)\b",
    re.IGNORECASE,
)
#: The source tells the assistant what to do next in this session (steps, its teammates).
_SESSION_ORDER = re.compile(
    r"\bwhen\b[^.;]{0,60}?\b(?:is|are)\s+(?:all\s+)?(?:complete|completed|done|finished|ready)\b"
    r"[^.;]{0,20}?\byou\s+(?:can|could|should|may|will|need to)\b|"
    r"\b(?:then\s+)?(?:ask|tell|have|get)\s+(?:the|your|all the)\s+(?:teammates?|subagents?|"
    r"agents?|workers?|team)\s+to\b",
    re.IGNORECASE,
)
#: A state of the repository's branches or pull requests at one moment.
_TRANSIENT = re.compile(
    r"\b(?:branch|branches|remote|pull request|PR|commit|tag|upstream)\b"
    # a word naming another thing ("the remote config endpoint", "the commit hook") is not one
    r"(?!\s+(?:config|configuration|endpoint|api|server|hook|hooks|message|messages|url|host|"
    r"service|cache|protection|name|names|policy|rules?)\b)[^.;]{0,80}?"
    r"\b(?:(?:doesn'?t|does not|didn'?t|did not|don'?t|do not) exist|"
    r"(?:is|are|was|were|has been|have been)\s+(?:already\s+)?(?:merged|pushed|deleted|"
    r"up to date|behind|ahead)|not (?:yet )?(?:pushed|merged))\b|\bno commits between\b",
    re.IGNORECASE,
)
#: What a document says, reported: "It explains ...", "The doc covers ...", "Strengths cover".
_REPORT = re.compile(
    r"^\s*(?:it|this|the (?:doc|document|report|page|summary|article|post|write-?up|section|"
    r"research|comparison))\s+(?:explains|describes|covers|summari[sz]es|outlines|lists|"
    r"walks through|discusses|presents|introduces)\b|^\s*(?:strengths|weaknesses|limitations|"
    r"pros|cons)\s+(?:cover|include|are)\b",
    re.IGNORECASE,
)


def not_knowledge(title: str, body: str = "") -> str | None:
    """Why a note is not knowledge however well it reads, or None (classes in the docstring)."""
    if len(_PRAISE.findall(title)) >= 2:
        return "praise"
    if _SESSION_ORDER.search(body) or _SESSION_ORDER.search(title):
        return "an order about the session's own work"
    if _TRANSIENT.search(title):
        return "a transient state of branches or pull requests"
    if _REPORT.match(title) or _REPORT.match(_first_line(body)):
        return "a report of what a document says"
    return None


@dataclass(frozen=True)
class Parts:
    """The parts of the score, for explaining it (``memgit show`` or a bench)."""

    confidence: float
    specificity: float
    evidence: float
    human: bool
    #: Why the note is not knowledge (``not_knowledge``), or None.
    not_knowledge: str | None = None

    @property
    def total(self) -> float:
        raw = (
            W_CONFIDENCE * self.confidence
            + W_SPECIFICITY * self.specificity
            + W_EVIDENCE * self.evidence
            + W_HUMAN * (1.0 if self.human else 0.0)
        )
        if self.not_knowledge and not self.human:
            raw = min(raw, NOT_KNOWLEDGE_CAP)
        return float(round(min(1.0, max(0.0, raw)), 6))


def quality(obs: Observation) -> float:
    """The observation's quality, 0 to 1 (the formula is in the module docstring)."""
    return parts(obs).total


def parts(obs: Observation) -> Parts:
    return Parts(
        confidence=min(1.0, max(0.0, obs.confidence)),
        specificity=specificity(obs.title, obs.body),
        evidence=evidence(obs.title, obs.body, obs.files),
        human=is_human(obs),
        not_knowledge=not_knowledge(obs.title, obs.body),
    )


def blend(relevance: float, obs: Observation) -> float:
    """A search hit's rank for prompt context: its relevance, weighed by quality.

    ``relevance * (0.5 + 0.5 * quality)``: quality can halve a hit's relevance at most, so a
    poor note that matches the prompt well still outranks a fine one that barely matches.
    """
    return relevance * (0.5 + 0.5 * quality(obs))


def below_floor(obs: Observation, floor: float = DEFAULT_FLOOR) -> bool:
    """True when captured ``obs`` should stay out of what Claude reads first."""
    return not is_human(obs) and quality(obs) < floor


def is_human(obs: Observation) -> bool:
    """Written or accepted by a person: ``source: manual``, or an ``accepted`` marker."""
    source = (obs.source or "").strip().lower()
    if source in HUMAN_SOURCES or source.startswith(ACCEPTED):
        return True
    if any(tag.lower() == ACCEPTED for tag in obs.tags):
        return True
    return any(key == ACCEPTED and value is True for key, value in obs.extra)


def _words(text: str) -> list[str]:
    return [w.lower().strip("'\u2019") for w in _WORD.findall(text)]


def _first_line(body: str) -> str:
    for raw in body.split("\n"):
        line = re.sub(r"^\s*(?:#+|[-*+]|\d+[.)])\s*", "", raw).strip()
        if line:
            return line
    return ""


def is_plan_or_chat(text: str) -> bool:
    """A plan step, an instruction to the assistant or a question: talk, not knowledge."""
    stripped = text.strip()
    return bool(_PLAN.match(stripped)) or stripped.endswith("?")


def has_chat(text: str) -> bool:
    """Talk to or from the assistant anywhere in ``text`` ("so let's fix that", "I'll check")."""
    return bool(_CHAT.search(text)) or is_plan_or_chat(text)


def is_linter_chatter(text: str) -> bool:
    return bool(_LINTER.search(text))


def specificity(title: str, body: str = "") -> float:
    """How well the title stands alone as a fact (see the module docstring for the rule)."""
    words = _words(title)
    if not words:
        return 0.0
    score = 1.0
    if words[0] in _OPENERS or (len(words) < 6 and _REFERRING.intersection(words[1:])):
        score -= 0.4
    if _ELLIPSIS_END.search(title) or words[-1] in _DANGLING:
        score -= 0.4
    if is_plan_or_chat(title) or is_plan_or_chat(_first_line(body)):
        score -= 0.6
    if is_linter_chatter(title):
        score -= 0.6
    if len(words) < 4:
        score -= 0.2
    if not _adds(body, words):
        score -= 0.2
    return round(max(0.0, score), 6)


def _adds(body: str, title_words: list[str]) -> bool:
    """Whether the body says something the title does not (a few new words at least)."""
    seen = set(title_words)
    new = {w for w in _words(body) if w not in seen and len(w) > 2}
    return len(new) >= 3


def evidence(title: str, body: str = "", files: tuple[str, ...] = ()) -> float:
    """A third per kind of evidence present (files, command, number, identifier), at most 1."""
    text = f"{title}\n{body}"
    kinds = 0
    if files or _PATH.search(text):
        kinds += 1
    if _CODE_SPAN.search(text) or _COMMAND.search(text):
        kinds += 1
    if _NUMBER.search(text):
        kinds += 1
    if _IDENTIFIER.search(_PATH.sub(" ", text)):  # a file name is not also an identifier
        kinds += 1
    return round(min(1.0, kinds / 3), 6)


def is_done(obs: Observation) -> bool:
    """A progress note that reports finished work, not work still open."""
    if obs.type != "progress":
        return False
    title = obs.title
    first = _first_line(obs.body)
    if _OPEN_SAYS.search(title):
        return False
    if _DONE_START.search(title) or _DONE_SAYS.search(title):
        return True
    return bool(_DONE_SAYS.search(first) and not _OPEN_SAYS.search(first))
