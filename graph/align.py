"""Sub-provision evidence: which sentence of a child provision matches which sentence of its parent.

A city item often implements one sentence of a broad provincial item, or gathers sentences of two
(a merged task). Each link's evidence is its aligned sentence pairs: every child sentence paired
with the parent sentence it shares most with (character 2–3-grams weighted by the pair IDF of the
two documents), kept when they share enough, best first, with the phrases they share.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .textsim import aligned_phrases, gram_codes

_SENTENCE_END = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
MIN_SENTENCE = 6  # characters: shorter pieces (a heading fragment, 等) are folded into the next sentence
SENTENCE_MATCH = 0.2  # cosine from which two sentences are shown as aligned (below it they share only common words)


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets in the provision's text
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """The provision's sentences (split at 。；！？ and line breaks), short pieces joined to the next."""
    out: list[Sentence] = []
    pending: int | None = None
    for m in _SENTENCE_END.finditer(text or ""):
        start = pending if pending is not None else m.start()
        piece = text[start : m.end()].strip()
        if len(piece) < MIN_SENTENCE and m.end() < len(text):
            pending = start
            continue
        pending = None
        if piece:
            lead = len(text[start : m.end()]) - len(text[start : m.end()].lstrip())
            out.append(Sentence(start + lead, start + lead + len(piece), piece))
    return out


@dataclass(frozen=True)
class SentencePair:
    child: Sentence
    parent: Sentence
    score: float
    shared: tuple[str, ...]


class GramWeights:
    """IDF of an n-gram over two documents' provisions: log((N + 1) / (df + 1)); ``df_of`` gives
    the n-grams' document frequencies over those provisions, from their codes."""

    def __init__(self, provisions: int, df_of: Callable[[np.ndarray], np.ndarray]):
        self.log_n, self.df_of = np.log(provisions + 1), df_of

    def of(self, codes: np.ndarray) -> np.ndarray:
        return self.log_n - np.log(self.df_of(codes) + 1.0)


def align(child_text: str, parent_text: str, weights: GramWeights, sizes: tuple[int, ...] = (2, 3),
          limit: int = 6) -> list[SentencePair]:
    """Each child sentence with its best parent sentence, when they share enough; best first."""
    left, right = sentences(child_text), sentences(parent_text)
    if not left or not right:
        return []
    scores = _cosines([s.text for s in left], [s.text for s in right], weights, sizes)
    pairs = []
    for i, row in enumerate(scores):
        j = int(np.argmax(row))
        if row[j] >= SENTENCE_MATCH:
            shared = sorted(set(aligned_phrases(left[i].text, right[j].text)), key=lambda p: (-len(p), p))
            pairs.append(SentencePair(left[i], right[j], float(row[j]), tuple(shared[:3])))
    return sorted(pairs, key=lambda p: (-p.score, p.child.start))[:limit]


def best_pair(child_text: str, parent_text: str, weights: GramWeights,
              sizes: tuple[int, ...] = (2, 3)) -> list[SentencePair]:
    """The one closest pair of sentences, whatever its score: the words a weak link rests on."""
    left, right = sentences(child_text), sentences(parent_text)
    if not left or not right:
        return []
    scores = _cosines([s.text for s in left], [s.text for s in right], weights, sizes)
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    shared = sorted(set(aligned_phrases(left[i].text, right[j].text)), key=lambda p: (-len(p), p))
    return [SentencePair(left[i], right[j], float(scores[i, j]), tuple(shared[:3]))]


def sentence_scores(child_text: str, parent_text: str, weights: GramWeights,
                    sizes: tuple[int, ...] = (2, 3)) -> np.ndarray:
    """For each sentence of the child, its best cosine with a sentence of the parent."""
    left, right = sentences(child_text), sentences(parent_text)
    if not left or not right:
        return np.zeros(len(left))
    return _cosines([s.text for s in left], [s.text for s in right], weights, sizes).max(axis=1)


def _cosines(left: list[str], right: list[str], weights: GramWeights, sizes: tuple[int, ...]) -> np.ndarray:
    """TF-IDF cosine of every left sentence with every right one."""
    vectors = _vectors(left + right, weights, sizes)
    return vectors[: len(left)] @ vectors[len(left) :].T


def _vectors(texts: list[str], weights: GramWeights, sizes: tuple[int, ...]) -> np.ndarray:
    """Dense unit TF-IDF rows over the n-grams these texts hold (a handful of sentences)."""
    codes, owner = gram_codes(texts, sizes)
    vocab, column = np.unique(codes, return_inverse=True)
    counts = np.zeros((len(texts), len(vocab)))
    np.add.at(counts, (owner, column), 1.0)
    values = np.where(counts > 0, 1.0 + np.log(np.maximum(counts, 1.0)), 0.0) * weights.of(vocab)[None, :]
    norms = np.linalg.norm(values, axis=1, keepdims=True)
    return values / np.maximum(norms, 1e-12)
