"""The exception tree: the core raises these, the adapters translate them.

Every message is written for the person who has to act on it: which file, which field, what to do.
The CLI maps them to exit status 1 (``MemgitError``) and keeps exit status 3 for bugs; hooks log
and swallow them; the MCP server returns them as tool errors.
"""

from __future__ import annotations

from dataclasses import dataclass


class MemgitError(Exception):
    """Base class for every error memgit expects and can explain."""

    exit_code = 1


class NotInGitRepo(MemgitError):
    def __init__(self, start: str) -> None:
        super().__init__(
            f"{start} is not inside a git work tree. memgit keeps memory in the repository: "
            "run it from inside one (or `git init` first)."
        )


class NotInitialized(MemgitError):
    def __init__(self, root: str) -> None:
        super().__init__(f"no .memory/ folder in {root}. Run `memgit init` first.")


class UnknownObservation(MemgitError):
    def __init__(self, ident: str) -> None:
        hint = " (give at least 3 characters of an id)" if len(ident) < 3 else ""
        super().__init__(
            f"no observation with id {ident!r}{hint}. `memgit list` or `memgit search` shows "
            "the ids."
        )


class AmbiguousId(MemgitError):
    """An id prefix (or a session short id) that names more than one thing: the candidates."""

    def __init__(self, prefix: str, matches: list[str], what: str = "observations") -> None:
        self.prefix = prefix
        self.matches = sorted(matches)
        shown = "; ".join(self.matches[:10])
        more = f"; and {len(self.matches) - 10} more" if len(self.matches) > 10 else ""
        super().__init__(
            f"{prefix!r} matches {len(self.matches)} {what}: {shown}{more}. Give more characters "
            "of the one you mean."
        )


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of one file."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidObservation(MemgitError):
    """A memory file that cannot be read as an observation (or session summary)."""

    def __init__(self, path: str, problems: list[FieldProblem]) -> None:
        self.path = path
        self.problems = problems
        details = "; ".join(str(p) for p in problems)
        super().__init__(f"{path}: {details}")


class ConfigError(MemgitError):
    def __init__(self, source: str, key: str, message: str) -> None:
        self.source = source
        self.key = key
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {message}")


class LockTimeout(MemgitError):
    def __init__(self, what: str, path: str, seconds: float) -> None:
        super().__init__(
            f"{what} is busy: could not take {path} within {seconds:g}s. Another memgit process "
            "(a hook or a background worker) holds it; try again in a moment."
        )


class IndexUnavailable(MemgitError):
    """The search index could not be opened or written; `memgit reindex` rebuilds it."""


class ExtractorError(MemgitError):
    """An extractor failed in a way that may succeed later (network, quota, bad reply)."""


class BudgetExceeded(MemgitError):
    """The configured token budget for this session or day is spent."""


class NotATranscript(MemgitError):
    """A file given to ``memgit ingest`` holds no Claude Code conversation."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(
            f"{path} is not a Claude Code transcript: {reason}. Give a session file "
            "(~/.claude/projects/<project>/<session>.jsonl), or no file to ingest this "
            "repository's sessions"
        )


class NoCommits(MemgitError):
    """The repository has no commits yet: nothing git-based (history, ranges) exists."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"this repository has no commits yet, so {what}. Commit once (for example "
            '`git add .memory && git commit -m "Start project memory"`), then run it again'
        )
