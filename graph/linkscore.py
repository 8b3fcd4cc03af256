"""The arithmetic of provision lineage: documents encoded as n-gram rows, blocks, and pair scores.

Kept apart from ``lineage.py`` (which decides what is compared with what, and writes edges) so the
scoring can be read, and checked, on its own. Everything here works on whole documents at once:
a block is indexed once for all the children that share it, and three sparse products per child
score it against every block document, whatever the number of parent documents, so the cost of
linking grows with the number of provisions compared and not with the number of document pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .textsim import Rows, csr, dense_ids, gram_codes, idf_table

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


class Block:
    """The documents a group of children may descend from, indexed once for all of them.

    The scores a child would get against each block document if the two were compared alone (one
    IDF over the two documents' provisions), computed for all documents at once from postings,
    touching only the n-grams the child shares with the block.
    """

    def __init__(self, docs: Sequence[EncodedDocument]):
        self.docs = list(docs)
        self.stacks = {name: Stacked.of(self.docs, name) for name in ENCODINGS}
        self.rows = self.stacks["body"].count
        self.sizes = np.array([d.size for d in self.docs])
        self.starts = np.r_[0, np.cumsum(self.sizes)]
        self.row_doc = self.stacks["body"].row_doc
        self.row_index = np.arange(self.rows) - self.starts[self.row_doc]
        # The block's own vocabulary, so no array here grows with the corpus's; one extra, empty
        # column stands for every n-gram the block does not have.
        self.vocab = np.unique(np.concatenate([d.vocab for d in self.docs]))
        self.width = len(self.vocab) + 1
        self._index_for_verification()

    def local(self, ids: np.ndarray) -> np.ndarray:
        """Block column of each vocabulary id (the last column when the block lacks it)."""
        if not len(self.vocab):
            return np.zeros(len(ids), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.vocab, ids), len(self.vocab) - 1)
        return np.where(self.vocab[at] == ids, at, len(self.vocab))

    def _index_for_verification(self) -> None:
        """Postings (n-gram → the block entries holding it) and, per row, the sums that give its
        norm under any pair IDF once the n-grams shared with the child are corrected."""
        self.postings, self.norm_parts = {}, {}
        for name, stack in self.stacks.items():
            entry = np.arange(1, len(stack.ids) + 1, dtype=np.int64)  # +1: an explicit 0 could be dropped
            self.postings[name] = csr(entry, self.local(stack.ids), stack.indptr, self.width).T.tocsr()
            tf2 = stack.tf ** 2
            own = idf_table(int(self.sizes.max(initial=0)) + 2)[stack.own_df]  # log(df + 1)
            self.norm_parts[name] = [np.bincount(stack.entry_row, weights=w, minlength=self.rows)
                                     for w in (tf2, tf2 * own, tf2 * own * own)]

    def pair_scores(self, child: EncodedDocument) -> PairScores:
        """Text cosine (heading weighted up) and heading cosine (each side's heading against the
        other's text: the heading names the task) of the child against every block document, each
        pair with one IDF over the two documents' provisions, as if the two were compared alone."""
        shared = {name: self._shared(child, name) for name in ENCODINGS}
        totals = child.size + self.sizes  # provisions in each pair
        table = idf_table(int(totals.max()) + 1)
        pair_df = self._block_df_at(child, shared["body"])  # child vocabulary × block documents
        child_idf = table[totals][None, :] - table[child.df[:, None] + pair_df]
        parents = {name: self._parent_matrix(shared[name], name, child, totals, table) for name in ENCODINGS}
        text = _cosine(child, "vector", child_idf, parents["vector"], self.row_doc)
        heading = np.maximum(_cosine(child, "head", child_idf, parents["body"], self.row_doc),
                             _cosine(child, "body", child_idf, parents["head"], self.row_doc))
        return PairScores(text, heading, self.starts)

    def _shared(self, child: EncodedDocument, encoding: str) -> _Shared:
        """The block entries of this encoding whose n-gram the child has, grouped by that n-gram."""
        hits = self.postings[encoding][self.local(child.vocab)]
        entry = hits.data - 1
        gram = np.repeat(np.arange(len(child.vocab)), np.diff(hits.indptr))
        return _Shared(entry, gram, hits.indices.astype(np.int64), hits.indptr)

    def _block_df_at(self, child: EncodedDocument, body: _Shared) -> np.ndarray:
        """How many provisions of each block document hold each n-gram of the child's vocabulary."""
        documents = len(self.docs)
        flat = np.bincount(body.gram * documents + self.row_doc[body.row], minlength=len(child.vocab) * documents)
        return flat.reshape(len(child.vocab), documents)

    def _parent_matrix(self, shared: _Shared, encoding: str, child: EncodedDocument, totals: np.ndarray,
                       table: np.ndarray) -> Any:
        """Child vocabulary × block rows: tf × idf² / norm under each row's pair IDF, on shared n-grams."""
        stack = self.stacks[encoding]
        log_n = table[totals][self.row_doc]  # per block row: log(N + 1) of its pair
        tf = stack.tf[shared.entry]
        own = stack.own_df[shared.entry]
        row_log_n = log_n[shared.row]
        alone, paired = row_log_n - table[own], row_log_n - table[own + child.df[shared.gram]]
        a, b, c = self.norm_parts[encoding]
        squared = log_n * log_n * a - 2 * log_n * b + c  # Σ tf² (log(N+1) - log(df_own+1))² over the row
        squared += np.bincount(shared.row, weights=tf * tf * (paired * paired - alone * alone), minlength=self.rows)
        norms = np.sqrt(np.maximum(squared, 0.0))
        values = tf * paired * paired / np.maximum(norms, 1e-12)[shared.row]
        return csr(values, shared.row, shared.indptr, self.rows)


@dataclass
class _Shared:
    entry: np.ndarray  # index into the block stack's entries
    gram: np.ndarray  # index into the child's vocabulary
    row: np.ndarray  # block row
    indptr: np.ndarray  # entries of child vocabulary id g: indptr[g]:indptr[g+1]


@dataclass
class PairScores:
    """Scores of every child provision against every provision of several parent documents,
    columns parent by parent (``starts[k]`` is parent k's first column)."""

    text: np.ndarray
    heading: np.ndarray
    starts: np.ndarray


def _cosine(child: EncodedDocument, encoding: str, child_idf: np.ndarray, parent_t: Any,
            row_doc: np.ndarray) -> np.ndarray:
    """Child rows × block rows. ``child_idf`` is child vocabulary × block documents; ``parent_t`` is
    child vocabulary × block rows, already divided by the parent rows' norms."""
    rows = child.rows[encoding]
    column = np.searchsorted(child.vocab, rows.ids)
    tf = rows.tf
    norms = np.sqrt(csr(tf * tf, column, rows.indptr, len(child.vocab)) @ (child_idf ** 2))  # rows × documents
    dots = (csr(tf, column, rows.indptr, len(child.vocab)) @ parent_t).toarray()
    return dots / np.maximum(norms, 1e-12)[:, row_doc]
