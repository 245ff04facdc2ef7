"""Release checks: `python -m build` makes an sdist and, from it, a wheel that installs and runs.

The wheel is installed into a fresh virtual environment (its dependencies come from this test
environment through a ``.pth`` line, so nothing is downloaded) and its console scripts are run:
``memgit --version``, ``memgit demo``, and a real hook command through ``claude-memgit``. One
version number, ``memgit.__version__``, must reach the wheel, ``--version``, the plugin manifests
and the changelog. The real Claude Code CLI validates the plugin and marketplace manifests.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from memgit import __version__
from memgit.distribution import COMMAND, DISTRIBUTION

from .claude_code import claude_or_skip

ROOT = Path(__file__).resolve().parents[1]
WHEEL_NAME = DISTRIBUTION.replace("-", "_")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(wheel, sdist)``: ``python -m build`` builds the sdist, then the wheel from the sdist."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob(f"{WHEEL_NAME}-{__version__}-*.whl")
    (sdist,) = out.glob(f"{WHEEL_NAME}-{__version__}.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def wheel(dist: tuple[Path, Path]) -> Path:
    return dist[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the built wheel installed; returns its ``bin`` folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies, from this environment (after the venv's own site-packages).
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return venv / "bin"


def clean_env(tmp_path: Path, path: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=path, HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path))
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


@pytest.mark.slow
def test_wheel_contains_the_template_and_both_entry_points(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
        config = archive.read("memgit/_template/config.yaml")
    for item in ("README.md", "config.yaml", ".gitignore"):
        assert f"memgit/_template/{item}" in names
    text = entry_points.decode()
    assert "memgit = memgit.__main__:main" in text
    assert f"{COMMAND} = memgit.__main__:main" in text
    assert config == (ROOT / ".memory-template" / "config.yaml").read_bytes()


@pytest.mark.slow
def test_wheel_contains_the_web_viewer_files(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for item in ("templates/base.html", "static/style.css", "static/app.js", "static/favicon.svg"):
        assert f"memgit/web/{item}" in names


@pytest.mark.slow
def test_wheel_metadata_names_the_distribution_its_version_and_lean_dependencies(
    wheel: Path,
) -> None:
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith("/METADATA")))
    text = metadata.decode()
    assert f"\nName: {DISTRIBUTION}\n" in text
    assert f"\nVersion: {__version__}\n" in text
    runtime = re.findall(r"^Requires-Dist: ([A-Za-z0-9._-]+)[^;\n]*$", text, flags=re.M)
    assert runtime, text
    lowered = {name.lower() for name in runtime}
    assert not lowered & {"gitpython", "pre-commit", "pre_commit"}


@pytest.mark.slow
def test_sdist_holds_what_a_release_needs(dist: tuple[Path, Path]) -> None:
    _, sdist = dist
    prefix = f"{WHEEL_NAME}-{__version__}/"
    with tarfile.open(sdist) as archive:
        names = {name.removeprefix(prefix) for name in archive.getnames()}
    for item in (
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "LICENSE",
        "src/memgit/__init__.py",
        ".memory-template/config.yaml",
        "hooks/hooks.json",
        ".claude-plugin/plugin.json",
        "tests/test_packaging.py",
    ):
        assert item in names, item
    assert not [n for n in names if "__pycache__" in n or n.startswith(".venv")]


@pytest.mark.slow
def test_the_built_wheel_installs_and_runs(installed: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path, f"{installed}:/usr/bin:/bin")
    for script in ("memgit", COMMAND):
        done = subprocess.run(
            [str(installed / script), "--version"], env=env, capture_output=True, text=True
        )
        assert (done.returncode, done.stdout.strip()) == (0, f"memgit {__version__}")
    where = subprocess.run(
        [str(installed / "python"), "-c", "import memgit; print(memgit.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(installed.parent)), where
    demo = subprocess.run(
        [str(installed / "memgit"), "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    assert "observations (extractor: heuristic" in demo.stdout
    assert "== memgit search" in demo.stdout


@pytest.mark.slow
def test_the_installed_hook_command_runs_the_installed_memgit(
    installed: Path, memory_repo: Path, tmp_path: Path
) -> None:
    from memgit.install import hook_command

    env = clean_env(tmp_path, f"{installed}:/usr/bin:/bin")
    payload = {"session_id": "s-1", "cwd": str(memory_repo), "tool_name": "Edit"}
    done = subprocess.run(
        ["sh", "-c", hook_command("PostToolUse")],
        input=json.dumps(payload),
        cwd=memory_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    (queued,) = (memory_repo / ".git" / "memgit" / "queue").glob("*.jsonl")
    assert json.loads(queued.read_text(encoding="utf-8"))["tool"] == "Edit"


def test_one_version_everywhere() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert 'path = "src/memgit/__init__.py"' in pyproject
    assert not re.search(r"^version\s*=", pyproject, flags=re.M)
    plugin = json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))
    market = json.loads((ROOT / ".claude-plugin" / "marketplace.json").read_text(encoding="utf-8"))
    assert plugin["version"] == __version__
    assert [p["version"] for p in market["plugins"]] == [__version__]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    (newest,) = re.findall(r"^## \[?(\d+\.\d+\.\d+)", changelog, flags=re.M)[:1]
    assert newest == __version__, "CHANGELOG.md's newest entry must be this version"


def test_claude_code_validates_the_plugin_and_marketplace(tmp_path: Path) -> None:
    claude = claude_or_skip()
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "ANTHROPIC"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    done = subprocess.run(
        [claude, "plugin", "validate", "."],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Validation passed" in output
    # Its plugin-directory checks (the icon, among others) are warnings, not failures: keep none.
    assert "found nothing to report" in output, output
