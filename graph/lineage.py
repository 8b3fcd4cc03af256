"""Provision lineage: ``DERIVES_FROM`` (lower jurisdiction → its parent region or the nation, same or
earlier year) and ``CONTINUES`` (same jurisdiction, earlier year), with score and aligned evidence.

After the text-reuse systems that trace legislation (Legislative Influence Detector, LegisMatch):

1. Blocking: a document is compared only with documents it can descend from — its parent region's
   and the nation's of the same or an earlier year within ``year_window``, and its own region's of
   an earlier year — never with every document of the corpus.
2. Retrieval: each provision against all provisions of that block by character n-gram TF-IDF
   cosine (IDF over the block's provisions); its top ``retrieve_top`` candidates go on to
   verification.
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

import gc
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from policykg.domain.regions import NATION

from .components import component
from .linkscore import Block, EncodedDocument, PairScores, encode_document, number_documents
from .model import Edge, EdgeKind
from .store import Writer, edge_row
from .textsim import aligned_phrases, locate
from .workers import forked_pool

METHOD = "ngram-tfidf-heading-mutual-best/3"  # /3: retrieval uses the block's own IDF
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
ENTITY_EDGES = ("MENTIONS", "LEADS", "SUPPORTS")  # what both provisions of a link may share


@dataclass
class DocMeta:
    id: str
    region: str | None
    parent_region: str | None
    year: int | None


def load_doc_meta(writer: Writer) -> dict[str, DocMeta]:
    out = {}
    for d in writer.document_records(loaded_only=True):
        year = d.get("year")
        out[d["id"]] = DocMeta(d["id"], d.get("region"), d.get("parent_region"), int(year) if year else None)
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

    @staticmethod
    def key(d: DocMeta) -> tuple[str | None, str | None, int | None]:
        """Documents with the same key have the same block (``upward`` reads nothing else)."""
        return d.region, d.parent_region, d.year

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


PARALLEL_MIN_CHILDREN = 200  # below this, forking workers costs more than it saves


@component("lineage", "link", requires=["Provision"], assigns=["DERIVES_FROM", "CONTINUES"])
def link_provisions(store: Any, writer: Writer, changed: list[str], policy: Policy = POLICY,
                    jobs: int = 1) -> dict[str, int]:
    """Relink every document whose block changed: the changed documents as children, and the
    documents below or after them (a new parent changes their candidates). ``jobs`` > 1 links
    blocks in that many forked worker processes; the edges are the same either way."""
    docs = load_doc_meta(writer)
    blocks = Blocks(docs, policy.year_window)
    children: set[str] = set()
    for doc_id in changed:
        d = docs.get(doc_id)
        if d is None:
            continue
        children.add(d.id)
        children.update(c.id for c, _ in blocks.downward(d))
    groups: dict[tuple, list[str]] = defaultdict(list)  # children with the same block
    for child in sorted(children):
        groups[blocks.key(docs[child])].append(child)
    tasks = [(groups[key], {p.id: kind for p, kind in blocks.upward(docs[groups[key][0]])})
             for key in sorted(groups, key=str)]
    linker = _Linker(writer, policy)
    linker.load(children | {p for _, block in tasks for p in block})
    counts: dict[str, int] = defaultdict(int)
    parallel = jobs > 1 and len(children) >= PARALLEL_MIN_CHILDREN
    for child, rows in (_link_in_workers(linker, tasks, jobs) if parallel else _link_here(linker, tasks)):
        _drop_links(writer, child)
        writer.add_edge_rows(rows)
        for row in rows:
            counts[row[3]] += 1
    return dict(counts)


Task = tuple[list[str], dict[str, str]]  # children sharing a block, and the block (parent id → edge kind)
Linked = list[tuple[str, list[tuple]]]  # per child, its edges as table rows
_FORKED: _Linker | None = None  # the linker worker processes inherit (fork shares its arrays)


def _link_here(linker: _Linker, tasks: list[Task]) -> Iterator[tuple[str, list[tuple]]]:
    for task in tasks:
        yield from _rows(linker, task)


def _rows(linker: _Linker, task: Task) -> Linked:
    return [(child, [edge_row(e) for e in edges]) for child, edges in linker.link_group(*task)]


def _link_batch(tasks: list[Task]) -> Linked:
    assert _FORKED is not None
    return [item for task in tasks for item in _rows(_FORKED, task)]


def _link_in_workers(linker: _Linker, tasks: list[Task], jobs: int) -> Iterator[tuple[str, list[tuple]]]:
    """Blocks split into batches of about equal work, linked in forked workers; the main process
    writes each batch's edges while the workers go on."""
    global _FORKED
    batches: list[list[Task]] = [[]]
    per_batch = max(1, sum(len(children) for children, _ in tasks) // (jobs * 16))
    for task in tasks:
        if sum(len(children) for children, _ in batches[-1]) >= per_batch:
            batches.append([])
        batches[-1].append(task)
    _FORKED = linker
    # Frozen objects are skipped by the workers' garbage collector, which would otherwise write to
    # every inherited object and so copy the parent's memory into each worker page by page.
    gc.freeze()
    try:
        with forked_pool(jobs, len(batches)) as pool:
            for linked in pool.map(_link_batch, batches):
                yield from linked
    finally:
        gc.unfreeze()
        _FORKED = None


def _drop_links(writer: Writer, child: str) -> None:
    writer.drop_links((EdgeKind.DERIVES_FROM, EdgeKind.CONTINUES), owner=child, source_kind="Provision")


class _Linker:
    """One linking run: the documents it reads, encoded once, and the edges it draws."""

    def __init__(self, writer: Writer, policy: Policy):
        self.writer, self.policy = writer, policy
        self.docs: dict[str, EncodedDocument] = {}
        self.texts: dict[str, str] = {}
        self.entities: dict[str, dict[str, set[str]]] = {}

    def load(self, doc_ids: set[str]) -> None:
        """Read and encode every document the run compares (a few SQL queries, not one per document)."""
        wanted = sorted(doc_ids)
        found = self.writer.provisions_of(wanted)
        self.docs = {}
        for doc_id in wanted:
            provisions = found[doc_id]
            self.docs[doc_id] = encode_document(doc_id, provisions, self.policy.ngram_sizes, self.policy.heading_weight)
        number_documents(list(self.docs.values()))
        self._read_texts_and_entities(wanted)

    def _read_texts_and_entities(self, doc_ids: list[str]) -> None:
        """Everything edges quote, read up front so that linking needs no more queries (workers have none)."""
        self.texts = {d: "" for d in doc_ids} | self.writer.document_texts(doc_ids)
        self.entities = {d: defaultdict(set) for d in doc_ids}
        for owner, source, target, kind in self.writer.edge_ends(doc_ids, ENTITY_EDGES):
            if kind == "MENTIONS":
                self.entities[owner][source].add(target)
            else:
                self.entities[owner][target].add(source)

    def link_group(self, children: list[str], block: dict[str, str]) -> list[tuple[str, list[Edge]]]:
        """Children that share one block: retrieval against the block, then verification of each
        child's candidates against the parent documents they fall in."""
        parents = [self.docs[p] for p in sorted(block) if self.docs[p].size]
        index = Block(parents) if parents else None
        out = []
        for child_id in children:
            child = self.docs[child_id]
            found = index.candidates(child, self.policy.retrieve_top, self.policy.retrieve_floor) \
                if index and child.size else {}
            out.append((child_id, self._verify(child, index, found, block) if found and index else []))
        return out

    def _verify(self, child: EncodedDocument, index: Block, candidates: dict[int, set[tuple[int, int]]],
                kinds: dict[str, str]) -> list[Edge]:
        """A candidate becomes a link when its score clears the threshold and it is the best match
        on one side within its document pair."""
        scores = index.pair_scores(child)
        combined = scores.text + self.policy.heading_bonus * scores.heading
        edges = []
        for k in sorted(candidates, key=lambda k: index.docs[k].id):
            parent = index.docs[k]
            start, end = scores.starts[k], scores.starts[k + 1]
            pair = combined[:, start:end]
            row_best, col_best = pair.max(axis=1), pair.max(axis=0)
            for i, j in sorted(candidates[k]):
                s = pair[i, j]
                if s < self.policy.threshold or (s < row_best[i] and s < col_best[j]):
                    continue
                edges.append(self._edge(child, parent, i, j, kinds[parent.id], float(s),
                                        _parts(scores, i, start + j)))
        return edges

    def _edge(self, child: EncodedDocument, parent: EncodedDocument, i: int, j: int, kind: str, score: float,
              parts: tuple[float, float]) -> Edge:
        a, b = child.provisions[i], parent.provisions[j]
        mine, theirs = self.entities[child.id].get(a["id"], set()), self.entities[parent.id].get(b["id"], set())
        shared = sorted(mine & theirs)
        return Edge(
            a["id"], b["id"], kind,
            {
                "score": round(score, 4),
                "text_score": round(parts[0], 4),
                "heading_score": round(parts[1], 4),
                "method": METHOD,
                "threshold": self.policy.threshold,
                "evidence": self.evidence(child.id, a, parent.id, b),
                "shared": shared,
                "headings": [a.get("heading") or "", b.get("heading") or ""],
            },
            document=child.id, span=tuple(a["span"]) if a.get("span") else None, extractor=EXTRACTOR,
            confidence=round(min(1.0, score / (2 * self.policy.threshold)), 3),
        )

    def evidence(self, child_doc: str, child: dict[str, Any], parent_doc: str, parent: dict[str, Any]) -> list[dict]:
        """The longest shared phrases, each located in both provisions' source text."""
        a, b = child.get("text") or "", parent.get("text") or ""
        phrases = sorted(set(aligned_phrases(a, b, self.policy.min_phrase)), key=lambda p: (-len(p), p))
        return [{
            "source_span": locate(self.texts[child_doc], child.get("span"), phrase),
            "target_span": locate(self.texts[parent_doc], parent.get("span"), phrase),
            "source_words": phrase,
            "target_words": phrase,
        } for phrase in phrases[: self.policy.max_evidence]]


def _parts(scores: PairScores, row: int, column: int) -> tuple[float, float]:
    return float(scores.text[row, column]), float(scores.heading[row, column])
