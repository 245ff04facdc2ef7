"""A bad setting is local: it falls back to its default, commands keep working, people hear."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from memgit.config import load_config, set_problem_sink

from .conftest import Result, memgit_process

BAD = (
    "extractor: heuristic\n"
    "dedupe:\n  threshold: 7\n"
    "context:\n  section_lines: 40\n  prompt_items: lots\n"
    "colour: blue\n"
    "redact:\n  patterns: ['ACME-[0-9]{6}', '([unclosed']\n"
)


def _bad(root: Path) -> Path:
    path = root / ".memory" / "config.yaml"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_each_bad_key_falls_back_alone_and_every_problem_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(BAD, encoding="utf-8")
    config = load_config(path, environ={})
    assert config.extractor == "heuristic"  # good settings beside bad ones still apply
    assert config.context.section_lines == 40
    assert config.dedupe.threshold == 0.6  # the default
    assert config.context.prompt_items == 5
    assert config.redact.patterns == ("ACME-[0-9]{6}",)
    texts = [str(p) for p in config.problems]
    assert texts[0].startswith(f"{path}: colour: is not a setting (allowed here: extractor, ")
    assert texts[0].endswith("); ignored")
    assert texts[1:] == [
        f"{path}: dedupe.threshold: 7.0 is out of range: must be between 0.0 and 1.0; "
        "using the default 0.6",
        f"{path}: context.prompt_items: must be a whole number, not 'lots'; using the default 5",
        f"{path}: redact.patterns: '([unclosed' is not a regular expression: unterminated "
        "character set at position 1; that pattern is ignored, the others apply",
    ]


def test_problems_go_to_the_sink_once_per_process(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("dedupe:\n  threshold: 7\n", encoding="utf-8")
    told: list[str] = []
    set_problem_sink(lambda p: told.append(str(p)))
    try:
        load_config(path, environ={})
        load_config(path, environ={})
    finally:
        set_problem_sink(None)
    assert len(told) == 1


def test_every_command_keeps_working_and_says_it_once_on_stderr(
    memory_repo: Path, cli: Callable[..., Result]
) -> None:
    path = _bad(memory_repo)
    added = cli("add", "--type", "gotcha", "--title", "Ports are fixed", cwd=memory_repo)
    assert added.code == 0, added.err
    listed = cli("list", cwd=memory_repo)
    assert listed.code == 0
    assert "Ports are fixed" in listed.out
    lines = listed.err.splitlines()
    assert len(lines) == 4  # one per problem, each once
    assert all(line.startswith(f"memgit: warning: {path}: ") for line in lines)
    assert "dedupe.threshold: 7.0 is out of range" in listed.err
    found = cli("search", "ports", cwd=memory_repo)
    assert (found.code, "Ports are fixed" in found.out) == (0, True)


def test_doctor_lists_every_problem_at_once(memory_repo: Path, cli: Callable[..., Result]) -> None:
    _bad(memory_repo)
    done = cli("doctor", "--json", cwd=memory_repo)
    findings = [f for f in json.loads(done.out) if f["topic"] == "config"]
    assert len(findings) == 4
    assert {f["level"] for f in findings} == {"warn"}
    assert done.err == ""  # doctor says it in its report, not twice


def _session_start(root: Path) -> dict[str, object]:
    payload = json.dumps({"session_id": "s1", "cwd": str(root), "hook_event_name": "SessionStart"})
    done = memgit_process("hook", "SessionStart", cwd=root, input=payload)
    assert done.returncode == 0
    return json.loads(done.stdout) if done.stdout else {}


def test_hooks_log_bad_settings_and_session_start_tells_the_user_once(memory_repo: Path) -> None:
    _bad(memory_repo)
    first = _session_start(memory_repo)
    message = str(first.get("systemMessage", ""))
    assert "4 setting(s) in .memory/config.yaml" in message
    assert "dedupe.threshold" in message
    assert "systemMessage" not in _session_start(memory_repo)  # told once
    log = (memory_repo / ".git" / "memgit" / "logs" / "hooks.log").read_text(encoding="utf-8")
    assert "config " in log
    assert "dedupe.threshold" in log
    # A new problem is news: told again.
    path = memory_repo / ".memory" / "config.yaml"
    path.write_text(BAD + "index:\n  lock_timeout: soon\n", encoding="utf-8")
    assert "index.lock_timeout" in str(_session_start(memory_repo).get("systemMessage", ""))


def test_a_secret_pasted_as_a_bad_value_is_never_printed(
    memory_repo: Path, cli: Callable[..., Result]
) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
    (memory_repo / ".memory" / "config.yaml").write_text(f"extractor: {token}\n", "utf-8")
    done = cli("list", cwd=memory_repo)
    assert done.code == 0
    assert "extractor:" in done.err
    assert token not in done.err
    first = _session_start(memory_repo)
    assert "extractor" in str(first["systemMessage"])
    assert token not in json.dumps(first)
    log = (memory_repo / ".git" / "memgit" / "logs" / "hooks.log").read_text(encoding="utf-8")
    assert token not in log
