"""Provision lineage: ``DERIVES_FROM`` (lower jurisdiction → its parent region or the nation, same or
earlier year) and ``CONTINUES`` (same jurisdiction, earlier year), with score and aligned evidence.

After the text-reuse systems that trace legislation (Legislative Influence Detector, LegisMatch):

1. Blocking: a document is compared only with documents it can descend from — its parent region's
   and the nation's of the same or an earlier year within ``year_window``, and its own region's of
   an earlier year — never with every document of the corpus.
2. Retrieval: each provision against all provisions of that block by character n-gram TF-IDF
   cosine; its top ``retrieve_top`` candidates go on to verification.
3. Verification, per document pair, with one IDF over the two documents' provisions: the text
   cosine (heading n-grams weighted up) plus ``heading_bonus`` × the heading cosine (each side's
   heading against the other side's text: the heading names the task). A candidate becomes a link
   when the score clears the frozen threshold *and* the pair is the best match on at least one
   side (the child provision's best parent in that document, or the parent provision's best
   child). Each edge keeps its score and parts, the method and version, the aligned shared phrases
   located in both source texts, and the entities (programs, facility types, agencies) both
   provisions point at, where the entity extractors drew them (recorded, not scored).

Incremental: a document's links are a function of the document and its block, so a build relinks
the changed documents (as children) and the documents whose block holds a changed document (its
lower-jurisdiction and later same-jurisdiction documents); links among all other documents are
left as they are, and the result does not depend on the order documents were loaded in.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from policykg.loaders.regions import NATION

from .model import Edge, EdgeKind
from .store import Writer
from .textsim import Encoded, Vocabulary, aligned_phrases, locate, ngram_counts, tfidf_cosine, tfidf_rows

METHOD = "ngram-tfidf-heading-mutual-best/2"
EXTRACTOR = "lineage"


@dataclass(frozen=True)
class Policy:
    """One threshold policy for the whole corpus (chosen once on the shared gold, then frozen)."""

    threshold: float = 0.1075  # combined score a link must reach (middle of the gold plateau 0.1025–0.1125)
    heading_weight: int = 1  # a heading n-gram counts this many extra times in the provision's vector
    heading_bonus: float = 0.3  # weight of the heading-against-the-other-text cosine in the score
    ngram_sizes: tuple[int, ...] = (2, 3)
    year_window: int = 5  # how many years back a provision may derive from / continue
    retrieve_top: int = 3  # candidates kept per provision at retrieval
    retrieve_floor: float = 0.06  # block cosine under which a candidate is not worth verifying
    max_evidence: int = 6  # aligned phrases kept per edge
    min_phrase: int = 3  # characters


POLICY = Policy()
HEADLESS_CHARS = 12  # an item without a heading is named by its opening words
ENTITY_EDGES = ("MENTIONS", "LEADS", "SUPPORTS")  # what both provisions of a link may share


@dataclass
class DocMeta:
    id: str
    region: str | None
    parent_region: str | None
    year: int | None


@dataclass
class _Prov:
    id: str
    doc: str
    text: str
    heading: str
    span: list[int] | None
    vector: Encoded  # text with the heading weighted up
    body: Encoded  # text alone
    head: Encoded  # heading alone (the opening words when the item has none)


@dataclass
class _Context:
    writer: Writer
    policy: Policy
    vocab: Vocabulary = field(default_factory=Vocabulary)
    provisions: dict[str, list[_Prov]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    entities: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def provs(self, doc_id: str) -> list[_Prov]:
        if doc_id not in self.provisions:
            self.provisions[doc_id] = self._load(doc_id)
        return self.provisions[doc_id]

    def _load(self, doc_id: str) -> list[_Prov]:
        out = []
        for rec in sorted(self.writer.records("nodes", [doc_id], "owner"), key=lambda r: r["id"]):
            if rec.get("kind") != "Provision":
                continue
            text, heading = rec.get("text") or "", rec.get("heading") or ""
            sizes = self.policy.ngram_sizes
            vector = self.vocab.encode(ngram_counts(text, heading, self.policy.heading_weight, sizes))
            body = self.vocab.encode(ngram_counts(text, "", 0, sizes))
            head = self.vocab.encode(ngram_counts(heading or text[:HEADLESS_CHARS], "", 0, sizes))
            out.append(_Prov(rec["id"], doc_id, text, heading, rec.get("span"), vector, body, head))
        return out

    def source(self, doc_id: str) -> str:
        if doc_id not in self.texts:
            rows = self.writer.rows("SELECT text FROM documents WHERE id=?", (doc_id,))
            self.texts[doc_id] = rows[0][0] if rows else ""
        return self.texts[doc_id]

    def entities_of(self, doc_id: str) -> dict[str, set[str]]:
        """Provision id → entity ids it mentions or that lead/support it (empty if no extractor drew them)."""
        if doc_id not in self.entities:
            found: dict[str, set[str]] = defaultdict(set)
            marks = ",".join("?" * len(ENTITY_EDGES))
            rows = self.writer.rows(
                f"SELECT source, target, kind FROM edges WHERE owner=? AND kind IN ({marks})", (doc_id, *ENTITY_EDGES))
            for source, target, kind in rows:
                if kind == "MENTIONS":
                    found[source].add(target)
                else:
                    found[target].add(source)
            self.entities[doc_id] = found
        return self.entities[doc_id]


def load_doc_meta(writer: Writer) -> dict[str, DocMeta]:
    out = {}
    for doc_id, data in writer.rows("SELECT id, data FROM nodes WHERE kind='Document' AND owner IS NOT NULL"):
        d = json.loads(data)
        year = d.get("year")
        out[doc_id] = DocMeta(doc_id, d.get("region"), d.get("parent_region"), int(year) if year else None)
    return out


class Blocks:
    """Which documents a document may descend from, and which may descend from it."""

    def __init__(self, docs: dict[str, DocMeta], window: int):
        self.window = window
        self.by_region: dict[str, list[DocMeta]] = defaultdict(list)
        self.by_parent: dict[str, list[DocMeta]] = defaultdict(list)
        self.lower: list[DocMeta] = []  # every document below the nation
        for d in docs.values():
            if d.region is None or d.year is None:
                continue
            self.by_region[d.region].append(d)
            if d.parent_region:
                self.by_parent[d.parent_region].append(d)
            if d.region != NATION:
                self.lower.append(d)

    def upward(self, d: DocMeta) -> list[tuple[DocMeta, str]]:
        """(document, edge kind) pairs ``d`` may derive from or continue."""
        if d.region is None or d.year is None:
            return []
        out = []
        higher = [d.parent_region] if d.parent_region else []
        if d.region != NATION and NATION not in higher:
            higher.append(NATION)
        for region in higher:
            out += [(p, EdgeKind.DERIVES_FROM) for p in self.by_region.get(region, [])
                    if d.year - self.window <= p.year <= d.year]
        out += [(p, EdgeKind.CONTINUES) for p in self.by_region.get(d.region, [])
                if d.year - self.window <= p.year < d.year]
        return out

    def downward(self, p: DocMeta) -> list[tuple[DocMeta, str]]:
        """(document, edge kind) pairs that may derive from or continue ``p``."""
        if p.region is None or p.year is None:
            return []
        lower = self.lower if p.region == NATION else self.by_parent.get(p.region, [])
        out = [(c, EdgeKind.DERIVES_FROM) for c in lower
               if c.region != p.region and p.year <= c.year <= p.year + self.window]
        out += [(c, EdgeKind.CONTINUES) for c in self.by_region.get(p.region, [])
                if p.year < c.year <= p.year + self.window]
        return out


def link_provisions(store: Any, writer: Writer, changed: list[str], policy: Policy = POLICY) -> dict[str, int]:
    """Relink every document whose block changed: the changed documents as children, and the
    documents below or after them (a new parent changes their candidates)."""
    docs = load_doc_meta(writer)
    blocks = Blocks(docs, policy.year_window)
    children: set[str] = set()
    for doc_id in changed:
        d = docs.get(doc_id)
        if d is None:
            continue
        children.add(d.id)
        children.update(c.id for c, _ in blocks.downward(d))
    ctx = _Context(writer, policy)
    counts: dict[str, int] = defaultdict(int)
    for child in sorted(children):
        _drop_links(writer, child)
        edges = link_child(ctx, child, {p.id: kind for p, kind in blocks.upward(docs[child])})
        writer.add_edges(edges)
        for e in edges:
            counts[str(e.kind)] += 1
    return dict(counts)


def _drop_links(writer: Writer, child: str) -> None:
    rows = writer.rows("SELECT e.id FROM edges e JOIN nodes n ON n.id = e.source WHERE e.owner=? "
                       "AND e.kind IN ('DERIVES_FROM','CONTINUES') AND n.kind='Provision'", (child,))
    writer.delete_edge_ids([r[0] for r in rows])


def link_child(ctx: _Context, child: str, parents: dict[str, str]) -> list[Edge]:
    """The child's provisions against its whole block: retrieval, then verification per document pair."""
    candidates = _retrieve(ctx, child, sorted(parents))
    edges: list[Edge] = []
    for parent in sorted(candidates):
        edges += _verify(ctx, child, parent, parents[parent], candidates[parent])
    return edges


