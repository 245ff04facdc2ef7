"""The offline extractor: typed observations from a chunk's prose, without any model or key.

It reads the rendered chunk back into blocks (``segment``), scores each sentence of the user's
and the assistant's prose against cue tables (``signals``), and reads the context around it: a
failing command or test before an assistant's explanation makes that explanation a gotcha, an
assistant's "you're right" makes the user's previous message a correction, a user's short answer
naming one of the options the assistant just listed is a decision, a summary at the end of a
turn is progress. Sentences of one message that say the same kind of thing are folded into one
observation; the best few of the chunk are kept. Tool output is never read as prose: only its
error lines, as evidence for a gotcha, and the test runs and todo lists, as progress.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from memgit.dedupe import jaccard, tokens
from memgit.extract.base import Candidate, ChunkInput, Extraction, SessionNotes, Usage
from memgit.extract.phrasing import (
    done_lead,
    mentioned_paths,
    plain,
    resolve_files,
    shorten,
    strip_lead,
    tags,
    tidy,
    unticked,
    with_reason,
)
from memgit.extract.segment import Block, Sentence, blocks, sentences
from memgit.extract.signals import cues, is_causal, is_narration, rejection
from memgit.model import Observation

MAX_PER_CHUNK = 8
MAX_PER_KIND = {"done": 2, "next": 2}
MAX_PER_TYPE = 3
MIN_SCORE = 0.65
MAX_FACTS = 4
EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})
_TYPE = {"done": "progress", "next": "progress"}
_ACK = re.compile(
    r"^(?:you'?re (?:absolutely |totally |completely |quite )?right|good (?:point|catch|call)|"
    r"fair (?:point|enough)|my (?:mistake|bad)|sorry|oops|ah,? (?:right|good|i see)|"
    r"thanks for (?:the )?(?:correction|catching))",
    re.IGNORECASE,
)
_HEDGED_HEADING = re.compile(r"suggest|optional|consider|idea|alternative|option|could|nice to")
_DONE_HEADING = re.compile(
    r"summary|changes|what (?:was |i )?(?:done|changed|did|completed)|completed|done|fixed|"
    r"implemented|result"
)
_NEXT_HEADING = re.compile(
    r"next|todo|remaining|left|open (?:items|questions)|follow|not done|pending"
)
_ERROR_WORDS = (
    (re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b"), 4),
    (re.compile(r"\berror\b|ERR!|\bfatal\b|\bpanicked\b", re.IGNORECASE), 3),
    (re.compile(r"\bFAIL(?:ED|URE)?\b|\bfailed\b|✘"), 2),
    (
        re.compile(
            r"\b(?:invalid|denied|refused|forbidden|unauthori[sz]ed|rejected|cannot|can'?t|could "
            r"not|unable|not found|no such|timed? ?out|not satisfied|mismatch|missing|undefined|"
            r"not defined)\b",
            re.IGNORECASE,
        ),
        2,
    ),
    (re.compile(r"\b[45]\d\d\b"), 1),
    (re.compile(r"\b(?:expected|received|assert\w*)\b", re.IGNORECASE), 1),
)
_ERROR_NOISE = re.compile(r"^(?:exit code \d+|error: exit code \d+|\s*at .*:\d+:\d+\)?)$", re.I)
_TEST_COMMAND = re.compile(
    r"\b(?:pytest|py\.test|tox|nox|unittest|go test|cargo test|(?:npm|pnpm|yarn|bun)(?: \S+)* "
    r"test|jest|vitest|playwright test|rspec|mix test|mvn test|gradle\w* test|make test|"
    r"mise run test|phpunit|ctest|dotnet test)\b"
)
_TEST_PASSED = re.compile(
    r"\b\d+ passed\b|\btest result: ok\b|^ok\s+\S+|\bTests?:?\s+\d+ passed|\bPASS\b|"
    r"\b\d+ (?:tests?|specs?) passed\b|\bpassed \(",
    re.MULTILINE,
)
_TEST_FAILED = re.compile(r"\b[1-9]\d* (?:failed|errors?)\b|\bFAIL\b|\bFAILED\b")
_REASON_START = re.compile(
    r"^(?:because|since|as|it|that|this|otherwise|else|apply|the \w+ (?:alone|situation))\b",
    re.IGNORECASE,
)
_OPTION = re.compile(
    r"^\s*(?:[-*+]|\d{1,2}[.)])?\s*(?:\*\*|__)(?:option \w+\s*[:.)\u2014\u2013-]\s*)?`?(?P<bold>["
    r"^*_`]{1,40}?)`?"
    r"(?:\*\*|__)\s*[:\u2014\u2013-]?\s*(?P<after>.*)$"
    r"|^\s*(?:[-*+]|\d{1,2}[.)])\s+(?:option \w+\s*[:.)\u2014\u2013-]\s*)?`?(?P<plain>[\w.+#/ -]{1"
    r",30}?)`?\s*[:\u2014\u2013]\s+(?P<rest>.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_PICK_LEAD = re.compile(
    r"^(?:(?:ok|okay|fine|alright|yes|yeah|sure|hmm|right)[,.!]?\s+)*(?:let'?s (?:do|go with|use|"
    r"pick|take)|go with|use|pick|take|i'?d (?:say|go with)|option)?\s*",
    re.IGNORECASE,
)
_FIRST_PERSON_PLAN = re.compile(
    r"\b(?:i'?ll|i will|let me|i'?m going to|i am going to|i should|i need to|i can|i could|"
    r"my (?:change|edit|fix|mistake)|i (?:removed|added|changed|suppressed|forgot|missed|broke))\b",
    re.IGNORECASE,
)
_SYMPTOM = re.compile(
    r"\b(?:fail\w*|broken|breaks?|error\w*|wrong|off by|bug\w*|flak\w*|crash\w*|slow\w*|"
    r"doesn'?t|can'?t|won'?t|isn'?t|issue|problem|twice|missing|stuck|hangs?|leak\w*)\b",
    re.IGNORECASE,
)
_FAILURE_STATUS = re.compile(
    r"\b\d+ (?:test |lint |type )?(?:failures?|errors?|issues?)\b|\btests? (?:fail|failed|failing)"
    r"\b",
    re.I,
)
_APPROVAL = re.compile(
    r"^(?:(?:ok|okay|yes|yep|yeah|sure|great|perfect|agreed|right)[,.!]?\s*)*(?:yes|yep|yeah|sure|"
    r"ok|okay|sounds (?:good|right|great)|agreed|go (?:with|for|ahead)|do (?:it|that|this)|"
    r"let'?s do (?:it|that|this)|lgtm|makes sense|ship it|works for me|fine by me)\b",
    re.IGNORECASE,
)
_PROPOSAL = re.compile(
    r"\b(?:i'?d (?:rather|suggest|recommend|go|use|prefer|write|add|keep)|i (?:suggest|recommend|"
    r"propose)|i'?ll (?:\w+ ){0,4}instead|instead of|rather than|we (?:could|should)|my (?:suggest"
    r"ion|"
    r"recommendation)|the (?:better|safer|simpler|cleanest|best) (?:option|approach|way|fix) is)\b",
    re.IGNORECASE,
)
_HEDGE_WORDS = re.compile(r"\b(?:maybe|perhaps|might|not sure|if you want)\b", re.IGNORECASE)
_PROPOSER = re.compile(
    r"^(?:(?:so|then|instead)[, ]+)?(?:i'?ll|i will|i'?d|i would|i suggest(?: that| we)?|"
    r"i recommend(?: that| we)?|i propose(?: that| we)?|we could|we should|let'?s)\s+"
    r"(?:rather\s+|instead\s+)?",
    re.IGNORECASE,
)
_PAST_VERB = re.compile(r"^[A-Z][a-z]+ed\b")
_SOFT_HEDGE = re.compile(r"\b(?:probably|might|could|likely|seems?|guess)\b", re.IGNORECASE)
_SPECIFIC = re.compile(
    r"`[^`]+`|\b[a-z_]\w*\.[a-z_]\w{2,}|\b\w+/[\w./-]+|\b\w+\.(?:py|ts|tsx|js|go|rs|rb|java|yaml|y"
    r"ml|toml|json|sql)\b|\b[a-z]+[A-Z]\w+|\b\w+_\w+|\d"
)


@dataclass
class _Draft:
    """An observation taking shape: its best sentence, what supports it, and its score."""

    kind: str
    score: float
    sentence: Sentence
    text: str
    """The sentence as plain text (markdown removed, code spans kept)."""
    support: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    title: str = ""
    narrative: str = ""
    context: str = ""
    last: int = 0
    """Position of the last sentence folded into this draft."""

    @property
    def order(self) -> tuple[int, int]:
        return (self.sentence.block, self.sentence.position)


class HeuristicExtractor:
    """Offline extraction by cues and context; see the module docstring. No constructor args."""

    source = "heuristic"

    def extract(self, chunk: ChunkInput, known: Sequence[Observation]) -> Extraction:
        reading = _Reading(blocks(chunk.text), chunk.files)
        drafts = reading.drafts()
        kept = _select(drafts)
        candidates = tuple(_candidate(d) for d in sorted(kept, key=lambda d: d.order))
        return Extraction(candidates, reading.notes(kept), Usage())


class _Reading:
    """One chunk read block by block, with the context each block needs."""

    def __init__(self, found: list[Block], files: Sequence[str]) -> None:
        self.blocks = found
        self.files = tuple(files)
        self.prose = [b for b in found if b.role in ("user", "assistant") and not b.command]
        self.sentences = {b.index: sentences(b) for b in self.prose}
        self.edited = any(b.role == "tool" and b.tool in EDIT_TOOLS for b in found)

    # --- candidates --------------------------------------------------------------------------

    def drafts(self) -> list[_Draft]:
        drafts: list[_Draft] = []
        for block in self.prose:
            picked = None
            if block.role == "user":
                picked = self._option_pick(block) or self._approval(block)
            if picked is not None:
                drafts.append(picked)
            skip = picked.last + 1 if picked is not None else 0
            drafts.extend(self._block_drafts(block, skip=skip))
        drafts = _same_incident(drafts)
        self._tests_passed(drafts)
        for draft in drafts:
            self._finish(draft)
        return drafts

    def _block_drafts(self, block: Block, *, skip: int) -> list[_Draft]:
        items = self.sentences[block.index]
        error = self._error_before(block) if block.role == "assistant" else None
        corrected = block.role == "user" and self._acknowledged(block)
        final = block.role == "assistant" and self._ends_turn(block)
        long_doc = block.role == "user" and len(block.text) > 2000
        found: list[_Draft] = []
        carry: tuple[str, float] | None = None
        for sentence in items[skip:]:
            text = plain(sentence.text)
            if sentence.heading and _HEDGED_HEADING.search(sentence.heading):
                continue
            reason = rejection(text, block.role)
            kind, weight = self._classify(sentence, text, reason, error is not None, final)
            if carry is not None and reason is None and carry[1] > weight:
                kind, weight = carry  # "Careful with this one." announces the next sentence
            carry = None
            if kind and len(strip_lead(text).split()) < 3:
                carry = (kind, weight)
                continue
            if corrected and kind in ("decision", "pattern"):
                weight += 0.1
            if corrected and not kind and reason is None and not found and _SPECIFIC.search(text):
                kind, weight = "decision", 0.7
            if not kind:
                continue
            weight += _bonus(text, kind)
            if block.role == "user" and kind == "gotcha" and weight < 0.8:
                weight -= 0.15  # a user describing a failure is a report, not an explanation
            if long_doc:
                weight -= 0.1
            found.append(_Draft(kind, weight, sentence, text))
            if error is not None and kind == "gotcha":
                found[-1].context = error
        return _fold(found)

    def _classify(
        self, sentence: Sentence, text: str, reason: str | None, after_error: bool, final: bool
    ) -> tuple[str, float]:
        role = sentence.role
        heading = sentence.heading
        if reason == "narration":
            # "I'll write a command instead of a data migration" is still a choice.
            found = [
                c
                for c in cues(text, role)
                if c.kind == "decision" and "instead of" in c.pattern.pattern
            ]
            return ("decision", found[0].weight - 0.1) if found else ("", 0.0)
        if reason is not None:
            return "", 0.0
        found = cues(text, role)
        if role == "user":
            bare = strip_lead(text)  # "yep, go with X": the cue follows the acknowledgement
            if bare != text:
                found = sorted({*found, *cues(bare, role)}, key=lambda c: -c.weight)
        best: dict[str, float] = {}
        for cue in found:
            best.setdefault(cue.kind, cue.weight)
        if after_error and is_causal(text):
            best["gotcha"] = max(best.get("gotcha", 0.0) + 0.1, 0.6)
        for pattern, kind, weight in _HEADING_KINDS:
            first = self._first_under(sentence)
            if heading and pattern.search(heading) and sentence.position == first:
                best[kind] = max(best.get(kind, 0.0), weight)
        if sentence.bullet and heading and role == "assistant":
            if _NEXT_HEADING.search(heading):
                best["next"] = max(best.get("next", 0.0), 0.7)
            elif _DONE_HEADING.search(heading):
                best["done"] = max(best.get("done", 0.0), 0.55)
        if "done" in best:
            best["done"] += 0.1 if final else -0.1
        if not best:
            return "", 0.0
        kind = max(best, key=lambda k: (best[k], _PRIORITY.get(k, 0)))
        return kind, best[kind]

    def _first_under(self, sentence: Sentence) -> int:
        """Position of the first sentence under the same heading as ``sentence``."""
        for other in self.sentences[sentence.block]:
            if other.heading == sentence.heading:
                return other.position
        return sentence.position

    def _option_pick(self, block: Block) -> _Draft | None:
        """The user naming one of the options the assistant just listed: "TOML.", "do X first"."""
        items = self.sentences[block.index][:3]
        before = self._previous_prose(block, "assistant")
        options = _options(before.text) if items and before is not None else []
        if len(options) < 2 or before is None:
            return None
        for pick in items:
            text = plain(pick.text)
            answer = _PICK_LEAD.sub("", text).strip(" .!,")
            if rejection(text, "user") not in (None, "too short") or not answer:
                continue
            named = [o for o in options if _names(o[0], answer) == "yes"]
            declined = [o for o in options if _names(o[0], answer) == "no"]
            short = len(answer.split()) <= 4 or _PICK_VERB.match(answer)
            if len(named) != 1 or not short:
                continue
            name, description = named[0]
            others = [o[0] for o in options if o[0] != name]
            title = f"Use {name}" + (f" over {', '.join(others[:3])}" if others else "")
            reasons = [
                s for s in items if s is not pick and rejection(plain(s.text), "user") is None
            ]
            offered = f"{name}: {description}" if description else ""
            words = " ".join(plain(s.text) for s in reasons) or offered or text
            draft = _Draft("decision", 0.85, pick, words, title=title)
            draft.last = max(s.position for s in [pick, *reasons])
            if declined:
                draft.support.append("Declined: " + ", ".join(o[0] for o in declined))
            asked = self._previous_prose(before, "user")
            if asked is not None:
                draft.context = "Asked: " + shorten(plain(asked.text), 160)
            return draft
        return None

    def _approval(self, block: Block) -> _Draft | None:
        """The user approving what the assistant just proposed: the proposal is the decision."""
        items = self.sentences[block.index]
        before = self._previous_prose(block, "assistant")
        if not items or before is None:
            return None
        answer = plain(items[0].text)
        if len(answer.split()) > 14 or not _APPROVAL.match(answer):
            return None
        proposals = self.sentences[before.index]
        best = None
        for sentence in proposals:
            text = plain(sentence.text)
            if _PROPOSAL.search(text) and not _HEDGE_WORDS.search(text):
                best = sentence
        if best is None:
            return None
        text = plain(best.text)
        draft = _Draft("decision", 0.8, best, text)
        draft.title = _keep_case(text, tidy(shorten(unticked(_PROPOSER.sub("", text)))))
        previous = [s for s in proposals if s.position == best.position - 1]
        if previous and rejection(plain(previous[0].text), "assistant") in (None, "too short"):
            draft.support.append(plain(previous[0].text))
        draft.context = "Agreed: " + shorten(answer, 160)
        draft.last = 0
        return draft

    def _tests_passed(self, drafts: list[_Draft]) -> None:
        """A passing test run after edits supports the chunk's progress notes."""
        run = self._last_test_run() if self.edited else None
        if run is not None:
            for draft in drafts:
                if draft.kind == "done":
                    draft.facts.append(run)

    def _last_test_run(self) -> str | None:
        last: str | None = None
        for i, block in enumerate(self.blocks):
            if block.role != "tool" or block.tool != "Bash" or not _TEST_COMMAND.search(block.text):
                continue
            result = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
            if result is None or result.role not in ("result", "error"):
                continue
            passed = result.role == "result" and _TEST_PASSED.search(result.text)
            if passed and not _TEST_FAILED.search(result.text):
                summary = _TEST_PASSED.search(result.text)
                count = " ".join(summary.group(0).split()) if summary else "passed"
                command = " ".join(block.text.split())
                last = f"Tests pass after the changes (`{shorten(command, 60)}`: {count})"
            else:
                last = None
        return last

    # --- context -------------------------------------------------------------------------------

    def _error_before(self, block: Block) -> str | None:
        """The error an assistant message follows (same turn, at most two messages later)."""
        messages = 0
        for earlier in reversed(self.blocks[: block.index]):
            if earlier.role in ("user", "task", "context"):
                return None
            if earlier.role == "assistant":
                messages += 1
                if messages > 2:
                    return None
            if earlier.role == "error" or (
                earlier.role == "result" and _TEST_FAILED.search(earlier.text)
            ):
                return _error_line(earlier.text)
        return None

    def _acknowledged(self, block: Block) -> bool:
        reply = self._next_prose(block)
        return (
            reply is not None and reply.role == "assistant" and bool(_ACK.match(plain(reply.text)))
        )

    def _ends_turn(self, block: Block) -> bool:
        for later in self.blocks[block.index + 1 :]:
            if later.role in ("user", "task", "context"):
                return True
            if later.role in ("assistant", "tool"):
                return False
        return True

    def _previous_prose(self, block: Block, role: str) -> Block | None:
        for earlier in reversed(self.blocks[: block.index]):
            if earlier.role in ("user", "assistant") and not earlier.command:
                return earlier if earlier.role == role else None
        return None

    def _next_prose(self, block: Block) -> Block | None:
        for later in self.blocks[block.index + 1 :]:
            if later.role in ("user", "assistant") and not later.command:
                return later
        return None

    def _symptom(self, block: Block) -> str:
        """What the user reported as wrong in the prompt that led to this explanation."""
        for earlier in reversed(self.blocks[: block.index]):
            if earlier.role == "user" and not earlier.command:
                for sentence in self.sentences[earlier.index][:3]:
                    text = plain(sentence.text)
                    if _SYMPTOM.search(text):
                        return shorten(text, 160)
                return ""
        return ""

    def _nearby_targets(self, index: int) -> list[str]:
        """Files of the tool calls around a message: read before it, edited right after it."""
        found: list[str] = []
        for earlier in reversed(self.blocks[:index]):
            if earlier.role in ("user", "assistant", "task", "context"):
                break
            if earlier.role == "tool" and earlier.target and len(found) < 2:
                found.append(earlier.target)
        for later in self.blocks[index + 1 :]:
            if later.role in ("user", "assistant", "task", "context"):
                break
            if later.role == "tool" and later.tool in EDIT_TOOLS and later.target:
                found.append(later.target)
        return list(dict.fromkeys(found))

    # --- wording -------------------------------------------------------------------------------

    def _finish(self, draft: _Draft) -> None:
        block = self.blocks[draft.sentence.block]
        items = self.sentences[block.index]
        if not draft.title:
            draft.title = _title(draft, items)
        draft.narrative = _narrative(draft, items)
        facts = [*draft.support, *draft.facts]
        if draft.kind == "gotcha":
            facts += _explanation_tail(draft, items)
            symptom = self._symptom(block)
            if symptom:
                facts.append(f"Symptom: {symptom}")
        if draft.context:
            label = "" if draft.context.startswith("Asked:") else "Error: "
            facts.append(label + draft.context)
        draft.facts = _unique(f for f in facts if f and f != draft.narrative)[:MAX_FACTS]
        words = " ".join([draft.text, *draft.support])
        mentioned = resolve_files(mentioned_paths(words), self.files)
        nearby = self._nearby_targets(block.index) if block.role == "assistant" else []
        draft.files = _unique([*mentioned, *nearby])[:4]

    # --- session notes -------------------------------------------------------------------------

    def notes(self, kept: list[_Draft]) -> SessionNotes:
        done = [d.title for d in kept if d.kind == "done"]
        later = [d.title for d in kept if d.kind == "next"]
        todos = self._last_todos()
        done += [f"Done: {t}" for status, t in todos if status == "completed"]
        later += [t for status, t in todos if status in ("pending", "in_progress")]
        learned = [d.title for d in kept if d.kind in ("gotcha", "decision")]
        return SessionNotes(
            request=self._request(),
            learned=tuple(_unique(learned)),
            completed=tuple(_unique(done)[:8]),
            next_steps=tuple(_unique(later)[:8]),
        )

    def _request(self) -> str:
        for block in self.blocks:
            if block.role == "user" and not block.command and len(block.text.split()) >= 2:
                return _request_text(block.text)
        for block in self.blocks:
            if block.role in ("user", "task") and len(block.text.split()) >= 2:
                return _request_text(block.text)
        return ""

    def _last_todos(self) -> list[tuple[str, str]]:
        for block in reversed(self.blocks):
            if block.role == "tool" and block.tool == "TodoWrite":
                return re.findall(r"^\[(\w+)\] (.+)$", block.text, re.MULTILINE)
        return []


