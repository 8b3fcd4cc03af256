"""Resolve the citations documents carry into ``CITES`` (and implements-``DERIVES_FROM``) edges.

A citation resolves to a loaded document by 文号, else by title, where a short title stands for a
long one when the long one only adds a lead-in (``推动成渝地区双城经济圈建设`` + the short title) or a
trailing period such as ``(2020-2025)``, never a year or another place. Unresolved citations point at
a cited-only Document stub (``stub=true``, ``source=null``, shared: ``document=None``) with what the
text gives; when the cited document is loaded later, its citers are re-resolved to it and the stub,
left without edges, is dropped by the build's orphan cleanup.

Incremental: only the changed documents and the documents whose citations resolve to a changed
document are re-resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policykg.domain.names import title_key
from policykg.domain.regions import leading_region

from .components import component
from .model import Edge, EdgeKind, Node, NodeKind, digest
from .store import Writer

EXTRACTOR = "citations"
IMPLEMENTS_METHOD = "implements-statement/1"
MIN_SHORT_TITLE = 6  # characters: a shorter title names too little to stand for a longer one


@dataclass
class DocInfo:
    id: str
    title: str | None
    doc_number: str | None
    region: str | None
    year: int | None
    stub: bool
    citations: list[dict[str, Any]]
    aliases: list[str]

    @property
    def keys(self) -> list[str]:
        return [k for k in {title_key(t) for t in [self.title, *self.aliases]} if k]


def load_documents(writer: Writer) -> dict[str, DocInfo]:
    docs: dict[str, DocInfo] = {}
    for d in writer.document_records():
        docs[d["id"]] = DocInfo(d["id"], d.get("title"), d.get("doc_number"), d.get("region"), d.get("year"),
                               bool(d.get("stub")), d.get("citations") or [], d.get("aliases") or [])
    return docs


class Resolver:
    """Look up documents by 文号 and by (short or long) title."""

    def __init__(self, docs: list[DocInfo]):
        self.by_number: dict[str, DocInfo] = {}
        self.by_tail: dict[str, list[tuple[str, DocInfo]]] = {}
        for doc in docs:
            self.add(doc)

    def add(self, doc: DocInfo) -> None:
        if doc.doc_number:
            self.by_number.setdefault(doc.doc_number, doc)
        for key in doc.keys:
            self.by_tail.setdefault(key[-4:], []).append((key, doc))

    def resolve(self, citation: dict[str, Any], exclude: str | None = None) -> tuple[DocInfo, str] | None:
        number = citation.get("doc_number")
        if number and number in self.by_number and self.by_number[number].id != exclude:
            return self.by_number[number], "doc_number"
        key = title_key(citation.get("title"))
        if not key:
            return None
        best: DocInfo | None = None
        for other_key, doc in self.by_tail.get(key[-4:], []):
            if doc.id == exclude or not _compatible(citation, doc):
                continue
            if other_key == key:
                return doc, "title"
            if best is None and same_document_title(key, other_key):
                best = doc
        return (best, "title") if best else None


def same_document_title(a: str, b: str) -> bool:
    """Is one title key a short form of the other (the longer adds only a lead-in)?"""
    short, long = sorted((a, b), key=len)
    if short == long:
        return True
    if len(short) < MIN_SHORT_TITLE or not long.endswith(short):
        return False
    lead = long[: -len(short)]
    if any(ch.isdigit() for ch in lead):  # a year or a number makes it another document
        return False
    return leading_region(lead) is None


def _compatible(citation: dict[str, Any], doc: DocInfo) -> bool:
    if citation.get("region") and doc.region and citation["region"] != doc.region:
        return False
    return not (citation.get("year") and doc.year and int(citation["year"]) != int(doc.year))


def stub_id(citation: dict[str, Any]) -> str:
    key = ("num:" + citation["doc_number"]) if citation.get("doc_number") else "title:" + title_key(citation["title"])
    return "doc-" + digest("stub", key)


def _stub_node(citation: dict[str, Any]) -> Node:
    return Node(
        stub_id(citation),
        NodeKind.DOCUMENT,
        {
            "source": None, "title": citation.get("title"), "issuer": citation.get("issuer"),
            "doc_number": citation.get("doc_number"), "date": None, "year": citation.get("year"),
            "region": citation.get("region"), "level": citation.get("level"), "stub": True,
            "aliases": sorted({citation.get("cited_as") or ""} - {"", citation.get("title")}),
        },
        document=None,
        extractor=EXTRACTOR,
    )


@component("citations", "link", requires=["Document.citations"], assigns=["CITES", "DERIVES_FROM", "Document"])
def link_citations(store: Any, writer: Writer, changed: list[str]) -> dict[str, int]:
    """CITES from each changed document to the documents it names (stubs for those not loaded), and
    document-level DERIVES_FROM where the notice says it implements the cited one."""
    docs = load_documents(writer)
    real = [d for d in docs.values() if not d.stub]
    resolver = Resolver(real)
    stubs = Resolver([d for d in docs.values() if d.stub])
    changed_set = {c for c in changed if c in docs}
    changed_resolver = Resolver([docs[c] for c in changed_set])
    citers = set(changed_set)
    for doc in real:  # documents whose citations now reach a changed document
        if doc.id not in citers and any(changed_resolver.resolve(c, exclude=doc.id) for c in doc.citations):
            citers.add(doc.id)
    counts = {"CITES": 0, "DERIVES_FROM": 0}
    for citer in sorted(citers):
        writer.drop_links(("CITES", "DERIVES_FROM"), source=citer)
        for kind, n in _link_one(writer, docs[citer], resolver, stubs).items():
            counts[kind] += n
    return {k: v for k, v in counts.items() if v}


def _link_one(writer: Writer, doc: DocInfo, resolver: Resolver, stubs: Resolver) -> dict[str, int]:
    edges: dict[str, Edge] = {}
    for citation in doc.citations:
        if not (citation.get("title") or citation.get("doc_number")):
            continue
        hit = resolver.resolve(citation, exclude=doc.id)
        if hit:
            target, how = hit[0].id, hit[1]
        else:
            known = stubs.resolve(citation)
            if known:
                target = known[0].id
            else:
                node = _stub_node(citation)
                writer.upsert_nodes([node])
                info = DocInfo(node.id, citation.get("title"), citation.get("doc_number"), citation.get("region"),
                               citation.get("year"), True, [], node.attrs["aliases"])
                stubs.add(info)
                target = node.id
            how = "stub"
        span = tuple(citation["span"]) if citation.get("span") else None
        attrs = {"words": citation.get("words"), "resolved_by": how, "title": citation.get("title"),
                 "doc_number": citation.get("doc_number"), "spans": citation.get("spans") or []}
        edge = Edge(doc.id, target, EdgeKind.CITES, attrs, document=doc.id, span=span, extractor=EXTRACTOR)
        edges.setdefault(edge.id, edge)
        if citation.get("implements"):
            evidence = [{"source_span": list(span) if span else None, "target_span": None,
                         "source_words": citation.get("words"), "target_words": citation.get("title")}]
            derived = Edge(doc.id, target, EdgeKind.DERIVES_FROM,
                           {"score": 1.0, "method": IMPLEMENTS_METHOD, "evidence": evidence, "shared": [],
                            "resolved_by": how},
                           document=doc.id, span=span, extractor=EXTRACTOR)
            edges.setdefault(derived.id, derived)
    writer.add_edges(edges.values())
    counts: dict[str, int] = {}
    for edge in edges.values():
        counts[str(edge.kind)] = counts.get(str(edge.kind), 0) + 1
    return counts
