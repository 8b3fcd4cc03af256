"""Text similarity for provision lineage: character n-gram TF-IDF, and aligned shared phrases.

Character n-grams suit Chinese policy text (no word segmentation to get wrong, robust to the small
rewordings a city makes when it copies a provincial task). Weights are sublinear TF times an IDF
computed over the provisions being compared, so words every provision of both documents uses
(加强, 医疗机构) count for little and the words that name a task count for much.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

# Runs of text between punctuation, digits and spaces: n-grams never cross them.
_BREAKS = re.compile(r"[\s\d,，。、;；:：“”\"'()（）〔〕《》<>!?！？·\-—%％.…/]+")


def segments(text: str) -> list[str]:
    return [s for s in _BREAKS.split(text or "") if s]


def ngram_counts(text: str, heading: str = "", heading_weight: int = 0, sizes: Sequence[int] = (2, 3)) -> Counter:
    """N-gram counts of a provision; its heading's n-grams count ``heading_weight`` times more."""
    counts: Counter = Counter()
    for part, weight in ((text, 1), (heading, heading_weight)):
        if not weight:
            continue
        for seg in segments(part):
            for n in sizes:
                for i in range(len(seg) - n + 1):
                    counts[seg[i : i + n]] += weight
    return counts


class Vocabulary:
    """n-gram → integer id, grown as documents are read; a provision becomes (ids, counts) arrays."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def encode(self, counts: Counter) -> tuple[np.ndarray, np.ndarray]:
        # 32-bit arrays: a 10k-document corpus keeps a few million of these in memory while linking.
        ids = np.fromiter((self.ids.setdefault(g, len(self.ids)) for g in counts), dtype=np.int32, count=len(counts))
        return ids, np.fromiter(counts.values(), dtype=np.float32, count=len(counts))


Encoded = tuple[np.ndarray, np.ndarray]


def tfidf_cosine(left: Sequence[Encoded], right: Sequence[Encoded]) -> np.ndarray:
    """Cosine of every left row with every right row; IDF over the rows of both sides."""
    if not left or not right:
        return np.zeros((len(left), len(right)))
    a, b = tfidf_rows([left, right], list(left) + list(right))
    return np.asarray((a @ b.T).todense())


def tfidf_rows(groups: Sequence[Sequence[Encoded]], idf_rows: Sequence[Encoded]) -> list[sparse.csr_matrix]:
    """Each group of rows as L2-normalised TF-IDF vectors, all with the IDF of ``idf_rows``.

    Vectors share a local vocabulary, so rows of different groups can be multiplied together.
    """
    rows = [row for group in groups for row in group]
    local, inverse = np.unique(np.concatenate([ids for ids, _ in rows]), return_inverse=True)
    idf_ids = np.concatenate([ids for ids, _ in idf_rows]) if idf_rows else np.zeros(0, dtype=np.int32)
    positions = np.searchsorted(local, idf_ids)
    positions = positions[(positions < len(local)) & (local[np.minimum(positions, len(local) - 1)] == idf_ids)]
    df = np.bincount(positions, minlength=len(local)).astype(np.float64)
    idf = np.log((len(idf_rows) + 1) / (df + 1))
    tf = np.concatenate([1.0 + np.log(np.maximum(c.astype(np.float64), 1.0)) for _, c in rows])
    lengths = np.fromiter((len(ids) for ids, _ in rows), dtype=np.int64, count=len(rows))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    matrix = sparse.csr_matrix((tf * idf[inverse], inverse, indptr), shape=(len(rows), len(local)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = (sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix).tocsr()
    out, start = [], 0
    for group in groups:
        out.append(matrix[start : start + len(group)])
        start += len(group)
    return out


def aligned_phrases(a: str, b: str, min_len: int = 3) -> list[str]:
    """Maximal runs of ``a`` that also occur in ``b``, left to right (greedy longest match)."""
    other = "\x00".join(segments(b))
    seeds = {other[i : i + min_len] for i in range(len(other) - min_len + 1)}
    found: list[str] = []
    for seg in segments(a):
        i = 0
        while i <= len(seg) - min_len:
            if seg[i : i + min_len] not in seeds:
                i += 1
                continue
            n = min_len
            while i + n < len(seg) and seg[i : i + n + 1] in other:
                n += 1
            found.append(seg[i : i + n])
            i += n
    return found


def locate(source: str, span: Sequence[int] | None, phrase: str) -> list[int] | None:
    """Source offsets of ``phrase`` inside ``source[span]``, allowing line breaks and markup between characters."""
    if not span or not phrase:
        return None
    start, end = span
    at = source.find(phrase, start, end)
    if at >= 0:
        return [at, at + len(phrase)]
    pattern = r"[\s*#]*".join(re.escape(ch) for ch in phrase)
    m = re.compile(pattern).search(source, start, end)
    return [m.start(), m.end()] if m else None
