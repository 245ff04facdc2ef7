"""The Whoosh search index: derived from ``.memory/``, disposable, synced incrementally.

The index lives in the local state folder (never in the work tree). Beside it, a manifest records
the name, mtime and size of every observation file the index has seen, so that a sync re-reads
only files that changed, removes deleted ones, and notices edits made behind memgit's back (by
hand, by ``git pull``, by a checkout). A digest of that listing is kept in a small file too, so
the check before each search costs one ``stat`` per file and no manifest parsing when nothing
changed (at 100k files the manifest is 11 MB of JSON). A full rebuild is built in a fresh folder
and swapped in, so searches keep working while it runs. This module is the only one that imports
``whoosh``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import OrGroup, QueryParser
from whoosh.qparser.plugins import FieldsPlugin, WildcardPlugin

from memgit import indexstate, termindex
from memgit.errors import IndexUnavailable, InvalidObservation, LockTimeout, MemgitError
from memgit.fileio import file_lock
from memgit.model import STATUSES, Observation, format_time
from memgit.openitems import MANIFEST
from memgit.query import ACTIVE, Filters, Hit, observation_from_stored
from memgit.store import Listing, Problem, Store

QUICK_SECONDS = indexstate.QUICK_SECONDS

SCHEMA_VERSION = indexstate.SCHEMA_VERSION
#: How every writer is opened.
#: ``limitmb``: memory whoosh may use to sort postings before it spills them to temporary runs
#: that it must merge again at commit; 128 keeps a 10k rebuild in memory (64 made it spill and
#: merge, a third of its time) and a 100k rebuild under 300 MB.
#: ``compound=False``: keep each segment's parts as separate files. whoosh reads a part of a
#: compound segment file through ``BytesIO(memoryview)``, which copies the whole part into
#: memory: at 100k observations every search copied ~180 MB (postings and stored documents)
#: before looking at a single term.
WRITER_OPTIONS: dict[str, Any] = {"limitmb": 128, "compound": False}
#: A rebuild of more files than this sorts in a smaller pool: it spills to runs and merges
#: (slower), but leaves room for the term index, the manifest and the embedding model under
#: 300 MB at 100k (whoosh's estimate of a posting's size is ~2/3 of what it takes).
LARGE_REBUILD = 30_000
LARGE_LIMITMB = 32
#: Manifest entries serialised at a time.
MANIFEST_SLICE = 2000

Progress = Callable[[int, int], None]
T = TypeVar("T")

_TEXT = StemmingAnalyzer()


def _release_model() -> None:
    """Let the embedding model go (the next vector loads it again, in ~50 ms)."""
    embeddings = sys.modules.get("memgit.embeddings")
    if embeddings is not None:
        embeddings.load.cache_clear()


def _temporary_file(path: Path, chunks: Iterable[bytes]) -> str:
    """A temporary file beside ``path`` holding ``chunks``: ``os.replace`` it over ``path`` to
    write ``path`` atomically (readers see the old file or the new)."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.chmod(temporary, 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _schema() -> Schema:
    # Numeric fields are indexed at several precisions so that range queries stay fast: 16 terms
    # per value for a float, 8 for a date. Only ``updated`` is searched by range (``--since``);
    # ``created`` (sorted on) and ``confidence`` get one term each, which makes every document
    # about 30% smaller to index.
    created = DATETIME(sortable=True)
    created.shift_step = 0
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True),
        status=ID(stored=True),
        branch=ID,
        session=ID,
        text=TEXT(analyzer=_TEXT),
        files=KEYWORD(commas=True),
        created=created,
        updated=DATETIME(sortable=True),
        confidence=NUMERIC(float, stored=True, shift_step=0),
        doc=STORED,
    )


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    rebuilt: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed


@dataclass(frozen=True)
class Health:
    exists: bool
    documents: int
    files: int
    stale: int
    problems: tuple[Problem, ...]
    schema_version: int | None


