"""Reading and segmenting the sample notices: structure, metadata, encodings, formats, spans.

Expected values were read off the documents in examples/corpus by a person.
"""

from __future__ import annotations

import pytest
from _corpus import SICHUAN_2020_POINTS, SICHUAN_2020_REFORM, SICHUAN_2024_PLAN, SUINING_2021, WUXI_2020

from policykg.loaders.normalize import join_lines, normalize
from policykg.loaders.pipeline import parse_file
from policykg.loaders.text import OffsetText


@pytest.mark.parametrize(
    ("path", "numbers", "sections"),
    [
        (SICHUAN_2020_POINTS, list(range(1, 26)), 7),
        (WUXI_2020, list(range(1, 37)), 7),
        (SICHUAN_2024_PLAN, list(range(1, 26)), 7),
        (SICHUAN_2020_REFORM, list(range(1, 31)), 8),
        (SUINING_2021, [n for n in range(1, 28) if n != 18], 1),
    ],
)
def test_each_sample_document_is_cut_into_its_printed_items(path, numbers, sections):
    parsed = parse_file(path)
    assert [p.number for p in parsed.structure.provisions] == numbers
    assert len(parsed.structure.sections) == sections


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (SICHUAN_2020_POINTS, ("2020年医疗管理工作要点", "四川省卫生健康委员会", None, None, 2020, "四川省", "province")),
        (WUXI_2020, ("2020年无锡市医政医管工作要点", "无锡市卫生健康委员会", "锡卫医〔2020〕17号", "2020-04-18", 2020,
                     "无锡市", "city")),
        (SICHUAN_2024_PLAN, ("四川省建设优质高效医疗卫生服务体系实施方案", "四川省人民政府办公厅", "川办发〔2024〕8号",
                             "2024-02-02", 2024, "四川省", "province")),
        (SICHUAN_2020_REFORM, ("四川省深化医药卫生体制改革2020年下半年重点工作任务", "四川省人民政府办公厅",
                               "川办发〔2020〕53号", "2020-08-20", 2020, "四川省", "province")),
        (SUINING_2021, ("2021年医政药政工作要点", "遂宁市卫生健康委员会", None, "2021-04-21", 2021, "遂宁市", "city")),
    ],
)
def test_metadata_of_each_sample_document(path, expected):
    meta = parse_file(path).meta
    got = (meta.title, meta.issuer, meta.doc_number, meta.signed, meta.year, meta.region.name, meta.region.level)
    assert got == expected


def test_parent_regions_come_from_the_gazetteer():
    assert parse_file(WUXI_2020).meta.region.parent == "江苏省"
    assert parse_file(SUINING_2021).meta.region.parent == "四川省"


def test_publication_date_is_read_from_the_web_page_header():
    assert parse_file(SICHUAN_2024_PLAN).meta.published == "2024-02-05"


def test_numbering_anomalies_are_warnings_not_merges():
    suining = parse_file(SUINING_2021)
    assert any("no item 18" in w for w in suining.structure.warnings)
    item_17 = next(p for p in suining.structure.provisions if p.number == 17)
    assert item_17.text.startswith("推进平安医院建设")
    assert "切实做好儿童重大疾病" not in item_17.text
    wuxi = parse_file(WUXI_2020)
    assert any("三、" in w and "repeats" in w for w in wuxi.structure.warnings)
    assert [s.title for s in wuxi.structure.sections][2:4] == ["构建高质量医疗服务体系", "完善医疗风险防范制度和机制"]


def test_pdf_line_breaks_are_joined_inside_a_provision():
    reform = parse_file(SICHUAN_2020_REFORM)
    item_13 = next(p for p in reform.structure.provisions if p.number == 13)
    assert item_13.text == (
        "提高基本医疗保障水平。城乡居民医保人均财政补助标准增加30元,稳步提高个人缴费标准。"
        "完善重大疫情医疗救治费用保障机制。(省医保局、财政厅负责)"
    )
    assert item_13.heading == "提高基本医疗保障水平"


def test_closing_words_after_the_last_annotated_item_are_not_part_of_it():
    reform = parse_file(SICHUAN_2020_REFORM)
    last = reform.structure.provisions[-1]
    assert last.number == 30
    assert last.text.endswith("(省卫生健康委、省中医药局负责)")


def test_provision_spans_quote_the_original_words():
    reform = parse_file(SICHUAN_2020_REFORM)
    pid, item_13 = next((pid, p) for pid, p in reform.provisions if p.number == 13)
    start, end = reform.source_span(item_13.start, item_13.end)
    quoted = reform.raw.text[start:end]
    assert quoted.startswith("(十三)提高基本医疗保障水平")
    assert "\n" in quoted  # the source keeps its hard line breaks
    assert quoted.rstrip().endswith("财政厅负责)")
    assert pid.endswith("-p13")


def test_web_page_chrome_is_not_text():
    plan = parse_file(SICHUAN_2024_PLAN)
    assert "首页" not in plan.clean.text
    assert "浏览次数" not in plan.clean.text
    assert "Produced By" not in plan.clean.text
    assert "Produced By" not in plan.structure.provisions[-1].text


def test_markdown_markers_are_not_text():
    points = parse_file(SICHUAN_2020_POINTS)
    assert "#" not in points.clean.text and "**" not in points.clean.text
    assert points.structure.sections[3].title == "持续推动高质量发展,构建优质高效医疗服务体系"


