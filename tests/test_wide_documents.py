"""Structure, metadata and the reading report on real Shanghai documents of ../shared/corpus-wide/.

The files in tests/fixtures/wide/ are byte-for-byte copies, under their own names. Expected values were
read off the documents by a person; each test says where in the document they are printed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.graph.store import EmbeddedStore
from policykg.loaders import conventions as conventions_module
from policykg.loaders import lexicons
from policykg.loaders.lexicons import LexiconError
from policykg.loaders.pipeline import build_fragment, parse_file
from policykg.loaders.reading import Reading
from policykg.pipeline import load_plan

WIDE = Path(__file__).resolve().parent / "fixtures" / "wide"
JINGAN_FIRE_2019 = WIDE / "310106_fire_rescue_three_year_jingan_2019.md"
PUTUO_SHELTERS_2025 = WIDE / "310107_emergency_shelters_putuo_2025.md"
PUDONG_CIVIL_DEFENSE_2023 = WIDE / "310115_civil_defense_works_pudong_2023.md"
YANGPU_FIRE_2022 = WIDE / "310110_grassroots_fire_governance_yangpu_2022.md"
TRANSPORT_PV_2023 = WIDE / "310000_transport_photovoltaics_2023.md"
ELDERCARE_FIRE_2023 = WIDE / "310000_eldercare_fire_standardization_2023.md"
JIADING_GREEN_2024 = WIDE / "310114_green_eco_district_measures_jiading_2024.md"
BAOSHAN_WRAPPER_2021 = WIDE / "310113_large_community_facilities_baoshan_2021.md"
MUNICIPAL_FIRE_2024 = WIDE / "310000_public_fire_safety_opinions_2024.md"
WUJING_WASTE_2021 = WIDE / "310112_wujing_construction_waste_2021.md"
HUANGPU_FIRE_2023 = WIDE / "310101_grassroots_fire_governance_2023.md"


def by_path(path: Path) -> dict[str, object]:
    parsed = parse_file(path)
    return {part.path_label: (pid, part) for pid, part in parsed.provisions}


# --- numbering that restarts ------------------------------------------------------------------


def test_numbering_that_restarts_in_every_section_keeps_each_item_apart():
    # 二、工作任务 holds （一）–（五）; 1．–4., 1．–5., 1．–3., 1．–6., 1．–5. restart under each (lines 30–86).
    parsed = parse_file(JINGAN_FIRE_2019)
    paths = [p.path_label for p in parsed.structure.provisions]
    counts = {"（一）": 4, "（二）": 5, "（三）": 3, "（四）": 6, "（五）": 5}
    assert paths == [f"二/{s}/{n}" for s, k in counts.items() for n in range(1, k + 1)]
    ids = dict(zip(paths, parsed.provision_ids, strict=True))
    assert ids["二/（三）/2"] == f"{parsed.id}-p2.3.2"  # the number 2 repeats: the id comes from the path
    assert len(set(parsed.provision_ids)) == 23
    first = parsed.structure.provisions[0]
    assert (first.number, first.level, first.kind) == (1, 3, "任务")  # under 二、工作任务
    assert first.text.startswith("建立工作机制。") and first.heading == "建立工作机制"
    fragment = build_fragment(parsed, load_plan().extractors)
    restarts = Reading.from_record(fragment.document_node().attrs["reading"]).restarts
    assert sorted(r.where for r in restarts) == ["二/（三）", "二/（二）", "二/（五）", "二/（四）"]


def test_a_letter_l_typed_for_1_opens_the_list():
    # （二）督查制度 then l.火灾多发季节… 2. 3. 4. (lines 62–70).
    paths = by_path(HUANGPU_FIRE_2023)
    _, first = paths["四/（二）/1"]
    assert first.text.startswith("火灾多发季节") and "四/（二）/4" in paths


def test_section_kinds_come_from_their_headings():
    # 一、指导思想 and 二、工作任务 (lines 26 and 30).
    parsed = parse_file(JINGAN_FIRE_2019)
    assert [(s.path_label, s.kind) for s in parsed.structure.sections[:2]] == [("一", "指导思想"), ("二", "任务")]


# --- regulations ----------------------------------------------------------------------------------


def test_articles_are_the_provisions_and_a_duty_list_inside_one_article_is_a_list_of_provisions():
    # 第一章 总则 第一条–第五条; 第二章 职责分工 第六条 （一）区应急局：… （十四）各街道、镇：… (lines 28–72);
    # 第七条 … 第三十二条 follow, one provision each.
    parsed = parse_file(PUTUO_SHELTERS_2025)
    paths = by_path(PUTUO_SHELTERS_2025)
    assert [p.label for p in parsed.structure.provisions][:5] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    duty = [p for p in parsed.structure.provisions if p.path_label.startswith("第二章/第六条/")]
    assert len(duty) == 14
    assert duty[0].text.startswith("区应急局:按照市规划要求") and duty[0].kind == "职责"
    assert duty[3].text.startswith("区建管委、区房管局:")
    assert duty[13].path_label == "第二章/第六条/（十四）" and duty[13].text.startswith("各街道、镇:")
    assert "第二章/第六条" not in paths  # the article holds the list: a section, not a provision
    assert len(parsed.structure.provisions) == 31 + 14  # 第一条–第三十二条 less 第六条, and its 14 items
    pid, _ = paths["第二章/第六条/（一）"]
    assert pid == f"{parsed.id}-p2.6.1"


def test_an_articles_clauses_are_its_text_and_its_caption_its_heading():
    # 第一条  (目的和依据) … 第十五条 (lines 26–106); 第四条 lists (一)–(四) inside it (lines 38–48).
    parsed = parse_file(PUDONG_CIVIL_DEFENSE_2023)
    provisions = parsed.structure.provisions
    assert [p.number for p in provisions] == list(range(1, 16))
    assert [p.heading for p in provisions[:3]] == ["目的和依据", "工作原则", "主管部门职责"]
    assert "(一)" in provisions[3].text and "(四)" in provisions[3].text


# --- appendix tables --------------------------------------------------------------------------------


def test_a_flattened_task_table_is_rebuilt_into_rows_with_their_columns():
    # 附件 重点任务清单, one cell per paragraph: 类别 / 项目 / 主要任务 / 牵头单位 / 配合单位 (lines 168–180);
    # 项目 1.做好规划配套 (lines 182–190); 2.完善规章标准 has two task rows, both 区消防救援支队 / 各街道
    # (lines 192–204); 5.实化运行消防 / 安全委员会 and its lead 区委编办、/ 各街道 are cells over two lines
    # (lines 231–239).
    paths = by_path(YANGPU_FIRE_2022)
    _, one = paths["附件/1"]
    assert one.columns["category"] == "一、做好政策保障" and one.columns["item"] == "1.做好规划配套"
    assert one.columns["lead"] == "区消防救援支队"
    assert one.columns["support"] == "区应急局、区公安分局、区规划资源局、各街道"
    assert one.text.startswith("将基层消防安全综合治理建设工作与市级消防专项规")
    _, two = paths["附件/2"]
    assert (two.columns["lead"], two.columns["support"]) == ("区消防救援支队", "各街道")
    assert two.text.startswith("细化街道消防安全委员会") and "贯彻执行本市基层消防综合治理重点检查事项" in two.text
    _, five = paths["附件/5"]
    assert five.columns["item"] == "5.实化运行消防安全委员会"
    assert (five.columns["lead"], five.columns["support"]) == ("区委编办、各街道", "区消防救援支队")
    assert [k for k in paths if k.startswith("附件/")] == [f"附件/{n}" for n in range(1, 13)]


def test_merged_cells_are_taken_from_the_first_row_of_their_group():
    # 附表1 任务分工表: 序号 / 事项 / 工作措施 / 责任单位; row 1 “光伏+地铁”工程 … 申通地铁集团, rows 2–4 print
    # their measure only (lines 132–166); row 18 *推进沪东码头… names 上港集团 (lines 238–242).
    paths = by_path(TRANSPORT_PV_2023)
    rows = [(pid, p) for path, (pid, p) in paths.items() if path.startswith("附表1/")]
    assert len(rows) == 48
    for n in (1, 2, 3, 4):
        _, row = paths[f"附表1/{n}"]
        assert (row.columns["item"], row.columns["responsible"]) == ("“光伏+地铁”工程", "申通地铁集团")
    _, two = paths["附表1/2"]
    assert two.text.startswith("新建高架车站、地面车站、基地库房等")
    _, eighteen = paths["附表1/18"]
    assert eighteen.columns["responsible"] == "上港集团" and eighteen.text.startswith("*推进沪东码头")


def test_tables_of_quotas_are_kept_as_tables_not_provisions():
    # 附表2 交通子行业光伏建设分配表 (序号 / 交通子行业 / 建设区域 / 十四五装机计划（MW） / 责任单位, rows 1–9 and
    # 汇总) and 附表3 各区交通光伏任务分配表 (rows 1–16, 黄浦区 0.3-0.4 1 1 first), lines 428–720.
    parsed = parse_file(TRANSPORT_PV_2023)
    assert not [p for p in parsed.structure.provisions if p.path_label.startswith(("附表2", "附表3"))]
    kept = {s.table["title"]: s.table for s in parsed.structure.sections if s.table}
    quota = kept["交通子行业“十四五”光伏建设分配表"]
    assert quota["kind"] == "data" and len(quota["rows"]) == 10
    assert quota["rows"][0][:3] == ["1", "地铁", "高架车站、地面车站、停车场、轨道沿线"]
    districts = kept["各区“十四五”交通光伏任务分配表"]
    assert districts["rows"][0] == ["1", "黄浦区", "0.3-0.4", "1", "1"]
    assert len(set(parsed.provision_ids)) == len(parsed.provision_ids)  # 1–48 and the body's 1–9 stay apart


# --- metadata ---------------------------------------------------------------------------------------


def test_front_matter_gives_what_the_text_does_not_print():
    # The front matter: 文号 静府办发〔2019〕10号, 发布日期 2019-08-21 (lines 3–5); the wrapper prints neither
    # a 文号 nor a signature. The plan's own heading: 静安区消防救援发展三年行动计划 / （2019—2021） (lines 26–28).
    meta = parse_file(JINGAN_FIRE_2019).meta
    assert (meta.doc_number, meta.sources["doc_number"]) == ("静府办发〔2019〕10号", "front matter")
    assert (meta.signed, meta.published, meta.date) == (None, "2019-08-21", "2019-08-21")
    assert meta.title == "静安区消防救援发展三年行动计划(2019—2021)" and meta.sources["title"] == "header"
    assert "标题" not in parse_file(JINGAN_FIRE_2019).clean.text  # the front matter is not document text


def test_joint_issuers_split_where_the_signature_puts_spaces():
    # 上海市民政局         上海市消防救援总队 / 2023年8月16日 (lines 22–24); front matter 发布日期 2023-08-23 (line 5).
    meta = parse_file(ELDERCARE_FIRE_2023).meta
    assert meta.issuers == ["上海市民政局", "上海市消防救援总队"] and meta.issuer == "上海市民政局"
    assert (meta.signed, meta.published, meta.sources["issuer"]) == ("2023-08-16", "2023-08-23", "signature")
    # Four bureaus two to a line (lines 22–24), dated 2024年1月17日.
    jiading = parse_file(JIADING_GREEN_2024).meta
    assert jiading.issuers == ["上海市嘉定区建设和管理委员会", "上海市嘉定区规划和自然资源局",
                               "上海市嘉定区发展和改革委员会", "上海市嘉定区财政局"]
    assert jiading.signed == "2024-01-17"


def test_a_district_and_a_town_get_their_official_full_names():
    # Signed 杨浦区人民政府办公室 (line 22); 闵行区吴泾镇人民政府 (line 112).
    yangpu = parse_file(YANGPU_FIRE_2022).meta
    assert (yangpu.region.name, yangpu.region.level, yangpu.region.parent) == ("上海市杨浦区", "county", "上海市")
    assert yangpu.title == "杨浦区加强基层消防安全综合治理工作的实施意见"  # 关于转发…《…》的通知 (line 16)
    wujing = parse_file(WUJING_WASTE_2021).meta
    assert (wujing.region.name, wujing.region.level, wujing.region.parent) == (
        "上海市闵行区吴泾镇", "town", "上海市闵行区")
    assert (wujing.doc_number, wujing.sources["doc_number"]) == ("闵吴府发〔2021〕3号", "header")  # line 18


# --- unnumbered paragraphs and wrappers --------------------------------------------------------------


def test_sections_of_unnumbered_paragraphs_give_one_provision_per_paragraph():
    # 一、完善消防安全责任体系 … 五、加强消防救援队伍职业保障: 5, 4, 5, 4 and 1 paragraphs (lines 22–68);
    # the closing 本意见自2024年7月1日起施行，有效期至2029年6月30日 (line 70) is not a task.
    provisions = parse_file(MUNICIPAL_FIRE_2024).structure.provisions
    assert [p.number for p in provisions] == list(range(1, 20))
    assert not any(p.numbered for p in provisions)
    assert [p.path_label for p in provisions][:6] == ["一/¶1", "一/¶2", "一/¶3", "一/¶4", "一/¶5", "二/¶1"]
    assert provisions[0].text.startswith("认真落实《中华人民共和国消防法》")
    assert provisions[-1].path_label == "五/¶1" and "有效期至" not in provisions[-1].text


def test_a_duty_section_without_numbers_lists_its_paragraphs():
    # 四、责任分工: 市、区民政局… / 消防救援部门… / 街镇… / 养老机构… (lines 68–76).
    provisions = [p for p in parse_file(ELDERCARE_FIRE_2023).structure.provisions if p.path_label.startswith("四/")]
    assert [p.path_label for p in provisions] == ["四/¶1", "四/¶2", "四/¶3", "四/¶4"]
    assert [p.text[:4] for p in provisions] == ["市、区民", "消防救援", "街镇按照", "养老机构"]
    assert {p.kind for p in provisions} == {"职责"}


def test_a_wrapper_whose_plan_is_missing_is_a_document_without_invented_items():
    # The notice forwards 《宝山区大型居住社区市政公建配套设施三年行动计划（2021—2023年）》 (line 20); the file holds
    # only the notice and its signature 2021年6月17日 (line 26).
    parsed = parse_file(BAOSHAN_WRAPPER_2021)
    assert parsed.structure.provisions == [] and parsed.meta.doc_number == "宝府办〔2021〕34号"
    fragment = build_fragment(parsed, load_plan().extractors)
    assert [n.kind for n in fragment.nodes if n.kind in ("Provision", "Section")] == []
    reading = Reading.from_record(fragment.document_node().attrs["reading"])
    assert reading.wrapper_only and reading.provisions == 0


# --- the export and the report ------------------------------------------------------------------


def test_the_export_keeps_the_printed_number_and_adds_path_level_and_section_kind(tmp_path):
    from policykg.build import build

    with EmbeddedStore(tmp_path / "g.db") as store:
        build([JINGAN_FIRE_2019], store)
        provision = next(n for n in store.nodes("Provision") if n["path"] == "二/（四）/6")
        document = next(n for n in store.nodes("Document") if not n.get("stub"))
    assert (provision["number"], provision["level"], provision["section_kind"], provision["numbered"]) == (
        6, 3, "任务", True)
    assert provision["region_level"] == "county"
    assert document["reading"]["provisions"] == 23 and document["field_sources"]["doc_number"] == "front matter"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policykg", *args], capture_output=True, text=True, timeout=300)


def test_check_prints_each_documents_report_and_the_totals(tmp_path):
    files = [str(YANGPU_FIRE_2022), str(BAOSHAN_WRAPPER_2021), str(JINGAN_FIRE_2019)]
    shown = run_cli("check", *files)
    assert shown.returncode == 0, shown.stderr
    assert "wrapper only" in shown.stdout and "restarts: 4" in shown.stdout
    assert "table: 杨浦区基层消防安全综合治理建设工作重点任务清单: tasks, 5 columns" in shown.stdout
    assert shown.stdout.strip().splitlines()[-1].startswith("read: 3 documents (1 wrapper only)")
    data = json.loads(run_cli("check", "--json", *files).stdout)
    assert data["totals"]["documents"] == 3 and data["totals"]["table_rows"] == 12
    store = tmp_path / "g.db"
    built = run_cli("build", *files, "--store", str(store))
    assert built.returncode == 0, built.stderr
    assert "read: 3 documents (1 wrapper only)" in built.stdout
    stored = json.loads(run_cli("check", "--store", str(store), "--json").stdout)
    assert stored["totals"] == data["totals"]


# --- the conventions file ---------------------------------------------------------------------------


@pytest.fixture
def lexicon_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy = tmp_path / "lexicon"
    shutil.copytree(lexicons.LEXICON_DIR, copy)
    conventions_module.conventions.cache_clear()
    monkeypatch.setattr(lexicons, "LEXICON_DIR", copy)
    yield copy
    conventions_module.conventions.cache_clear()


def test_a_broken_conventions_file_names_the_file_and_the_key(lexicon_copy: Path):
    path = lexicon_copy / "structure.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("item_jump = 5", 'item_jump = "5"'), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lexicon/structure\.toml: 'limits\.item_jump' must be an integer"):
        conventions_module.conventions()


def test_a_numbering_style_without_a_number_group_is_refused(lexicon_copy: Path):
    path = lexicon_copy / "structure.toml"
    text = path.read_text(encoding="utf-8").replace(r"pattern = '^\((\d{1,3})\)'", r"pattern = '^\(\d{1,3}\)'")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=r"structure\.toml: numbering\[5\]\.pattern must hold a group"):
        conventions_module.conventions()


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("沪住建规范联〔2019〕2 号", "沪住建规范联〔2019〕2号"),  # 310151 green building, front matter
        ("虹委办﹝2026﹞2号", "虹委办〔2026〕2号"),  # 310109 e-bike charging project, cited in the notice
        ("沪规土资综[2011]305号", "沪规土资综〔2011〕305号"),  # 310114 illegal land 2014
        ("上海市人民政府令第52号", "上海市人民政府令第52号"),  # 310000 open-air warehouses, amendment note
    ],
)
def test_a_doc_number_in_any_of_the_printed_shapes_reads_as_one(printed, canonical):
    from policykg.domain.names import normalize_doc_number

    assert normalize_doc_number(printed) == canonical
