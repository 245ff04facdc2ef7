from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.cli import build_parser

from .conftest import Result, memgit_process

Cli = Callable[..., Result]


def test_every_command_has_help() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():  # type: ignore[attr-defined]
        assert sub.description, name
        text = sub.format_help()
        assert f"memgit {name}" in text


def test_outside_a_git_repository(cli: Cli, tmp_path: Path) -> None:
    result = cli("list", cwd=tmp_path)
    assert result.code == 1
    assert "is not inside a git work tree" in result.err
    assert result.out == ""


def test_before_init(cli: Cli, repo: Path) -> None:
    result = cli("search", "x", cwd=repo)
    assert result.code == 1
    assert "Run `memgit init` first" in result.err


def test_init_is_idempotent_and_keeps_edits(cli: Cli, repo: Path) -> None:
    first = cli("init", "--no-hooks", cwd=repo)
    assert first.code == 0
    assert "created  .memory/config.yaml" in first.out
    config = repo / ".memory" / "config.yaml"
    config.write_text("extractor: heuristic\n", encoding="utf-8")
    second = cli("init", "--no-hooks", cwd=repo)
    assert second.code == 0
    assert "already initialised" in second.out
    assert config.read_text(encoding="utf-8") == "extractor: heuristic\n"
    (repo / ".memory" / "README.md").unlink()
    third = cli("init", "--no-hooks", cwd=repo)
    assert "created  .memory/README.md" in third.out


def test_add_list_show_search_from_a_subfolder(cli: Cli, memory_repo: Path) -> None:
    sub = memory_repo / "src" / "app"
    sub.mkdir(parents=True)
    (sub / "worker.py").write_text("", encoding="utf-8")
    added = cli(
        "add",
        "--type",
        "decision",
        "--title",
        "Use RQ instead of Celery",
        "--body",
        "Celery leaked memory.",
        "--file",
        "worker.py",
        "--tag",
        "queue",
        "--json",
        cwd=sub,
    )
    assert added.code == 0, added.err
    obs = json.loads(added.out)
    assert obs["files"] == ["src/app/worker.py"]
    assert obs["source"] == "manual"
    listed = cli("list", cwd=sub)
    assert f"[m:{obs['id']}] decision" in listed.out
    shown = cli("show", obs["id"][:6], cwd=sub)
    assert "Use RQ instead of Celery" in shown.out
    assert "Celery leaked memory." in shown.out
    assert "files: src/app/worker.py" in shown.out
    found = json.loads(cli("search", "celery", "--json", cwd=sub).out)
    assert [f["id"] for f in found] == [obs["id"]]
    assert found[0]["score"] > 0
    assert set(found[0]) >= {
        "id",
        "type",
        "title",
        "status",
        "confidence",
        "created",
        "updated",
        "files",
        "tags",
        "path",
        "body",
        "score",
    }
    by_file = json.loads(cli("list", "--file", "worker.py", "--json", cwd=sub).out)
    assert [f["id"] for f in by_file] == [obs["id"]]


def test_listing_filters(cli: Cli, memory_repo: Path) -> None:
    for kind, title in [("gotcha", "One gotcha"), ("pattern", "One pattern")]:
        assert cli("add", "--type", kind, "--title", title, cwd=memory_repo).code == 0
    gotchas = json.loads(cli("list", "--type", "gotcha", "--json", cwd=memory_repo).out)
    assert [g["title"] for g in gotchas] == ["One gotcha"]
    assert json.loads(cli("list", "--status", "expired", "--json", cwd=memory_repo).out) == []
    assert len(json.loads(cli("list", "--status", "all", "--json", cwd=memory_repo).out)) == 2
    assert json.loads(cli("search", "gotcha", "--since", "1d", "--json", cwd=memory_repo).out)
    assert (
        cli("search", "gotcha", "--since", "2099-01-01", "--json", cwd=memory_repo).out.strip()
        == "[]"
    )
    bad = cli("search", "x", "--since", "soonish", cwd=memory_repo)
    assert bad.code == 1
    assert "--since 'soonish'" in bad.err