_HEADING_KINDS = (
    (
        re.compile(
            r"^(?:the |proposed |chosen )?(?:change|changes|decision|decisions|approach|solution|d"
            r"esign|proposal)$"
        ),
        "decision",
        0.7,
    ),
    (
        re.compile(
            r"gotcha|pitfall|caveat|lesson|learned|watch out|known issue|root cause|why it (?:fail"
            r"ed|broke)"
        ),
        "gotcha",
        0.7,
    ),
    (re.compile(r"convention|rules|guideline|style guide|do's|don'ts"), "pattern", 0.7),
    (
        re.compile(r"^(?:architecture|overview|how it works|data flow|structure|components)$"),
        "architecture",
        0.6,
    ),
)

_PRIORITY = {
    "coordination": 6,
    "gotcha": 5,
    "decision": 4,
    "pattern": 3,
    "architecture": 2,
    "next": 1,
    "done": 0,
}


def _bonus(text: str, kind: str) -> float:
    bonus = 0.0
    if _SPECIFIC.search(text):
        bonus += 0.05
    if kind in ("decision", "gotcha", "pattern") and re.search(
        r"\b(?:because|since|so that|otherwise|which means|so)\b", text, re.IGNORECASE
    ):
        bonus += 0.05
    if _SOFT_HEDGE.search(text):
        bonus -= 0.15
    if kind != "decision" and _FIRST_PERSON_PLAN.search(text):
        bonus -= 0.15
    if kind == "gotcha" and _FAILURE_STATUS.search(text):
        bonus -= 0.1
    words = len(text.split())
    if words > 60:
        bonus -= 0.1
    if words < 5:
        bonus -= 0.1
    return bonus


