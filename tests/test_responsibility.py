"""Who leads and who supports each task: annotations, legends, tables, issuers and collaboration verbs.

Inline documents are small notices written for the test; corpus expectations were read off the
sample documents (examples/corpus) by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _corpus import SICHUAN_2020_POINTS as WORK_POINTS
from _corpus import SICHUAN_2020_REFORM as REFORM_2020  # (…负责) + 排在第一位的为牵头单位
from _corpus import SICHUAN_2024_PLAN as PLAN_2024  # 〔责任单位:…〕 + 逗号前为牵头单位
from _corpus import WUXI_2020 as WUXI

from policykg.graph.model import EdgeKind, Fragment
from policykg.loaders.agencies import issuer_extractor
from policykg.loaders.pipeline import build_fragment, parse_file
from policykg.loaders.responsibility import find_annotations, responsibility_extractor
from policykg.loaders.structure import structure_extractor

HEADER = """{issuer}
关于印发{title}的通知
{number}
各市(州)人民政府，省政府各部门：
现将《{title}》印发给你们，请认真组织实施。
{issuer}
2024年2月2日
{title}
一、主要任务
"""


def fragment(path: Path) -> Fragment:
    return build_fragment(parse_file(path), [structure_extractor, issuer_extractor, responsibility_extractor])


def inline(tmp_path: Path, body: str, issuer: str = "四川省人民政府办公厅", title: str = "测试实施方案",
           number: str = "川办发〔2024〕99号") -> Fragment:
    path = tmp_path / "notice.txt"
    path.write_text(HEADER.format(issuer=issuer, title=title, number=number) + body, encoding="utf-8")
    return fragment(path)


def roles(frag: Fragment, kind: str | None = None) -> set[tuple[int, str, str]]:
    """(item number, lead|support, canonical agency name) for every responsibility edge."""
    nodes = {n.id: n for n in frag.nodes}
    found = set()
    for edge in frag.edges:
        if edge.kind in (EdgeKind.LEADS, EdgeKind.SUPPORTS) and (kind is None or edge.attrs["role_source"] == kind):
            role = "lead" if edge.kind == EdgeKind.LEADS else "support"
            found.add((nodes[edge.target].attrs["number"], role, nodes[edge.source].attrs["name"]))
    return found


def edges_of(frag: Fragment, number: int) -> list:
    nodes = {n.id: n for n in frag.nodes}
    return [e for e in frag.edges if e.kind in (EdgeKind.LEADS, EdgeKind.SUPPORTS)
            and nodes[e.target].attrs.get("number") == number]


# --- annotation forms and legends ------------------------------------------------------------


def test_comma_legend_applies_to_every_later_annotation_and_inherits_city_governments(tmp_path):
    frag = inline(tmp_path, """(一)加强公共卫生。健全公共卫生医师制度。〔责任单位:省卫生健康委,财政厅、省疾控局、各市(州)人民政府。逗号前为牵头单位,下同。以下均需各市(州)人民政府落实,不再列出〕
(二)筑牢基层网底。建设中心村卫生室。(责任单位:省医保局,省卫生健康委)
(三)推进医学中心建设。规划设置省医学中心。(责任单位:省卫生健康委、教育厅按职责分工负责)
""")
    assert roles(frag) == {
        (1, "lead", "四川省卫生健康委员会"), (1, "support", "四川省财政厅"), (1, "support", "四川省疾病预防控制局"),
        (1, "support", "四川省各市(州)人民政府"),
        (2, "lead", "四川省医疗保障局"), (2, "support", "四川省卫生健康委员会"), (2, "support", "四川省各市(州)人民政府"),
        (3, "lead", "四川省卫生健康委员会"), (3, "lead", "四川省教育厅"), (3, "support", "四川省各市(州)人民政府"),
    }
    inherited = [e for e in edges_of(frag, 2) if e.attrs["unit"] == "各市(州)人民政府"]
    assert inherited[0].attrs["role_source"] == "legend"
    assert "不再列出" in inherited[0].attrs["words"]


def test_first_listed_legend_and_separately_responsible_units(tmp_path):
    frag = inline(tmp_path, """(一)完善疾控体系。提升核酸检测能力。(省卫生健康委、省委编办、成都海关负责。排在第一位的为牵头单位,下同)
