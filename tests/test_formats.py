"""Every format a researcher downloads loads into the graph its plain text gives.

The renditions are made in the test session by real writers (tests/fixtures/make_fixtures.py: python-docx,
LibreOffice, PDFium + Pillow for scans) from the sample notices; the .txt of each notice is the reference.
Page numbers, labels and metadata expected below were read off the rendered documents by a person.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from _corpus import CORPUS, SICHUAN_2020_REFORM, SUINING_2021
from fixtures import make_fixtures

from policykg.build import build
from policykg.graph.model import EdgeKind
from policykg.graph.store import EmbeddedStore
from policykg.loaders.metadata import normalize_doc_number
from policykg.loaders.pipeline import ParsedDocument, build_fragment, parse_file
from policykg.loaders.reader import LoadError, read_document
from policykg.pipeline import load_plan

NOTICES = sorted(make_fixtures.NOTICES)
# ../shared beside the repository (CI's clone, /work/main) or beside the folder of worktrees.
CORPUS_WIDE = next((p / "shared" / "corpus-wide" for p in Path(__file__).resolve().parents
                    if (p / "shared" / "corpus-wide").is_dir()), Path("../shared/corpus-wide"))
POLICYKG = [sys.executable, "-m", "policykg"]


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not shutil.which("soffice"):
        pytest.fail("the format fixtures need LibreOffice (soffice); `./dev test` installs libreoffice-writer-nogui")
    return make_fixtures.write_all(tmp_path_factory.mktemp("formats"))


@cache
def reading(path: Path) -> tuple[ParsedDocument, list]:
    """A file parsed and its fragment built, once per session (OCR takes seconds a page)."""
    parsed = parse_file(path)
    return parsed, build_fragment(parsed, load_plan().extractors)


def provisions(path: Path) -> list[tuple[int, str]]:
    return [(p.number, p.text) for p in reading(path)[0].structure.provisions]


def roles(path: Path) -> set[tuple[str, str, str]]:
    fragment = reading(path)[1]
    return {(e.kind, e.source, e.target) for e in fragment.edges if e.kind in (EdgeKind.LEADS, EdgeKind.SUPPORTS)}


def txt(notice: str) -> Path:
    return CORPUS / make_fixtures.NOTICES[notice].txt


# --- the same graph from every rendition of the sample notices ------------------------------------------------


@pytest.mark.parametrize("rendition", ["{}.docx", "pdf/{}.pdf", "{}.html"])
@pytest.mark.parametrize("notice", NOTICES)
def test_each_notice_in_each_format_gives_the_provisions_roles_and_id_of_its_text(made, notice, rendition):
    path = made[Path(rendition.format(notice)).name]
    assert reading(path)[0].id == reading(txt(notice))[0].id
    assert provisions(path) == provisions(txt(notice))
    assert roles(path) == roles(txt(notice))


def test_scanned_pdfs_are_read_by_ocr_with_most_provisions_and_roles(made):
    found = expected = role_hits = role_total = 0
    for notice in NOTICES:
        scan = made[f"{notice}-scan.pdf"]
        want = dict(provisions(txt(notice)))
        got = dict(provisions(scan))
        assert reading(scan)[0].id == reading(txt(notice))[0].id  # 文号 or title read right
        assert len(set(got) & set(want)) >= 0.9 * len(want), notice
        found += len(set(got) & set(want))
        expected += len(want)
        role_hits += len(roles(scan) & roles(txt(notice)))
        role_total += len(roles(txt(notice)))
    assert found >= 0.95 * expected  # 139 of 142 on the sample scans
    # 286 of 363: in 002 the legend 逗号前为牵头单位 is read as 喜号…, so its supporting agencies become leads
    assert role_hits >= 0.75 * role_total


def test_ocr_text_is_marked_and_trusted_less(made):
    parsed, fragment = reading(made["004-scan.pdf"])
    assert parsed.raw.extractor == "ocr" and 0.5 < parsed.raw.confidence <= 0.9
    assert any("read by OCR" in note for note in parsed.raw.notes)
    own = [item for item in (*fragment.nodes, *fragment.edges) if item.document == parsed.id]
    assert own and all(item.extractor == "ocr" and item.confidence <= 0.9 for item in own)
    assert {item.attrs["stage"] for item in own} >= {"segment", "metadata", "responsibility"}
    text_version = reading(txt("004"))[1]
    assert all(n.extractor != "ocr" for n in text_version.nodes)


def test_pdf_nodes_record_their_pages_and_page_furniture_is_not_text(made):
    parsed, fragment = reading(made["000.pdf"])
    assert len(parsed.raw.pages) == 10
    pages = {n.attrs["number"]: (n.attrs["page"], n.attrs.get("page_end"))
             for n in fragment.nodes if n.kind == "Provision"}
    assert pages[1] == (1, None)
    assert pages[3] == (2, None)
    assert pages[4] == (2, 3)  # 持续推进精准脱贫 runs from page 2 onto page 3
    assert pages[6] == (3, None)
    assert not re.search(r"^\s*[—-]\s*\d+\s*[—-]\s*$", parsed.raw.text, re.M)
    plan = reading(made["002.pdf"])[0].raw.text
    assert "四川省人民政府办公厅文件" not in plan  # the running header on every page
    reform = reading(made["003.pdf"])[0].raw.text
    assert "页 共" not in reform and "第 2 页" not in reform


def test_pdf_lines_wrapped_by_the_page_width_are_joined(made):
    text = reading(made["000.pdf"])[0].raw.text
    assert "坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻落实党的十九大和十九届四中全会精神，坚持问题导向，" in text
    assert "赴凉山州开展为期 3 个月驻点督战健康扶贫工作" in text  # across the break from page 2 to page 3


def test_word_list_numbering_gives_the_printed_markers(made):
    numbered = made["003-numbered.docx"]
    text = reading(numbered)[0].raw.text
    assert "一、健全公共卫生体系" in text and "（三十）加强川渝医疗卫生协作" in text
    assert provisions(numbered) == provisions(SICHUAN_2020_REFORM)
    assert provisions(made["003-numbered.pdf"]) == provisions(SICHUAN_2020_REFORM)  # as LibreOffice prints them


def test_word_numbering_levels_restarts_and_overrides(tmp_path):
    """Word's rules: a level restarts after a higher one unless lvlRestart says 0; an instance with a
    startOverride starts again; instances of one definition otherwise continue each other; bullets print none."""
    doc = make_fixtures.new_document()
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    levels = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
              '<w:suff w:val="nothing"/></w:lvl>'
              '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>'
              '<w:suff w:val="nothing"/></w:lvl>'
              '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlRestart w:val="0"/>'
              '<w:lvlText w:val="%3."/><w:suff w:val="nothing"/></w:lvl>')
    xml = (f'<w:numbering {make_fixtures.nsdecls("w")}>'
           f'<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
           '<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="●"/>'
           '</w:lvl></w:abstractNum>'
           '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
           '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
           '<w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>'
           '</w:lvlOverride></w:num>'
           '<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num></w:numbering>')
    for child in make_fixtures.parse_xml(xml):
        numbering.append(child)
    plan = [("总体要求", 1, 0), ("目标", 1, 1), ("任务甲", 1, 2), ("任务乙", 1, 2), ("措施", 1, 1), ("任务丙", 1, 2),
            ("保障", 2, 0), ("组织", 2, 1), ("要点", 4, 0), ("重来", 3, 0), ("其一", 3, 1), ("任务丁", 3, 2)]
    for text, num_id, level in plan:
        make_fixtures.add_line(doc, make_fixtures.Line(text), number=(num_id, level))
    path = tmp_path / "levels.docx"
    doc.save(path)
    assert read_document(path).text.split("\n") == [
        "一、总体要求", "（一）目标", "1.任务甲", "2.任务乙", "（二）措施", "3.任务丙",  # 1. never restarts (lvlRestart 0)
        "二、保障", "（一）组织",  # numId 2 continues numId 1 (one definition); （一） restarts under 二、
        "要点",  # a bullet prints no number
        "一、重来", "（一）其一", "1.任务丁",  # numId 3 overrides the start: a list of its own, all levels counted anew
    ]


def test_word_task_table_rows_are_provisions_with_their_columns(made):
    for name in ("task-table.docx", "task-table.pdf", "task-table.doc"):
        parsed = reading(made[name])[0]
        rows = [(p.number, p.text, p.columns.get("lead"), p.columns.get("support"), p.columns.get("deadline"))
                for p in parsed.structure.provisions]
        assert rows == [
            (1, "推进乡镇卫生院服务能力标准化建设,完成50个中心卫生院提档升级。", "省卫生健康委", "财政厅、省发展改革委", "2022年底"),
            (2, "开展优质服务基层行活动。", "省卫生健康委", "省中医药局", "2022年12月"),  # 牵头单位 merged down from row 1
            (3, "落实基层医疗卫生机构绩效工资政策。", "人力资源社会保障厅", "财政厅、省卫生健康委", "持续推进"),
        ], name
        assert (parsed.meta.doc_number, parsed.meta.title) == ("川卫发〔2022〕3号", "2022年基层卫生重点任务分工")


@pytest.mark.parametrize("suffix", [".doc", ".rtf", ".odt", ".wps"])
def test_word_processor_files_are_converted_by_libreoffice(made, tmp_path, suffix):
    source = made[f"004{suffix}"] if suffix != ".wps" else shutil.copy(made["004.doc"], tmp_path / "004.wps")
    parsed = reading(Path(source))[0]
    assert parsed.raw.format == suffix.lstrip(".")
    assert any("converted" in note and "LibreOffice" in note for note in parsed.raw.notes)
    assert provisions(Path(source)) == provisions(SUINING_2021)
    assert roles(Path(source)) == roles(SUINING_2021)


# --- saved portal pages ------------------------------------------------------------------------------------------


def test_portal_chrome_is_not_text_and_its_metadata_table_is_read(made):
    parsed = reading(made["004.html"])[0]
    for chrome in ("热点推荐", "相关文件", "相关解读", "ICP备", "网站标识码", "主办单位", "分享到", "当前位置", "浏览次数",
                   "关于开展2024年度全省卫生健康系统安全生产大检查的通知", "一图读懂"):
        assert chrome not in parsed.raw.text, chrome
    assert parsed.raw.text.startswith("各县(市、区)卫健局")
    assert parsed.structure.provisions[-1].text.endswith("指导问题单位限期。")  # no footer glued onto item 27
    hints = parsed.raw.hints
    assert hints["raw:索引号"] == ("008124193/2024-00105", "portal table")
    assert hints["issuer"] == ("遂宁市卫生健康委员会", "portal table")
    assert hints["signed"][0] == "2021-04-21" and hints["published"][0] == "2021-04-23"
    assert "doc_number" not in hints  # the page's 文号 cell is empty
    assert parsed.meta.published == "2021-04-23" and parsed.meta.sources["published"] == "portal table"
    cited = {e.target for e in reading(made["004.html"])[1].edges if e.kind == EdgeKind.CITES}
    assert cited == {e.target for e in reading(SUINING_2021)[1].edges if e.kind == EdgeKind.CITES}


def test_a_page_declaring_gb2312_that_is_gb18030_decodes(made):
    raw = reading(made["000.html"])[0].raw
    assert b'charset=gb2312' in made["000.html"].read_bytes()[:400]
    assert raw.encoding == "gb18030"
    assert "2018—2019 年度" in raw.text  # — is not in GB2312


def test_a_thousand_unclosed_nested_tags_do_not_sink_the_build(tmp_path):
    body = "".join(f"<p>{n}.第{n}项工作任务，要认真落实到位。</p>" for n in range(1, 6))
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div><span><font>" * 1000 + "<p>某市卫生健康委员会</p>" + body + "</body></html>",
                    encoding="utf-8")
    assert [p.number for p in parse_file(page).structure.provisions] == [1, 2, 3, 4, 5]


# --- Markdown mirrors with front matter ----------------------------------------------------------------------------


def _front_matter(path: Path) -> dict[str, str]:
    """The YAML front matter as plain `key: value` lines, read without the product's code."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    block = text[4 : text.index("\n---\n", 4)]
    return {k: v.strip() for k, v in re.findall(r"^([^:\n]+):(.*)$", block, re.M)}