def _same_incident(drafts: list[_Draft]) -> list[_Draft]:
    """Gotchas explained over several messages after the same error become one."""
    kept: list[_Draft] = []
    for draft in drafts:
        first = next(
            (
                d
                for d in kept
                if draft.kind == d.kind == "gotcha" and draft.context and d.context == draft.context
            ),
            None,
        )
        if first is None:
            kept.append(draft)
            continue
        lead, other = (first, draft) if first.score >= draft.score else (draft, first)
        lead.support = _unique([*lead.support, other.text, *other.support])
        lead.score = max(lead.score, other.score) + 0.03
        if lead is draft:
            kept[kept.index(first)] = draft
    return kept


def _fold(found: list[_Draft]) -> list[_Draft]:
    """Sentences of one message close together and of the same kind become one draft."""
    folded: list[_Draft] = []
    for draft in found:
        near = next(
            (
                d
                for d in reversed(folded)
                if d.kind == draft.kind
                and (
                    d.kind in ("done", "next")
                    or (
                        draft.sentence.heading == d.sentence.heading
                        and (
                            (d.kind == "gotcha" and draft.sentence.position - d.last <= 3)
                            or (
                                draft.sentence.position - d.last <= 1
                                and len(tokens(draft.text) & tokens(d.text)) >= 2
                            )
                        )
                    )
                )
            ),
            None,
        )
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


