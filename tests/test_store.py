from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from memgit.errors import AmbiguousId, LockTimeout, UnknownObservation
from memgit.fileio import atomic_write, file_lock
from memgit.model import new_observation, render_observation
from memgit.paths import find_paths
from memgit.store import Store

from .conftest import SRC, git


def make_store(repo: Path) -> Store:
    return Store(find_paths(repo), lock_timeout=5)


def test_create_read_update(memory_repo: Path) -> None:
    store = make_store(memory_repo)
    obs = new_observation("gotcha", "Beware of naive timestamps")
    path = store.create(obs)
    assert path.parent == store.paths.observations
    assert store.get(obs.id) == obs
    assert store.get(obs.id[:5]) == obs
    assert store.get(f"[m:{obs.id}]") == obs
    changed = store.update(obs.id, lambda o: o.__class__(**{**o.__dict__, "confidence": 0.2}))
    assert store.get(obs.id).confidence == 0.2 == changed.confidence
    assert store.path_for(changed) == path  # the file name never changes


def test_create_refuses_an_existing_id(memory_repo: Path) -> None:
    store = make_store(memory_repo)
    obs = new_observation("gotcha", "One")
    store.create(obs)
    with pytest.raises(Exception, match="already exists"):
        store.create(new_observation("gotcha", "Two", ident=obs.id))


def test_unknown_and_ambiguous_ids(memory_repo: Path) -> None:
    store = make_store(memory_repo)
    store.create(new_observation("gotcha", "One", ident="abcd1111"))
    store.create(new_observation("gotcha", "Two", ident="abcd2222"))
    with pytest.raises(UnknownObservation):
        store.get("zzzz9999")
    with pytest.raises(AmbiguousId):
        store.get("abcd")


def test_a_renamed_file_is_still_found(memory_repo: Path) -> None:
    store = make_store(memory_repo)
    obs = new_observation("gotcha", "Renamed by hand")
    path = store.create(obs)
    path.rename(path.with_name("my-own-name.md"))
    assert store.get(obs.id) == obs


BROKEN = {
    "broken-frontmatter.md": "---\nid: abcd\ntitle: [unclosed\n---\n",
    "unknown-type.md": (
        "---\nid: abce\ntype: rumour\ntitle: x\ncreated: 2026-01-01T00:00:00Z\n---\n"
    ),
    "empty.md": "",
    "notes.txt": "not markdown at all\n",
    "no-fence.md": "# Just a heading\n",
}


def test_broken_files_are_reported_and_skipped(memory_repo: Path) -> None:
    store = make_store(memory_repo)
    good = new_observation("pattern", "Always run ruff")
    store.create(good)
    for name, text in BROKEN.items():
        (store.paths.observations / name).write_text(text, encoding="utf-8")
    (store.paths.observations / "latin1.md").write_bytes(
        render_observation(new_observation("gotcha", "Caf\u00e9")).encode("latin-1")
    )
    observations, problems = store.load_all()
    assert observations == [good]
    messages = {Path(p.path).name: p.message for p in problems}
    assert set(messages) == {*BROKEN, "latin1.md"}
    assert "not valid YAML" in messages["broken-frontmatter.md"]
    assert "'rumour' is not a type" in messages["unknown-type.md"]
    assert "empty" in messages["empty.md"]
    assert "not a markdown (.md) file" in messages["notes.txt"]
    assert "must start with a line '---'" in messages["no-fence.md"]
    assert "not UTF-8" in messages["latin1.md"]
    assert all(p.path.startswith(".memory/observations/") for p in problems)


def test_duplicate_ids_are_reported(memory_repo: Path) -> None:
    store = make_store(memory_repo)
    obs = new_observation("gotcha", "Copied by hand")
    path = store.create(obs)
    (path.parent / "copy.md").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    observations, problems = store.load_all()
    assert len(observations) == 1
    assert "also used by" in problems[0].message


def test_atomic_write_leaves_no_temporary_file_and_sets_mode(tmp_path: Path) -> None:
    target = tmp_path / "a" / "file.md"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert os.listdir(target.parent) == ["file.md"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_atomic_write_failure_keeps_the_old_content(tmp_path: Path) -> None:
    target = tmp_path / "file.md"
    atomic_write(target, "old")

    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["file.md"]


def test_temporary_files_of_a_killed_writer_are_ignored(memory_repo: Path) -> None:
    store = make_store(memory_repo)
    (store.paths.observations / ".2026-x.md.abc123.tmp").write_text(
        "---\nid: half", encoding="utf-8"
    )
    assert store.load_all() == ([], [])


def test_lock_times_out_while_another_process_holds_it(tmp_path: Path) -> None:
    lock = tmp_path / "store.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                sys.path.insert(0, {str(SRC)!r})
                from pathlib import Path
                from memgit.fileio import file_lock
                with file_lock(Path({str(lock)!r}), timeout=5):
                    print("locked", flush=True)
                    time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockTimeout, match="busy"), file_lock(lock, timeout=0.2):
            pass
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    with file_lock(lock, timeout=1):  # the kernel released the killed holder's lock
        pass


WRITER = """
import sys
sys.path.insert(0, {src!r})
from memgit.paths import find_paths
from memgit.store import Store
from memgit.model import new_observation
store = Store(find_paths({repo!r}), lock_timeout=30)
for i in range({count}):
    obs = new_observation("progress", f"writer {{sys.argv[1]}} step {{i}}")
    with store.lock():
        store.create(obs)
"""


@pytest.mark.slow
def test_concurrent_writers_in_several_processes_lose_nothing(memory_repo: Path) -> None:
    count, writers = 40, 4
    script = WRITER.format(src=str(SRC), repo=str(memory_repo), count=count)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(writers)]
    assert [p.wait(timeout=120) for p in procs] == [0] * writers
    observations, problems = make_store(memory_repo).load_all()
    assert problems == []
    assert len(observations) == count * writers
    titles = {o.title for o in observations}
    assert titles == {f"writer {n} step {i}" for n in range(writers) for i in range(count)}


@pytest.mark.slow
def test_concurrent_updates_of_one_observation_lose_nothing(memory_repo: Path) -> None:
    store = make_store(memory_repo)
    obs = new_observation("progress", "counter", tags=())
    store.create(obs)
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(SRC)!r})
        from dataclasses import replace
        from memgit.paths import find_paths
        from memgit.store import Store
        store = Store(find_paths({str(memory_repo)!r}), lock_timeout=30)
        for i in range(25):
            tag = f"{{sys.argv[1]}}-{{i}}"
            store.update({obs.id!r}, lambda o: replace(o, tags=o.tags + (tag,)))
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    assert len(store.get(obs.id).tags) == 75


def test_paths_from_a_subfolder_and_a_worktree(repo: Path, tmp_path: Path) -> None:
    sub = repo / "a" / "b"
    sub.mkdir(parents=True)
    assert find_paths(sub).root == repo
    assert find_paths(sub).state == repo / ".git" / "memgit"
    other = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(other))
    paths = find_paths(other)
    assert paths.root == other
    expected = git(other, "rev-parse", "--git-path", "memgit").strip()
    assert paths.state == (other / expected).resolve()
