"""The arithmetic of provision lineage: documents encoded as n-gram rows, block retrieval, and pair scores.

Kept apart from ``lineage.py`` (which decides what is compared with what, and writes edges) so the
scoring can be read, and checked, on its own. Everything here works on whole documents at once:
one sparse product per block for retrieval, three per child for verification, whatever the number
of parent documents, so the cost of linking grows with the number of provisions compared and not
with the number of document pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .textsim import Rows, csr, dense_ids, gram_codes, idf_table, unit_rows

ENCODINGS = ("vector", "body", "head")
HEADLESS_CHARS = 12  # an item without a heading is named by its opening words


@dataclass
class EncodedDocument:
    """A document's provisions, encoded once per linking run and reused in every block it is part of."""

    id: str
    provisions: list[dict[str, Any]]  # id, text, heading, span
    rows: dict[str, Rows]  # vector: text with the heading weighted up; body: text; head: heading alone
    vocab: np.ndarray  # sorted ids of every n-gram of the three encodings
    df: np.ndarray  # per vocab id: how many of the document's provisions hold it in their text
    own_df: dict[str, np.ndarray]  # per encoding, each entry's df within this document

    @property
    def size(self) -> int:
        return len(self.provisions)


def encode_document(doc_id: str, provisions: list[dict[str, Any]], sizes: Sequence[int],
                    heading_weight: int) -> EncodedDocument:
    """The document's provisions as n-gram rows, keyed by n-gram code (``number`` swaps in ids)."""
    texts = [p.get("text") or "" for p in provisions]
    headings = [p.get("heading") or "" for p in provisions]
    n = len(provisions)
    heads = [h or t[:HEADLESS_CHARS] for t, h in zip(texts, headings, strict=True)]
    codes, owner = gram_codes(texts + headings + heads, sizes)
    body, heading, head = (owner < n), (owner >= n) & (owner < 2 * n), owner >= 2 * n
    vector_codes = np.concatenate([codes[body], *[codes[heading]] * heading_weight])
    vector_owner = np.concatenate([owner[body], *[owner[heading] - n] * heading_weight])
    rows = {"vector": Rows.from_codes(vector_codes, vector_owner, n),
            "body": Rows.from_codes(codes[body], owner[body], n),
            "head": Rows.from_codes(codes[head], owner[head] - 2 * n, n)}
    vocab = np.unique(np.concatenate([r.ids for r in rows.values()]))
    df = np.bincount(np.searchsorted(vocab, rows["body"].ids), minlength=len(vocab)).astype(np.int32)
    own = {name: df[np.searchsorted(vocab, r.ids)].astype(np.uint16) for name, r in rows.items()}
    return EncodedDocument(doc_id, provisions, rows, vocab, df, own)


def number_documents(docs: Sequence[EncodedDocument]) -> int:
    """Swap n-gram codes for dense ids shared by these documents; returns the vocabulary size."""
    numbered, size = dense_ids([d.vocab for d in docs])
    for doc, ids in zip(docs, numbered, strict=True):
        doc.rows = {name: r.with_ids(ids[np.searchsorted(doc.vocab, r.ids)]) for name, r in doc.rows.items()}
        doc.vocab = ids
    return size


@dataclass
class Stacked:
    """Several documents' rows of one encoding, one after the other."""

    indptr: np.ndarray
    ids: np.ndarray
    tf: np.ndarray
    own_df: np.ndarray
    row_doc: np.ndarray  # per row: index of its document in the stack
    entry_row: np.ndarray  # per entry: its row

    @classmethod
    def of(cls, docs: Sequence[EncodedDocument], encoding: str) -> Stacked:
        rows = [d.rows[encoding] for d in docs]
        lengths = np.concatenate([np.diff(r.indptr) for r in rows])
        indptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
        row_doc = np.repeat(np.arange(len(docs)), [d.size for d in docs])
        return cls(indptr, np.concatenate([r.ids for r in rows]), np.concatenate([r.tf for r in rows]),
                   np.concatenate([d.own_df[encoding] for d in docs]), row_doc,
                   np.repeat(np.arange(len(lengths)), lengths))

    @property
    def count(self) -> int:
        return len(self.indptr) - 1


class Scratch:
    """Vocabulary-sized arrays reused from child to child (set for one child, then cleared)."""

    def __init__(self, size: int):
        self.df = np.zeros(size, dtype=np.int32)
        self.position = np.full(size, -1, dtype=np.int64)

    def load(self, doc: EncodedDocument) -> None:
        self.df[doc.vocab] = doc.df
        self.position[doc.vocab] = np.arange(len(doc.vocab))

    def clear(self, doc: EncodedDocument) -> None:
        self.df[doc.vocab] = 0
        self.position[doc.vocab] = -1


