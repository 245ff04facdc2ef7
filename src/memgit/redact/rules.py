"""Compiled rules, and where they run: at token starts, at needles, or over the whole text.

Every finder yields ``(kind, start, end)`` spans of ``text``; ``low`` is ``text`` encoded one byte
per code point and lower-cased (ASCII), so byte positions are text positions and ``bytes.find``
can look for case-insensitive literals fast.

Provider rules with a literal prefix are not run over the text one by one. One pass finds the
tokens (runs of at least 20 of ``[A-Za-z0-9_.~$-]``, found by a literal search in a translated
copy of the text, which skips ahead through prose and code), and each token is tried only against
the rules whose prefix starts with its first two characters (or its first, for one-character
prefixes). A hundred prefixed rules so cost about what one does. Rules without a usable prefix
run where one of their needles occurs; ``Lowered`` finds each needle once per text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from memgit.redact.providers import Kind
from memgit.redact.shape import has_digit, is_placeholder, looks_random

__all__ = ["Lowered", "NeedleRule", "Span", "TokenRules", "compile_kinds"]

Span = tuple[str, int, int]
_Check = Callable[[str], bool]

_PEM_KEY_DATA = re.compile(r"[A-Za-z0-9+/]{16}")  # a bare BEGIN line is no secret yet
_CHECKS: dict[str, _Check] = {
    "": lambda value: True,
    "random": looks_random,
    "digit": has_digit,
    "pem": lambda value: _PEM_KEY_DATA.search(value) is not None,
}

MIN_TOKEN = 20
_TOKEN_CHARS = b"abcdefghijklmnopqrstuvwxyz0123456789_.~$-"
_TO_CLASSES = bytes(ord("a") if c in _TOKEN_CHARS else ord(" ") for c in range(256))
_TOKEN = re.compile(b"a" * MIN_TOKEN + b"a*")
_SECOND_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.~$-"


class Lowered(bytes):
    """A text encoded one byte per code point and lower-cased (ASCII), so that byte positions are
    text positions; it remembers where each literal occurs, so rules sharing a needle share one
    search of the text."""

    def __init__(self, _source: bytes) -> None:
        self._positions: dict[bytes, list[int]] = {}

    @classmethod
    def of(cls, text: str) -> Lowered:
        return cls(text.encode("ascii", "replace").lower())

    def positions(self, needle: bytes) -> list[int]:
        """Every (possibly overlapping) position of ``needle``, found once per text."""
        found = self._positions.get(needle)
        if found is None:
            found = []
            at = self.find(needle)
            while at >= 0:
                found.append(at)
                at = self.find(needle, at + 1)
            self._positions[needle] = found
        return found


def lowered(low: bytes) -> Lowered:
    return low if isinstance(low, Lowered) else Lowered(low)


class _Compiled:
    """A rule's pattern, compiled the first time a text reaches the rule (most rules are never
    reached in a process, so building the redactor costs little)."""

    __slots__ = (
        "_before",
        "_body",
        "_group",
        "_pattern",
        "_source",
        "before_source",
        "check",
        "kind",
    )

    def __init__(self, kind: str, source: str, check: _Check, before_source: str = "") -> None:
        self.kind = kind
        self.check = check
        self.before_source = before_source
        self._source = source
        self._pattern: re.Pattern[str] | None = None
        self._before: re.Pattern[str] | None = None
        self._group: str | int = 0
        self._body = False

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            pattern = re.compile(self._source)
            self._group = "secret" if "secret" in pattern.groupindex else 0
            self._body = "body" in pattern.groupindex
            self._before = re.compile(self.before_source) if self.before_source else None
            self._pattern = pattern
        return self._pattern

    def span_of(self, text: str, m: re.Match[str]) -> tuple[int, int] | None:
        """The span to replace, if the match passes its check and is no placeholder."""
        checked = m.group("body") if self._body else None
        start, end = m.span(self._group)
        if start < 0:
            start, end = m.span()
        if not self.check(checked if checked is not None else text[start:end]):
            return None
        if start >= end or is_placeholder(text[start:end]):
            return None
        if self._before is not None:
            lead = self._before.search(text, max(0, start - 24), start)
            if lead is None:
                return None
            start = lead.start()
        return start, end


def _compile(row: Kind) -> _Compiled:
    return _Compiled(row.kind, row.pattern, _CHECKS[row.check], row.before)


class TokenRules:
    """The rules tried at token starts, found by the first two characters of a prefix."""

    def __init__(self, rows: Iterable[Kind]) -> None:
        by_prefix: dict[str, list[tuple[tuple[str, ...], _Compiled]]] = {}
        for row in rows:
            rule = _compile(row)
            for key in dict.fromkeys(start[:2] for start in row.starts):
                starts = tuple(s for s in row.starts if s.startswith(key))
                # A one-character prefix stands for every pair it starts: one lookup per token.
                pairs = [key] if len(key) == 2 else [key + c for c in _SECOND_CHARS]
                for pair in pairs:
                    by_prefix.setdefault(pair, []).append((starts, rule))
        self._by_prefix = by_prefix
        self._firsts = frozenset(key[0] for key in by_prefix)

    def spans(self, text: str, low: bytes) -> Iterator[Span]:
        by_prefix, firsts = self._by_prefix, self._firsts
        for token in _TOKEN.finditer(low.translate(_TO_CLASSES)):
            start = token.start()
            if start and text[start - 1] == "\\" and text[start] in "ntr":
                start += 1  # "\nghp_…" inside a JSON string
            if text[start] not in firsts:
                continue
            for starts, rule in by_prefix.get(text[start : start + 2], ()):
                if text.startswith(starts, start) and (found := _match_at(text, start, rule)):
                    yield found
                    break


def _match_at(text: str, start: int, rule: _Compiled) -> Span | None:
    m = rule.pattern.match(text, start)
    if m is None:
        return None
    span = rule.span_of(text, m)
    return None if span is None else (rule.kind, span[0], span[1])


class NeedleRule:
    """A rule that runs only where one of its lower-case needles occurs in the text.

    Anchored: the pattern is matched at each occurrence, ``offset`` characters before it (after
    it, when negative). Otherwise the whole text is searched once a needle occurs.
    """

    def __init__(self, row: Kind) -> None:
        self._rule = _compile(row)
        self._needles = tuple(n.encode() for n in row.needles)
        self._offset = row.offset
        self._anchored = row.anchored

    def spans(self, text: str, low: bytes) -> Iterator[Span]:
        index = lowered(low)
        rule = self._rule
        if not self._anchored:
            if any(index.positions(n) for n in self._needles):
                yield from search_spans(rule.kind, rule.pattern, text, rule.span_of)
            return
        for needle in self._needles:
            for at in index.positions(needle):
                m = rule.pattern.match(text, max(0, at - self._offset))
                span = None if m is None else rule.span_of(text, m)
                if span is not None:
                    yield rule.kind, span[0], span[1]


def search_spans(
    kind: str,
    pattern: re.Pattern[str],
    text: str,
    span_of: Callable[[str, re.Match[str]], tuple[int, int] | None],
) -> Iterator[Span]:
    """Every match of ``pattern`` in ``text`` whose span ``span_of`` accepts."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        span = span_of(text, m)
        if span is None:
            pos = m.start() + 1  # a secret may start inside a rejected match
            continue
        yield kind, span[0], span[1]
        pos = max(m.end(), m.start() + 1)


def custom_rule(source: str) -> Callable[[str, bytes], Iterator[Span]]:
    """A team's own pattern: replaces its ``secret`` group, else the whole match. Compiled at
    once, so that a pattern that does not compile is reported when the config is read."""
    rule = _Compiled("custom", source, _CHECKS[""])
    pattern = rule.pattern
    return lambda text, low: search_spans("custom", pattern, text, rule.span_of)


def compile_kinds(rows: Iterable[Kind]) -> tuple[Callable[[str, bytes], Iterator[Span]], ...]:
    """The finders for a table of kinds: one for all token rules, one per needle rule."""
    rows = tuple(rows)
    token_rows = [r for r in rows if r.starts]
    needles = [NeedleRule(r).spans for r in rows if r.needles]
    return (TokenRules(token_rows).spans, *needles) if token_rows else tuple(needles)