def test_friendly_errors(cli: Cli, memory_repo: Path) -> None:
    unknown = cli("show", "nosuch99", cwd=memory_repo)
    assert unknown.code == 1
    assert "no observation with id 'nosuch99'" in unknown.err
    with pytest.raises(SystemExit) as bad_type:
        cli("add", "--type", "rumour", "--title", "x", cwd=memory_repo)
    assert bad_type.value.code == 2
    too_long = cli("add", "--type", "gotcha", "--title", "x" * 120, cwd=memory_repo)
    assert too_long.code == 1
    assert "title: is 120 characters long; the limit is 100" in too_long.err
    outside = cli(
        "add", "--type", "gotcha", "--title", "x", "--file", "/etc/passwd", cwd=memory_repo
    )
    assert outside.code == 1
    assert "outside the repository" in outside.err


def test_bad_config_is_reported(cli: Cli, memory_repo: Path) -> None:
    (memory_repo / ".memory" / "config.yaml").write_text(
        "dedupe:\n  treshold: 1\n", encoding="utf-8"
    )
    result = cli("list", cwd=memory_repo)
    assert result.code == 0  # a bad setting never stops a command
    assert "config.yaml: dedupe.treshold: is not a setting (allowed here: threshold)" in result.err
    doctor = cli("doctor", cwd=memory_repo)
    assert "dedupe.treshold" in doctor.out


def test_validate_reports_each_broken_file(cli: Cli, memory_repo: Path) -> None:
    cli("add", "--type", "gotcha", "--title", "Fine", cwd=memory_repo)
    folder = memory_repo / ".memory" / "observations"
    (folder / "bad.md").write_text("---\nid: abcd\ntype: rumour\n---\n", encoding="utf-8")
    (folder / "extra.md").write_text(
        "---\nid: abce\ntype: gotcha\ntitle: t\ncreated: 2026-01-01T00:00:00Z\nowner: dana\n---\n",
        encoding="utf-8",
    )
    result = cli("validate", cwd=memory_repo)
    assert result.code == 1
    assert "error: .memory/observations/bad.md: type: 'rumour' is not a type" in result.out
    assert "error: .memory/observations/bad.md: title: is required" in result.out
    assert "warning: .memory/observations/extra.md: owner: unknown key" in result.out
    assert "3 files checked: 3 errors, 1 warnings" in result.out
    only_good = cli("validate", str(folder / "extra.md"), cwd=memory_repo)
    assert only_good.code == 0
    as_json = json.loads(cli("validate", "--json", cwd=memory_repo).out)
    assert as_json["checked"] == 3


def test_doctor_explains_and_fixes(cli: Cli, memory_repo: Path) -> None:
    cli("add", "--type", "gotcha", "--title", "Fine", cwd=memory_repo)
    (memory_repo / ".memory" / "observations" / "bad.md").write_text("oops\n", encoding="utf-8")
    (memory_repo / ".memory" / ".gitignore").unlink()
    result = cli("doctor", cwd=memory_repo)
    assert result.code == 1
    assert "warn  files: .memory/ lacks .gitignore" in result.out
    assert "ERROR memory file: .memory/observations/bad.md" in result.out
    assert "fix: " in result.out
    fixed = cli("doctor", "--fix", "--json", cwd=memory_repo)
    assert "fixed: restored .memory/.gitignore" in fixed.out
    findings = json.loads(fixed.out[fixed.out.index("[") :])
    assert {f["topic"] for f in findings} >= {"config", "files", "state", "index"}
    (memory_repo / ".memory" / "observations" / "bad.md").unlink()
    assert cli("doctor", cwd=memory_repo).code == 0


def test_reindex(cli: Cli, memory_repo: Path) -> None:
    cli("add", "--type", "gotcha", "--title", "Fine", cwd=memory_repo)
    assert "index synced: 0 added" in cli("reindex", cwd=memory_repo).out
    assert "index rebuilt: 1 added" in cli("reindex", "--full", cwd=memory_repo).out