class MemoryIndex:
    def __init__(
        self,
        folder: Path,
        store: Store,
        lock_timeout: float = 10.0,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.folder = folder
        self.store = store
        self.lock_timeout = lock_timeout
        #: The prompt settings of the configuration, recorded with the term index for the hook.
        self.settings = settings or {}
        self.terms_folder = str(folder.parent / termindex.FOLDER)
        self.manifest_path = folder.parent / MANIFEST
        self.digest_path = folder.parent / indexstate.DIGEST
        self.checked_path = folder.parent / indexstate.CHECKED
        self.lock_path = store.paths.locks / "index.lock"

    # --- manifest -------------------------------------------------------------------------------

    def _read_manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
            return None
        if not windex.exists_in(str(self.folder)):
            return None
        return data

    def _write_manifest(self, files: dict[str, list[Any]], listing: Listing) -> None:
        os.replace(self._manifest_file(files), self.manifest_path)
        self._write_digest(listing)

    def _manifest_file(self, files: dict[str, list[Any]]) -> str:
        """The manifest of ``files`` in a temporary file beside it (``os.replace`` it in)."""

        # The same bytes as one ``json.dumps`` of the whole, written a slice at a time: at 100k
        # files the text in one piece (and its encoded copy) would cost 20 MB more at the end
        # of a rebuild, when memory is fullest.
        def chunks() -> Iterator[bytes]:
            yield b'{"schema":%d,"files":{' % SCHEMA_VERSION
            names = list(files)
            for begin in range(0, len(names), MANIFEST_SLICE):
                part = {name: files[name] for name in names[begin : begin + MANIFEST_SLICE]}
                text = json.dumps(part, separators=(",", ":"))[1:-1]
                yield (b"," if begin else b"") + text.encode("utf-8")
            yield b"}}"

        return _temporary_file(self.manifest_path, chunks())

    # --- digest: "nothing changed" without reading the manifest ---------------------------------

    def _write_digest(self, listing: Listing) -> None:
        indexstate.write_digest(self.folder.parent, indexstate.digest(listing, SCHEMA_VERSION))

    def _digest_matches(self, listing: Listing) -> bool:
        """True when the index was last synced with exactly these files (and still exists)."""
        recorded = indexstate.recorded_digest(self.folder.parent)
        return (
            recorded == indexstate.digest(listing, SCHEMA_VERSION)
            and self.manifest_path.exists()
            and indexstate.index_exists(self.folder)
        )

    @staticmethod
    def _pending(manifest: dict[str, Any], listing: Listing) -> tuple[list[str], list[str]]:
        """Names of files that are new or changed since indexed, and names that are gone."""
        known: dict[str, list[Any]] = manifest["files"]
        changed = sorted(
            name
            for name, (mtime_ns, size) in listing.items()
            if (entry := known.get(name)) is None or entry[0] != mtime_ns or entry[1] != size
        )
        removed = [name for name in known if name not in listing]
        return changed, removed

    def _listing(self) -> Listing:
        return self.store.listing()

    # --- sync -----------------------------------------------------------------------------------

    def is_fresh(self) -> bool:
        """True when the index reflects every file in ``.memory/observations/`` right now."""
        manifest = self._read_manifest()
        if manifest is None:
            return False
        changed, removed = self._pending(manifest, self._listing())
        return not changed and not removed

    def sync(self, progress: Progress | None = None) -> SyncReport:
        """Bring the index up to date with the files: only changed files are re-read."""
        folder_mtime = self._folder_mtime()
        marks = self._marks()
        listing = self._listing()
        terms_ok = self._terms_exist()
        if terms_ok and self._digest_matches(listing):
            self._stamp_checked(folder_mtime)
            self._touch_marks(marks)
            return SyncReport()
        manifest = self._read_manifest()
        if manifest is None or not terms_ok:
            return self.rebuild(progress)
        changed, removed = self._pending(manifest, listing)
        if not changed and not removed:
            self._write_digest(listing)  # same files, listed in another order
            self._touch_marks(marks)
            return SyncReport()
        with file_lock(self.lock_path, timeout=self.lock_timeout, what="the search index"):
            # Another process may have synced while we waited for the lock.
            manifest = self._read_manifest()
            if manifest is None:
                return self._rebuild_locked(progress)
            listing = self._listing()
            changed, removed = self._pending(manifest, listing)
            if not changed and not removed:
                return SyncReport()
            files: dict[str, list[Any]] = dict(manifest["files"])
            report = SyncReport()
            records: list[dict[str, Any]] = []
            ix = self._open()
            writer = ix.writer(timeout=self.lock_timeout, **WRITER_OPTIONS)
            try:
                for name in removed:
                    gone = files.pop(name)
                    if gone[2]:
                        writer.delete_by_term("id", gone[2])
                    report.removed += 1
                for done, name in enumerate(changed, start=1):
                    previous = files.get(name)
                    if previous and previous[2]:
                        writer.delete_by_term("id", previous[2])
                    files[name] = self._index_file(
                        writer, name, listing[name], report, replace=True, collect=records.append
                    )
                    if previous is None:
                        report.added += 1
                    else:
                        report.updated += 1
                    if progress:
                        progress(done, len(changed))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            kept = {record["n"] for record in records}
            dropped = [*removed, *(name for name in changed if name not in kept)]
            if not termindex.apply_changes(self.terms_folder, records, dropped, marks):
                self._write_manifest(files, listing)
                return self._rebuild_locked(progress)
            self._write_manifest(files, listing)
            return report

    def rebuild(self, progress: Progress | None = None) -> SyncReport:
        """Rebuild from scratch into a fresh folder, then swap it in."""
        with file_lock(self.lock_path, timeout=self.lock_timeout, what="the search index"):
            return self._rebuild_locked(progress)

    def _rebuild_locked(self, progress: Progress | None) -> SyncReport:
        listing = self._listing()
        names = sorted(listing)
        # The listing is only needed for its digest once each file's stat is taken from it.
        listed = indexstate.digest(listing, SCHEMA_VERSION)
        fresh = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        marks = self._marks()
        ix = windex.create_in(str(fresh), _schema())
        options = dict(WRITER_OPTIONS)
        if len(names) > LARGE_REBUILD:
            options["limitmb"] = LARGE_LIMITMB
        writer = ix.writer(timeout=self.lock_timeout, **options)
        report = SyncReport(rebuilt=True)
        files: dict[str, list[Any]] = {}
        terms = termindex.Builder(self.terms_folder)
        manifest = ""
        try:
            for done, name in enumerate(names, start=1):
                files[name] = self._index_file(
                    writer, name, listing.pop(name), report, replace=False, collect=terms.add
                )
                if progress:
                    progress(done, len(names))
            del listing
            _release_model()  # every vector is made: its table and tokenizer can go
            # Written now, put in place after the swap: its 100k entries need not sit beside
            # whoosh's merge of its runs, the fullest moment of a rebuild.
            report.added = sum(1 for entry in files.values() if entry[2])
            manifest = self._manifest_file(files)
            del files
            writer.commit()
        except BaseException:
            writer.cancel()
            terms.abort()
            shutil.rmtree(fresh, ignore_errors=True)
            if manifest:
                with contextlib.suppress(OSError):
                    os.unlink(manifest)
            raise
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        fresh.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        try:
            termindex.finish_full(self.terms_folder, terms, marks)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(manifest)
            raise
        os.replace(manifest, self.manifest_path)
        indexstate.write_digest(self.folder.parent, listed)
        return report

    def _index_file(
        self,
        writer: Any,
        name: str,
        stat: tuple[int, int],
        report: SyncReport,
        *,
        replace: bool,
        collect: Callable[[dict[str, Any]], None],
    ) -> list[Any]:
        """Index one file; returns its manifest entry.

        The entry is ``[mtime_ns, size, id, problem, type, status, updated]``.

        ``replace=False`` (a fresh index) skips the lookup of an older copy of the document.
        ``collect`` receives the file's term index record. ``stat`` is the listing's
        ``(mtime_ns, size)`` of the file named ``name``.
        """
        mtime_ns, size = stat
        path = f"{self._observations_prefix}/{name}"
        try:
            obs = self.store.read_named(name, path)
        except InvalidObservation as exc:
            problem = Problem(exc.path, "; ".join(str(p) for p in exc.problems))
            report.problems.append(problem)
            return [mtime_ns, size, None, problem.message]
        document = _document(obs, path)
        if replace:
            writer.update_document(**document)
        else:
            writer.add_document(**document)
        collect(termindex.record_for(obs, name, path, mtime_ns, size))
        return [
            mtime_ns,
            size,
            obs.id,
            None,
            sys.intern(obs.type),  # a handful of values, one string each for 100k entries
            sys.intern(obs.status),
            format_time(obs.updated),
        ]

    @cached_property
    def _observations_prefix(self) -> str:
        """``.memory/observations``: resolved once, not once per indexed file."""
        return self.store.relative(self.store.paths.observations)

    def _open(self) -> Any:
        try:
            return windex.open_dir(str(self.folder))
        except Exception as exc:  # whoosh raises several kinds for a damaged folder
            raise IndexUnavailable(
                f"the search index in {self.folder} cannot be opened ({exc}); "
                "run `memgit reindex` to rebuild it"
            ) from exc

    def fresh_searcher_index(self, *, sync: bool = True) -> Any:
        """Open the index after a sync; a busy index is searched as it is (maybe slightly stale).

        ``sync=False`` searches the index as it is when one exists (hooks, which have a time
        budget and a background worker that keeps the index fresh).
        """
        if not sync and windex.exists_in(str(self.folder)):
            return self._open()
        if self._recently_checked() and windex.exists_in(str(self.folder)):
            return self._open()
        try:
            self.sync()
        except LockTimeout:
            if self._read_manifest() is None:
                raise
        return self._open()

    # --- the quick check before a search ---------------------------------------------------------
    #
    # Adding, deleting or renaming a file changes the folder's mtime: memgit's own writes
    # (temporary file, then rename), git's checkouts and pulls, most editors' saves. Only an edit
    # written in place keeps it. So a search checks the folder's mtime every time, and the
    # mtime and size of every file only when the last full check is older than QUICK_SECONDS:
    # at 100k files that full check costs most of a second.

    def _marks(self) -> dict[str, Any]:
        """What the term index records of the moment it was synced (see ``termindex``)."""
        return {**termindex.current_marks(str(self.store.paths.root)), "settings": self.settings}

    def _terms_exist(self) -> bool:
        return termindex.usable(self.terms_folder)

    def _touch_marks(self, marks: dict[str, Any]) -> None:
        """Nothing to index, but the folder or the configuration was touched: say it is current."""
        recorded = termindex.read_marks(self.terms_folder) or {}
        marks = {**marks, "base": recorded.get("base")}
        if recorded != marks:
            with contextlib.suppress(OSError):
                termindex.write_marks(self.terms_folder, marks)

    def _folder_mtime(self) -> int:
        return indexstate.folder_mtime(self.store.paths.observations)

    def _stamp_checked(self, folder_mtime: int) -> None:
        indexstate.stamp_checked(self.folder.parent, folder_mtime)

    def _recently_checked(self) -> bool:
        return indexstate.recently_checked(
            self.folder.parent, self.store.paths.observations, QUICK_SECONDS
        )

    def is_current(self) -> bool:
        """Whether both indexes reflect the files (``indexstate.is_current``)."""
        return indexstate.is_current(self.store, QUICK_SECONDS)

    # --- queries --------------------------------------------------------------------------------

    def _read(self, work: Callable[[Any], T], refresh: bool = True) -> T:
        """Run ``work`` on a searcher, once more if the index was swapped under it.

        A rebuild in another process swaps in a new index folder; a reader that opened the old
        one can then fail on files it had not opened yet. The new index is complete, so a
        second try on a fresh searcher answers. Other failures (and a second one) propagate.
        """
        ix = self.fresh_searcher_index(sync=refresh)
        try:
            with ix.searcher() as searcher:
                return work(searcher)
        except MemgitError:
            raise
        except Exception:  # whoosh's lazily opened readers fail in several ways
            time.sleep(0.05)
            with self._open().searcher() as searcher:
                return work(searcher)

    def search(
        self, text: str, filters: Filters = ACTIVE, limit: int = 10, *, refresh: bool = True
    ) -> list[Hit]:
        """Ranked hits. ``refresh=False`` skips the sync: for readers that keep it in sync."""

        def work(searcher: Any) -> list[Hit]:
            parser = QueryParser("text", schema=searcher.schema, group=OrGroup)
            parser.remove_plugin_class(FieldsPlugin)
            parser.remove_plugin_class(WildcardPlugin)
            query = parser.parse(text)
            # Narrow lazily, alongside the words: a filter= would first collect every document
            # it allows (most of the index for "active"). Statuses are a closed set, so they
            # narrow by leaving out the few documents of the other statuses.
            narrowed = _filter_query(replace(filters, statuses=()))
            if narrowed is not None:
                query = wq.Require(query, narrowed)
            excluded = [s for s in STATUSES if filters.statuses and s not in filters.statuses]
            if excluded:
                query = wq.AndNot(query, wq.Or([wq.Term("status", s) for s in excluded]))
            results = searcher.search(query, limit=max(limit * 3, limit + 10), optimize=False)
            return [Hit(_from_stored(r["doc"]), r["doc"]["path"], float(r.score)) for r in results]

        hits = self._read(work, refresh)
        hits.sort(
            key=lambda h: (-h.score * (0.5 + 0.5 * h.observation.confidence), h.observation.id)
        )
        return hits[:limit]

    def list(
        self, filters: Filters = ACTIVE, limit: int | None = None, *, refresh: bool = True
    ) -> list[Hit]:
        """Observations matching ``filters``, most recently updated first."""

        def work(searcher: Any) -> list[Hit]:
            results = searcher.search(
                _filter_query(filters) or wq.Every(),
                limit=limit,
                sortedby="updated",
                reverse=True,
            )
            return [Hit(_from_stored(r["doc"]), r["doc"]["path"], 0.0) for r in results]

        return self._read(work, refresh)

    def get(self, ident: str) -> Hit | None:
        def work(searcher: Any) -> Hit | None:
            fields = searcher.document(id=ident)
            if fields is None:
                return None
            return Hit(_from_stored(fields["doc"]), fields["doc"]["path"], 0.0)

        return self._read(work)

    def health(self) -> Health:
        manifest = self._read_manifest()
        listing = self._listing()
        if manifest is None:
            return Health(False, 0, len(listing), len(listing), (), None)
        changed, removed = self._pending(manifest, listing)
        problems = tuple(
            Problem(self.store.relative(self.store.paths.observations / name), entry[3])
            for name, entry in sorted(manifest["files"].items())
            if entry[3]
        )
        with self._open().searcher() as searcher:
            documents = searcher.doc_count()
        return Health(
            True, documents, len(listing), len(changed) + len(removed), problems, SCHEMA_VERSION
        )


#: How much more a word counts in the title, tags and file names than in the body. One text field
#: with weighted repeats ranks like per-field boosts but searches three to five times faster:
#: Whoosh scores one posting list per query word instead of one per word and field.
TITLE_WEIGHT = 3
TAG_WEIGHT = 2
FILE_WEIGHT = 2


def searchable_text(obs: Observation) -> str:
    files = " ".join(f.replace("/", " ").replace("_", " ").replace(".", " ") for f in obs.files)
    tags = " ".join(obs.tags)
    parts = [obs.title] * TITLE_WEIGHT + [tags] * TAG_WEIGHT + [files] * FILE_WEIGHT + [obs.body]
    return "\n".join(part for part in parts if part)


def stored_document(obs: Observation, path: str) -> dict[str, Any]:
    """The copy of an observation both indexes keep: JSON-safe, with its file's path."""
    stored = obs.to_dict()  # JSON-safe already, except what unknown keys may hold
    stored["path"] = path
    stored["extra"] = json.loads(json.dumps([[k, v] for k, v in obs.extra], default=str))
    return stored


def _document(obs: Observation, path: str) -> dict[str, Any]:
    stored = stored_document(obs, path)
    return {
        "id": obs.id,
        "type": obs.type,
        "status": obs.status,
        "branch": obs.branch or "",
        "session": obs.session or "",
        "text": searchable_text(obs),
        "files": ",".join(obs.files),
        "created": obs.created.replace(tzinfo=None),
        "updated": obs.updated.replace(tzinfo=None),
        "confidence": obs.confidence,
        "doc": stored,
    }


_from_stored = observation_from_stored


def _filter_query(filters: Filters) -> Any:
    parts: list[Any] = []
    if filters.types:
        parts.append(wq.Or([wq.Term("type", t) for t in filters.types]))
    if filters.statuses:
        parts.append(wq.Or([wq.Term("status", s) for s in filters.statuses]))
    if filters.file:
        path = filters.file.strip("/")
        parts.append(wq.Or([wq.Term("files", path), wq.Prefix("files", path + "/")]))
    if filters.since or filters.until:
        start = filters.since.replace(tzinfo=None) if filters.since else None
        end = filters.until.replace(tzinfo=None) if filters.until else None
        parts.append(wq.DateRange("updated", start, end))
    if filters.branch:
        parts.append(wq.Term("branch", filters.branch))
    if filters.session:
        parts.append(wq.Term("session", filters.session))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


__all__ = ["Filters", "Health", "Hit", "MemoryIndex", "SyncReport", "format_time"]
