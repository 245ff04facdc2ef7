"""The only place that talks to git: a thin wrapper over the ``git`` command.

Why the ``git`` command and not GitPython: everything memgit asks of git (trees, blobs in batch,
``diff --numstat -M``, ``log --raw``, ``merge-file``, config) is one plumbing call, which
GitPython would itself run as a ``git`` process after ~100 ms of import and two ``git version``
calls. A merge driver or a post-merge hook runs once per file or per operation, so that import
would be paid again and again for nothing.

Git exports ``GIT_DIR``, ``GIT_INDEX_FILE``, ``GIT_PREFIX`` and friends to the hooks and merge
drivers it runs; a ``git`` call from there must look at the repository given here, not at the
one those variables name, so they are scrubbed (as pre-commit does), keeping only what configures
git itself (identity, config sources, transport).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from memgit.errors import MemgitError, NoCommits

#: ``GIT_*`` variables passed through to git: identity, config sources, transport. Everything
#: else (``GIT_DIR``, ``GIT_WORK_TREE``, ``GIT_INDEX_FILE``, ``GIT_PREFIX``...) is dropped.
_KEEP = (
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_CONFIG_NOSYSTEM",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_COUNT",
    "GIT_EXEC_PATH",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_SSL_CAINFO",
    "GIT_SSL_NO_VERIFY",
    "GIT_ASKPASS",
    "GIT_TERMINAL_PROMPT",
)
_KEEP_PREFIXES = ("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_", "GIT_TRACE")
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitError(MemgitError):
    """A git command failed; the message carries git's own words."""


