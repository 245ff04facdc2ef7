"""The façade the adapters call (CLI, hooks, MCP server, web viewer).

``Memory`` ties the store (the files, the truth) to the index (derived, for search) and keeps them
consistent: every write goes to the store first, then the index catches up. Adapters parse their
input, call one method here and format the result; no business logic lives in them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memgit.config import Config, load_config
from memgit.errors import InvalidObservation, MemgitError, UnknownObservation
from memgit.fileio import atomic_write
from memgit.model import KEYS, Observation, new_observation, normalize_id, utcnow, with_status
from memgit.paths import Paths, find_paths
from memgit.store import Problem, Store

if TYPE_CHECKING:
    from memgit.code_staleness import Verdict
    from memgit.contradictions import Contradiction
    from memgit.index import MemoryIndex, Progress, SyncReport
    from memgit.query import Filters, Hit
    from memgit.redact import Redactor
    from memgit.review import Outcome, ReviewBatch
    from memgit.sessions import SessionSummary
    from memgit.termindex import TermIndex

TEMPLATE_FILES = ("README.md", "config.yaml", ".gitignore")


def template_dir() -> Path:
    """``.memory-template/``: inside the installed package, or beside ``src/`` in a checkout."""
    import importlib.resources

    packaged = importlib.resources.files("memgit") / "_template"
    if packaged.is_dir():
        return Path(str(packaged))
    source = Path(__file__).resolve().parents[2] / ".memory-template"
    if source.is_dir():
        return source
    raise MemgitError(
        "memgit's .memory-template is missing from this installation; reinstall memgit"
    )


@dataclass(frozen=True)
class Remembered:
    """The outcome of ``remember``: ``new``, ``duplicate`` or ``superseded`` (``replaced``)."""

    action: str
    observation: Observation
    path: str
    replaced: Observation | None


@dataclass(frozen=True)
class InitReport:
    root: Path
    created: tuple[str, ...]
    kept: tuple[str, ...]


def initialize(paths: Paths) -> InitReport:
    """Create ``.memory/`` from the template. Idempotent: existing files are never overwritten."""
    created: list[str] = []
    kept: list[str] = []
    source = template_dir()
    for name in TEMPLATE_FILES:
        target = paths.memory / name
        if target.exists():
            kept.append(paths.relative(target))
            continue
        atomic_write(target, (source / name).read_bytes())
        created.append(paths.relative(target))
    for folder in (paths.observations, paths.sessions):
        keep = folder / ".gitkeep"
        if not folder.is_dir() or not keep.exists():
            folder.mkdir(parents=True, exist_ok=True)
            keep.touch()
            created.append(paths.relative(folder) + "/")
    paths.state.mkdir(parents=True, exist_ok=True)
    return InitReport(paths.root, tuple(created), tuple(kept))


def prompt_settings(config: Config) -> dict[str, Any]:
    """What the UserPromptSubmit hook needs of the configuration (kept with the term index)."""
    return {
        "prompt_items": config.context.prompt_items,
        "prompt_chars": config.context.prompt_chars,
        "half_life_days": config.lifecycle.half_life_days,
        "ephemeral_types": list(config.lifecycle.ephemeral_types),
        "quality_floor": config.context.quality_floor,
    }


class Memory:
    """One repository's memory: configuration, store and index, opened once per command."""

    def __init__(self, paths: Paths, config: Config) -> None:
        self.paths = paths
        self.config = config
        self.store = Store(paths, lock_timeout=config.index.lock_timeout)

    @classmethod
    def open(
        cls,
        start: Path | str | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Memory:
        paths = find_paths(start).require_initialized()
        config = load_config(
            paths.config_file,
            environ=environ,
            overrides=overrides,
            cache=paths.state / "config-cache.json",
        )
        return cls(paths, config)

    @cached_property
    def redactor(self) -> Redactor:
        """Secret redaction with the team's extra patterns from ``config.yaml``."""
        from memgit.redact import Redactor

        return Redactor(self.config.redact.patterns)

    @cached_property
    def index(self) -> MemoryIndex:
        from memgit.index import MemoryIndex  # whoosh is ~70 ms to import: only when searching

        return MemoryIndex(
            self.paths.index,
            self.store,
            lock_timeout=self.config.index.lock_timeout,
            settings=prompt_settings(self.config),
        )

    # --- reading --------------------------------------------------------------------------------

    def get(self, ident: str) -> tuple[Observation, str]:
        try:
            path = self.store.find(ident, deep=False)
        except UnknownObservation:
            # Not in any file name (renamed by hand, or no such id): the index knows every id
            # without reading every file.
            hit = self.index.get(normalize_id(ident))
            if hit is None:
                raise
            path = self.paths.root / hit.path
        return self.store.read(path), self.paths.relative(path)

    def search(
        self,
        text: str,
        filters: Filters,
        limit: int = 10,
        *,
        refresh: bool = True,
        semantic: bool | None = None,
    ) -> list[Hit]:
        """Ranked hits; ``refresh=False`` trusts the index as it is (a long-running reader that
        syncs it when files change, such as the web viewer, saves a scan per query).

        Words (BM25) fused with vector similarity when the semantic extra is installed;
        ``semantic=False`` (or ``MEMGIT_SEMANTIC=off``) searches by words alone."""
        if not text.strip():
            raise MemgitError("the search query is empty: give some words to look for")
        from memgit import termsearch

        terms = self._terms(refresh)
        if terms is None:
            return self.index.search(text, filters, limit, refresh=refresh)
        with terms:
            return termsearch.search(
                terms, text, filters, limit, semantic=semantic, cache=str(self.paths.state)
            )

    def listing(
        self, filters: Filters, limit: int | None = None, *, refresh: bool = True
    ) -> list[Hit]:
        """Observations matching ``filters``, most recently updated first."""
        from memgit import termsearch

        terms = self._terms(refresh)
        if terms is None:
            return self.index.list(filters, limit, refresh=refresh)
        with terms:
            return termsearch.listing(terms, filters, limit)

    def _terms(self, refresh: bool) -> TermIndex | None:
        """The term index, synced first when ``refresh`` and the files changed (None when it
        cannot be had: the caller asks the search index)."""
        from memgit import indexstate, termindex
        from memgit.errors import LockTimeout

        folder = str(self.paths.state / termindex.FOLDER)
        if refresh and not indexstate.is_current(self.store):
            with contextlib.suppress(LockTimeout):
                self.index.sync()
        found = termindex.TermIndex.open(folder)
        if found is None and not refresh:
            with contextlib.suppress(LockTimeout):
                self.index.sync()
            found = termindex.TermIndex.open(folder)
        return found

    # --- writing --------------------------------------------------------------------------------

    def add(
        self,
        type: str,
        title: str,
        body: str = "",
        *,
        files: Sequence[str] = (),
        tags: Sequence[str] = (),
        **fields: Any,
    ) -> tuple[Observation, str]:
        """Add one observation as given (``remember`` with ``force``: no dedupe), validated like
        a file on disk, and index it."""
        obs = self.scrub(self._draft(type, title, body, files, tags, **fields))
        result = self.write(obs, force=True)
        return result.observation, result.path

    def _draft(
        self,
        type: str,
        title: str,
        body: str,
        files: Sequence[str],
        tags: Sequence[str],
        **fields: Any,
    ) -> Observation:
        """A new observation with its provenance: the branch and commit it is made on."""
        branch, commit = self._provenance(fields.pop("branch", None), fields.pop("commit", None))
        return new_observation(
            type,
            title,
            body,
            files=tuple(files),
            tags=tuple(tags),
            branch=branch,
            commit=commit,
            **fields,
        )

    def remember(
        self,
        type: str,
        title: str,
        body: str = "",
        *,
        files: Sequence[str] = (),
        tags: Sequence[str] = (),
        confidence: float = 0.8,
        source: str = "manual",
        session: str | None = None,
        branch: str | None = None,
        commit: str | None = None,
        force: bool = False,
    ) -> Remembered:
        """Save an observation through dedupe: new, a restatement (dropped) or a supersession
        (``force``: written as given). ``memgit add``, MCP ``remember`` and capture all write
        through the same rule (``write``)."""
        draft = self._draft(
            type,
            title,
            body,
            files,
            tags,
            confidence=confidence,
            source=source,
            session=session,
            branch=branch,
            commit=commit,
        )
        return self.write(draft, force=force)

    def write(self, draft: Observation, *, force: bool = False) -> Remembered:
        """Write ``draft`` through the one dedupe rule (``_write_deduped``), then index it."""
        with self.store.lock():
            result = self._write_deduped(draft, force=force)
        self._refresh_index()
        return result

    def _write_deduped(self, draft: Observation, *, force: bool = False) -> Remembered:
        """The one way memory is written: ``draft`` judged against similar active memory
        (``dedupe.judge``) and written as new, dropped as a restatement, or written as the
        supersession of what it replaces; ``force`` writes it as given. Caller holds the lock.

        Every new draft of ``memgit add``, capture and ``remember`` passes here: a draft that
        restates memory a person rejected or forgot is dropped (``rejected``); with
        ``review.pending`` set, a draft that is not a person's own (``source`` other than
        ``manual``) is written ``pending``, and one that would supersede an active observation
        only names it in ``supersedes`` until it is accepted.
        """
        from memgit.dedupe import judge
        from memgit.query import Filters
        from memgit.rejections import Rejections

        draft = self.scrub(draft)
        if force:
            written = self.store.create(draft)
            return Remembered("new", draft, self.paths.relative(written), None)
        threshold = self.config.dedupe.threshold
        if Rejections(self.paths.state).matches(draft, threshold) is not None:
            return Remembered("rejected", draft, "", None)
        pending = self.config.review.pending and draft.source not in (None, "manual")
        similar = self.related(
            f"{draft.title} {draft.body}",
            Filters(types=(draft.type,), statuses=("active", "pending")),
            20,
        )
        waiting = [replace(o, status="active") for o in similar if o.pending]
        if waiting:
            again = judge(draft, waiting, threshold)
            if again.action == "duplicate" and again.target is not None:
                target = next(o for o in similar if o.id == again.target.id)
                path = self.paths.relative(self.store.path_for(target))
                return Remembered("duplicate", target, path, None)
        verdict = judge(draft, [o for o in similar if o.active], threshold)
        if verdict.action == "duplicate" and verdict.target is not None:
            path = self.paths.relative(self.store.path_for(verdict.target))
            return Remembered("duplicate", verdict.target, path, None)
        if pending:
            draft = replace(draft, status="pending")
            if verdict.action == "supersede" and verdict.target is not None:
                draft = replace(draft, supersedes=(verdict.target.id,))
            written = self.store.create(draft)
            return Remembered("new", draft, self.paths.relative(written), None)
        if verdict.action == "supersede" and verdict.target is not None:
            from memgit.dedupe import superseding

            title, body = superseding(verdict.target, draft)
            draft = replace(draft, title=title, body=body, supersedes=(verdict.target.id,))
            written = self.store.create(draft)
            old = self.store.read(self.store.find(verdict.target.id))
            if old.active:
                self.store.save(
                    with_status(old, "superseded", draft.created, superseded_by=draft.id)
                )
            return Remembered("superseded", draft, self.paths.relative(written), verdict.target)
        written = self.store.create(draft)
        return Remembered("new", draft, self.paths.relative(written), None)

    @cached_property
    def homes(self) -> tuple[str, ...]:
        """The current user's home folder, for rewriting paths under it (``memgit.homepaths``)."""
        with contextlib.suppress(RuntimeError, KeyError, OSError):
            return (str(Path.home()),)
        return ()

    def path_roots(self, extra: Iterable[str] = ()) -> tuple[str, ...]:
        """Folders whose paths are written repository-relative: the checkout, and ``extra``."""
        return (str(self.paths.root), str(self.paths.resolved_root), *extra)

    def scrub(self, obs: Observation, extra_roots: Iterable[str] = ()) -> Observation:
        """``obs`` without personal paths: repository-relative, or ``~`` under a home folder."""
        from memgit.homepaths import scrub_observation

        return scrub_observation(obs, self.path_roots(extra_roots), self.homes)

    def related(self, text: str, filters: Filters, limit: int) -> list[Observation]:
        """The observations most like ``text``, for dedupe and for model prompts.

        Best effort: a busy index, or a text with nothing searchable in it, gives none.
        """
        from memgit.errors import LockTimeout

        try:
            return [hit.observation for hit in self.index.search(text[:2000], filters, limit)]
        except (LockTimeout, ValueError):
            return []

    def timeline(
        self, *, session: str | None = None, around: str | None = None, limit: int = 20
    ) -> list[Hit]:
        """Observations in the order they were made: of one session, or around one observation."""
        from memgit import termsearch
        from memgit.query import Filters

        if session:
            session = self.resolve_session(session)  # a short id or a prefix, as people type it
        terms = self._terms(True)
        if terms is None:
            return self._timeline_from_index(session=session, around=around, limit=limit)
        with terms:
            if session:
                rows = termsearch.by_creation(terms, Filters(statuses=(), session=session))
                return termsearch.creation_slice(terms, rows, 0, limit)
            rows = termsearch.by_creation(terms, Filters(statuses=()))
            if around:
                centre, _ = self.get(around)
                try:
                    position = termsearch.position_of(
                        terms, rows, centre.id, centre.created.timestamp()
                    )
                except KeyError:
                    return self._timeline_from_index(session=None, around=around, limit=limit)
                start = max(0, min(position - limit // 2, len(rows) - limit))
                return termsearch.creation_slice(terms, rows, start, start + limit)
            return termsearch.creation_slice(terms, rows, len(rows) - limit, len(rows))

    def _timeline_from_index(
        self, *, session: str | None, around: str | None, limit: int
    ) -> list[Hit]:
        from memgit.query import Filters

        if session:
            hits = self.index.list(Filters(statuses=(), session=session), None)
            return sorted(hits, key=lambda h: (h.observation.created, h.observation.id))[:limit]
        hits = sorted(
            self.index.list(Filters(statuses=()), None),
            key=lambda h: (h.observation.created, h.observation.id),
        )
        if around:
            centre, _ = self.get(around)
            position = next(i for i, h in enumerate(hits) if h.observation.id == centre.id)
            start = max(0, min(position - limit // 2, len(hits) - limit))
            return hits[start : start + limit]
        return hits[-limit:]

    def active_observations(self) -> list[Observation]:
        from memgit.query import Filters

        return [hit.observation for hit in self.listing(Filters(), None)]

    def section_body(self, target: str = "claude", now: datetime | None = None) -> str:
        """The generated memory section for ``target``, ranked for ``now``'s date."""
        hits = self._active_hits()
        stale = self.code_staleness(hits)
        return self._render_section(target, [hit.observation for hit in hits], stale, now)

    def section_body_at(self, rev: str, target: str = "claude", now: datetime | None = None) -> str:
        """The section ``generate`` would write with commit ``rev`` checked out.

        Memory and code staleness as of ``rev``, read from git objects alone: this is what the
        merge driver and the pre-commit hook use for a merge commit that is not made yet.
        """
        import tempfile

        from memgit.code_staleness import assess_paths
        from memgit.gitrepo import Git
        from memgit.history import observations_at

        git = Git(self.paths.root)
        found = [(obs, path) for obs, path in observations_at(git, rev) if obs.active]
        with tempfile.TemporaryDirectory(prefix="memgit-state-") as state:
            # A private cache: the real one stays keyed by the real HEAD.
            stale = assess_paths(
                self.paths.root, Path(state), self.config.staleness, found, rev, git
            )
        return self._render_section(target, [obs for obs, _ in found], stale, now)

    def _render_section(
        self,
        target: str,
        observations: Sequence[Observation],
        stale: Mapping[str, Verdict],
        now: datetime | None,
    ) -> str:
        from memgit.context import render_section
        from memgit.section import get_target

        spec = get_target(target)
        lines = spec.max_lines
        if target in ("claude", "agents"):
            lines = min(lines, self.config.context.section_lines)
        return render_section(
            observations,
            now or utcnow(),
            max_lines=lines,
            max_chars=spec.max_chars,
            half_life_days=self.config.lifecycle.half_life_days,
            ephemeral_types=self.config.lifecycle.ephemeral_types,
            stale_ids=frozenset(v.id for v in stale.values() if v.stale),
            quality_floor=self.config.context.quality_floor,
        )

    # --- code-aware staleness (memgit.code_staleness) ----------------------------------------

    def _active_hits(self) -> list[Hit]:
        from memgit.query import Filters

        return self.listing(Filters(), None)

    def code_staleness(self, hits: Sequence[Hit] | None = None) -> dict[str, Verdict]:
        """Active observations whose files changed a lot since they were recorded, at HEAD."""
        from memgit.code_staleness import assess_paths
        from memgit.locate import head_commit

        active = self._active_hits() if hits is None else hits
        return assess_paths(
            self.paths.root,
            self.paths.state,
            self.config.staleness,
            [(hit.observation, hit.path) for hit in active],
            head_commit(str(self.paths.git_dir)),
        )

    # --- end of staleness -----------------------------------------------------------------------

    def generate(
        self, target: str = "claude", *, check: bool = False, now: datetime | None = None
    ) -> tuple[Path, bool]:
        """Write (or with ``check``, compare) the section. Returns the file and changed/current."""
        from memgit.section import check_target, update_target

        body = self.section_body(target, now)
        if check:
            return check_target(self.paths.root, target, body)
        with self.store.lock():
            return update_target(self.paths.root, target, body)

    def _provenance(self, branch: str | None, commit: str | None) -> tuple[str | None, str | None]:
        """Fill in the branch and commit an observation is made on, from the checkout."""
        from memgit.locate import head_branch, head_commit

        git_dir = str(self.paths.git_dir)
        return branch or head_branch(git_dir), commit or head_commit(git_dir)

    def resolve_session(self, text: str) -> str:
        """The full session id for ``text``: itself, or the one session whose id starts with it
        (3+ letters or digits; the short id of a summary's file name works). Raises
        ``AmbiguousId`` listing the sessions when several match; unknown text comes back as is."""
        from memgit.errors import AmbiguousId
        from memgit.query import Filters
        from memgit.sessions import session_key, summaries_like

        text = text.strip()
        key = session_key(text)
        titles = {s.session: s.title for s in summaries_like(self.paths.sessions, text)}
        if text not in titles and len(key) >= 3:
            for hit in self.index.list(Filters(statuses=()), None):
                session = hit.observation.session
                if session and session not in titles and session_key(session).startswith(key):
                    titles[session] = ""
        if text in titles or not titles:
            return text
        if len(titles) == 1:
            return next(iter(titles))
        shown = [f"{s} ({t})" if t else s for s, t in titles.items()]
        raise AmbiguousId(text, shown, what="sessions")

    def session_summary(self, session: str) -> SessionSummary | None:
        """The summary of one session, or None when none was written (or it cannot be read)."""
        from memgit.sessions import find_session_file, parse_session

        session = self.resolve_session(session)
        path = find_session_file(self.paths.sessions, session)
        if path is None:
            return None
        return parse_session(path.read_text(encoding="utf-8"), self.paths.relative(path))

    def _refresh_index(self) -> None:
        """Best effort: the index catches up now, or at the next search if it is busy."""
        from memgit.errors import LockTimeout

        with contextlib.suppress(LockTimeout):
            self.index.sync()

    def reindex(self, *, full: bool = False, progress: Progress | None = None) -> SyncReport:
        return self.index.rebuild(progress) if full else self.index.sync(progress)

    # --- review (memgit.review) -----------------------------------------------------------------

    def review(self, range_text: str | None = None) -> ReviewBatch:
        """What changed since the last commit (or in ``range_text``), with contradictions."""
        from memgit.review import review_items

        return review_items(self, range_text)

    def accept(self, idents: Sequence[str]) -> list[Outcome]:
        from memgit.review import accept

        return accept(self, idents)

    def reject(self, idents: Sequence[str], range_text: str | None = None) -> list[Outcome]:
        from memgit.review import reject

        return reject(self, idents, range_text)

    def forget(self, idents: Sequence[str], reason: str) -> list[Outcome]:
        from memgit.review import forget

        return forget(self, idents, reason)

    def contradictions(self) -> list[Contradiction]:
        """Every pair of active (or pending) permanent observations that disagree."""
        from memgit.contradictions import all_contradictions
        from memgit.query import Filters

        hits = self.index.list(Filters(statuses=("active", "pending")), None)
        return all_contradictions([hit.observation for hit in hits])

    def regenerate(self) -> list[tuple[Path, bool]]:
        """Every configured target's section, after memory changed."""
        return [self.generate(target) for target in self.config.targets]

    # --- checking -------------------------------------------------------------------------------

    def validate(self, targets: Iterable[Path] = ()) -> tuple[int, list[Problem], list[Problem]]:
        """Check memory files. Returns (files checked, errors, warnings)."""
        files = [Path(t) for t in targets] or [f.path for f in self.store.scan()]
        errors: list[Problem] = []
        warnings: list[Problem] = []
        seen: dict[str, str] = {}
        checked = 0
        for path in files:
            rel = self.paths.relative(path)
            if not path.exists():
                continue  # deleted in this commit: nothing to validate
            checked += 1
            try:
                obs = self.store.read(path)
            except InvalidObservation as exc:
                errors.extend(Problem(exc.path, str(p)) for p in exc.problems)
                continue
            if obs.id in seen:
                errors.append(Problem(rel, f"id {obs.id} is also used by {seen[obs.id]}"))
            seen[obs.id] = rel
            for key, _ in obs.extra:
                warnings.append(
                    Problem(rel, f"{key}: unknown key, kept as it is (known: {', '.join(KEYS)})")
                )
        return checked, errors, warnings