def test_unexpected_errors_print_one_line_and_a_log(
    cli: Cli, memory_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import memgit.api

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(memgit.api.Memory, "listing", explode)
    result = cli("list", cwd=memory_repo)
    assert result.code == 3
    assert result.err.count("\n") == 1
    assert "unexpected error: RuntimeError: kaboom" in result.err
    log = Path(result.err.split("details in ")[1].split(";")[0])
    assert log.parent == memory_repo / ".git" / "memgit" / "logs"
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_real_process_end_to_end(memory_repo: Path) -> None:
    done = memgit_process(
        "add", "--type", "pattern", "--title", "Always pin actions", cwd=memory_repo
    )
    assert done.returncode == 0, done.stderr
    found = memgit_process("search", "pin", "--json", cwd=memory_repo)
    assert json.loads(found.stdout)[0]["title"] == "Always pin actions"
    assert memgit_process("--version", cwd=memory_repo).stdout.startswith("memgit ")


def test_timeline_and_gc(cli: Cli, memory_repo: Path) -> None:
    from datetime import timedelta

    from memgit.api import Memory
    from memgit.model import new_observation, utcnow

    memory = Memory.open(memory_repo)
    old = new_observation("progress", "Migrated the users table", now=utcnow() - timedelta(days=90))
    memory.store.create(old)
    memory.remember("decision", "Keep the users table in Postgres", session="s-1")
    timeline = cli("timeline", cwd=memory_repo)
    assert timeline.out.index("Migrated the users table") < timeline.out.index("Keep the users")
    only = json.loads(cli("timeline", "--session", "s-1", "--json", cwd=memory_repo).out)
    assert [o["title"] for o in only] == ["Keep the users table in Postgres"]
    dry = cli("gc", "--dry-run", cwd=memory_repo)
    assert f"would expire [m:{old.id}]" in dry.out
    assert memory.get(old.id)[0].status == "active"
    done = cli("gc", cwd=memory_repo)
    assert "expired 1, deleted 0" in done.out
    assert memory.get(old.id)[0].status == "expired"


def test_add_redacts_secrets(cli: Cli, memory_repo: Path) -> None:
    key = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
    added = cli(
        "add",
        "--type",
        "gotcha",
        "--title",
        "CI token rotates",
        "--body",
        f"token {key}",
        "--json",
        cwd=memory_repo,
    )
    assert key not in added.out
    assert "[REDACTED:github-token]" in json.loads(added.out)["body"]


def test_generate_check(cli: Cli, memory_repo: Path) -> None:
    cli("add", "--type", "gotcha", "--title", "Harbor times are UTC", cwd=memory_repo)
    stale = cli("generate", "--check", cwd=memory_repo)
    assert stale.code == 1
    assert "stale" in stale.out
    assert "updated" in cli("generate", cwd=memory_repo).out
    assert cli("generate", "--check", cwd=memory_repo).code == 0
    assert "Harbor times are UTC" in (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")


def test_each_command_builds_only_its_own_parser() -> None:
    """``COMMAND_OWNERS`` names the module that registers each command, and all of them."""
    import argparse
    import importlib

    from memgit.cli import COMMAND_MODULES, COMMAND_OWNERS

    registered = {}
    for module in COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"memgit.commands.{module}").register(sub)
        registered.update(dict.fromkeys(sub.choices, module))
    assert {k: v for k, v in COMMAND_OWNERS.items() if k in registered} == {
        k: registered[k] for k in COMMAND_OWNERS if k in registered
    }
    assert set(COMMAND_OWNERS) <= set(registered)
    only = build_parser(["search", "billing"])
    assert build_parser(["search", "x"]).parse_args(["search", "x"]).query == ["x"]
    subparsers = next(a for a in only._actions if isinstance(a, argparse._SubParsersAction))
    assert set(subparsers.choices) == {"search", "list"}
    everything = next(
        a for a in build_parser(["nosuch"])._actions if isinstance(a, argparse._SubParsersAction)
    )
    assert set(everything.choices) == set(registered)
