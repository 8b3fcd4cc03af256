"""How long the web pages (``/ui/``) take to load and draw over a store, in a real browser.

    python benchmarks/bench_pages.py --store STORE.db [--repeat 5] [--port 0] [--in-app]
                                     [--json OUT.json] [--screenshots DIR]

Meant for the large synthetic stores of benchmarks/run.py (1k and 10k documents); any store works,
e.g. the sample corpus (``policykg build examples/corpus --store /tmp/pages-sample.db``).
A benchmark, not a test: nothing is asserted, figures depend on the machine and its load.

Method:

1. ``policykg serve --store STORE --host 127.0.0.1 --port P`` runs in a child process (its output to
   a temporary log). Start-up time is from launching it to its first answer on ``/ui/`` (the server
   builds its query index before it listens, so on a 10k store this takes minutes); its resident
   memory is read from ``/proc/PID/status`` after start-up and again after every page was loaded.
2. Inputs come from the store itself, read-only with sqlite3, busiest ones by count (ties by id) and
   the rest drawn with a fixed seed: the start page (newest documents); a search for 2–4 characters
   of a provision heading; a provision with lineage links and the provision with the most of them;
   the cascade of the provincial provision with the most incoming ``DERIVES_FROM`` and of the median
   one (median among provincial provisions with at least one), and of the provincial document whose
   provisions have the most; the agency that leads the most provisions; the province and two years
   with the most provincial provisions, compared.
3. Debian's chromium (``/usr/bin/chromium``) is driven by Playwright's sync API. Each page is loaded
   ``1 + --repeat`` times in its own browser context: the first load, reported as cold, is the first
   time the server is asked for that input and (for full loads) starts with an empty browser cache,
   so it includes fetching and parsing app.js and, on a provision page, cytoscape. By default every load is a
   full one (``about:blank``, then the page's URL, as when a shared link is opened); with
   ``--in-app`` the app is loaded once and each load is a change of the URL's hash, as when a reader
   follows a link inside the pages. Before each navigation ``document.body.dataset.ready`` is reset,
   so the previous page cannot pass for the new one. A script injected into every document notes, on
   the page's own clock, when the app sets ``data-ready`` to the page's kind, which it does once the
   page's HTML, and on a provision page its lineage drawing, are in place: the reported time runs
   from the navigation (the page's time origin for a full load; setting the hash for an in-app one)
   to that moment. The harness waits for ``dataset.ready === kind`` (and the frame after it) before
   the next load. ``window.__pkgTiming.ms`` is the app's own figure, from its router's start to
   ready: it leaves out loading the HTML, scripts and styles.

Prints a markdown table (ms; median and max over the repeats, cold apart) with the store's size and
the server's start-up time and memory on stdout; progress and a JSON report on stderr (and in
``--json``): every load, with also the time to the next painted frame, the time this process saw
(adding its round trips to the browser), and the app's laps (a provision page's answers, HTML, graph).
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
# Injected into every document before its own scripts: notes, on the page's clock, when the app sets
# ``data-ready`` to a page kind and when the next frame after that has been painted (two animation
# frames later), so the figures leave out the round trips between this process and the browser.
WATCH = """(() => {
  const bench = window.__bench = {start: 0, ready: null, painted: null};
  new MutationObserver(() => {
    if (bench.ready !== null || !document.body || !document.body.dataset.ready) return;
    bench.ready = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { bench.painted = performance.now(); }));
  }).observe(document, {attributes: true, attributeFilter: ["data-ready"], subtree: true});
})();"""
RESET = """() => { if (document.body) document.body.dataset.ready = '';
  if (window.__bench) Object.assign(window.__bench, {start: performance.now(), ready: null, painted: null}); }"""
READY = """kind => document.body !== null && document.body.dataset.ready === kind
  && window.__bench !== undefined && window.__bench.painted !== null"""
AFTER = """() => ({ready: __bench.ready - __bench.start, painted: __bench.painted - __bench.start,
  ms: window.__pkgTiming ? window.__pkgTiming.ms : -1, laps: window.__pkgTiming ? window.__pkgTiming.laps : {},
  dom: document.getElementsByTagName('*').length, error: document.querySelector('.error')?.innerText ?? null})"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- inputs from the store ----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One page to load: its row name, the page kind the app reports when ready, its hash route."""

    name: str
    kind: str
    route: str
    note: str


@dataclass
class Provision:
    id: str
    document: str
    level: str
    region: str
    year: int | None
    label: str
    heading: str


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro", uri=True)


def store_size(con: sqlite3.Connection) -> dict[str, int]:
    queries = {"documents": "SELECT count(*) FROM documents",
               "provisions": "SELECT count(*) FROM nodes WHERE kind = 'Provision'",
               "edges": "SELECT count(*) FROM edges"}
    return {name: con.execute(sql).fetchone()[0] for name, sql in queries.items()}


