"""The web pages in a real browser: Debian's chromium (driven by Playwright) against a real
``policykg serve`` on loopback, over a store built from the sample corpus.

A researcher's walk: search, open a provision, follow a lineage edge, open the city's provision,
an agency, the cascade of a provincial task, and Sichuan 2020 vs 2024. Each page is screenshotted to
tests/artifacts/ for a person to look at; page timings are printed (reported, never asserted).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from _corpus import CORPUS
from _net import free_port
from playwright import sync_api as playwright_api

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
POLICYKG = Path(sys.executable).with_name("policykg")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# Playwright is a test dependency; the browser is Debian's chromium, which ./dev test installs when it can
# (as root), so only its absence skips these tests.
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM} (apt install chromium)")

TIMINGS: list[tuple[str, float, float]] = []  # (page, ms until the page says it is ready, ms the app measured)


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``policykg build`` the sample corpus, then ``policykg serve`` it on a free loopback port."""
    command = [str(POLICYKG)] if POLICYKG.exists() else [sys.executable, "-m", "policykg"]
    store = tmp_path_factory.mktemp("web") / "corpus.db"
    built = subprocess.run([*command, "build", str(CORPUS), "--store", str(store)], capture_output=True, text=True,
                           timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    port = free_port()
    log = (tmp_path_factory.mktemp("web-log") / "serve.log").open("w")
    proc = subprocess.Popen([*command, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"policykg serve exited with {proc.returncode}"
            try:
                if _get(base + "/openapi.json") == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "policykg serve did not answer within 120 s"
            time.sleep(0.3)
        assert _get(base + "/ui/") == 200, "the web pages are not mounted: create_app must call mount_web(app)"
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# What the browser refused under the server's Content-Security-Policy, from every tab of the context:
# each test must end with none (a page that needs an inline script or a CDN breaks under the policy).
CSP_VIOLATIONS: list[str] = []
_REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) =>
  window.__pkgCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.documentURI}`));"""


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.expose_binding("__pkgCspViolation", lambda _source, what: CSP_VIOLATIONS.append(what))
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", lambda message: CSP_VIOLATIONS.append(message.text)
                   if "Content Security Policy" in message.text else None)
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        yield tab
        context.close()
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violation() -> Iterator[None]:
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == [], f"the browser refused under the Content-Security-Policy: {CSP_VIOLATIONS[:5]}"


def _report(capsys: pytest.CaptureFixture[str], first: int) -> None:
    """Print the timings of this test's pages even without ``-s``, and keep them beside the screenshots."""
    lines = [f"  {name:<24} {wall:6.0f} ms in browser, {measured:5.0f} ms measured by the page"
             for name, wall, measured in TIMINGS[first:]]
    with capsys.disabled():
        print("\nweb page timings (reported, not asserted):", *lines, sep="\n")
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "timings.txt").open("w" if first == 0 else "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def _ready(tab, name: str, page_kind: str, navigate) -> None:
    """Run ``navigate``, wait until the app marks ``page_kind`` rendered, record timings, screenshot."""
    if tab.url.startswith("http"):  # the old page must not pass for the new one
        tab.evaluate("document.body && (document.body.dataset.ready = '')")
    started = time.perf_counter()
    navigate()
    tab.wait_for_function("kind => document.body.dataset.ready === kind", arg=page_kind)
    wall = (time.perf_counter() - started) * 1000
    measured = tab.evaluate("window.__pkgTiming ? window.__pkgTiming.ms : -1")
    TIMINGS.append((name, wall, measured))
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# Resolves once the page has not scrolled for a few frames: opening a lineage hop scrolls it into
# view smoothly, and a click aimed while that scroll still runs lands where the graph used to be.
_SCROLL_SETTLED = """() => new Promise((done) => {
  let last = window.scrollY, still = 0;
  const frame = () => {
    still = window.scrollY === last ? still + 1 : 0;
    last = window.scrollY;
    if (still >= 5) done(true); else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})"""


def _click_graph(tab, where: str, selector: str) -> None:
    """A real mouse click on the drawn graph, at the element ``selector`` picks (``where`` gives its position)."""
    tab.evaluate(_SCROLL_SETTLED)
    tab.locator("#graph").scroll_into_view_if_needed()
    tab.evaluate(_SCROLL_SETTLED)
    box = tab.locator("#graph").bounding_box()
    x, y = tab.evaluate(f"sel => ({where})(window.__pkgCy.$(sel)[0])", selector)
    tab.mouse.click(box["x"] + x, box["y"] + y)


def _api(server: str, path: str, **params: object) -> dict:
    url = f"{server}/{urllib.parse.quote(path.lstrip('/'))}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _no_error(tab) -> None:
    errors = tab.locator(".error")
    assert errors.count() == 0, errors.first.inner_text()


def test_a_researchers_walk_through_the_pages(server: str, page, capsys: pytest.CaptureFixture[str]) -> None:
    tab = page
    first = len(TIMINGS)
    # The page is served by the same server, Chinese-first, with no request leaving it.
    outside: list[str] = []
    tab.on("request", lambda req: outside.append(req.url) if not req.url.startswith(server) else None)
    # The pages read answers as the schema states them; a read that throws must not pass unseen.
    thrown: list[str] = []
    tab.on("pageerror", lambda exc: thrown.append(str(exc)))

    # Search: the emergency-care task is found in the Sichuan 2020 work points and Suining 2021.
    _ready(tab, "01-search", "search", lambda: tab.goto(f"{server}/ui/#/search"))
    assert tab.locator("html").get_attribute("lang") == "zh-CN"
    tab.fill("input[name=q]", "急诊急救网络布局")
    _ready(tab, "02-search-results", "search", lambda: tab.click("button[type=submit]"))
    _no_error(tab)
    assert "#/search?q=" in tab.url
    hits = tab.locator("ol.hits li")
    assert hits.count() >= 2
    texts = hits.all_inner_texts()
    assert any("四川省" in t and "2020" in t for t in texts)
    assert any("遂宁市" in t and "2021" in t for t in texts)

    # Provision: Sichuan 2020 item 15, its agencies highlighted with their role, its lineage drawn.
    sichuan = hits.filter(has_text="四川省").first.locator("a[data-provision]").first
    _ready(tab, "03-provision", "provision", sichuan.click)
    _no_error(tab)
    assert "全面推进急诊急救体系建设" in tab.locator("h1").inner_text()
    provision_url = tab.url
    full = tab.locator("#fulltext")
    assert "西南民航局" in full.locator(".hl-support").all_inner_texts()  # 联合西南民航局、省应急厅: supporting
    assert tab.locator(".side .badge.lead").count() >= 1
    assert tab.locator("#graph canvas").count() > 0
    assert tab.evaluate("window.__pkgCy.edges().length") >= 1

    # Follow the lineage edge down to Suining 2021 item 7: clicking the edge in the drawing opens its
    # score and the matched phrases, highlighted in both texts; clicking the city's node opens it.
    hop = tab.locator(".hops details", has_text="遂宁市").first
    city_id = hop.locator("summary a[data-provision]").filter(has_text="医政药政").first.get_attribute("data-provision")
    edge = tab.evaluate("id => window.__pkgCy.edges().filter(e => e.source().id() === id).map(e => e.data('hop'))[0]",
                        city_id)
    tab.evaluate("i => document.querySelector(`.hops details[data-hop='${i}']`).open = false", edge)
    _click_graph(tab, "edge => { const p = edge.renderedMidpoint(); return [p.x, p.y]; }", f"[source = '{city_id}']")
    hop = tab.locator(f".hops details[data-hop='{edge}']")
    assert hop.get_attribute("open") is not None
    assert "得分" in hop.locator("summary").inner_text()
    left, right = hop.locator(".pair > div").nth(0), hop.locator(".pair > div").nth(1)
    assert left.locator("[class^=ev]").count() >= 1 and right.locator("[class^=ev]").count() >= 1
    shared = set(left.locator("[class^=ev]").all_inner_texts()) & set(right.locator("[class^=ev]").all_inner_texts())
    assert "急诊急救网络布局" in "".join(shared)  # the phrase both notices use, marked on both sides
    ARTIFACTS.mkdir(exist_ok=True)
    hop.screenshot(path=str(ARTIFACTS / "03b-lineage-edge.png"))
    _ready(tab, "04-provision-city", "provision",
           lambda: _click_graph(tab, "n => { const p = n.renderedPosition(); return [p.x, p.y]; }", f"#{city_id}"))
    _no_error(tab)
    assert "急诊急救" in tab.locator("h1").inner_text()
    assert "遂宁市" in tab.locator(".meta").first.inner_text()

    # Back to the province's task, then how the cities of Sichuan took it up.
    _ready(tab, "05-provision-again", "provision", lambda: tab.goto(provision_url))
    _ready(tab, "06-cascade", "cascade", lambda: tab.click("a[href^='#/cascade/']"))
    _no_error(tab)
    rows = tab.locator("table.grid tbody tr")
    assert rows.filter(has_text="遂宁市").filter(has_text="已落实").count() >= 1
    assert rows.filter(has_text="成都市").count() == 1  # a city without documents is still listed

    # Agency: the provincial health commission leads provisions in more than one year.
    _ready(tab, "07-provision-again", "provision", lambda: tab.goto(provision_url))
    lead = tab.locator(".side li", has=tab.locator(".badge.lead")).locator("a").first
    _ready(tab, "08-agency", "agency", lead.click)
    _no_error(tab)
    assert "四川省卫生健康委员会" in tab.locator("h1").inner_text()
    assert tab.locator(".chart svg rect").count() >= 2
    assert tab.locator("table.grid .badge.lead").count() >= 1

    # Compare: Sichuan 2020 against 2024, side by side.
    compare = f"{server}/ui/#/compare?region=%E5%9B%9B%E5%B7%9D%E7%9C%81&a=2020&b=2024"
    _ready(tab, "09-compare", "compare", lambda: tab.goto(compare))
    _no_error(tab)
    heads = tab.locator(".cols h3").all_inner_texts()
    assert any("2020" in h for h in heads) and any("2024" in h for h in heads)
    assert "川办发〔2024〕8号" in tab.locator(".cols").first.inner_text()
    statuses = set(tab.locator("#themes .badge").all_inner_texts())
    assert statuses & {"保留", "新增", "删除"}

    # Every page is a stable URL: reloading the compare URL in a fresh tab renders the same page.
    fresh = tab.context.new_page()
    _ready(fresh, "10-compare-shared-url", "compare", lambda: fresh.goto(compare))
    assert fresh.locator(".cols h3").all_inner_texts() == heads
    fresh.close()

    assert outside == [], f"requests left the server: {outside[:5]}"
    assert thrown == [], f"the pages threw: {thrown[:5]}"
    _report(capsys, first)


def test_long_lists_say_how_many_they_show(server: str, page, capsys: pytest.CaptureFixture[str]) -> None:
    """With ``?limit=1`` the lineage and cascade lists show one item of several: each says how many
    there are and how many it lists, and "显示更多" loads the next page (the API's offset)."""
    tab = page
    first = len(TIMINGS)
    # The sample corpus's longest lists, found through the API: a provincial document with the most
    # derived provisions, and the provision of it with the most downstream lineage hops.
    docs = [d for d in _api(server, "/documents", level="province", limit=100)["items"] if not d["stub"]]
    derived = {d["id"]: _api(server, f"/cascade/{d['id']}", limit=1)["total"] for d in docs}
    doc_id = max(derived, key=lambda d: derived[d])
    assert derived[doc_id] >= 2
    hops = {}
    for prov in _api(server, f"/documents/{doc_id}", limit=500)["provisions"]["items"]:
        hops[prov["id"]] = _api(server, f"/provisions/{prov['id']}/lineage", depth=2, limit=1)["downstream"]["total"]
    prov_id = max(hops, key=lambda p: hops[p])
    total = hops[prov_id]
    assert total >= 2

    # Provision: one hop of `total` listed, and said so; each "显示更多" lists one more.
    _ready(tab, "12-provision-limit-1", "provision", lambda: tab.goto(f"{server}/ui/#/provision/{prov_id}?limit=1"))
    _no_error(tab)
    down = tab.locator("section.hop-list[data-dir=down]")
    assert down.locator(".listed").inner_text() == f"共 {total} 条关系,下方列出直接关联中得分最高的 1 条。"
    assert down.locator(".hops details").count() == 1
    assert f"共 {total} 条关系" in tab.locator("#graph-shown").inner_text()  # the drawing says it is partial
    for shown in range(2, total + 1):
        _ready(tab, f"13-provision-more-{shown}", "provision", down.locator("button.show-more").click)
        _no_error(tab)
        assert down.locator(".hops details").count() == shown
        listed = down.locator(".listed").inner_text()
        assert listed == (f"共 {total} 条关系,全部列在下方。" if shown == total else
                          f"共 {total} 条关系,下方列出直接关联中得分最高的 {shown} 条。")
    assert down.locator("button.show-more").count() == 0
    assert len(set(down.locator(".hops details summary").all_inner_texts())) == total  # each page brought new hops
    # A loaded hop opens like the first ones, with both texts side by side.
    last = down.locator(".hops details").last
    last.locator("summary").click()
    last.locator(".pair > div").nth(1).wait_for()  # the texts are drawn when the hop opens, not at once
    assert last.locator(".pair > div").count() == 2
    # Without ?limit every hop fits on the first page, and the page says all are listed.
    _ready(tab, "14-provision-all", "provision", lambda: tab.goto(f"{server}/ui/#/provision/{prov_id}"))
    assert down.locator(".listed").inner_text() == f"共 {total} 条关系,全部列在下方。"
    assert tab.locator("#graph-shown").count() == 0

    # Document cascade: one derived provision of N listed, and said so; "显示更多" lists the next.
    n = derived[doc_id]
    _ready(tab, "15-cascade-limit-1", "cascade", lambda: tab.goto(f"{server}/ui/#/cascade/{doc_id}?limit=1"))
    _no_error(tab)
    summary = tab.locator("p.summary").inner_text()
    assert f"下级条款共 {n} 条,下方列出其中 1 条" in summary
    rows_with_items = tab.locator("table.grid tbody tr:not(.none)")  # a row per listed provision
    assert rows_with_items.count() == 1
    # The region of the one listed provision has more derived provisions (coverage counts them all).
    first_page = _api(server, f"/cascade/{doc_id}", limit=1)
    region = first_page["regions"][0]["region"]
    counted = {s["region"]: s["derived"] for s in first_page["coverage"]["subdivisions"]}.get(region, 0)
    if counted > 1:
        assert f"此处列出 1 条;计入该地(含下辖地区)的共 {counted} 条" in rows_with_items.first.inner_text()
    _ready(tab, "16-cascade-more", "cascade", tab.locator("button.show-more").click)
    _no_error(tab)
    assert rows_with_items.count() == 2
    summary = tab.locator("p.summary").inner_text()
    assert (f"下级条款共 {n} 条,全部列在下方" if n == 2 else f"下级条款共 {n} 条,下方列出其中 2 条") in summary
    # Without ?limit the whole cascade of the sample fits on one page.
    _ready(tab, "17-cascade-all", "cascade", lambda: tab.goto(f"{server}/ui/#/cascade/{doc_id}"))
    assert f"下级条款共 {n} 条,全部列在下方" in tab.locator("p.summary").inner_text()
    assert rows_with_items.count() == n
    assert tab.locator("button.show-more").count() == 0
    _report(capsys, first)


def test_unknown_provision_says_so(server: str, page, capsys: pytest.CaptureFixture[str]) -> None:
    tab = page
    first = len(TIMINGS)
    _ready(tab, "11-not-found", "provision", lambda: tab.goto(f"{server}/ui/#/provision/no-such-provision"))
    assert "未找到" in tab.locator(".error").inner_text()
    _report(capsys, first)


def test_the_pages_are_served_under_a_self_only_policy(server: str, page) -> None:
    """The browser is handed the policy the pages pass (the walk above ran under it, and the autouse
    fixture failed it on any refusal)."""
    response = page.goto(f"{server}/ui/")
    headers = response.all_headers()
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_the_api_docs_work_offline_under_the_policy(server: str, page, capsys: pytest.CaptureFixture[str]) -> None:
    """/docs is Swagger UI vendored from npm: every operation is listed and expands, nothing is fetched
    from another host, and the policy refuses nothing."""
    tab = page
    outside: list[str] = []
    tab.on("request", lambda req: outside.append(req.url) if not req.url.startswith(server) else None)
    thrown: list[str] = []
    tab.on("pageerror", lambda exc: thrown.append(str(exc)))
    tab.goto(f"{server}/docs")
    operations = tab.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = set(operations.all_inner_texts())
    assert {"/obligations", "/search", "/cascade/{ref}", "/provisions/{ref}/lineage"} <= {p.replace("\u200b", "")
                                                                                          for p in paths}
    tab.locator(".opblock-summary", has_text="/obligations").first.click()
    tab.locator(".opblock-body .parameters").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "18-api-docs.png"), full_page=True)
    assert outside == [], f"requests left the server: {outside[:5]}"
    assert thrown == [], f"the docs page threw: {thrown[:5]}"


def test_pages_are_served_beside_the_api(server: str) -> None:
    with urllib.request.urlopen(server + "/", timeout=5) as home:  # the bare address leads to the pages
        assert home.url == server + "/ui/"
        assert '<html lang="zh-CN">' in home.read().decode("utf-8")
    with urllib.request.urlopen(server + "/ui/vendor/cytoscape.min.js", timeout=5) as lib:
        assert lib.status == 200
    with urllib.request.urlopen(server + "/documents?limit=1", timeout=5) as api:  # the API is not shadowed
        assert api.headers["content-type"].startswith("application/json")


def test_pages_ship_in_the_package() -> None:
    web = ROOT / "api" / "web"
    for name in ("index.html", "app.js", "app.css", "vendor/cytoscape.min.js"):
        assert (web / name).is_file(), name
    for name in ("index.html", "app.js", "app.css"):  # no CDN: nothing is fetched from another host
        text = (web / name).read_text(encoding="utf-8")
        assert "://" not in text.replace('"://"', ""), name
