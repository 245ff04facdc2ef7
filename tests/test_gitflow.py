"""Installing the git side: hooks chained (hand-written and pre-commit's), hooksPath, attributes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.errors import MemgitError
from memgit.fileio import file_lock
from memgit.gitflow import (
    ATTRIBUTES_BEGIN,
    CHAINED_SUFFIX,
    GIT_HOOKS,
    git_status,
    install_git,
    memgit_command,
    uninstall_git,
)
from memgit.gitrepo import Git

from .conftest import Result
from .gitflow_helpers import COMMAND, add, commit_all, python_path, run_git

Cli = Callable[..., Result]

HAND_WRITTEN = """#!/bin/sh
echo "args: $*" >> "$(git rev-parse --git-dir)/hand.log"
cat >> "$(git rev-parse --git-dir)/hand.log"
exit 0
"""


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", python_path())


def test_install_is_idempotent_and_uninstall_leaves_nothing(memory_repo: Path) -> None:
    (memory_repo / ".gitattributes").write_text("*.png binary\n", encoding="utf-8")
    first = install_git(memory_repo, COMMAND)
    assert first.hooks == GIT_HOOKS
    assert first.attributes
    assert first.drivers
    second = install_git(memory_repo, COMMAND)
    assert (second.hooks, second.chained, second.attributes, second.drivers) == (
        (),
        (),
        False,
        False,
    )
    attributes = (memory_repo / ".gitattributes").read_text(encoding="utf-8")
    assert attributes.startswith("*.png binary\n\n" + ATTRIBUTES_BEGIN)
    assert attributes.count(ATTRIBUTES_BEGIN) == 1
    status = git_status(memory_repo)
    assert status.hooks == GIT_HOOKS
    assert status.drivers
    assert status.attributes

    removed = uninstall_git(memory_repo)
    assert removed.hooks == GIT_HOOKS
    assert (memory_repo / ".gitattributes").read_text(encoding="utf-8") == "*.png binary\n"
    assert not any((memory_repo / ".git/hooks" / name).exists() for name in GIT_HOOKS)
    assert run_git(memory_repo, "config", "--get-regexp", "^merge\\.", check=False).stdout == ""


def test_a_hand_written_hook_is_chained_with_its_arguments_and_stdin(
    memory_repo: Path, env: None
) -> None:
    hooks = memory_repo / ".git" / "hooks"
    hook = hooks / "post-rewrite"
    hook.write_text(HAND_WRITTEN, encoding="utf-8")
    hook.chmod(0o755)
    setup = install_git(memory_repo, COMMAND)
    assert setup.chained == ("post-rewrite",)
    assert (hooks / f"post-rewrite{CHAINED_SUFFIX}").read_text(encoding="utf-8") == HAND_WRITTEN
    add(memory_repo, "decision", "Keep the hand-written hook", ident="khand00001")
    commit_all(memory_repo, "one")
    run_git(memory_repo, "commit", "--amend", "-q", "-m", "one, amended")
    log = (memory_repo / ".git" / "hand.log").read_text(encoding="utf-8")
    assert log.startswith("args: amend\n")
    assert len(log.splitlines()[1].split()) == 2  # "<old sha> <new sha>" reached it on stdin

    # Installing again keeps the chain; uninstalling puts the original back.
    assert install_git(memory_repo, COMMAND).chained == ()
    uninstall_git(memory_repo)
    assert hook.read_text(encoding="utf-8") == HAND_WRITTEN
    assert not (hooks / f"post-rewrite{CHAINED_SUFFIX}").exists()


def test_install_refuses_to_overwrite_a_chain_it_did_not_make(memory_repo: Path) -> None:
    hooks = memory_repo / ".git" / "hooks"
    for name in ("post-merge", f"post-merge{CHAINED_SUFFIX}"):
        (hooks / name).write_text("#!/bin/sh\n", encoding="utf-8")
    with pytest.raises(MemgitError, match="will not overwrite"):
        install_git(memory_repo, COMMAND)
    assert (hooks / "post-merge").read_text(encoding="utf-8") == "#!/bin/sh\n"


def test_core_hooks_path_is_honoured(memory_repo: Path, env: None) -> None:
    run_git(memory_repo, "config", "core.hooksPath", ".githooks")
    setup = install_git(memory_repo, COMMAND)
    assert setup.hooks_dir == memory_repo / ".githooks"
    assert (memory_repo / ".githooks" / "post-merge").is_file()
    assert not (memory_repo / ".git" / "hooks" / "post-merge").exists()
    assert Git(memory_repo).hooks_dir() == memory_repo / ".githooks"


def test_the_hook_never_fails_the_git_operation(memory_repo: Path, env: None) -> None:
    install_git(memory_repo, ("/nonexistent/memgit",))
    commit_all(memory_repo, "memory")
    run_git(memory_repo, "checkout", "-q", "-b", "other")
    add(memory_repo, "gotcha", "Learned elsewhere", ident="kother0001")
    commit_all(memory_repo, "other")
    done = run_git(memory_repo, "checkout", "main")  # memgit is gone: the hook does nothing
    assert done.stderr == "Switched to branch 'main'\n"
    install_git(memory_repo, COMMAND)
    # A bad setting is not a failure (it falls back to its default); a busy index is.
    (memory_repo / ".memory" / "config.yaml").write_text(
        "extractor: gpt\nindex:\n  lock_timeout: 0\n", encoding="utf-8"
    )
    with file_lock(memory_repo / ".git" / "memgit" / "locks" / "index.lock", timeout=1):
        done = run_git(memory_repo, "merge", "--no-edit", "other")
    assert done.returncode == 0
    assert "memgit: post-merge hook skipped" in done.stderr
    assert (memory_repo / ".git" / "memgit" / "logs" / "git-hooks.log").is_file()


def test_memgit_command_prefers_the_console_script(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "memgit"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    assert memgit_command(str(script), "/usr/bin/python3") == (str(script),)
    assert memgit_command("/x/pytest", "/usr/bin/python3") == ("/usr/bin/python3", "-m", "memgit")


def _pre_commit() -> str:
    found = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    if not os.access(found, os.X_OK):
        pytest.skip("pre-commit is not installed")
    return found


PRE_COMMIT_CONFIG = """\
default_install_hook_types: [post-merge]
repos:
  - repo: local
    hooks:
      - id: note-merge
        name: note the merge
        entry: sh -c 'echo merged >> "$(git rev-parse --git-dir)/pre-commit-ran.log"'
        language: system
        stages: [post-merge]
        always_run: true
        pass_filenames: false
