"""Claude Code's auto memory, brought into ``.memory/``, and the setting that turns it off.

Claude Code keeps machine-local notes in ``<claude home>/projects/<project>/memory/``: a
``MEMORY.md`` index (one line per memory, ``- [Title](file.md) — hook``, loaded into every
session) and one markdown file per memory, with frontmatter ``name`` (a kebab-case slug),
``description`` (a one-line summary) and ``type`` (``user``, ``feedback``, ``project`` or
``reference``; top-level in older versions, under ``metadata:`` in newer ones). ``<project>``
is the git repository's root (the main work tree, shared by its worktrees) encoded the way
transcript folders are (``transcript.discover.encode_project_dir``); ``autoMemoryDirectory``
in Claude Code's settings moves it.

``import_auto_memory`` reads those files, redacts them, types them, and writes each through the
one write path for new drafts (``Memory._write_deduped``: dedupe against ``.memory/``, rejected
memory, pending review) with ``source: claude-memory``. Each file's content hash is recorded in
the local state, so a second run changes nothing; a file edited since is read again. ``user``
memories (the person's role and preferences, which Claude Code itself keeps private) are left
out of the shared memory.

``disable_auto_memory`` writes ``"autoMemoryEnabled": false`` into a Claude Code settings file
of the project, leaving every other setting as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memgit.errors import InvalidObservation
from memgit.fileio import atomic_write
from memgit.model import TITLE_MAX, Observation, new_observation, yaml_codec
from memgit.transcript.discover import MAX_NAME, encode_project_dir, worktree_roots

if TYPE_CHECKING:
    from memgit.api import Memory

SOURCE = "claude-memory"
INDEX = "MEMORY.md"
SETTING = "autoMemoryEnabled"
STATE_FILE = "claude-memory.json"
_LINK = re.compile(r"^\s*[-*]\s*\[([^\]]+)\]\(([^)\s]+\.md)\)\s*(?:[-\u2014\u2013:]+\s*(.*))?$")
_BULLET = re.compile(r"^\s*[-*]\s+(.+)$")


@dataclass(frozen=True)
class AutoMemory:
    """One memory of Claude Code's auto memory, as found on disk."""

    source: str  # "topic.md", or "MEMORY.md:12" for a note kept in the index itself
    name: str
    title: str
    body: str
    kind: str  # Claude Code's type: user, feedback, project, reference, or "" when unknown
    text: str  # what the content hash is taken of


@dataclass
class ImportReport:
    folder: Path | None
    found: int = 0
    added: list[Observation] = field(default_factory=list)
    superseded: list[Observation] = field(default_factory=list)
    known: int = 0
    rejected: int = 0
    unchanged: int = 0
    private: int = 0
    problems: list[str] = field(default_factory=list)


# --- finding the folder --------------------------------------------------------------------------


def project_roots(repo_root: Path) -> list[Path]:
    """The folders Claude Code may key this repository's auto memory by, most likely first."""
    roots = [*worktree_roots(repo_root), repo_root]
    found: dict[str, Path] = {}
    for root in roots:
        for variant in (root.absolute(), root.resolve()):
            found.setdefault(os.fspath(variant), variant)
    return list(found.values())