def test_the_mirror_corpus_is_there():
    assert len(list(CORPUS_WIDE.glob("*.md"))) == 61, CORPUS_WIDE


@pytest.mark.parametrize("path", sorted(CORPUS_WIDE.glob("*.md")), ids=lambda p: p.name[:40])
def test_every_mirror_file_loads_with_its_front_matter(path):
    raw = read_document(path)
    front = _front_matter(path)
    body = raw.text[raw.body_start :]
    assert raw.body_start > 0 and not body.lstrip().startswith((">", "---"))
    assert "本文正文由脚本" not in body and "官方链接" not in body  # the mirror's note is not text
    front = {key: value for key, value in front.items() if value not in ("", "-")}  # "-": the mirror has none
    for key, value in front.items():
        assert raw.hints[f"raw:{key}"][0] == value
    if front:
        assert raw.hints["title"] == (front["标题"], "front matter")
        assert raw.hints["issuer"] == (front["发布单位"], "front matter")
        assert raw.hints.get("doc_number", (None,))[0] == normalize_doc_number(front.get("文号", ""))
    try:
        parsed = parse_file(path)
    except LoadError as exc:  # a few have no numbered items the segmenter knows yet; the reading above is done
        assert "no numbered provisions" in exc.reason
        return
    assert "标题:" not in parsed.clean.text and "文号:" not in parsed.clean.text
    if "文号" in front:
        assert parsed.meta.doc_number == normalize_doc_number(front["文号"])
    if "发布日期" in front:
        assert parsed.meta.published == front["发布日期"]