def _retrieve(ctx: _Context, child: str, parents: list[str]) -> dict[str, set[tuple[int, int]]]:
    """Per parent document, the (child index, parent index) pairs among a child provision's top
    candidates in the block."""
    rows = ctx.provs(child)
    cols = [(doc, j) for doc in parents for j in range(len(ctx.provs(doc)))]
    if not rows or not cols:
        return {}
    scores = tfidf_cosine([r.vector for r in rows], [ctx.provs(doc)[j].vector for doc, j in cols])
    found: dict[str, set[tuple[int, int]]] = defaultdict(set)
    k = min(ctx.policy.retrieve_top, len(cols))
    for i, row in enumerate(scores):
        for c in np.argpartition(-row, k - 1)[:k]:
            if row[c] >= ctx.policy.retrieve_floor:
                doc, j = cols[c]
                found[doc].add((i, j))
    return found


def pair_scores(left: list[_Prov], right: list[_Prov], policy: Policy) -> tuple[np.ndarray, np.ndarray]:
    """Text cosine (heading weighted up) and heading cosine (each side's heading against the other's
    text: the heading names the task, so a city item titled 强化院感防控 matches the provincial item
    whose text is about 院感) for every provision pair of two documents."""
    lv, rv, lh, lb, rh, rb = tfidf_rows(
        [[p.vector for p in left], [p.vector for p in right], [p.head for p in left], [p.body for p in left],
         [p.head for p in right], [p.body for p in right]],
        [p.body for p in left] + [p.body for p in right],  # one IDF: over the two documents' provisions
    )
    text = np.asarray((lv @ rv.T).todense())
    heading = np.maximum(np.asarray((lh @ rb.T).todense()), np.asarray((lb @ rh.T).todense()))
    return text, heading


