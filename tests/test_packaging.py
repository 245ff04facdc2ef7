"""The built wheel carries .memory-template/ and installs a working `memgit` command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("memgit-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_the_template_and_the_entry_point(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for item in ("README.md", "config.yaml", ".gitignore"):
        assert f"memgit/_template/{item}" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "memgit = memgit.__main__:main" in text
    template = (ROOT / ".memory-template" / "config.yaml").read_bytes()
    assert zipfile.ZipFile(wheel).read("memgit/_template/config.yaml") == template


@pytest.mark.slow
def test_wheel_contains_the_web_viewer_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for item in ("templates/base.html", "static/style.css", "static/app.js", "static/favicon.svg"):
        assert f"memgit/web/{item}" in names
