"""A real git repository after ``memgit init``, a throwaway HOME, and the real ``claude`` CLI.

``Project`` builds everything one end-to-end run needs, outside the user's home:

- a HOME whose ``.claude.json`` has finished onboarding and trusts the repository (Claude Code
  ignores project settings, hooks included, in a folder that is not trusted);
- a ``bin/`` folder first on PATH holding a launcher for each console script pyproject.toml
  declares (written as pip writes them, importing this checkout's ``src/``), so the hooks and the
  MCP server run this memgit whatever command ``.claude/settings.json``, ``hooks/hooks.json`` and
  ``.mcp.json`` use, and ``claude`` itself for memgit's claude-cli extractor;
- an environment built from scratch: the model server's URL and a dummy key, ``PYTHONPATH`` for
  the detached worker (it runs ``python -m memgit``), git's identity, nothing of the caller's.

Used by the tests in this folder and by ``bench/tokens.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memgit.distribution import EVENTS

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
API_KEY = "sk-ant-e2e-dummy-key"
#: Tools the sessions may use without a prompt (the CLI refuses --dangerously-skip-permissions
#: as root, and a prompt in -p mode is a denial).
ALLOWED_TOOLS = ("Bash", "Read", "Edit", "Write", "ToolSearch")


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def console_scripts() -> dict[str, str]:
    """``name -> "module:function"`` from pyproject.toml's ``[project.scripts]``."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    scripts: dict[str, str] = data["project"].get("scripts", {})
    return scripts


def write_launchers(folder: Path, claude: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in console_scripts().items():
        module, _, function = target.partition(":")
        launcher = folder / name
        launcher.write_text(
            f"#!{sys.executable}\n"
            "import sys\n"
            f"sys.path.insert(0, {str(SRC)!r})\n"
            f"from {module} import {function}\n"
            f"sys.exit({function}())\n",
            encoding="utf-8",
        )
        launcher.chmod(0o755)
    (folder / "claude").symlink_to(Path(claude).resolve())


@dataclass
class Run:
    argv: list[str]
    code: int
    out: str
    err: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.out)


class Project:
    def __init__(self, base: Path, claude: str, server_url: str) -> None:
        self.base = base
        self.claude = claude
        self.server_url = server_url
        self.home = base / "home"
        self.bin = base / "bin"
        self.root = base / "repo"
        self.extra_env: dict[str, str] = {}
        self.allowed_tools = ALLOWED_TOOLS
        #: The repository itself, loaded with ``--plugin-dir`` on the plugin route.
        self.plugin_dir = ROOT
        self.home.mkdir(parents=True)
        write_launchers(self.bin, claude)

    # setup
    def create_repo(self, files: dict[str, str]) -> None:
        self.root.mkdir()
        self.git("init", "-q", "-b", "main")
        for name, content in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "initial")
        self.trust(self.root)

    def trust(self, folder: Path) -> None:
        config_path = self.home / ".claude.json"
        data = json.loads(config_path.read_text()) if config_path.exists() else {}
        data.update(
            {
                "hasCompletedOnboarding": True,
                "lastOnboardingVersion": "2.1.332",
                "bypassPermissionsModeAccepted": False,
            }
        )
        projects = data.setdefault("projects", {})
        projects[str(folder)] = {
            "hasTrustDialogAccepted": True,
            "hasCompletedProjectOnboarding": True,
            "allowedTools": [],
        }
        config_path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    def record_hook_payloads(self) -> None:
        """A user-level hook for every event that appends its stdin to ``payloads_file``."""
        target = self.payloads_file
        command = f"cat >> '{target}'; echo >> '{target}'"
        hooks = {e: [{"hooks": [{"type": "command", "command": command}]}] for e in EVENTS}
        settings = self.home / ".claude" / "settings.json"
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(json.dumps({"hooks": hooks}, indent=2), encoding="utf-8")

    @property
    def payloads_file(self) -> Path:
        return self.base / "hook-payloads.jsonl"

    def payloads(self) -> list[dict[str, Any]]:
        if not self.payloads_file.exists():
            return []
        lines = self.payloads_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def environment(self) -> dict[str, str]:
        env = {
            "PATH": f"{self.bin}{os.pathsep}/usr/local/bin{os.pathsep}/usr/bin{os.pathsep}/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
            "PYTHONPATH": str(SRC),
            "PYTHONDONTWRITEBYTECODE": "1",
            "ANTHROPIC_BASE_URL": self.server_url,
            "ANTHROPIC_API_KEY": API_KEY,
            "DISABLE_AUTOUPDATER": "1",
        }
        env.update(GIT_IDENTITY)
        env.update(self.extra_env)
        return env

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env=self.environment(),
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def memgit(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.bin / "memgit"), *args],
            cwd=self.root,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"memgit {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done

    # running the CLI
    def claude_p(
        self,
        prompt: str,
        *extra: str,
        tools: Sequence[str] = ALLOWED_TOOLS,
        cwd: Path | None = None,
        timeout: float = 180,
    ) -> Run:
        argv = [
            self.claude,
            "-p",
            prompt,
            "--output-format",
            "json",
            "--allowedTools",
            ",".join(tools),
            *extra,
        ]
        started = time.monotonic()
        done = subprocess.run(
            argv,
            cwd=cwd or self.root,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        run = Run(argv, done.returncode, done.stdout, done.stderr, time.monotonic() - started)
        if done.returncode != 0:
            raise AssertionError(
                f"claude -p exited {done.returncode}\nstdout: {done.stdout[-3000:]}\n"
                f"stderr: {done.stderr[-3000:]}"
            )
        return run

    # the repository's state
    @property
    def state(self) -> Path:
        return self.root / ".git" / "memgit"

    def observations(self) -> list[Path]:
        return sorted((self.root / ".memory" / "observations").glob("*.md"))

    def sessions(self) -> list[Path]:
        return sorted((self.root / ".memory" / "sessions").glob("*.md"))

    def memory_text(self) -> str:
        return "\n".join(
            p.read_text(encoding="utf-8")
            for p in sorted((self.root / ".memory").rglob("*"))
            if p.is_file()
        )

    def hook_log(self) -> list[str]:
        path = self.state / "logs" / "hooks.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def wait_for_worker(
        self, done: Callable[[], bool], timeout: float = 90, what: str = "the worker"
    ) -> None:
        """Poll until ``done()`` holds, the queue is empty and no worker holds its lock, at most
        ``timeout`` seconds; work the worker deferred (a failed extraction) fails at once."""
        deadline = time.monotonic() + timeout
        queue = self.state / "queue"
        while time.monotonic() < deadline:
            waiting = [p.name for p in queue.glob("*") if p.suffix in (".jsonl", ".working")]
            if list(queue.glob("deferred/*.jsonl")):
                break
            if not waiting and done() and not self.worker_busy():
                return
            time.sleep(0.25)
        logs = self.state / "logs"
        tail = ""
        for name in ("worker.log", "hooks.log"):
            if (logs / name).exists():
                tail += f"\n{name}:\n" + (logs / name).read_text(encoding="utf-8")[-3000:]
        raise AssertionError(f"{what} did not finish within {timeout:g}s{tail}")

    def worker_busy(self) -> bool:
        import fcntl

        lock = self.state / "locks" / "worker.lock"
        if not lock.exists():
            return False
        with open(lock, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
        return False
