"""``.pre-commit-hooks.yaml`` with the real pre-commit: ``pre-commit try-repo`` builds memgit's
environment from a snapshot of this checkout (pip, from PyPI) and runs each hook in a repository.

Skipped, with the reason, when pre-commit is missing or cannot build the environment (offline).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import SRC, git, memgit_process
from .gitflow_helpers import add, commit_all, generate

pytestmark = pytest.mark.slow
ROOT = SRC.parent
HOOK_IDS = ("memgit-validate", "memgit-secrets", "memgit-section", "memgit-refresh")


def test_the_manifest_declares_the_four_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == list(HOOK_IDS)
    assert all(h["language"] == "python" and h["entry"].startswith("memgit ") for h in hooks)
    assert hooks[3]["stages"] == ["post-checkout", "post-merge", "post-rewrite"]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's files (committed or not) as a clean repository pre-commit can install."""
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed")
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    copy = tmp_path_factory.mktemp("memgit-snapshot")
    for raw in listed:
        name = raw.decode()
        if not name or not (ROOT / name).is_file():
            continue
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    identity = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=copy, check=True, env={**os.environ, **identity})
    return copy


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _pre_commit(cache: Path, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PRE_COMMIT_HOME": str(cache),
        "PIP_CACHE_DIR": str(cache / "pip"),
        "PYTHONPATH": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = done.stdout + done.stderr
    if "An unexpected error has occurred" in output and "Installing environment" in output:
        pytest.skip(f"pre-commit could not build memgit's environment (offline?): {output[-400:]}")
    return done


def run_hook(
    snapshot: Path, cache: Path, repo: Path, hook: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """``pre-commit run HOOK`` with a config naming the snapshot: its environment is cached."""
    rev = git(snapshot, "rev-parse", "HEAD").strip()
    config = repo.parent / "pre-commit-config.yaml"
    hooks = "".join(f"      - id: {h}\n" for h in HOOK_IDS)
    config.write_text(
        f"repos:\n  - repo: {snapshot}\n    rev: {rev}\n    hooks:\n{hooks}", encoding="utf-8"
    )
    return _pre_commit(cache, repo, "run", "-c", str(config), hook, *extra)


@pytest.fixture
def target(memory_repo: Path) -> Path:
    add(memory_repo, "decision", "Parse timestamps as UTC", ident="kutc000001")
    generate(memory_repo)
    commit_all(memory_repo, "memory")
    return memory_repo


def test_try_repo_runs_the_hooks_from_a_temporary_repository(
    snapshot: Path, cache: Path, target: Path
) -> None:
    good = _pre_commit(cache, target, "try-repo", str(snapshot), "--all-files")
    assert good.returncode == 0, good.stdout + good.stderr
    for name in ("memgit validate", "memgit section"):
        assert re.search(rf"^{name}\.+Passed$", good.stdout, re.MULTILINE), good.stdout
    bad = target / ".memory" / "observations" / "2026-11-01-broken-kbad000001.md"
    bad.write_text("---\nid: kbad000001\ntype: opinion\n---\n", encoding="utf-8")
    git(target, "add", "-A")
    done = _pre_commit(cache, target, "try-repo", str(snapshot), "memgit-validate")
    assert done.returncode == 1
    assert "type: 'opinion' is not a type" in done.stdout


def test_validate_passes_good_files_and_fails_a_broken_one(
    snapshot: Path, cache: Path, target: Path
) -> None:
    good = run_hook(snapshot, cache, target, "memgit-validate", "--all-files")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = target / ".memory" / "observations" / "2026-11-01-broken-kbad000001.md"
    bad.write_text("---\nid: kbad000001\ntype: opinion\n---\n", encoding="utf-8")
    git(target, "add", "-A")
    done = run_hook(snapshot, cache, target, "memgit-validate")
    assert done.returncode == 1
    assert "type: 'opinion' is not a type" in done.stdout


def test_section_fails_when_memory_changed_without_regenerating(
    snapshot: Path, cache: Path, target: Path
) -> None:
    assert run_hook(snapshot, cache, target, "memgit-section", "--all-files").returncode == 0
    add(target, "gotcha", "A gotcha nobody regenerated", ident="kgot000001")
    git(target, "add", "-A")
    done = run_hook(snapshot, cache, target, "memgit-section")
    assert done.returncode == 1
    assert "CLAUDE.md: memory section is stale" in done.stdout


def test_secrets_names_file_line_and_kind_but_never_the_secret(
    snapshot: Path, cache: Path, target: Path
) -> None:
    if importlib.util.find_spec("memgit.redact") is None:
        pytest.skip("memgit.redact is not part of this checkout yet")
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    add(target, "gotcha", "Deploy needs a token", ident="ksec000001")
    path = next((target / ".memory" / "observations").glob("*ksec000001.md"))
    path.write_text(path.read_text(encoding="utf-8") + f"\n- token {secret}\n", encoding="utf-8")
    git(target, "add", "-A")
    done = run_hook(snapshot, cache, target, "memgit-secrets")
    assert done.returncode == 1
    assert f".memory/observations/{path.name}:" in done.stdout
    assert secret not in done.stdout + done.stderr


def test_refresh_runs_at_post_merge(snapshot: Path, cache: Path, target: Path) -> None:
    add(target, "gotcha", "Pulled from a teammate", ident="kpull00001")
    done = run_hook(
        snapshot, cache, target, "memgit-refresh", "--hook-stage", "post-merge", "--all-files"
    )
    # The index follows; CLAUDE.md, a tracked file, is never written by a post-* hook.
    assert "files were modified by this hook" not in done.stdout, done.stdout + done.stderr
    assert "regenerated" not in done.stdout
    listed = memgit_process("list", "--json", cwd=target)
    assert "kpull00001" in listed.stdout
