"""A small, safe markdown renderer for observation bodies.

It knows the subset memgit writes and people add by hand: paragraphs, ``-``/``*``/``1.`` lists
(with one level of nesting), ``#`` headings (shown two levels down, under the page's own), block
quotes, fenced code, rules, and inline code, bold and emphasis. Everything else is text. Raw HTML
is shown as text, and a link is shown as its text and its address, never as a link: bodies come
from transcripts, so a ``javascript:`` (or a look-alike) address must never become clickable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from memgit.web.html import Markup, escape

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
_INLINE = re.compile(
    r"(?P<tick>`{1,3})(?P<code>[^\n]{1,1000}?)(?P=tick)"
    r"|\*\*(?P<bold>[^*\s](?:[^\n]{0,1000}?[^*\s])?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*\n]{0,1000}?[^*\s])?)\*(?![\w*])"
    r"|\[(?P<label>[^\]\n]{1,500})\]\((?P<href>(?:[^()\s]|\([^()\s]{0,200}\)){1,2000})"
    r"(?:[ \t]+\"[^\"\n]{0,500}\")?\)"
)
MAX_DEPTH = 4


def render_markdown(text: str) -> Markup:
    """``text`` as HTML; every character of it escaped, only the structure above made markup."""
    return _blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 0)


def render_inline(text: str) -> Markup:
    """One line of markdown (code, bold, emphasis, links as text) as HTML."""
    return _inline(text, 0)


@dataclass
class _Item:
    ordered: bool
    lines: list[str]
    children: list[_Item] = field(default_factory=list)


def _blocks(lines: list[str], depth: int) -> Markup:
    out: list[str] = []
    paragraph: list[str] = []
    items: list[_Item] = []
    base_indent = 0
    quote: list[str] = []

    def flush() -> None:
        nonlocal paragraph, items, quote
        if paragraph:
            out.append(f"<p>{_inline(chr(10).join(paragraph), depth)}</p>")
            paragraph = []
        if items:
            out.append(_list(items, depth))
            items = []
        if quote:
            inner = _blocks(quote, depth + 1) if depth < MAX_DEPTH else escape("\n".join(quote))
            out.append(f"<blockquote>{inner}</blockquote>")
            quote = []

    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        fence = _FENCE.match(line)
        if fence:
            flush()
            marker = fence.group(1)
            code: list[str] = []
            while index < len(lines):
                closing = lines[index].strip()
                index += 1
                if closing.startswith(marker[0] * len(marker)) and not closing.strip(marker[0]):
                    break
                code.append(lines[index - 1])
            out.append(f"<pre><code>{escape(chr(10).join(code))}</code></pre>")
            continue
        if not line.strip():
            flush()
            continue
        quoted = _QUOTE.match(line)
        if quoted:
            if not quote:
                flush()
            quote.append(quoted.group(1))
            continue
        if quote:
            flush()
        heading = _HEADING.match(line)
        if heading:
            flush()
            level = min(6, len(heading.group(1)) + 2)
            out.append(f"<h{level}>{_inline(heading.group(2), depth)}</h{level}>")
            continue
        if _RULE.match(line):
            flush()
            out.append("<hr>")
            continue
        item = _ITEM.match(line)
        if item:
            indent = len(item.group(1).expandtabs(4))
            ordered = item.group(2)[0].isdigit()
            if paragraph:
                flush()
            if items and indent >= base_indent + 2:
                items[-1].children.append(_Item(ordered, [item.group(3)]))
                continue
            if items and ordered != items[0].ordered:
                flush()
            if not items:
                base_indent = indent
            items.append(_Item(ordered, [item.group(3)]))
            continue
        if items:  # a continuation line of the last item
            target = items[-1].children[-1] if items[-1].children else items[-1]
            target.lines.append(line.strip())
            continue
        paragraph.append(line.strip())
    flush()
    return Markup("\n".join(out))


def _list(items: list[_Item], depth: int) -> str:
    tag = "ol" if items[0].ordered else "ul"
    parts = []
    for item in items:
        text = _inline("\n".join(item.lines), depth)
        nested = ""
        if item.children:
            groups: list[list[_Item]] = []
            for child in item.children:
                if groups and groups[-1][0].ordered == child.ordered:
                    groups[-1].append(child)
                else:
                    groups.append([child])
            nested = "".join(_list(group, depth) for group in groups)
        parts.append(f"<li>{text}{nested}</li>")
    return f"<{tag}>{''.join(parts)}</{tag}>"


def _inline(text: str, depth: int) -> Markup:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[position : match.start()]))
        position = match.end()
        if match.group("code") is not None:
            out.append(f"<code>{escape(match.group('code').strip())}</code>")
        elif depth >= MAX_DEPTH:
            out.append(escape(match.group(0)))
        elif match.group("bold") is not None:
            out.append(f"<strong>{_inline(match.group('bold'), depth + 1)}</strong>")
        elif match.group("em") is not None:
            out.append(f"<em>{_inline(match.group('em'), depth + 1)}</em>")
        else:
            label = _inline(match.group("label"), depth + 1)
            address = escape(match.group("href"))
            out.append(f'{label} <span class="address">({address})</span>')
    out.append(escape(text[position:]))
    return Markup("".join(out))
