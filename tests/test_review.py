"""Review, pending memory, forget and edit, on real repositories and real files."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.model import parse_observation
from memgit.query import Filters
from memgit.rejections import Rejections

from .conftest import Result, git, memgit_process

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "bench" / "eval" / "scenarios" / "harbor-utc.jsonl"


def _pending_on(root: Path) -> None:
    config = root / ".memory" / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  pending: false", "  pending: true"),
        encoding="utf-8",
    )


def _commit_all(root: Path, message: str = "memory") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def _editor(tmp_path: Path, content: str | None) -> str:
    """An $EDITOR that writes ``content`` into the file it is given (None: leaves it alone)."""
    script = tmp_path / "editor.py"
    payload = tmp_path / "editor-content.txt"
    if content is not None:
        payload.write_text(content, encoding="utf-8")
    script.write_text(
        "import pathlib, sys\n"
        f"payload = pathlib.Path({str(payload)!r})\n"
        "if payload.exists():\n"
        "    pathlib.Path(sys.argv[1]).write_text(payload.read_text())\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


# --- pending memory ---------------------------------------------------------------------------


def test_pending_capture_is_searchable_but_never_in_claude_md(memory_repo: Path) -> None:
    _pending_on(memory_repo)
    done = memgit_process("ingest", str(SCENARIO), "--extractor", "heuristic", cwd=memory_repo)
    assert done.returncode == 0, done.stderr
    memory = Memory.open(memory_repo)
    observations, problems = memory.store.load_all()
    assert not problems
    assert observations
    assert all(o.status == "pending" for o in observations)
    # The user can find it...
    listed = memgit_process("list", "--status", "pending", "--json", cwd=memory_repo)
    assert {o["id"] for o in json.loads(listed.stdout)} == {o.id for o in observations}
    hits = memory.search("UTC timestamps", Filters(statuses=("pending",)), 5)
    assert hits
    # ...but the model never sees it: not in CLAUDE.md, SessionStart or the prompt context.
    claude = (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")
    assert not any(o.id in claude for o in observations)
    from memgit.hooks.recall import session_start_text

    start = session_start_text(memory, None)
    assert not any(o.id in start for o in observations)
    assert "Learned:" not in start  # the summary's lessons may restate pending memory
    prompt = memgit_process(
        "hook",
        "UserPromptSubmit",
        cwd=memory_repo,
        input=json.dumps(
            {
                "hook_event_name": "UserPromptSubmit",
                "session_id": "s1",
                "cwd": str(memory_repo),
                "prompt": "how do we parse harbor timestamps in UTC?",
            }
        ),
    )
    assert prompt.returncode == 0
    assert not any(o.id in prompt.stdout for o in observations)
    # Accepting one brings it into the section.
    # A lasting fact (finished progress leaves the section whether accepted or not).
    first = next(o for o in observations if o.type not in ("progress", "coordination"))
    accepted = memgit_process("review", "--accept", first.id, cwd=memory_repo)
    assert accepted.returncode == 0, accepted.stderr
    assert f"accepted [m:{first.id}]" in accepted.stdout
    assert memory.store.get(first.id).status == "active"
    assert first.id in (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")


def test_a_pending_variant_supersedes_only_once_accepted(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    old = memory.remember(
        "decision",
        "Retry payment webhooks three times",
        "Webhooks retry three times with backoff.",
        source="heuristic",
    ).observation
    _pending_on(memory_repo)
    memory = Memory.open(memory_repo)
    new = memory.remember(
        "decision",
        "Retry payment webhooks three times",
        "Webhooks retry three times with backoff of 2 seconds, then go to the dead letter queue.",
        source="heuristic",
    ).observation
    assert new.status == "pending"
    assert new.supersedes == (old.id,)
    assert memory.store.get(old.id).status == "active"  # still what the section says
    memory.accept([new.id])
    assert memory.store.get(old.id).status == "superseded"
    assert memory.store.get(old.id).superseded_by == new.id
    # A person's own `memgit add`/manual memory never waits.
    manual = memory.remember("gotcha", "Harbor clocks drift", "By up to 2s.", source="manual")
    assert manual.observation.status == "active"


def test_restating_a_pending_observation_is_a_duplicate(memory_repo: Path) -> None:
    _pending_on(memory_repo)
    memory = Memory.open(memory_repo)
    first = memory.remember("gotcha", "Harbor clocks drift", "By 2s.", source="heuristic")
    again = memory.remember("gotcha", "Harbor clocks drift", "By 2s.", source="heuristic")
    assert again.action == "duplicate"
    assert again.observation.id == first.observation.id


# --- review, accept, reject -------------------------------------------------------------------


def test_review_lists_changes_since_the_last_commit(
    memory_repo: Path, cli: Callable[..., Result]
) -> None:
    memory = Memory.open(memory_repo)
    kept, _ = memory.add("decision", "Use Postgres instead of MySQL", "Because of JSONB.")
    _commit_all(memory_repo)
    assert cli("review", cwd=memory_repo).out.startswith("nothing to review")
    _pending_on(memory_repo)
    memory = Memory.open(memory_repo)
    new = memory.remember(
        "decision", "Use MySQL instead of Postgres", "For the hosting.", source="heuristic"
    ).observation
    done = cli("review", "--json", cwd=memory_repo)
    data = json.loads(done.out)
    assert data["range"] == "since the last commit"
    (item,) = data["items"]
    assert item["id"] == new.id
    assert item["change"] == "pending"
    assert item["contradicts"][0]["id"] == kept.id
    assert item["contradicts"][0]["rule"] == "preference"
    text = cli("review", cwd=memory_repo).out  # not a terminal: a listing and how to act
    assert f"[m:{new.id}]" in text
    assert "! contradicts" in text
    assert "--accept ID" in text


def test_reject_removes_records_and_capture_does_not_bring_it_back(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    base = memory.remember(
        "gotcha", "Harbor timestamps are local time", "Parse them as UTC.", source="heuristic"
    ).observation
    _commit_all(memory_repo)
    variant = memory.remember(
        "gotcha",
        "Harbor timestamps are local time",
        "Parse them as UTC, the feed omits the offset.",
        source="heuristic",
    )
    assert variant.action == "superseded"
    assert memory.store.get(base.id).status == "superseded"
    outcome = memory.reject([variant.observation.id])
    assert [o.action for o in outcome] == ["rejected"]
    assert "active again" in outcome[0].note
    assert memory.store.get(base.id).status == "active"  # the supersession is undone
    assert not list(memory.paths.observations.glob(f"*{variant.observation.id}.md"))
    assert Rejections(memory.paths.state).load()[0].id == variant.observation.id
    # The rejection list is local state, never in the work tree.
    assert git(memory_repo, "status", "--porcelain") == ""
    again = memory.remember(
        "gotcha",
        "Harbor timestamps are local time",
        "Parse them as UTC, the feed omits the offset.",
        source="heuristic",
    )
    assert again.action == "rejected"
    assert git(memory_repo, "status", "--porcelain") == ""


def test_reject_of_a_captured_fact_survives_a_second_ingest(memory_repo: Path) -> None:
    first = memgit_process("ingest", str(SCENARIO), "--extractor", "heuristic", cwd=memory_repo)
    assert first.returncode == 0, first.stderr
    memory = Memory.open(memory_repo)
    ids = [o.id for o in memory.store.load_all()[0]]
    assert ids
    done = memgit_process("review", "--reject", *ids, cwd=memory_repo)
    assert done.returncode == 0, done.stderr
    assert memory.store.load_all()[0] == []
    # A fresh cursor reads the whole session again: nothing rejected comes back.
    for cursor in (memory.paths.state / "cursors").glob("*"):
        cursor.unlink()
    second = memgit_process("ingest", str(SCENARIO), "--extractor", "heuristic", cwd=memory_repo)
    assert second.returncode == 0, second.stderr
    assert Memory.open(memory_repo).store.load_all()[0] == []


def test_unknown_id_changes_nothing(memory_repo: Path, cli: Callable[..., Result]) -> None:
    memory = Memory.open(memory_repo)
    obs, _ = memory.add("gotcha", "Harbor clocks drift", "By 2s.")
    before = sorted(p.read_text() for p in memory.paths.observations.glob("*.md"))
    for args in (
        ("review", "--reject", obs.id, "zzzz9999"),
        ("review", "--accept", "zzzz9999"),
        ("forget", obs.id, "zzzz9999", "--reason", "wrong"),
        ("edit", "zzzz9999"),
    ):
        done = cli(*args, cwd=memory_repo)
        assert done.code == 1
        assert "no observation with id 'zzzz9999'" in done.err
    assert sorted(p.read_text() for p in memory.paths.observations.glob("*.md")) == before


def test_review_of_a_range_and_rejecting_an_expiry_restores(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    obs, _ = memory.add("pattern", "Name queues after their consumer", "worker-email.")
    _commit_all(memory_repo, "first")
    memory.forget([obs.id], "the queues were renamed")
    _commit_all(memory_repo, "second")
    batch = memory.review("HEAD~1..HEAD")
    (item,) = batch.items
    assert item.kind == "expired"
    assert item.observation.reason == "the queues were renamed"
    memory.reject([obs.id], "HEAD~1..HEAD")
    assert memory.store.get(obs.id).status == "active"
    assert memory.store.get(obs.id).reason is None


# --- forget -----------------------------------------------------------------------------------


def test_forget_keeps_the_reason_and_history_shows_it(
    memory_repo: Path, cli: Callable[..., Result]
) -> None:
    memory = Memory.open(memory_repo)
    obs, path = memory.add("decision", "Deploy on Fridays", "We deploy whenever.")
    memory.generate()
    _commit_all(memory_repo)
    assert obs.id in (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")
    done = cli("forget", obs.id[:6], "--reason", "We stopped deploying on Fridays", cwd=memory_repo)
    assert done.code == 0, done.err
    assert f"forgotten [m:{obs.id}]" in done.out
    text = (memory_repo / path).read_text(encoding="utf-8")
    stored = parse_observation(text)
    assert stored.status == "expired"
    assert stored.reason == "We stopped deploying on Fridays"
    assert "reason: We stopped deploying on Fridays" in text
    assert obs.id not in (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")
    _commit_all(memory_repo, "forget")
    diff = json.loads(cli("diff", "HEAD~1..HEAD", "--format", "json", cwd=memory_repo).out)
    (expired,) = diff["changes"]["expired"]
    assert expired["reason"] == "We stopped deploying on Fridays"
    markdown = cli("diff", "HEAD~1..HEAD", cwd=memory_repo).out
    assert "We stopped deploying on Fridays" in markdown
    # Forgetting again says so and changes nothing.
    again = cli("forget", obs.id, "--reason", "again", cwd=memory_repo)
    assert "already expired" in again.out
    missing = memgit_process("forget", obs.id, cwd=memory_repo)
    assert missing.returncode == 2
    assert "--reason" in missing.stderr


# --- edit -------------------------------------------------------------------------------------


def test_edit_saves_a_valid_edit_keeping_id_and_file(
    memory_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Result]
) -> None:
    memory = Memory.open(memory_repo)
    obs, path = memory.add("gotcha", "Harbor clocks drift", "By 2s.")
    original = (memory_repo / path).read_text(encoding="utf-8")
    edited = original.replace("By 2s.", "By up to 5s on the night shift.").replace(
        "Harbor clocks drift", "Harbor clocks drift at night"
    )
    monkeypatch.setenv("EDITOR", _editor(tmp_path, edited))
    done = cli("edit", obs.id, cwd=memory_repo)
    assert done.code == 0, done.err
    saved = memory.store.get(obs.id)
    assert saved.title == "Harbor clocks drift at night"
    assert saved.id == obs.id
    assert saved.created == obs.created
    assert saved.updated >= obs.updated
    assert (memory_repo / path).exists()  # same file name
    hits = memory.search("night shift", Filters(), 5)  # re-indexed
    assert [h.observation.id for h in hits] == [obs.id]
    assert not (memory.paths.state / "edits" / f"{obs.id}.md").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda t: t.replace("type: gotcha", "type: [gotcha"), "not valid YAML"),
        (lambda t: t.replace("type: gotcha", "type: trivia"), "type: 'trivia' is not a type"),
        (lambda t: t.replace("status: active", "status: maybe"), "status: 'maybe'"),
        (lambda t: t.replace("id: ", "id: x"), "id: was changed"),
    ],
)
def test_an_invalid_edit_names_the_field_and_is_kept(
    memory_repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., Result],
    change: Callable[[str], str],
    field: str,
) -> None:
    memory = Memory.open(memory_repo)
    obs, path = memory.add("gotcha", "Harbor clocks drift", "By 2s.")
    original = (memory_repo / path).read_text(encoding="utf-8")
    broken = change(original) + "\nMy long careful note.\n"
    monkeypatch.setenv("EDITOR", _editor(tmp_path, broken))
    done = cli("edit", obs.id, cwd=memory_repo)
    assert done.code == 1
    assert field in done.err
    copy = memory.paths.state / "edits" / f"{obs.id}.md"
    assert copy.read_text(encoding="utf-8") == broken  # the edit is not lost
    assert str(copy) in done.err
    assert (memory_repo / path).read_text(encoding="utf-8") == original
    # The next `memgit edit` resumes that copy; fixing it saves it.
    fixed = original.replace("By 2s.", "By 2s. My long careful note.")
    (tmp_path / "editor-content.txt").write_text(fixed, encoding="utf-8")
    again = cli("edit", obs.id, cwd=memory_repo)
    assert again.code == 0, again.err
    assert "resuming your unsaved edit" in again.out
    assert "My long careful note." in memory.store.get(obs.id).body
    assert not copy.exists()


# --- the interactive walk, through a pseudo-terminal ------------------------------------------


def _run_in_pty(
    args: list[str], cwd: Path, answers: list[tuple[str, str]], env: dict[str, str]
) -> str:
    """Run memgit on a pseudo-terminal; for each (prompt text, answer) wait, then type."""
    import pty
    import select
    import subprocess

    from .conftest import SRC

    master, slave = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(SRC), **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "memgit", *args],
        cwd=cwd,
        env=environment,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    seen = b""

    def read_until(text: str, timeout: float = 60.0) -> None:
        nonlocal seen
        import time

        end = time.monotonic() + timeout
        while text.encode() not in seen:
            left = end - time.monotonic()
            assert left > 0, f"no {text!r} in output:\n{seen.decode(errors='replace')}"
            ready, _, _ = select.select([master], [], [], left)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk

    try:
        for prompt, answer in answers:
            read_until(prompt)
            seen = seen.replace(prompt.encode(), b"<asked>", 1)
            os.write(master, answer.encode() + b"\n")
        process.wait(timeout=60)
        while True:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, seen.decode(errors="replace")
    return seen.decode(errors="replace").replace("\r\n", "\n")


def test_interactive_review_through_a_pseudo_terminal(memory_repo: Path, tmp_path: Path) -> None:
    _pending_on(memory_repo)
    memory = Memory.open(memory_repo)
    titles = ["Harbor clocks drift", "Queue names follow consumers", "Cache keys carry a version"]
    made = [
        memory.remember("gotcha", title, f"About {title.lower()}.", source="heuristic").observation
        for title in titles
    ]
    order = [item.observation.id for item in memory.review().items]
    assert sorted(order) == sorted(o.id for o in made)
    made = [next(o for o in made if o.id == ident) for ident in order]
    path = memory.store.path_for(made[1])
    edited = path.read_text(encoding="utf-8").replace(made[1].title, made[1].title + " everywhere")
    prompt = "[a]ccept  [e]dit  [r]eject  [s]kip  [q]uit ? "
    out = _run_in_pty(
        ["review"],
        memory_repo,
        [(prompt, "a"), (prompt, "e"), (prompt, "a"), (prompt, "r")],
        {"EDITOR": _editor(tmp_path, edited)},
    )
    assert "3 memory changes since the last commit: 3 pending" in out
    assert "[1/3]" in out
    assert "[3/3]" in out
    assert "review: 2 accepted, 1 rejected" in out
    memory = Memory.open(memory_repo)
    assert memory.store.get(made[0].id).status == "active"
    again = memory.store.get(made[1].id)
    assert again.status == "active"
    assert again.title == made[1].title + " everywhere"
    assert not memory.store.path_for(made[2]).exists()
    claude = (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")
    assert made[0].id in claude
    assert made[2].id not in claude


def test_interactive_review_skip_and_quit_change_nothing(memory_repo: Path) -> None:
    _pending_on(memory_repo)
    memory = Memory.open(memory_repo)
    for title in ("Harbor clocks drift", "Queue names follow consumers"):
        memory.remember("gotcha", title, "Details.", source="heuristic")
    before = sorted(p.read_text() for p in memory.paths.observations.glob("*.md"))
    prompt = "[a]ccept  [e]dit  [r]eject  [s]kip  [q]uit ? "
    out = _run_in_pty(["review"], memory_repo, [(prompt, "s"), (prompt, "q")], {})
    assert "review: 1 skipped, 1 not reviewed" in out
    assert sorted(p.read_text() for p in memory.paths.observations.glob("*.md")) == before


def test_diff_and_log_mark_pending_memory_and_acceptance(
    memory_repo: Path, cli: Callable[..., Result]
) -> None:
    _commit_all(memory_repo, "start")
    _pending_on(memory_repo)
    memory = Memory.open(memory_repo)
    obs = memory.remember("gotcha", "Harbor clocks drift", "By 2s.", source="heuristic").observation
    _commit_all(memory_repo, "captured")
    markdown = cli("diff", "HEAD~1..HEAD", cwd=memory_repo).out
    assert f"`m:{obs.id}` · _pending review_" in markdown
    assert "(pending review)" in cli("log", "HEAD~1..HEAD", cwd=memory_repo).out
    memory.accept([obs.id])
    _commit_all(memory_repo, "accepted")
    data = json.loads(cli("diff", "HEAD~1..HEAD", "--format", "json", cwd=memory_repo).out)
    (change,) = data["changes"]["updated"]  # accepted: an update, not a restoration
    assert change["previous_status"] == "pending"
    assert change["status"] == "active"
    assert data["changes"]["restored"] == []


def test_rejecting_an_edit_puts_the_committed_version_back(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    obs, _ = memory.add("pattern", "Name queues after their consumer", "worker-email.")
    _commit_all(memory_repo)
    memory.store.save(replace(obs, title="Name queues randomly"))
    (item,) = memory.review().items
    assert item.kind == "updated"
    (outcome,) = memory.reject([obs.id])
    assert outcome.action == "reverted"
    assert git(memory_repo, "status", "--porcelain") == ""
    assert memory.store.get(obs.id).title == "Name queues after their consumer"


def test_edit_on_a_terminal_offers_to_edit_again_after_an_invalid_save(
    memory_repo: Path, tmp_path: Path
) -> None:
    memory = Memory.open(memory_repo)
    obs, path = memory.add("gotcha", "Harbor clocks drift", "By 2s.")
    original = (memory_repo / path).read_text(encoding="utf-8")
    # The editor saves broken YAML the first time, a good edit the second.
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "1").write_text(original.replace("type: gotcha", "type: [gotcha"), encoding="utf-8")
    (saves / "2").write_text(original.replace("By 2s.", "By 3s."), encoding="utf-8")
    script = tmp_path / "two-step-editor.py"
    script.write_text(
        "import pathlib, sys\n"
        f"saves = sorted(pathlib.Path({str(saves)!r}).iterdir())\n"
        "pathlib.Path(sys.argv[1]).write_text(saves[0].read_text())\n"
        "saves[0].unlink()\n",
        encoding="utf-8",
    )
    out = _run_in_pty(
        ["edit", obs.id],
        memory_repo,
        [("[e]dit again, [k]eep your edit aside and stop, [d]iscard it? ", "e")],
        {"EDITOR": f"{sys.executable} {script}"},
    )
    assert "not valid YAML" in out
    assert f"saved [m:{obs.id}]" in out
    assert Memory.open(memory_repo).store.get(obs.id).body == "By 3s."


def test_rejecting_unchanged_memory_deletes_nothing(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    obs, path = memory.add("pattern", "Name queues after their consumer", "worker-email.")
    _commit_all(memory_repo)
    (outcome,) = memory.reject([obs.id])
    assert outcome.action == "kept"
    assert "nothing to undo" in outcome.note
    assert (memory_repo / path).exists()


def test_the_walk_skips_what_an_earlier_answer_settled(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    base = memory.remember(
        "gotcha", "Harbor timestamps are local time", "Parse them as UTC.", source="heuristic"
    ).observation
    _commit_all(memory_repo)
    memory.remember(
        "gotcha",
        "Harbor timestamps are local time",
        "Parse them as UTC, the feed omits the offset.",
        source="heuristic",
    )
    kinds = [item.kind for item in memory.review().items]
    assert kinds == ["added", "superseded"]
    prompt = "[a]ccept  [e]dit  [r]eject  [s]kip  [q]uit ? "
    out = _run_in_pty(["review"], memory_repo, [(prompt, "r")], {})
    # Rejecting the new one restored the old one: it is not asked about again.
    assert out.count("<asked>") == 1
    assert "review: 1 rejected, 1 settled\n" in out
    assert Memory.open(memory_repo).store.get(base.id).status == "active"
    assert git(memory_repo, "status", "--porcelain", "--", ".memory") == ""
