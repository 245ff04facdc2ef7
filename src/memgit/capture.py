"""The capture pipeline: transcript → redact → chunk → extract → dedupe → write → summarise.

``ingest_transcript`` reads a transcript from its cursor, so a second run reads only what is new.
Every text is cleaned of ``<private>`` content and secrets before it reaches a chunk, so no model
and no file ever sees them; candidates are cleaned again before they are written. The cursor moves
past a chunk only once that chunk's observations are on disk: a failed model call, a spent budget or
a crash leaves it before the chunk, and the next run resumes there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from memgit.errors import ExtractorError, InvalidObservation, MemgitError, NotATranscript
from memgit.extract.base import Candidate, ChunkInput, Extractor, SessionNotes, Usage
from memgit.fileio import atomic_write
from memgit.locate import head_commit
from memgit.model import (
    TITLE_MAX,
    Observation,
    compose_body,
    new_observation,
    parse_time,
    utcnow,
)
from memgit.query import ACTIVE
from memgit.sessions import SessionSummary, save_session
from memgit.spend import Ledger, over_budget
from memgit.transcript import (
    Chunk,
    Transcript,
    advance,
    chunk_transcript,
    is_trivial,
    load_cursor,
    read_transcript,
    save_cursor,
)

if TYPE_CHECKING:
    from memgit.api import Memory

Progress = Callable[[int, int], None]
#: Existing memories sent with each chunk, so that models don't extract them again.
KNOWN_IN_PROMPT = 8
#: After this many failed model calls on one chunk, the offline extractor takes that chunk.
MAX_ATTEMPTS = 3


@dataclass
class IngestReport:
    transcript: str
    session: str | None = None
    chunks: int = 0
    trivial: int = 0
    extracted: int = 0
    added: list[Observation] = field(default_factory=list)
    superseded: list[Observation] = field(default_factory=list)
    duplicates: int = 0
    usage: Usage = field(default_factory=Usage)
    stopped: str | None = None
    reset: str | None = None
    bad_lines: int = 0
    fallbacks: int = 0
    summary: Path | None = None
    #: Why the session's notes could not be consolidated (they stay as written), or None.
    unconsolidated: str | None = None


class Attempts:
    """Failed extractions per chunk, so that a chunk which always fails is not retried forever."""

    def __init__(self, state: Path) -> None:
        self.path = state / "attempts.json"

    def bump(self, key: str) -> int:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        data[key] = int(data.get(key, 0)) + 1
        for old in list(data)[:-500]:
            del data[old]
        atomic_write(self.path, json.dumps(data), fsync=False)
        return int(data[key])


def ingest_transcript(
    memory: Memory,
    path: Path,
    extractor: Extractor,
    *,
    clean: Callable[[str], str],
    final: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    require_transcript: bool = False,
) -> IngestReport:
    """Capture what is new in one transcript. Returns what was done (and why it stopped, if so).

    ``require_transcript`` (``memgit ingest``): a file that holds no conversation at all raises
    ``NotATranscript`` (the hooks' worker only ever gets Claude Code's own files, maybe still
    empty at a session's start).
    """
    moment = now or utcnow()
    state = memory.paths.state
    config = memory.config
    report = IngestReport(transcript=str(path))
    transcript = read_transcript(
        path, load_cursor(state, path), final=final, root=str(memory.paths.root)
    )
    report.session = transcript.session_id
    report.reset = transcript.reset
    report.bad_lines = _bad_lines(transcript)
    if require_transcript:
        _check_is_transcript(path, transcript, report.bad_lines)
    # A subagent's transcript enriches its session; the session's branch (of the summary and of
    # the observations' provenance) is the main session's, never the subagent's own worktree's.
    subagent = transcript.agent_id is not None
    main_branch = _main_branch(memory, path, transcript) if subagent else None
    cursor = transcript.cursor
    chunks = chunk_transcript(
        transcript,
        chunk_chars=config.capture.chunk_chars,
        tool_output_chars=config.capture.tool_output_chars,
        clean=clean,
    )
    report.chunks = len(chunks)
    ledger = Ledger(state)
    failures = Attempts(state)
    commit = head_commit(str(memory.paths.git_dir))
    spends = extractor.source != "heuristic"
    notes = SessionNotes()
    written: list[str] = []
    # Paths under the folders the session ran in are written relative to them, like the files.
    cwds = tuple(dict.fromkeys(t.cwd for t in transcript.turns if t.cwd))
    if transcript.cwd:
        cwds = (transcript.cwd, *cwds)
    for done, chunk in enumerate(chunks, start=1):
        if _only_summary(chunk) or is_trivial(chunk):
            report.trivial += 1
        else:
            if spends:
                reason = over_budget(ledger.spent(moment, transcript.session_id), config.budget)
                if reason:
                    report.stopped = f"stopped before a model call: {reason}"
                    break
            known = memory.related(chunk.text, ACTIVE, KNOWN_IN_PROMPT)
            piece = ChunkInput(
                text=chunk.text, files=chunk.files, session_id=chunk.session_id, branch=chunk.branch
            )
            try:
                extraction = extractor.extract(piece, known)
            except ExtractorError as exc:
                attempt = failures.bump(f"{path}:{chunk.end.offset}:{chunk.first_turn}")
                if attempt < MAX_ATTEMPTS or extractor.source == "heuristic":
                    report.stopped = f"extraction failed, will retry from here next time: {exc}"
                    break
                # The same chunk failed again and again (a reply the model keeps getting wrong):
                # the offline extractor takes it, so one bad chunk never blocks a session.
                from memgit.extract.heuristic import HeuristicExtractor

                extraction = HeuristicExtractor().extract(piece, known)
                report.fallbacks += 1
            report.extracted += 1
            report.usage = report.usage + extraction.usage
            if spends:
                ledger.record(moment, transcript.session_id, extraction.usage.total)
            with memory.store.lock():
                for candidate in extraction.candidates:
                    branch = main_branch if subagent else chunk.branch or transcript.branch
                    said = said_at(candidate, chunk, transcript, moment)
                    draft = _draft(
                        candidate, clean, extractor.source, transcript, branch, commit, said
                    )
                    if draft is None:
                        continue
                    outcome = memory._write_deduped(memory.scrub(draft, cwds))
                    if outcome.action in ("duplicate", "rejected"):
                        report.duplicates += 1
                        continue
                    written.append(outcome.observation.id)
                    report.added.append(outcome.observation)
                    if outcome.replaced is not None:
                        report.superseded.append(outcome.replaced)
            notes = _merge_notes(notes, extraction.notes, clean)
        cursor = advance(cursor, chunk.end)
        save_cursor(state, cursor)
        if progress:
            progress(done, len(chunks))
    if report.stopped is None:
        cursor = advance(cursor, transcript.end)
        save_cursor(state, cursor)
    if written and transcript.session_id:
        from memgit.consolidate import apply, surviving

        try:
            before = memory.session_summary(transcript.session_id)
        except (OSError, MemgitError, UnicodeDecodeError):
            before = None  # an unreadable summary: this run's notes are consolidated alone
        earlier = before.observations if before is not None else ()
        try:
            with memory.store.lock():
                steps = apply(memory.store, transcript.session_id, [*earlier, *written])
        except (OSError, MemgitError) as exc:
            # The notes are written and the cursor is past them: a failed consolidation must
            # not cost the session its summary. The notes stay as written, unmerged.
            report.unconsolidated = str(exc) or type(exc).__name__
            steps = []
        # A note merged away in this run was never memory before it: not "added", not
        # "superseded"; one added earlier and merged away now was superseded.
        latest = {step.keep.id: step.keep for step in steps}
        dropped = {step.drop.id for step in steps}
        added = {obs.id for obs in report.added}
        report.superseded.extend(s.drop for s in steps if s.drop.id not in added)
        report.added = [latest.get(o.id, o) for o in report.added if o.id not in dropped]
        written = surviving(written, steps)
    if transcript.turns and (written or notes != SessionNotes()):
        report.summary = _save_summary(memory, transcript, notes, written, extractor.source, cwds)
    memory._refresh_index()
    return report


def _only_summary(chunk: Chunk) -> bool:
    """A chunk holding a compaction summary and nothing said or done around it: earlier context,
    already captured. A summary inside a chunk of new turns does not hide those turns."""
    return (
        chunk.compact_summary
        and chunk.user_words == 0
        and chunk.assistant_words == 0
        and chunk.actions == 0
    )


def _draft(
    candidate: Candidate,
    clean: Callable[[str], str],
    source: str,
    transcript: Transcript,
    branch: str | None,
    commit: str | None,
    said: datetime | None = None,
) -> Observation | None:
    """A candidate as an observation draft, cleaned again; None when it cannot be valid.

    ``said`` is when the session said it: the draft's ``created`` and ``updated``.
    """
    title = " ".join(clean(candidate.title).split())[:TITLE_MAX].strip()
    if not title:
        return None
    body = compose_body(clean(candidate.narrative), [clean(f) for f in candidate.facts])
    files = tuple(f for f in candidate.files if f and not f.startswith(("/", "..")))
    try:
        return new_observation(
            candidate.type,
            title,
            body,
            files=files,
            tags=tuple(clean(t) for t in candidate.tags),
            confidence=min(1.0, max(0.0, candidate.confidence)),
            source=source,
            session=transcript.session_id,
            branch=_branch(branch),
            commit=commit,
            now=said,
        )
    except InvalidObservation:
        return None


def _main_branch(memory: Memory, path: Path, transcript: Transcript) -> str | None:
    """The main session's branch for a subagent transcript: from the main session's own file,
    else from its summary if it was captured already; None when neither is known."""
    from memgit.transcript.discover import main_session_transcript, recorded_branch

    session = transcript.session_id
    if not session:
        return None
    main = main_session_transcript(path, session)
    if main is not None:
        branch = recorded_branch(main)
        if branch:
            return branch
    try:
        summary = memory.session_summary(session)
    except (OSError, InvalidObservation, UnicodeDecodeError):
        summary = None
    return summary.branch if summary is not None else None


_WORDS = re.compile(r"\w{3,}")


def said_at(candidate: Candidate, chunk: Chunk, transcript: Transcript, now: datetime) -> datetime:
    """When the session said what ``candidate`` records, from the transcript's own timestamps.

    The turn of the chunk whose prompt or assistant text shares the most words with the
    candidate's title and narrative gives its time (when its prompt was sent); without a match,
    the chunk's last time, then its first. Never later than ``now``, and ``now`` when the
    transcript has no usable time at all (then the capture is the best guess there is).
    """
    wanted = set(_WORDS.findall(f"{candidate.title} {candidate.narrative}".casefold()))
    best: tuple[int, datetime] | None = None
    for turn in transcript.turns:
        if not chunk.first_turn <= turn.index <= chunk.last_turn:
            continue
        moment = _time(turn.timestamp) or _time(turn.end_timestamp)
        if moment is None or not wanted:
            continue
        said = " ".join((turn.prompt, *turn.assistant_texts)).casefold()
        overlap = len(wanted.intersection(_WORDS.findall(said)))
        if overlap and (best is None or overlap > best[0]):
            best = (overlap, moment)
    moment = best[1] if best else _time(chunk.ended) or _time(chunk.started)
    return min(moment, now) if moment is not None else now


def _branch(name: str | None) -> str | None:
    """Transcripts say ``HEAD`` or nothing on a detached head: no branch then."""
    return name if name and name != "HEAD" else None


def _merge_notes(
    notes: SessionNotes, new: SessionNotes, clean: Callable[[str], str]
) -> SessionNotes:
    def merged(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[str, ...]:
        seen = {item.casefold() for item in left}
        extra = tuple(clean(item) for item in right if item.casefold() not in seen)
        return left + extra

    return SessionNotes(
        request=notes.request or clean(new.request),
        learned=merged(notes.learned, new.learned),
        completed=merged(notes.completed, new.completed),
        next_steps=tuple(clean(item) for item in new.next_steps) or notes.next_steps,
    )


def _save_summary(
    memory: Memory,
    transcript: Transcript,
    notes: SessionNotes,
    written: list[str],
    source: str,
    cwds: tuple[str, ...],
) -> Path | None:
    from memgit.homepaths import scrub_summary

    session = transcript.session_id
    if not session:
        return None
    moments = [
        moment
        for turn in transcript.turns
        for moment in (_time(turn.timestamp), _time(turn.end_timestamp))
        if moment is not None
    ]
    started = min(moments, default=utcnow())
    ended = max(moments, default=started)
    request = " ".join(notes.request.split())
    title = _summary_title(request, notes)
    subagent = transcript.agent_id is not None
    summary = SessionSummary(
        session=session,
        # A subagent's task ("You are alice, ...") is not what the session was asked: its title,
        # request, branch and next steps come from the main session's records only.
        title="" if subagent else title,
        started=started,
        ended=ended,
        branch=None if subagent else transcript.branch or None,
        observations=tuple(written),
        source=source,
        request="" if subagent else request[:600],
        learned=notes.learned,
        completed=notes.completed,
        next_steps=() if subagent else notes.next_steps,
    )
    summary = scrub_summary(summary, memory.path_roots(cwds), memory.homes)
    with memory.store.lock():
        return save_session(memory.paths.sessions, summary)


def _summary_title(request: str, notes: SessionNotes) -> str:
    for text in (request, *notes.completed, *notes.learned):
        words = text.split()
        if words:
            title = " ".join(words[:14])
            return title if len(title) <= 90 else title[:90].rsplit(" ", 1)[0] + "…"
    return "Session"


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError:
        return None


def _bad_lines(transcript: Transcript) -> int:
    stats = transcript.stats
    return stats.bad_json + stats.bad_utf8 + stats.not_object + stats.truncated_tail


def _check_is_transcript(path: Path, transcript: Transcript, bad_lines: int) -> None:
    """Raise ``NotATranscript`` for a file read from its start that holds no conversation at all
    (an image, a log, another tool's JSON): nothing is saved for it, not even a cursor."""
    stats = transcript.stats
    if transcript.start.offset > 0 or transcript.turns:
        return
    if stats.lines == 0 and stats.bytes_read == 0:
        raise NotATranscript(str(path), "it is empty")
    if bad_lines or transcript.session_id is None:
        raise NotATranscript(
            str(path),
            f"none of its {stats.lines} lines is a Claude Code transcript record"
            + (" (it is not JSON lines at all)" if bad_lines >= stats.lines else ""),
        )
