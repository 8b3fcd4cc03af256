"""The coverage matrix: a higher-level document's tasks × the lower jurisdictions that could take
them up, each cell taken up (with the deriving provisions and scores), not taken up (the
jurisdiction has a document that could, and none derives from the task), or no document (nothing
of the jurisdiction from the task's year on is loaded, so nothing can be said).

Columns are the cities of a province (the provinces of the nation), each followed by its counties
that have a loaded document. A city's cell counts the city's documents and those of its counties;
a county's cell the county's own (and its towns').
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from policykg.domain.regions import cities_of, provinces
from policykg.graph.model import EdgeKind, NodeKind

from .answers import (
    CellStatus,
    CoverageMatrixAnswer,
    DocRef,
    MatrixCell,
    MatrixColumn,
    MatrixCounts,
    MatrixLink,
    MatrixRow,
)
from .common import doc_ref, provision_brief, score_of, walk_edges
from .index import QueryIndex, index_for
from .resolve import provisions_asked


@dataclass(frozen=True)
class _Derived:
    """A lower provision found below a task: its edge's score, depth and the provision it derives from."""

    provision: str
    upper: str
    score: float | None
    depth: int
    region: str | None


def coverage_matrix(store: Any, ref: str) -> CoverageMatrixAnswer:
    """The matrix of a document (every task) or of one provision (one row)."""
    idx = index_for(store)
    tasks, doc_id, asked = provisions_asked(idx, ref)
    doc = idx.node(doc_id) or {}
    main = _main_columns(doc.get("region"), doc.get("level"))
    if not main:
        why = ("the matrix is drawn below provincial and national documents" if main is None
               else f"the gazetteer lists no subdivisions of {doc.get('region')}")
        return CoverageMatrixAnswer(
            document=doc_ref(idx, doc_id), provision=provision_brief(idx, asked) if asked else None,
            scope=doc.get("region"), level=None, columns=[], rows=[],
            counts=MatrixCounts(tasks=len(tasks), columns=0, with_documents=0, taken_up=0, cells_taken_up=0),
            note=why)
    year = doc.get("year")
    regions = _with_counties(idx, main, year)
    documents = _documents_by_column(idx, regions, year)
    derived = {task: _derived(idx, task) for task in tasks}
    rows = [_row(idx, task, derived[task], regions, documents, set(main)) for task in tasks]
    columns = [_column(idx, region, parent, documents, rows, len(tasks)) for region, parent in regions]
    main_columns = [c for c in columns if c.parent is None]
    return CoverageMatrixAnswer(
        document=doc_ref(idx, doc_id),
        provision=provision_brief(idx, asked) if asked else None,
        scope=doc.get("region"),
        level="city" if doc.get("level") == "province" else "province",
        columns=columns,
        rows=rows,
        counts=MatrixCounts(
            tasks=len(tasks),
            columns=len(main_columns),
            with_documents=sum(1 for c in main_columns if c.documents),
            taken_up=sum(1 for r in rows if r.taken_up),
            cells_taken_up=sum(r.taken_up for r in rows),
        ),
        note=None,
    )


def _main_columns(region: str | None, level: str | None) -> list[str] | None:
    if level == "province" and region:
        # the gazetteer files county-level units governed by the province as 省直辖行政区划: not a city
        return sorted(c for c in cities_of(region) if "直辖" not in c)
    if level == "national":
        return sorted(provinces())
    return None


def _with_counties(idx: QueryIndex, main: list[str], year: int | None) -> list[tuple[str, str | None]]:
    """(region, parent column) for every main column, each followed by its counties with documents."""
    wanted = set(main)
    counties: dict[str, set[str]] = defaultdict(set)
    for doc in idx.documents.values():
        region = doc.get("region")
        if doc.get("stub") or doc.get("level") != "county" or not region:
            continue
        parent = next((r for r in idx.ancestors(region)[1:] if r in wanted), None)
        if parent:
            counties[parent].add(region)
    return [pair for city in main for pair in [(city, None), *((c, city) for c in sorted(counties[city]))]]