def _select(drafts: list[_Draft]) -> list[_Draft]:
    """The best drafts of the chunk: above the floor, no near-duplicates, within the caps."""
    kept: list[_Draft] = []
    words: dict[int, frozenset[str]] = {}
    per_kind: dict[str, int] = {}
    per_type: dict[str, int] = {}
    for draft in sorted(drafts, key=lambda d: (-d.score, d.order)):
        if draft.score < MIN_SCORE or len(kept) >= MAX_PER_CHUNK:
            continue
        kind_type = _TYPE.get(draft.kind, draft.kind)
        if per_kind.get(draft.kind, 0) >= MAX_PER_KIND.get(draft.kind, MAX_PER_TYPE):
            continue
        if per_type.get(kind_type, 0) >= MAX_PER_TYPE:
            continue
        mine = words[id(draft)] = tokens(f"{draft.title} {draft.text}")
        twin = next((k for k in kept if jaccard(mine, words[id(k)]) >= 0.5), None)
        if twin is not None:
            twin.facts = _unique([*twin.facts, draft.text])[:MAX_FACTS]
            continue
        kept.append(draft)
        per_kind[draft.kind] = per_kind.get(draft.kind, 0) + 1
        per_type[kind_type] = per_type.get(kind_type, 0) + 1
    return kept


