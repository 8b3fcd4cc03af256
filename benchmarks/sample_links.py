"""A seeded random sample of provision lineage links, printed in full for a hand check.

    .venv/bin/policykg build ../shared/corpus-wide --store /tmp/wide.db
    .venv/bin/policykg export --store /tmp/wide.db --format node-link -o /tmp/wide.json
    .venv/bin/python benchmarks/sample_links.py /tmp/wide.json [--seed 2026] [--n 50]

The input is a node-link export (``.json``) or a built store (anything else). A lineage link is a
DERIVES_FROM or CONTINUES edge from one Provision to another (document-level DERIVES_FROM, drawn
from an implementing statement's citation, is left out). ``n`` of them are drawn uniformly with
``random.Random(seed)`` from the links sorted by id, so the same graph and seed give the same sample.
Each is printed with its score and confidence, both provisions' document, number and full text, and
the edge's evidence (quoted spans and shared phrases) when it carries any.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from policykg.graph.model import EdgeKind, NodeKind
from policykg.graph.store import EmbeddedStore

LINEAGE = (EdgeKind.DERIVES_FROM, EdgeKind.CONTINUES)


def read_graph(path: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Nodes by id and the provision-to-provision lineage edges of an export or a store."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        nodes = {n["id"]: n for n in data["nodes"]}
        edges = [e for e in data.get("links", data.get("edges", [])) if e["kind"] in LINEAGE]
    else:
        with EmbeddedStore(path) as store:
            nodes = {n["id"]: n for n in store.nodes()}
            edges = [e for kind in LINEAGE for e in store.edges(kind)]
    provision = {n_id for n_id, n in nodes.items() if n["kind"] == NodeKind.PROVISION}
    links = [e for e in edges if e["source"] in provision and e["target"] in provision]
    return nodes, sorted(links, key=lambda e: e.get("id") or f"{e['source']}|{e['kind']}|{e['target']}")


def describe(nodes: dict[str, dict[str, Any]], provision_id: str) -> str:
    provision = nodes[provision_id]
    doc = nodes.get(provision.get("document") or "", {})
    number = provision.get("path") or provision.get("label") or provision.get("number")
    heading = f" [{provision['heading']}]" if provision.get("heading") else ""
    return (f"{doc.get('title')} ({doc.get('source')}, {doc.get('year')}, {doc.get('region')})\n"
            f"    item {number}{heading}  ({provision_id})\n    {provision.get('text', '')}")


def evidence_lines(edge: dict[str, Any]) -> list[str]:
    lines = []
    for item in edge.get("evidence") or []:
        score = f" score {item['score']}" if item.get("score") is not None else ""
        lines.append(f"  evidence{score}: shared {item.get('shared_phrases') or []}")
        lines.append(f"    child:  {item.get('source_words')}")
        lines.append(f"    parent: {item.get('target_words')}")
    if edge.get("shared"):
        lines.append(f"  shared: {edge['shared']}")
    if edge.get("document_pair"):
        lines.append(f"  document pair: {edge['document_pair']}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="node-link export (.json) or store file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    nodes, links = read_graph(args.graph)
    kinds = Counter(e["kind"] for e in links)
    pairs = {(nodes[e["source"]].get("document"), nodes[e["target"]].get("document")) for e in links}
    print(f"lineage links {len(links)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); "
          f"document pairs {len(pairs)}; seed {args.seed}, n {min(args.n, len(links))}")
    sample = random.Random(args.seed).sample(links, min(args.n, len(links)))
    for index, edge in enumerate(sample, 1):
        print(f"\n#{index} {edge['kind']}  score {edge.get('score')}  confidence {edge.get('confidence')}  "
              f"method {edge.get('method')}")
        print(f"  CHILD  {describe(nodes, edge['source'])}")
        print(f"  PARENT {describe(nodes, edge['target'])}")
        for line in evidence_lines(edge):
            print(line)


if __name__ == "__main__":
    main()
