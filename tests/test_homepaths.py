"""No personal paths in memory: rewritten before anything is written, and flagged by scan."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.capture import ingest_transcript
from memgit.extract.base import Candidate, ChunkInput, Extraction, SessionNotes
from memgit.homepaths import find_home_paths, scrub_observation, scrub_summary, scrub_text
from memgit.model import Observation, new_observation, render_observation
from memgit.sessions import SessionSummary

from .conftest import FIXTURES, Result

TRANSCRIPTS = FIXTURES / "transcripts"
HOME_SHAPES = re.compile(r"/Users/|/home/|[A-Za-z]:\\+Users|-Users-[^-~]|-home-[^-~]")
REPO = "/Users/alex/workspace/cli"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Sentences as they appear in the real transcripts.
        (
            "Created `/Users/alex/workspace/cli/cmd/entire/cli/help.go` (moved from commands/)",
            "Created `cmd/entire/cli/help.go` (moved from commands/)",
        ),
        (
            "The log is at /Users/alex/workspace/cli/.entire/logs/entire.log.",
            "The log is at .entire/logs/entire.log.",
        ),
        ("Run from /Users/alex/workspace/cli", "Run from ."),
        (
            "Settings live in /Users/dain/.claude/settings.json, not the repo",
            "Settings live in ~/.claude/settings.json, not the repo",
        ),
        ("cd /home/dana/code/tidepool && make", "cd ~/code/tidepool && make"),
        ("see /root/.bashrc", "see ~/.bashrc"),
        ("C:\\Users\\Bob\\proj\\parse.py fails", "~\\proj\\parse.py fails"),
        ("C:/Users/bob/proj/x.py", "~/proj/x.py"),
        (
            "in ~/.claude/projects/-Users-dain-workspace-log/",
            "in ~/.claude/projects/-~-workspace-log/",
        ),
        ("home is /Users/alex", "home is ~"),
    ],
)
def test_home_paths_become_repository_relative_or_tilde(text: str, expected: str) -> None:
    assert scrub_text(text, roots=[REPO]) == expected
    assert find_home_paths(expected) == []


@pytest.mark.parametrize(
    "text",
    [
        "cmd/entire/cli/root.go calls NewHelpCmd()",
        "/usr/lib/python3.12/site-packages and /etc/hosts and /tmp/build",
        "https://github.com/home/users and https://example.com/Users/list",
        "~/.claude/settings.json",
        "/Users/Shared/fonts",
    ],
)
def test_other_paths_are_kept(text: str) -> None:
    assert scrub_text(text, roots=[REPO]) == text


def test_the_callers_own_home_is_recognised_however_it_is_named() -> None:
    text = "cache in /var/lib/ci-runner/.cache/memgit and /var/lib/ci-runner"
    assert scrub_text(text, homes=["/var/lib/ci-runner"]) == "cache in ~/.cache/memgit and ~"


def test_non_home_paths_under_the_root_become_relative() -> None:
    assert scrub_text("types in /path/to/Demo/types/ now", roots=["/path/to/Demo"]) == (
        "types in types/ now"
    )


def test_every_field_of_an_observation_and_a_summary_is_scrubbed() -> None:
    obs = new_observation(
        "gotcha",
        "Hooks read /Users/alex/.claude/settings.json",
        "Edit /Users/alex/workspace/cli/cmd/root.go first.",
        tags=("/home/alex/tmp",),
    )
    obs = replace(obs, files=("/Users/alex/workspace/cli/cmd/root.go",))  # as a model may say
    clean = scrub_observation(obs, [REPO])
    assert clean.title == "Hooks read ~/.claude/settings.json"
    assert clean.body == "Edit cmd/root.go first."
    assert clean.files == ("cmd/root.go",)
    assert clean.tags == ("~/tmp",)
    assert scrub_observation(clean, [REPO]) is clean
    moment = datetime(2026, 1, 5, tzinfo=UTC)
    summary = SessionSummary(
        session="sess-1",
        title="Fix /Users/alex/workspace/cli/cmd/root.go",
        started=moment,
        ended=moment,
        request="Look at /home/alex/notes.md",
        learned=("/Users/alex/workspace/cli/x.go is generated",),
    )
    done = scrub_summary(summary, [REPO])
    assert (done.title, done.request, done.learned) == (
        "Fix cmd/root.go",
        "Look at ~/notes.md",
        ("x.go is generated",),
    )


def test_add_and_remember_write_no_home_path(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    root = str(memory_repo)
    obs, _ = memory.add("gotcha", f"Build reads {root}/Makefile", "Cache in /home/kim/.cache/x")
    assert obs.title == "Build reads Makefile"
    assert obs.body == "Cache in ~/.cache/x"
    remembered = memory.remember("decision", "Keep /Users/kim/notes out", "Per /Users/kim/a.md")
    assert remembered.observation.title == "Keep ~/notes out"
    text = "\n".join(p.read_text(encoding="utf-8") for p in memory.paths.observations.glob("*.md"))
    assert not HOME_SHAPES.search(text)


def test_the_store_never_writes_one_whatever_the_caller(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    obs = new_observation("pattern", "Logs go to /Users/kim/logs", "See /home/kim/x.")
    path = memory.store.create(obs)
    assert "/Users/" not in path.name
    assert not HOME_SHAPES.search(path.read_text(encoding="utf-8"))
    memory.store.save(replace(obs, body="Now /Users/kim/y"))
    assert not HOME_SHAPES.search(path.read_text(encoding="utf-8"))


def test_scan_flags_a_home_path_in_memory(memory_repo: Path, cli: Callable[..., Result]) -> None:
    obs = new_observation(
        "gotcha",
        "Hooks read settings",
        "Hand-edited: settings in /Users/kim/.x",
        ident="khome00001",
    )
    path = memory_repo / ".memory" / "observations" / "2026-01-05-hand-written-khome00001.md"
    path.write_text(render_observation(obs), encoding="utf-8")  # by hand, past the store
    done = cli("scan", cwd=memory_repo)
    assert done.code != 0
    assert "hand-written-khome00001.md:" in done.out + done.err
    assert "holds a home-folder path" in done.out + done.err


def test_no_home_path_reaches_memory_from_any_real_fixture(
    memory_repo: Path, cli: Callable[..., Result]
) -> None:
    if not TRANSCRIPTS.is_dir():
        pytest.skip(f"the real fixtures are not at {TRANSCRIPTS}")
    every = sorted(TRANSCRIPTS.glob("*.jsonl"))
    assert len(every) >= 13
    # An empty file is no transcript, and ingest says so with exit 1 (tests/test_ingest_exit.py).
    fixtures = [str(p) for p in every if p.stat().st_size > 0]
    raw = "".join(Path(f).read_text(encoding="utf-8", errors="replace") for f in fixtures)
    assert HOME_SHAPES.search(raw), "the fixtures hold home paths: the test means something"
    done = cli("ingest", "--extractor", "heuristic", *fixtures, cwd=memory_repo)
    assert done.code == 0, done.err
    written = [p for p in (memory_repo / ".memory").rglob("*") if p.is_file()]
    assert any(p.suffix == ".md" and "observations" in p.parts for p in written)
    for path in written:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = HOME_SHAPES.search(text)
        assert found is None, f"{path.name}: {text[max(0, found.start() - 60) : found.end() + 60]}"
    section = (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")
    assert not HOME_SHAPES.search(section)
    assert cli("scan", cwd=memory_repo).code == 0


class Verbatim:
    """An extractor that copies each chunk into memory as it is: the worst a model could do."""

    source = "anthropic:verbatim"

    def extract(self, chunk: ChunkInput, known: Sequence[Observation]) -> Extraction:
        head = chunk.text.strip().splitlines()[0][:90] if chunk.text.strip() else "Chunk"
        candidate = Candidate(
            "gotcha",
            head or "Chunk",
            narrative=chunk.text[:3000],
            facts=tuple(chunk.text[-600:].splitlines()[:5]),
            files=chunk.files,
        )
        notes = SessionNotes(request=chunk.text[:300], learned=(chunk.text[-300:],))
        return Extraction((candidate,), notes)


def test_no_home_path_survives_even_a_verbatim_copy_of_every_fixture(memory_repo: Path) -> None:
    if not TRANSCRIPTS.is_dir():
        pytest.skip(f"the real fixtures are not at {TRANSCRIPTS}")
    memory = Memory.open(memory_repo)
    for fixture in sorted(TRANSCRIPTS.glob("*.jsonl")):
        ingest_transcript(memory, fixture, Verbatim(), clean=memory.redactor.clean, final=True)
    written = list((memory_repo / ".memory").rglob("*.md"))
    assert len(written) > 20
    for path in written:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = HOME_SHAPES.search(text)
        assert found is None, f"{path.name}: {text[max(0, found.start() - 60) : found.end() + 60]}"