def test_mirror_metadata_read_off_two_files():
    community = parse_file(CORPUS_WIDE / "310000_community_embedded_services_2024.md").meta
    assert (community.title, community.issuer, community.doc_number, community.signed, community.published) == (
        "上海市社区嵌入式服务设施建设工程实施方案", "上海市人民政府办公厅", "沪府办发〔2024〕25号", "2024-12-14", "2024-12-16")
    # The text's fields name the part of the text they were read from (header, signature …).
    assert community.sources["doc_number"] == "front matter" and community.sources["signed"] == "signature"
    park = read_document(CORPUS_WIDE / "310000_park_management_regulations_2017.md")  # a list, not YAML
    assert park.hints["issuer"] == ("上海市人民代表大会常务委员会", "metadata list")
    assert park.hints["published"][0] == "2017-11-23" and park.hints["raw:施行日期"][0] == "2017-12-01"
    assert park.text[park.body_start :].startswith("上海市公园管理条例\n")


# --- what the reading warns about and refuses ----------------------------------------------------------------------


def test_control_characters_are_removed_with_a_warning(tmp_path):
    doc = tmp_path / "ctl.txt"
    lines = "某市卫生健康委员会关于做好年度工作的通知\x00\n一、任务\x1b[0m\n1.第一项任务，认真组织实施。\n2.第二\x07项任务，按时完成。\n"
    doc.write_text(lines, encoding="utf-8")
    parsed = parse_file(doc)
    assert not re.search(r"[\x00-\x08\x0e-\x1f]", parsed.raw.text)
    assert [p.text for p in parsed.structure.provisions] == ["第一项任务,认真组织实施。", "第二项任务,按时完成。"]  # width-folded
    warning = next(w for w in build_fragment(parsed, load_plan().extractors).warnings if "control characters" in w)
    assert "NUL ×1" in warning and "ESC ×1" in warning and str(doc) in warning


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*POLICYKG, *args], capture_output=True, text=True, timeout=600, env=env)


