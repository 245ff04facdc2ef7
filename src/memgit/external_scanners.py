"""Well-kept secret scanners ``memgit scan`` also runs when they are installed: gitleaks and
detect-secrets, a second opinion next to memgit's own patterns.

Each scanner runs once over the files, its report is read as JSON, and each of its findings
becomes a ``ScanFinding`` with the file, the line and the scanner's rule name as the kind
(``gitleaks:slack-bot-token``, ``detect-secrets:Secret Keyword``). The secret itself is never
read from the report or shown: gitleaks runs with ``--redact``, detect-secrets reports hashes
only, and the scanners' own output is not passed through. A scanner that is missing, fails or
writes a report memgit cannot read is named in a warning and skipped: the scan goes on.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from memgit.scan import ScanFinding

__all__ = ["SCANNERS", "ExternalResult", "available", "run_scanners"]

TIMEOUT = 120.0


@dataclass
class ExternalResult:
    findings: list[ScanFinding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)


Runner = Callable[[str, Path, Sequence[Path]], list[ScanFinding]]


class ScannerFailed(Exception):
    """A scanner ran but gave no report memgit can read (the message names what went wrong)."""


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise ScannerFailed(f"no answer within {TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise ScannerFailed(exc.strerror or str(exc)) from None


def _gitleaks(executable: str, root: Path, files: Sequence[Path]) -> list[ScanFinding]:
    """gitleaks over a copy of the files (it scans one folder), report as JSON, redacted."""
    with tempfile.TemporaryDirectory(prefix="memgit-gitleaks-") as folder:
        tree = Path(folder) / "tree"
        for path in files:
            copy = tree / path.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
        report = Path(folder) / "report.json"
        common = ["--no-banner", "--redact", "--exit-code", "0", "--report-format", "json"]
        done = _run([executable, "dir", str(tree), *common, "--report-path", str(report)], root)
        if done.returncode != 0 or not report.exists():  # gitleaks before 8.19 has no `dir`
            done = _run(
                [executable, "detect", "--no-git", "--source", str(tree), *common,
                 "--report-path", str(report)],
                root,
            )  # fmt: skip
        if done.returncode != 0 or not report.exists():
            raise ScannerFailed(f"exit status {done.returncode}, no report")
        entries = _load(report.read_text(encoding="utf-8", errors="replace"))
        found = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            file, line, rule = entry.get("File"), entry.get("StartLine"), entry.get("RuleID")
            if isinstance(file, str) and isinstance(line, int) and isinstance(rule, str):
                rel = _relative(Path(file), tree)
                found.append(_finding(rel, line, f"gitleaks:{rule}", "gitleaks"))
        return found


def _detect_secrets(executable: str, root: Path, files: Sequence[Path]) -> list[ScanFinding]:
    """detect-secrets over the files; its baseline JSON holds hashes, never the secrets."""
    names = [str(path.relative_to(root)) for path in files]
    done = _run([executable, "scan", *names], root)
    if done.returncode != 0:
        raise ScannerFailed(f"exit status {done.returncode}")
    report = _load(done.stdout.decode("utf-8", "replace"))
    results = report.get("results") if isinstance(report, dict) else None
    found = []
    for name, entries in results.items() if isinstance(results, dict) else []:
        for entry in entries if isinstance(entries, list) else []:
            line = entry.get("line_number") if isinstance(entry, dict) else None
            kind = entry.get("type") if isinstance(entry, dict) else None
            if isinstance(line, int) and isinstance(kind, str):
                found.append(_finding(name, line, f"detect-secrets:{kind}", "detect-secrets"))
    return found


SCANNERS: dict[str, Runner] = {"gitleaks": _gitleaks, "detect-secrets": _detect_secrets}


def available(names: Iterable[str], path: str | None = None) -> dict[str, str]:
    """The scanners among ``names`` found on ``PATH``, with their executables."""
    search = path if path is not None else os.environ.get("PATH", "")
    found = {}
    for name in names:
        executable = shutil.which(name, path=search)
        if executable is not None:
            found[name] = executable
    return found


def run_scanners(names: Iterable[str], root: Path, files: Sequence[Path]) -> ExternalResult:
    """Run each installed scanner among ``names`` over ``files`` (paths under ``root``)."""
    result = ExternalResult()
    inside = [f for f in files if f.is_file() and f.is_relative_to(root)]
    if not inside:
        return result
    for name, executable in available(names).items():
        try:
            result.findings += SCANNERS[name](executable, root, inside)
        except ScannerFailed as exc:
            result.warnings.append(f"{name} could not scan ({exc}); its findings are missing")
            continue
        result.ran.append(name)
    return result


def _load(text: str) -> object:
    try:
        return json.loads(text) if text.strip() else []
    except ValueError:
        raise ScannerFailed("a report that is not JSON") from None


def _relative(path: Path, tree: Path) -> str:
    try:
        return path.resolve().relative_to(tree.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _finding(rel: str, line: int, kind: str, source: str) -> ScanFinding:
    return ScanFinding(rel, line, kind, source=source)
