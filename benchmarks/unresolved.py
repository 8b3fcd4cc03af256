"""Share of agency mentions the directory leaves unresolved, in a built store.

    .venv/bin/policykg build ../shared/corpus-wide/*.md --store /tmp/wide.db
    .venv/bin/python benchmarks/unresolved.py /tmp/wide.db [--list]

A mention is a LEADS, SUPPORTS or ISSUED_BY edge; it is unresolved when its Agency node has
``resolved: false`` (stores built before the directory have no such attribute: their nodes count as
unresolved when their confidence is below 1, which is how the old resolver marked an unknown name).
"""

from __future__ import annotations

import argparse
from collections import Counter

from policykg.graph.model import EdgeKind, NodeKind
from policykg.graph.store import EmbeddedStore

MENTIONS = (EdgeKind.LEADS, EdgeKind.SUPPORTS, EdgeKind.ISSUED_BY)


def unresolved(node: dict) -> bool:
    return not node["resolved"] if "resolved" in node else node.get("confidence", 1.0) < 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--list", action="store_true", help="print the unresolved agencies, most mentioned first")
    args = parser.parse_args()
    with EmbeddedStore(args.store) as store:
        agencies = {n["id"]: n for n in store.nodes(NodeKind.AGENCY)}
        mentions: Counter[str] = Counter()
        for kind in MENTIONS:
            for edge in store.edges(kind):
                mentions[edge["target"] if kind == EdgeKind.ISSUED_BY else edge["source"]] += 1
    missing = [n for n in agencies.values() if unresolved(n)]
    total, missed = sum(mentions.values()), sum(mentions[n["id"]] for n in missing)
    print(f"agencies {len(agencies)}, unresolved {len(missing)} ({len(missing) / max(len(agencies), 1):.1%}); "
          f"mentions {total}, unresolved {missed} ({missed / max(total, 1):.1%})")
    if args.list:
        for node in sorted(missing, key=lambda n: -mentions[n["id"]]):
            print(f"{mentions[node['id']]:4d}  {node['name']}  [{node.get('agency_kind')}]  {node.get('aliases')}")


if __name__ == "__main__":
    main()
