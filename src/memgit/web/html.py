"""Safe HTML by construction: every value is escaped unless it is already ``Markup``.

``Markup`` marks text that is HTML on purpose; only this module, the markdown renderer and the
chart make it, from escaped parts. Templates are ``string.Template`` files shipped in
``templates/``; ``render`` escapes each value it substitutes (for text and for double-quoted
attributes alike), so observation text, which came from transcripts and may be hostile, can
never open a tag or leave an attribute.
"""

from __future__ import annotations

import functools
import html
import importlib.resources
from collections.abc import Iterable
from string import Template
from urllib.parse import quote, urlencode


class Markup(str):
    """A string that is HTML already: ``escape`` and ``render`` pass it through unchanged."""

    __slots__ = ()


def escape(value: object) -> Markup:
    """``value`` as HTML text: ``& < > " '`` escaped; ``None`` is empty; ``Markup`` is kept."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(html.escape(str(value), quote=True))


def render(template: Template, /, **values: object) -> Markup:
    """Fill ``template`` with escaped ``values``; a missing value is an error, not a blank."""
    return Markup(template.substitute({k: escape(v) for k, v in values.items()}))


def fragment(text: str, /, **values: object) -> Markup:
    """``render`` for a short inline template."""
    return render(_template_of(text), **values)


def join(parts: Iterable[object], separator: str = "") -> Markup:
    """Escaped ``parts`` joined by ``separator`` (which is written as it is: give HTML)."""
    return Markup(separator.join(escape(p) for p in parts))


def url(path: str, **query: object) -> str:
    """A site-relative URL: ``path`` segments percent-encoded, empty query values left out."""
    encoded = quote(path, safe="/")
    pairs = [(k, str(v)) for k, v in query.items() if v not in (None, "")]
    return f"{encoded}?{urlencode(pairs, safe='/')}" if pairs else encoded


@functools.cache
def template(name: str) -> Template:
    """A template file from ``memgit/web/templates`` (read once)."""
    text = (importlib.resources.files("memgit.web") / "templates" / name).read_text("utf-8")
    return Template(text)


@functools.lru_cache(maxsize=256)
def _template_of(text: str) -> Template:
    return Template(text)
