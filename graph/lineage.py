"""Provision lineage: ``DERIVES_FROM`` (a lower jurisdiction's provision → the provision of a
jurisdiction above it that it implements, same or earlier year) and ``CONTINUES`` (a later provision
→ the earlier one of the same jurisdiction it carries forward), each with its score, its reason and
the aligned sentences on both sides.

Documents first, then provisions (after the text-reuse systems that trace legislation: blocking,
retrieval, then a decision per pair):

1. Blocking: a document is compared only with documents it can descend from — those of every
   division above its own (town → district → municipality → nation; city → province → nation) of
   the same or an earlier year within ``year_window``, those of its own division of an earlier
   year, and any such document it cites, whatever its age. Its division is the narrowest one its
   metadata and its title agree on (崇明区绿色建筑管理办法 governs 上海市崇明区 even when the city co-signs it).
2. Scores: every child provision against every provision of each candidate document, character
   n-gram TF-IDF with one IDF over the two documents (``linkscore.py``).
3. The document pair: related when the child says it implements the parent, cites it, names the
   same subject in its title, or matches it more often than chance allows (below); the reason is
   kept on every edge.
4. The decision, calibrated instead of one frozen number: a score is judged against what provision
   pairs of documents that cannot be related score (``NullModel``, a log-normal fitted on them by
   ``benchmarks/fit_lineage_null.py``, no gold read). A provision's best match among N parent
   provisions reaches ``bar(N, alpha)`` by chance with probability alpha, so a 5-item and a 60-item
   parent get their own bars. In a related pair a cell links when it clears the bar at
   ``link_alpha`` and is the best match on one side (so a child may have several parents in one
   document — a merged task — and a parent several children — a split one); a pair nothing else
   relates is related by its matches when so many of its rows clear that bar that chance cannot
   explain it (a binomial tail below ``pair_alpha``); otherwise only near copies (``copy_alpha``,
   best on both sides) link.

Each edge keeps its score and parts, the bar it cleared and the chance of clearing it unrelated, the
method and its version, the document pair's reason, the aligned sentences (which sentence of the
child matches which of the parent) located in both source texts, and the entities both provisions
point at.

Incremental: a document's links are a function of the document and its block, so a build relinks
the changed documents (as children) and the documents whose block holds a changed document; links
among all other documents are left as they are, and the result does not depend on load order.
"""

from __future__ import annotations

import gc
import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
from scipy.stats import binom

from policykg.domain.names import title_key
from policykg.domain.regions import NATION, leading_region, place_names, region_by_name

from .align import GramWeights, align, best_pair, sentence_scores
from .components import component
from .linkscore import Block, EncodedDocument, PairScores, encode_document, number_documents
from .model import Edge, EdgeKind
from .semantic import Embedder
from .store import Writer, edge_row
from .textsim import gram_codes, locate
from .workers import forked_pool

METHOD = "ngram-tfidf-documents-first-calibrated/4"
EXTRACTOR = "lineage"
DATA_DIR = Path(__file__).with_name("data")
NULL_FILE = DATA_DIR / "lineage_null.toml"


@dataclass(frozen=True)
class NullModel:
    """How provision pairs score when their documents cannot be related: a log-normal upper tail."""

    location: float
    spread: float
    fitted_on: str = ""

    @classmethod
    @cache
    def shipped(cls) -> NullModel:
        data = tomllib.loads(NULL_FILE.read_text(encoding="utf-8"))
        return cls(float(data["location"]), float(data["spread"]), str(data.get("fitted_on", "")))

    def bar(self, candidates: int, alpha: float) -> float:
        """The score an unrelated provision's best match among ``candidates`` reaches with chance alpha."""
        return _bar(self.location, self.spread, max(candidates, 1), alpha)

    def chance(self, score: float, candidates: int) -> float:
        """The chance that the best of ``candidates`` unrelated matches scores at least ``score``."""
        if score <= 0:
            return 1.0
        tail = 1 - NormalDist().cdf((math.log(score) - self.location) / self.spread)
        return min(1.0, candidates * tail)


