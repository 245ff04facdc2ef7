"""The redactor: every finder over one text, overlapping spans merged, secrets replaced."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from memgit.errors import ConfigError
from memgit.redact.assign import assignment_spans
from memgit.redact.context import (
    HEADER_KINDS,
    cli_spans,
    cookie_spans,
    docker_spans,
    kubernetes_spans,
    url_spans,
)
from memgit.redact.private import strip_private
from memgit.redact.providers import PROVIDERS
from memgit.redact.rules import Lowered, Span, compile_kinds, custom_rule

__all__ = ["Finding", "Redactor", "default_redactor"]

Finder = Callable[[str, bytes], Iterator[Span]]


@dataclass(frozen=True)
class Finding:
    """One secret in a text: its kind and the span ``text[start:end]`` that gets replaced."""

    kind: str
    start: int
    end: int


@functools.cache
def _built_in() -> tuple[Finder, ...]:
    """Earlier finders win when two find the same span: a provider key assigned to PASSWORD= is
    reported as the provider key."""
    return (
        *compile_kinds(PROVIDERS),
        *compile_kinds(HEADER_KINDS),
        url_spans,
        kubernetes_spans,
        docker_spans,
        cookie_spans,
        cli_spans,
        assignment_spans,
    )


class Redactor:
    """The built-in secret patterns plus a team's own (``redact.patterns`` in the config).

    A pattern of one's own replaces its named group ``secret`` if it has one, else the whole match,
    with ``[REDACTED:custom]``; placeholders are skipped as for the built-in patterns. ``find``
    reports secrets only: private regions are ``strip_private``'s business.
    """

    def __init__(self, extra_patterns: Sequence[str] = ()) -> None:
        finders = list(_built_in())
        for source in extra_patterns:
            try:
                finders.append(custom_rule(source))
            except re.error as exc:
                raise ConfigError(
                    ".memory/config.yaml", "redact.patterns", f"{source}: {exc}"
                ) from None
        self._finders = tuple(finders)

    def find(self, text: str) -> list[Finding]:
        """The secrets in ``text``: sorted, non-overlapping (overlapping matches are merged)."""
        low = Lowered.of(text)
        candidates = sorted(
            (start, -end, rank, kind)
            for rank, finder in enumerate(self._finders)
            for kind, start, end in finder(text, low)
        )
        findings: list[Finding] = []
        for start, neg_end, _rank, kind in candidates:
            end = -neg_end
            if findings and start < findings[-1].end:
                last = findings[-1]
                if end > last.end:
                    findings[-1] = Finding(last.kind, last.start, end)
                continue
            findings.append(Finding(kind, start, end))
        return findings

    def redact(self, text: str) -> str:
        """``text`` with each secret replaced by ``[REDACTED:<kind>]``."""
        findings = self.find(text)
        if not findings:
            return text
        parts: list[str] = []
        pos = 0
        for finding in findings:
            parts += (text[pos : finding.start], f"[REDACTED:{finding.kind}]")
            pos = finding.end
        parts.append(text[pos:])
        return "".join(parts)

    def clean(self, text: str) -> str:
        """What capture stores or sends: private regions stripped, then secrets redacted."""
        return self.redact(strip_private(text))


@functools.cache
def default_redactor() -> Redactor:
    """The built-in patterns only, compiled once per process."""
    return Redactor()
