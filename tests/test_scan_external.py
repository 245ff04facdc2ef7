"""memgit scan with well-kept scanners on PATH: fake gitleaks and detect-secrets executables that
behave like the real ones (arguments, JSON reports), so the adapters are tested end to end."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.section import splice

from .conftest import Result
from .gitflow_helpers import add

Cli = Callable[..., Result]
MARK = "LEAK" + "ME"  # what the fake scanners flag

GITLEAKS = """\
import json, os, sys
args = sys.argv[1:]
{version_check}
source = args[1] if args[0] == "dir" else args[args.index("--source") + 1]
assert "--redact" in args and args[args.index("--report-format") + 1] == "json"
report = args[args.index("--report-path") + 1]
found = []
for folder, _, names in os.walk(source):
    for name in names:
        path = os.path.join(folder, name)
        for number, line in enumerate(open(path, encoding="utf-8"), 1):
            if "{mark}" in line:
                found.append({{"File": path, "StartLine": number, "RuleID": "generic-api-key",
                               "Secret": "REDACTED", "Match": "REDACTED"}})
json.dump(found, open(report, "w"))
sys.exit(0)
"""
DETECT_SECRETS = """\
import json, sys
assert sys.argv[1] == "scan"
results = {{}}
for name in sys.argv[2:]:
    for number, line in enumerate(open(name, encoding="utf-8"), 1):
        if "{mark}" in line:
            results.setdefault(name, []).append(
                {{"type": "Secret Keyword", "filename": name, "hashed_secret": "0" * 40,
                  "is_verified": False, "line_number": number}})
print(json.dumps({{"version": "1.5.0", "results": results}}))
"""


def install(folder: Path, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    script.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")
    return folder


def leak(memory_repo: Path, ident: str) -> Path:
    add(memory_repo, "gotcha", "The deploy credential", ident=ident)
    path = next((memory_repo / ".memory" / "observations").glob(f"*{ident}.md"))
    path.write_text(path.read_text(encoding="utf-8") + f"\n- {MARK}-value\n", encoding="utf-8")
    return path


def test_gitleaks_findings_name_file_line_and_rule(
    cli: Cli, memory_repo: Path, bin_dir: Path
) -> None:
    install(bin_dir, "gitleaks", GITLEAKS.format(version_check="", mark=MARK))
    assert cli("scan", cwd=memory_repo).code == 0
    path = leak(memory_repo, "kgl0000001")
    result = cli("scan", cwd=memory_repo)
    assert result.code == 1
    line = path.read_text(encoding="utf-8").splitlines().index(f"- {MARK}-value") + 1
    rel = f".memory/observations/{path.name}"
    assert f"memgit: {rel}:{line}: looks like a secret (gitleaks:generic-api-key)" in result.err
    assert f"{MARK}-value" not in result.out + result.err
    data = json.loads(cli("scan", "--json", cwd=memory_repo).out)
    assert data == [
        {"path": rel, "line": line, "kind": "gitleaks:generic-api-key",
         "problem": "looks like a secret", "source": "gitleaks"}
    ]  # fmt: skip


def test_gitleaks_before_the_dir_command_is_run_with_detect(
    cli: Cli, memory_repo: Path, bin_dir: Path
) -> None:
    old = 'if args[0] == "dir":\n    sys.exit(126)'
    install(bin_dir, "gitleaks", GITLEAKS.format(version_check=old, mark=MARK))
    leak(memory_repo, "kgl0000002")
    result = cli("scan", cwd=memory_repo)
    assert result.code == 1
    assert "(gitleaks:generic-api-key)" in result.err
    assert "could not scan" not in result.err


def test_detect_secrets_findings(cli: Cli, memory_repo: Path, bin_dir: Path) -> None:
    install(bin_dir, "detect-secrets", DETECT_SECRETS.format(mark=MARK))
    leak(memory_repo, "kds0000001")
    result = cli("scan", cwd=memory_repo)
    assert result.code == 1
    assert "(detect-secrets:Secret Keyword)" in result.err
    assert cli("scan", "--external", "none", cwd=memory_repo).code == 0
    assert cli("scan", "--external", "gitleaks", cwd=memory_repo).code == 0  # not installed


def test_a_failing_scanner_is_named_and_skipped(cli: Cli, memory_repo: Path, bin_dir: Path) -> None:
    install(bin_dir, "gitleaks", "import sys\nprint('boom " + MARK + "')\nsys.exit(2)\n")
    install(bin_dir, "detect-secrets", "print('not json')\n")
    leak(memory_repo, "kfail00001")
    result = cli("scan", cwd=memory_repo)
    assert result.code == 0
    assert "memgit: gitleaks could not scan (exit status 2, no report)" in result.err
    assert "memgit: detect-secrets could not scan (a report that is not JSON)" in result.err
    assert MARK not in result.out + result.err


def test_one_finding_per_line_and_only_inside_the_section(
    cli: Cli, memory_repo: Path, bin_dir: Path
) -> None:
    install(bin_dir, "gitleaks", GITLEAKS.format(version_check="", mark=MARK))
    token = "gh" + "p_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
    text = splice(f"# Notes\n{MARK} is mine\n", f"## Memory\n- {MARK} {token}")
    (memory_repo / "CLAUDE.md").write_text(text, encoding="utf-8")
    data = json.loads(cli("scan", "--json", cwd=memory_repo).out)
    assert [(d["path"], d["kind"]) for d in data] == [("CLAUDE.md", "github-token")]