def configured_directory(repo_root: Path, claude_home: Path) -> Path | None:
    """``autoMemoryDirectory`` from the project's local or shared settings, or the user's."""
    for settings in (
        repo_root / ".claude" / "settings.local.json",
        repo_root / ".claude" / "settings.json",
        claude_home / "settings.json",
    ):
        try:
            data = json.loads(settings.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        value = data.get("autoMemoryDirectory") if isinstance(data, dict) else None
        if isinstance(value, str) and value.strip():
            folder = Path(os.path.expanduser(value.strip()))
            return folder if folder.is_absolute() else repo_root / folder
    return None


def find_memory_folder(repo_root: Path, claude_home: Path) -> Path | None:
    """This repository's auto-memory folder, or None when Claude Code kept none."""
    configured = configured_directory(repo_root, claude_home)
    if configured is not None:
        return configured if configured.is_dir() else None
    projects = claude_home / "projects"
    for root in project_roots(repo_root):
        encoded = encode_project_dir(root)
        folder = projects / encoded / "memory"
        if folder.is_dir():
            return folder
        if len(encoded) > MAX_NAME and projects.is_dir():
            # Long names are cut at 200 characters plus a hash of the path we can't reproduce.
            for candidate in sorted(projects.glob(encoded[:MAX_NAME] + "*")):
                if (candidate / "memory").is_dir():
                    return candidate / "memory"
    return None


# --- reading the files ---------------------------------------------------------------------------


def _frontmatter(text: str) -> tuple[dict[str, Any], str]:
    """(frontmatter, body); a file without valid frontmatter is all body."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            yaml, loader, _ = yaml_codec()
            try:
                data = yaml.load("\n".join(lines[1:end]), Loader=loader)
            except yaml.YAMLError:
                return {}, text
            body = "\n".join(lines[end + 1 :])
            return (data if isinstance(data, dict) else {}), body
    return {}, text


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def read_auto_memory(folder: Path) -> tuple[list[AutoMemory], list[str]]:
    """Every memory in ``folder`` (topic files, and notes written into the index itself)."""
    memories: list[AutoMemory] = []
    problems: list[str] = []
    links: dict[str, tuple[str, str]] = {}
    index = folder / INDEX
    index_text = ""
    if index.is_file():
        try:
            index_text = index.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{index}: cannot be read ({exc})")
    for number, line in enumerate(index_text.splitlines(), start=1):
        link = _LINK.match(line)
        if link:
            links[link.group(2).removeprefix("./")] = (link.group(1).strip(), link.group(3) or "")
            continue
        bullet = _BULLET.match(line)
        if bullet:  # older auto memory kept short notes in the index itself
            note = bullet.group(1).strip()
            memories.append(AutoMemory(f"{INDEX}:{number}", "", note, "", "", note))
    for path in sorted(folder.glob("*.md")):
        if path.name == INDEX or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot be read ({exc})")
            continue
        data, body = _frontmatter(text)
        metadata = data.get("metadata")
        kind = _text(data.get("type")) or (
            _text(metadata.get("type")) if isinstance(metadata, dict) else ""
        )
        name = _text(data.get("name")) or path.stem
        linked_title, hook = links.get(path.name, ("", ""))
        title = _text(data.get("description")) or linked_title or _text(hook)
        if not title:
            title = _first_line(body) or name.replace("-", " ").replace("_", " ")
        memories.append(AutoMemory(path.name, name, title, body.strip(), kind.lower(), text))
    return memories, problems


def _first_line(body: str) -> str:
    for line in body.splitlines():
        words = line.strip().lstrip("#").strip(" -*")
        if words:
            return " ".join(words.split())
    return ""


# --- typing ---------------------------------------------------------------------------------------


def memgit_type(memory: AutoMemory) -> str | None:
    """The observation type for an auto memory; None for ``user`` (personal) memories."""
    from memgit.extract.signals import cues

    if memory.kind == "user":
        return None
    found = [c.kind for c in cues(f"{memory.title}. {memory.body}"[:2000], "user")]
    first = next((k for k in found if k in ("decision", "gotcha", "pattern", "architecture")), "")
    if memory.kind == "feedback":  # how to work: a rule to follow, or a trap to avoid
        return "gotcha" if first == "gotcha" else "pattern"
    if memory.kind == "reference":  # where information lives: part of how the system is built
        return "architecture"
    if memory.kind == "project":
        if first in ("decision", "architecture", "gotcha"):
            return first
        return "coordination" if "coordination" in found else "decision"
    return first or "pattern"


# --- importing -----------------------------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load_state(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def import_auto_memory(
    memory: Memory, claude_home: Path, *, clean: Callable[[str], str] | None = None
) -> ImportReport:
    """Bring this repository's auto memory into ``.memory/`` (see the module docstring)."""
    folder = find_memory_folder(memory.paths.root, claude_home)
    report = ImportReport(folder)
    if folder is None:
        return report
    redact = clean or memory.redactor.clean
    found, report.problems = read_auto_memory(folder)
    report.found = len(found)
    state_file = memory.paths.state / STATE_FILE
    seen = _load_state(state_file)
    key_prefix = os.fspath(folder) + "::"
    branch_commit: dict[str, Any] = {}
    with memory.store.lock():
        for item in found:
            digest = _digest(item.text)
            # A note in the index is known by its text: lines above it may come and go.
            where = f"{INDEX}#{digest}" if item.source.startswith(INDEX) else item.source
            key = key_prefix + where
            if seen.get(key) == digest:
                report.unchanged += 1
                continue
            kind = memgit_type(item)
            if kind is None:
                report.private += 1
                seen[key] = digest
                continue
            draft = _draft(memory, item, kind, redact, branch_commit)
            if draft is None:
                report.problems.append(f"{folder / item.source.split(':')[0]}: nothing to import")
                seen[key] = digest
                continue
            outcome = memory._write_deduped(draft)
            seen[key] = digest
            if outcome.action == "duplicate":
                report.known += 1
            elif outcome.action == "rejected":
                report.rejected += 1
            else:
                report.added.append(outcome.observation)
                if outcome.replaced is not None:
                    report.superseded.append(outcome.replaced)
        atomic_write(
            state_file, json.dumps({"version": 1, "files": seen}, indent=1, sort_keys=True) + "\n"
        )
    memory._refresh_index()
    return report


def _draft(
    memory: Memory,
    item: AutoMemory,
    kind: str,
    redact: Callable[[str], str],
    provenance: dict[str, Any],
) -> Observation | None:
    title = " ".join(redact(item.title).split())
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    if not title:
        return None
    body = redact(item.body).strip()
    if not provenance:
        provenance["branch"], provenance["commit"] = memory._provenance(None, None)
    tags = ["claude-memory", *([item.kind] if item.kind else [])]
    try:
        return new_observation(
            kind,
            title,
            body,
            tags=tuple(tags),
            source=SOURCE,
            confidence=0.7,
            branch=provenance["branch"],
            commit=provenance["commit"],
        )
    except InvalidObservation:
        return None


# --- turning it off ----------------------------------------------------------------------------


def settings_file(repo_root: Path, shared: bool) -> Path:
    """``.claude/settings.json`` (the team's) or ``.claude/settings.local.json`` (yours)."""
    name = "settings.json" if shared else "settings.local.json"
    return repo_root / ".claude" / name


def auto_memory_enabled(repo_root: Path, environ: Mapping[str, str] | None = None) -> bool:
    """Whether Claude Code's auto memory is on for this project (as far as its files say)."""
    env = os.environ if environ is None else environ
    if env.get("CLAUDE_CODE_DISABLE_AUTO_MEMORY", "").strip() not in ("", "0"):
        return False
    for shared in (False, True):
        try:
            data = json.loads(settings_file(repo_root, shared).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and data.get(SETTING) is False:
            return False
    return True


def disable_auto_memory(repo_root: Path, *, shared: bool = False) -> tuple[Path, bool]:
    """Write ``"autoMemoryEnabled": false``; (the settings file, whether it changed)."""
    from memgit.install import load_settings, save_settings

    path = settings_file(repo_root, shared)
    data = load_settings(path)
    if data.get(SETTING) is False:
        return path, False
    data[SETTING] = False
    save_settings(path, data)
    if not shared:
        _keep_out_of_git(repo_root, path)
    return path, True


def _keep_out_of_git(repo_root: Path, path: Path) -> None:
    """A personal settings file is never committed: list it in ``.git/info/exclude`` (local,
    like Claude Code does for the file it creates) unless git ignores it already."""
    from memgit.gitrepo import Git, GitError

    git = Git(repo_root)
    relative = path.relative_to(repo_root).as_posix()
    try:
        if git.run("check-ignore", "-q", relative, ok=(0, 1)).returncode == 0:
            return
        exclude = Path(git.text("rev-parse", "--git-path", "info/exclude").strip())
        if not exclude.is_absolute():
            exclude = repo_root / exclude
        text = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
        line = f"/{relative}"
        if line not in text.splitlines():
            prefix = "" if not text or text.endswith("\n") else "\n"
            atomic_write(exclude, f"{text}{prefix}{line}\n")
    except (GitError, OSError):
        return  # not fatal: the setting is written; git status will show the file


def describe_import(report: ImportReport) -> list[str]:
    """What an import did, one line each, for the command line."""
    if report.folder is None:
        return ["Claude Code auto memory: none for this repository"]
    lines = [
        f"Claude Code auto memory ({report.folder}): {report.found} memories, "
        f"{len(report.added)} added, {len(report.superseded)} superseded, {report.known} already "
        f"known, {report.unchanged} unchanged since the last import, {report.rejected} rejected "
        f"before, {report.private} personal (user) memories left out"
    ]
    lines += [f"  + [m:{o.id}] {o.type}: {o.title}" for o in report.added]
    lines += [f"  ! {problem}" for problem in report.problems]
    return lines