@lru_cache(maxsize=1 << 14)
def _bar(location: float, spread: float, candidates: int, alpha: float) -> float:
    return math.exp(location + spread * NormalDist().inv_cdf(1 - alpha / candidates))


@dataclass(frozen=True)
class Policy:
    """The linker's named constants; none was fitted on gold labels."""

    link_alpha: float = 0.05  # in a related pair: chance that an unrelated provision's best match clears the bar
    pair_alpha: float = 1e-3  # a pair is related by its matches when that many rows clearing the bar is this unlikely
    min_matches: int = 2  # …and at least this many rows clear it
    copy_alpha: float = 1e-4  # in a pair nothing relates: only matches this unlikely by chance (near copies) link
    false_discovery: float = 0.1  # in a related pair: the share of its links chance may explain, at most
    alpha_ladder: tuple[float, ...] = (0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 1e-4)  # tried loosest first
    heading_weight: int = 1  # a heading n-gram counts this many extra times in the provision's vector
    heading_bonus: float = 0.3  # weight of the heading-against-the-other-text cosine in the score
    ngram_sizes: tuple[int, ...] = (2, 3)
    year_window: int = 5  # how many years back a provision may derive from / continue
    max_evidence: int = 6  # aligned sentence pairs kept per edge
    semantic: bool = False  # --semantic: recover restatements the character score misses (graph/semantic.py)
    semantic_floor: float = 0.5  # …considering a related pair's row bests that clear the bar at this chance level
    semantic_bar: float = 0.93  # …linked when embeddings agree this well: above the best of 200 cross-subject
    # provisions (99th percentile 0.925, sample notices against the wide corpus; e5 cosines are compressed)
    null: NullModel = field(default_factory=NullModel.shipped)


POLICY = Policy()
ENTITY_EDGES = ("MENTIONS", "LEADS", "SUPPORTS")  # what both provisions of a link may share
# A merged task's second parent must match one of the child's sentences at least this well (sentence
# cosine; half the bar from which aligned sentences are shown: restated sentences are reworded).
SECOND_PARENT_SENTENCE = 0.1
RELATED = ("implements", "cites", "title", "matches")


@cache
def region_chain(region: str) -> tuple[str, ...]:
    """The region and every division above it, up to the nation."""
    chain = [region]
    found = region_by_name(region)
    while found is not None and found.parent and found.parent not in chain:
        chain.append(found.parent)
        found = region_by_name(found.parent)
    if chain[-1] != NATION:
        chain.append(NATION)
    return tuple(chain)


def scope_of(region: str | None, title: str | None) -> str | None:
    """The narrowest division both the metadata and the title name: 崇明区绿色建筑管理办法, co-signed by
    the city, governs 上海市崇明区; a title that names a division above the document's (上海市…) changes nothing."""
    if region is None:
        return None
    named = leading_region(title or "")
    if named is not None and named.name != region and region in region_chain(named.name):
        return named.name
    return region


@dataclass
class DocMeta:
    id: str
    region: str | None  # the division the document governs (``scope_of``)
    year: int | None
    date: str | None = None  # YYYY-MM-DD: signed, else published
    subject: str = ""  # the title without place, years and the words that name the kind of document
    cites: frozenset[str] = frozenset()  # loaded documents it cites
    implements: frozenset[str] = frozenset()  # loaded documents it says it implements


def load_doc_meta(writer: Writer) -> dict[str, DocMeta]:
    records = writer.document_records(loaded_only=True)
    cites, implements = defaultdict(set), defaultdict(set)
    for owner, source, target, kind in writer.edge_ends([d["id"] for d in records], ("CITES", "DERIVES_FROM")):
        if source == owner:  # a document-level edge from the citation linker
            (cites if kind == EdgeKind.CITES else implements)[source].add(target)
    out = {}
    for d in records:
        year = d.get("year")
        out[d["id"]] = DocMeta(d["id"], scope_of(d.get("region"), d.get("title")), int(year) if year else None,
                               d.get("date") or d.get("published"), title_subject(d.get("title")),
                               frozenset(cites[d["id"]]), frozenset(implements[d["id"]]))
    return out


