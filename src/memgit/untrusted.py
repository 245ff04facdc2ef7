"""Untrusted memory text made safe to show an agent: one inert line, orders quoted, injections out.

Observation titles, bodies, file names and session summaries were extracted from transcripts,
which hold whatever the agent read (web pages, issues, tool output). Before any of it lands in
CLAUDE.md or in hook context, ``sanitize_inline`` keeps it from changing the structure around it
(no HTML, comments or markers, no heading, no ``@`` import, no code fence, no line break), and
``as_fact`` decides how it may be shown: text that reads as an order to an agent
(``looks_like_instruction``) only inside quotes as a reported note, text that tries to override
the agent's instructions (``looks_like_injection``) not at all. Both checks are wording
heuristics, tested on examples in both directions; they narrow the attack, they do not end it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_BLANKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_SYMBOLS = re.compile(r"<=|>=|<-|->|=>|[<>@]")
_SYMBOL_MAP = {
    "<=": "\u2264",  # less-than or equal to
    ">=": "\u2265",
    "<-": "\u2190",  # arrows
    "->": "\u2192",
    "=>": "\u21d2",
    "<": "\u2039",  # single angle quotation marks: read the same, never open a tag
    ">": "\u203a",
    "@": "\uff20",  # fullwidth commercial at: never read as an @import
}
_BACKTICK_RUN = re.compile(r"`{3,}")
_TILDE_RUN = re.compile(r"~{3,}")
_SAFE_ID = re.compile(r"[^0-9a-z]")
#: Paths shown in code spans (exact there: ``@`` and ``~`` cannot import anything).
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._+\-/@~]+$")


def _plain(text: str) -> str:
    """NFKC, invisible characters removed, every run of whitespace or controls one space."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _BLANKS.sub(" ", text).strip()


def sanitize_inline(text: str, limit: int | None = None) -> str:
    """``text`` made safe to place inside one markdown line of an agent's instructions.

    One line (newlines and controls become spaces; invisible and bidi characters go). In prose,
    ``<`` and ``>`` become single angle quotation marks (or arrows), so no tag, comment or marker
    can open or close, and ``@`` becomes a fullwidth at sign, so nothing is imported. Inside a
    code span (`` `npx foo@latest` ``, `` `<file>` ``) text stays exact: Claude Code imports
    nothing from code spans and markdown opens no tag there, so commands, paths and
    placeholders can be copied; only comment delimiters (``<!--``, ``-->``) are defused there
    too, and a backtick left without its pair is dropped, so no span runs on into what follows.
    Runs of three backticks or tildes cannot open a fence; a leading ``#`` is escaped. Cut to
    ``limit`` characters, with an ellipsis.
    """
    text = _plain(text)
    text = _BACKTICK_RUN.sub(lambda m: "'" * len(m.group()), text)
    text = _TILDE_RUN.sub("~~", text)
    if limit is not None and len(text) > limit:
        cut = text[: max(1, limit - 1)]
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
        text = cut.rstrip() + "…"
    text = _defuse(text)
    if text.startswith("#"):
        text = "\\" + text
    return text


#: A code span on one line: one or two backticks, content, the same run (CommonMark pairs equal
#: runs; runs of three or more never get here, they are turned into quotes first).
_CODE_SPAN = re.compile(r"(?<!`)(`{1,2})(?!`)(.+?)(?<!`)\1(?!`)")
_COMMENT_DELIMITER = re.compile(r"<!--|-->|--!>")


def _prose(text: str) -> str:
    text = _SYMBOLS.sub(lambda m: _SYMBOL_MAP[m.group()], text)
    return text.replace("`", "'")  # a backtick left without its pair


def _defuse(text: str) -> str:
    """Prose defused, code spans kept exact (except comment delimiters)."""
    out: list[str] = []
    pos = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_prose(text[pos : span.start()]))
        inner = _COMMENT_DELIMITER.sub(lambda m: _SYMBOLS.sub(_symbol, m.group()), span[2])
        out.append(f"{span[1]}{inner}{span[1]}")
        pos = span.end()
    out.append(_prose(text[pos:]))
    return "".join(out)


def _symbol(match: re.Match[str]) -> str:
    return _SYMBOL_MAP[match.group()]