def _verify(ctx: _Context, child: str, parent: str, kind: str, candidates: set[tuple[int, int]]) -> list[Edge]:
    left, right = ctx.provs(child), ctx.provs(parent)
    text, heading = pair_scores(left, right, ctx.policy)
    scores = text + ctx.policy.heading_bonus * heading
    row_best, col_best = scores.max(axis=1), scores.max(axis=0)
    edges = []
    for i, j in sorted(candidates):
        s = scores[i, j]
        if s < ctx.policy.threshold or (s < row_best[i] and s < col_best[j]):
            continue
        edges.append(_edge(ctx, left[i], right[j], kind, float(s), float(text[i, j]), float(heading[i, j])))
    return edges


def _edge(ctx: _Context, child: _Prov, parent: _Prov, kind: str, score: float, text: float, heading: float) -> Edge:
    shared = sorted(ctx.entities_of(child.doc).get(child.id, set()) & ctx.entities_of(parent.doc).get(parent.id, set()))
    return Edge(
        child.id, parent.id, kind,
        {
            "score": round(score, 4),
            "text_score": round(text, 4),
            "heading_score": round(heading, 4),
            "method": METHOD,
            "threshold": ctx.policy.threshold,
            "evidence": evidence(ctx, child, parent),
            "shared": shared,
            "headings": [child.heading, parent.heading],
        },
        document=child.doc, span=tuple(child.span) if child.span else None, extractor=EXTRACTOR,
        confidence=round(min(1.0, score / (2 * ctx.policy.threshold)), 3),
    )


def evidence(ctx: _Context, child: _Prov, parent: _Prov) -> list[dict[str, Any]]:
    """The longest shared phrases, each located in both provisions' source text."""
    phrases = sorted(set(aligned_phrases(child.text, parent.text, ctx.policy.min_phrase)), key=lambda p: (-len(p), p))
    items = []
    for phrase in phrases[: ctx.policy.max_evidence]:
        items.append({
            "source_span": locate(ctx.source(child.doc), child.span, phrase),
            "target_span": locate(ctx.source(parent.doc), parent.span, phrase),
            "source_words": phrase,
            "target_words": phrase,
        })
    return items
