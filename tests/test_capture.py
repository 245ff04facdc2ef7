"""The capture pipeline end to end: transcripts in, redacted and deduplicated memory out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.capture import MAX_ATTEMPTS, ingest_transcript
from memgit.errors import ExtractorError
from memgit.extract.base import Candidate, ChunkInput, Extraction, SessionNotes, Usage
from memgit.extract.heuristic import HeuristicExtractor
from memgit.model import Observation
from memgit.redact import Redactor
from memgit.sessions import latest_sessions
from memgit.transcript import load_cursor

from .conftest import FIXTURES, Result
from .transcript_factory import Log

SECRETS = {
    "anthropic": "sk-ant-" + "api03-" + "Zq8" * 30 + "AA",
    "github": "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8",
    "aws": "AKIA" + "Q3ZL7TPW4MBX2R6K",
    "url": "postgres://app:" + "s3cr3t-" + "Pa55word" + "@db.internal:5432/app",
}


@dataclass
class Recording:
    """An extractor that records what it was sent and proposes one candidate per chunk."""

    source: str = "anthropic:test-model"
    sent: list[str] = field(default_factory=list)
    fail: int = 0
    tokens: int = 100

    def extract(self, chunk: ChunkInput, known: Sequence[Observation]) -> Extraction:
        if self.fail:
            self.fail -= 1
            raise ExtractorError("the model is overloaded (529)")
        self.sent.append(chunk.text)
        first = chunk.text.splitlines()[0][:90]
        return Extraction(
            candidates=(
                Candidate(
                    type="gotcha",
                    title=f"Noted: {first}",
                    narrative=chunk.text[:400],
                    facts=(chunk.text[-200:],),
                    confidence=0.8,
                ),
            ),
            notes=SessionNotes(request=first, completed=("step done",)),
            usage=Usage(self.tokens, self.tokens // 2),
        )


def secret_session(path: Path, cwd: Path) -> Path:
    log = Log(cwd=str(cwd), session="sess-secret")
    log.prompt(
        f"Deploy is failing. My key is {SECRETS['anthropic']} and the db is {SECRETS['url']}. "
        "<private>I am leaving the company next month</private> Please look."
    )
    msg = log.say("Looking at the deploy script and its environment.")
    log.call("Bash", {"command": f"export GITHUB_TOKEN={SECRETS['github']} && ./deploy"}, "t1", msg)
    log.result("t1", f"error: AWS key {SECRETS['aws']} was rejected", is_error=True)
    log.say("The deploy fails because the AWS key id in the CI environment was rotated.")
    for n in range(3):
        log.prompt(f"Now please check the worker number {n} configuration for the same problem")
        log.say(f"Worker {n} reads its credentials from the same rotated variable; fixed it.")
    return log.write(path)


def everything_under(root: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file()
    )


def test_no_secret_reaches_the_model_memory_or_the_index(memory_repo: Path, tmp_path: Path) -> None:
    memory = Memory.open(memory_repo)
    transcript = secret_session(tmp_path / "s.jsonl", memory_repo)
    extractor = Recording()
    report = ingest_transcript(memory, transcript, extractor, clean=Redactor(()).clean, final=True)
    assert report.added
    sent = "\n".join(extractor.sent)
    stored = everything_under(memory_repo / ".memory") + everything_under(
        memory_repo / ".git" / "memgit"
    )
    for name, secret in SECRETS.items():
        assert secret not in sent, name
        assert secret not in stored, name
    assert "leaving the company" not in sent + stored
    assert "[REDACTED:" in sent


def test_team_patterns_from_config_apply(memory_repo: Path, tmp_path: Path) -> None:
    config = memory_repo / ".memory" / "config.yaml"
    config.write_text("redact:\n  patterns: ['ACME-[0-9]{6}']\n", encoding="utf-8")
    log = Log(cwd=str(memory_repo))
    log.prompt("The partner id ACME-123456 must be used for every call to the billing service")
    log.say("We decided to always send the partner id ACME-123456 in the billing header.")
    memory = Memory.open(memory_repo)
    extractor = Recording()
    path = log.write(tmp_path / "t.jsonl")
    ingest_transcript(memory, path, extractor, clean=memory.redactor.clean, final=True)
    assert "ACME-123456" not in "".join(extractor.sent)
    assert "[REDACTED:custom]" in "".join(extractor.sent)


def test_a_second_run_reads_only_what_is_new(memory_repo: Path, tmp_path: Path) -> None:
    memory = Memory.open(memory_repo)
    log = Log(cwd=str(memory_repo))
    for n in range(3):
        log.prompt(f"Please refactor the billing module part {n} to use the new client")
        log.say(f"Refactored billing part {n}: it now uses the new client everywhere.")
    path = log.write(tmp_path / "t.jsonl")
    extractor = Recording()
    ingest_transcript(memory, path, extractor, clean=str, final=False)
    seen = len(extractor.sent)
    ingest_transcript(memory, path, extractor, clean=str, final=False)
    assert len(extractor.sent) == seen  # nothing new: no model call
    log.prompt("Now add retries to the billing client when the service answers 503")
    log.say("Added retries with exponential backoff to the billing client for 503 answers.")
    log.write(path)
    ingest_transcript(memory, path, extractor, clean=str, final=True)
    assert len(extractor.sent) > seen
    assert "503" in extractor.sent[-1]
    assert "part 0" not in extractor.sent[-1]


def test_a_failed_model_call_keeps_the_cursor_and_is_retried(
    memory_repo: Path, tmp_path: Path
) -> None:
    memory = Memory.open(memory_repo)
    path = secret_session(tmp_path / "s.jsonl", memory_repo)
    extractor = Recording(fail=1)
    report = ingest_transcript(memory, path, extractor, clean=str, final=True)
    assert report.stopped is not None
    assert "retry" in report.stopped
    assert report.added == []
    assert load_cursor(memory.paths.state, path).offset == 0
    again = ingest_transcript(memory, path, extractor, clean=str, final=True)
    assert again.stopped is None
    assert again.added


def test_a_chunk_that_always_fails_falls_back_to_the_offline_extractor(
    memory_repo: Path, tmp_path: Path
) -> None:
    memory = Memory.open(memory_repo)
    log = Log(cwd=str(memory_repo))
    log.prompt("We decided to use RQ instead of Celery for background jobs because Celery leaked")
    log.say("Understood: RQ instead of Celery for the background jobs from now on.")
    path = log.write(tmp_path / "t.jsonl")
    extractor = Recording(fail=100)
    for _ in range(MAX_ATTEMPTS - 1):
        assert ingest_transcript(memory, path, extractor, clean=str, final=True).stopped
    last = ingest_transcript(memory, path, extractor, clean=str, final=True)
    assert last.stopped is None
    assert last.fallbacks == 1
    assert any("RQ" in o.title for o in last.added)


def test_the_token_budget_stops_before_a_model_call(memory_repo: Path, tmp_path: Path) -> None:
    # Small chunks, so that the session has several and the first spends the whole budget.
    (memory_repo / ".memory" / "config.yaml").write_text(
        "budget:\n  session_tokens: 150\ncapture:\n  chunk_chars: 600\n", encoding="utf-8"
    )
    memory = Memory.open(memory_repo)
    path = secret_session(tmp_path / "s.jsonl", memory_repo)
    extractor = Recording(tokens=200)
    report = ingest_transcript(memory, path, extractor, clean=str, final=True)
    assert report.extracted == 1
    assert report.stopped is not None
    assert "budget" in report.stopped
    assert report.usage.total == 300
    again = ingest_transcript(memory, path, extractor, clean=str, final=True)
    assert again.extracted == 0  # still over budget: no call, cursor kept
    assert load_cursor(memory.paths.state, path).offset < path.stat().st_size


def test_session_summary_links_what_the_session_produced(memory_repo: Path, tmp_path: Path) -> None:
    memory = Memory.open(memory_repo)
    path = secret_session(tmp_path / "s.jsonl", memory_repo)
    report = ingest_transcript(memory, path, Recording(), clean=Redactor(()).clean, final=True)
    (summary,) = latest_sessions(memory.paths.sessions)
    assert summary.session == "sess-secret"
    assert set(summary.observations) == {o.id for o in report.added}
    assert summary.completed == ("step done",)
    assert SECRETS["anthropic"] not in summary.request


def fixture_transcripts() -> list[Path]:
    folder = FIXTURES / "transcripts"
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


@pytest.mark.skipif(not fixture_transcripts(), reason="../shared/fixtures/transcripts is absent")
def test_every_fixture_transcript_ingests_with_the_offline_extractor(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    extractor = HeuristicExtractor()
    clean = Redactor(()).clean
    for path in fixture_transcripts():
        report = ingest_transcript(memory, path, extractor, clean=clean, final=True)
        assert report.stopped is None, path.name
        again = ingest_transcript(memory, path, extractor, clean=clean, final=True)
        assert (again.chunks, again.added) == (0, []), path.name
    observations, problems = memory.store.load_all()
    assert problems == []
    assert observations
    assert all(len(o.title) <= 100 for o in observations)


def test_ingest_command_and_backfill(
    cli: object, memory_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli  # type: ignore[assignment]
    home = tmp_path / "claude"
    encoded = "".join(c if c.isalnum() else "-" for c in str(memory_repo))
    folder = home / "projects" / encoded
    folder.mkdir(parents=True)
    log = Log(cwd=str(memory_repo), session="backfilled")
    log.prompt("Our convention: every API handler validates its input with pydantic models")
    log.say("Noted, all handlers validate input with pydantic models.")
    log.write(folder / "backfilled.jsonl")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(home))
    result: Result = run("ingest", "--extractor", "heuristic", cwd=memory_repo)  # type: ignore[operator]
    assert result.code == 0, result.err
    assert "backfilling from 1 transcripts" in result.out
    assert "extractor: heuristic" in result.out
    assert "observations added" in result.out
    assert "CLAUDE.md: memory section updated" in result.out
    assert (memory_repo / "CLAUDE.md").exists()
    missing: Result = run("ingest", str(tmp_path / "nope.jsonl"), cwd=memory_repo)  # type: ignore[operator]
    assert missing.code == 1
    assert "no such transcript" in missing.err


def test_demo_runs_offline(tmp_path: Path) -> None:
    from memgit.demo import run_demo

    result = run_demo(tmp_path)
    assert result.ingest.added
    assert "<!-- memgit:begin -->" in result.section
    assert result.answers
    text = everything_under(result.repo / ".memory")
    assert "hbr_live_" not in text
    assert "interviewing" not in text
    assert (
        json.loads((result.repo / ".claude" / "settings.json").read_text())
        if (result.repo / ".claude" / "settings.json").exists()
        else True
    )