def provisions(con: sqlite3.Connection) -> dict[str, Provision]:
    rows = con.execute("""SELECT id, owner, json_extract(data, '$.level'), json_extract(data, '$.region'),
                                 json_extract(data, '$.year'), json_extract(data, '$.label'),
                                 json_extract(data, '$.heading')
                          FROM nodes WHERE kind = 'Provision'""")
    return {r[0]: Provision(r[0], r[1] or "", r[2] or "", r[3] or "", r[4], r[5] or "", r[6] or "") for r in rows}


def edge_counts(con: sqlite3.Connection, provs: dict[str, Provision]) -> tuple[Counter, Counter, Counter]:
    """Incoming provision DERIVES_FROM per provision, lineage links per provision, LEADS per agency."""
    derived: Counter[str] = Counter()
    linked: Counter[str] = Counter()
    leads: Counter[str] = Counter()
    rows = con.execute("SELECT source, target, kind FROM edges WHERE kind IN ('DERIVES_FROM', 'CONTINUES', 'LEADS')")
    for source, target, kind in rows:
        if kind == "LEADS":
            leads[source] += 1
        elif source in provs and target in provs:  # not the document-level links
            linked[source] += 1
            linked[target] += 1
            if kind == "DERIVES_FROM":
                derived[target] += 1
    return derived, linked, leads


def busiest(counts: Counter, among: list[str]) -> str | None:
    return max(among, key=lambda k: (counts[k], k), default=None)


def median_of(counts: Counter, among: list[str]) -> str | None:
    ordered = sorted((counts[k], k) for k in among if counts[k] > 0)
    return ordered[(len(ordered) - 1) // 2][1] if ordered else None


def short(p: Provision, width: int = 10) -> str:
    heading = p.heading if len(p.heading) <= width else p.heading[:width] + "…"
    return f"{p.region} {p.year or ''} {p.label} {heading}".strip()


def route(page: str, arg: str = "", params: dict[str, Any] | None = None) -> str:
    path = f"#/{page}" + (f"/{urllib.parse.quote(arg, safe='')}" if arg else "")
    query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def provision_targets(provs: dict[str, Provision], linked: Counter, rng: random.Random) -> list[Target]:
    pool = sorted(p for p, n in linked.items() if n > 0)
    if not pool:
        return []
    picked, top = rng.choice(pool), max(pool, key=lambda k: (linked[k], k))
    return [Target(name, "provision", route("provision", p), f"{short(provs[p])} · {linked[p]} links")
            for name, p in (("provision", picked), ("provision (most links)", top))]


def cascade_targets(provs: dict[str, Provision], derived: Counter) -> list[Target]:
    provincial = sorted(p for p, v in provs.items() if v.level == "province")
    targets = []
    picks = (("cascade (busiest)", busiest(derived, provincial)), ("cascade (median)", median_of(derived, provincial)))
    for name, p in picks:
        if p and derived[p]:
            targets.append(Target(name, "cascade", route("cascade", p), f"{short(provs[p])} · {derived[p]} derived"))
    by_document: Counter[str] = Counter()
    for p in provincial:
        by_document[provs[p].document] += derived[p]
    doc = busiest(by_document, sorted(by_document))
    if doc and by_document[doc]:
        first = next(provs[p] for p in provincial if provs[p].document == doc)
        note = f"{first.region} {first.year or ''} document {doc} · {by_document[doc]} derived"
        targets.append(Target("cascade (document)", "cascade", route("cascade", doc), note))
    return targets


def agency_target(con: sqlite3.Connection, leads: Counter) -> list[Target]:
    top = busiest(leads, sorted(leads))
    if not top:
        return []
    name = con.execute("SELECT json_extract(data, '$.name') FROM nodes WHERE id = ?", (top,)).fetchone()
    return [Target("agency", "agency", route("agency", top), f"{name[0] if name else top} · {leads[top]} LEADS")]


def compare_target(provs: dict[str, Provision]) -> list[Target]:
    years: dict[str, Counter[int]] = {}
    for p in provs.values():
        if p.level == "province" and p.region and p.year:
            years.setdefault(p.region, Counter())[p.year] += 1
    pairs = []
    for region, counts in years.items():
        top = sorted(counts.items(), key=lambda yc: (-yc[1], yc[0]))[:2]
        if len(top) == 2:
            pairs.append((top[0][1] + top[1][1], region, min(top)[0], max(top)[0]))
    if not pairs:
        return []
    total, region, a, b = max(pairs)
    return [Target("compare", "compare", route("compare", params={"region": region, "a": a, "b": b}),
                   f"{region} {a} vs {b} · {total} provisions")]


def search_targets(provs: dict[str, Provision], rng: random.Random) -> list[Target]:
    start = Target("search (start page)", "search", route("search"), "no query: newest documents")
    headings = sorted({p.heading for p in provs.values() if len(p.heading) >= 4})
    if not headings:
        return [start]
    heading = rng.choice(headings)
    size = rng.randint(2, 4)
    at = rng.randint(0, len(heading) - size)
    term = heading[at : at + size]
    return [start, Target("search", "search", route("search", params={"q": term}), f"「{term}」")]


def pick_targets(store: Path, seed: int) -> tuple[dict[str, int], list[Target]]:
    rng = random.Random(seed)
    con = connect(store)
    try:
        size = store_size(con)
        provs = provisions(con)
        derived, linked, leads = edge_counts(con, provs)
        targets = (search_targets(provs, rng) + provision_targets(provs, linked, rng) + cascade_targets(provs, derived)
                   + agency_target(con, leads) + compare_target(provs))
    finally:
        con.close()
    return size, targets


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def policykg_command() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policykg"]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:  # refused while the server loads; HTTPError is one too
        return False


def start_server(store: Path, port: int, timeout: float, output: IO[bytes]) -> tuple[subprocess.Popen, float]:
    command = [*policykg_command(), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)]
    log(f"starting: {' '.join(command)}")
    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url, said = f"http://127.0.0.1:{port}/ui/", started
    while not answers(url):
        elapsed = time.perf_counter() - started
        if server.poll() is not None:
            raise RuntimeError(f"policykg serve exited with {server.returncode} after {elapsed:.1f} s")
        if elapsed > timeout:
            stop_server(server)
            raise RuntimeError(f"policykg serve did not answer {url} within {timeout:.0f} s")
        if time.perf_counter() - said >= 15:
            said = time.perf_counter()
            log(f"  waiting for the server: {elapsed:.0f} s, {memory(server.pid).get('rss_mb', '?')} MB resident")
        time.sleep(0.25)
    return server, time.perf_counter() - started


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


