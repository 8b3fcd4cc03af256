"""Text similarity for provision lineage: character n-gram TF-IDF, and aligned shared phrases.

Character n-grams suit Chinese policy text (no word segmentation to get wrong, robust to the small
rewordings a city makes when it copies a provincial task). Weights are sublinear TF times an IDF
computed over the provisions being compared, so words every provision uses (加强, 医疗机构) count
for little and the words that name a task count for much.

An n-gram of up to three characters is packed exactly into one int64 (a code point fits in 21
bits), so encoding a provision is a few array operations and needs no string vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

# Runs of text between punctuation, digits and spaces: n-grams never cross them.
_BREAKS = re.compile(r"[\s\d,，。、;；:：“”\"'()（）〔〕《》<>!?！？·\-—%％.…/]+")
_CODE_BITS = 21  # every Unicode code point is below 2**21
MAX_GRAM = 3  # 3 × 21 bits still fit a signed 64-bit integer


def segments(text: str) -> list[str]:
    return [s for s in _BREAKS.split(text or "") if s]


def gram_codes(texts: Sequence[str], sizes: Sequence[int] = (2, 3)) -> tuple[np.ndarray, np.ndarray]:
    """Every n-gram occurrence of each text (n in ``sizes``, none crossing a break) as an int64
    code, with the index of the text it occurs in: one pass over all the texts of a document.

    Codes of different lengths never collide: a longer n-gram's leading character is non-zero.
    """
    if max(sizes, default=0) > MAX_GRAM:
        raise ValueError(f"n-grams longer than {MAX_GRAM} characters do not fit one int64 code")
    # Breaks become 0 and texts are joined by 1; neither may fall inside an n-gram.
    joined = _BREAKS.sub("\x00", "\x01".join(t.replace("\x01", "") for t in texts))
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    text_of = np.cumsum(points == 1)
    codes, owners = [], []
    for n in sizes:
        width = len(points) - n + 1
        if width <= 0:
            continue
        code, keep = np.zeros(width, dtype=np.int64), np.ones(width, dtype=bool)
        for k in range(n):
            piece = points[k : k + width]
            code = (code << _CODE_BITS) | piece
            keep &= piece > 1
        codes.append(code[keep])
        owners.append(text_of[:width][keep])
    if not codes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(codes), np.concatenate(owners)


def dense_ids(vocabularies: Sequence[np.ndarray]) -> tuple[list[np.ndarray], int]:
    """Number the distinct codes of several sorted code sets 0..V-1 (in code order); each set's
    codes come back as int32 ids. One sort over the union instead of a dictionary lookup per code."""
    union = np.unique(np.concatenate(vocabularies)) if vocabularies else np.zeros(0, dtype=np.int64)
    return [np.searchsorted(union, v).astype(np.int32) for v in vocabularies], len(union)


@dataclass(frozen=True)
class Rows:
    """Sparse count rows (one per provision): row r is ``ids[indptr[r]:indptr[r+1]]``, each id once,
    with how often it occurs (compact: a 10k-document corpus keeps about 100 million of these)."""

    indptr: np.ndarray
    ids: np.ndarray  # n-gram codes, then (``with_ids``) int32 vocabulary ids
    counts: np.ndarray  # uint16

    @property
    def count(self) -> int:
        return len(self.indptr) - 1

    @property
    def tf(self) -> np.ndarray:
        """Sublinear term frequency, 1 + log(count)."""
        return tf_table(int(self.counts.max(initial=1)) + 1)[self.counts]

    def row_of_entry(self) -> np.ndarray:
        return np.repeat(np.arange(self.count), np.diff(self.indptr))

    @classmethod
    def from_codes(cls, codes: np.ndarray, owner: np.ndarray, count: int) -> Rows:
        """Rows from n-gram codes and the row each occurrence belongs to."""
        order = np.lexsort((codes, owner))
        codes, owner = codes[order], owner[order]
        change = np.ones(len(codes), dtype=bool)
        change[1:] = (codes[1:] != codes[:-1]) | (owner[1:] != owner[:-1])
        starts = np.flatnonzero(change)
        counts = np.diff(np.r_[starts, len(codes)]).astype(np.uint16)
        indptr = np.r_[0, np.cumsum(np.bincount(owner[starts], minlength=count))].astype(np.int64)
        return cls(indptr, codes[starts], counts)

    def with_ids(self, ids: np.ndarray) -> Rows:
        return Rows(self.indptr, ids, self.counts)


_TF = np.zeros(0)


def tf_table(size: int) -> np.ndarray:
    """``1 + log(count)`` for count < size (index 0 unused)."""
    global _TF
    if len(_TF) < size:
        _TF = 1.0 + np.log(np.maximum(np.arange(max(size, 64), dtype=np.float64), 1.0))
    return _TF


def idf_table(size: int) -> np.ndarray:
    """``log(m + 1)`` for m < size: idf = table[N] - table[df] is log((N + 1) / (df + 1))."""
    return np.log1p(np.arange(size, dtype=np.float64))


def csr(values: np.ndarray, columns: np.ndarray, indptr: np.ndarray, width: int) -> sparse.csr_matrix:
    return sparse.csr_matrix((values, columns, indptr), shape=(len(indptr) - 1, width))


def aligned_phrases(a: str, b: str, min_len: int = 3) -> list[str]:
    """Maximal runs of ``a`` that also occur in ``b``, left to right (greedy longest match)."""
    other, seeds = _phrase_index(b, min_len)
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


@lru_cache(maxsize=2048)  # a block holds about a thousand provisions
def _phrase_index(text: str, min_len: int) -> tuple[str, frozenset[str]]:
    """The text's segments joined by a separator, and its substrings of ``min_len`` characters
    (cached: a provincial provision is matched against many city provisions)."""
    joined = "\x00".join(segments(text))
    return joined, frozenset(joined[i : i + min_len] for i in range(len(joined) - min_len + 1))


def locate(source: str, span: Sequence[int] | None, phrase: str) -> list[int] | None:
    """Source offsets of ``phrase`` inside ``source[span]``, allowing line breaks, spaces and markup
    between characters and the full-width forms of the ASCII characters normalisation folded (，for ,)."""
    if not span or not phrase:
        return None
    start, end = span
    at = source.find(phrase, start, end)
    if at >= 0:
        return [at, at + len(phrase)]
    folded, offsets = _folded(source, start, end)
    wanted = _SKIPPED.sub("", phrase.translate(_WIDTH_FOLD))
    at = folded.find(wanted) if wanted else -1
    if at < 0:
        return None
    return [offsets[at], offsets[at + len(wanted) - 1] + 1]


_SKIPPED = re.compile(r"[\s*#\u3000]+")
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@lru_cache(maxsize=4096)
def _folded(source: str, start: int, end: int) -> tuple[str, tuple[int, ...]]:
    """``source[start:end]`` width-folded without spaces and markup, and each character's source offset
    (cached: every sentence of a provision is located in the same span)."""
    chars, offsets = [], []
    for index in range(start, min(end, len(source))):
        ch = source[index]
        if not _SKIPPED.fullmatch(ch):
            chars.append(ch.translate(_WIDTH_FOLD))
            offsets.append(index)
    return "".join(chars), tuple(offsets)