def _documents_by_column(
    idx: QueryIndex, regions: list[tuple[str, str | None]], year: int | None
) -> dict[str, tuple[list[DocRef], int]]:
    """Per column: its loaded documents from ``year`` on, and how many are earlier."""
    names = {region for region, _ in regions}
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in idx.documents.values():
        if doc.get("stub"):
            continue
        for region in idx.ancestors(doc.get("region")):
            if region in names:
                found[region].append(doc)
    out: dict[str, tuple[list[DocRef], int]] = {}
    for region in names:
        docs = sorted(found.get(region, []), key=lambda d: (d.get("year") or 0, d["id"]))
        later = [d for d in docs if year is None or d.get("year") is None or d["year"] >= year]
        out[region] = ([doc_ref(idx, d["id"]) for d in later], len(docs) - len(later))
    return out


def _derived(idx: QueryIndex, task: str) -> list[_Derived]:
    """Every provision deriving from the task, directly or through intermediate levels, nearest first."""
    found: list[_Derived] = []
    seen = {task}
    frontier = [(task, 1)]
    while frontier:
        following = []
        for upper, depth in frontier:
            for edge in sorted(walk_edges(idx.store, upper, [EdgeKind.DERIVES_FROM], False), key=lambda e: e["id"]):
                lower = edge["source"]
                node = idx.node(lower) or {}
                if lower in seen or node.get("kind") != NodeKind.PROVISION:
                    continue
                seen.add(lower)
                region = node.get("region", (idx.node(node.get("document")) or {}).get("region"))
                found.append(_Derived(lower, upper, score_of(edge), depth, region))
                following.append((lower, depth + 1))
        frontier = following
    return found


def _row(idx: QueryIndex, task: str, derived: list[_Derived], regions: list[tuple[str, str | None]],
         documents: dict[str, tuple[list[DocRef], int]], main: set[str]) -> MatrixRow:
    cells = [_cell(idx, region, derived, documents[region][0]) for region, _ in regions]
    counted = [c for c in cells if c.region in main]
    taken = sum(1 for c in counted if c.status == "taken up")
    with_documents = sum(1 for c in counted if c.status != "no document")
    return MatrixRow(
        task=provision_brief(idx, task),
        section=idx.section_title(task),
        cells=cells,
        taken_up=taken,
        with_documents=with_documents,
        share=taken / with_documents if with_documents else None,
    )


def _cell(idx: QueryIndex, region: str, derived: list[_Derived], documents: list[DocRef]) -> MatrixCell:
    links = [_link(idx, d) for d in derived if region in idx.ancestors(d.region)]
    links.sort(key=lambda link: (-(link.score or 0.0), link.depth, link.provision.id))
    status: CellStatus = "taken up" if links else ("not taken up" if documents else "no document")
    return MatrixCell(region=region, status=status, score=links[0].score if links else None, links=links)


def _link(idx: QueryIndex, found: _Derived) -> MatrixLink:
    doc_id = (idx.node(found.provision) or {}).get("document")
    return MatrixLink(
        provision=provision_brief(idx, found.provision),
        document=doc_ref(idx, doc_id),
        score=found.score,
        depth=found.depth,
        via=provision_brief(idx, found.upper) if found.depth > 1 else None,
    )


def _column(idx: QueryIndex, region: str, parent: str | None, documents: dict[str, tuple[list[DocRef], int]],
            rows: list[MatrixRow], tasks: int) -> MatrixColumn:
    later, earlier = documents[region]
    taken = sum(1 for r in rows for c in r.cells if c.region == region and c.status == "taken up")
    return MatrixColumn(
        region=region,
        level="county" if parent else ("province" if region in provinces() else "city"),
        parent=parent,
        documents=later,
        earlier_documents=earlier,
        taken_up=taken,
        share=taken / tasks if later and tasks else None,
    )
