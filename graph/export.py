"""Write a store out: node-link JSON (networkx's format, what the scorer reads) and GraphML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from .atomic import write_atomic
from .bulk import export_cypher, export_neo4j_csv
from .rdf import export_jsonld, export_turtle
from .store import GraphStore


def to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node in sorted(store.nodes(), key=lambda n: n["id"]):
        graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for edge in sorted(store.edges(), key=lambda e: e["id"]):
        attrs = {k: v for k, v in edge.items() if k not in ("source", "target")}
        graph.add_edge(edge["source"], edge["target"], key=edge["id"], **attrs)
    return graph


def node_link(store: GraphStore) -> dict[str, Any]:
    return nx.node_link_data(to_networkx(store), edges="links")


def export_node_link(store: GraphStore, path: Path) -> None:
    data = node_link(store)
    write_atomic(path, lambda fh: json.dump(data, fh, ensure_ascii=False, indent=1))


def export_graphml(store: GraphStore, path: Path) -> None:
    graph = to_networkx(store)
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **_scalars(data))
    for source, target, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(source, target, key=key, **_scalars(data))
    write_atomic(path, lambda fh: fh.write("\n".join(nx.generate_graphml(flat))))


# Export formats by name (`policykg export --format NAME`): each writes the store to a path.
EXPORTERS = {
    "node-link": export_node_link,
    "graphml": export_graphml,
    "neo4j-csv": export_neo4j_csv,  # a folder for `neo4j-admin database import`
    "cypher": export_cypher,  # a .cypherl script
    "turtle": export_turtle,
    "jsonld": export_jsonld,
}


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    """GraphML holds scalars only: lists and dicts become JSON strings, None is left out."""
    out = {}
    for key, value in data.items():
        if value is None:
            continue
        out[key] = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value
    return out
