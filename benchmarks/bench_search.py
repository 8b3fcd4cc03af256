"""Search latency (p50/p99) and memory with the embedded store's full-text index and without it.

    python benchmarks/bench_search.py --store STORE.db [--samples 300] [--scan]

The search terms are those of bench_queries.py (2–4 character pieces of provision headings, drawn
with a fixed seed), asked alone and with a region. By default search takes its candidates from the
store's FTS5 trigram index; ``--scan`` answers the same questions the way the Cypher and RDF stores
do (and the embedded store did before the index): one substring scan over all provision texts
joined in memory. Run each in its own process so the memory figures are each path's own.
Memory: resident set after the store is loaded and the query index warmed, and its peak over the run.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench_queries import inputs, timed

from policykg import queries
from policykg.graph.store import EmbeddedStore
from policykg.queries.search import warm_segmenter


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def index_bytes(path: Path) -> int:
    with sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True) as db:
        return db.execute("SELECT sum(length(block)) FROM provision_fts_data").fetchone()[0] or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scan", action="store_true", help="scan the joined texts in memory, not the index")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with EmbeddedStore(args.store) as store:
        if args.scan:
            store.text_index = False  # what a store without the index does: search scans the joined texts
        base = rss_mb()
        start = time.perf_counter()
        queries.index_for(store).warm()
        warm_segmenter()
        gc.freeze()
        warm_s = time.perf_counter() - start
        loaded = rss_mb()
        data = inputs(store, args.samples, rng)
        regions = [r for _, r in data["agencies"] if r]
        runs = {
            "search": [lambda t=t: queries.search(store, t, limit=20) for t in data["terms"]],
            "search+region": [lambda t=t: queries.search(store, t, region=rng.choice(regions), limit=20)
                              for t in data["terms"]],
        }
        report: dict[str, Any] = {
            "store": str(args.store),
            "path": "scan of the joined texts" if args.scan else "FTS5 trigram index",
            "provisions": store.counts().get("Provision", 0),
            "load_and_index_s": round(warm_s, 2),
            "rss_mb_store_open": round(base),
            "rss_mb_after_load": round(loaded),
            "in_process": {name: timed(calls) for name, calls in runs.items()},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "fts_index_mb_on_disk": round(index_bytes(args.store) / 2**20, 1),
        }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