def _title(draft: _Draft, items: list[Sentence]) -> str:
    """A line that states the fact: the sentence without its lead-in, cut at a clause."""
    led = strip_lead(draft.text)
    return _keep_case(led, _wording(draft, led, items))


def _wording(draft: _Draft, led: str, items: list[Sentence]) -> str:
    if draft.kind == "done":
        label, rest = done_lead(draft.text)
        rest = tidy(shorten(unticked(strip_lead(rest)), 90))
        if label:
            return f"{label}: {rest}"
        return rest if _PAST_VERB.match(rest) else f"Done: {rest}"
    core = unticked(led)
    if draft.kind == "gotcha":
        core = _surprise(_impact_clause(core))
    if draft.kind == "decision":
        core, because = _choice_first(core)
        short = _SHORT_CHOICE.match(core)
        if short:
            core = f"Use {short.group(1)}"
        if because:
            return with_reason(tidy(shorten(core, 90)), because)
    if draft.kind == "next":
        core = tidy(shorten(core, 92))
        wanted = re.search(
            r"\b(?:still|todo|next|need|needs|remaining|left|missing|pending|not done|should|"
            r"has to|have to|until)\b",
            core,
            re.IGNORECASE,
        )
        return core if wanted else f"Next: {core}"
    title = tidy(shorten(core))
    if draft.kind in ("decision", "pattern") and len(title) < 70:
        reason = _reason_after(draft, items)
        if reason:
            title = with_reason(title, reason)
    return title


