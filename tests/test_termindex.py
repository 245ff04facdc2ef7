"""The term index and the UserPromptSubmit path built on it: same ranking as Whoosh, fresh after
every kind of change (add, pull, merge, hand edits), one showing per session, the "+N more" hint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from memgit import termindex
from memgit.api import Memory
from memgit.hooks import prompt, seen
from memgit.model import new_observation, render_observation

from .conftest import SRC, git

BENCH = Path(__file__).resolve().parents[1] / "bench"

TOPICS = [
    ("decision", "Use Stripe for billing and invoices", "Payments go through Stripe checkout."),
    ("gotcha", "Auth tokens expire after one hour", "The login code refreshes them silently."),
    ("pattern", "Celery workers retry with backoff", "Every task retries five times."),
    ("architecture", "Search runs on a Whoosh index", "The index is rebuilt from files."),
    ("gotcha", "Partner timestamps are local time", "Parse them as Europe/Paris."),
    ("decision", "Deploy the billing worker with Helm", "The chart lives in deploy/billing."),
]


def state(root: Path) -> str:
    return str(root / ".git" / "memgit")


def ask(root: Path, text: str, session: str | None = None) -> str:
    payload = {"prompt": text, "cwd": str(root)}
    if session:
        payload["session_id"] = session
    return prompt.prompt_submit(str(root), state(root), payload)


def fill(root: Path, extra: int = 0) -> Memory:
    memory = Memory.open(root)
    for kind, title, body in TOPICS:
        memory.add(kind, title, body)
    for n in range(extra):
        memory.store.create(new_observation("pattern", f"Filler note number {n} on style", "x"))
    memory.index.sync()
    return memory


def test_ranks_like_whoosh_on_the_fixed_prompts(memory_repo: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import prompt_relevance
    finally:
        sys.path.remove(str(BENCH))
    memory = fill(memory_repo, extra=30)
    memory.reindex(full=True)
    prompts = [*prompt_relevance.PROMPTS, "stripe billing", "auth login tokens", "celery retry"]
    result = prompt_relevance.compare(memory, prompts, top=3)
    assert result["same_order"] == result["prompts"], result["differ"]


@pytest.mark.parametrize("full", [True, False])
def test_scores_equal_whoosh_bm25(memory_repo: Path, full: bool) -> None:
    """Exact after a rebuild; after incremental syncs Whoosh's merged segments total the field
    lengths from their one-byte approximations, which moves scores by well under a percent."""
    memory = fill(memory_repo, extra=5)
    if full:
        memory.reindex(full=True)
    from memgit.query import Filters

    hits = memory.index.search("billing worker deploy", Filters(), 10)
    with termindex.TermIndex.open(state(memory_repo) + "/terms") as index:  # type: ignore[union-attr]
        ranked = termindex.ranked(index, termindex.analyze("billing worker deploy"), 10)
        mine = {index.id_of(k): s for k, s in ranked}
    whoosh = [hit.observation.id for hit in hits]
    assert list(mine) == whoosh if full else set(mine) == set(whoosh)  # ties may swap
    for hit in hits:
        adjusted = hit.score * (0.5 + 0.5 * hit.observation.confidence)
        assert mine[hit.observation.id] == pytest.approx(adjusted, rel=1e-4 if full else 1e-2)


def test_prompt_hook_finds_the_memory_right_after_add(memory_repo: Path) -> None:
    memory = fill(memory_repo)
    assert "Stripe" in ask(memory_repo, "how is billing with stripe done")
    memory.add("gotcha", "Webhook signatures need the raw body", "Verify before parsing JSON.")
    assert "Webhook signatures" in ask(memory_repo, "why do webhook signatures fail")


def test_prompt_hook_is_fresh_after_a_file_written_behind_memgit(memory_repo: Path) -> None:
    fill(memory_repo)
    obs = new_observation("gotcha", "Redis streams drop messages on restart", "Use AOF.")
    path = memory_repo / ".memory" / "observations" / f"{obs.id}.md"
    path.write_text(render_observation(obs), encoding="utf-8")
    assert "Redis streams" in ask(memory_repo, "redis streams lost messages")


def test_prompt_hook_is_fresh_after_a_hand_edit_in_place(memory_repo: Path) -> None:
    memory = fill(memory_repo)
    assert "Helm" in ask(memory_repo, "deploy the billing worker")
    hit = memory.search("helm billing", __import__("memgit.query").query.Filters(), 1)[0]
    file = memory_repo / hit.path
    folder_mtime = os.stat(file.parent).st_mtime_ns
    text = file.read_text(encoding="utf-8").replace("with Helm", "with Kustomize overlays")
    with open(file, "r+", encoding="utf-8") as handle:  # in place: the folder's mtime stays
        handle.write(text)
        handle.truncate()
    os.utime(file.parent, ns=(folder_mtime, folder_mtime))
    out = ask(memory_repo, "deploy the billing worker")
    assert "Kustomize" in out
    assert "Helm" not in out


def test_prompt_hook_forgets_a_deleted_memory(memory_repo: Path) -> None:
    memory = fill(memory_repo)
    hit = memory.search("helm billing", __import__("memgit.query").query.Filters(), 1)[0]
    (memory_repo / hit.path).unlink()
    assert "Helm" not in ask(memory_repo, "deploy the billing worker with helm")


def _clone(remote: Path, where: Path) -> Path:
    git(where.parent, "clone", "-q", str(remote), str(where))
    return where


def test_prompt_hook_is_fresh_after_pull_and_merge(tmp_path: Path, memory_repo: Path) -> None:
    fill(memory_repo)
    git(memory_repo, "add", "-A")
    git(memory_repo, "commit", "-q", "-m", "memory")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(memory_repo), str(remote))
    git(memory_repo, "remote", "add", "origin", str(remote))
    git(memory_repo, "fetch", "-q", "origin")
    git(memory_repo, "branch", "-q", "--set-upstream-to=origin/main")
    other = _clone(remote, tmp_path / "other")
    Memory.open(other).add("decision", "Use Postgres advisory locks for cron", "One runner.")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "teammate memory")
    git(other, "push", "-q", "origin", "main")
    assert "advisory" not in ask(memory_repo, "postgres advisory locks for cron")
    git(memory_repo, "pull", "-q", "--no-rebase", "origin", "main")
    assert "advisory locks" in ask(memory_repo, "postgres advisory locks for cron")

    git(other, "checkout", "-q", "-b", "feature")
    Memory.open(other).add("gotcha", "Feature flags cache for a minute", "Flip twice.")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "feature memory")
    git(other, "push", "-q", "origin", "feature")
    git(memory_repo, "fetch", "-q", "origin")
    git(memory_repo, "merge", "-q", "--no-edit", "origin/feature")
    assert "Feature flags cache" in ask(memory_repo, "feature flags cache delay")


def test_delta_is_merged_into_the_base_when_it_grows(
    memory_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = fill(memory_repo)
    memory.reindex(full=True)
    folder = state(memory_repo) + "/terms"
    with termindex.TermIndex.open(folder) as index:  # type: ignore[union-attr]
        first = index.base_id
    monkeypatch.setattr(termindex, "MAX_DELTA", 3)
    memory.add("gotcha", "One", "one")
    with termindex.TermIndex.open(folder) as index:  # type: ignore[union-attr]
        assert index.base_id == first
        assert len(index.delta_docs) == 1
    for n in range(3):
        memory.add("gotcha", f"Gotcha about queue {n}", "body")
    with termindex.TermIndex.open(folder) as index:  # type: ignore[union-attr]
        assert index.base_id != first
        assert not index.delta_docs
        assert not index.gone
        assert index.count == len(TOPICS) + 4
    assert "queue 2" in ask(memory_repo, "gotcha about queue 2")


def test_a_damaged_term_index_is_rebuilt(memory_repo: Path) -> None:
    fill(memory_repo)
    base = Path(state(memory_repo)) / "terms" / termindex.BASE
    base.write_bytes(b"garbage")
    assert "Stripe" in ask(memory_repo, "billing with stripe")
    shutil.rmtree(base.parent)
    assert "Stripe" in ask(memory_repo, "billing with stripe")


@pytest.mark.parametrize("status", ["superseded", "expired", "pending"])
def test_never_shows_inactive_or_pending_memory(memory_repo: Path, status: str) -> None:
    from memgit.model import STATUSES

    if status not in STATUSES:
        pytest.skip(f"no {status!r} status in this version")
    memory = fill(memory_repo)
    obs = new_observation("gotcha", f"{status} note about kafka offsets", "x", status=status)
    memory.store.create(obs)
    assert ask(memory_repo, "kafka offsets note") == ""


def test_one_showing_per_session_and_a_hint_for_the_rest(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    for n in range(12):
        memory.add("gotcha", f"Billing export quirk number {n}", f"Export detail {n}.")
    first = ask(memory_repo, "billing export quirk", session="s-1")
    shown = seen.cited_ids(first)
    assert len(shown) == memory.config.context.prompt_items
    assert "+7 more: `memgit search billing export quirk`" in first
    second = ask(memory_repo, "billing export quirk", session="s-1")
    assert not set(seen.cited_ids(second)) & set(shown)
    assert len(seen.cited_ids(second)) == 5
    third = ask(memory_repo, "billing export quirk", session="s-1")
    assert len(seen.cited_ids(third)) == 2
    assert "more:" not in third
    assert ask(memory_repo, "billing export quirk", session="s-1") == ""
    assert len(seen.cited_ids(ask(memory_repo, "billing export quirk", session="s-2"))) == 5


def test_session_start_ids_are_not_repeated_at_prompts(memory_repo: Path) -> None:
    fill(memory_repo)
    shown = seen.cited_ids(ask(memory_repo, "billing stripe invoices"))
    seen.remember_seen(state(memory_repo), "s-9", shown)
    assert not set(seen.cited_ids(ask(memory_repo, "billing stripe invoices", "s-9"))) & set(shown)


def test_search_words_are_shell_safe() -> None:
    assert prompt.search_words("Why does `rm -rf $HOME`; fail?? the api's auth") == (
        "why does home fail api auth"
    )


def test_prompt_hook_imports_no_search_engine(memory_repo: Path) -> None:
    fill(memory_repo)
    stdin = json.dumps(
        {"hook_event_name": "UserPromptSubmit", "cwd": str(memory_repo), "prompt": "stripe bill"}
    ).encode()
    script = (
        "import sys, io\n"
        f"sys.path.insert(0, {str(SRC)!r})\n"
        f"sys.stdin = io.TextIOWrapper(io.BytesIO({stdin!r}))\n"
        "before = set(sys.modules)\n"
        "import os\n"
        "os._exit = lambda code: None\n"
        "from memgit.__main__ import main\n"
        "sys.argv = ['memgit', 'hook', 'UserPromptSubmit']\n"
        "main()\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=memory_repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Stripe" in done.stdout
    loaded = set(done.stderr.split())
    stemmer = {"whoosh", "whoosh.lang", "whoosh.lang.porter"}  # one function, not the engine
    assert {m for m in loaded if m.startswith("whoosh")} <= stemmer
    for heavy in ("yaml", "typing", "dataclasses", "memgit.api", "memgit.index", "memgit.config"):
        assert heavy not in loaded, heavy
    assert {m for m in loaded if m.startswith("memgit")} == {
        "memgit",
        "memgit.__main__",
        "memgit.distribution",  # constants only: the hook contract
        "memgit.hooks",
        "memgit.hooks.queue",
        "memgit.hooks.prompt",
        "memgit.hooks.seen",
        "memgit.locate",
        "memgit.nested",
        "memgit.termindex",
    }


def test_records_older_sessions_are_pruned(tmp_path: Path) -> None:
    folder = tmp_path / seen.SEEN_FOLDER
    folder.mkdir()
    old = folder / "old.json"
    old.write_text('{"ids": []}', encoding="utf-8")
    past = time.time() - (seen.SEEN_DAYS + 1) * 86400
    os.utime(old, (past, past))
    seen.remember_seen(str(tmp_path), "new", ["m1234"])
    assert not old.exists()
    assert prompt.read_seen(str(tmp_path), "new") == {"m1234"}


def _varied(root: Path) -> Memory:
    from datetime import UTC, datetime, timedelta

    memory = Memory.open(root)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = ["decision", "gotcha", "pattern", "progress"]
    for n in range(40):
        obs = new_observation(
            kinds[n % 4],
            f"Billing note {n} about {'stripe' if n % 3 else 'invoices'}",
            f"Detail {n} on the worker.",
            now=start + timedelta(days=n, minutes=n % 2),
            files=(f"src/{'billing' if n % 2 else 'auth'}/mod{n % 5}.py",),
            session=f"sess-{n % 3}",
            branch="main" if n % 4 else "feature",
            status=("active", "active", "superseded", "expired")[n % 4]
            if kinds[n % 4] != "decision"
            else "active",
        )
        memory.store.create(obs)
    memory.reindex(full=True)
    memory.add("decision", "Billing note in the delta", "Added after the rebuild.")
    return memory


FILTERS = [
    {},
    {"statuses": ()},
    {"types": ("gotcha", "progress")},
    {"statuses": ("superseded", "expired")},
    {"file": "src/billing"},
    {"file": "src/auth/mod1.py"},
    {"session": "sess-1", "statuses": ()},
    {"branch": "feature"},
    {"since": "2026-01-10", "until": "2026-01-25"},
]


@pytest.mark.parametrize("spec", FILTERS, ids=lambda s: ",".join(s) or "default")
def test_filters_answer_as_the_search_index_does(
    memory_repo: Path, spec: dict[str, object]
) -> None:
    from datetime import UTC, datetime

    from memgit.query import Filters

    memory = _varied(memory_repo)
    values = dict(spec)
    for key in ("since", "until"):
        if key in values:
            values[key] = datetime.fromisoformat(str(values[key])).replace(tzinfo=UTC)
    filters = Filters(**values)  # type: ignore[arg-type]
    whoosh = [h.observation.id for h in memory.index.list(filters, None)]
    mine = [h.observation.id for h in memory.listing(filters)]
    assert sorted(mine) == sorted(whoosh)
    assert [h.observation.id for h in memory.listing(filters, 5)] == [
        h.observation.id for h in memory.index.list(filters, 5)
    ]
    found = [
        h.observation.id
        for h in memory.search("billing stripe worker", filters, 10, semantic=False)
    ]
    # Whoosh lets a superseded document through a file filter (Require inside AndNot): the term
    # index keeps to the filters.
    allowed = set(whoosh)
    expected = {h.observation.id for h in memory.index.search("billing stripe worker", filters, 10)}
    assert set(found) == expected & allowed


def test_timeline_matches_the_search_index_order(memory_repo: Path) -> None:
    memory = _varied(memory_repo)
    for kwargs in ({}, {"session": "sess-2"}, {"limit": 7}):
        mine = [h.observation.id for h in memory.timeline(**kwargs)]  # type: ignore[arg-type]
        theirs = memory._timeline_from_index(
            session=kwargs.get("session"),
            around=None,
            limit=int(kwargs.get("limit", 20)),  # type: ignore[arg-type]
        )
        assert mine == [h.observation.id for h in theirs]
    centre = memory.timeline(limit=40)[17].observation.id
    around = memory._timeline_from_index(session=None, around=centre, limit=9)
    assert [h.observation.id for h in memory.timeline(around=centre, limit=9)] == [
        h.observation.id for h in around
    ]


def test_prompt_settings_follow_the_configuration_and_environment(
    memory_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = Memory.open(memory_repo)
    for n in range(6):
        memory.add("gotcha", f"Billing export quirk number {n}", f"Export detail {n}.")
    assert len(seen.cited_ids(ask(memory_repo, "billing export quirk"))) == 5
    config = memory_repo / ".memory" / "config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("prompt_items: 5", "prompt_items: 2"),
        encoding="utf-8",
    )
    assert len(seen.cited_ids(ask(memory_repo, "billing export quirk"))) == 2
    monkeypatch.setenv("MEMGIT_CONTEXT_PROMPT_ITEMS", "3")
    assert len(seen.cited_ids(ask(memory_repo, "billing export quirk"))) == 3
    monkeypatch.setenv("MEMGIT_CONTEXT_PROMPT_ITEMS", "0")
    assert ask(memory_repo, "billing export quirk") == ""


def test_writers_find_base_names_without_reading_records(memory_repo: Path) -> None:
    memory = fill(memory_repo, extra=3)
    memory.reindex(full=True)
    with termindex.TermIndex.open(state(memory_repo) + "/terms") as index:  # type: ignore[union-attr]
        assert "names" in index.header["sections"]
        names = index.base_names()
        assert names == {index.record(doc)["n"]: doc for doc in range(index.count)}
        assert len(names) == len(TOPICS) + 3
