"""Push a store to FalkorDB and time it; then the lineage question's latency there beside the embedded store's.

    python benchmarks/bench_push.py STORE.db [--to falkordb://HOST:6379/GRAPH] [--questions 200]
                                   [--replicate N] [--json]

Without ``--to`` a FalkorDB server is started embedded (falkordblite) in a temporary folder. For the
10k-document figure: ``python benchmarks/synth.py /tmp/synth --docs 10000`` then
``policykg build /tmp/synth --store /tmp/synth.db`` and run this on ``/tmp/synth.db``; or, quicker,
``--replicate N`` copies the store's documents N times (ids suffixed; agencies, regions, facility
types and programs stay shared, as they are across real documents) into a temporary store first.
A benchmark, not a test: figures depend on the machine; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from policykg.graph.cypher import CypherStore, open_backend, push
from policykg.graph.falkordb_store import FalkorDBAdapter
from policykg.graph.model import Edge, Fragment, Node
from policykg.graph.store import EmbeddedStore
from policykg.queries import index_for, lineage


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def lineage_latency(store: Any, provisions: list[str]) -> dict[str, float]:
    """Milliseconds per ``lineage`` call, after the store's lookup index is built (built once per store)."""
    started = time.perf_counter()
    index_for(store).warm()
    index_seconds = time.perf_counter() - started
    times = []
    for pid in provisions:
        started = time.perf_counter()
        lineage(store, pid)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "index_build_s": round(index_seconds, 3),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(percentile(times, 0.99), 2),
        "max_ms": round(max(times), 2),
    }


def linked_provisions(store: EmbeddedStore, n: int, seed: int) -> list[str]:
    edges = store.edges("DERIVES_FROM") + store.edges("CONTINUES")
    ends = {end for e in edges for end in (e["source"], e["target"])}
    pids = sorted(p for p in ends if (store.node(p) or {}).get("kind") == "Provision")
    if not pids:
        pids = sorted(p["id"] for p in store.nodes("Provision"))
    return random.Random(seed).sample(pids, min(n, len(pids)))


_FIELDS = ("id", "kind", "document", "span", "extractor", "confidence")


def replicate(store: EmbeddedStore, path: Path, copies: int) -> EmbeddedStore:
    """A store holding ``copies`` copies of every document of ``store`` (shared entities once)."""
    nodes, edges = store.nodes(), store.edges()
    shared = {n["id"] for n in nodes if n.get("document") is None}
    texts = {d: store.document_text(d) for d in store.document_ids()}
    out = EmbeddedStore(path)
    with out.transaction() as writer:
        writer.upsert_nodes(_node(n, lambda x: x) for n in nodes if n["id"] in shared)
        writer.add_edges(_edge(e, lambda x: x) for e in edges if e["source"] in shared and e["target"] in shared)
        for i in range(copies):
            def rid(x: str | None, i: int = i) -> str | None:
                return x if x is None or x in shared else f"{x}~{i}"

            for doc_id, text in texts.items():
                fragment = Fragment(rid(doc_id), f"{doc_id}~{i}.txt", text, f"{doc_id}~{i}")
                fragment.nodes = [_node(n, rid) for n in nodes if n.get("document") == doc_id and n["id"] not in shared]
                writer.replace_document(fragment)
            loose = [n for n in nodes if n["id"] not in shared and n.get("document") not in texts]
            writer.upsert_nodes(_node(n, rid) for n in loose)
            writer.add_edges(_edge(e, rid) for e in edges if not (e["source"] in shared and e["target"] in shared))
    return out


def _node(record: dict[str, Any], rid) -> Node:
    attrs = {k: v for k, v in record.items() if k not in _FIELDS}
    return Node(rid(record["id"]), record["kind"], attrs, rid(record.get("document")), record.get("span"),
                record.get("extractor", ""), record.get("confidence", 1.0))


def _edge(record: dict[str, Any], rid) -> Edge:
    attrs = {k: v for k, v in record.items() if k not in (*_FIELDS, "source", "target")}
    return Edge(rid(record["source"]), rid(record["target"]), record["kind"], attrs, rid(record.get("document")),
                record.get("span"), record.get("extractor", ""), record.get("confidence", 1.0))


def run(store_path: Path, to: str | None, n: int, seed: int, copies: int = 0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        if copies:
            with EmbeddedStore(store_path) as original:
                replicate(original, Path(tmp) / "replicated.db", copies).close()
            store_path = Path(tmp) / "replicated.db"
        return _run(store_path, to, n, seed, tmp)


def _run(store_path: Path, to: str | None, n: int, seed: int, tmp: str) -> dict[str, Any]:
    with EmbeddedStore(store_path) as store:
        target = open_backend(to) if to else CypherStore(FalkorDBAdapter.embedded(Path(tmp) / "bench.rdb", "bench"))
        assert isinstance(target, CypherStore)
        with target:
            target.clear()
            started = time.perf_counter()
            report = push(store, target)
            total = time.perf_counter() - started
            again = time.perf_counter()
            push(store, target)  # an unchanged store: every MERGE matches
            repeat = time.perf_counter() - again
            provisions = linked_provisions(store, n, seed)
            result = {
                "documents": len(store.document_ids()),
                "server": report.server,
                "nodes": report.nodes,
                "relationships": report.relationships,
                "source_texts": report.sources,
                "push_s": round(total, 2),
                "push_phases_s": {k: round(v, 2) for k, v in report.seconds.items()},
                "nodes_per_s": round(report.nodes_per_second),
                "relationships_per_s": round(report.relationships_per_second),
                "repush_unchanged_s": round(repeat, 2),
                "lineage_questions": len(provisions),
                "lineage_embedded": lineage_latency(store, provisions),
                "lineage_falkordb": lineage_latency(target, provisions),
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--to", help="a FalkorDB or Neo4j URL; default: FalkorDB embedded in a temporary folder")
    parser.add_argument("--questions", type=int, default=200, help="lineage questions to time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replicate", type=int, default=0, help="copy the store's documents N times first")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.store, args.to, args.questions, args.seed, args.replicate)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for key, value in result.items():
        print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
