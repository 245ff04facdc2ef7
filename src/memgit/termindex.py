"""The term index: a compact, standard-library-readable copy of the search index's BM25 statistics.

The Whoosh index answers searches well but costs ~60 ms to import and ~100 ms more to open and
score at 10k observations: too much before every prompt. This module keeps, beside it in the local
state folder (``<git dir>/memgit/terms/``, never committed), what ranking needs:

- ``base.bin``: one file, written atomically: a JSON header, a hash-bucketed term dictionary
  (each bucket a small JSON object ``term -> [postings offset, document frequency]``), the
  postings (document numbers and term frequencies as ``array`` bytes), fixed-width columns per
  document (field length, confidence, status, type, created, updated, session, branch) and one
  JSON record per document (the stored observation, its file's name, mtime and size, its term
  frequencies and its prepared prompt line). Readers ``mmap`` it and touch only the few buckets,
  postings and records a query needs.
- ``delta.json``: documents added or changed since ``base.bin`` was written, and the base
  documents they replace or that were deleted. Small by construction: past ``MAX_DELTA``
  documents the base is rewritten from its own records plus the delta.
- ``marks.json``: the observations folder's and ``config.yaml``'s mtimes when the two files were
  last brought up to date, and the prompt settings of the configuration. A reader whose marks
  differ knows that files changed since (``add``, ``pull``, ``merge``, a hand edit that renames),
  and syncs through the search index first.

Text is analysed exactly as the Whoosh field is (the same tokenizer pattern, stop words and
Porter stemmer) and scored with the same BM25F formula, so both rank alike. ``MemoryIndex`` (the
only writer) feeds this module while it syncs; reading imports the standard library and the
stemmer function only.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import re
import struct
import zlib
from array import array

TYPE_CHECKING = False  # typing itself costs a few ms on the hook's path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

FOLDER = "terms"
BASE = "base.bin"
DELTA = "delta.json"
MARKS = "marks.json"
MAGIC = b"MGTI\x01\n"
VERSION = 1
#: A delta bigger than this (documents added or changed plus documents removed) is merged.
MAX_DELTA = 1000
#: BM25F parameters of Whoosh's default weighting.
B = 0.75
K1 = 1.2

_PAIR = struct.Struct("<QQ")
_TOKEN = re.compile(r"[\w\*]+(\.?[\w\*]+)*", re.UNICODE)
#: Whoosh's English stop words (``whoosh.analysis.STOP_WORDS``), which its StemmingAnalyzer drops.
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that the this "
    "to us we when will with yet you your".split()
)


def _stem() -> Any:
    from whoosh.lang.porter import stem  # one pure function: not the search engine

    return stem


_stem_cache: dict[str, str] = {}


def analyze(text: str) -> list[str]:
    """The terms Whoosh's StemmingAnalyzer makes of ``text``, in order (with repeats)."""
    stem = _stem()
    terms = []
    for match in _TOKEN.finditer(text):
        word = match.group().lower()
        if len(word) < 2 or word in STOP_WORDS:
            continue
        term = _stem_cache.get(word)
        if term is None:
            term = _stem_cache[word] = stem(word)
        terms.append(term)
    return terms


