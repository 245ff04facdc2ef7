"""Where things live: the work tree, the committed ``.memory/`` folder and the local state folder.

Found by walking up from a start folder to the ``.git`` entry, without running git, because hooks
call this on every tool use. The local state folder is what ``git rev-parse --git-path memgit``
names: per clone and per worktree, outside the work tree, untouched by ``git clean -fdx``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from memgit.errors import NotInGitRepo, NotInitialized
from memgit.locate import locate

MEMORY_DIR = ".memory"


@dataclass(frozen=True)
class Paths:
    root: Path
    git_dir: Path

    @property
    def memory(self) -> Path:
        return self.root / MEMORY_DIR

    @property
    def observations(self) -> Path:
        return self.memory / "observations"

    @property
    def sessions(self) -> Path:
        return self.memory / "sessions"

    @property
    def config_file(self) -> Path:
        return self.memory / "config.yaml"

    @property
    def state(self) -> Path:
        return self.git_dir / "memgit"

    @property
    def index(self) -> Path:
        return self.state / "index"

    @property
    def locks(self) -> Path:
        return self.state / "locks"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    def initialized(self) -> bool:
        return self.memory.is_dir()

    def require_initialized(self) -> Paths:
        if not self.initialized():
            raise NotInitialized(str(self.root))
        return self

    def relative(self, path: Path) -> str:
        """A repository-relative path with forward slashes, as stored and printed."""
        try:  # the common case, a path built from the root: no file-system calls
            return path.relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.resolved_root).as_posix()
        except ValueError:
            return path.as_posix()

    @cached_property
    def resolved_root(self) -> Path:
        return self.root.resolve()


def find_paths(start: Path | str | None = None) -> Paths:
    """The repository that contains ``start`` (default: the current folder)."""
    here = Path(start if start is not None else os.getcwd()).absolute()
    found = locate(str(here))
    if found is None:
        raise NotInGitRepo(str(here))
    root, git_dir = found
    return Paths(root=Path(root), git_dir=Path(git_dir))
