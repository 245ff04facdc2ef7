"""Finding a repository's Claude Code transcripts under ``~/.claude/projects`` for backfill.

Claude Code keeps each session in ``<claude_home>/projects/<encoded cwd>/``, where the encoding
replaces every non-alphanumeric character with ``-`` (and cuts names over 200 characters, adding
a hash we cannot reproduce, so those are matched by their first 200 characters). A repository's
sessions may have started in its root, in one of its git worktrees, or in a subfolder. The
encoding is lossy (``my-app`` and ``my_app`` collide), so every candidate folder is confirmed by
the ``cwd`` its transcripts record.

memgit's own ``claude -p`` extraction runs start in a temporary folder (and without session
persistence), so they never land in a repository's project folders and are not found here.

No git subprocess: worktrees are read from ``<git common dir>/worktrees/*/gitdir``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from memgit.transcript.records import LineCounts, split_records

MAX_NAME = 200
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_HEAD_BYTES = 1 << 16


def encode_project_dir(path: Path | str) -> str:
    """The project folder name Claude Code uses for a working directory (before truncation)."""
    return _NOT_ALNUM.sub("-", os.fspath(path))


def find_transcripts(repo_root: Path, claude_home: Path) -> list[Path]:
    """Session and subagent transcripts of the repository at ``repo_root``, oldest first."""
    projects = claude_home / "projects"
    if not projects.is_dir():
        return []
    roots = _roots(repo_root)
    found: dict[Path, None] = {}
    for folder in sorted(p for p in projects.iterdir() if p.is_dir()):
        if _belongs(folder, roots):
            for path in _transcripts_in(folder):
                found[path] = None
    # A session before its subagents: their summaries and provenance come from it (capture does
    # not depend on this order, but reading the main session first costs fewer rewrites).
    return sorted(found, key=lambda p: (_age(_main_of(p)), is_subagent_file(p), _age(p)))


def is_subagent_file(path: Path) -> bool:
    """``agent-*.jsonl``: a subagent's transcript (beside the sessions, or in ``subagents/``)."""
    return path.name.startswith("agent-")


def _main_of(path: Path) -> Path:
    """The main session file a subagent file sits under (new layout), else the file itself."""
    if is_subagent_file(path) and path.parent.name == "subagents":
        return path.parent.parent.with_suffix(".jsonl")
    return path


def main_session_transcript(path: Path, session_id: str) -> Path | None:
    """The main session's transcript for the subagent transcript ``path`` of ``session_id``:
    ``<sid>.jsonl`` beside it (older Claude Code) or above its ``<sid>/subagents/`` folder."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", session_id):
        return None
    for folder in (path.parent, path.parent.parent.parent):
        candidate = folder / f"{session_id}.jsonl"
        if candidate != path and candidate.is_file():
            return candidate
    return None


def recorded_branch(path: Path, limit: int = 1 << 20) -> str | None:
    """The ``gitBranch`` the first main-thread record of ``path`` carries (within ``limit``)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(limit)
    except OSError:
        return None
    records, _ = split_records(head, 0, final=False, counts=LineCounts())
    for record in records:
        branch = record.data.get("gitBranch")
        if isinstance(branch, str) and branch and not record.data.get("isSidechain"):
            return branch
    return None


def worktree_roots(repo_root: Path) -> list[Path]:
    """The repository's main work tree and its linked worktrees, as recorded by git."""
    common = _common_dir(repo_root)
    if common is None:
        return []
    roots: list[Path] = []
    if common.name == ".git":
        roots.append(common.parent)
    entries = common / "worktrees"
    if entries.is_dir():
        for entry in sorted(entries.iterdir()):
            try:
                gitdir = (entry / "gitdir").read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                continue
            if gitdir:
                dot_git = Path(gitdir)
                if not dot_git.is_absolute():
                    dot_git = (entry / dot_git).resolve()
                roots.append(dot_git.parent)
    return roots


def _roots(repo_root: Path) -> list[Path]:
    candidates = [repo_root, *worktree_roots(repo_root)]
    roots: dict[str, Path] = {}
    for root in candidates:
        for variant in (root.absolute(), root.resolve()):
            roots.setdefault(os.fspath(variant), variant)
    return list(roots.values())


def _common_dir(repo_root: Path) -> Path | None:
    dot_git = repo_root / ".git"
    if dot_git.is_dir():
        git_dir = dot_git
    elif dot_git.is_file():
        try:
            first = dot_git.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, UnicodeDecodeError, IndexError):
            return None
        if not first.startswith("gitdir:"):
            return None
        git_dir = Path(first.removeprefix("gitdir:").strip())
        if not git_dir.is_absolute():
            git_dir = (repo_root / git_dir).resolve()
    else:
        return None
    try:
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return git_dir
    target = Path(common)
    return target if target.is_absolute() else (git_dir / target).resolve()


def _belongs(folder: Path, roots: list[Path]) -> bool:
    """Whether a project folder holds sessions started inside one of ``roots``."""
    name = folder.name
    exact = False
    candidate = False
    for root in roots:
        encoded = encode_project_dir(root)
        if name == encoded:
            exact = candidate = True
        elif name.startswith(encoded + "-") or (
            len(encoded) > MAX_NAME
            and len(name) > MAX_NAME
            and name[:MAX_NAME] == encoded[:MAX_NAME]
        ):
            candidate = True
    if not candidate:
        return False
    cwd = _recorded_cwd(folder)
    if cwd is None:
        return exact
    return any(_inside(Path(cwd), root) for root in roots)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _recorded_cwd(folder: Path) -> str | None:
    """The ``cwd`` recorded by the first transcript in ``folder`` that has one."""
    for path in sorted(folder.glob("*.jsonl")):
        try:
            with path.open("rb") as handle:
                head = handle.read(_HEAD_BYTES)
        except OSError:
            continue
        records, _ = split_records(head, 0, final=False, counts=LineCounts())
        for record in records:
            cwd = record.data.get("cwd")
            if isinstance(cwd, str) and cwd:
                return cwd
    return None


def _transcripts_in(folder: Path) -> list[Path]:
    paths = [p for p in folder.glob("*.jsonl") if p.is_file()]
    paths += [p for p in folder.glob("*/subagents/agent-*.jsonl") if p.is_file()]
    return paths


def _age(path: Path) -> tuple[float, str]:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return (mtime, os.fspath(path))
