"""The researcher's pages in a real browser (issue 18): Debian's chromium driven by Playwright against a
real ``policykg serve`` on loopback (the ``server`` fixture of test_web_e2e), files downloaded from the
pages and read back (csv, openpyxl, an XML parser).

Screenshots of every page at 1366×900 and 800×900 go to tests/artifacts/research-*.png.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright import sync_api as playwright_api
from test_research import REFORM, SUINING_TAKES_UP
from test_web_e2e import CHROMIUM, CHROMIUM_ARGS, server  # noqa: F401 - server is a fixture used below

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SIZES = ((1366, 900), (800, 900))

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM} (apt install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def tab(browser, server: str) -> Iterator[object]:  # noqa: F811 - the fixture imported above
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    thrown: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda exc: thrown.append(str(exc)))
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith((server, "blob:", "data:"))
            else None)
    yield page
    context.close()
    assert thrown == [], f"the pages threw: {thrown[:5]}"
    assert outside == [], f"requests left the server: {outside[:5]}"


def _open(tab, url: str, kind: str) -> None:
    if tab.url.startswith("http"):
        tab.evaluate("document.body && (document.body.dataset.ready = '')")
    tab.goto(url)
    tab.wait_for_function("kind => document.body.dataset.ready === kind", arg=kind)


def _api(base: str, path: str, **params: object) -> dict:
    url = f"{base}/{urllib.parse.quote(path.lstrip('/'))}?{urllib.parse.urlencode(params, doseq=True)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _download(tab, selector: str) -> Path:
    """The file a click downloads, saved under the name the server or page gives it."""
    with tab.expect_download() as caught:
        tab.click(selector)
    download = caught.value
    target = Path(download.path()).with_name(download.suggested_filename)
    download.save_as(target)
    return target


def test_matrix_shows_the_suining_take_up_and_marks_cities_without_documents(tab, server: str) -> None:  # noqa: F811
    _open(tab, f"{server}/ui/#/matrix/{urllib.parse.quote(REFORM)}", "matrix")
    columns = {th.inner_text().strip(): th.get_attribute("data-col") for th in tab.locator("th.col").all()}
    suining, chengdu = columns["遂宁市"], columns["成都市"]
    taken = set()
    for row in tab.locator("#matrix tbody tr").all():
        label = row.locator("th.task").inner_text().split()[0]
        status = row.locator(f"td.cell[data-col='{suining}']").get_attribute("data-status")
        if status == "taken up":
            taken.add(label)
        else:
            assert status == "not taken up", (label, status)  # Suining has a document: never "no document"
        assert row.locator(f"td.cell[data-col='{chengdu}']").get_attribute("data-status") == "no document"
    assert taken == set(SUINING_TAKES_UP)
    assert "no-doc" in tab.locator(f"th.col[data-col='{chengdu}']").get_attribute("class")
    assert "未收录该地文件" in tab.locator(f"th.col[data-col='{chengdu}']").get_attribute("title")
    assert "不等于未落实" in tab.locator(".matrix-legend").inner_text()
    # A cell opens the provision that takes the task up, with its score; hovering says the same.
    cell = tab.locator("#matrix tbody tr", has_text="(十七)").locator(f"td.cell[data-col='{suining}']")
    assert "2021年医政药政工作要点 22." in cell.get_attribute("title")
    cell.click()
    assert "2021年医政药政工作要点 22." in tab.locator("#cell-detail").inner_text()
    assert "得分 0." in tab.locator("#cell-detail").inner_text()
    tab.locator("#matrix tbody tr", has_text="(十七)").locator(f"td.cell[data-col='{chengdu}']").click()
    assert "无从判断是否落实" in tab.locator("#cell-detail").inner_text()


def _csv_rows(path: Path) -> list[dict[str, str]]:
    body = path.read_bytes()
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_obligations_of_the_medical_insurance_bureau_download_as_csv_and_xlsx(tab, server: str) -> None:  # noqa: F811
    answer = _api(server, "/obligations", agency="省医保局", region="四川省", limit=500)
    _open(tab, f"{server}/ui/#/agency/{urllib.parse.quote('省医保局')}?region={urllib.parse.quote('四川省')}", "agency")
    saved = _download(tab, "a[data-export=csv]")
    assert saved.name == "obligations-省医保局-四川省.csv"
    rows = _csv_rows(saved)
    assert len(rows) == answer["total"] and {r["机构"] for r in rows} == {"四川省医疗保障局"}
    expected = {(o["provision"]["cite"], {"lead": "牵头", "support": "配合"}[o["role"]])
                for g in answer["documents"] for o in g["obligations"]}
    assert {(r["条款"], r["角色"]) for r in rows} == expected
    item13 = next(r for r in rows if r["条款"] == f"{REFORM} (十三)")
    assert (item13["角色"], item13["年份"], item13["文件标题"]) == ("牵头", "2020",
                                                                 "四川省深化医药卫生体制改革2020年下半年重点工作任务")
    book = openpyxl.load_workbook(_download(tab, "a[data-export=xlsx]"))
    sheet = book["obligations"]
    header = [c.value for c in sheet[1]]
    records = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert {(r["条款"], r["角色"]) for r in records} == expected
    assert next(r for r in records if r["条款"] == f"{REFORM} (十三)")["年份"] == 2020  # a number, not text
    assert [c.value for c in book["by_year"][1]] == ["年份", "牵头", "配合", "合计"]


def test_an_evidence_sentence_opens_the_reader_at_its_span(tab, server: str) -> None:  # noqa: F811
    _open(tab, f"{server}/ui/#/provision/{urllib.parse.quote(REFORM + ':1')}", "provision")
    hop = tab.locator(".hops details[open]").first
    link = hop.locator("a.evidence").nth(1)  # the sentence of 川办发〔2020〕53号 (一) the Suining item matched
    words = link.inner_text()
    href = link.get_attribute("href")
    assert "#/document/" in href and "span=" in href
    tab.evaluate("document.body.dataset.ready = ''")
    link.click()
    tab.wait_for_function("() => document.body.dataset.ready === 'document'")
    focus = tab.locator("#doctext .m-focus")
    assert "".join(focus.all_inner_texts()).replace("\n", "") == words.replace("\n", "")
    box = focus.first.bounding_box()
    assert box and 0 <= box["y"] <= 900, box  # scrolled to it
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "research-reader-at-span.png"))


def test_the_lineage_drawing_downloads_as_svg_and_png_naming_each_document(tab, server: str) -> None:  # noqa: F811
    _open(tab, f"{server}/ui/#/provision/{urllib.parse.quote(REFORM + ':1')}", "provision")
    tab.wait_for_function("() => window.__pkgCy && document.querySelector('[data-figure=svg]')")
    svg_file = _download(tab, "[data-figure=svg]")
    svg = ET.parse(svg_file).getroot()  # a real XML parser: the SVG is well formed
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    nodes = svg.findall(".//s:g[@class='node']", ns)
    drawn = {n.get("data-id") for n in nodes}
    assert drawn == set(tab.evaluate("window.__pkgCy.nodes().filter(n => !n.data('axis')).map(n => n.id())"))
    assert len(nodes) >= 3
    for node in nodes:
        provision = _api(server, f"/provisions/{node.get('data-id')}")["provision"]
        text = "".join(node.itertext())
        name = provision["doc_number"] or provision["doc_title"][:13]
        assert name in text and (provision["label"] or "") in text, (name, text)
        assert node.get("data-document") == provision["document"]
    labels = "".join(svg.itertext())
    assert "省级" in labels and "市级" in labels and "2020年" in labels and "2021年" in labels  # the axes
    png = _download(tab, "[data-figure=png]").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "research-lineage-figure.svg").write_bytes(svg_file.read_bytes())
    (ARTIFACTS / "research-lineage-figure.png").write_bytes(png)


def test_a_document_title_opens_the_reader_with_its_citation(tab, server: str) -> None:  # noqa: F811
    _open(tab, f"{server}/ui/#/search", "search")
    tab.evaluate("document.body.dataset.ready = ''")
    tab.locator("table.grid a[data-document]", has_text="四川省深化医药卫生体制改革").click()
    tab.wait_for_function("() => document.body.dataset.ready === 'document'")
    assert "四川省深化医药卫生体制改革2020年下半年重点工作任务" in tab.locator("h1").inner_text()
    assert tab.locator("#cite-zh").inner_text() == ("四川省人民政府办公厅《四川省深化医药卫生体制改革2020年下半年重点工作任务》"
                                                   "（川办发〔2020〕53号），2020年8月20日。")
    assert tab.locator("#cite-bibtex").inner_text().startswith("@misc{")
    assert json.loads(tab.locator("#cite-csl").inner_text())["number"] == REFORM
    facts = tab.locator("dl.facts").inner_text()
    assert "成文日期" in facts and "2020-08-20" in facts and "003_4e3b855310d5ce42.txt" in facts
    assert tab.locator("#doctext .hl-lead").count() > 0 and tab.locator("#doctext .m-link").count() > 0


def test_errors_on_the_pages_are_chinese_and_suggest_the_nearest_name(tab, server: str) -> None:  # noqa: F811
    _open(tab, f"{server}/ui/#/agency/{urllib.parse.quote('四川省医疗保险局')}", "agency")
    error = tab.locator(".error")
    assert "未找到机构“四川省医疗保险局”" in error.inner_text()
    assert not re.search(r"[A-Za-z]{3,}", error.inner_text()), error.inner_text()  # no English, no CLI flags
    tab.evaluate("document.body.dataset.ready = ''")
    error.locator("a.suggestion", has_text="四川省医疗保障局").click()
    tab.wait_for_function("() => document.body.dataset.ready === 'agency'")
    assert tab.locator("h1").inner_text() == "四川省医疗保障局"
    _open(tab, f"{server}/ui/#/compare?region={urllib.parse.quote('泗川省')}&a=2020&b=2024", "compare")
    assert "未找到地区“泗川省”" in tab.locator(".error").inner_text()
    assert tab.locator(".error a.suggestion").first.inner_text() == "四川省"


def test_compare_never_calls_a_year_without_documents_dropped(tab, server: str) -> None:  # noqa: F811
    region = urllib.parse.quote("四川省")
    _open(tab, f"{server}/ui/#/compare?region={region}&a=2020&b=2023", "compare")
    assert "2023 年未收录四川省的文件:无从比较,不计新增或删除。" in tab.locator(".notice").all_inner_texts()
    assert "未见延续 0" in tab.locator("p.summary").inner_text()
    _open(tab, f"{server}/ui/#/compare?region={region}&years=2020,2022,2024", "compare")
    assert "2022 年未收录四川省的文件" in tab.locator(".notice").first.inner_text()
    assert "其间 2022 年未收录文件,跳过" in tab.locator("ul.steps").inner_text()


PAGES = {
    "search": "#/search",
    "search-results": "#/search?q=%E8%83%B8%E7%97%9B%E4%B8%AD%E5%BF%83",
    "provision": f"#/provision/{urllib.parse.quote(REFORM + ':1')}",
    "cascade": f"#/cascade/{urllib.parse.quote(REFORM)}",
    "matrix": f"#/matrix/{urllib.parse.quote(REFORM)}",
    "document": f"#/document/{urllib.parse.quote(REFORM)}",
    "agency": f"#/agency/{urllib.parse.quote('省医保局')}?region={urllib.parse.quote('四川省')}",
    "compare": f"#/compare?region={urllib.parse.quote('四川省')}&a=2020&b=2024",
    "compare-timeline": f"#/compare?region={urllib.parse.quote('四川省')}&years=2020,2022,2024",
    "error": f"#/agency/{urllib.parse.quote('四川省医疗保险局')}",
}


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_page_is_screenshotted(browser, server: str, width: int, height: int) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    thrown: list[str] = []
    page.on("pageerror", lambda exc: thrown.append(str(exc)))
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for name, fragment in PAGES.items():
            kind = fragment.split("/")[1].split("?")[0]
            _open(page, f"{server}/ui/{fragment}", kind)
            if kind == "provision":
                page.wait_for_function("() => window.__pkgCy")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} at {width}px is {overflow}px wider than the window"
            page.screenshot(path=str(ARTIFACTS / f"research-{name}-{width}.png"), full_page=True)
    finally:
        context.close()
    assert thrown == [], thrown[:5]
