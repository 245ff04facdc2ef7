"""Offline text vectors from a static embedding model shipped inside a wheel (``wordllama``).

WordLlama's ``l2_supercat`` model is a table of 32,000 token vectors (256 dimensions, float16,
16 MB) with its tokenizer, both inside the PyPI wheel: an embedding is the mean of the vectors of
a text's tokens, normalised. This module reads the two files straight from the installed package
(never through ``wordllama.WordLlama.load``, whose loader falls back to downloading a tokenizer):
the weights with ``numpy.memmap`` from the safetensors file, the tokenizer with
``tokenizers.Tokenizer.from_file``. Nothing is fetched, ever; without the optional dependencies
(``pip install 'claude-memgit[semantic]'``) ``available()`` is False and search is BM25 alone.

Vectors are computed when the term index is written (``termindex.record_for``) and stored with
it, with one bit per dimension (the sign of the vector less the mean of all) for a first pass.
A search embeds only its query, and without numpy or the tokenizer library (their imports alone
cost more than a search's budget): ``QueryEncoder`` splits the query as the model's byte-pair
tokenizer does, from its vocabulary and merges kept in a compact cache beside the index, and
reads those few token vectors straight from the weights file.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any

from memgit.fileio import atomic_write

#: The model inside the wordllama wheel, and how much of each vector memgit keeps.
PACKAGE = "wordllama"
WEIGHTS = os.path.join("weights", "l2_supercat_256.safetensors")
TOKENIZER = os.path.join("tokenizers", "l2_supercat_tokenizer_config.json")
TENSOR = "embedding.weight"
DIM = 256
#: Tokens of a text that count (a memory's title and first paragraphs say what it is about).
MAX_TOKENS = 512
MISSING = (
    "semantic search is off: install it with `pip install 'claude-memgit[semantic]'` "
    "(a 16 MB offline model; nothing is downloaded)"
)
#: Identifies the model and how texts are turned into vectors: stored vectors of another are
#: not compared with this one's.
MODEL_ID = f"wordllama-l2_supercat-{DIM}-mean-v1"
#: A query is cut here before its tokens are merged (merging is quadratic in its length).
MAX_QUERY_CHARS = 2000
#: Bytes of one stored sign code (one bit per dimension).
CODE_BYTES = DIM // 8


def model_files() -> tuple[str, str] | None:
    """``(weights, tokenizer)`` paths inside the installed wordllama package, without importing
    it (its ``__init__`` pulls in a downloader)."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        weights, tokenizer = os.path.join(folder, WEIGHTS), os.path.join(folder, TOKENIZER)
        if os.path.isfile(weights) and os.path.isfile(tokenizer):
            return weights, tokenizer
    return None


def available() -> bool:
    """True when the model and its two libraries (numpy, tokenizers) are installed."""
    if model_files() is None:
        return False
    return all(importlib.util.find_spec(name) is not None for name in ("numpy", "tokenizers"))


class Model:
    """The token table and tokenizer, loaded from local files only."""

    def __init__(self, weights: str, tokenizer: str) -> None:
        import numpy as np
        from tokenizers import Tokenizer

        self._np = np
        offset, rows, dim = weights_layout(weights)
        self.table = np.memmap(
            weights, dtype=np.float16, mode="r", offset=offset, shape=(rows, dim)
        )
        self.tokenizer = Tokenizer.from_file(tokenizer)
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()

    def embed(self, texts: list[str]) -> Any:
        """Unit vectors (float32, one row per text); a text without tokens gets zeros."""
        np = self._np
        encoded = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, item in enumerate(encoded):
            ids = np.asarray(item.ids[:MAX_TOKENS], dtype=np.int64)
            if not len(ids):
                continue
            np.clip(ids, 0, self.table.shape[0] - 1, out=ids)
            vector = self.table[ids, :DIM].astype(np.float32).mean(axis=0)
            norm = float(np.linalg.norm(vector))
            if norm > 0:
                out[row] = vector / norm
        return out


@lru_cache(maxsize=1)
def load() -> Model | None:
    """The model, or None when it is not installed."""
    files = model_files() if available() else None
    return Model(*files) if files else None


def text_of(title: str, body: str, tags: list[str] | tuple[str, ...]) -> str:
    """What a memory's vector is made of."""
    return "\n".join(part for part in (title, " ".join(tags), body) if part)


def encode(vector: Any) -> str:
    """A vector as stored in a term index record: base64 of its float16 bytes."""
    np = load()._np  # type: ignore[union-attr]
    return base64.b64encode(np.asarray(vector, dtype=np.float16).tobytes()).decode("ascii")


def decode(text: str) -> Any:
    import numpy as np

    return np.frombuffer(base64.b64decode(text), dtype=np.float16)


def weights_layout(weights: str) -> tuple[int, int, int]:
    """``(offset of the table in the file, rows, dims)`` from the safetensors header."""
    with open(weights, "rb") as handle:
        size = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(size))
    entry = header[TENSOR]
    if entry["dtype"] != "F16":
        raise ValueError(f"{weights}: expected float16 weights, found {entry['dtype']}")
    rows, dim = entry["shape"]
    return 8 + size + int(entry["data_offsets"][0]), int(rows), int(dim)


#: The model's text normalisation (SentencePiece style): a space marker before every word.
_SPACE = "\u2581"


_BUCKETS = 16384
_TABLE_MAGIC = b"memgit-query-tokens-1\n"


def _bucket(key: str) -> int:
    import binascii

    return binascii.crc32(key.encode("utf-8", "surrogatepass")) % _BUCKETS


