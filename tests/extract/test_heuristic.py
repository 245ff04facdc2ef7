"""The offline extractor: each signal kind, what it must ignore, titles, caps, real transcripts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from memgit.extract.base import Candidate, ChunkInput, Extraction
from memgit.extract.draft import MAX_PER_CHUNK, MAX_PER_TYPE
from memgit.extract.heuristic import HeuristicExtractor
from memgit.model import TITLE_MAX, TYPES
from memgit.transcript import chunk_transcript, read_transcript

from ..transcript_factory import TRANSCRIPTS, Log


def extract(text: str, files: tuple[str, ...] = ()) -> Extraction:
    return HeuristicExtractor().extract(ChunkInput(text=text, files=files), [])


def only(result: Extraction, type: str) -> list[Candidate]:
    return [c for c in result.candidates if c.type == type]


def body(candidate: Candidate) -> str:
    return " ".join([candidate.title, candidate.narrative, *candidate.facts]).lower()


def well_formed(candidate: Candidate) -> None:
    title = candidate.title
    assert title, candidate
    assert title.strip() == title, candidate
    assert len(title) <= TITLE_MAX, title
    assert not any(mark in title for mark in ("\n", "**", "`")), title
    assert not re.search(r"[,;:.]$", title), title
    assert candidate.type in TYPES
    assert 0.0 < candidate.confidence <= 1.0
    assert title.lower() != candidate.narrative.lower() or len(title) < 100


def test_source_and_usage() -> None:
    extractor = HeuristicExtractor()
    assert extractor.source == "heuristic"
    result = extract("USER: hello there, how are you today?")
    assert result.usage.total == 0
    assert result.candidates == ()


# --- each signal kind ----------------------------------------------------------------------------


def test_decision_with_its_reason() -> None:
    result = extract(
        "USER: the connection pool keeps running out on RDS during deploys, so let's put "
        "pgbouncer in front of postgres in transaction mode.\n"
        "ASSISTANT: I'll add the pgbouncer service to the compose file."
    )
    [decision] = only(result, "decision")
    assert "pgbouncer" in decision.title.lower()
    assert "pool" in body(decision)  # the reason came along
    well_formed(decision)


def test_choice_among_offered_options() -> None:
    result = extract(
        "USER: which queue library should we use for the webhooks?\n"
        "ASSISTANT: A few options:\n\n1. **Dramatiq**: simple, Redis or RabbitMQ.\n"
        "2. **Celery**: feature-rich, heavy.\n3. **Huey**: tiny, Redis only.\n\n"
        "Which do you prefer?\n"
        "USER: dramatiq. celery is overkill for four webhook jobs."
    )
    [decision] = only(result, "decision")
    assert decision.title.startswith("Use Dramatiq")
    assert "celery" in decision.title.lower()
    assert "overkill" in body(decision)


def test_user_correction_acknowledged_by_the_assistant() -> None:
    result = extract(
        "ASSISTANT: I'll add the requests library for the new client.\n"
        "TOOL Bash: pip install requests\nRESULT: Successfully installed requests-2.32.3\n"
        "USER: no, use httpx — we already depend on it for the async client.\n"
        "ASSISTANT: You're right, switching to httpx."
    )
    [decision] = only(result, "decision")
    assert "httpx" in decision.title.lower()
    assert decision.confidence >= 0.8


def test_user_approving_a_proposal() -> None:
    result = extract(
        "ASSISTANT: A data migration would run inside the deploy in one transaction. "
        "I'd rather write a management command that backfills 5,000 rows per batch, so it can "
        "be resumed if it stops.\n"
        "USER: yes, go with the command"
    )
    [decision] = only(result, "decision")
    assert "management command" in decision.title.lower()
    assert "agreed" in body(decision)


def test_gotcha_from_a_failure_and_its_explanation() -> None:
    result = extract(
        "USER: the nightly export fails on the staging box but works on my laptop\n"
        "TOOL Bash: python -m export --day 2026-01-04\n"
        "RESULT (error): Exit code 1\nTraceback (most recent call last):\n"
        '  File "export/run.py", line 12, in main\n'
        "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9'\n"
        "ASSISTANT: The root cause is that the staging container has no locale set, so Python "
        "falls back to ASCII for stdout. Setting PYTHONIOENCODING=utf-8 in the service file fixes "
        "it.\nTOOL Edit deploy/export.service:\n- Environment=TZ=UTC\n+ Environment=TZ=UTC "
        "PYTHONIOENCODING=utf-8\nRESULT: The file has been updated successfully.",
        files=("deploy/export.service",),
    )
    [gotcha] = only(result, "gotcha")
    assert "locale" in gotcha.title.lower()
    text = body(gotcha)
    assert "unicodeencodeerror" in text  # the error line
    assert "pythonioencoding" in text  # the fix, from the rest of the explanation
    assert "fails on the staging box" in text  # what the user saw
    assert gotcha.files == ("deploy/export.service",)
    well_formed(gotcha)


def test_a_declined_tool_call_is_not_an_error_to_explain() -> None:
    result = extract(
        "TOOL Bash: which node\n"
        "RESULT (error): The user doesn't want to proceed with this tool use. The tool use was "
        "rejected.\n"
        "ASSISTANT: Since you use VS Code, the Live Server extension serves the folder directly."
    )
    assert only(result, "gotcha") == []


def test_diagnosis_of_a_reported_symptom_is_a_gotcha() -> None:
    result = extract(
        "USER: the orders page takes 9 seconds to load for big accounts\n"
        "TOOL Read app/views/orders/_row.html.erb\nRESULT: 1→<%= order.customer.name %>\n"
        "ASSISTANT: Each row calls order.customer, so an account with 500 orders runs 501 "
        "queries; preloading customers with includes(:customer) makes it two."
    )
    [gotcha] = only(result, "gotcha")
    assert "501 queries" in body(gotcha)
    assert any(f.startswith("Symptom: the orders page takes 9 seconds") for f in gotcha.facts)


def test_gotcha_cues_without_an_error() -> None:
    result = extract(
        "ASSISTANT: Watch out: the S3 client silently retries 403s from a stale clock as "
        "signature errors, so a skewed laptop clock looks like a permissions problem."
    )
    [gotcha] = only(result, "gotcha")
    assert "clock" in gotcha.title.lower()


def test_project_rules_from_the_user() -> None:
    result = extract(
        "USER: from now on every migration goes through `make migrate`, never call alembic "
        "directly on a shared database.\n"
        "ASSISTANT: Understood."
    )
    [rule] = only(result, "pattern")
    assert "make migrate" in rule.title
    assert "alembic" in rule.title.lower()
    assert rule.confidence >= 0.85


def test_architecture_statements() -> None:
    result = extract(
        "ASSISTANT: Here's how it fits: the ingest worker talks to the billing service over "
        "gRPC, and `billing/ledger.py` is the only module that writes to the ledger table.",
        files=("billing/ledger.py",),
    )
    [arch] = only(result, "architecture")
    assert "grpc" in body(arch)
    assert "billing/ledger.py" in arch.files


def test_progress_done_and_remaining() -> None:
    result = extract(
        "USER: wire the retry budget into the fetcher\n"
        "TOOL Edit fetch/client.py:\n- retries = 3\n+ retries = budget.left()\n"
        "RESULT: The file has been updated successfully.\n"
        "TOOL Bash: pytest -q tests/fetch\nRESULT: ......\n6 passed in 0.40s\n"
        "ASSISTANT: Done: the fetcher now takes its retries from the shared budget.\n\n"
        "Still to do: the crawler has its own retry loop in crawl/loop.py that should use the "
        "budget too.",
        files=("fetch/client.py",),
    )
    progress = only(result, "progress")
    titles = [p.title for p in progress]
    # "Done: X" reports a finished step: the session notes keep it, the memory does not.
    assert not any("fetcher" in t for t in titles), titles
    assert any("crawler" in t for t in titles), titles
    assert any("fetcher now takes its retries" in c for c in result.notes.completed)
    assert result.notes.next_steps


def test_a_done_report_that_names_the_cause_is_kept_as_what_it_teaches() -> None:
    result = extract(
        "ASSISTANT: Fixed: the importer now reads the file as UTF-8 instead of the platform "
        "encoding.\nTOOL Edit CHANGELOG.md:\n+ utf-8\n"
        "RESULT: The file has been updated successfully.\n"
        "ASSISTANT: Done: the release notes are updated."
    )
    [gotcha] = only(result, "gotcha")
    assert "UTF-8" in gotcha.title
    assert not gotcha.title.startswith("Fixed")
    assert not only(result, "progress")
    assert any("release notes" in c for c in result.notes.completed)


def test_coordination_ownership_and_blocking() -> None:
    result = extract(
        "USER: heads up: Priya owns the billing module, ask her before changing anything in "
        "billing/. And don't merge into release/3.1 until QA signs off.\n"
        "ASSISTANT: Noted. The schema change is blocked on the data team's export fix."
    )
    titles = " | ".join(c.title for c in only(result, "coordination"))
    assert "Priya owns the billing module" in titles
    assert "release/3.1" in titles
    assert "blocked on the data team" in titles


# --- what must not become memory -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "USER: should we switch to Bun at some point?",
        "USER: maybe we could try Kafka for this later, not sure",
        "USER: I think we could use a cache here, but let's see",
        "USER: thanks, that's great!\nASSISTANT: You're welcome!",
        "ASSISTANT: Let me look at the parser first. I'll run the tests next.",
        "ASSISTANT: Now I'll update the config file and check the result.",
        "USER: can you add a button that exports the table?",
        "TOOL Read src/app.py\nRESULT: 1→# always close the pool first\n2→# TODO: never retry here"
        "\n"
        "3→def main():\n4→    pool.close()",
        "TOOL Bash: git log --oneline\nRESULT: 9c1e2aa fix: always retry on 502\n0a9e7b2 never log "
        "card numbers",
        "ASSISTANT: ```python\n# we decided to always use UTC here\nnow = datetime.now(UTC)\n```",
        "EARLIER CONTEXT (compaction summary, already known): We decided to use Kafka instead of "
        "RabbitMQ. Always run the linter before committing. The root cause was a stale cache.",
    ],
)
def test_distractors_are_not_extracted(text: str) -> None:
    assert extract(text).candidates == ()


def test_compaction_summary_ignored_but_later_text_read() -> None:
    result = extract(
        "EARLIER CONTEXT (compaction summary, already known): We decided to use Kafka instead "
        "of RabbitMQ because of replay.\n"
        "USER: from now on, always pin the kafka client version in requirements.txt."
    )
    assert [c.type for c in result.candidates] == ["pattern"]
    assert "pin" in result.candidates[0].title.lower()


def test_no_near_duplicates_within_a_chunk() -> None:
    result = extract(
        "USER: always run the formatter before committing.\n"
        "ASSISTANT: Sure.\n"
        "USER: and again: always run the formatter before committing, please."
    )
    assert len(result.candidates) == 1


def test_cap_per_chunk() -> None:
    rules = [
        f"always prefix {name} metrics with the service name, never with the host."
        for name in ("http", "db", "queue", "cache", "auth", "billing", "search", "mail")
    ]
    facts = [
        f"The root cause was that the {name} pool was shared across forks, so connections leaked."
        for name in ("http", "db", "queue", "cache", "auth")
    ]
    text = "USER: " + " ".join(rules) + "\nASSISTANT: " + " ".join(facts)
    result = extract(text)
    assert 0 < len(result.candidates) <= MAX_PER_CHUNK
    assert len(only(result, "pattern")) <= MAX_PER_TYPE


def test_titles_strip_lead_ins_and_fit() -> None:
    result = extract(
        "ASSISTANT: Found the problem: `read_csv` infers the zip column as int64, so `02139` "
        "becomes `2139` and the leading zero is gone, which is why every Boston zip code fails "
        "the prefix match in the regional report and the totals come out short."
    )
    [gotcha] = only(result, "gotcha")
    assert gotcha.title.startswith("read_csv infers the zip column as int64")
    well_formed(gotcha)


# --- session notes -------------------------------------------------------------------------------


def test_session_notes() -> None:
    result = extract(
        "USER: Implement the following plan:\n\n# Split the importer into fetch and parse\n\n"
        "## Context\nThe importer does both.\n"
        "TOOL TodoWrite: [completed] Split fetch out of importer.py\n[pending] Move parse tests\n"
        "RESULT: Todos have been modified successfully.\n"
        "ASSISTANT: Turns out the parser silently drops rows with a BOM, so the first record of "
        "every file was lost."
    )
    notes = result.notes
    assert notes.request == "Implement the following plan: Split the importer into fetch and parse"
    assert "Done: Split fetch out of importer.py" in notes.completed
    assert "Move parse tests" in notes.next_steps
    assert any("BOM" in item for item in notes.learned)


# --- through the real reader ---------------------------------------------------------------------


def test_rendered_session_end_to_end(tmp_path: Path) -> None:
    log = Log(cwd="/home/dev/repo")
    log.prompt("The CSV import is off by an hour for people outside UTC. Please fix the parser.")
    log.call("Bash", {"command": "TZ=Europe/Oslo pytest -q"}, "t1")
    log.result(
        "t1", "Exit code 1\nE   assert 1710036000.0 == 1710039600.0\n1 failed", is_error=True
    )
    log.say(
        "The cause: `strptime` returns a naive datetime and `.timestamp()` reads naive times in "
        "the machine's local zone. The files are UTC by contract, so the parser must attach UTC.",
        msg="m2",
    )
    log.call(
        "Edit",
        {"file_path": "/home/dev/repo/tide/parse.py", "old_string": "a", "new_string": "b"},
        "t2",
        msg="m2",
    )
    log.result("t2", "The file has been updated successfully.", structured={"filePath": "x"})
    transcript = read_transcript(log.write(tmp_path / "s.jsonl"), final=True)
    [chunk] = chunk_transcript(transcript)
    result = HeuristicExtractor().extract(
        ChunkInput(chunk.text, chunk.files, chunk.session_id, chunk.branch), []
    )
    [gotcha] = only(result, "gotcha")
    assert "naive" in gotcha.title
    assert gotcha.title.startswith("strptime")
    assert gotcha.files == ("tide/parse.py",)
    assert result.notes.request.startswith("The CSV import is off by an hour")


def _fixture_chunks() -> list[tuple[str, ChunkInput]]:
    if not TRANSCRIPTS.is_dir():
        pytest.skip(f"shared fixtures not found at {TRANSCRIPTS}")
    chunks = []
    for path in sorted(TRANSCRIPTS.glob("*.jsonl")):
        for chunk in chunk_transcript(read_transcript(path, final=True)):
            chunks.append((path.name, ChunkInput(chunk.text, chunk.files, chunk.session_id)))
    return chunks


def test_every_fixture_yields_a_bounded_number_of_well_formed_observations() -> None:
    chunks = _fixture_chunks()
    extractor = HeuristicExtractor()
    total = 0
    for name, chunk in chunks:
        result = extractor.extract(chunk, [])
        assert len(result.candidates) <= MAX_PER_CHUNK, name
        for candidate in result.candidates:
            well_formed(candidate)
            assert set(candidate.files) <= set(chunk.files) | {
                f for f in candidate.files if "/" in f and not f.startswith("/")
            }
        total += len(result.candidates)
    # Real sessions are mostly reading and editing: far fewer observations than chunks' lines.
    assert len(chunks) // 10 <= total <= len(chunks) * 2


def test_a_later_chunk_of_a_long_turn_reads_the_prompt_it_carries() -> None:
    explained = (
        "TOOL Read tidepool/parse.py\nRESULT: 1→def parse_row(row):\n"
        "ASSISTANT: The harbor feed sends naive timestamps, so parse_row reads them as local "
        "time and every row after the DST switch lands an hour late."
    )
    asked = '(turn 3 continued — asked: "the nightly import is off by an hour since DST")\n'
    [gotcha] = extract(asked + explained).candidates
    assert gotcha.type == "gotcha"
    assert any(f.startswith("Symptom: the nightly import") for f in gotcha.facts)
    assert not extract("(turn 3 continued)\n" + explained).candidates


@pytest.mark.parametrize(
    ("chunk", "wanted"),
    [
        (
            "USER: the upload endpoint returns 413 for files over 1 MB in prod but not locally\n"
            "ASSISTANT: nginx defaults client_max_body_size to 1m, and the ingress sits in front "
            "of the app, so any larger body is rejected before Django sees it.",
            "client_max_body_size",
        ),
        (
            "USER: the CSV export shows dates a day early for US customers\n"
            "ASSISTANT: export/csv.py formats created_at with date() on the UTC datetime, so an "
            "order placed at 8 pm in New York lands on the next day's date.",
            "created_at",
        ),
        (
            "USER: the dashboard is blank for EU users since Tuesday\n"
            "ASSISTANT: The EU bucket policy denies requests without the region header, and the "
            "new SDK stopped sending it.",
            "denies requests",
        ),
        (
            "TOOL Bash: npm run build\nRESULT (error): Exit code 1\n"
            "Error: Cannot find module '@app/shared' from 'src/index.ts'\n"
            "ASSISTANT: The path alias only exists in tsconfig; esbuild doesn't read tsconfig "
            "paths.",
            "esbuild",
        ),
    ],
)
def test_the_explanation_of_a_reported_problem_is_a_gotcha(chunk: str, wanted: str) -> None:
    [gotcha] = extract(chunk).candidates
    assert gotcha.type == "gotcha"
    assert wanted in gotcha.title


def test_a_deferral_waiting_for_someone_is_coordination_not_an_instruction() -> None:
    [found] = extract(
        "USER: please don't touch the billing module yet, Sam is refactoring it until Friday"
    ).candidates
    assert found.type == "coordination"
    assert not extract("USER: don't port the old modules yet").candidates


def test_the_alternative_named_in_a_later_message_joins_the_choice() -> None:
    [decision] = extract(
        "USER: use httpx for the new payments client\n"
        "ASSISTANT: Sure, I'll write it with httpx.\n"
        "USER: and not requests: it has no async support and we're on asyncio everywhere"
    ).candidates
    assert decision.type == "decision"
    assert "httpx" in decision.title
    assert any("not requests" in f for f in decision.facts)


def test_the_fix_announced_later_joins_the_explanation_that_named_its_setting() -> None:
    result = extract(
        "USER: prod started throwing `prepared statement s0 already exists` after the pooler\n"
        "ASSISTANT: Prisma uses named prepared statements, and those live on one server "
        "connection, so with the pooler in transaction mode the connection string must carry "
        "`pgbouncer=true`.\n"
        "USER: ok do it\n"
        "ASSISTANT: The fix is in: `pgbouncer=true` on DATABASE_URL."
    )
    [gotcha] = only(result, "gotcha")
    assert "prepared statements" in gotcha.title
    assert any("DATABASE_URL" in f for f in gotcha.facts)


def test_a_gotcha_title_is_the_clause_that_says_what_goes_wrong() -> None:
    result = extract(
        "TOOL Bash: ./mvnw -q flyway:validate\nRESULT (error): Exit code 1\n"
        "ERROR: Detected resolved migration not applied to database: 42.\n"
        "ASSISTANT: Two branches both created V42 while V43 was already applied, and Flyway "
        "refuses a migration older than the newest applied one unless `outOfOrder` is on."
    )
    [gotcha] = only(result, "gotcha")
    assert gotcha.title.startswith("Flyway refuses a migration older"), gotcha.title
    assert any("Detected resolved migration" in f for f in gotcha.facts)
