"""Read a rendered chunk back into blocks (who said what) and prose into sentences.

The chunk text is the transcript's compact rendering (``memgit.transcript.render``): lines that
start with ``USER:``, ``ASSISTANT:``, ``TOOL <Name> <target>:``, ``RESULT:``/``RESULT (error):``
and the ``EARLIER CONTEXT`` compaction block. ``blocks`` splits it at those labels; ``sentences``
turns the prose of one block into sentences and bullet items, dropping code fences, tables and
quoted output, and remembering the heading or lead-in line each item sits under. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Role = Literal["user", "assistant", "task", "tool", "result", "error", "context", "other"]

_LABEL = re.compile(
    r"^(?:\[subagent [^\]\n]*\] )?"
    r"(?:(?P<user>USER(?: COMMAND)?|TASK(?: COMMAND)?): "
    r"|(?P<assistant>ASSISTANT): "
    r"|(?P<error>RESULT \(error\)): ?"
    r"|(?P<result>RESULT): ?"
    r"|(?P<context>EARLIER CONTEXT \(compaction summary, already known\)|OUTPUT|NOTICE|THINKING): ?"
    r"|(?P<tool>TOOL (?P<name>[^\s:]+))"
    r"|(?P<marker>\((?:turn \d+ continued|continuing an earlier turn|interrupted by the user)))",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Block:
    """One labelled stretch of the chunk: a message, a tool call, a result, or context."""

    index: int
    role: Role
    text: str
    tool: str = ""
    """For tool calls: the tool name."""
    target: str = ""
    """For tool calls: the file the tool touched (repo-relative when under the root)."""
    command: bool = False
    """For user blocks: a slash command rather than a typed prompt."""


@dataclass(frozen=True)
class Sentence:
    """A sentence or bullet item of a prose block."""

    text: str
    block: int
    role: Role
    heading: str = ""
    """The markdown heading, or the ``Label:`` line, the item sits under (lower-cased)."""
    bullet: bool = False
    position: int = 0
    """Order of the sentence within its block."""
    paragraph: int = 0
    """Which paragraph of its block the sentence is in (a bullet item is a paragraph)."""


def blocks(text: str) -> list[Block]:
    """The chunk's blocks in order; text before the first label (a split turn's tail) is dropped."""
    found: list[Block] = []
    matches = list(_LABEL.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip("\n")
        kind = match.lastgroup
        index = len(found)
        if match.group("user"):
            label = match.group("user")
            role: Role = "task" if label.startswith("TASK") else "user"
            found.append(Block(index, role, body.strip(), command=label.endswith("COMMAND")))
        elif match.group("assistant"):
            found.append(Block(index, "assistant", body.strip()))
        elif match.group("error"):
            found.append(Block(index, "error", body))
        elif match.group("result"):
            found.append(Block(index, "result", body))
        elif match.group("tool"):
            target, detail = _tool_head(body)
            found.append(Block(index, "tool", detail, tool=match.group("name"), target=target))
        elif match.group("context") or kind == "marker":
            found.append(Block(index, "context", body))
    return found


def _tool_head(rest: str) -> tuple[str, str]:
    """Split ``" src/x.py: detail"`` / ``": detail"`` / ``" src/x.py"`` into target and detail."""
    line, _, more = rest.partition("\n")
    if line.startswith(":"):
        return "", (line[1:].strip() + "\n" + more).strip()
    line = line.strip()
    target, sep, detail = line.partition(": ")
    if sep and target and " " not in target:
        return target, (detail + "\n" + more).strip()
    if line.endswith(":") and " " not in line:
        return line[:-1], more
    if " " not in line:
        return line, more
    return "", (line + "\n" + more).strip()


# --- prose to sentences --------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~).*?(?:^\s*\1[^\n]*$|\Z)", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)]|\[[ xX]\])\s+(.*)$")
_TABLE = re.compile(r"^\s*\|.*\|\s*$|^\s*[-|: ]{5,}$")
_QUOTE = re.compile(r"^\s*>")
_BOLD_LINE = re.compile(r"^(?:\*\*|__)([^*_]{2,80})(?:\*\*|__):?$")
_LEAD = re.compile(r"^(?:\*\*|__)?([A-Z][\w' ]{1,40}?)(?:\*\*|__)?:(?:\*\*|__)?\s*$")
# A sentence ends at . ! ? (or a closing quote/bracket after one) before a space and a word, a
# backtick, a quote or markdown emphasis; people type lower-case sentences too. Abbreviations
# and initials are re-joined afterwards.
_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Za-z0-9`\"'*(\[_])")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|Mr|Ms|Dr|No|St|v\d+(?:\.\d+)*)\.)$")
MAX_SENTENCE = 600


def sentences(block: Block) -> list[Sentence]:
    """Sentences and bullet items of a prose block, in order, with their heading context."""
    text = _FENCE.sub("\n", block.text)
    out: list[Sentence] = []
    heading = ""
    paragraph: list[str] = []
    count = [0]

    def flush() -> None:
        if paragraph:
            count[0] += 1
            for piece in split_sentences(" ".join(paragraph)):
                out.append(
                    Sentence(piece, block.index, block.role, heading, False, len(out), count[0])
                )
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if _TABLE.match(line) or _QUOTE.match(line):
            flush()
            continue
        head = _HEADING.match(line)
        if head:
            flush()
            heading = _plain_heading(head.group(1))
            continue
        bold = _BOLD_LINE.match(line)
        if bold:
            flush()
            heading = _plain_heading(bold.group(1))
            continue
        lead = _LEAD.match(line)
        if lead:
            flush()
            heading = lead.group(1).strip().lower()
            continue
        bullet = _BULLET.match(raw)
        if bullet:
            flush()
            item = bullet.group(1).strip()
            if item:
                count[0] += 1
                out.append(
                    Sentence(
                        item[:MAX_SENTENCE],
                        block.index,
                        block.role,
                        heading,
                        True,
                        len(out),
                        count[0],
                    )
                )
            continue
        if paragraph and paragraph[-1][-1:].isalnum() and line[:1].isupper():
            flush()  # a line without a full stop, then a capital: a new item, not a wrapped line
        paragraph.append(line)
    flush()
    return out


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph at sentence ends, keeping abbreviations, file names and code spans
    ("`ALTER TABLE ... ADD COLUMN`") intact."""
    parts = _SPLIT.split(paragraph)
    merged: list[str] = []
    for part in parts:
        if merged and (_ABBREV.search(merged[-1]) or merged[-1].count("`") % 2):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [p.strip()[:MAX_SENTENCE] for p in merged if p.strip()]


def _plain_heading(text: str) -> str:
    return re.sub(r"[*_`#]|[^\w\s'/:-]", "", text).strip().lower()
