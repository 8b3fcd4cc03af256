"""Write a store out: node-link JSON (networkx's format, what the scorer reads) and GraphML.

XML 1.0 cannot hold most C0 control characters (NUL, ESC …), U+FFFE, U+FFFF or a lone surrogate,
not even as character references. GraphML writes each C0 one as its Unicode control picture
(NUL → ␀ U+2400, ESC → ␛ U+241B) and the others as U+FFFD: one character for one, so spans still
index the exported text. Node-link JSON, which can, keeps them as they are.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx

from .atomic import write_atomic
from .bulk import export_cypher, export_neo4j_csv
from .rdf import export_jsonld, export_turtle
from .spreadsheets import export_tables
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
        flat.add_node(xml_text(node), **_scalars(data))
    for source, target, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(xml_text(source), xml_text(target), key=xml_text(key), **_scalars(data))
    write_atomic(path, lambda fh: fh.write("\n".join(nx.generate_graphml(flat))))


# Characters XML 1.0 forbids (its Char production allows \t \n \r and U+0020 on, less these).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced, one for one (see the module's note)."""
    return _NOT_XML.sub(lambda m: chr(0x2400 + ord(c)) if (c := m.group()) < " " else "\ufffd", text)


# Export formats by name (`policykg export --format NAME`): each writes the store to a path.
EXPORTERS = {
    "node-link": export_node_link,
    "graphml": export_graphml,
    "neo4j-csv": export_neo4j_csv,  # a folder for `neo4j-admin database import`
    "tables": export_tables,  # a folder of CSV tables for Excel, R, Stata (UTF-8 with BOM, names beside ids)
    "cypher": export_cypher,  # a .cypherl script
    "turtle": export_turtle,
    "jsonld": export_jsonld,
}


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    """GraphML holds scalars only: lists and dicts become JSON strings (which escape control characters
    themselves), None is left out, text is made XML-safe."""
    out = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (list, dict)):
            value = json.dumps(value, ensure_ascii=False)
        out[key] = xml_text(value) if isinstance(value, str) else value
    return out
