"""Any alias of an agency, program, facility type or region → its node and its neighbours."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .answers import Direction, EntityAnswer, EntityMatch, MatchedBy, Neighbour, Page
from .common import NotFound, node_brief, window
from .index import ENTITY_KINDS, QueryIndex, index_for
from .resolve import resolve_entities

_EDGE_FIELDS = ("role_source", "words", "score", "date", "resolved_by", "confidence")
_HIDDEN = {"kind", "document", "span", "extractor", "confidence", "id"}


def entity(
    store: Any, name: str, kind: str | None = None, region: str | None = None, limit: int | None = 50, offset: int = 0
) -> EntityAnswer:
    """Every entity the name may mean (best matches first), each with its neighbours by edge;
    ``limit``/``offset`` page each entity's neighbours, and at most ``limit`` entities are described."""
    idx = index_for(store)
    kinds = (kind,) if kind else ENTITY_KINDS
    found = resolve_entities(idx, name, tuple(kinds), region)
    if not found:
        raise NotFound(f"no {kind or 'agency, program, facility type or region'} named {name!r}")
    return EntityAnswer(
        query=name,
        limit=limit,
        offset=offset,
        total=len(found),  # a part of a name can match many entities; at most ``limit`` are described
        matches=[_describe(idx, node_id, how, limit, offset) for node_id, how in found[:limit]],
    )


def _describe(idx: QueryIndex, node_id: str, how: MatchedBy, limit: int | None, offset: int) -> EntityMatch:
    node = idx.node(node_id) or {}
    edges = _edges(idx, node_id)
    counts = Counter(f"{direction} {edge['kind']}" for direction, edge, _ in edges)
    shown = [_neighbour(idx, *e) for e in window(edges, limit, offset)]
    return EntityMatch(
        id=node_id,
        kind=node.get("kind"),
        name=node.get("name") or node_id,
        matched_by=how,
        attributes={k: v for k, v in node.items() if k not in _HIDDEN},
        neighbour_counts=dict(sorted(counts.items())),
        neighbours=Page[Neighbour](total=len(edges), items=shown),
    )


def _edges(idx: QueryIndex, node_id: str) -> list[tuple[Direction, dict[str, Any], str]]:
    """(direction, edge, the node at the other end), by direction, edge kind, other node."""
    edges: list[tuple[Direction, dict[str, Any], str]] = [("out", e, e["target"]) for e in idx.store.out_edges(node_id)]
    edges += [("in", e, e["source"]) for e in idx.store.in_edges(node_id)]
    return sorted(edges, key=lambda d: (d[0], d[1]["kind"], d[2]))


def _neighbour(idx: QueryIndex, direction: Direction, edge: dict[str, Any], other: str) -> Neighbour:
    return Neighbour(
        direction=direction,
        edge=edge["kind"],
        node=node_brief(idx, other),
        details={f: edge[f] for f in _EDGE_FIELDS if isinstance(edge.get(f), (str, int, float))},
    )
