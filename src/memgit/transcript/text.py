"""Text inside transcript records: injected regions, harness tags, content blocks, trimming.

Pure string functions. They drop what is not conversation (memgit's own ``<memgit-context>``
regions, system reminders, IDE notices, ANSI escapes, base64 images) and read the tag conventions
Claude Code uses for slash commands, ``!`` shell mode and local command output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CONTEXT_TAG = "memgit-context"
"""memgit wraps everything it injects (SessionStart / UserPromptSubmit context) in this tag."""

IMAGE = "[image]"
INTERRUPT_PREFIX = "[Request interrupted by user"
COMPACT_PREFIXES = ("This session is being continued from a previous conversation",)

_NOISE_TAGS = ("system-reminder", "ide_opened_file", "ide_selection", "ide_diagnostics")
_CONTEXT_RE = re.compile(
    rf"<{CONTEXT_TAG}(?:\s[^>]*)?>.*?(?:</{CONTEXT_TAG}>|\Z)", re.DOTALL | re.IGNORECASE
)
_NOISE_RE = re.compile(
    r"<(" + "|".join(_NOISE_TAGS) + r")(?:\s[^>]*)?>.*?</\1>", re.DOTALL | re.IGNORECASE
)
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_TAG_RE = {
    name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL)
    for name in (
        "command-name",
        "command-args",
        "command-message",
        "local-command-stdout",
        "local-command-stderr",
        "bash-input",
        "bash-stdout",
        "bash-stderr",
        "task-notification",
    )
}


def strip_injected(text: str) -> tuple[str, int]:
    """``text`` without memgit's own regions (an unclosed one runs to the end) and harness noise.

    Returns the cleaned text and how many memgit regions were removed.
    """
    removed = 0
    if "<" in text:
        if CONTEXT_TAG in text.lower():
            text, removed = _CONTEXT_RE.subn("", text)
        text = _NOISE_RE.sub("", text)
    if "\x1b" in text:
        text = _ANSI_RE.sub("", text)
    return text.strip(), removed


def tag(text: str, name: str) -> str | None:
    """The content of the first ``<name>…</name>`` in ``text``, stripped, or ``None``."""
    match = _TAG_RE[name].search(text)
    return match.group(1).strip() if match else None


@dataclass(frozen=True)
class Wrapped:
    """How Claude Code wrapped a user string: a command, command output, a notice, or plain."""

    kind: str
    """``command``, ``output``, ``notice``, ``interrupt`` or ``plain``."""
    text: str


def classify_user_text(text: str) -> Wrapped:
    """Read the tag conventions of a user string (after ``strip_injected``)."""
    if "<" in text:
        name = tag(text, "command-name")
        if name is not None:
            args = tag(text, "command-args") or ""
            if not name.startswith("/"):
                name = "/" + name
            return Wrapped("command", f"{name} {args}".strip())
        shell = tag(text, "bash-input")
        if shell is not None:
            return Wrapped("command", "!" + shell)
        outputs = [
            part
            for part in (
                tag(text, "local-command-stdout"),
                tag(text, "local-command-stderr"),
                tag(text, "bash-stdout"),
                tag(text, "bash-stderr"),
            )
            if part
        ]
        if outputs or any(
            f"<{n}>" in text for n in ("local-command-stdout", "bash-stdout", "bash-stderr")
        ):
            return Wrapped("output", "\n".join(outputs))
        notice = tag(text, "task-notification")
        if notice is not None:
            return Wrapped("notice", notice)
    if text.startswith(INTERRUPT_PREFIX):
        return Wrapped("interrupt", text)
    return Wrapped("plain", text)


def is_compact_text(text: str) -> bool:
    return text.startswith(COMPACT_PREFIXES)


def blocks_text(content: Any) -> tuple[str, int]:
    """Text of a message or tool-result ``content`` (a string or a block list), images counted.

    Images never keep their data: each becomes ``[image]``.
    """
    if isinstance(content, str):
        return content, 0
    if not isinstance(content, list):
        return "", 0
    parts: list[str] = []
    images = 0
    for block in content:
        if isinstance(block, str):
            parts.append(block)
            continue
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text" and isinstance(block.get("text"), str):
            parts.append(block["text"])
        elif kind == "image":
            images += 1
            parts.append(IMAGE)
        elif kind == "tool_reference":
            parts.append(f"[tool {block.get('tool_name') or block.get('name') or '?'}]")
        elif kind == "tool_result":
            inner, inner_images = blocks_text(block.get("content"))
            images += inner_images
            parts.append(inner)
    return "\n".join(p for p in parts if p), images


def trim(text: str, limit: int) -> str:
    """``text`` kept within ``limit`` characters: its head and tail, with a marker of the cut."""
    if len(text) <= limit:
        return text
    head = max(1, limit * 2 // 3)
    tail = max(0, limit - head)
    cut = len(text) - head - tail
    end = text[len(text) - tail :] if tail else ""
    return f"{text[:head]}\n[… {cut:,} chars cut …]\n{end}"


def word_count(text: str) -> int:
    return len(text.split())