def memory(pid: int) -> dict[str, int]:
    """Resident and peak resident memory (MB) from /proc/PID/status; empty when it cannot be read."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = round(int(value.split()[0]) / 1024)
    except OSError:
        pass
    return found


# --- the browser --------------------------------------------------------------------------------


@dataclass
class Sample:
    wall_ms: float  # navigation to ready, on the page's clock
    painted_ms: float  # navigation to the frame after ready
    harness_ms: float  # navigation to ready as this process saw it (adds the round trips to the browser)
    app_ms: float  # the app's own figure, from its router's start
    dom: int
    error: str | None
    laps: dict[str, int]


@dataclass
class Result:
    target: Target
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_once(tab: Page, base: str, target: Target, n: int, in_app: bool) -> Sample:
    """One load. A full one starts from ``about:blank``, so the page's clock starts at the navigation;
    an in-app one sets a distinct hash (the same hash fires no hashchange; the app ignores ``_bench``)."""
    if not in_app:
        tab.goto("about:blank")
    tab.evaluate(RESET)  # the previous page must not pass for this one
    started = time.perf_counter()
    if in_app:
        sep = "&" if "?" in target.route else "?"
        tab.evaluate("h => { location.hash = h; }", f"{target.route}{sep}_bench={n}")
    else:
        tab.goto(f"{base}/ui/{target.route}", wait_until="commit")
    tab.wait_for_function(READY, arg=target.kind, polling=5)
    harness = (time.perf_counter() - started) * 1000
    seen = tab.evaluate(AFTER)
    return Sample(round(seen["ready"], 1), round(seen["painted"], 1), round(harness, 1), seen["ms"], seen["dom"],
                  seen["error"], seen["laps"] or {})


def open_tab(browser: Browser, base: str, timeout_s: float, in_app: bool, problems: list[str]) -> Page:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.add_init_script(WATCH)
    tab = context.new_page()
    tab.set_default_timeout(timeout_s * 1000)
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    if in_app:  # the app itself, once; not counted
        tab.goto(f"{base}/ui/{route('compare')}")
        tab.wait_for_function(READY, arg="compare")
    return tab


def measure(browser: Browser, base: str, target: Target, args: argparse.Namespace) -> Result:
    result = Result(target)
    tab = open_tab(browser, base, args.page_timeout, args.in_app, result.problems)
    try:
        for n in range(1 + args.repeat):
            try:
                sample = load_once(tab, base, target, n, args.in_app)
            except PlaywrightError as exc:  # a timeout too: the page never said it was ready
                result.problems.append(f"load {n + 1}: {str(exc).splitlines()[0]}")
                break
            result.samples.append(sample)
            if sample.error:
                result.problems.append(f"load {n + 1} shows an error: {sample.error[:200]}")
            log(f"  {target.name:<22} load {n + 1}: {sample.wall_ms:8.0f} ms wall, {sample.app_ms:6.0f} ms app")
        if args.screenshots and result.samples:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(args.screenshots / f"{target.name.replace(' ', '_')}.png"), full_page=True)
    finally:
        tab.context.close()
    return result


def run_pages(base: str, targets: list[Target], args: argparse.Namespace) -> list[Result]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            return [measure(browser, base, target, args) for target in targets]
        finally:
            browser.close()


# --- the report ---------------------------------------------------------------------------------


def med(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def summary(result: Result) -> dict[str, Any]:
    """Cold is the first load; median and max are over the others."""
    samples = result.samples
    cold = samples[0] if samples else None
    warm = samples[1:]
    laps = sorted({k for s in warm for k in s.laps})
    return {"page": result.target.name, "kind": result.target.kind, "route": result.target.route,
            "input": result.target.note, "loads": len(samples),
            "cold_ms": cold and cold.wall_ms, "cold_app_ms": cold and cold.app_ms,
            "median_ms": med([s.wall_ms for s in warm]), "max_ms": max((s.wall_ms for s in warm), default=None),
            "app_median_ms": med([s.app_ms for s in warm]), "painted_median_ms": med([s.painted_ms for s in warm]),
            "harness_median_ms": med([s.harness_ms for s in warm]), "dom_nodes": samples[-1].dom if samples else None,
            "laps_median_ms": {k: med([s.laps[k] for s in warm if k in s.laps]) for k in laps},
            "samples": [asdict(s) for s in samples], "problems": result.problems}


def cell(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f}".replace(",", " ") if isinstance(value, int | float) else str(value)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| page | input | cold ms | median ms | max ms | app-measured median ms | DOM nodes |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        note = r["input"].replace("|", "/")
        lines.append(f"| {r['page']} | {note} | {cell(r['cold_ms'])} | {cell(r['median_ms'])} | {cell(r['max_ms'])} "
                     f"| {cell(r['app_median_ms'])} | {cell(r['dom_nodes'])} |")
    return "\n".join(lines)


def print_report(report: dict[str, Any]) -> None:
    size, server = report["store_size"], report["server"]
    print(f"store {report['store']}: {size['documents']} documents, {size['provisions']} provisions, "
          f"{size['edges']} edges")
    print(f"server: up in {server['startup_s']:.1f} s; resident {cell(server['after_start'].get('rss_mb'))} MB after "
          f"start-up, {cell(server['after_pages'].get('rss_mb'))} MB after the pages "
          f"(peak {cell(server['after_pages'].get('peak_rss_mb'))} MB)")
    print(f"{'in-app (hash change)' if report['in_app'] else 'full'} loads, 1 cold + {report['repeat']} each\n")
    print(table(report["pages"]))
    problems = [(r["page"], p) for r in report["pages"] for p in r["problems"]]
    if problems:
        print("\nproblems:")
        for page, problem in problems:
            print(f"- {page}: {problem}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5, help="loads per page after the cold one")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--in-app", action="store_true", help="navigate by hash change inside a loaded app")
    parser.add_argument("--start-timeout", type=float, default=900, help="seconds to wait for the server")
    parser.add_argument("--page-timeout", type=float, default=600, help="seconds to wait for one page")
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--json", type=Path, help="also write the JSON report here")
    parser.add_argument("--screenshots", type=Path, help="a screenshot of each page's last load, to look at")
    args = parser.parse_args()
    if not args.store.is_file():
        parser.error(f"no store at {args.store}")
    return args


def main() -> None:
    args = parse_args()
    size, targets = pick_targets(args.store, args.seed)
    log(f"{size['documents']} documents; pages: " + ", ".join(t.name for t in targets))
    port = args.port or free_port()
    with tempfile.TemporaryFile() as output:
        try:
            server, startup = start_server(args.store, port, args.start_timeout, output)
        except RuntimeError as exc:
            output.seek(0)
            raise SystemExit(f"{exc}\n{output.read().decode(errors='replace')[-3000:]}") from None
        try:
            after_start = memory(server.pid)
            log(f"server up in {startup:.1f} s, {after_start.get('rss_mb', '?')} MB resident")
            results = run_pages(f"http://127.0.0.1:{port}", targets, args)
            after_pages = memory(server.pid)
        finally:
            stop_server(server)
    report = {"store": str(args.store), "store_size": size, "repeat": args.repeat, "in_app": args.in_app,
              "seed": args.seed, "server": {"startup_s": round(startup, 2), "after_start": after_start,
                                            "after_pages": after_pages},
              "pages": [summary(r) for r in results]}
    print_report(report)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    print(text, file=sys.stderr)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