def _errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_missing_converters_each_give_one_clear_line(made, tmp_path):
    bare = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no soffice, no tesseract
    doc, scan = made["004.doc"], made["004-scan.pdf"]
    result = _run("build", str(doc), str(scan), str(SUINING_2021), "--store", str(tmp_path / "a.db"), env=bare)
    assert result.returncode == 1
    errors = _errors(result)
    assert len(errors) == 2
    [doc_line] = [e for e in errors if str(doc) in e]
    assert "LibreOffice" in doc_line and "apt-get install libreoffice-writer-nogui" in doc_line
    [scan_line] = [e for e in errors if str(scan) in e]
    assert "scanned PDF" in scan_line and "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in scan_line
    assert "loaded 004_cad12c1d8455800e.txt" in result.stdout  # the rest still load

    no_chinese = {**os.environ, "TESSDATA_PREFIX": str(tmp_path)}  # Tesseract without its chi_sim data
    errors = _errors(_run("build", str(scan), "--store", str(tmp_path / "b.db"), env=no_chinese))
    assert len(errors) == 1 and "no chi_sim data" in errors[0] and "tesseract-ocr-chi-sim" in errors[0]

    ofd = tmp_path / "notice.ofd"
    ofd.write_bytes(b"PK\x03\x04 not really read")
    errors = _errors(_run("build", str(ofd), "--store", str(tmp_path / "c.db")))
    assert len(errors) == 1 and "OFD" in errors[0] and "PDF" in errors[0]


def test_a_folder_of_downloads_loads_every_format_and_the_summary_counts_them(made, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in ("000.pdf", "001.docx", "002.html", "004.doc"):
        shutil.copy(made[name], folder / name)
    shutil.copy(SICHUAN_2020_REFORM, folder)
    result = _run("build", str(folder), "--store", str(tmp_path / "g.db"))
    assert result.returncode == 0, result.stderr
    assert "documents read by format: " in result.stdout
    counts = dict(re.findall(r"(\w+(?: \(OCR\))?) (\d+)", result.stdout.split("documents read by format: ")[1]
                             .splitlines()[0]))
    assert counts == {"pdf": "1", "docx": "1", "html": "1", "doc": "1", "text": "1"}
    with EmbeddedStore(tmp_path / "g.db") as store:
        pdf_provisions = [n for n in store.nodes("Provision") if n.get("page")]
        assert len(pdf_provisions) == 25  # the PDF's, each with the page it is printed on
        formats = {d["source"]: d["format"] for d in store.nodes("Document") if d.get("source")}
    assert formats == {"000.pdf": "pdf", "001.docx": "docx", "002.html": "html", "004.doc": "doc",
                       SICHUAN_2020_REFORM.name: "text"}


def test_an_ocr_document_builds_into_the_store_marked(made, tmp_path):
    with EmbeddedStore(tmp_path / "g.db") as store:
        report = build([made["004-scan.pdf"]], store)
        assert report.formats == {"pdf (OCR)": 1}
        provision = store.nodes("Provision")[0]
    assert provision["extractor"] == "ocr" and provision["stage"] == "segment" and provision["confidence"] <= 0.9
    assert provision["page"] == 1