class BlockIndex:
    """Retrieval over one block (the documents a group of children may descend from): each child
    provision against every block provision, TF-IDF cosine with the block's own IDF."""

    def __init__(self, docs: Sequence[EncodedDocument], vocab_size: int):
        self.docs = list(docs)
        stack = Stacked.of(self.docs, "vector")
        self.rows = stack.count
        self.df = np.bincount(stack.ids, minlength=vocab_size)
        self.table = idf_table(self.rows + 1)
        values = unit_rows(stack.tf * self.idf(stack.ids), stack.entry_row, self.rows)
        self.matrix_t = csr(values, stack.ids, stack.indptr, vocab_size).T.tocsr()
        self.row_doc = stack.row_doc
        starts = np.r_[0, np.cumsum([d.size for d in self.docs])]
        self.row_index = np.arange(self.rows) - starts[self.row_doc]

    def idf(self, ids: np.ndarray) -> np.ndarray:
        return self.table[self.rows] - self.table[self.df[ids]]

    def candidates(self, child: EncodedDocument, top: int, floor: float) -> dict[int, set[tuple[int, int]]]:
        """Per block document index: the (child row, parent row) pairs among each child
        provision's ``top`` best block provisions, if they reach ``floor``."""
        if not self.rows or not child.size:
            return {}
        rows = child.rows["vector"]
        values = unit_rows(rows.tf * self.idf(rows.ids), rows.row_of_entry(), rows.count)
        scores = (csr(values, rows.ids, rows.indptr, self.matrix_t.shape[0]) @ self.matrix_t).toarray()
        k = min(top, self.rows)
        best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        found: dict[int, set[tuple[int, int]]] = {}
        for i, cols in enumerate(best):
            for c in cols[scores[i, cols] >= floor]:
                found.setdefault(int(self.row_doc[c]), set()).add((i, int(self.row_index[c])))
        return found


@dataclass
class PairScores:
    """Scores of every child provision against every provision of several parent documents,
    columns parent by parent (``starts[k]`` is parent k's first column)."""

    text: np.ndarray
    heading: np.ndarray
    starts: np.ndarray


def pair_scores(child: EncodedDocument, parents: Sequence[EncodedDocument], scratch: Scratch) -> PairScores:
    """Text cosine (heading weighted up) and heading cosine (each side's heading against the other's
    text: the heading names the task) of the child against each parent document, each pair with
    one IDF over the two documents' provisions, as if the two were compared alone."""
    scratch.load(child)
    try:
        totals = child.size + np.array([p.size for p in parents])
        table = idf_table(int(totals.max()) + 1)
        child_idf = _child_idf(child, parents, totals, table)
        sides = {name: _parent_side(Stacked.of(parents, name), totals, table, scratch, len(child.vocab))
                 for name in ENCODINGS}
    finally:
        scratch.clear(child)
    text = _cosine(child, "vector", child_idf, sides["vector"])
    heading = np.maximum(_cosine(child, "head", child_idf, sides["body"]),
                         _cosine(child, "body", child_idf, sides["head"]))
    return PairScores(text, heading, np.r_[0, np.cumsum([p.size for p in parents])])


def _child_idf(child: EncodedDocument, parents: Sequence[EncodedDocument], totals: np.ndarray,
               table: np.ndarray) -> np.ndarray:
    """IDF of the child's n-grams in each pair: parents × child vocabulary."""
    df = np.tile(child.df, (len(parents), 1))
    for k, parent in enumerate(parents):
        at = np.minimum(np.searchsorted(parent.vocab, child.vocab), len(parent.vocab) - 1)
        hit = parent.vocab[at] == child.vocab
        df[k, hit] += parent.df[at[hit]]
    return table[totals][:, None] - table[df]


@dataclass
class _Side:
    matrix: Any  # parent rows × child vocabulary: tf × idf² / norm, on the n-grams the child has
    row_doc: np.ndarray


def _parent_side(stack: Stacked, totals: np.ndarray, table: np.ndarray, scratch: Scratch, width: int) -> _Side:
    idf = table[totals[stack.row_doc[stack.entry_row]]] - table[stack.own_df + scratch.df[stack.ids]]
    weight = stack.tf * idf
    norms = np.sqrt(np.bincount(stack.entry_row, weights=weight * weight, minlength=stack.count))
    column = scratch.position[stack.ids]
    shared = column >= 0  # only n-grams the child has can add to a dot product
    rows = stack.entry_row[shared]
    values = (weight * idf)[shared] / np.maximum(norms, 1e-12)[rows]
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=stack.count))]
    return _Side(csr(values, column[shared], indptr, width), stack.row_doc)


def _cosine(child: EncodedDocument, encoding: str, child_idf: np.ndarray, side: _Side) -> np.ndarray:
    rows = child.rows[encoding]
    column = np.searchsorted(child.vocab, rows.ids)
    tf = rows.tf
    norms = np.sqrt(csr(tf * tf, column, rows.indptr, len(child.vocab)) @ (child_idf.T ** 2))  # rows × parents
    dots = (csr(tf, column, rows.indptr, len(child.vocab)) @ side.matrix.T).toarray()
    return dots / np.maximum(norms, 1e-12)[:, side.row_doc]