def git_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without the ``GIT_*`` variables that would point git at another repository."""
    return {
        key: value
        for key, value in environ.items()
        if not key.startswith("GIT_") or key in _KEEP or key.startswith(_KEEP_PREFIXES)
    }


@dataclass(frozen=True)
class NumStat:
    """How one file changed: lines added and deleted (None for binary), and a rename."""

    path: str
    old_path: str
    added: int | None
    deleted: int | None

    @property
    def renamed(self) -> bool:
        return self.path != self.old_path


@dataclass(frozen=True)
class RawChange:
    """One file of ``--raw`` output: the blobs before and after (``None`` when absent)."""

    status: str
    path: str
    old_blob: str | None
    new_blob: str | None
    old_path: str = ""  # for a rename (status R): the path it had before


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str  # ISO-8601, as git prints it (%aI)
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]

    def to_dict(self) -> dict[str, str]:
        return {"sha": self.sha, "author": self.author, "date": self.date, "subject": self.subject}


class Git:
    """``git`` run in one work tree, with a scrubbed environment."""

    def __init__(self, root: Path, environ: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.env = git_environment(os.environ if environ is None else environ)
        self.env["LC_ALL"] = "C"

    def run(
        self, *args: str, input: bytes | None = None, ok: Sequence[int] = (0,)
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.root,
                env=self.env,
                input=input,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise GitError("the git command is not installed or not on PATH") from None
        if done.returncode not in ok:
            message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise GitError(f"git {' '.join(args[:3])}: {message}")
        return done

    def text(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "surrogateescape")

    # --- revisions ------------------------------------------------------------------------------

    def rev_parse(self, rev: str) -> str | None:
        """The commit ``rev`` names, or None when it names none."""
        if rev.startswith("-"):
            return None  # never let a revision be read as an option
        done = self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", ok=(0, 1, 128))
        sha = done.stdout.decode().strip()
        return sha if done.returncode == 0 and sha else None

    def has_commits(self) -> bool:
        """False in a repository created with ``git init`` and never committed to."""
        return self.rev_parse("HEAD") is not None

    def resolve(self, rev: str) -> str:
        sha = self.rev_parse(rev)
        if sha is None:
            if not self.has_commits():
                raise NoCommits(f"{rev!r} names no commit")
            raise GitError(f"{rev!r} is not a commit in {self.root}")
        return sha

    def merge_base(self, a: str, b: str) -> str | None:
        done = self.run("merge-base", a, b, ok=(0, 1))
        return done.stdout.decode().strip() or None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return (
            self.run("merge-base", "--is-ancestor", ancestor, descendant, ok=(0, 1)).returncode == 0
        )

    def default_branch(self) -> str | None:
        """``origin/HEAD``'s branch, else the first of main, master, trunk that exists."""
        done = self.run("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", ok=(0, 1, 128))
        ref = done.stdout.decode().strip()
        if done.returncode == 0 and ref:
            return ref.removeprefix("refs/remotes/")
        for name in ("main", "master", "trunk"):
            if self.rev_parse(f"refs/heads/{name}"):
                return name
        return None

    def hooks_dir(self) -> Path:
        """Where git looks for hooks here (``core.hooksPath`` honoured)."""
        path = Path(self.text("rev-parse", "--git-path", "hooks").strip())
        return path if path.is_absolute() else self.root / path

    # --- trees and blobs ------------------------------------------------------------------------

    def tree_blobs(self, rev: str, folder: str) -> dict[str, str]:
        """``{path: blob}`` for the files under ``folder`` at ``rev``."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", rev, "--", folder).stdout
        blobs: dict[str, str] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == b"blob":
                blobs[path.decode("utf-8", "surrogateescape")] = parts[2].decode()
        return blobs

    def read_blobs(self, names: Iterable[str]) -> dict[str, bytes]:
        """Contents of many objects (blob ids or ``rev:path``) in one ``cat-file --batch``.

        Names that are missing are left out of the result.
        """
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        for name in wanted:
            if "\n" in name:
                raise GitError(f"an object name cannot hold a line break: {name!r}")
        out = self.run("cat-file", "--batch", input="".join(f"{n}\n" for n in wanted).encode())
        data = out.stdout
        result: dict[str, bytes] = {}
        pos = 0
        for name in wanted:
            end = data.index(b"\n", pos)
            header = data[pos:end].split()
            pos = end + 1
            if len(header) == 2 and header[1] == b"missing":
                continue
            size = int(header[2])
            result[name] = data[pos : pos + size]
            pos += size + 1
        return result

    # --- diffs and history ----------------------------------------------------------------------

    def raw_many(
        self,
        bases: Sequence[str],
        head: str,
        *,
        renames: bool = False,
        skip_added: bool = True,
        exclude: Sequence[str] = (),
    ) -> list[list[RawChange]]:
        """Changed files (blob ids, no content read) from each of ``bases`` to ``head``, in one
        ``git diff-tree --stdin``; ``exclude`` leaves folders out (of rename detection too)."""
        if not bases:
            return []
        for sha in (head, *bases):
            if not _is_object_id(sha):
                raise GitError(f"{sha!r} is not a full commit id")
        args = ["diff-tree", "--stdin", "--always", "-r", "--raw", "-z", "--no-abbrev"]
        args.append("-M" if renames else "--no-renames")
        if renames:
            args.append("--diff-filter=R")
        elif skip_added:  # files made after the base are no news about it
            args.append("--diff-filter=a")
        if exclude:
            args += ["--", ".", *(f":(exclude){folder}" for folder in exclude)]
        stdin = "".join(f"{head} {base}\n" for base in bases).encode()
        fields = self.run(*args, input=stdin).stdout.decode("utf-8", "surrogateescape").split("\0")
        groups: list[list[RawChange]] = []
        i = 0
        while i < len(fields):
            field = fields[i]
            i += 1
            if not field:
                continue
            if not field.startswith(":"):  # the header --always prints for each input line
                groups.append([])
                continue
            parts = field[1:].split()
            old_blob, new_blob, status = parts[2], parts[3], parts[4][0]
            paths = fields[i : i + (2 if status in "RC" else 1)]
            i += len(paths)
            groups[-1].append(
                RawChange(
                    status,
                    paths[-1],
                    None if set(old_blob) == {"0"} else old_blob,
                    None if set(new_blob) == {"0"} else new_blob,
                    paths[0],
                )
            )
        if len(groups) != len(bases):
            raise GitError(f"git diff-tree answered {len(groups)} of {len(bases)} comparisons")
        return groups

    def existing(self, names: Iterable[str]) -> set[str]:
        """Which of ``names`` (``rev:path``, blob ids) name objects, in one ``--batch-check``."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return set()
        if any("\n" in name for name in wanted):
            raise GitError("an object name cannot hold a line break")
        out = self.run(
            "cat-file", "--batch-check", input="".join(f"{n}\n" for n in wanted).encode()
        )
        lines = out.stdout.decode("utf-8", "surrogateescape").split("\n")
        return {
            name for name, line in zip(wanted, lines, strict=False) if not line.endswith(" missing")
        }

    def changed_paths(self, base: str, head: str, paths: Sequence[str] = ()) -> set[str]:
        """Every path (old and new names) that differs between ``base`` and ``head``."""
        args = ["diff", "--name-status", "-z", "-M", "--no-ext-diff", base, head]
        if paths:
            args += ["--", *paths]
        fields = self.run(*args).stdout.decode("utf-8", "surrogateescape").split("\0")
        names: set[str] = set()
        i = 0
        while i < len(fields):
            status = fields[i]
            i += 1
            if not status:
                continue
            count = 2 if status[0] in "RC" else 1
            names.update(fields[i : i + count])
            i += count
        return names

    def log_commits(
        self, rev_range: Sequence[str], paths: Sequence[str] = ()
    ) -> Iterator[tuple[Commit, list[RawChange]]]:
        """Commits of ``git log RANGE`` that touch ``paths``, newest first, with their blobs."""
        for rev in rev_range:
            if rev.startswith("-") or not rev:
                raise GitError(f"{rev!r} is not a revision or range (options are not accepted)")
        args = [
            "log",
            "--no-merges",  # a merge shows no diff of its own, as in `git log`
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--format=%x01%H%x1f%an%x1f%aI%x1f%s",
        ]
        args += [*rev_range, "--", *paths]
        try:
            out = self.run(*args).stdout.decode("utf-8", "surrogateescape")
        except GitError:
            if not self.has_commits():
                raise NoCommits("there is no history to show") from None
            shown = " ".join(rev_range)
            raise GitError(
                f"{shown!r} is not a revision or range of this repository (see `git log {shown}`)"
            ) from None
        for block in out.split("\x01")[1:]:
            header, _, rest = block.partition("\0")
            changes: list[RawChange] = []
            fields = rest.strip("\n\0").split("\0")
            i = 0
            while i + 1 < len(fields):
                meta, path = fields[i], fields[i + 1]
                i += 2
                parts = meta.lstrip(":\n").split()
                if len(parts) < 5:
                    continue
                old, new, status = parts[2], parts[3], parts[4]
                changes.append(
                    RawChange(
                        status[0],
                        path,
                        None if set(old) == {"0"} else old,
                        None if set(new) == {"0"} else new,
                    )
                )
            yield _commit(header), changes

    def added_by(self, rev: str, folder: str) -> dict[str, str]:
        """``{path: commit}``: for each file under ``folder`` at ``rev``, the commit that added it.

        One ``git log --diff-filter=A`` over the history; the most recent addition wins (a file
        deleted and added again counts from its return).
        """
        out = self.run(
            "log",
            "--diff-filter=A",
            "--name-only",
            "-z",
            "--no-renames",
            "--format=%x01%H",
            rev,
            "--",
            folder,
        ).stdout.decode("utf-8", "surrogateescape")
        result: dict[str, str] = {}
        for block in out.split("\x01")[1:]:
            sha, _, names = block.partition("\0")
            for name in names.split("\0"):
                name = name.strip("\n")
                if name and name not in result:
                    result[name] = sha.strip()
        return result

    def commit_info(self, sha: str) -> Commit:
        out = self.text("show", "-s", "--format=%H%x1f%an%x1f%aI%x1f%s", sha).strip()
        return _commit(out)

    # --- config and merging ---------------------------------------------------------------------

    def config_get(self, key: str) -> str | None:
        done = self.run("config", "--local", "--get", key, ok=(0, 1))
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def config_set(self, key: str, value: str) -> None:
        self.run("config", "--local", key, value)

    def config_unset_section(self, section: str) -> None:
        self.run("config", "--local", "--remove-section", section, ok=(0, 128))

    def merge_tree(self, ours: str, theirs: str) -> str | None:
        """The tree ``git merge`` of ``theirs`` into ``ours`` would give (conflicted files
        included as git leaves them), without touching the work tree; None when this git cannot
        (``merge-tree --write-tree`` needs git 2.38)."""
        done = self.run("merge-tree", "--write-tree", "--no-messages", ours, theirs, ok=range(256))
        first = done.stdout.decode().split("\n", 1)[0].strip()
        return first if done.returncode in (0, 1) and _is_object_id(first) else None

    def write_tree(self) -> str:
        """The tree of the index (``GIT_INDEX_FILE`` when set in ``env``)."""
        return self.text("write-tree").strip()

    def commit_tree(self, tree: str, parents: Sequence[str]) -> str:
        """A commit object for ``tree`` that no ref points at (git's gc drops it later)."""
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        env = {"GIT_AUTHOR_NAME": "memgit", "GIT_AUTHOR_EMAIL": "memgit@localhost"}
        env |= {"GIT_COMMITTER_NAME": "memgit", "GIT_COMMITTER_EMAIL": "memgit@localhost"}
        saved = self.env
        self.env = saved | env
        try:
            done = self.run(*args, input=b"memgit: the commit being made\n")
        finally:
            self.env = saved
        return done.stdout.decode().strip()

    def merge_file(self, ours: Path, base: Path, theirs: Path, labels: Sequence[str]) -> int:
        """``git merge-file``: 3-way text merge into ``ours``; the number of conflicts."""
        args = ["merge-file", "-q"]
        for label in labels:
            args += ["-L", label]
        done = self.run(*args, str(ours), str(base), str(theirs), ok=range(128))
        return done.returncode


def _is_object_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _commit(header: str) -> Commit:
    """A ``Commit`` from ``%H%x1f%an%x1f%aI%x1f%s``."""
    sha, author, date, subject = [*header.split("\x1f"), "", "", ""][:4]
    return Commit(sha.strip(), author, date, subject)