# --- titles ------------------------------------------------------------------------------------


@cache
def _title_rules() -> tuple[re.Pattern[str], float]:
    data = tomllib.loads((DATA_DIR / "lineage.toml").read_text(encoding="utf-8"))["title"]
    words = sorted(data["generic"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))), float(data["agreement"])


_YEARS = re.compile(r"[（(]?(?:19|20)\d{2}\s*(?:年)?(?:\s*[-—–~至]\s*(?:19|20)?\d{2,4}\s*年?)?[)）]?")
_NUMBERS = re.compile(r"[\d一二三四五六七八九十]+(?:个|项|年)|“|”|[^\u4e00-\u9fff]")


def title_subject(title: str | None) -> str:
    """What a title is about: 奉贤区深化农村公路管理养护体制改革实施方案 → 农村公路养护体制改革."""
    if not title:
        return ""
    generic, _ = _title_rules()
    return _NUMBERS.sub("", generic.sub("", _YEARS.sub("", _without_places(title_key(title)))))


def _without_places(text: str) -> str:
    """The text without the place names it opens with (上海市奉贤区…, 四川…)."""
    names = place_names()
    stripped = True
    while stripped:
        stripped = False
        for length in range(min(len(text) - 1, 12), 1, -1):
            if text[:length] in names:
                text, stripped = text[length:], True
                break
    return text