def length_byte(length: int) -> float:
    """A field length as Whoosh stores it: one byte, exact for short lengths."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    return float(byte_to_length(length_to_byte(length)))


def _bucket(term: str, buckets: int) -> int:
    return zlib.crc32(term.encode("utf-8", "surrogatepass")) % buckets


# --- writing ---------------------------------------------------------------------------------


class Builder:
    """Streams documents into a new ``base.bin``: records go to disk as they come."""

    def __init__(self, folder: str) -> None:
        os.makedirs(folder, exist_ok=True)
        self.folder = folder
        self.records_path = os.path.join(folder, f".records-{_token()}")
        self.records = open(self.records_path, "wb")  # noqa: SIM115 - closed in finish/abort
        self.offsets = array("Q", [0])
        # Term frequencies apart from the records: only a rewrite of the base reads them back.
        self.tfs_path = os.path.join(folder, f".tfs-{_token()}")
        self.tfs = open(self.tfs_path, "wb")  # noqa: SIM115 - closed in finish/abort
        self.tf_offsets = array("Q", [0])
        self.names: list[str] = []
        self.postings: dict[str, tuple[array[int], array[int]]] = {}
        self.lengths = array("f")
        self.true_lengths = 0
        self.confidence = array("f")
        self.created = array("d")
        self.updated = array("d")
        self.codes: dict[str, array[int]] = {k: array("I") for k in ("status", "type", "s", "b")}
        self.tables: dict[str, dict[str, int]] = {k: {"": 0} for k in ("status", "type", "s", "b")}
        self.vectors_path = os.path.join(folder, f".vectors-{_token()}")
        self.vectors = open(self.vectors_path, "wb")  # noqa: SIM115 - closed in finish/abort
        self.vector_model: str | None = None
        self.vector_bytes = 0
        self.vector_sum: Any = None
        self.vector_count = 0

    def add(self, record: dict[str, Any]) -> None:
        doc = len(self.lengths)
        for term, tf in record["t"].items():
            found = self.postings.get(term)
            if found is None:
                found = self.postings[term] = (array("I"), array("H"))
            found[0].append(doc)
            found[1].append(min(tf, 65535))
        self.lengths.append(record["q"])
        self.true_lengths += record["l"]
        stored = record["d"]
        self.confidence.append(float(stored["confidence"]))
        self.created.append(float(record["c"]))
        self.updated.append(float(record["u"]))
        for key, value in (
            ("status", stored["status"]),
            ("type", stored["type"]),
            ("s", stored.get("session") or ""),
            ("b", stored.get("branch") or ""),
        ):
            table = self.tables[key]
            code = table.get(value)
            if code is None:
                code = table[value] = len(table)
            self.codes[key].append(code)
        vector = record.pop("v", None)  # kept in the vectors section, not in the record
        if isinstance(vector, str):
            import base64

            raw = base64.b64decode(vector)
            if not self.vector_bytes:
                self.vector_bytes, self.vector_model = len(raw), record.get("vm")
            if len(raw) == self.vector_bytes and record.get("vm") == self.vector_model:
                import numpy as np

                self.vectors.write(b"\0" * (doc * self.vector_bytes - self.vectors.tell()))
                self.vectors.write(raw)
                row = np.frombuffer(raw, dtype=np.float16).astype(np.float64)
                self.vector_sum = row if self.vector_sum is None else self.vector_sum + row
                self.vector_count += 1
        counts = json.dumps(record["t"], ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )
        self.tfs.write(counts)
        self.tf_offsets.append(self.tf_offsets[-1] + len(counts))
        self.names.append(record["n"])
        data = json.dumps(
            {k: v for k, v in record.items() if k != "t"}, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8", "surrogatepass")
        self.records.write(data)
        self.offsets.append(self.offsets[-1] + len(data))

    def abort(self) -> None:
        for handle in (self.records, self.vectors, self.tfs):
            handle.close()
        for path in (self.records_path, self.vectors_path, self.tfs_path):
            _remove(path)

    def finish(self, base_id: str | None = None) -> str:
        """Write ``base.bin`` atomically; returns its id."""
        count = len(self.lengths)
        if self.vector_bytes:  # documents without a vector (or of another model) get zeros
            self.vectors.write(b"\0" * (count * self.vector_bytes - self.vectors.tell()))
        for handle in (self.records, self.vectors, self.tfs):
            handle.close()
        try:
            return self._write(base_id or _token())
        finally:
            for path in (self.records_path, self.vectors_path, self.tfs_path):
                _remove(path)

    def _vector_codes(self, count: int) -> bytes:
        """One bit per dimension of each vector: set where it exceeds the mean of all (a search
        compares codes first, and exact vectors only for the nearest codes)."""
        import numpy as np

        mean = (self.vector_sum / self.vector_count).astype(np.float32)
        width = self.vector_bytes // 2
        codes = bytearray()
        with open(self.vectors_path, "rb") as part:
            for begin in range(0, count, 8192):
                raw = part.read(min(8192, count - begin) * self.vector_bytes)
                rows = np.frombuffer(raw, dtype=np.float16).reshape(-1, width)
                bits = rows.astype(np.float32) > mean
                codes += np.packbits(bits, axis=1, bitorder="little").tobytes()
        return bytes(codes)

    def _write(self, base_id: str) -> str:
        count = len(self.lengths)
        buckets = 64
        while buckets * 8 < len(self.postings):
            buckets *= 2
        grouped: list[dict[str, list[int]]] = [{} for _ in range(buckets)]
        order = sorted(self.postings)
        postings_length = 0
        for term in order:  # postings are streamed to the file below, never joined in memory
            df = len(self.postings[term][0])
            grouped[_bucket(term, buckets)][term] = [postings_length, df]
            postings_length += 6 * df + (-(6 * df) % 4)
        bucket_bytes = bytearray()
        bucket_offsets = array("Q", [0])
        for group in grouped:
            bucket_bytes += json.dumps(group, ensure_ascii=False, separators=(",", ":")).encode(
                "utf-8", "surrogatepass"
            )
            bucket_offsets.append(len(bucket_bytes))
        sections: list[tuple[str, bytes]] = [
            ("buckets", bucket_offsets.tobytes()),
            ("terms", bytes(bucket_bytes)),
            ("postings", b""),
            ("length", self.lengths.tobytes()),
            ("confidence", self.confidence.tobytes()),
            ("created", self.created.tobytes()),
            ("updated", self.updated.tobytes()),
            *((f"code_{k}", v.tobytes()) for k, v in self.codes.items()),
            ("offsets", self.offsets.tobytes()),
            ("tf_offsets", self.tf_offsets.tobytes()),
        ]
        if self.vector_count:
            sections.append(("vector_codes", self._vector_codes(count)))
        if not any("\n" in name for name in self.names):  # else writers read the records
            sections.append(("names", "\n".join(self.names).encode("utf-8", "surrogateescape")))
        layout: dict[str, list[int]] = {}
        position = 0
        for name, data in sections:
            position += -position % 8
            size = postings_length if name == "postings" else len(data)
            layout[name] = [position, size]
            position += size
        position += -position % 8
        layout["records"] = [position, int(self.offsets[-1])]
        position += int(self.offsets[-1])
        position += -position % 8
        layout["vectors"] = [position, count * self.vector_bytes]
        position += count * self.vector_bytes
        position += -position % 8
        layout["tfs"] = [position, int(self.tf_offsets[-1])]
        header = {
            "version": VERSION,
            "id": base_id,
            "count": count,
            "total_length": self.true_lengths,
            "buckets": buckets,
            "sections": layout,
            "tables": {k: sorted(t, key=t.__getitem__) for k, t in self.tables.items()},
            "vectors": self.vector_model if self.vector_bytes else None,
            "vector_bytes": self.vector_bytes,
            "vector_mean": [float(x) / self.vector_count for x in self.vector_sum]
            if self.vector_count
            else None,
        }
        head = json.dumps(header, ensure_ascii=False).encode("utf-8", "surrogatepass")
        target = os.path.join(self.folder, BASE)
        temporary = os.path.join(self.folder, f".base-{_token()}")
        try:
            with open(temporary, "wb") as out:
                out.write(MAGIC + len(head).to_bytes(8, "little") + head)
                start = out.tell()
                for name, data in sections:
                    out.write(b"\0" * (start + layout[name][0] - out.tell()))
                    if name != "postings":
                        out.write(data)
                        continue
                    for term in order:
                        docs, tfs = self.postings.pop(term)
                        out.write(docs.tobytes())
                        out.write(tfs.tobytes())
                        out.write(b"\0" * (-(6 * len(docs)) % 4))
                for name, path in (
                    ("records", self.records_path),
                    ("vectors", self.vectors_path),
                    ("tfs", self.tfs_path),
                ):
                    out.write(b"\0" * (start + layout[name][0] - out.tell()))
                    with open(path, "rb") as part:
                        while chunk := part.read(1 << 20):
                            out.write(chunk)
            os.replace(temporary, target)
        except BaseException:
            _remove(temporary)
            raise
        return base_id


def _token() -> str:
    import uuid

    return uuid.uuid4().hex


def _remove(path: str) -> None:
    try:  # noqa: SIM105 - contextlib is a few ms the hook need not pay
        os.unlink(path)
    except OSError:
        pass


def record_for(obs: Any, name: str, path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    """What the term index keeps of one observation (built by the writer, read by everyone)."""
    from memgit.context import prompt_line
    from memgit.index import searchable_text, stored_document
    from memgit.quality import is_human, quality

    terms = analyze(searchable_text(obs))
    counts: dict[str, int] = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1
    record: dict[str, Any] = {
        "n": name,
        "m": mtime_ns,
        "z": size,
        "p": path,
        "c": obs.created.timestamp(),
        "u": obs.updated.timestamp(),
        "l": len(terms),
        "q": length_byte(len(terms)),
        "t": counts,
        "line": prompt_line(obs),
        "w": round(quality(obs), 4),  # the quality floor is applied when the hook reads it
        "h": is_human(obs),
        "d": stored_document(obs, path),
    }
    from memgit import embeddings

    model = embeddings.load()
    if model is not None:
        vector = model.embed([embeddings.text_of(obs.title, obs.body, obs.tags)])[0]
        record["v"] = embeddings.encode(vector)
        record["vm"] = embeddings.MODEL_ID
    return record


def write_full(folder: str, records: Iterable[dict[str, Any]], marks: dict[str, Any]) -> None:
    """Replace the term index with exactly ``records``."""
    builder = Builder(folder)
    try:
        for record in records:
            builder.add(record)
    except BaseException:
        builder.abort()
        raise
    finish_full(folder, builder, marks)


def finish_full(folder: str, builder: Builder, marks: dict[str, Any]) -> None:
    """Swap in what ``builder`` holds, with an empty delta."""
    base_id = builder.finish()
    _write_json(os.path.join(folder, DELTA), {"base": base_id, "docs": [], "gone": []})
    write_marks(folder, {**marks, "base": base_id})


def apply_changes(
    folder: str,
    changed: list[dict[str, Any]],
    removed: Iterable[str],
    marks: dict[str, Any],
) -> bool:
    """Record changed and removed files in the delta (merged into the base when it grows).

    Returns False when there is no usable term index to update (the caller rebuilds it).
    """
    index = TermIndex.open(folder)
    if index is None:
        return False
    try:
        gone = set(index.gone)
        docs = {doc["n"]: doc for doc in index.delta_docs}
        names = index.base_names()
        for name in [*removed, *(record["n"] for record in changed)]:
            docs.pop(name, None)
            if name in names:
                gone.add(names[name])
        for record in changed:
            docs[record["n"]] = record
        if len(docs) + len(gone) > MAX_DELTA:
            merged = [r for i, r in enumerate(index.base_records()) if i not in gone]
            base_id = None
        else:
            merged = None
            base_id = index.base_id
    finally:
        index.close()
    if merged is not None:
        write_full(folder, [*merged, *docs.values()], marks)
        return True
    _write_json(
        os.path.join(folder, DELTA),
        {"base": base_id, "docs": list(docs.values()), "gone": sorted(gone)},
    )
    write_marks(folder, {**marks, "base": base_id})
    return True


def _write_json(path: str, data: Any) -> None:
    temporary = f"{path}.{_token()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8", errors="surrogatepass") as out:
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


def usable(folder: str) -> bool:
    """True when ``base.bin`` reads and the marks were written for it (cheap: two small reads)."""
    marks = read_marks(folder)
    if marks is None:
        return False
    try:
        with open(os.path.join(folder, BASE), "rb") as handle:
            head = handle.read(len(MAGIC) + 8)
            if not head.startswith(MAGIC) or len(head) != len(MAGIC) + 8:
                return False
            header = json.loads(handle.read(int.from_bytes(head[len(MAGIC) :], "little")))
    except (OSError, ValueError):
        return False
    return (
        isinstance(header, dict)
        and header.get("version") == VERSION
        and header.get("id") == marks.get("base")
        and os.path.exists(os.path.join(folder, DELTA))
    )


def write_marks(folder: str, marks: dict[str, Any]) -> None:
    _write_json(os.path.join(folder, MARKS), marks)


def read_marks(folder: str) -> dict[str, Any] | None:
    try:
        with open(os.path.join(folder, MARKS), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def current_marks(root: str) -> dict[str, int]:
    """The mtimes that, when changed, mean memory may differ from the term index."""
    memory = os.path.join(root, ".memory")
    return {
        "folder": mtime(os.path.join(memory, "observations")),
        "config": mtime(os.path.join(memory, "config.yaml")),
    }


# --- reading ---------------------------------------------------------------------------------


class TermIndex:
    """A read-only view of ``base.bin`` plus ``delta.json``."""

    def __init__(self, handle: Any, view: mmap.mmap | bytes, header: dict[str, Any], start: int):
        self._handle = handle
        self._view = view
        self.header = header
        self._start = start
        self.base_id: str = header["id"]
        self.count: int = header["count"]
        self.delta_docs: list[dict[str, Any]] = []
        self.gone: frozenset[int] = frozenset()
        self._columns: dict[str, Any] = {}
        self._active: tuple[Any, int] | None = None

    @classmethod
    def open(cls, folder: str) -> TermIndex | None:
        """The term index in ``folder``, or None when it is missing, damaged or half-written."""
        try:
            handle = open(os.path.join(folder, BASE), "rb")  # noqa: SIM115 - closed by close()
        except OSError:
            return None
        try:
            head = handle.read(len(MAGIC) + 8)
            if len(head) != len(MAGIC) + 8 or not head.startswith(MAGIC):
                raise ValueError("not a term index")
            size = int.from_bytes(head[len(MAGIC) :], "little")
            header = json.loads(handle.read(size))
            if header.get("version") != VERSION:
                raise ValueError("another version")
            start = len(MAGIC) + 8 + size
            length = os.fstat(handle.fileno()).st_size
            view: mmap.mmap | bytes = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if length else b""
            )
            if isinstance(view, mmap.mmap):
                handle.close()  # the mapping keeps the file open for itself
            index = cls(handle, view, header, start)
            with open(os.path.join(folder, DELTA), encoding="utf-8") as delta_file:
                delta = json.load(delta_file)
            if delta.get("base") != index.base_id:
                raise ValueError("the delta belongs to another base")
            index.delta_docs = delta["docs"]
            index.gone = frozenset(delta["gone"])
            return index
        except (OSError, ValueError, KeyError, TypeError):
            handle.close()
            return None

    def close(self) -> None:
        self._columns.clear()
        self._active = None
        if isinstance(self._view, mmap.mmap):
            try:  # noqa: SIM105 - no contextlib on the hook's path
                self._view.close()
            except BufferError:  # an array over it is still alive: the collector closes it
                pass
        self._handle.close()

    def __enter__(self) -> TermIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _section(self, name: str) -> memoryview:
        offset, length = self.header["sections"][name]
        begin = self._start + offset
        return memoryview(self._view)[begin : begin + length]

    def column(self, name: str, code: str) -> Any:
        found = self._columns.get(name)
        if found is None:
            found = array(code)
            found.frombytes(self._section(name))
            self._columns[name] = found
        return found

    def vector_rows(self) -> Any:
        """The base documents' vectors (a read-only float16 array over the file), or None."""
        if not self.header.get("vectors"):
            return None
        import numpy as np

        width = self.header["vector_bytes"] // 2
        offset, length = self.header["sections"]["vectors"]
        return np.frombuffer(
            self._view, dtype=np.float16, count=length // 2, offset=self._start + offset
        ).reshape(self.count, width)

    def vector_codes(self) -> memoryview | None:
        """The base documents' sign codes (``vector_bytes // 16`` bytes each), or None."""
        if not self.header.get("vectors") or "vector_codes" not in self.header["sections"]:
            return None
        return self._section("vector_codes")

    def vector_view(self) -> memoryview | None:
        """The base documents' float16 vectors as raw bytes, or None."""
        return self._section("vectors") if self.header.get("vectors") else None

    @property
    def vector_model(self) -> str | None:
        found = self.header.get("vectors")
        return found if isinstance(found, str) else None

    def table(self, key: str) -> list[str]:
        return list(self.header["tables"][key])

    # --- documents ---------------------------------------------------------------------------

    def _pair(self, section: str, slot: int) -> tuple[int, int]:
        """Entries ``slot`` and ``slot + 1`` of a table of little-endian 64-bit offsets."""
        offset = self._start + self.header["sections"][section][0] + slot * 8
        begin, end = _PAIR.unpack_from(self._view, offset)
        return int(begin), int(end)

    def record(self, doc: int) -> dict[str, Any]:
        """The record of base document ``doc``."""
        begin, end = self._pair("offsets", doc)
        start = self._start + self.header["sections"]["records"][0]
        data: dict[str, Any] = json.loads(self._view[start + begin : start + end])
        return data

    def base_records(self) -> Iterator[dict[str, Any]]:
        """Every base record as written (with its vector, for a rewrite)."""
        import base64

        offsets = self.column("offsets", "Q")
        apart = "tfs" in self.header["sections"]  # else the records hold their own "t"
        tf_offsets = self.column("tf_offsets", "Q") if apart else None
        records = self._section("records")
        tfs = self._section("tfs") if apart else None
        width = int(self.header.get("vector_bytes") or 0)
        vectors = self._section("vectors") if self.header.get("vectors") else None
        for doc in range(self.count):
            record = json.loads(bytes(records[offsets[doc] : offsets[doc + 1]]))
            if tfs is not None and tf_offsets is not None:
                record["t"] = json.loads(bytes(tfs[tf_offsets[doc] : tf_offsets[doc + 1]]))
            if vectors is not None and record.get("vm") == self.header["vectors"]:
                raw = bytes(vectors[doc * width : (doc + 1) * width])
                record["v"] = base64.b64encode(raw).decode("ascii")
            yield record

    def base_names(self) -> dict[str, int]:
        """File name -> base document number (for writers)."""
        if "names" in self.header["sections"]:  # one small section, not every record
            text = bytes(self._section("names")).decode("utf-8", "surrogateescape")
            return {name: doc for doc, name in enumerate(text.split("\n"))} if self.count else {}
        pattern = re.compile(rb'^\{"n":"((?:[^"\\]|\\.)*)"')
        names = {}
        offsets = self.column("offsets", "Q")
        records = self._section("records")
        for doc in range(self.count):
            head = bytes(records[offsets[doc] : min(offsets[doc] + 512, offsets[doc + 1])])
            found = pattern.match(head)
            name = json.loads(b'"' + found.group(1) + b'"') if found else self.record(doc)["n"]
            names[name] = doc
        return names

    def live(self) -> Iterator[tuple[int, dict[str, Any] | None]]:
        """Every current document: ``(number, None)`` for base ones, ``(-1 - i, record)`` for
        the delta's (so the two never collide)."""
        for doc in range(self.count):
            if doc not in self.gone:
                yield doc, None
        for position, record in enumerate(self.delta_docs):
            yield -1 - position, record

    def get(self, key: int) -> dict[str, Any]:
        return self.record(key) if key >= 0 else self.delta_docs[-1 - key]

    # --- scoring -----------------------------------------------------------------------------

    def postings(self, term: str) -> tuple[array[int], array[int]]:
        buckets = self.header["buckets"]
        begin, end = self._pair("buckets", _bucket(term, buckets))
        start = self._start + self.header["sections"]["terms"][0]
        entry = json.loads(self._view[start + begin : start + end]).get(term)
        docs, tfs = array("I"), array("H")
        if entry is None:
            return docs, tfs
        offset, df = entry
        data = self._section("postings")
        docs.frombytes(data[offset : offset + 4 * df])
        tfs.frombytes(data[offset + 4 * df : offset + 6 * df])
        return docs, tfs

    def scores(self, terms: Iterable[str]) -> dict[int, float]:
        """BM25F score of every document holding any of ``terms`` (as Whoosh's OR query).

        Statistics count as Whoosh counts them: deleted documents stay in the document
        frequencies and the total field length until the base is rewritten (a Whoosh segment
        merge), but not in the number of documents the average length is taken over.
        """
        unique = list(dict.fromkeys(terms))
        if not unique:
            return {}
        lengths = self.column("length", "f")
        delta = self.delta_docs
        total = self.count + len(delta)
        live = total - len(self.gone)
        total_length = self.header["total_length"] + sum(r["l"] for r in delta)
        avgfl = (total_length / live if live else 0.0) or 1.0
        scale = K1 * B / avgfl
        floor = K1 * (1 - B)
        scores: dict[int, float] = {}
        get = scores.get
        for term in unique:
            docs, tfs = self.postings(term)
            extra = [(-1 - i, r["t"][term], r["q"]) for i, r in enumerate(delta) if term in r["t"]]
            df = len(docs) + len(extra)
            if not df:
                continue
            weight = (math.log(total / (df + 1)) + 1) * (K1 + 1)
            for doc, tf in zip(docs, tfs, strict=True):
                scores[doc] = get(doc, 0.0) + weight * tf / (tf + floor + scale * lengths[doc])
            for key, tf, length in extra:
                norm = floor + scale * length
                scores[key] = get(key, 0.0) + weight * tf / (tf + norm)
        for doc in self.gone:
            scores.pop(doc, None)
        return scores

    def status_of(self, key: int) -> str:
        if key < 0:
            return str(self.delta_docs[-1 - key]["d"]["status"])
        return str(self.header["tables"]["status"][self.column("code_status", "I")[key]])

    def confidence_of(self, key: int) -> float:
        if key < 0:
            return float(self.delta_docs[-1 - key]["d"]["confidence"])
        return float(self.column("confidence", "f")[key])

    def is_active(self, key: int) -> bool:
        """True for active documents (never superseded, expired or pending ones)."""
        if key < 0:
            return bool(self.delta_docs[-1 - key]["d"]["status"] == "active")
        if self._active is None:
            statuses = self.header["tables"]["status"]
            code = statuses.index("active") if "active" in statuses else -1
            self._active = (self.column("code_status", "I"), code)
        column, code = self._active
        return bool(column[key] == code)

    def id_of(self, key: int) -> str:
        return str(self.get(key)["d"]["id"])


