"""memgit scan: memory files whole, instruction files only inside the memgit section."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from memgit.paths import find_paths
from memgit.scan import default_targets, scan_files, scan_text
from memgit.section import splice

from .conftest import Result
from .gitflow_helpers import add

Cli = Callable[..., Result]
TOKEN = re.compile(r"tok_[a-z0-9]{8}")


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int


class TokenFinder:
    """A stand-in with the redactor's ``find`` shape, for the parts that do not need patterns."""

    def find(self, text: str) -> list[Hit]:
        return [Hit("test-token", m.start(), m.end()) for m in TOKEN.finditer(text)]


def test_instruction_files_are_scanned_only_inside_the_section() -> None:
    text = splice("# Notes\n\nmy own tok_aaaaaaaa stays mine\n", "## Memory\n- uses tok_bbbbbbbb")
    found = scan_text(text, "CLAUDE.md", TokenFinder(), section_only=True)
    assert [(f.line, f.kind) for f in found] == [(8, "test-token")]
    assert str(found[0]) == "CLAUDE.md:8: looks like a secret (test-token)"
    assert scan_text("no section tok_cccccccc", "AGENTS.md", TokenFinder(), section_only=True) == []


def test_memory_files_are_scanned_whole(memory_repo: Path) -> None:
    add(memory_repo, "gotcha", "Token tok_dddddddd in the title", ident="ktok000001")
    (memory_repo / "CLAUDE.md").write_text("mine: tok_eeeeeeee\n", encoding="utf-8")
    paths = find_paths(memory_repo)
    files = default_targets(paths)
    assert paths.root / "CLAUDE.md" in files
    found = scan_files(paths, files, TokenFinder())
    assert [(f.path.split("/")[-1][-13:], f.line) for f in found] == [
        ("ktok000001.md", 4),
        ("ktok000001.md", 19),
    ]


@pytest.fixture
def redactor_available() -> None:
    if importlib.util.find_spec("memgit.redact") is None:
        pytest.skip("memgit.redact is not part of this checkout yet")


def test_cli_scan_with_capture_patterns(
    cli: Cli, memory_repo: Path, redactor_available: None
) -> None:
    assert cli("scan", cwd=memory_repo).code == 0
    secret = "sk-ant-api03-" + "Zx9" * 30
    add(memory_repo, "gotcha", "The API key leaked", ident="kkey000001")
    path = next((memory_repo / ".memory" / "observations").glob("*kkey000001.md"))
    path.write_text(path.read_text(encoding="utf-8") + f"\n- key {secret}\n", encoding="utf-8")
    result = cli("scan", cwd=memory_repo)
    assert result.code == 1
    assert f".memory/observations/{path.name}:" in result.err
    assert secret not in result.out + result.err
    data = json.loads(cli("scan", "--json", str(path), cwd=memory_repo).out)
    assert data[0]["path"].endswith("kkey000001.md")


def test_cli_scan_runs_an_extra_scanner(
    cli: Cli, memory_repo: Path, redactor_available: None
) -> None:
    script = memory_repo.parent / "extra.sh"
    script.write_text('#!/bin/sh\ngrep -l FORBIDDEN "$@" && exit 1\nexit 0\n', encoding="utf-8")
    script.chmod(0o755)
    assert cli("scan", "--extra-scanner", str(script), cwd=memory_repo).code == 0
    add(memory_repo, "gotcha", "FORBIDDEN word", ident="kfor000001")
    assert cli("scan", "--extra-scanner", str(script), cwd=memory_repo).code == 1


def test_checks_plug_in_and_keep_to_the_section(memory_repo: Path) -> None:
    from memgit.scan import ScanFinding, check_files

    def flag_marker(text: str, rel: str) -> list[ScanFinding]:
        return [
            ScanFinding(rel, number, "marker", problem="names a marker", source="test")
            for number, line in enumerate(text.splitlines(), 1)
            if "MARKER" in line
        ]

    add(memory_repo, "gotcha", "MARKER in a memory", ident="kmark00001")
    text = splice("# Notes\nMARKER of my own\n", "## Memory\n- MARKER in the section")
    (memory_repo / "CLAUDE.md").write_text(text, encoding="utf-8")
    paths = find_paths(memory_repo)
    found = check_files(paths, default_targets(paths), [flag_marker])
    assert {f.path.rsplit("-", 1)[-1] for f in found} == {"kmark00001.md", "CLAUDE.md"}
    [claude] = [f for f in found if f.path == "CLAUDE.md"]
    assert str(claude) == f"CLAUDE.md:{claude.line}: names a marker (marker)"
    assert claude.line > 2  # the user's own MARKER line is not memgit's business
