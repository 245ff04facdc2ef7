"""The offline extractor: typed observations from a chunk's prose, without any model or key.

It reads the rendered chunk back into blocks (``segment``), scores each sentence of the user's
and the assistant's prose against the cue tables (``signals``), and reads the context around it:
a failing command or test before an assistant's explanation makes that explanation a gotcha, an
assistant's "you're right" makes the user's previous message a correction, a user's short answer
naming one of the options just listed (or approving a proposal) is a decision (``choices``), a
summary at the end of a turn is progress. Sentences of one message that say the same kind of
thing fold into one draft; the best few of the chunk are kept (``draft``) and worded
(``wording``). Tool output is never read as prose: only its error lines, as evidence for a
gotcha, and its test runs and todo lists, as progress (``evidence``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from memgit.dedupe import jaccard, tokens
from memgit.extract import choices, evidence, titles, wording
from memgit.extract.base import ChunkInput, Extraction, SessionNotes, Usage
from memgit.extract.draft import (
    MAX_FACTS,
    PRIORITY,
    TYPE_OF,
    Draft,
    bonus,
    fold,
    is_specific,
    same_incident,
    select,
    to_candidate,
    unique,
)
from memgit.extract.labels import labelled
from memgit.extract.phrasing import (
    done_lead,
    mentioned_paths,
    plain,
    resolve_files,
    shorten,
    strip_lead,
    tidy,
)
from memgit.extract.segment import Block, Sentence, blocks, sentences
from memgit.extract.signals import cues, is_causal, rejection
from memgit.model import Observation

__all__ = ["HeuristicExtractor"]

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
_HEADING_KINDS = (
    (
        re.compile(
            r"^(?:the |proposed |chosen )?(?:change|changes|decision|decisions|approach|solution|"
            r"design|proposal)$"
        ),
        "decision",
        0.7,
    ),
    (
        re.compile(
            r"gotcha|pitfall|caveat|lesson|learned|watch out|known issue|root cause|"
            r"why it (?:failed|broke)"
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
"""Sections of plans and summaries whose first sentence is of a known kind."""
_IMPACT = re.compile(
    r"\b(?:left behind|never|nothing|no longer|lost|drops?|leaks?|stale|silently|ignores?|"
    r"overwrites?|rejects?|refuses?|breaks?|fails?|blocks?|locks?|hangs?|stalls?|duplicates?|twice|"
    r"wrong|instead|default)\b"
)
_REMEDY = re.compile(
    r"\b(?:is|are|should be) (?:safe|fine|ok|okay|enough)\b|\bfix(?:es)? (?:it|this|that)\b|"
    r"\bturns? that into\b|\bwill (?:work|fix)\b"
)


_ASKED = re.compile(r'^\u2014 asked: "(?P<prompt>.+)"\)$', re.DOTALL)
"""The prompt a later chunk of a long turn carries: the user's words, for the context they give."""


def _asked(block: Block) -> str:
    """The prompt of the turn a ``(turn N continued ...)`` marker continues; "" for others."""
    if block.role != "context":
        return ""
    match = _ASKED.match(block.text.strip())  # the body after "(turn N continued"
    return match.group("prompt") if match else ""


def _kind_heading(heading: str) -> bool:
    return bool(heading) and any(p.search(heading) for p, _, _ in _HEADING_KINDS)


def _mechanism(text: str) -> float:
    """Of an explanation's sentences, prefer the one saying what goes wrong over the remedy."""
    lower = text.lower()
    return (0.05 if _IMPACT.search(lower) else 0.0) - (0.05 if _REMEDY.search(lower) else 0.0)