_SHORT_CHOICE = re.compile(
    r"^(?:do|go with|try|pick|take|choose|switch to|stick with) (\S+(?: \S+){0,2})$", re.I
)
_BUT = re.compile(r", but (?!also\b|not\b|only\b)", re.IGNORECASE)
_SO_CHOICE = re.compile(
    r"^(?P<why>.{12,}?),? so (?:let'?s|we'?ll|we will|we should|i'?d) (?P<what>.{8,})$",
    re.IGNORECASE,
)


def _keep_case(original: str, title: str) -> str:
    """Undo the capital ``tidy`` gave a sentence that starts with a code identifier."""
    if original.startswith("`") and title[:1].isupper() and original[1:2].islower():
        return title[0].lower() + title[1:]
    return title


_IMPACT = re.compile(
    r"\b(?:lock\w*|stall\w*|block\w*|fail\w*|break\w*|broke|error\w*|reject\w*|lost|los(?:e|es|ing"
    r")|"
    r"drop\w*|wrong|crash\w*|leak\w*|hang\w*|slow\w*|timeout|never|not|no|cannot|can't|doesn't|won"
    r"'t|"
    r"refus\w*|duplicat\w*|twice|corrupt\w*|overwrit\w*|stale|race)\b",
    re.IGNORECASE,
)


