"""Claude Code transcripts: tolerant reading, incremental cursors, chunking and discovery.

Reading (``read_transcript``) turns one JSONL file, from a cursor on, into complete ``Turn``
values; ``chunk_transcript`` renders them into ``Chunk`` values of about ``chunk_chars``
characters; ``advance`` and ``save_cursor`` commit progress explicitly, only as far as the
caller really processed; ``find_transcripts`` lists a repository's transcripts for backfill.
Only the standard library is used: hooks and the background worker import this cheaply.

Typical incremental use::

    cursor = load_cursor(paths.state, transcript_path)
    transcript = read_transcript(transcript_path, cursor, final=session_ended)
    cursor = transcript.cursor  # tied to the file as it is now (reset if it was rewritten)
    for chunk in chunk_transcript(transcript, clean=redact):
        if not is_trivial(chunk):
            extract(chunk)
        cursor = advance(cursor, chunk.end)
        save_cursor(paths.state, cursor)
    cursor = advance(cursor, transcript.end)  # lines with no turn (metadata) are consumed too
    save_cursor(paths.state, cursor)
"""

from memgit.transcript.chunking import (
    CHUNK_CHARS,
    TOOL_OUTPUT_CHARS,
    Chunk,
    chunk_transcript,
    is_trivial,
)
from memgit.transcript.cursor import advance, cursor_file, load_cursor, save_cursor
from memgit.transcript.discover import encode_project_dir, find_transcripts, worktree_roots
from memgit.transcript.model import (
    Cursor,
    Message,
    Position,
    ReadStats,
    ToolCall,
    Transcript,
    Turn,
)
from memgit.transcript.reader import TranscriptUnreadable, read_transcript
from memgit.transcript.text import CONTEXT_TAG

__all__ = [
    "CHUNK_CHARS",
    "CONTEXT_TAG",
    "TOOL_OUTPUT_CHARS",
    "Chunk",
    "Cursor",
    "Message",
    "Position",
    "ReadStats",
    "ToolCall",
    "Transcript",
    "TranscriptUnreadable",
    "Turn",
    "advance",
    "chunk_transcript",
    "cursor_file",
    "encode_project_dir",
    "find_transcripts",
    "is_trivial",
    "load_cursor",
    "read_transcript",
    "save_cursor",
    "worktree_roots",
]
