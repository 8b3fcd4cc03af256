"""Region nodes for a document's jurisdiction and its chain up to the nation (无锡市 → 江苏省 → 中国).

Regions come from the gazetteer (``regions.py``), so "the city's province" and "national" are graph
questions: ``Region -PART_OF-> Region`` and ``Document -JURISDICTION-> Region``. Regions are shared
nodes (``document=None``); the chain edges belong to no document either, so loading or replacing a
document never removes them.
"""

from __future__ import annotations

from policykg.domain.regions import NATION, Region, load_gazetteer, region_by_name
from policykg.graph.components import component
from policykg.graph.model import Edge, EdgeKind, Fragment, Node, NodeKind, entity_id

from .pipeline import ParsedDocument

EXTRACTOR = "jurisdiction"


def region_node_id(name: str) -> str:
    return entity_id(NodeKind.REGION, name)


def region_chain(region: Region) -> list[Region]:
    """The region and each parent up to the nation, lowest first."""
    chain = [region]
    seen = {region.name}
    while chain[-1].parent and chain[-1].parent not in seen:
        parent = _parent_region(chain[-1])
        if parent is None:
            break
        chain.append(parent)
        seen.add(parent.name)
    if chain[-1].name != NATION:
        chain.append(Region(NATION, "national", None))
    return chain


def _parent_region(region: Region) -> Region | None:
    name = region.parent
    if name is None:
        return None
    return region_by_name(name)


def region_nodes(region: Region) -> tuple[list[Node], list[Edge]]:
    """Region nodes and PART_OF edges for the chain of ``region``."""
    chain = region_chain(region)
    nodes = [
        Node(region_node_id(r.name), NodeKind.REGION,
             {"name": r.name, "level": r.level, "parent": r.parent, "code": r.code, "aliases": []},
             extractor=EXTRACTOR)
        for r in chain
    ]
    edges = [
        Edge(region_node_id(lower.name), region_node_id(upper.name), EdgeKind.PART_OF, extractor=EXTRACTOR)
        for lower, upper in zip(chain, chain[1:], strict=False)
    ]
    return nodes, edges


@component("jurisdiction", "extract", requires=["Document"], assigns=["Region", "JURISDICTION", "PART_OF"],
           initialize=load_gazetteer)
def jurisdiction_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    region = parsed.meta.region
    if region is None:
        return
    nodes, edges = region_nodes(region)
    for item in (*nodes, *edges):
        fragment.add(item)
    span = None
    for field in ("issuer", "title"):
        if field in parsed.meta.spans:
            span = parsed.source_span(*parsed.meta.spans[field])
            break
    fragment.add(Edge(parsed.id, region_node_id(region.name), EdgeKind.JURISDICTION, document=parsed.id, span=span,
                      extractor=EXTRACTOR))