_REASON = re.compile(
    r"^(?:(?:it|this|that)(?:'s|'ll|'d| (?:is|was|would|will|can|could|does|doesn't|did|has|"
    r"had|[a-z]+s)\b)|(?:they|these|those)(?:'re|'ll| (?:are|were|would|will|can|could|do|"
    r"don't|have|keep|mean|make|let|give|avoid|stop)\b)|(?:because|since|that way|"
    r"which|otherwise|so|then)\b)(?!'s (?:it|all)\b)",
    re.IGNORECASE,
)
"""How a sentence that gives the reason for the one before it starts ("It generates ...")."""
_OUTLINE_KEEP = re.compile(
    r"convention|rule|guideline|decision|gotcha|constraint|must|never|always"
)
"""Headings of a user's pasted outline whose items are still rules to keep."""
_RULE_FORM = re.compile(
    r"\b(?:we|you|nobody|no one|everybody)\b|(?<!for )\beveryone\b|"
    r"\b(?:never|always|don'?t|do not)\s+(?!\w+s\b)\w+",
    re.IGNORECASE,
)
"""A rule as people give one: to us or you, or an order ("never run ..."), not a description."""
_CHOICE_TOLD = re.compile(
    r"\b(?:rather than|instead of|in favou?r of) (?:a |an |the )?[\w`.-]+", re.IGNORECASE
)
_FINDINGS = re.compile(
    r"\b(?:key )?(?:findings?|insights?|learnings?|lessons?|takeaways?|caveats?|gotchas?|"
    r"what i (?:found|learned)|things to know|worth knowing|notes|(?:current |known |open )?"
    r"(?:issues|problems|pitfalls))\b"
)
_KNOWLEDGE = re.compile(
    r"\b(?:instead of|rather than|in favou?r of|because|since|so that|otherwise|which means|"
    r"caused by|the cause|root cause|so (?:that|the|it|two|no|nothing|every|each|they|we))\b",
    re.IGNORECASE,
)
"""What makes a "Done:" / "Fixed:" report more than a finished step: the choice or the cause."""
_ALTERNATIVE = re.compile(
    r"^(?:and |but |also |oh,? |so )?(?:not|rather than|instead of|over) (?:a |an |the )?"
    r"[\w.`@/+-]+(?:\s*[:,;\u2014\u2013(-]|\s+(?:because|since|as|it|they|which|either)\b|[.!]?$)",
    re.IGNORECASE,
)
"""A later message naming the option a choice passed over ("and not requests: it has no async")."""
_UNSAID = frozenset({"question", "too short", "lead-in", "code", "chatter", "hedge"})
"""Rejections a label does not overcome."""

_STOPS = ("user", "task", "context")
"""Blocks that end the assistant's stretch of work: a prompt, a subagent task, a compaction."""


def _restates(draft: Draft, known: Sequence[Observation]) -> bool:
    """Whether a known observation of another type already says what ``draft`` says: one fact,
    one type (dedupe only compares observations of the same type)."""
    mine = tokens(draft.title)
    if len(mine) < 4:
        return False
    kind = TYPE_OF.get(draft.kind, draft.kind)
    return any(
        obs.type != kind and obs.active and jaccard(mine, tokens(obs.title)) >= 0.6 for obs in known
    )


class HeuristicExtractor:
    """Offline extraction by cues and context; see the module docstring. No constructor args."""

    source = "heuristic"

    def extract(self, chunk: ChunkInput, known: Sequence[Observation]) -> Extraction:
        reading = _Reading(blocks(chunk.text), chunk.files)
        kept = [d for d in select(reading.drafts()) if not _restates(d, known)]
        candidates = tuple(to_candidate(d) for d in sorted(kept, key=lambda d: d.order))
        return Extraction(candidates, reading.notes(kept), Usage())