def test_spaces_inside_numbers_and_dates_are_removed_but_kept_between_ascii_words():
    clean = normalize("完成 2019 年度评价,控制在 10% 以内\n发布时间: 2024- 02- 05 09: 10\nfoo bar")
    assert "完成2019年度评价,控制在10%以内" in clean.text
    assert "foo bar" in clean.text


def test_offsets_survive_deletions():
    text = normalize("**一、** 总 体\n")
    assert text.text.startswith("一、总体")
    start, end = text.source_span(0, len("一、总体"))
    assert "**一、** 总 体"[start:end] == "一、** 总 体"


def test_join_lines_keeps_offsets():
    base = OffsetText.of("ab\ncd")
    joined = join_lines(base)
    assert joined.text == "abcd"
    assert joined.source_span(2, 4) == (3, 5)


# GBK is read as GB18030, its superset; a UTF-8 byte-order mark is dropped from the text.
@pytest.mark.parametrize(
    ("encoding", "reported"), [("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8")]
)
def test_encodings_load_identically(tmp_path, encoding, reported):
    original = parse_file(SICHUAN_2020_REFORM)
    copy = tmp_path / SICHUAN_2020_REFORM.name
    copy.write_bytes(SICHUAN_2020_REFORM.read_text(encoding="utf-8").encode(encoding))
    parsed = parse_file(copy)
    assert parsed.raw.encoding == reported
    assert parsed.raw.text == original.raw.text
    assert parsed.id == original.id
    assert [(p.number, p.text) for p in parsed.structure.provisions] == [
        (p.number, p.text) for p in original.structure.provisions
    ]


def test_html_page_loads_with_its_task_table(tmp_path):
    page = tmp_path / "tasks.html"
    page.write_text(
        """<html><head><title>x</title><script>var a=1;</script></head><body>
        <div class="nav">首页 &gt; 政务公开</div>
        <h1>某某省卫生健康委员会关于印发《2022年基层卫生重点任务分工》的通知</h1>
        <p>各市(州)卫生健康委:</p><p>现将《2022年基层卫生重点任务分工》印发你们。</p>
        <p>某某省卫生健康委员会</p><p>2022年3月1日</p>
        <table>
          <tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>
          <tr><td>1</td><td>推进乡镇卫生院服务能力标准化建设。</td><td>省卫生健康委</td><td>财政厅</td><td>2022年底</td></tr>
          <tr><td>2</td><td>开展优质服务基层行活动。</td><td>省卫生健康委</td><td>无</td><td>2022年12月</td></tr>
        </table></body></html>""",
        encoding="utf-8",
    )
    parsed = parse_file(page)
    rows = parsed.structure.provisions
    assert [r.number for r in rows] == [1, 2]
    assert rows[0].text == "推进乡镇卫生院服务能力标准化建设。"
    assert rows[0].columns == {"task": "推进乡镇卫生院服务能力标准化建设。", "lead": "省卫生健康委",
                               "support": "财政厅", "deadline": "2022年底"}
    assert parsed.meta.title == "2022年基层卫生重点任务分工"
    assert parsed.meta.signed == "2022-03-01"
    start, end = parsed.source_span(rows[1].start, rows[1].end)
    assert "开展优质服务基层行活动" in parsed.raw.text[start:end]


def test_markdown_file_loads(tmp_path):
    page = tmp_path / "points.md"
    page.write_text("# 某市卫生健康委员会\n\n## 一、总体\n\n1. **第一项**。内容。\n\n2. 第二项。内容。\n", encoding="utf-8")
    parsed = parse_file(page)
    assert [p.text for p in parsed.structure.provisions] == ["第一项。内容。", "第二项。内容。"]


def test_chinese_numerals_up_to_99_are_items(tmp_path):
    from policykg.domain.numerals import chinese_to_int

    assert [chinese_to_int(n) for n in ("一", "十", "十二", "二十", "三十六", "九十九")] == [1, 10, 12, 20, 36, 99]
    lines = "\n".join(f"({_cn(n)})第{n}项任务。" for n in range(1, 100))
    doc = tmp_path / "many.txt"
    doc.write_text("某省卫生健康委员会\n一、任务\n" + lines + "\n", encoding="utf-8")
    assert [p.number for p in parse_file(doc).structure.provisions] == list(range(1, 100))


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def test_items_under_a_parenthesised_heading_are_the_provisions(tmp_path):
    doc = tmp_path / "nested.txt"
    doc.write_text(
        "某省卫生健康委员会\n一、强化基层\n(一)服务能力\n1.配齐设备。\n2.建设中心村卫生室。\n(二)人才队伍\n1.实施专项计划。\n",
        encoding="utf-8",
    )
    parsed = parse_file(doc)
    assert [(p.path, p.text) for p in parsed.structure.provisions] == [
        ([1, 1, 1], "配齐设备。"),
        ([1, 1, 2], "建设中心村卫生室。"),
        ([1, 2, 1], "实施专项计划。"),
    ]
    assert [s.title for s in parsed.structure.sections] == ["强化基层", "服务能力", "人才队伍"]
    assert len({pid for pid, _ in parsed.provisions}) == 3