"""


def test_a_pre_commit_managed_hook_is_chained(memory_repo: Path, env: None) -> None:
    tool = _pre_commit()
    (memory_repo / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG, encoding="utf-8")
    commit_all(memory_repo, "pre-commit config")
    subprocess.run(
        [tool, "install", "--hook-type", "post-merge"],
        cwd=memory_repo,
        check=True,
        capture_output=True,
        env={**os.environ, "PRE_COMMIT_HOME": str(memory_repo.parent / "pre-commit-home")},
    )
    setup = install_git(memory_repo, COMMAND)
    assert setup.chained == ("post-merge",)
    run_git(memory_repo, "checkout", "-q", "-b", "side")
    add(memory_repo, "gotcha", "Learned on the side", ident="kside00001")
    commit_all(memory_repo, "side")
    run_git(memory_repo, "checkout", "-q", "main")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(memory_repo.parent / "pre-commit-home")}
    done = subprocess.run(
        ["git", "merge", "--no-edit", "side"],
        cwd=memory_repo,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (memory_repo / ".git" / "pre-commit-ran.log").read_text() == "merged\n"


def test_cli_install_and_uninstall_git_hooks(cli: Cli, memory_repo: Path) -> None:
    result = cli("install", "--git-hooks", cwd=memory_repo)
    assert result.code == 0
    assert "post-checkout, post-merge, post-rewrite" in result.out
    assert ".gitattributes: merge rules added; commit it" in result.out
    result = cli("uninstall", "--git-hooks", cwd=memory_repo)
    assert result.code == 0
    assert "merge drivers removed" in result.out
    assert not (memory_repo / ".git" / "hooks" / "post-merge").exists()


def test_init_sets_up_git_unless_told_not_to(cli: Cli, repo: Path) -> None:
    result = cli("init", "--no-hooks", "--no-git-hooks", cwd=repo)
    assert result.code == 0
    assert not (repo / ".gitattributes").exists()
    result = cli("init", "--no-hooks", cwd=repo)
    assert result.code == 0
    assert (repo / ".git" / "hooks" / "post-merge").is_file()
    assert "merge=memgit-memory" in (repo / ".gitattributes").read_text(encoding="utf-8")


def test_doctor_reports_the_git_setup(cli: Cli, memory_repo: Path) -> None:
    before = cli("doctor", cwd=memory_repo)
    assert (
        "warn  git: missing merge drivers, .gitattributes rules, post-checkout hook" in before.out
    )
    install_git(memory_repo, COMMAND)
    after = cli("doctor", cwd=memory_repo)
    assert "ok    git: merge drivers, .gitattributes and git hooks in place" in after.out