def same_subject(a: str, b: str) -> float:
    """Dice coefficient of two subjects' character bigrams (0 when either is shorter than a bigram)."""
    left, right = _bigrams(a), _bigrams(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


# --- blocks --------------------------------------------------------------------------------------


class Blocks:
    """Which documents a document may descend from, and which may descend from it."""

    def __init__(self, docs: dict[str, DocMeta], window: int):
        self.docs, self.window = docs, window
        self.by_region: dict[str, list[DocMeta]] = defaultdict(list)
        self.below: dict[str, list[DocMeta]] = defaultdict(list)  # region → documents of divisions under it
        self.cited_by: dict[str, list[DocMeta]] = defaultdict(list)
        for d in docs.values():
            for target in d.cites | d.implements:
                self.cited_by[target].append(d)
            if d.region is None or d.year is None:
                continue
            self.by_region[d.region].append(d)
            for above in region_chain(d.region)[1:]:
                self.below[above].append(d)

    def key(self, d: DocMeta) -> tuple:
        """Documents with the same key have nearly the same block, so one index serves them all: ``upward``
        reads nothing else but the date, which only drops a same-year document issued after ``d``."""
        return d.region, d.year, tuple(sorted(self._cited_beyond_window(d)))

    def upward(self, d: DocMeta) -> list[tuple[DocMeta, str]]:
        """(document, edge kind) pairs ``d`` may derive from or continue."""
        if d.region is None or d.year is None:
            return []
        out = []
        for region in region_chain(d.region)[1:]:
            out += [(p, EdgeKind.DERIVES_FROM) for p in self.by_region.get(region, [])
                    if d.year - self.window <= p.year <= d.year and not _after(p, d)]
        out += [(p, EdgeKind.CONTINUES) for p in self.by_region.get(d.region, [])
                if p.id != d.id and d.year - self.window <= p.year <= d.year and _before(p, d)]
        for cited in self._cited_beyond_window(d):
            p = self.docs[cited]
            out.append((p, EdgeKind.CONTINUES if p.region == d.region else EdgeKind.DERIVES_FROM))
        return out

    def _cited_beyond_window(self, d: DocMeta) -> list[str]:
        """Documents ``d`` cites that jurisdiction and time allow but the year window leaves out."""
        found = []
        for target in sorted(d.cites | d.implements):
            p = self.docs.get(target)
            if p is None or p.region is None or p.year is None or d.region is None or d.year is None:
                continue
            above = p.region in region_chain(d.region)[1:] and not _after(p, d)
            earlier = p.region == d.region and _before(p, d)
            if (above or earlier) and p.year < d.year - self.window:
                found.append(target)
        return found

    def downward(self, p: DocMeta) -> list[DocMeta]:
        """Documents that may derive from or continue ``p``: their blocks hold it."""
        if p.region is None or p.year is None:
            return []
        out = [c for c in self.below.get(p.region, []) if p.year <= c.year <= p.year + self.window]
        out += [c for c in self.by_region.get(p.region, []) if p.year <= c.year <= p.year + self.window]
        return out + self.cited_by.get(p.id, [])


def _before(p: DocMeta, d: DocMeta) -> bool:
    """``p`` was issued before ``d``: an earlier year, or the same year and an earlier date when both print one."""
    if p.year != d.year:
        return p.year < d.year
    return bool(p.date and d.date and p.date < d.date)


def _after(p: DocMeta, d: DocMeta) -> bool:
    """``p`` was issued after ``d`` (never a parent: lineage does not run backwards in time)."""
    return p.year > d.year or bool(p.year == d.year and p.date and d.date and p.date > d.date)


PARALLEL_MIN_CHILDREN = 200  # below this, forking workers costs more than it saves


@component("lineage", "link", requires=["Provision", "CITES"], assigns=["DERIVES_FROM", "CONTINUES"])
def link_provisions(store: Any, writer: Writer, changed: list[str], policy: Policy = POLICY,
                    jobs: int = 1, semantic: bool = False) -> dict[str, int]:
    """Relink every document whose block changed: the changed documents as children, and the
    documents below or after them (a new parent changes their candidates). ``jobs`` > 1 links
    blocks in that many forked worker processes; the edges are the same either way."""
    if semantic:
        policy = replace(policy, semantic=True)
    docs = load_doc_meta(writer)
    blocks = Blocks(docs, policy.year_window)
    children: set[str] = set()
    for doc_id in changed:
        d = docs.get(doc_id)
        if d is None:
            continue
        children.add(d.id)
        children.update(c.id for c in blocks.downward(d))
    allowed = {child: {p.id: kind for p, kind in blocks.upward(docs[child])} for child in sorted(children)}
    for alone in (child for child, block in allowed.items() if not block):
        _drop_links(writer, alone)  # nothing it may descend from: no links, and nothing to encode
    groups: dict[tuple, list[str]] = defaultdict(list)  # children whose blocks one index can hold
    for child, block in allowed.items():
        if block:
            groups[blocks.key(docs[child])].append(child)
    tasks = [(groups[key], {c: allowed[c] for c in groups[key]}) for key in sorted(groups, key=str)]
    linker = _Linker(writer, policy, docs)
    linker.load({c for children_, _ in tasks for c in children_}
                | {p for _, blocks_of in tasks for block in blocks_of.values() for p in block})
    counts: dict[str, int] = defaultdict(int)
    # the semantic signal reads and writes its cache through the writer: it links in this process
    parallel = jobs > 1 and len(children) >= PARALLEL_MIN_CHILDREN and not policy.semantic
    for child, rows in (_link_in_workers(linker, tasks, jobs) if parallel else _link_here(linker, tasks)):
        _drop_links(writer, child)
        writer.add_edge_rows(rows)
        for row in rows:
            counts[row[3]] += 1
    if linker.embedder is not None:  # what the semantic signal cost: texts embedded, and read from the cache
        counts["semantic: texts embedded"] = linker.embedder.computed
        counts["semantic: texts from the cache"] = linker.embedder.reused
    return dict(counts)


Task = tuple[list[str], dict[str, dict[str, str]]]  # children sharing an index, each child's block (parent → edge kind)
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


@dataclass(frozen=True)
class PairDecision:
    """How a child document stands to one candidate parent document, and the bars its cells must clear."""

    reason: str  # implements | cites | title | matches | unrelated
    detail: str
    rows_over_bar: int
    rows: int
    row_bar: float  # a child provision's match among the parent's provisions must reach this

    @property
    def related(self) -> bool:
        return self.reason in RELATED

    def record(self) -> dict[str, Any]:
        return {"reason": self.reason, "detail": self.detail, "rows_over_bar": self.rows_over_bar,
                "rows": self.rows}


class _Linker:
    """One linking run: the documents it reads, encoded once, and the edges it draws."""

    def __init__(self, writer: Writer, policy: Policy, meta: dict[str, DocMeta] | None = None):
        self.writer, self.policy = writer, policy
        self.embedder = Embedder(writer) if policy.semantic else None
        self.meta = meta if meta is not None else load_doc_meta(writer)
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

    def link_group(self, children: list[str], blocks: dict[str, dict[str, str]]) -> list[tuple[str, list[Edge]]]:
        """Children indexed together: one index over all their blocks' documents, and each child against
        the documents of its own block, pair by pair (a pair's scores do not depend on the rest of the index)."""
        held = sorted({p for block in blocks.values() for p in block})
        parents = [self.docs[p] for p in held if self.docs[p].size]
        index = Block(parents) if parents else None
        out = []
        for child_id in children:
            child = self.docs[child_id]
            edges = self._link_child(child, index, blocks[child_id]) if index is not None and child.size else []
            out.append((child_id, edges))
        return out

    def _link_child(self, child: EncodedDocument, index: Block, kinds: dict[str, str]) -> list[Edge]:
        scores = index.pair_scores(child)
        combined = scores.text + self.policy.heading_bonus * scores.heading
        edges = []
        for k, parent in enumerate(index.docs):
            if parent.id not in kinds:  # in the index for another child of the group
                continue
            start, end = scores.starts[k], scores.starts[k + 1]
            pair = combined[:, start:end]
            decision = self.decide(child.id, parent.id, pair)
            cells = self.select(pair, decision) + self._recovered(child, parent, pair, decision)
            if not cells:
                continue
            weights = _pair_weights(child, parent, self.policy.ngram_sizes)
            cells = self._second_parents_explain_more(child, parent, pair, cells, weights)
            shapes = _shapes(cells)
            for i, j in cells:
                edges.append(self._edge(child, parent, i, j, kinds[parent.id], decision, shapes, weights,
                                        _parts(scores, i, start + j)))
        return edges

    def decide(self, child: str, parent: str, pair: np.ndarray) -> PairDecision:
        """Whether the document pair is related, and why; the bars its cells must clear."""
        null, policy = self.policy.null, self.policy
        rows, columns = pair.shape
        row_bar = null.bar(columns, policy.link_alpha)
        over = int((pair.max(axis=1) >= row_bar).sum())
        own, theirs = self.meta.get(child), self.meta.get(parent)
        reason, detail = "unrelated", ""
        if own is not None and parent in own.implements:
            reason, detail = "implements", "the document says it implements the other (根据/贯彻落实《…》)"
        elif own is not None and parent in own.cites:
            reason, detail = "cites", "the document cites the other by title or 文号"
        elif own is not None and theirs is not None and same_subject(own.subject, theirs.subject) >= _title_rules()[1]:
            reason, detail = "title", f"both titles are about {own.subject} / {theirs.subject}"
        else:
            chance = float(binom.sf(over - 1, rows, policy.link_alpha)) if over else 1.0
            if over >= policy.min_matches and chance < policy.pair_alpha:
                reason, detail = "matches", f"{over} of {rows} provisions match, a chance of {chance:.1e}"
        row_bar = null.bar(columns, policy.copy_alpha) if reason == "unrelated" else self._controlled_bar(pair)
        return PairDecision(reason, detail, over, rows, row_bar)

    def _controlled_bar(self, pair: np.ndarray) -> float:
        """The lowest bar at which the pair's links are mostly real: the first chance level of the ladder at
        which the rows chance alone would lift over the bar are at most ``false_discovery`` of those that
        clear it — Benjamini–Hochberg's reasoning per document pair, with Storey's estimate of how many rows
        derive from nothing (those under the bar, over 1 − alpha). A city notice that restates much of a
        provincial one keeps the lowest bar; a same-subject notice it matches no more than chance would
        gets the near-copy bar."""
        null, policy = self.policy.null, self.policy
        rows, columns = pair.shape
        best = pair.max(axis=1)
        for alpha in policy.alpha_ladder:
            bar = null.bar(columns, alpha)
            over = int((best >= bar).sum())
            by_chance = alpha * (rows - over) / (1 - alpha)
            if over and by_chance <= policy.false_discovery * over:
                return bar
        return null.bar(columns, policy.copy_alpha)

    @staticmethod
    def select(pair: np.ndarray, decision: PairDecision) -> list[tuple[int, int]]:
        """The cells that link: over the child's bar and the best match on one side (on both when unrelated).

        Every link clears the bar of its child provision's best match, even when it is chosen as the
        parent provision's best child: a merged task's second parent must stand above chance too."""
        best_in_row = pair >= pair.max(axis=1)[:, None]
        best_in_column = pair >= pair.max(axis=0)[None, :]
        best = best_in_row | best_in_column if decision.related else best_in_row & best_in_column
        chosen = best & (pair >= decision.row_bar) & (pair > 0)
        return [(int(i), int(j)) for i, j in zip(*np.nonzero(chosen), strict=True)]

    def _recovered(self, child: EncodedDocument, parent: EncodedDocument, pair: np.ndarray,
                   decision: PairDecision) -> list[tuple[int, int]]:
        """With --semantic: a related pair's row bests under the bar but over the floor, linked when their
        sentence embeddings agree (a restatement reworded throughout)."""
        if self.embedder is None or not decision.related:
            return []
        floor = self.policy.null.bar(pair.shape[1], self.policy.semantic_floor)
        best = pair.argmax(axis=1)
        found = []
        for i, j in enumerate(best):
            score = pair[i, j]
            if floor <= score < decision.row_bar:
                a, b = child.provisions[i].get("text") or "", parent.provisions[j].get("text") or ""
                if a and b and self.embedder.similarity(a, b) >= self.policy.semantic_bar:
                    found.append((i, int(j)))
        return found

    def _second_parents_explain_more(self, child: EncodedDocument, parent: EncodedDocument, pair: np.ndarray,
                                     cells: list[tuple[int, int]], weights: GramWeights) -> list[tuple[int, int]]:
        """A child linked to a parent that is not its best in the document (a merged task's second parent)
        keeps that link only when the second parent matches a sentence of the child better than the first
        does: a merged task gathers sentences of both, while a child merely close to a parent's neighbour
        has nothing left for it to explain."""
        best = pair.argmax(axis=1)
        kept = []
        for i, j in cells:
            if j == best[i] or _explains_another_sentence(child.provisions[i], parent.provisions[best[i]],
                                                          parent.provisions[j], weights, self.policy.ngram_sizes):
                kept.append((i, j))
        return kept

    def _edge(self, child: EncodedDocument, parent: EncodedDocument, i: int, j: int, kind: str,
              decision: PairDecision, shapes: dict[tuple[int, int], dict[str, Any]], weights: GramWeights,
              parts: tuple[float, float]) -> Edge:
        a, b = child.provisions[i], parent.provisions[j]
        score = parts[0] + self.policy.heading_bonus * parts[1]
        mine, theirs = self.entities[child.id].get(a["id"], set()), self.entities[parent.id].get(b["id"], set())
        chance = self.policy.null.chance(score, parent.size)
        return Edge(
            a["id"], b["id"], kind,
            {
                "score": round(score, 4),
                "text_score": round(parts[0], 4),
                "heading_score": round(parts[1], 4),
                "method": METHOD + ("+e5" if self.embedder is not None else ""),
                "bar": round(decision.row_bar, 4),
                **({"semantic": round(self.embedder.similarity(a.get("text") or "", b.get("text") or ""), 4)}
                   if self.embedder is not None and score < decision.row_bar else {}),
                "chance": float(f"{chance:.3g}"),
                "document_pair": decision.record(),
                **shapes[(i, j)],
                "evidence": self.evidence(child, a, parent, b, weights),
                "shared": sorted(mine & theirs),
                "headings": [a.get("heading") or "", b.get("heading") or ""],
            },
            document=child.id, span=tuple(a["span"]) if a.get("span") else None, extractor=EXTRACTOR,
            confidence=round(1.0 - chance, 3),
        )

    def evidence(self, child: EncodedDocument, a: dict[str, Any], parent: EncodedDocument,
                 b: dict[str, Any], weights: GramWeights) -> list[dict]:
        """Aligned sentences: each child sentence with the parent sentence it shares most with, located
        in both source texts, with the phrases they share."""
        out = []
        pairs = align(a.get("text") or "", b.get("text") or "", weights, self.policy.ngram_sizes,
                      self.policy.max_evidence) or best_pair(a.get("text") or "", b.get("text") or "", weights,
                                                             self.policy.ngram_sizes)
        for pair in pairs:
            out.append({
                "source_span": locate(self.texts[child.id], a.get("span"), pair.child.text),
                "target_span": locate(self.texts[parent.id], b.get("span"), pair.parent.text),
                "source_words": pair.child.text,
                "target_words": pair.parent.text,
                "score": round(pair.score, 3),
                "shared_phrases": list(pair.shared),
            })
        return out


def _explains_another_sentence(child: dict[str, Any], first: dict[str, Any], second: dict[str, Any],
                               weights: GramWeights, sizes: tuple[int, ...]) -> bool:
    """Some sentence of the child is matched by ``second`` better than by ``first``, and well enough to
    share more than the common words (``SECOND_PARENT_SENTENCE``)."""
    by_first = sentence_scores(child.get("text") or "", first.get("text") or "", weights, sizes)
    by_second = sentence_scores(child.get("text") or "", second.get("text") or "", weights, sizes)
    return bool(len(by_second) and ((by_second >= SECOND_PARENT_SENTENCE) & (by_second > by_first)).any())


def _shapes(cells: list[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Any]]:
    """Merged tasks (a child with several parents in the document) and split ones (a parent with several children)."""
    parents, children = defaultdict(int), defaultdict(int)
    for i, j in cells:
        parents[i] += 1
        children[j] += 1
    out = {}
    for i, j in cells:
        merged, split = parents[i] > 1, children[j] > 1
        shape = "merged and split" if merged and split else "merged" if merged else "split" if split else "one to one"
        out[(i, j)] = {"shape": shape, "parents_in_document": parents[i], "children_in_document": children[j]}
    return out


def _pair_weights(child: EncodedDocument, parent: EncodedDocument, sizes: tuple[int, ...]) -> GramWeights:
    """IDF of n-grams over the two documents' provisions, for aligning their sentences."""
    texts = [p.get("text") or "" for p in child.provisions + parent.provisions]
    codes, owner = gram_codes(texts, sizes)
    if not len(codes):
        return GramWeights(len(texts), lambda wanted: np.zeros(len(wanted)))
    order = np.lexsort((owner, codes))  # by code, then by provision: one sort instead of two uniques
    codes, owner = codes[order], owner[order]
    first_in_provision = np.r_[True, (codes[1:] != codes[:-1]) | (owner[1:] != owner[:-1])]
    codes = codes[first_in_provision]
    first = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    vocab, df = codes[first], np.diff(np.r_[first, len(codes)])

    def df_of(wanted: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(vocab, wanted), max(len(vocab) - 1, 0))
        return np.where(len(vocab) and vocab[at] == wanted, df[at] if len(vocab) else 0, 0).astype(float)

    return GramWeights(len(texts), df_of)


def _parts(scores: PairScores, row: int, column: int) -> tuple[float, float]:
    return float(scores.text[row, column]), float(scores.heading[row, column])
