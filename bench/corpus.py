"""Synthetic memory for the benchmarks: realistic observation files and a query set, cached.

``generate(count, seed)`` makes observations of all six types about a made-up web product (see
``vocabulary.py``): titles and bodies a coding agent would plausibly keep, files and tags, mostly
active with some superseded (linked both ways) and some expired, created over one year. The same
count and seed always give the same observations, byte for byte.

``build_corpus(size, seed, cache)`` writes them as real observation files (through memgit's own
codec, directly to disk: fast enough for 100k) into ``.memory/observations/`` of a fresh git
repository initialised with ``memgit init``, plus ``EXTRA`` further files kept aside (what a
``git pull`` brings in) and ``queries.json``. Corpora are cached under ``bench/.corpus/``.

Command line: ``python bench/corpus.py --size 10000 [--seed 1]`` prints the corpus folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"
if str(SRC) not in sys.path:  # benchmark the checkout this file belongs to
    sys.path.insert(0, str(SRC))

import vocabulary as vocab  # noqa: E402
from memgit.model import (  # noqa: E402
    EPHEMERAL_TYPES,
    TITLE_MAX,
    Observation,
    compose_body,
    new_observation,
    render_observation,
)

#: Bump when the generator's output changes: cached corpora of older versions are not reused.
GENERATOR_VERSION = 1
#: Files kept aside for the "after git pull" refresh measurement.
EXTRA = 500
DEFAULT_CACHE = BENCH / ".corpus"

END = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)
SPAN = timedelta(days=365)

TYPE_WEIGHTS = {
    "decision": 20,
    "gotcha": 20,
    "pattern": 12,
    "architecture": 8,
    "progress": 25,
    "coordination": 15,
}
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_ID_LETTERS = "abcdefghjkmnpqrstvwxyz"
_STOPWORDS = frozenset(
    (
        *("a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "but", "is", "are"),
        *("be", "by", "with", "from", "as", "at", "it", "its", "we", "our", "one", "every"),
        *("each", "when", "that", "this", "than", "then", "into", "before", "after", "only"),
        *("not", "no", "never", "always", "instead", "use", "all", "per", "out", "up"),
    )
)
_PARTS = (
    "the models",
    "the endpoints",
    "the tests",
    "the migration",
    "the frontend",
    "the docs",
    "the cleanup",
    "the review fixes",
)


@dataclass(frozen=True)
class Query:
    """One benchmark query: words, and optionally the filters the CLI accepts."""

    text: str
    type: str | None = None
    status: str | None = None
    file: str | None = None
    since: str | None = None

    def argv(self) -> list[str]:
        """Arguments after ``search`` (the same for ``memgit search`` and the FTS5 baseline)."""
        args = [self.text]
        for flag, value in (
            ("--type", self.type),
            ("--status", self.status),
            ("--file", self.file),
            ("--since", self.since),
        ):
            if value:
                args += [flag, value]
        return args


@dataclass(frozen=True)
class Corpus:
    folder: Path
    size: int
    seed: int

    @property
    def repo(self) -> Path:
        return self.folder / "repo"

    @property
    def observations(self) -> Path:
        return self.repo / ".memory" / "observations"

    @property
    def extra(self) -> Path:
        return self.folder / "extra"

    @property
    def queries_path(self) -> Path:
        return self.folder / "queries.json"

    def queries(self) -> list[Query]:
        return [Query(**q) for q in json.loads(self.queries_path.read_text(encoding="utf-8"))]

    def extra_files(self) -> list[Path]:
        return sorted(self.extra.glob("*.md"))


# --- generation (pure, deterministic for a seed) -------------------------------------------------


def generate(
    count: int,
    seed: int,
    *,
    start: datetime = END - SPAN,
    end: datetime = END,
    taken: set[str] | None = None,
) -> list[Observation]:
    """``count`` observations created between ``start`` and ``end``; ids never in ``taken``."""
    rng = random.Random(f"memgit-bench:{seed}:{count}:{start.isoformat()}")
    seconds = int((end - start).total_seconds())
    created = sorted(start + timedelta(seconds=rng.randrange(seconds)) for _ in range(count))
    used = set(taken or ())
    ids = [_new_id(rng, used) for _ in range(count)]
    types = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()), k=count)

    status = ["active"] * count
    updated = list(created)
    superseded_by: list[str | None] = [None] * count
    supersedes: list[list[str]] = [[] for _ in range(count)]
    by_type: dict[str, list[int]] = {}
    for i, kind in enumerate(types):
        by_type.setdefault(kind, []).append(i)
    for kind, members in by_type.items():
        if kind in EPHEMERAL_TYPES:
            continue
        for position, i in enumerate(members[:-1]):
            if rng.random() < 0.08:
                later = members[min(len(members) - 1, position + rng.randint(1, 20))]
                if status[later] != "active":
                    continue
                status[i] = "superseded"
                superseded_by[i] = ids[later]
                supersedes[later].append(ids[i])
                updated[i] = created[later]
    for i, kind in enumerate(types):
        if status[i] != "active":
            continue
        if kind in EPHEMERAL_TYPES and end - created[i] > timedelta(days=30) and rng.random() < 0.2:
            status[i] = "expired"
            updated[i] = created[i] + timedelta(days=rng.randint(7, 30))
        elif rng.random() < 0.3:
            updated[i] = min(end, created[i] + timedelta(hours=rng.randint(1, 24 * 30)))

    session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    branch = rng.choice(vocab.BRANCHES)
    observations = []
    for i in range(count):
        if rng.random() < 0.2:  # a new session every ~5 observations
            session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            branch = rng.choice(vocab.BRANCHES)
        title, narrative, facts, files, tags = _content(rng, types[i])
        permanent = types[i] not in EPHEMERAL_TYPES
        observations.append(
            new_observation(
                types[i],
                title,
                compose_body(narrative, facts),
                now=created[i],
                ident=ids[i],
                updated=updated[i],
                status=status[i],
                confidence=round(rng.uniform(0.6, 0.95) if permanent else rng.uniform(0.5, 0.9), 2),
                supersedes=supersedes[i],
                superseded_by=superseded_by[i],
                files=files,
                tags=tags,
                session=session,
                branch=branch,
                commit=f"{rng.getrandbits(160):040x}",
                source=rng.choice(vocab.SOURCES),
            )
        )
    return observations


def _new_id(rng: random.Random, used: set[str]) -> str:
    while True:
        ident = rng.choice(_ID_LETTERS) + "".join(rng.choices(_ID_ALPHABET, k=9))
        if ident not in used:
            used.add(ident)
            return ident


def _content(rng: random.Random, kind: str) -> tuple[str, str, list[str], list[str], list[str]]:
    """(title, narrative, facts, files, tags) for one observation of type ``kind``."""
    module = rng.choice(list(vocab.MODULES))
    module_files = vocab.MODULES[module]
    file = rng.choice(module_files)
    other = rng.choice(module_files)
    person = rng.choice(vocab.PEOPLE)
    number = rng.randint(100, 2400)
    tags = [module]
    if kind == "decision":
        adopted, replaced, reason = rng.choice(vocab.ALTERNATIVES)
        title = rng.choice(
            (
                f"Use {adopted} instead of {replaced} in {module}",
                f"Switch {module} from {replaced} to {adopted}",
                f"Drop {replaced} for {adopted}",
                f"Adopt {adopted} for {module}",
            )
        )
        narrative = f"We use {adopted} instead of {replaced} in {module} because {reason}."
        if rng.random() < 0.5:
            narrative += f" {person.title()} compared both on {file} before deciding."
        before = rng.randint(80, 900)
        facts = [
            f"{replaced} is still imported in {other}; remove it when touching that file",
            f"Measured p95 {before} ms with {replaced} and {before * 2 // 3} ms with {adopted}",
            f"Rolled out behind the flag {module}_{_word(adopted)}",
            f"Revisit if {replaced} fixes the problem upstream",
            f"Agreed in PR #{number}",
        ]
        tags.append(_word(adopted))
    elif kind == "gotcha":
        symptom, cause, fix = rng.choice(vocab.GOTCHAS)
        title = rng.choice((f"{symptom} in {module}", symptom, f"{symptom}: {fix}"))
        narrative = f"In {file}, {symptom} because {cause}. The fix is to {fix}."
        if rng.random() < 0.4:
            narrative += f" It took {rng.randint(2, 9)} hours to find."
        facts = [
            f"Cause: {cause}",
            f"Fix: {fix}",
            f"Regression test in tests/test_{module}.py",
            f"First seen on {rng.choice(vocab.BRANCHES)} in PR #{number}",
        ]
    elif kind == "pattern":
        rule, why = rng.choice(vocab.PATTERNS)
        title = rng.choice((rule, f"{rule} in {module}"))
        narrative = f"{rule}: {why}."
        if rng.random() < 0.5:
            narrative += f" Reviewers ask for it in {module}."
        facts = [
            f"Example in {file}",
            f"Applies to everything under {file.rsplit('/', 1)[0]}/",
            f"Written down after PR #{number}",
            f"{person.title()} can explain the history",
        ]
    elif kind == "architecture":
        fact, detail = rng.choice(vocab.ARCHITECTURE)
        title = fact
        narrative = f"{fact}." + (f" In short, {detail}." if detail else "")
        second = rng.choice(list(vocab.MODULES))
        facts = [
            f"Entry point: {file}",
            f"{module} depends on {second} only through its service layer",
            "Diagram in docs/architecture.md",
            f"Last reviewed by {person} in PR #{number}",
        ]
    elif kind == "progress":
        task = rng.choice(vocab.TASKS)
        done, left = rng.sample(_PARTS, 2)
        title = rng.choice(
            (
                f"Finished {done} of {task}",
                f"{task[0].upper()}{task[1:]}: {rng.randrange(10, 95, 5)}% done",
                f"Started {task}",
            )
        )
        narrative = f"Finished {done} of {task}; remaining: {left}."
        facts = [
            f"Done: {file}",
            f"Remaining: {other}",
            f"Blocked until {rng.choice(vocab.EVENTS).format(number=number)}",
            f"{rng.randint(2, 40)} tests added",
        ]
        tags.append("wip")
    else:  # coordination
        event = rng.choice(vocab.EVENTS).format(number=number)
        title = rng.choice(
            (
                f"{person.title()} owns {module}; don't touch {file} until {event}",
                f"{person.title()} owns {module} until {event}",
            )
        )
        narrative = (
            f"{person.title()} is reworking {file}; other changes there will conflict. "
            f"Don't touch it until {event}."
        )
        facts = [
            f"Ask {person} before merging anything under {file.rsplit('/', 1)[0]}/",
            f"Tracking issue #{number}",
            f"Pair with {rng.choice(vocab.PEOPLE)} for reviews meanwhile",
        ]
        tags.append(person)
    if rng.random() < 0.6:
        tags.append(rng.choice(vocab.TOPICS))
    files = sorted({file, other} if rng.random() < 0.3 else {file}) if rng.random() < 0.9 else []
    chosen_facts = rng.sample(facts, rng.randint(1, min(4, len(facts))))
    return _fit(title), narrative, chosen_facts, files, sorted(set(tags))


def _word(name: str) -> str:
    """The first meaningful word of a library or technique name, as a tag."""
    words = [w for w in re.split(r"[^a-z0-9-]+", name.lower()) if w and w not in _STOPWORDS]
    return words[0]


def _fit(title: str) -> str:
    title = title[0].upper() + title[1:]
    if len(title) <= TITLE_MAX:
        return title
    return title[: TITLE_MAX + 1].rsplit(" ", 1)[0].rstrip(" ;:,")


def make_queries(seed: int, count: int = 50) -> list[Query]:
    """``count`` queries of 1-4 words taken from the vocabulary; about a third with filters."""
    rng = random.Random(f"memgit-bench-queries:{seed}")
    phrases = (
        [f"{a} {b}" for a, b, _ in vocab.ALTERNATIVES]
        + [symptom for symptom, _, _ in vocab.GOTCHAS]
        + [rule for rule, _ in vocab.PATTERNS]
        + [fact for fact, _ in vocab.ARCHITECTURE]
        + list(vocab.TASKS)
    )
    singles = [*vocab.MODULES, *vocab.PEOPLE, *vocab.TOPICS]
    queries = []
    for _ in range(count):
        if rng.random() < 0.2:
            text = rng.choice(singles)
        else:
            words = [
                w
                for w in (raw.strip(".,:;()'\"").lower() for raw in rng.choice(phrases).split())
                if len(w) > 2 and w not in _STOPWORDS and "/" not in w
            ]
            take = rng.randint(1, min(4, len(words)))
            start = rng.randrange(len(words) - take + 1)
            text = " ".join(words[start : start + take])
        query = Query(text)
        roll = rng.random()
        if roll < 0.1:
            query = Query(text, type=rng.choice(list(TYPE_WEIGHTS)))
        elif roll < 0.2:
            module = rng.choice(
                [m for m in vocab.MODULES if vocab.MODULES[m][0].startswith("src/")]
            )
            query = Query(text, file=f"src/{module}")
        elif roll < 0.27:
            query = Query(
                text, since=(END - timedelta(days=rng.randint(30, 200))).date().isoformat()
            )
        elif roll < 0.33:
            query = Query(text, status="all")
        queries.append(query)
    return queries


# --- writing a corpus to disk --------------------------------------------------------------------


def write_observations(observations: Sequence[Observation], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for obs in observations:
        (folder / obs.file_name()).write_text(render_observation(obs), encoding="utf-8")


def corpus_folder(size: int, seed: int, cache: Path = DEFAULT_CACHE) -> Path:
    return cache / f"v{GENERATOR_VERSION}-n{size}-s{seed}"


def build_corpus(
    size: int, seed: int = 1, cache: Path = DEFAULT_CACHE, python: str = sys.executable
) -> Corpus:
    """The cached corpus for ``size`` and ``seed``, generated first if needed."""
    folder = corpus_folder(size, seed, cache)
    if (folder / "corpus.json").is_file():
        return Corpus(folder, size, seed)
    began = time.perf_counter()
    work = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(work, ignore_errors=True)
    repo = work / "repo"
    repo.mkdir(parents=True)
    env = child_environment()
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    subprocess.run(
        [python, "-m", "memgit", "init", "--no-hooks"],
        cwd=repo,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    observations = generate(size, seed)
    write_observations(observations, repo / ".memory" / "observations")
    # What a pull brings in: written during the last week, after everything else.
    extra = generate(
        EXTRA,
        seed + 1,
        start=END,
        end=END + timedelta(days=7),
        taken={o.id for o in observations},
    )
    write_observations(extra, work / "extra")
    queries = make_queries(seed)
    (work / "queries.json").write_text(
        json.dumps([{k: v for k, v in asdict(q).items() if v} for q in queries], indent=1) + "\n",
        encoding="utf-8",
    )
    info = {
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "extra": EXTRA,
        "queries": len(queries),
        "generated_seconds": round(time.perf_counter() - began, 2),
    }
    (work / "corpus.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    work.rename(folder)
    return Corpus(folder, size, seed)


def child_environment() -> dict[str, str]:
    """The environment for measured and helper processes.

    Bytecode may be written (pip and pipx install it compiled), the checkout's ``src`` is imported,
    and inherited ``GIT_*``/``MEMGIT_*`` variables cannot change what is measured.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "MEMGIT_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return env


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, required=True, help="number of observations")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    corpus = build_corpus(args.size, args.seed, args.cache)
    print(corpus.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
