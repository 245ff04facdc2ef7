"""No command, log or error message shows a secret: add, ingest, scan, a crash and a worker log,
run as real processes on text full of secrets of many kinds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from memgit.redact.providers import PROVIDERS
from memgit.redact.recipe import build, secret_part

from .conftest import SRC, memgit_process
from .transcript_factory import Log

# One sample of a kind from each category, and the random part that must never be shown.
KINDS = (
    "anthropic-key", "aws-access-key-id", "github-token", "gitlab-token", "digitalocean-token",
    "vault-token", "doppler-token", "stripe-key", "shopify-token", "slack-token",
    "telegram-bot-token", "discord-webhook", "mailgun-key", "sendgrid-key", "databricks-token",
    "linear-key", "npm-token", "sentry-token", "private-key", "jwt",
)  # fmt: skip
ROWS = {row.kind: row for row in PROVIDERS}
SAMPLES = [(build(ROWS[k].samples[0], f"out-{k}"), secret_part(ROWS[k].samples[0], f"out-{k}"))
           for k in KINDS]  # fmt: skip
PASSWORD = "Zq8" + "vL2mR9xT4wK7"


def secret_text() -> str:
    lines = [f"found {sample} in the output" for sample, _ in SAMPLES]
    return "\n".join([*lines, f"DB_PASSWORD={PASSWORD}"])


def assert_clean(*texts: str) -> None:
    joined = "\n".join(texts)
    for kind, (_, part) in zip(KINDS, SAMPLES, strict=True):
        assert part not in joined, kind
    assert PASSWORD not in joined


def everything_written(repo: Path) -> str:
    """Memory files, generated sections and every log memgit keeps."""
    texts = []
    for folder in (repo / ".memory", repo / ".git" / "memgit"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".md", ".log", ".json", ".jsonl", ".yaml", ""}:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    claude = repo / "CLAUDE.md"
    texts.append(claude.read_text(encoding="utf-8") if claude.exists() else "")
    return "\n".join(texts)


def test_add_shows_and_stores_no_secret(memory_repo: Path) -> None:
    text = secret_text()
    done = memgit_process(
        "add", "--type", "gotcha", "--title", f"Key {SAMPLES[2][0]} leaked",
        "--body", text, "--tag", SAMPLES[0][0], "--json", cwd=memory_repo,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[REDACTED:" in done.stdout
    assert_clean(done.stdout, done.stderr, everything_written(memory_repo))


def test_ingest_shows_and_stores_no_secret(memory_repo: Path, tmp_path: Path) -> None:
    log = Log(cwd=str(memory_repo))
    log.prompt("Deploys fail with 401, here is the env; fix the config loader")
    msg = log.say("Reading the environment file.")
    log.call("Bash", {"command": "cat .env"}, "toolu_env", msg)
    log.result("toolu_env", secret_text(), structured={"stdout": secret_text()})
    log.say(
        "Decision: load credentials from the environment instead of .env because the file "
        f"was committed with {SAMPLES[2][0]} inside."
    )
    transcript = log.write(tmp_path / "session.jsonl")
    done = memgit_process("ingest", "--extractor", "heuristic", str(transcript), cwd=memory_repo)
    assert done.returncode == 0, done.stderr
    assert_clean(done.stdout, done.stderr, everything_written(memory_repo))


def test_scan_names_kinds_but_shows_no_secret(memory_repo: Path) -> None:
    folder = memory_repo / ".memory" / "observations"
    (folder / "2026-01-01-leak-kleak00001.md").write_text(secret_text() + "\n", encoding="utf-8")
    done = memgit_process("scan", "--external", "none", cwd=memory_repo)
    assert done.returncode == 1
    assert "(github-token)" in done.stderr
    assert "(assignment)" in done.stderr
    as_json = memgit_process("scan", "--json", "--external", "none", cwd=memory_repo)
    kinds = {f["kind"] for f in json.loads(as_json.stdout)}
    assert {"github-token", "telegram-bot-token", "private-key"} <= kinds
    assert_clean(done.stdout, done.stderr, as_json.stdout, as_json.stderr)


def test_error_messages_and_crash_logs_show_no_secret(memory_repo: Path) -> None:
    secret = SAMPLES[2][0]
    missing = memgit_process("show", secret, cwd=memory_repo)
    assert missing.returncode == 1
    assert "[REDACTED:github-token]" in missing.stderr
    # A crash: the config file is a folder, which no code path expects; the log keeps argv.
    (memory_repo / ".memory" / "config.yaml").unlink()
    (memory_repo / ".memory" / "config.yaml").mkdir()
    crashed = memgit_process("add", "--type", "gotcha", "--title", secret, cwd=memory_repo)
    assert crashed.returncode == 3
    logs = sorted((memory_repo / ".git" / "memgit" / "logs").glob("crash-*.log"))
    assert logs
    assert "--title [REDACTED:github-token]" in logs[0].read_text(encoding="utf-8")
    assert_clean(missing.stdout, missing.stderr, crashed.stdout, crashed.stderr,
                 *(p.read_text(encoding="utf-8") for p in logs))  # fmt: skip


def test_the_worker_log_redacts_what_it_quotes(memory_repo: Path) -> None:
    script = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from memgit.worker import configure_logging, log\n"
        "configure_logging(Path(sys.argv[1]))\n"
        "try:\n"
        "    raise ValueError('extractor rejected ' + sys.argv[2])\n"
        "except ValueError:\n"
        "    log.exception('capture failed for %s', sys.argv[2])\n"
        "logging.shutdown()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(memory_repo), secret_text()],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    written = (memory_repo / ".git" / "memgit" / "logs" / "worker.log").read_text(encoding="utf-8")
    assert "ValueError: extractor rejected" in written
    assert "[REDACTED:github-token]" in written
    assert_clean(done.stdout, done.stderr, written)