_INJECTION = re.compile(
    "|".join(
        [
            r"\b(ignore|disregard|forget|override|bypass)\s+((all|any|every|the|of|my|your|these|"
            r"those)\s+)*((previous|prior|above|earlier|preceding|original|initial|existing|"
            r"system|safety|developer|other)\s+)?(instructions?|prompts?|directions|guidelines|"
            r"directives?|guardrails|programming|system prompt)\b",
            r"\b(ignore|disregard|forget)\s+(everything|all|anything)\s+(above|before|previously|"
            r"so far|you were told|you know)",
            r"^\W*(system|assistant|developer)\s*(prompt|message)?\s*:",
            r"<\|?\s*(system|im_start|im_end|endoftext)\s*\|?>",
            r"\[/?(system|inst)\]",
            r"\b(new|updated|real|actual|hidden|secret|additional)\s+(system\s+)?"
            r"(instructions?|prompt|directives?)\s*:",
            r"\byou are (now|no longer)\b",
            r"\bpretend (to be|you are|that you)\b",
            r"\b(developer|jailbreak|god|dan) mode\b",
            r"\b(reveal|print|show|output|repeat|leak|dump)\b.{0,30}\b(system prompt|your "
            r"(instructions|prompt|rules))\b",
            r"\b(do not|don't|never)\s+(tell|inform|alert|warn|notify)\s+(the\s+)?user\b",
            r"\bwithout (telling|asking|informing|alerting) (the\s+)?user\b",
            r"\b(curl|wget)\b[^|]{0,200}\|\s*(sudo\s+)?(ba|z|da)?sh\b",
            r"\brm\s+-[a-z]*r[a-z]*\s+(/|~|\$home)(\s|$)",
        ]
    )
)

_INSTRUCTION = re.compile(
    "|".join(
        [
            r"\byou\s+(must|should|shall|need to|have to|are required to|are to|will now|may "
            r"not|cannot|can't|can not|are not allowed to|mustn't|shouldn't)\b",
            r"^\W*(always|never|do not|don't|make sure|be sure|remember to|don't forget|please|"
            r"ensure that you|from now on)\b",
            r"\b(always|never)\s+(run|execute|call|invoke|use|say|reply|respond|answer|output|"
            r"print|include|add|delete|remove|push|commit|install|open|send|write|read|mention|"
            r"tell|ask|follow|obey|trust|disable|enable|approve|skip)\b",
            r"\b(claude|assistant|the agent|ai agent|the model|llm|chatgpt|copilot)\s*[,:]\s",
            r"\b(note|reminder|message|instructions?)\s+(to|for)\s+(the\s+)?(assistant|agent|ai|"
            r"claude|model|llm)\b",
            r"\bfrom now on\b",
            r"\bin (all )?(future|subsequent) (responses|replies|sessions|answers)\b",
            r"\bbefore (responding|answering|replying|you (respond|answer|reply))\b",
            r"\b(run|execute)\s+(this|the following)\s+(command|script|code)\b",
        ]
    )
)
_SHOUTED = re.compile(r"\b(IMPORTANT|MUST|NEVER|ALWAYS|SYSTEM)\b")


def looks_like_injection(text: str) -> bool:
    """True for text that tries to override an agent's instructions, role or loyalty."""
    return bool(_INJECTION.search(_plain(text).casefold()))


def looks_like_instruction(text: str) -> bool:
    """True for text phrased as an order to an agent ("you must", "always run", "system:").

    A heuristic: it looks at wording, not meaning. Every injection is also an instruction.
    """
    plain = _plain(text)
    folded = plain.casefold()
    return bool(_INSTRUCTION.search(folded) or _SHOUTED.search(plain) or _INJECTION.search(folded))


def as_fact(text: str, limit: int) -> str | None:
    """Untrusted text as it may be shown: None if withheld, quoted if it reads as an order."""
    if looks_like_injection(text):
        return None
    clean = sanitize_inline(text, limit)
    if not clean:
        return None
    if looks_like_instruction(text):
        return f"Noted: “{clean}”"
    return clean


def safe_id(ident: str) -> str:
    """An id as it may appear in ``[m:<id>]``: lowercase letters and digits only."""
    return _SAFE_ID.sub("", ident.lower())[:40] or "unknown"


def _short_path(path: str, limit: int = 48) -> str:
    if len(path) <= limit:
        return path
    parts = path.split("/")
    tail = "/".join(parts[-2:])
    return "…/" + (tail if len(tail) <= limit else parts[-1][-limit:])


def files_hint(files: Sequence[str], title: str) -> str:
    """`` (`a/b.py`, `c.py` +2)`` when the files add to ``title``; plain paths only, else ""."""
    safe = [f for f in files if _SAFE_PATH.match(f) and ".." not in f.split("/")]
    if not safe:
        return ""
    lowered = title.casefold()
    shown = safe[:2]
    if all(PurePosixPath(f).name.casefold() in lowered for f in shown) and len(safe) == len(shown):
        return ""
    more = f" +{len(safe) - len(shown)}" if len(safe) > len(shown) else ""
    return " (" + ", ".join(f"`{_short_path(f)}`" for f in shown) + more + ")"
