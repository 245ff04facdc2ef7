"""No personal paths in memory: home-folder paths are rewritten before anything is written.

An absolute path under the repository (or under the folder a transcript was recorded in) becomes
repository-relative (``/Users/alex/workspace/cli/cmd/root.go`` -> ``cmd/root.go``); any other
path under a home folder becomes ``~``-relative (``/home/dana/notes/x.md`` -> ``~/notes/x.md``).
Home folders are recognised by shape (``/Users/<name>``, ``/home/<name>``, ``/root``,
``C:\\Users\\<name>``, and the ``-Users-<name>-`` form Claude Code gives project folders) and by
the homes the caller passes (the current user's, however it is named). Paths elsewhere
(``/usr/lib``, ``/etc/hosts``, ``/tmp``) are not personal and are kept.

``scrub_text`` is pure; ``scrub_observation`` and ``scrub_summary`` apply it to every text field
of what memgit writes (title, body, files, tags; a summary's title, request and lists).
``find_home_paths`` is what ``memgit scan`` reports: home paths left in ``.memory/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from memgit.model import Observation
    from memgit.sessions import SessionSummary

_PART = r"[^\s/\\'\"`<>|(){}\[\],;:*?]+"
_REST = r"(?:[/\\][^\s'\"`<>|(){}\[\],;*?]*)*"
#: ``/Users/<name>``, ``/home/<name>``, ``/root``: not inside a longer path or a word.
_POSIX_HOME = re.compile(
    rf"(?<![\w.~/\\-])(?P<home>/(?:Users|home)/(?!Shared\b){_PART}|/root(?=[/\s'\"`),;:]|$))"
    rf"(?P<rest>{_REST})"
)
_WINDOWS_HOME = re.compile(
    rf"(?<![\w])(?P<home>[A-Za-z]:(?:\\\\|\\|/)+Users(?:\\\\|\\|/)+{_PART})(?P<rest>{_REST})",
    re.IGNORECASE,
)
#: Claude Code names a project's folder after its path: ``-Users-alex-workspace-cli``.
_FLATTENED_HOME = re.compile(r"(?<![\w])-(?:Users|home)-(?P<name>[A-Za-z0-9_.]+)(?=-)")
_TRAILING = ".,:;!?)]}'\""


@dataclass(frozen=True)
class HomePath:
    """A personal path found in a text: where it is, for ``memgit scan``."""

    start: int
    end: int
    kind: str = "personal path"


def home_path_lines(text: str) -> list[tuple[int, str]]:
    """``(line, kind)`` for each home-folder path in ``text``: what ``memgit scan`` reports."""
    return [(text.count("\n", 0, found.start) + 1, found.kind) for found in find_home_paths(text)]


def _norm(path: str) -> str:
    return path.replace("\\\\", "/").replace("\\", "/").rstrip("/")


def _prefixes(roots: Iterable[str]) -> list[str]:
    """Usable roots, longest first, normalised to ``/`` separators."""
    found = {_norm(r) for r in roots if r and len(_norm(r)) > 1}
    return sorted(found, key=len, reverse=True)


def _relative(path: str, roots: Sequence[str]) -> str | None:
    norm = _norm(path)
    folder = "/" if path.endswith(("/", "\\")) else ""
    for root in roots:
        if norm == root:
            return "."
        if norm.startswith(root + "/"):
            return norm[len(root) + 1 :] + folder
    return None


def _rewrite(home: str, rest: str, roots: Sequence[str], windows: bool) -> str:
    relative = _relative(home + rest, roots)
    if relative is not None:
        return relative
    if not rest.strip("/\\"):
        return "~"
    sep = "\\" if windows and "\\" in rest else "/"
    return "~" + sep + rest.lstrip("/\\")


def _split_trailing(rest: str) -> tuple[str, str]:
    kept = rest.rstrip(_TRAILING)
    return kept, rest[len(kept) :]


def scrub_text(text: str, roots: Iterable[str] = (), homes: Iterable[str] = ()) -> str:
    """``text`` with every personal path rewritten (see the module docstring)."""
    if not text:
        return text
    prefixes = _prefixes(roots)
    for root in prefixes:  # longest first: a worktree inside the checkout wins
        if root in text:
            text = _scrub_under(text, root, prefixes)
    for home in _prefixes(homes):
        if home in text:
            text = _scrub_under(text, home, prefixes)

    def posix(match: re.Match[str]) -> str:
        rest, tail = _split_trailing(match["rest"])
        return _rewrite(match["home"], rest, prefixes, windows=False) + tail

    def windows(match: re.Match[str]) -> str:
        rest, tail = _split_trailing(match["rest"])
        return _rewrite(match["home"], rest, prefixes, windows=True) + tail

    text = _WINDOWS_HOME.sub(windows, text)  # first: ``C:/Users/x`` holds ``/Users/x``
    text = _POSIX_HOME.sub(posix, text)
    return _FLATTENED_HOME.sub("-~", text)


def _scrub_under(text: str, home: str, prefixes: Sequence[str]) -> str:
    """Paths under one folder: a root (made relative) or a home named like no other
    (``/var/lib/ci`` made ``~``)."""
    pattern = re.compile(rf"(?<![\w.~/-]){re.escape(home)}(?P<rest>(?=[/\s'\"`),;:]|$){_REST})")

    def one(match: re.Match[str]) -> str:
        rest, tail = _split_trailing(match["rest"])
        return _rewrite(home, rest, prefixes, windows=False) + tail

    return pattern.sub(one, text)


def find_home_paths(text: str) -> list[HomePath]:
    """Where ``text`` still holds a home-folder path (by shape; ``~`` forms are fine)."""
    found = [
        HomePath(m.start(), m.end())
        for pattern in (_POSIX_HOME, _WINDOWS_HOME, _FLATTENED_HOME)
        for m in pattern.finditer(text)
    ]
    return sorted(found, key=lambda h: h.start)


def scrub_observation(
    obs: Observation, roots: Iterable[str] = (), homes: Iterable[str] = ()
) -> Observation:
    """``obs`` with personal paths rewritten in its title, body, files and tags."""
    roots, homes = tuple(roots), tuple(homes)

    def clean(value: str) -> str:
        return scrub_text(value, roots, homes)

    changed = replace(
        obs,
        title=clean(obs.title),
        body=clean(obs.body),
        files=tuple(dict.fromkeys(clean(f) for f in obs.files)),
        tags=tuple(clean(t) for t in obs.tags),
    )
    return obs if changed == obs else changed


def scrub_summary(
    summary: SessionSummary, roots: Iterable[str] = (), homes: Iterable[str] = ()
) -> SessionSummary:
    """``summary`` with personal paths rewritten in its title, request and lists."""
    roots, homes = tuple(roots), tuple(homes)

    def clean(value: str) -> str:
        return scrub_text(value, roots, homes)

    return replace(
        summary,
        title=clean(summary.title),
        request=clean(summary.request),
        learned=tuple(clean(x) for x in summary.learned),
        completed=tuple(clean(x) for x in summary.completed),
        next_steps=tuple(clean(x) for x in summary.next_steps),
    )
