"""Latency of each question in-process (p50/p99) and lineage requests/second over HTTP on loopback.

    python benchmarks/bench_queries.py --store STORE.db [--samples 300] [--http-seconds 10] [--concurrency 8]

Any store works: the sample corpus (``policykg build examples/corpus --store /tmp/q.db``) or the
synthetic corpus of benchmarks/run.py (``/tmp/policykg-bench/store-10000.db``). Inputs are drawn
from the store itself with a fixed seed: provisions (those with lineage links first), agency names
as written (short forms with their document's region), provincial documents, a region's two most
documented years, and 2–4 character pieces of provision headings as search terms.
The HTTP run starts ``policykg serve`` in a child process and drives it from this one over
keep-alive connections with a bare asyncio HTTP/1.1 client; on a 2-core machine the load generator
still competes with the server for the cores, so the figure is a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policykg import queries
from policykg.graph.store import EmbeddedStore
from policykg.queries.search import warm_segmenter


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def timed(calls: list[Callable[[], Any]]) -> dict[str, float]:
    latencies, errors = [], 0
    for call in calls:
        start = time.perf_counter()
        try:
            call()
        except queries.QueryError:
            errors += 1
        latencies.append((time.perf_counter() - start) * 1000)
    return {"n": len(latencies), "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies), "mean_ms": statistics.fmean(latencies), "refused": errors}


def inputs(store: EmbeddedStore, samples: int, rng: random.Random) -> dict[str, list]:
    idx = queries.index_for(store)
    provisions = sorted(p for ps in idx.provisions_of.values() for p in ps)
    # From the in-memory graph's bare edges: store.edges() would read every edge's evidence back.
    lineage_sources = {s for s, _, kind in store.graph.edges(data="kind") if kind in ("DERIVES_FROM", "CONTINUES")}
    linked = sorted(lineage_sources & set(provisions))
    pool = linked or provisions
    lineage = [rng.choice(pool) for _ in range(samples)]
    agency_edges = store.edges("LEADS") + store.edges("SUPPORTS")
    agencies = []
    for edge in rng.sample(agency_edges, min(samples, len(agency_edges))) if agency_edges else []:
        doc = idx.documents.get(edge.get("document") or "") or {}
        agencies.append((edge.get("unit") or (idx.node(edge["source"]) or {}).get("name"), doc.get("region")))
    provincial = sorted(d for d, doc in idx.documents.items() if doc.get("level") == "province" and not doc.get("stub"))
    cascades = [rng.choice(provincial) for _ in range(samples)] if provincial else []
    years = Counter((doc.get("region"), doc.get("year")) for doc in idx.documents.values()
                    if doc.get("region") and doc.get("year") and not doc.get("stub"))
    by_region: dict[str, list[int]] = {}
    for (region, year), _ in years.most_common():
        by_region.setdefault(region, []).append(year)
    pairs = [(r, min(ys[:2]), max(ys[:2])) for r, ys in by_region.items() if len(ys) >= 2]
    compares = [rng.choice(pairs) for _ in range(samples)] if pairs else []
    headings = [h for h in ((idx.node(p) or {}).get("heading") for p in provisions) if h and len(h) >= 4]
    terms = []
    for _ in range(samples):
        heading = rng.choice(headings)
        size = rng.randint(2, 4)
        start = rng.randint(0, len(heading) - size)
        terms.append(heading[start : start + size])
    names = [a for a, _ in agencies]
    return {"lineage": lineage, "agencies": agencies, "cascades": cascades, "compares": compares,
            "terms": terms, "entities": names}


def in_process(store: EmbeddedStore, data: dict[str, list], rng: random.Random) -> dict[str, dict]:
    regions = [r for _, r in data["agencies"] if r]
    runs: dict[str, list[Callable[[], Any]]] = {
        "lineage": [lambda p=p: queries.lineage(store, p, 3, 50) for p in data["lineage"]],
        "obligations": [lambda a=a, r=r: queries.obligations(store, a, region=r, limit=50)
                        for a, r in data["agencies"]],
        "entity": [lambda a=a, r=r: queries.entity(store, a, region=r) for a, r in data["agencies"]],
        "cascade": [lambda d=d: queries.cascade(store, d, 50) for d in data["cascades"]],
        "compare": [lambda c=c: queries.compare(store, *c, 50) for c in data["compares"]],
        "search": [lambda t=t: queries.search(store, t, limit=20) for t in data["terms"]],
        "search+region": [lambda t=t: queries.search(store, t, region=rng.choice(regions) if regions else None,
                                                     limit=20) for t in data["terms"]],
    }
    return {name: timed(calls) for name, calls in runs.items() if calls}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def over_http(store_path: Path, provisions: list[str], seconds: float, concurrency: int) -> dict[str, Any]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "policykg", "serve", "--store", str(store_path),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/documents?limit=1", server)
        urls = [f"/provisions/{urllib.parse.quote(p)}/lineage" for p in provisions]
        asyncio.run(load(base, urls, 2.0, concurrency))  # warm-up, not counted
        return asyncio.run(load(base, urls, seconds, concurrency))
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(1200):
        if server.poll() is not None:
            raise SystemExit(server.stderr.read().decode())
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


async def load(base: str, urls: list[str], seconds: float, concurrency: int) -> dict[str, Any]:
    """``concurrency`` keep-alive connections, each sending its next request when the last answer
    is read. A bare HTTP/1.1 client: a full client library would cost the server's cores more."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        i = offset
        try:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                writer.write(f"GET {urls[i % len(urls)]} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                status = await read_response(reader)
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[status] += 1
                i += concurrency
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {"requests": len(latencies), "seconds": round(elapsed, 2), "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99), "statuses": dict(statuses),
            "concurrency": concurrency}


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    await reader.readexactly(length)
    return int(lines[0].split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--http-seconds", type=float, default=10.0, help="0 skips the HTTP run")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with EmbeddedStore(args.store) as store:
        start = time.perf_counter()
        queries.index_for(store).warm()
        warm_segmenter()
        gc.freeze()  # as the server does after loading (api/http.py)
        warm_s = time.perf_counter() - start
        loaded_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        counts = store.counts()
        data = inputs(store, args.samples, rng)
        report: dict[str, Any] = {
            "store": str(args.store),
            "documents": counts.get("Document", 0),
            "provisions": counts.get("Provision", 0),
            "load_and_index_s": round(warm_s, 2),
            "peak_rss_mb_after_load": round(loaded_rss_mb),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "in_process": in_process(store, data, rng),
        }
    if args.http_seconds > 0:
        try:
            report["http_lineage"] = over_http(args.store, data["lineage"], args.http_seconds, args.concurrency)
        except SystemExit as exc:  # keep the in-process figures when the server cannot start
            report["http_lineage"] = {"error": str(exc)}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
