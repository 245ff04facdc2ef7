"""Making git work for memory: merge drivers, ``.gitattributes`` and git hooks, and the refresh.

``install_git`` sets a repository up so that memory merges without a human:

* ``.gitattributes`` (committed, shared) routes observation files to the ``memgit-memory``
  driver and the agents' instruction files to ``memgit-section``; a clone without the drivers
  configured falls back to git's own text merge, so nothing breaks for anyone;
* ``.git/config`` (local) defines both drivers as ``memgit merge-driver KIND %O %A %B %P``, run
  through the command that installed them (falling back to ``git merge-file`` if it is gone);
* ``post-checkout``, ``post-merge`` and ``post-rewrite`` hooks run ``memgit git-hook NAME``,
  which syncs the search index after a checkout, pull, merge or rebase and never writes a file
  git tracks; a ``pre-commit`` hook, only while a merge is being concluded (``MERGE_HEAD``),
  puts the section for the merged memory in the commit (``memgit.mergecommit``).

Hooks already present (hand-written, pre-commit's, husky's) are chained, never overwritten: the
existing script moves to ``<hook>.memgit-chained`` and memgit's hook runs memgit, then ``exec``s
it with the same arguments and standard input. ``core.hooksPath`` is honoured. Everything is
idempotent, and ``uninstall_git`` puts back what was there.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from memgit.errors import MemgitError
from memgit.fileio import atomic_write
from memgit.gitrepo import Git

GIT_HOOKS = ("post-checkout", "post-merge", "post-rewrite", "pre-commit")
#: Hooks that run memgit only while a merge is being concluded (fast otherwise: no Python).
MERGE_ONLY = ("pre-commit",)
HOOK_MARKER = "# memgit-git-hook"
CHAINED_SUFFIX = ".memgit-chained"
DRIVERS = {
    "memgit-memory": ("memory", "memgit: merge observation files field by field"),
    "memgit-section": ("section", "memgit: merge text around the generated memory section"),
}
ATTRIBUTES_BEGIN = "# memgit: merge memory and generated sections without conflicts"
ATTRIBUTES_END = "# memgit: end"
ATTRIBUTE_LINES = (
    "/.memory/observations/*.md merge=memgit-memory",
    "/CLAUDE.md merge=memgit-section",
    "/.claude/CLAUDE.md merge=memgit-section",
    "/AGENTS.md merge=memgit-section",
    "/.github/copilot-instructions.md merge=memgit-section",
    "/.cursor/rules/memgit.mdc merge=memgit-section",
)


def memgit_command(argv0: str, executable: str) -> tuple[str, ...]:
    """The command that runs this memgit: its console script, else ``python -m memgit``."""
    script = Path(argv0)
    if script.name == "memgit" and script.is_file():
        return (str(script.absolute()),)
    return (executable, "-m", "memgit")


def _guarded(command: Sequence[str], rest: str, fallback: str) -> str:
    """Shell: run ``command rest`` when its program exists, else ``fallback``."""
    program = command[0]
    test = (
        f"[ -x {shlex.quote(program)} ]"
        if os.path.isabs(program)
        else (f"command -v {shlex.quote(program)} >/dev/null 2>&1")
    )
    return f"if {test}; then {shlex.join(command)} {rest}; else {fallback}; fi"


def hook_script(name: str, command: Sequence[str]) -> str:
    run = _guarded(command, f'git-hook {name} "$@" </dev/null || true', ":")
    if name in MERGE_ONLY:
        run = f'if [ -f "$(git rev-parse --git-path MERGE_HEAD)" ]; then {run}; fi'
        purpose = "puts the section for the merged memory in the commit that concludes a merge"
    else:
        purpose = "keeps memgit's search index fresh after git changes HEAD"
    return (
        "#!/bin/sh\n"
        f"{HOOK_MARKER}: {purpose}.\n"
        "# Installed by `memgit init` / `memgit install --git-hooks`; `memgit uninstall\n"
        f"# --git-hooks` removes it and puts back a hook it replaced ({name}{CHAINED_SUFFIX}).\n"
        f"{run}\n"
        f'chained="$(dirname "$0")/{name}{CHAINED_SUFFIX}"\n'
        'if [ -x "$chained" ]; then exec "$chained" "$@"; fi\n'
    )


def driver_command(kind: str, command: Sequence[str]) -> str:
    return _guarded(
        command,
        f"merge-driver {kind} %O %A %B %P",
        "git merge-file -L ours -L base -L theirs %A %O %B",
    )


@dataclass(frozen=True)
class GitSetup:
    """What ``install_git`` or ``uninstall_git`` did."""

    hooks_dir: Path
    hooks: tuple[str, ...]  # hooks written (or removed)
    chained: tuple[str, ...]  # existing hooks moved aside and chained (or put back)
    attributes: bool  # .gitattributes changed
    drivers: bool  # merge drivers defined (or removed)


def _is_ours(path: Path) -> bool:
    try:
        return HOOK_MARKER in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _executable(path: Path) -> None:
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def install_hooks(hooks_dir: Path, command: Sequence[str]) -> tuple[list[str], list[str]]:
    hooks_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    chained: list[str] = []
    for name in GIT_HOOKS:
        hook = hooks_dir / name
        aside = hooks_dir / f"{name}{CHAINED_SUFFIX}"
        content = hook_script(name, command)
        if hook.exists() or hook.is_symlink():
            if _is_ours(hook):
                if hook.read_text(encoding="utf-8") == content:
                    continue
            else:
                if aside.exists() or aside.is_symlink():
                    raise MemgitError(
                        f"{hook} is not memgit's and {aside.name} already exists: memgit will "
                        f"not overwrite either. Merge them by hand, or remove {aside.name}, then "
                        "run `memgit install --git-hooks` again"
                    )
                os.replace(hook, aside)
                chained.append(name)
        atomic_write(hook, content)
        _executable(hook)
        written.append(name)
    return written, chained


def uninstall_hooks(hooks_dir: Path) -> tuple[list[str], list[str]]:
    removed: list[str] = []
    restored: list[str] = []
    for name in GIT_HOOKS:
        hook = hooks_dir / name
        aside = hooks_dir / f"{name}{CHAINED_SUFFIX}"
        if hook.exists() and _is_ours(hook):
            hook.unlink()
            removed.append(name)
            if aside.exists() or aside.is_symlink():
                os.replace(aside, hook)
                restored.append(name)
    return removed, restored


def attributes_block(extra_paths: Sequence[str] = ()) -> str:
    lines = list(ATTRIBUTE_LINES)
    for path in extra_paths:
        line = f"/{path} merge=memgit-section"
        if line not in lines and " " not in path:
            lines.append(line)
    return "\n".join([ATTRIBUTES_BEGIN, *lines, ATTRIBUTES_END]) + "\n"


def _without_block(text: str) -> str:
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    inside = False
    for line in lines:
        stripped = line.rstrip("\r\n")
        if stripped == ATTRIBUTES_BEGIN:
            inside = True
            continue
        if inside:
            inside = stripped != ATTRIBUTES_END
            continue
        kept.append(line)
    return "".join(kept)


def write_attributes(root: Path, extra_paths: Sequence[str] = ()) -> bool:
    """Put memgit's block in ``.gitattributes`` (replacing an older one); True if it changed."""
    path = root / ".gitattributes"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    rest = _without_block(old).rstrip("\n")
    new = (rest + "\n\n" if rest.strip() else "") + attributes_block(extra_paths)
    if new == old:
        return False
    atomic_write(path, new, mode=0o644)
    return True


