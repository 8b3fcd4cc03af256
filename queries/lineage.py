"""Where a provision came from and where it went: DERIVES_FROM / CONTINUES chains with evidence."""

from __future__ import annotations

from collections import deque
from typing import Any

from policykg.graph.model import EdgeKind

from .answers import DocumentHop, Hop, LineageAnswer, Page
from .common import (
    complete_edges,
    doc_ref_or_none,
    evidence_items,
    method_of,
    node_label,
    provision_ref,
    score_of,
    walk_edges,
    window,
)
from .index import QueryIndex, index_for
from .resolve import resolve_provision

LINEAGE_KINDS = (EdgeKind.DERIVES_FROM, EdgeKind.CONTINUES)
MAX_DEPTH = 10


def lineage(store: Any, provision: str, depth: int = 3, limit: int | None = None, offset: int = 0) -> LineageAnswer:
    """Upstream hops (what the provision derives from / continues) and downstream hops (what
    derives from / continues it), breadth first to ``depth``; each hop has its edge's score,
    method and the aligned words quoted from both documents."""
    idx = index_for(store)
    pid = resolve_provision(idx, provision)
    depth = max(1, min(depth, MAX_DEPTH))
    upstream = _walk(idx, pid, depth, upstream=True)
    downstream = _walk(idx, pid, depth, upstream=False)
    doc_id = (idx.node(pid) or {}).get("document")
    return LineageAnswer(
        provision=provision_ref(idx, pid),
        depth=depth,
        limit=limit,
        offset=offset,
        upstream=_page(idx, upstream, limit, offset),
        downstream=_page(idx, downstream, limit, offset),
        document_lineage=_document_hops(idx, doc_id),
    )


def _page(idx: QueryIndex, hops: list[tuple[dict, int, str]], limit: int | None, offset: int) -> Page[Hop]:
    """Hops are found as bare edges; only the page's hops are dressed with provisions and quotes."""
    shown = window(hops, limit, offset)
    edges = complete_edges(idx.store, [e for e, _, _ in shown])
    items = [hop(idx, e, level, via) for e, (_, level, via) in zip(edges, shown, strict=True)]
    return Page[Hop](total=len(hops), items=items)


def _walk(idx: QueryIndex, start: str, depth: int, upstream: bool) -> list[tuple[dict, int, str]]:
    hops: list[tuple[dict, int, str]] = []
    seen = {start}
    queue = deque([(start, 1)])
    while queue:
        current, level = queue.popleft()
        edges = walk_edges(idx.store, current, list(LINEAGE_KINDS), upstream)
        for edge in sorted(edges, key=lambda e: (-(score_of(e) or 0.0), e["id"])):
            nxt = edge["target"] if upstream else edge["source"]
            if idx.node(nxt) is None:
                continue
            hops.append((edge, level, current))
            if nxt not in seen and level < depth:
                seen.add(nxt)
                queue.append((nxt, level + 1))
    return hops


def hop(idx: QueryIndex, edge: dict[str, Any], level: int = 1, via: str | None = None) -> Hop:
    """One lineage edge for a reader: both provisions, score, method, why the documents are compared,
    and the aligned sentences quoted from both."""
    pair = edge.get("document_pair") if isinstance(edge.get("document_pair"), dict) else {}
    return Hop(
        kind=edge["kind"],
        depth=level,
        via=via,
        source=provision_ref(idx, edge["source"]),
        target=provision_ref(idx, edge["target"]),
        score=score_of(edge),
        method=method_of(edge),
        confidence=edge.get("confidence"),
        reason=pair.get("reason"),
        reason_detail=pair.get("detail"),
        shape=edge.get("shape"),
        shared=[_label(idx, v) for v in _shared(edge.get("shared"))],
        evidence=evidence_items(idx, edge),
    )


def _shared(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(v) for values in value.values() for v in (values if isinstance(values, list) else [values])]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _label(idx: QueryIndex, value: str) -> str:
    """Shared entities are stored by id; a reader wants their names."""
    node = idx.node(value)
    return node_label(node) if node else value


def _document_hops(idx: QueryIndex, doc_id: str | None) -> list[DocumentHop]:
    """Document-level DERIVES_FROM / CITES of the provision's document (what it says it implements)."""
    if not doc_id:
        return []
    hops = []
    for edge in idx.store.out_edges(doc_id, [EdgeKind.DERIVES_FROM, EdgeKind.CITES]):
        target = doc_ref_or_none(idx, edge["target"])
        if target is None:
            continue
        words = edge.get("words")
        hops.append(DocumentHop(kind=edge["kind"], document=target, words=words if isinstance(words, str) else None,
                                resolved_by=edge.get("resolved_by")))
    return sorted(hops, key=lambda h: (h.kind, h.document.id))