(二)发展商业健康保险。积极引入社会力量。(省医保局、四川银保监局分别负责)
""")
    assert roles(frag) == {
        (1, "lead", "四川省卫生健康委员会"), (1, "support", "中共四川省委机构编制委员会办公室"),
        (1, "support", "中华人民共和国成都海关"),
        (2, "lead", "四川省医疗保障局"), (2, "lead", "中国银行保险监督管理委员会四川监管局"),
    }


def test_annotation_naming_its_own_lead(tmp_path):
    # Units under 按职责分工负责 each lead their own part, also beside a 牵头 unit (issue 13; the
    # convention of both golds' READMEs); a 配合 clause supports.
    frag = inline(tmp_path, """(一)推进医联体建设。(省卫生健康委牵头,省财政厅、省医保局按职责分工负责)
(二)完善价格机制。(省医保局牵头负责,省卫生健康委、各市(州)人民政府组织落实)
""")
    assert roles(frag) == {(1, "lead", "四川省卫生健康委员会"), (1, "lead", "四川省财政厅"),
                           (1, "lead", "四川省医疗保障局"),
                           (2, "lead", "四川省医疗保障局"), (2, "support", "四川省卫生健康委员会"),
                           (2, "support", "四川省各市(州)人民政府")}


def test_without_a_legend_every_listed_unit_leads_at_lower_confidence(tmp_path):
    # No legend is invented (issue 13): a list without one, and without role words, makes every unit
    # responsible, recorded as a lead from the list; commas do not split it into lead and support.
    frag = inline(tmp_path, "(一)深化人事制度改革。(省委编办,省卫生健康委、财政厅负责)\n")
    assert roles(frag) == {(1, "lead", "中共四川省委机构编制委员会办公室"), (1, "lead", "四川省卫生健康委员会"),
                           (1, "lead", "四川省财政厅")}
    assert {e.attrs["role_source"] for e in edges_of(frag, 1)} == {"list"}
    assert all(e.confidence < 0.9 for e in edges_of(frag, 1))


def test_annotation_split_across_lines_and_pages(tmp_path):
    frag = inline(tmp_path, "(一)完善救治体系。建立健全救治机制。(省卫生健康委、省发展改\n\n 革委、财\n 政厅负责)\n")
    assert roles(frag) == {(1, "lead", "四川省卫生健康委员会"), (1, "lead", "四川省发展和改革委员会"),
                           (1, "lead", "四川省财政厅")}  # no legend: every listed unit leads
    edge = next(e for e in edges_of(frag, 1) if e.attrs["unit"] == "财政厅")
    source = frag.source_text[edge.span[0] : edge.span[1]]
    assert source.startswith("(省卫生健康委") and source.endswith("负责)")


def test_labelled_lead_and_support_sentences_and_generic_units(tmp_path):
    frag = inline(tmp_path, """(一)推进医联体建设。(牵头单位:省卫生健康委;配合单位:省财政厅、省直有关部门)
(二)完善价格机制。(省医保局负责,省卫生健康委配合)
""")
    assert roles(frag) == {(1, "lead", "四川省卫生健康委员会"), (1, "support", "四川省财政厅"),
                           (2, "lead", "四川省医疗保障局"), (2, "support", "四川省卫生健康委员会")}


@pytest.mark.parametrize("text", [
    "落实功能定位(三级医院负责)。",
    "加强院感防控(各医疗机构负责)。",
    "压实属地责任,做好“五有三严”(有防护指南、有防控管理制度和责任人、有防护物资设备)。",
    "落实院长负责制(医院主要负责同志负责)。",
    "深化医药卫生体制改革(以下简称“医改”)。",
    "医疗费用个人支付占比控制在10%以内(深度贫困地区控制在5%以内)。",
    "推进传染病医院(院区)建设,加强急救中心(站)建设。",
])
def test_brackets_that_are_not_annotations(text):
    assert find_annotations(text, "四川省") == []


# --- task tables ---------------------------------------------------------------------------


def test_task_table_columns(tmp_path):
    path = tmp_path / "table.txt"
    path.write_text("""江苏省卫生健康委员会
