"""Offline text vectors from a static embedding model shipped inside a wheel (``wordllama``).

WordLlama's ``l2_supercat`` model is a table of 32,000 token vectors (256 dimensions, float16,
16 MB) with its tokenizer, both inside the PyPI wheel: an embedding is the mean of the vectors of
a text's tokens, normalised. This module reads the two files straight from the installed package
(never through ``wordllama.WordLlama.load``, whose loader falls back to downloading a tokenizer):
the weights with ``numpy.memmap`` from the safetensors file, the tokenizer with
``tokenizers.Tokenizer.from_file``. Nothing is fetched, ever; without the optional dependencies
(``pip install 'claude-memgit[semantic]'``) ``available()`` is False and search is BM25 alone.

Vectors are computed when the term index is written (``termindex.record_for``) and stored with
it; a search embeds only its query.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
from functools import lru_cache
from typing import Any

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
        with open(weights, "rb") as handle:
            size = int.from_bytes(handle.read(8), "little")
            header = json.loads(handle.read(size))
        entry = header[TENSOR]
        if entry["dtype"] != "F16":
            raise ValueError(f"{weights}: expected float16 weights, found {entry['dtype']}")
        rows, dim = entry["shape"]
        begin, _ = entry["data_offsets"]
        self.table = np.memmap(
            weights, dtype=np.float16, mode="r", offset=8 + size + begin, shape=(rows, dim)
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