def _impact_clause(text: str) -> str:
    """Of "A; B", the clause that says what goes wrong, when only the second one does."""
    if len(text) <= 100 or "; " not in text:
        return text
    first, _, rest = text.partition("; ")
    if not _IMPACT.search(first) and _IMPACT.search(rest) and len(rest.split()) >= 6:
        return rest
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


def _explanation_tail(draft: _Draft, items: list[Sentence]) -> list[str]:
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


def _reason_after(draft: _Draft, items: list[Sentence]) -> str:
    position = draft.sentence.position
    following = [s for s in items if s.position == position + 1]
    if not following:
        return ""
    text = plain(following[0].text)
    if not _REASON_START.match(text) or rejection(text, following[0].role) is not None:
        return ""
    return unticked(re.sub(r"^(?:because|since|as)\s+", "", text, flags=re.IGNORECASE))


def _narrative(draft: _Draft, items: list[Sentence]) -> str:
    """The sentence itself, with the one before it when that one sets it up, or the one after
    it when the sentence alone is too short to explain anything."""
    text = draft.text
    position = draft.sentence.position
    heading = draft.sentence.heading
    after = [s for s in items if s.position == draft.last + 1 and s.heading == heading]
    if after and len(text) < 80 and draft.kind in ("gotcha", "decision", "architecture"):
        following = plain(after[0].text)
        if rejection(following, after[0].role) is None and following not in draft.support:
            text = f"{text} {following}"
    before = [
        s
        for s in items
        if s.position == position - 1 and s.heading == heading and s.bullet == draft.sentence.bullet
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


def _candidate(draft: _Draft) -> Candidate:
    title = draft.title[:100]
    body_words = " ".join([draft.title, draft.narrative, *draft.facts])
    return Candidate(
        type=_TYPE.get(draft.kind, draft.kind),
        title=title,
        narrative=draft.narrative,
        facts=tuple(shorten(f, 240) for f in draft.facts),
        files=tuple(draft.files),
        tags=tags(body_words, draft.files),
        confidence=round(min(0.95, max(0.3, draft.score)), 2),
    )


_PICK_VERB = re.compile(
    r"^(?:do|use|go with|try|pick|take|start with|let'?s (?:do|use|try|go with))\b", re.I
)
_NEGATED = re.compile(
    r"\b(?:not|no|without|avoid|don'?t|instead of|rather than|over)\W+(?:\w+\W+){0,3}$", re.I
)


def _names(option: str, text: str) -> str:
    """Whether ``text`` names ``option`` ("yes"), names it to decline it ("no"), or not at all."""
    match = re.search(rf"\b{re.escape(option.lower())}\b", text.lower())
    if match is None:
        return ""
    return "no" if _NEGATED.search(text[: match.start()]) else "yes"


def _options(text: str) -> list[tuple[str, str]]:
    """The options an assistant message lists: ``**Name**: why`` or ``1. Name - why`` lines."""
    found: list[tuple[str, str]] = []
    for match in _OPTION.finditer(text):
        name = (match.group("bold") or match.group("plain") or "").strip(" :")
        about = plain(match.group("after") or match.group("rest") or "").strip(" ()")
        if name and len(name.split()) <= 4 and name.lower() not in {o[0].lower() for o in found}:
            found.append((name, about))
    return found


def _error_line(text: str) -> str:
    """The most telling line of an error output: the exception or failure message."""
    best, best_score = "", 0
    for raw in text.splitlines():
        line = re.sub(r"^E\s+", "", raw.strip())
        if not line or _ERROR_NOISE.match(line):
            continue
        score = sum(weight for pattern, weight in _ERROR_WORDS if pattern.search(line))
        if score > best_score:
            best, best_score = line, score
    if not best:
        best = next(
            (
                line.strip()
                for line in text.splitlines()
                if line.strip() and not _ERROR_NOISE.match(line.strip())
            ),
            "",
        )
    return shorten(" ".join(best.split()), 200)


def _request_text(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if first.endswith(":") and len(lines) > 1:
        first = f"{first} {lines[1].lstrip('# ').strip()}"
    elif len(first) < 60 and len(lines) > 1:
        first = f"{first} {lines[1]}"
    return shorten(plain(first), 200)


def _unique(items: object) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:  # type: ignore[attr-defined]
        if isinstance(item, str) and item.strip():
            seen.setdefault(item.strip(), None)
    return list(seen)