def token_table_bytes(stamp: str, vocab: dict[str, int], ranks: dict[str, int]) -> bytes:
    """The tokenizer's vocabulary (``v`` + token) and merge ranks (``m`` + pair) in hash buckets,
    so that a query reads the few entries it needs instead of parsing 1.8 MB of JSON."""
    from array import array

    grouped: list[list[str]] = [[] for _ in range(_BUCKETS)]
    for prefix, table in (("v", vocab), ("m", ranks)):
        for key, value in table.items():
            grouped[_bucket(prefix + key)].append(f"{prefix}{key}\t{value}")
    payload = bytearray()
    offsets = array("I", [0])
    for lines in grouped:
        payload += "\n".join(lines).encode("utf-8", "surrogatepass")
        offsets.append(len(payload))
    return _TABLE_MAGIC + stamp.encode("utf-8") + b"\n" + offsets.tobytes() + bytes(payload)


class TokenTable:
    """Reads ``token_table_bytes``' table: ``token(text)`` and ``rank(pair)``, None if absent."""

    def __init__(self, data: bytes, start: int) -> None:
        from array import array

        self._offsets = array("I")
        self._offsets.frombytes(data[start : start + 4 * (_BUCKETS + 1)])
        self._data = memoryview(data)[start + 4 * (_BUCKETS + 1) :]
        self._found: dict[str, int | None] = {}

    @classmethod
    def read(cls, path: str, stamp: str) -> TokenTable | None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        return cls.parse(data, stamp)

    @classmethod
    def parse(cls, data: bytes, stamp: str) -> TokenTable | None:
        head = _TABLE_MAGIC + stamp.encode("utf-8") + b"\n"
        if not data.startswith(head) or len(data) < len(head) + 4 * (_BUCKETS + 1):
            return None
        return cls(data, len(head))

    def _get(self, key: str) -> int | None:
        if key in self._found:
            return self._found[key]
        slot = _bucket(key)
        chunk = bytes(self._data[self._offsets[slot] : self._offsets[slot + 1]])
        found = None
        prefix = key + "\t"
        for line in chunk.decode("utf-8", "surrogatepass").split("\n"):
            if line.startswith(prefix):
                found = int(line[len(prefix) :])
                break
        self._found[key] = found
        return found

    def token(self, text: str) -> int | None:
        return self._get("v" + text)

    def rank(self, pair: str) -> int | None:
        return self._get("m" + pair)


class QueryEncoder:
    """A query's vector with the standard library only: the same tokens as the model's byte-pair
    tokenizer (vocabulary and merge ranks from a table built once from its file and kept beside
    the index), then the mean of their rows of the weights file, normalised."""

    def __init__(self, weights: str, table: TokenTable) -> None:
        self.weights = weights
        self.table = table
        self.offset, self.rows, self.dim = weights_layout(weights)
        self._row = struct.Struct(f"<{DIM}e")

    @classmethod
    def open(cls, cache_folder: str) -> QueryEncoder | None:
        """The encoder, building its table in ``cache_folder`` on first use; None without the
        model."""
        files = model_files()
        if files is None:
            return None
        weights, tokenizer = files
        info = os.stat(tokenizer)
        stamp = f"{MODEL_ID} {info.st_size} {info.st_mtime_ns}"
        path = os.path.join(cache_folder, f"query-tokens-{MODEL_ID}.bin")
        table = TokenTable.read(path, stamp)
        if table is None:
            with open(tokenizer, encoding="utf-8") as handle:
                model = json.load(handle)["model"]
            vocab = {str(k): int(v) for k, v in model["vocab"].items()}
            ranks: dict[str, int] = {}
            for rank, merge in enumerate(model["merges"]):
                ranks.setdefault(merge if isinstance(merge, str) else " ".join(merge), rank)
            data = token_table_bytes(stamp, vocab, ranks)
            table = TokenTable.parse(data, stamp)
            if table is None:
                return None
            # A cache: if it cannot be written, this search uses it from memory.
            with contextlib.suppress(OSError):
                atomic_write(Path(path), data, fsync=False)
        return cls(weights, table)

    def tokens(self, text: str) -> list[int]:
        """Token ids as the model's tokenizer gives them (no special tokens): merges run over
        the whole normalised text, as the tokenizer's have no pre-tokenizer."""
        if not text:
            return []
        return self._word(_SPACE + text[:MAX_QUERY_CHARS].replace(" ", _SPACE))

    def _word(self, word: str) -> list[int]:
        symbols = list(word)
        rank_of = self.table.rank
        while len(symbols) > 1:
            best, where = None, -1
            for i in range(len(symbols) - 1):
                rank = rank_of(symbols[i] + " " + symbols[i + 1])
                if rank is not None and (best is None or rank < best):
                    best, where = rank, i
            if best is None:
                break
            symbols[where : where + 2] = [symbols[where] + symbols[where + 1]]
        ids = []
        for symbol in symbols:
            found = self.table.token(symbol)
            if found is not None:
                ids.append(found)
                continue
            for byte in symbol.encode("utf-8"):  # byte fallback, as the tokenizer does
                ids.append(self.table.token(f"<0x{byte:02X}>") or 0)
        return ids

    def embed(self, text: str) -> list[float] | None:
        """The unit vector of ``text`` (as ``Model.embed``), or None without tokens."""
        ids = [min(max(i, 0), self.rows - 1) for i in self.tokens(text)[:MAX_TOKENS]]
        if not ids:
            return None
        total = [0.0] * DIM
        width = self.dim * 2
        with open(self.weights, "rb") as handle:
            for token in ids:
                handle.seek(self.offset + token * width)
                row = self._row.unpack(handle.read(DIM * 2))
                total = [a + b for a, b in zip(total, row, strict=True)]
        norm = sum(x * x for x in total) ** 0.5
        return [x / norm for x in total] if norm > 0 else None
