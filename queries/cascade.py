"""How a higher-level task cascaded down: derived provisions by region, coverage, wording changes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from policykg.domain.regions import cities_of, provinces
from policykg.graph.model import EdgeKind

from .answers import CascadeAnswer, CascadeGroup, CascadeItem, CascadeRoot, Coverage, Subdivision
from .changes import agency_changes, target_changes, targets_of
from .common import (
    complete_edges,
    doc_ref_or_none,
    evidence_items,
    method_of,
    provision_ref,
    score_of,
    walk_edges,
)
from .index import QueryIndex, index_for
from .resolve import provisions_asked


def cascade(store: Any, ref: str, limit: int | None = None, offset: int = 0) -> CascadeAnswer:
    """Every lower-level provision deriving (directly or through an intermediate level) from the
    provision, or from any provision of the document, grouped by region; which subdivisions show
    no derived provision; and per derived provision the targets raised/lowered and agencies added."""
    idx = index_for(store)
    roots, scope_doc, asked = provisions_asked(idx, ref)
    is_provision = asked is not None
    found = _derived(idx, roots)  # (edge, root, depth), found cheaply; only the page is dressed
    found.sort(key=lambda f: _order(idx, f[0]["source"]))
    doc = idx.node(scope_doc) or {}
    shown = found[offset : None if limit is None else offset + limit]
    edges = complete_edges(idx.store, [edge for edge, _, _ in shown])
    window = [_item(idx, edge, root, depth) for edge, (_, root, depth) in zip(edges, shown, strict=True)]
    root = CascadeRoot(
        kind="Provision" if is_provision else "Document",
        provisions=len(roots),
        document=doc_ref_or_none(idx, scope_doc),
        provision=provision_ref(idx, roots[0]) if is_provision else None,
    )
    return CascadeAnswer(
        root=root,
        total=len(found),
        limit=limit,
        offset=offset,
        regions=_group(window),
        coverage=_coverage(idx, doc.get("region"), doc.get("level"), [_region(idx, f[0]["source"]) for f in found]),
    )


def _region(idx: QueryIndex, pid: str) -> str | None:
    prov = idx.node(pid) or {}
    return prov.get("region", (idx.node(prov.get("document")) or {}).get("region"))


def _order(idx: QueryIndex, pid: str) -> tuple:
    prov = idx.node(pid) or {}
    return (_region(idx, pid) or "", prov.get("year") or 0, prov.get("document") or "", prov.get("number") or 0, pid)


def _derived(idx: QueryIndex, roots: list[str]) -> list[tuple[dict[str, Any], str, int]]:
    items: list[tuple[dict[str, Any], str, int]] = []
    seen = set(roots)
    frontier = [(r, r, 1) for r in roots]
    while frontier:
        nxt = []
        for upper, root, depth in frontier:
            for edge in sorted(walk_edges(idx.store, upper, [EdgeKind.DERIVES_FROM], False), key=lambda e: e["id"]):
                lower = edge["source"]
                if idx.node(lower) is None or lower in seen:
                    continue
                seen.add(lower)
                items.append((edge, root, depth))
                nxt.append((lower, root, depth + 1))
        frontier = nxt
    return items


def _item(idx: QueryIndex, edge: dict[str, Any], root: str, depth: int) -> CascadeItem:
    lower, upper = edge["source"], edge["target"]
    prov = provision_ref(idx, lower)
    return CascadeItem(
        region=prov.region,
        provision=prov,
        derives_from=provision_ref(idx, upper),
        root=root,
        depth=depth,
        score=score_of(edge),
        method=method_of(edge),
        evidence=evidence_items(idx, edge),
        target_changes=target_changes(targets_of(idx, upper), targets_of(idx, lower)),
        agencies=agency_changes(idx, upper, lower),
    )


def _group(items: list[CascadeItem]) -> list[CascadeGroup]:
    groups: dict[str, list[CascadeItem]] = defaultdict(list)
    for item in items:
        groups[item.region or ""].append(item)
    return [CascadeGroup(region=region or None, count=len(group), items=group) for region, group in groups.items()]


def _subdivisions(region: str | None, level: str | None) -> list[str] | None:
    if level == "province" and region:
        # the gazetteer files county-level units governed by the province as 省直辖行政区划: not a city
        return [c for c in cities_of(region) if "直辖" not in c]
    if level == "national":
        return provinces()
    return None


def _coverage(idx: QueryIndex, region: str | None, level: str | None, regions: list[str | None]) -> Coverage:
    """For each city of the province (province of the nation): derived provisions, its documents."""
    children = _subdivisions(region, level)
    if not children:
        note = ("coverage is counted for provincial and national documents" if children is None
                else f"the gazetteer lists no prefecture-level subdivisions of {region}")
        return Coverage(scope=region, level=None, subdivisions=[], covered=[], missing=[], note=note)
    derived: dict[str, int] = defaultdict(int)
    for where in regions:
        child = _child_of(idx, where, children)
        if child:
            derived[child] += 1
    documents = _documents_in(idx, children)
    rows = [
        Subdivision(region=c, derived=derived.get(c, 0), documents=documents.get(c, []),
                    status="derived" if derived.get(c) else ("documents without derived provision" if documents.get(c)
                                                             else "no documents"))
        for c in children
    ]
    return Coverage(
        scope=region,
        level="city" if level == "province" else "province",
        subdivisions=rows,
        covered=[r.region for r in rows if r.derived],
        missing=[r.region for r in rows if not r.derived],
        note=None,
    )


def _child_of(idx: QueryIndex, region: str | None, children: list[str]) -> str | None:
    wanted = set(children)
    return next((r for r in idx.ancestors(region) if r in wanted), None)


def _documents_in(idx: QueryIndex, children: list[str]) -> dict[str, list[str]]:
    memo_key = ("documents_in", tuple(children))
    if memo_key not in idx.memo:
        idx.memo[memo_key] = _scan_documents(idx, children)
    return idx.memo[memo_key]


def _scan_documents(idx: QueryIndex, children: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for doc_id, doc in sorted(idx.documents.items()):
        if doc.get("stub"):
            continue
        child = _child_of(idx, doc.get("region"), children)
        if child:
            found[child].append(doc_id)
    return found