class _Reading:
    """One chunk read block by block, with the context each block needs."""

    def __init__(self, found: list[Block], files: Sequence[str]) -> None:
        self.blocks = found
        self.files = tuple(files)
        self.prose = [b for b in found if b.role in ("user", "assistant") and not b.command]
        self.sentences = {b.index: sentences(b) for b in self.prose}
        self.edited = any(b.role == "tool" and b.tool in evidence.EDIT_TOOLS for b in found)
        self.reported: list[str] = []
        """Titles of finished steps reported as "Done: ..." lines: session notes, not memory."""

    # --- drafts -------------------------------------------------------------------------------

    def drafts(self) -> list[Draft]:
        drafts: list[Draft] = []
        for block in self.prose:
            picked = self._dialogue_choice(block) if block.role == "user" else None
            if picked is not None:
                drafts.append(picked)
            skip = picked.last + 1 if picked is not None else 0
            if picked is None and block.role == "user" and self._passed_over(block, drafts):
                skip = 1
            drafts.extend(self._block_drafts(block, skip=skip))
        drafts = same_incident(drafts)
        run = evidence.last_test_run(self.blocks) if self.edited else None
        drafts = [d for d in drafts if not self._reported(d)]
        for draft in drafts:
            if run is not None and draft.kind == "done":
                draft.facts.append(run)
            self._finish(draft)
        # A title that cannot stand alone even after repair keeps the observation out.
        return [d for d in drafts if titles.problem(d.title) is None]

    def _reported(self, draft: Draft) -> bool:
        """Whether ``draft`` is a "Done: X" / "Fixed; X" report of a finished step, which the
        session notes keep; the memory keeps one only for what it teaches, typed by that: the
        cause it names (a fix "instead of" the old behaviour is a gotcha), or the choice."""
        if draft.kind != "done":
            return False
        label, rest = done_lead(plain(draft.sentence.text))
        if not label:
            return False
        if _KNOWLEDGE.search(rest):
            draft.kind = "gotcha" if label.lower() in ("fixed", "resolved") else "decision"
            draft.text = rest
            return False
        self.reported.append(tidy(shorten(strip_lead(plain(rest)), 90)))
        return True

    def _passed_over(self, block: Block, drafts: list[Draft]) -> bool:
        """Whether the message opens with the alternative to the chunk's last choice ("and not
        requests: ..."): it joins that choice, one fact with what it was chosen over and why."""
        items = self.sentences[block.index]
        if not items or not drafts or drafts[-1].kind != "decision":
            return False
        text = plain(items[0].text)
        if not _ALTERNATIVE.match(text) or block.index - drafts[-1].sentence.block > 6:
            return False
        drafts[-1].support.append(text)
        return True

    def _dialogue_choice(self, block: Block) -> Draft | None:
        offer = self._previous_prose(block, "assistant")
        if offer is None:
            return None
        items = self.sentences[block.index]
        asked = self._previous_prose(offer, "user")
        return choices.option_pick(items, offer, asked) or choices.approval(
            items, self.sentences[offer.index]
        )

    def _block_drafts(self, block: Block, *, skip: int) -> list[Draft]:
        error = self._error_before(block) if block.role == "assistant" else None
        # An explanation right after a failure is a gotcha; after a reported symptom, likely one.
        diagnosing = 0.65 if error is not None else 0.0
        if not diagnosing and block.role == "assistant" and self._answers_symptom(block):
            diagnosing = 0.65
        corrected = block.role == "user" and self._acknowledged(block)
        final = block.role == "assistant" and self._ends_turn(block)
        long_doc = block.role == "user" and len(block.text) > 2000
        found: list[Draft] = []
        carry: tuple[str, float] | None = None
        anchor: Draft | None = None  # a labelled statement, which its paragraph elaborates
        for sentence in self.sentences[block.index][skip:]:
            text = plain(sentence.text)
            if sentence.heading and _HEDGED_HEADING.search(sentence.heading):
                continue
            if (
                block.role == "user"
                and sentence.bullet
                and sentence.heading
                and not _OUTLINE_KEEP.search(sentence.heading)
            ):
                continue  # an item of a pasted outline (goals, plan, risks): a document, not memory
            label = labelled(text)
            if label is not None and label[0] == "notable":
                # "Heads-up:" says the statement matters, not what kind it is: its cues say.
                rest = label[2]
                kind, weight = self._classify(
                    sentence, rest, rejection(rest, block.role), diagnosing, final
                )
                label = (kind or "gotcha", max(weight, label[1]), rest)
            if label is not None:
                kind, weight, rest = label
                if rejection(rest, block.role) not in _UNSAID:
                    anchor = Draft(kind, weight + bonus(rest, kind), sentence, rest)
                    if error is not None and kind == "gotcha":
                        anchor.context = error
                    found.append(anchor)
                    carry = None
                    continue
            reason = rejection(text, block.role)
            if reason == "request" and _kind_heading(sentence.heading):
                reason = None  # "## Change" / "## Decision" of a plan: the imperative is the choice
            if anchor is not None and sentence.paragraph == anchor.sentence.paragraph:
                own, strength = self._classify(sentence, text, reason, diagnosing, final)
                if (
                    anchor.kind == "gotcha"
                    and own in ("gotcha", "pattern", "architecture")
                    and reason is None
                    and not _RULE_FORM.search(text)  # "never edit a migration": a rule of its own
                ):
                    # "Careful: this plan would remove X. `Y` is authoritative: it replaces ...":
                    # the warning's paragraph says how the thing behaves, which is the gotcha;
                    # a sentence that names its subject leads one whose subject is a pronoun.
                    if titles.problem(strip_lead(anchor.text)) == "pronoun":
                        anchor.support.insert(0, anchor.text)
                        anchor.sentence, anchor.text = sentence, text
                    else:
                        anchor.support.append(text)
                    continue
                if not own or strength < 0.7:
                    if reason is None or reason == "narration":
                        anchor.support.append(text)
                    continue  # the labelled statement's paragraph elaborates it
            anchor = None
            last = found[-1] if found else None
            if (
                last is not None
                and last.kind in ("decision", "pattern", "architecture")
                and sentence.paragraph == last.sentence.paragraph
                and sentence.position == last.sentence.position + 1
                and reason is None
                and (_REASON.match(strip_lead(text)) or _REASON.match(text))
            ):
                last.support.append(text)  # the reason for the choice: one fact, one observation
                continue
            kind, weight = self._classify(sentence, text, reason, diagnosing, final)
            if carry is not None and reason is None and carry[1] > weight:
                kind, weight = carry  # "Careful with this one." announces the next sentence
            carry = None
            if kind and len(strip_lead(text).split()) < 3:
                carry = (kind, weight)
                continue
            if corrected and kind in ("decision", "pattern"):
                weight += 0.1
            if corrected and not kind and reason is None and not found and is_specific(text):
                kind, weight = "decision", 0.7  # what the user corrected, acknowledged
            if not kind:
                continue
            weight += bonus(text, kind)
            if long_doc:
                weight -= 0.1  # a pasted plan or spec: many statements, few of them new
            found.append(Draft(kind, weight, sentence, text))
            if error is not None and kind == "gotcha":
                found[-1].context = error
        return fold(found)

    def _classify(
        self, sentence: Sentence, text: str, reason: str | None, diagnosing: float, final: bool
    ) -> tuple[str, float]:
        role = sentence.role
        if reason == "narration":
            # "I'll write a command instead of a data migration" is still a choice.
            instead = [
                c
                for c in cues(text, role)
                if c.kind == "decision" and "instead of" in c.pattern.pattern
            ]
            if instead:
                return "decision", instead[0].weight - 0.1
            # "I'm adding a partial index rather than a full one": a choice, told as a step.
            return ("decision", 0.65) if _CHOICE_TOLD.search(text) else ("", 0.0)
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
        if role == "user" and best.get("gotcha", 1.0) < 0.8:
            best["gotcha"] -= 0.15  # a user describing a failure is a report, not an explanation
        if (
            role == "user"
            and "pattern" in best
            and evidence.SYMPTOM.search(text)
            and not _RULE_FORM.search(text)
        ):
            best["pattern"] -= 0.3  # "it never comes down", "crashes for everyone": a symptom
        if diagnosing and is_causal(text):
            # After a failure or a reported symptom, the assistant's explanation is a gotcha,
            # even when it is worded as how things always are ("Each row calls ...").
            described = max(best.get("pattern", 0.0), best.get("architecture", 0.0))
            rule = described + 0.05 if role == "assistant" else 0.0
            best["gotcha"] = max(best.get("gotcha", 0.0) + 0.1, diagnosing, rule)
        if "gotcha" in best:
            best["gotcha"] += _mechanism(text)
        heading = sentence.heading
        if (
            heading
            and _FINDINGS.search(heading)
            and not _DONE_HEADING.search(heading)
            and reason is None
        ):
            # Every item of "Key findings" / "Lessons" is worth keeping: its cues say its kind.
            if not best:
                best["gotcha"] = 0.7
            top = max(best, key=lambda k: best[k])
            best[top] = max(best[top], 0.7)
        if heading and sentence.position == self._first_under(sentence):
            for pattern, kind, weight in _HEADING_KINDS:
                if pattern.search(heading):
                    best[kind] = max(best.get(kind, 0.0), weight)
        if sentence.bullet and heading and role == "assistant":
            if _NEXT_HEADING.search(heading):
                best = {"next": max(best.get("next", 0.0), 0.75)}  # items of a to-do list
            elif _DONE_HEADING.search(heading):
                best["done"] = max(best.get("done", 0.0), 0.55)
        if "done" in best:
            best["done"] += 0.1 if final else -0.1  # the summary that closes a turn
        if not best:
            return "", 0.0
        kind = max(best, key=lambda k: (best[k], PRIORITY.get(k, 0)))
        return kind, best[kind]

    # --- context -------------------------------------------------------------------------------

    def _first_under(self, sentence: Sentence) -> int:
        """Position of the first sentence under the same heading as ``sentence``."""
        for other in self.sentences[sentence.block]:
            if other.heading == sentence.heading:
                return other.position
        return sentence.position

    def _error_before(self, block: Block) -> str | None:
        """The error an assistant message follows (same turn, at most two messages later)."""
        messages = 0
        for earlier in reversed(self.blocks[: block.index]):
            if earlier.role in _STOPS:
                return None
            if earlier.role == "assistant":
                messages += 1
                if messages > 2:
                    return None
            if evidence.reports_failure(earlier):
                return evidence.error_line(earlier.text)
        return None

    def _answers_symptom(self, block: Block) -> bool:
        """Whether the message is among the first two answers to a prompt reporting a problem."""
        messages = 0
        for earlier in reversed(self.blocks[: block.index]):
            if earlier.role == "user" and not earlier.command:
                return any(
                    evidence.SYMPTOM.search(plain(s.text))
                    for s in self.sentences[earlier.index][:3]
                )
            if _asked(earlier):
                # A later chunk of a long turn: the prompt is carried, its messages are not.
                return bool(evidence.SYMPTOM.search(_asked(earlier)))
            if earlier.role in _STOPS:
                return False
            if earlier.role == "assistant":
                messages += 1
                if messages > 3:
                    return False
        return False

    def _acknowledged(self, block: Block) -> bool:
        reply = self._next_prose(block)
        return (
            reply is not None and reply.role == "assistant" and bool(_ACK.match(plain(reply.text)))
        )

    def _ends_turn(self, block: Block) -> bool:
        for later in self.blocks[block.index + 1 :]:
            if later.role in _STOPS:
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
                    if evidence.SYMPTOM.search(text):
                        return shorten(text, 160)
                return ""
            asked = _asked(earlier)
            if asked:
                return shorten(asked, 160) if evidence.SYMPTOM.search(asked) else ""
        return ""

    def _nearby_targets(self, index: int) -> list[str]:
        """Files of the tool calls around a message: read before it, edited right after it."""
        found: list[str] = []
        for earlier in reversed(self.blocks[:index]):
            if earlier.role in ("assistant", *_STOPS):
                break
            if earlier.role == "tool" and earlier.target and len(found) < 2:
                found.append(earlier.target)
        for later in self.blocks[index + 1 :]:
            if later.role in ("assistant", *_STOPS):
                break
            if later.role == "tool" and later.tool in evidence.EDIT_TOOLS and later.target:
                found.append(later.target)
        return list(dict.fromkeys(found))

    def _finish(self, draft: Draft) -> None:
        """Title, narrative, facts and files, from the draft's message and its surroundings."""
        block = self.blocks[draft.sentence.block]
        items = self.sentences[block.index]
        draft.title = draft.title or wording.title(draft, items)
        if titles.problem(draft.title) in ("pronoun", "connective", "first person"):
            draft.title = self._title_before(draft, items) or draft.title
        draft.narrative = wording.narrative(draft, items)
        facts = [*draft.support, *draft.facts]
        if draft.kind == "gotcha":
            facts += wording.explanation_tail(draft, items)
            symptom = self._symptom(block)
            if symptom:
                facts.append(f"Symptom: {symptom}")
        if draft.context:
            known = draft.context.startswith(("Asked:", "Agreed:"))
            error = re.sub(r"^error:\s*", "", draft.context, flags=re.IGNORECASE)
            facts.append(draft.context if known else f"Error: {error}")
        draft.facts = unique(f for f in facts if f != draft.narrative)[:MAX_FACTS]
        mentioned = resolve_files(
            mentioned_paths(" ".join([draft.text, *draft.support])), self.files
        )
        nearby = self._nearby_targets(block.index) if block.role == "assistant" else []
        draft.files = unique([*mentioned, *nearby])[:4]

    def _title_before(self, draft: Draft, items: list[Sentence]) -> str:
        """The title the sentence before gives, when the draft's own subject is a pronoun
        ("Sidekiq retries failed jobs 25 times. It re-runs the whole perform ...")."""
        before = [s for s in items if s.position == draft.sentence.position - 1]
        if not before or before[0].paragraph != draft.sentence.paragraph:
            return ""
        text = plain(before[0].text)
        named = titles.resolved(strip_lead(draft.text), before[0].text)
        if named:
            lead = Draft(draft.kind, draft.score, draft.sentence, named)
            line = wording.title(lead, items)
            if titles.problem(line) is None:
                return line
        if rejection(text, before[0].role) is not None:
            return ""
        lead = Draft(draft.kind, draft.score, before[0], text)
        line = wording.title(lead, items)
        if titles.problem(line) is not None:
            return ""
        draft.support.insert(0, text)
        return line

    # --- session notes -------------------------------------------------------------------------

    def notes(self, kept: list[Draft]) -> SessionNotes:
        done = [d.title for d in kept if d.kind == "done"] + self.reported
        later = [d.title for d in kept if d.kind == "next"]
        todos = evidence.last_todos(self.blocks)
        done += [f"Done: {task}" for status, task in todos if status == "completed"]
        later += [task for status, task in todos if status in ("pending", "in_progress")]
        return SessionNotes(
            request=evidence.request(self.blocks),
            learned=tuple(unique(d.title for d in kept if d.kind in ("gotcha", "decision"))),
            completed=tuple(unique(done)[:8]),
            next_steps=tuple(unique(later)[:8]),
        )