def remove_attributes(root: Path) -> bool:
    path = root / ".gitattributes"
    if not path.exists():
        return False
    old = path.read_text(encoding="utf-8")
    new = _without_block(old).rstrip("\n")
    new = new + "\n" if new else ""
    if new == old:
        return False
    if new:
        atomic_write(path, new, mode=0o644)
    else:
        path.unlink()
    return True


def install_drivers(git: Git, command: Sequence[str]) -> bool:
    changed = False
    for name, (kind, label) in DRIVERS.items():
        for key, value in (("name", label), ("driver", driver_command(kind, command))):
            if git.config_get(f"merge.{name}.{key}") != value:
                git.config_set(f"merge.{name}.{key}", value)
                changed = True
    return changed


def uninstall_drivers(git: Git) -> bool:
    present = any(git.config_get(f"merge.{name}.driver") for name in DRIVERS)
    for name in DRIVERS:
        git.config_unset_section(f"merge.{name}")
    return present


def install_git(
    root: Path, command: Sequence[str], *, extra_paths: Sequence[str] = (), git: Git | None = None
) -> GitSetup:
    """Merge drivers, ``.gitattributes`` and chained git hooks. Idempotent."""
    git = git or Git(root)
    hooks_dir = git.hooks_dir()
    written, chained = install_hooks(hooks_dir, command)
    attributes = write_attributes(root, extra_paths)
    drivers = install_drivers(git, command)
    return GitSetup(hooks_dir, tuple(written), tuple(chained), attributes, drivers)


def uninstall_git(root: Path, git: Git | None = None) -> GitSetup:
    """Remove exactly what ``install_git`` added, putting chained hooks back."""
    git = git or Git(root)
    hooks_dir = git.hooks_dir()
    removed, restored = uninstall_hooks(hooks_dir)
    attributes = remove_attributes(root)
    drivers = uninstall_drivers(git)
    return GitSetup(hooks_dir, tuple(removed), tuple(restored), attributes, drivers)


@dataclass(frozen=True)
class GitStatus:
    hooks: tuple[str, ...]  # memgit's hooks present
    missing_hooks: tuple[str, ...]
    drivers: bool
    attributes: bool


def git_status(root: Path, git: Git | None = None) -> GitStatus:
    """What of memgit's git setup is in place (for ``memgit doctor``)."""
    git = git or Git(root)
    hooks_dir = git.hooks_dir()
    present = tuple(n for n in GIT_HOOKS if _is_ours(hooks_dir / n))
    missing = tuple(n for n in GIT_HOOKS if n not in present)
    drivers = all(git.config_get(f"merge.{name}.driver") for name in DRIVERS)
    path = root / ".gitattributes"
    attributes = path.exists() and ATTRIBUTES_BEGIN in path.read_text(encoding="utf-8")
    return GitStatus(present, missing, drivers, attributes)