def ranked(
    index: TermIndex,
    terms: list[str],
    limit: int,
    allow: Callable[[int], bool] | None = None,
) -> list[tuple[int, float]]:
    """The best ``limit`` documents for ``terms``, ranked as ``MemoryIndex.search`` ranks them.

    ``allow(key)`` narrows the candidates (statuses, types, ...). Whoosh takes the best
    ``max(3 * limit, limit + 10)`` by BM25 and re-sorts them by score times confidence; so does
    this.
    """
    scores = index.scores(terms)
    window = max(limit * 3, limit + 10)
    top = _best(scores, window, allow)
    top.sort(key=_by_score)
    del top[window:]
    adjusted = [(key, score * (0.5 + 0.5 * index.confidence_of(key))) for key, score in top]
    adjusted.sort(key=lambda item: (-item[1], index.id_of(item[0])))
    return adjusted[:limit]


def _best(
    scores: dict[int, float], window: int, allow: Callable[[int], bool] | None
) -> list[tuple[int, float]]:
    """The ``window`` best-scored allowed items (ties at the edge all kept, for the sort).

    The score of the ``window``-th best is found on the bare values first, so ``allow`` runs
    only on the few documents at or above it (and on all of them only if too few pass).
    """
    import heapq

    if len(scores) > window:
        edge = heapq.nlargest(window, scores.values())[-1]
        items = [(k, v) for k, v in scores.items() if v >= edge]
        if allow is not None:
            items = [item for item in items if allow(item[0])]
        if len(items) >= window:
            return items
    items = list(scores.items())
    if allow is not None:
        items = [item for item in items if allow(item[0])]
    if len(items) > window:
        edge = heapq.nlargest(window, (v for _, v in items))[-1]
        items = [item for item in items if item[1] >= edge]
    return items


def _by_score(item: tuple[int, float]) -> tuple[float, float]:
    return (-item[1], _order(item[0]))


def _order(key: int) -> float:
    """Ties by document order, base first (as Whoosh's collector breaks them)."""
    return key if key >= 0 else 1e18 - key
