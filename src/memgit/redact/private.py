"""``<private>…</private>`` regions: what the user marked as never to be stored."""

from __future__ import annotations

import re

__all__ = ["PRIVATE_MARKER", "strip_private"]

PRIVATE_MARKER = "[private]"

_TAG = re.compile(r"<\s*(?P<close>/)?\s*private(?:\s[^<>]*)?>", re.IGNORECASE)


def strip_private(text: str) -> str:
    """Replace every ``<private>`` region of ``text`` with ``[private]``.

    The tag is case-insensitive and may carry attributes; regions may repeat and nest (depth
    counts). An unclosed ``<private>`` drops everything to the end of the text. A closing tag
    without an opening one is left as it is: strip before chunking, not after.
    """
    parts: list[str] = []
    depth = 0
    pos = 0
    for tag in _TAG.finditer(text):
        if tag.group("close") is None:
            if depth == 0:
                parts.append(text[pos : tag.start()])
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                parts.append(PRIVATE_MARKER)
                pos = tag.end()
    if not parts:
        return text
    parts.append(PRIVATE_MARKER if depth else text[pos:])
    return "".join(parts)