关于印发2024年重点任务分工的通知
苏卫医〔2024〕3号
各设区市卫生健康委：
现将重点任务分工印发给你们。
江苏省卫生健康委员会
2024年3月1日
2024年重点任务分工
序号	重点任务	牵头单位	配合单位	完成时限
1	推进紧密型城市医联体建设	省卫生健康委	省市场监管局（省知识产权局）、省医保局	2024年底
2	完善医疗服务价格动态调整机制	省医保局	无	2024年6月底前
""", encoding="utf-8")
    frag = fragment(path)
    assert roles(frag) == {
        (1, "lead", "江苏省卫生健康委员会"), (1, "support", "江苏省市场监督管理局"), (1, "support", "江苏省医疗保障局"),
        (2, "lead", "江苏省医疗保障局"),
    }
    market = next(n for n in frag.nodes if n.attrs.get("name") == "江苏省市场监督管理局")
    assert "省知识产权局" in market.attrs["aliases"]  # one agency, its second name an alias


# --- issuer and text ------------------------------------------------------------------------


def test_work_points_issuer_leads_every_item():
    frag = fragment(WORK_POINTS)
    leads = {(n, a) for n, role, a in roles(frag, "issuer") if role == "lead"}
    assert leads == {(n, "四川省卫生健康委员会") for n in range(1, 26)}
    wuxi = fragment(WUXI)
    assert {(n, a) for n, role, a in roles(wuxi) if role == "lead"} == {(n, "无锡市卫生健康委员会") for n in range(1, 37)}


def test_collaboration_verbs_make_low_confidence_supporters():
    frag = fragment(WORK_POINTS)
    # 15. 联合西南民航局、省应急厅推动航空医疗救护联合试点工作
    text_roles = roles(frag, "text")
    assert (15, "support", "四川省应急管理厅") in text_roles
    assert (15, "support", "中国民用航空西南地区管理局") in text_roles
    assert all(e.confidence <= 0.5 for e in edges_of(frag, 15) if e.attrs["role_source"] == "text")
    # 23. 积极配合省医调委做好医疗纠纷处置工作: the commission supports the 医调委, not the reverse
    assert not any(n == 23 for n, _, _ in text_roles)
    # 6. 加强与医保、民政、公安、财政等部门沟通衔接: generic departments name no agency
    assert not any(n == 6 for n, _, _ in text_roles)


def test_text_collaboration_inline(tmp_path):
    frag = inline(tmp_path, "1.加强急救体系建设。会同省财政厅制定投入政策,配合省公安厅做好医警联动。\n",
                  issuer="四川省卫生健康委员会", title="2024年医疗管理工作要点")
    assert roles(frag) == {(1, "lead", "四川省卫生健康委员会"), (1, "support", "四川省财政厅")}


# --- the sample corpus ----------------------------------------------------------------------


def test_reform_2020_annotations_read_with_first_listed_legend():
    frag = fragment(REFORM_2020)
    found = roles(frag)
    # (三) …(省卫生健康委、…、成都海关、西宁联勤保障中心、西部战区空军后勤保障部、武警四川省总队负责)
    assert (3, "lead", "四川省卫生健康委员会") in found
    for unit in ("中华人民共和国成都海关", "中国人民解放军联勤保障部队西宁联勤保障中心", "西部战区空军后勤保障部",
                 "中国人民武装警察部队四川省总队", "四川省大数据中心", "四川省应急管理厅"):
        assert (3, "support", unit) in found
    # (十一) 〔省医保局、省卫生健康委、各市(州)人民政府负责〕
    assert {r for r in found if r[0] == 11} == {
        (11, "lead", "四川省医疗保障局"), (11, "support", "四川省卫生健康委员会"), (11, "support", "四川省各市(州)人民政府")}
    # (二十七) …分别负责: all seven lead
    assert {role for n, role, _ in found if n == 27} == {"lead"}
    assert len([r for r in found if r[0] == 27]) == 7
    # (二十四) the list breaks across a page inside 财政厅
    assert (24, "support", "四川省财政厅") in found


def test_plan_2024_comma_legend():
    found = roles(fragment(PLAN_2024))
    # (十七) 责任单位:财政厅,省发展改革委、省卫生健康委、省中医药局、省疾控局
    assert (17, "lead", "四川省财政厅") in found and (17, "support", "四川省卫生健康委员会") in found
    # (十八) …国家金融监管总局四川监管局 — a central unit, no provincial prefix
    assert (18, "support", "国家金融监督管理总局四川监管局") in found
    # 以下均需各市(州)人民政府落实: every later annotated item, never the unannotated 保障措施 (二十三)-(二十五)
    governments = {n for n, _, a in found if a == "四川省各市(州)人民政府"}
    assert governments == set(range(1, 23))


def test_edges_carry_words_span_and_provenance():
    frag = fragment(REFORM_2020)
    for edge in edges_of(frag, 16):
        assert edge.attrs["words"] == "(省医保局、四川银保监局分别负责)"
        assert edge.extractor == "responsibility" and edge.document == frag.document_id
        quoted = frag.source_text[edge.span[0] : edge.span[1]]
        assert quoted.replace("\n", "").replace(" ", "") == "(省医保局、\n四川银保监局分别负责)".replace("\n", "")


# --- conventions of another jurisdiction, read off real Shanghai documents (tests/fixtures/wide) ---------------

WIDE = Path(__file__).resolve().parent / "fixtures" / "wide"


def roles_at(name: str, path: str) -> set[tuple[str, str, str]]:
    """(role, canonical agency, role source) of the provision at ``path`` of a wide-corpus document."""
    frag = fragment(WIDE / name)
    nodes = {n.id: n for n in frag.nodes}
    return {("lead" if e.kind == EdgeKind.LEADS else "support", nodes[e.source].attrs["name"], e.attrs["role_source"])
            for e in frag.edges if e.kind in (EdgeKind.LEADS, EdgeKind.SUPPORTS)
            and nodes[e.target].attrs.get("path") == path}


def test_a_bureau_names_its_own_divisions_and_the_districts_that_carry_it_out():
    # 二、(一)1．…（市局特种设备安全监察处牵头，执法稽查处、信用监督管理处按职责分工负责；区市场监管局组织落实。…）
    found = roles_at("310000_gas_safety_market_regulation_2023.md", "二/（一）/1")
    assert {(role, name) for role, name, _ in found} == {
        ("lead", "上海市市场监督管理局特种设备安全监察处"), ("lead", "上海市市场监督管理局执法稽查处"),
        ("lead", "上海市市场监督管理局信用监督管理处"), ("support", "上海市各区市场监督管理局")}


def test_role_words_close_a_group_whatever_separates_it():
    gas = "310000_gas_safety_rectification_2023.md"
    # 13.…（市交通委牵头负责、各区政府组织落实）: the 、 after 牵头负责 closes the lead group
    assert {(r, n) for r, n, _ in roles_at(gas, "四/（三）/13")} == {
        ("lead", "上海市交通委员会"), ("support", "上海市各区人民政府")}
    # 46.…（市住房城乡建设管理委牵头负责，市司法局、市市场监管局按职责组织落实）: 按职责 qualifies the role word
    assert {(r, n) for r, n, _ in roles_at(gas, "五/（七）/46")} == {
        ("lead", "上海市住房和城乡建设管理委员会"), ("support", "上海市司法局"), ("support", "上海市市场监督管理局")}
    # 19.…（各部门按职责分工牵头负责、各区政府组织落实）: 各部门 names no body
    assert {(r, n) for r, n, _ in roles_at(gas, "四/（五）/19")} == {("support", "上海市各区人民政府")}


def test_labelled_groups_with_districts_named_distributively():
    # 4.…（牵头单位：浦东新区、普陀区政府，地产集团。配合单位：市绿化市容局）
    found = {(r, n) for r, n, _ in roles_at("310000_ring_ecological_park_belt_2021.md", "四/（二）/4")}
    assert found == {("lead", "上海市浦东新区人民政府"), ("lead", "上海市普陀区人民政府"),
                     ("lead", "上海地产(集团)有限公司"), ("support", "上海市绿化和市容管理局")}


def test_a_list_without_legend_makes_every_unit_lead_and_the_addressees_spell_the_towns():
    # （一）…（责任单位：区府办、区发改委、区财政局、区规划资源局、区消防救援局、各街镇）, no legend; the notice is
    # addressed to 各镇人民政府、街道办事处，区政府各委、办、局，各有关单位
    found = roles_at("310118_public_fire_safety_qingpu_2024.md", "一/（一）")
    assert {source for _, _, source in found} == {"list"}
    assert {(r, n) for r, n, _ in found} == {
        ("lead", "上海市青浦区人民政府办公室"), ("lead", "上海市青浦区发展和改革委员会"), ("lead", "上海市青浦区财政局"),
        ("lead", "上海市青浦区规划和自然资源局"), ("lead", "上海市青浦区消防救援局"),
        ("lead", "上海市青浦区各镇人民政府、街道办事处")}


def test_a_class_printed_with_separators_is_no_agency():
    # the task table's 配合单位 cell 各街道、相关委、办、局 (Yangpu 2022 appendix): 相关委、办、局 is one class of units
    frag = fragment(WIDE / "310110_grassroots_fire_governance_yangpu_2022.md")
    names = {n.attrs["name"] for n in frag.nodes if n.kind == "Agency"}
    assert not names & {"办", "局", "相关委", "上海市杨浦区相关委"}
    assert "上海市杨浦区各街道办事处" in names
