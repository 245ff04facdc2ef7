"""What a search or listing asks for and what it returns, without the search engine.

Adapters build ``Filters`` and read ``Hit``s; only ``index.py`` imports Whoosh to answer them, so a
command that merely parses its arguments does not pay for the search engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from memgit.model import Observation


@dataclass(frozen=True)
class Filters:
    """What a search or listing is narrowed to. Empty tuples mean "any"."""

    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("active",)
    file: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    branch: str | None = None
    session: str | None = None


@dataclass(frozen=True)
class Hit:
    observation: Observation
    path: str
    score: float


#: The default narrowing: active observations of any type.
ACTIVE = Filters()
