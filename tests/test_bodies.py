"""The directory of government bodies and the resolution of printed names to bodies.

Printed forms are read off the sample notices (examples/corpus) and the real Shanghai notices of
shared/corpus-wide; the expected names are the bodies' official names (public facts, checked by
hand against the bodies' own names: 上海市规划和自然资源局, 上海市公安局青浦分局, 中华人民共和国上海海事局 …).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _corpus import (
    JINGAN_FIRE_2019,
    QINGPU_FIRE_2024,
    SHANGHAI_QUANTUM_2026,
    SHANGHAI_RING_PARKS_2021,
    SICHUAN_2020_REFORM,
    WIDE,
    WUXI_2020,
)

from policykg.domain.bodies import BODIES_DIR, DirectoryError, directory, load_directory
from policykg.domain.regions import resolve_region
from policykg.domain.resolution import distribute, resolve_body, successions
from policykg.graph.model import EdgeKind, NodeKind
from policykg.loaders.agencies import issuer_extractor, resolve, unresolved_mentions
from policykg.loaders.pipeline import build_fragment, parse_file
from policykg.loaders.responsibility import responsibility_extractor
from policykg.loaders.structure import structure_extractor

needs_wide = pytest.mark.skipif(not WIDE.is_dir(), reason=f"the wide corpus is not at {WIDE}")


def _fragment(path: Path):
    return build_fragment(parse_file(path), [structure_extractor, issuer_extractor, responsibility_extractor])


def _by_printed(path: Path) -> dict[str, dict]:
    """Printed form → the Agency node it became, for every agency a notice names."""
    out = {}
    for node in _fragment(path).nodes:
        if node.kind == NodeKind.AGENCY:
            for alias in node.attrs["aliases"]:
                out[alias] = node.attrs
    return out


# --- one short form, two jurisdictions ----------------------------------------------------


@needs_wide
def test_the_same_short_form_in_a_jiangsu_city_and_in_shanghai():
    # The Wuxi notice prints 省卫生健康委 in running text (根据省卫生健康委统一部署), read in its jurisdiction.
    wuxi = parse_file(WUXI_2020)
    assert "省卫生健康委统一部署" in wuxi.clean.text and wuxi.meta.region.name == "无锡市"
    assert resolve("省卫生健康委", wuxi.meta.region.name).name == "江苏省卫生健康委员会"
    assert resolve("市卫生健康委", wuxi.meta.region.name).name == "无锡市卫生健康委员会"
    shanghai = _by_printed(WIDE / "310000_community_embedded_services_2024.md")
    assert shanghai["市卫生健康委"]["name"] == "上海市卫生健康委员会"  # a municipality's 市 is the province level
    assert _by_printed(SICHUAN_2020_REFORM)["省卫生健康委"]["name"] == "四川省卫生健康委员会"


@needs_wide
def test_district_short_forms_in_two_shanghai_districts():
    qingpu, jingan = _by_printed(QINGPU_FIRE_2024), _by_printed(JINGAN_FIRE_2019)
    assert qingpu["区财政局"]["name"] == "上海市青浦区财政局"
    assert jingan["区财政局"]["name"] == "上海市静安区财政局"
    assert qingpu["区发改委"]["name"] == "上海市青浦区发展和改革委员会"
    assert jingan["区发展改革委"]["name"] == "上海市静安区发展和改革委员会"
    assert qingpu["区卫健委"]["name"] == "上海市青浦区卫生健康委员会"
    assert jingan["区卫生健康委"]["name"] == "上海市静安区卫生健康委员会"
    assert jingan["区绿化市容局"]["name"] == "上海市静安区绿化和市容管理局"
    assert qingpu["区建管委"]["name"] == "上海市青浦区建设和管理委员会"
    assert qingpu["区府办"]["name"] == "上海市青浦区人民政府办公室"
    # a municipality's district police is a branch of the municipal bureau
    assert qingpu["公安青浦分局"]["name"] == "上海市公安局青浦分局"
    assert jingan["区公安分局"]["name"] == "上海市公安局静安分局"
    assert (jingan["区消防支队"]["name"], jingan["区消防支队"]["agency_kind"]) == ("上海市静安区消防救援支队", "vertical")


@needs_wide
def test_shanghai_names_its_municipal_bodies_its_own_way():
    quantum = _by_printed(SHANGHAI_QUANTUM_2026)
    assert quantum["市规划资源局"]["name"] == "上海市规划和自然资源局"
    assert quantum["市住房城乡建设管理委"]["name"] == "上海市住房和城乡建设管理委员会"
    assert quantum["市经济信息化委"]["name"] == "上海市经济和信息化委员会"
    assert quantum["市交通委"]["name"] == "上海市交通委员会"
    assert quantum["市科委"]["name"] == "上海市科学技术委员会"
    assert quantum["市教委"]["name"] == "上海市教育委员会"
    assert quantum["市绿化市容局"]["name"] == "上海市绿化和市容管理局"
    assert quantum["市城运中心"]["name"] == "上海市城市运行管理中心"
    assert quantum["上海城投集团"]["name"] == "上海城投(集团)有限公司"
    assert quantum["杨浦区政府"]["name"] == "上海市杨浦区人民政府"


# --- every province-level jurisdiction -----------------------------------------------------

# name, the jurisdiction word its notices print, its finance department (厅; 局 in a municipality)
PROVINCES = [
    ("北京市", "市", "北京市财政局"), ("天津市", "市", "天津市财政局"), ("上海市", "市", "上海市财政局"),
    ("重庆市", "市", "重庆市财政局"), ("河北省", "省", "河北省财政厅"), ("山西省", "省", "山西省财政厅"),
    ("内蒙古自治区", "自治区", "内蒙古自治区财政厅"), ("辽宁省", "省", "辽宁省财政厅"), ("吉林省", "省", "吉林省财政厅"),
    ("黑龙江省", "省", "黑龙江省财政厅"), ("江苏省", "省", "江苏省财政厅"), ("浙江省", "省", "浙江省财政厅"),
    ("安徽省", "省", "安徽省财政厅"), ("福建省", "省", "福建省财政厅"), ("江西省", "省", "江西省财政厅"),
    ("山东省", "省", "山东省财政厅"), ("河南省", "省", "河南省财政厅"), ("湖北省", "省", "湖北省财政厅"),
    ("湖南省", "省", "湖南省财政厅"), ("广东省", "省", "广东省财政厅"), ("广西壮族自治区", "自治区", "广西壮族自治区财政厅"),
    ("海南省", "省", "海南省财政厅"), ("四川省", "省", "四川省财政厅"), ("贵州省", "省", "贵州省财政厅"),
    ("云南省", "省", "云南省财政厅"), ("西藏自治区", "自治区", "西藏自治区财政厅"), ("陕西省", "省", "陕西省财政厅"),
    ("甘肃省", "省", "甘肃省财政厅"), ("青海省", "省", "青海省财政厅"), ("宁夏回族自治区", "自治区", "宁夏回族自治区财政厅"),
    ("新疆维吾尔自治区", "自治区", "新疆维吾尔自治区财政厅"),
]


def test_the_directory_lists_the_31_province_level_governments():
    assert sorted(directory().provinces) == sorted(name for name, _, _ in PROVINCES)


@pytest.mark.parametrize(("province", "word", "finance"), PROVINCES)
def test_each_province_level_jurisdiction_by_short_forms_in_its_own_notice(tmp_path, province, word, finance):
    """A notice of the province's general office lists its bodies by the short forms its notices print."""
    printed_finance = word + finance.removeprefix(province)
    notice = tmp_path / "notice.txt"
    notice.write_text(
        f"{province}人民政府办公厅关于做好2024年民生实事工作的通知\n\n各有关单位：\n现就做好2024年民生实事工作通知如下。\n"
        "一、重点任务\n"
        "（一）提升基层医疗服务能力。推进县域医共体建设，完善分级诊疗制度。"
        f"（责任单位：{word}卫生健康委、{word}发展改革委、{printed_finance}、{word}市场监管局）\n"
        f"（二）加强食品安全监管。开展食品安全专项检查，落实企业主体责任。（责任单位：{word}市场监管局）\n"
        f"（三）强化资金保障。统筹安排专项资金，加强绩效管理。（责任单位：{printed_finance}）\n\n"
        f"{province}人民政府办公厅\n2024年3月1日\n", encoding="utf-8")
    agencies = _by_printed(notice)
    assert agencies[f"{word}卫生健康委"]["name"] == f"{province}卫生健康委员会"
    assert agencies[f"{word}发展改革委"]["name"] == f"{province}发展和改革委员会"
    assert agencies[printed_finance]["name"] == finance
    assert agencies[f"{word}市场监管局"]["name"] == f"{province}市场监督管理局"
    assert all(agencies[form]["resolved"] and agencies[form]["region"] == province
               for form in (f"{word}卫生健康委", printed_finance))


# --- other provinces' bodies, role words, brackets ----------------------------------------


@pytest.mark.parametrize(("form", "region", "name", "kind"), [
    ("广东省广电局", "广东省", "广东省广播电视局", "department"),
    ("浙江省国防科工办", "浙江省", "浙江省国防科学技术工业办公室", "department"),
    ("浙江省科技厅按职责分工负责", "浙江省", "浙江省科学技术厅", "department"),
    ("省经信厅", "浙江省", "浙江省经济和信息化厅", "department"),
    ("中共广东省委金融办", "广东省", "中共广东省委金融委员会办公室", "party"),
    ("广东金融监管局", "广东省", "国家金融监督管理总局广东监管局", "central"),
    ("海关总署广东分署", "广东省", "海关总署广东分署", "central"),
    ("广东省市场监管局", "四川省", "广东省市场监督管理局", "department"),  # another province's, named
])
def test_names_of_other_provinces_bodies(form, region, name, kind):
    agency = resolve(form, region)
    assert (agency.name, agency.kind, agency.resolved) == (name, kind, True)


@needs_wide
def test_a_bracketed_second_name_is_the_same_body():
    frag = _fragment(SHANGHAI_QUANTUM_2026)
    names = [n.attrs["name"] for n in frag.nodes if n.kind == NodeKind.AGENCY]
    water = next(n for n in frag.nodes if n.kind == NodeKind.AGENCY and n.attrs["name"] == "上海市水务局")
    assert "海洋局" in water.attrs["aliases"]
    assert not any("海洋局" in name for name in names)  # no second agency for the bracket


@pytest.mark.parametrize(("form", "name", "second"), [
    ("区委组织部（区公务员局）", "中共上海市静安区委组织部", ("区公务员局",)),
    ("区委宣传部（区文明办、区政府新闻办、区委网信办）", "中共上海市静安区委宣传部", ("区文明办", "区政府新闻办", "区委网信办")),
])
def test_bracketed_second_names_in_a_district_notice(form, name, second):
    agency = resolve(form, "上海市静安区")
    assert (agency.name, agency.second_names, agency.form) == (name, second, form.split("（")[0])


# --- kinds of bodies ----------------------------------------------------------------------


@needs_wide
def test_vertically_managed_and_central_units_in_a_shanghai_notice():
    quantum = _by_printed(SHANGHAI_QUANTUM_2026)
    assert (quantum["交通运输部上海海事局"]["name"], quantum["交通运输部上海海事局"]["agency_kind"]) == (
        "中华人民共和国上海海事局", "central")
    assert quantum["上海海事局"] is quantum["交通运输部上海海事局"]  # one node for both printed forms
    assert (quantum["自然资源部东海局"]["name"], quantum["自然资源部东海局"]["region"]) == ("自然资源部东海局", None)
    assert (quantum["市气象局"]["name"], quantum["市气象局"]["agency_kind"], quantum["市气象局"]["region"]) == (
        "上海市气象局", "vertical", "上海市")


@pytest.mark.parametrize(("form", "region", "name", "kind", "home"), [
    ("市税务局", "上海市", "国家税务总局上海市税务局", "vertical", "上海市"),
    ("区税务局", "上海市静安区", "国家税务总局上海市静安区税务局", "vertical", "上海市静安区"),
    ("国家统计局上海调查总队", "上海市", "国家统计局上海调查总队", "vertical", "上海市"),
    ("省邮政管理局", "四川省", "四川省邮政管理局", "vertical", "四川省"),
    ("上海证监局", "上海市", "中国证券监督管理委员会上海监管局", "central", None),
    ("人民银行四川省分行", "四川省", "中国人民银行四川省分行", "central", None),
    ("民航华东管理局", "上海市", "中国民用航空华东地区管理局", "central", None),
])
def test_vertically_managed_bodies_by_region(form, region, name, kind, home):
    agency = resolve(form, region)
    assert (agency.name, agency.kind, agency.region) == (name, kind, home)


@needs_wide
def test_party_bodies_read_off_notices():
    qingpu, quantum = _by_printed(QINGPU_FIRE_2024), _by_printed(WIDE / "310000_community_embedded_services_2024.md")
    assert qingpu["区委组织部"]["name"] == "中共上海市青浦区委组织部"
    assert qingpu["区委党校"]["name"] == "中共上海市青浦区委党校"
    assert qingpu["团区委"]["name"] == "共青团上海市青浦区委员会"
    assert quantum["市委社会工作部"]["name"] == "中共上海市委社会工作部"
    assert all(a["agency_kind"] == "party" for a in (qingpu["区委组织部"], quantum["市委社会工作部"]))
    assert resolve("自治区党委宣传部", "广西壮族自治区").name == "中共广西壮族自治区委员会宣传部"
    assert resolve("区委办", "上海市静安区").name == "中共上海市静安区委办公室"  # 办公厅 only at province level


# --- collectives --------------------------------------------------------------------------


def _members(frag, collective: str) -> set[str]:
    names = {n.id: n.attrs.get("name") for n in frag.nodes}
    target = next(n.id for n in frag.nodes if n.attrs.get("name") == collective)
    return {names[e.source] for e in frag.edges if e.kind == EdgeKind.MEMBER_OF and e.target == target}


def test_a_sichuan_notices_city_governments_are_members_of_its_collective():
    frag = _fragment(SICHUAN_2020_REFORM)
    members = _members(frag, "四川省各市(州)人民政府")
    assert len(members) == 21  # Sichuan's 18 cities and 3 autonomous prefectures
    assert {"成都市人民政府", "遂宁市人民政府", "凉山彝族自治州人民政府"} <= members


@needs_wide
def test_shanghai_collectives():
    frag = _fragment(SHANGHAI_QUANTUM_2026)
    members = _members(frag, "上海市各区人民政府")
    assert len(members) == 16 and "上海市杨浦区人民政府" in members and "上海市浦东新区人民政府" in members
    # the notice also names 杨浦区政府 alone: the same node is a member of the collective
    yangpu = [n for n in frag.nodes if n.attrs.get("name") == "上海市杨浦区人民政府"]
    assert len(yangpu) == 1 and "杨浦区政府" in yangpu[0].attrs["aliases"]
    # 各街镇 is named as the notice's addressee line spells it: 各镇人民政府、街道办事处，区政府各委、办、局…
    towns = _members(_fragment(QINGPU_FIRE_2024), "上海市青浦区各镇人民政府、街道办事处")
    assert {"上海市青浦区朱家角镇人民政府", "上海市青浦区夏阳街道办事处"} <= towns
    related = resolve("相关区政府", "上海市")  # some districts, which ones not said: no members
    assert (related.name, related.kind, related.members) == ("上海市相关区人民政府", "collective", ())


@needs_wide
def test_distributed_district_governments_in_a_municipal_notice():
    # 牵头单位：市绿化市容局，浦东新区、徐汇区、长宁区、普陀区、宝山区、闵行区、嘉定区政府
    ring = _by_printed(SHANGHAI_RING_PARKS_2021)
    assert ring["浦东新区政府"]["name"] == "上海市浦东新区人民政府"
    assert ring["徐汇区政府"]["name"] == "上海市徐汇区人民政府"
    assert "浦东新区" not in ring  # the bare district name is no agency
    assert distribute(["闵行区", "奉贤区政府"]) == ["闵行区政府", "奉贤区政府"]
    assert distribute(["市发展改革委", "奉贤区政府"]) == ["市发展改革委", "奉贤区政府"]


def test_town_offices_in_a_town_notice():
    # an office ending the way a town's offices are named (…办, …中心, …所) is the town's, by rule
    office = resolve("镇规建办", "上海市闵行区吴泾镇")
    assert (office.name, office.region, office.resolved, office.basis) == (
        "上海市闵行区吴泾镇规建办", "上海市闵行区吴泾镇", True, "town office")
    assert resolve("闵行区吴泾镇人民政府", "上海市闵行区").name == "上海市闵行区吴泾镇人民政府"


# --- succession ---------------------------------------------------------------------------


@needs_wide
def test_a_reorganised_municipal_bureau_succeeds_its_predecessor():
    frag = _fragment(SHANGHAI_QUANTUM_2026)
    names = {n.id: n.attrs.get("name") for n in frag.nodes}
    succeeds = {(names[e.source], names[e.target], e.attrs["date"]) for e in frag.edges if e.kind == EdgeKind.SUCCEEDS}
    assert ("上海市规划和自然资源局", "上海市规划和国土资源管理局", "2018") in succeeds


@pytest.mark.parametrize(("name", "region", "new", "old"), [
    ("四川省国土资源厅", "四川省", "四川省自然资源厅", "四川省国土资源厅"),
    ("四川省安全生产监督管理局", "四川省", "四川省应急管理厅", "四川省安全生产监督管理局"),
    ("上海市环境保护局", "上海市", "上海市生态环境局", "上海市环境保护局"),
    ("成都市公安消防支队", "成都市", "成都市消防救援支队", "成都市公安消防支队"),
    ("广东省地方金融管理局", "广东省", "广东省地方金融管理局", "广东省地方金融监督管理局"),
])
def test_succession_rules(name, region, new, old):
    assert (new, old) in {(c.new, c.old) for c in successions(name, region)}


# --- unresolved stays visible -------------------------------------------------------------


@needs_wide
def test_an_unresolved_unit_keeps_its_printed_form_and_is_listed():
    frag = _fragment(QINGPU_FIRE_2024)
    node = next(n for n in frag.nodes if n.kind == NodeKind.AGENCY and n.attrs["name"] == "新城公司")
    assert (node.attrs["resolved"], node.attrs["aliases"], node.attrs["agency_kind"]) == (False, ["新城公司"], "enterprise")
    listed = {(m.form, m.name) for m in unresolved_mentions(frag)}
    assert ("新城公司", "新城公司") in listed
    assert all(not form.startswith("区") for form, _ in listed)  # every district body of the notice resolved


def test_a_name_no_rule_knows_is_unknown():
    body = resolve_body("某某协调推进组", "四川省")
    assert (body.name, body.form, body.kind, body.resolved) == ("某某协调推进组", "某某协调推进组", "unknown", False)


# --- the data files -----------------------------------------------------------------------


def test_a_malformed_data_file_names_the_file_and_the_key(tmp_path):
    folder = tmp_path / "bodies"
    shutil.copytree(BODIES_DIR, folder)
    local = folder / "local.toml"
    text = local.read_text(encoding="utf-8")
    local.write_text(text.replace('stem = "发展和改革"', 'stem = 7', 1), encoding="utf-8")
    with pytest.raises(DirectoryError, match=r"local\.toml: department\[1\]\.stem: expected a non-empty string"):
        load_directory(folder)
    local.write_text(text, encoding="utf-8")
    provinces = folder / "provinces.toml"
    provinces.write_text(provinces.read_text(encoding="utf-8").replace("education =", "educashun =", 1),
                         encoding="utf-8")
    with pytest.raises(DirectoryError, match=r"provinces\.toml: province\[0\]\.names: unknown department key 'educashun'"):
        load_directory(folder)


@needs_wide
def test_a_hongkou_notice_names_its_district_bodies_in_full():
    hongkou = _by_printed(WIDE / "310109_construction_waste_hongkou_2022.md")
    assert hongkou["虹口区住房保障和房屋管理局"]["name"] == "上海市虹口区住房保障和房屋管理局"
    assert hongkou["上海市公安局虹口分局"]["region"] == "上海市虹口区"
    assert hongkou["虹口区人民政府"]["name"] == "上海市虹口区人民政府"
    # a temporary headquarters no list knows, printed in full with its district: that body, by its printed name
    headquarters = hongkou["虹口区旧区改造和房屋征收工作指挥部"]
    assert (headquarters["name"], headquarters["resolved"]) == ("上海市虹口区旧区改造和房屋征收工作指挥部", True)


def test_a_street_level_body_in_a_district_notice_is_every_streets():
    # 310101_grassroots_fire_governance_2023: 建立健全街道消防安全委员会
    body = resolve("街道消防安全委员会", "上海市黄浦区")
    assert (body.name, body.kind, body.region) == ("上海市黄浦区各街道消防安全委员会", "collective", "上海市黄浦区")
    assert resolve("小区居委", "上海市杨浦区").name == "上海市杨浦区各小区居委"


def test_street_offices_and_town_governments_by_their_official_names():
    # Hongkou 2014 (四、(五) 1.提篮桥街道办事处负责…): a street office is its district government's office;
    # 提篮桥 has since merged into 北外滩 and is no longer in the gazetteer, so its name's shape decides
    assert resolve("提篮桥街道办事处", "上海市虹口区").name == "上海市虹口区人民政府提篮桥街道办事处"
    assert resolve("北外滩街道", "上海市虹口区").name == "上海市虹口区人民政府北外滩街道办事处"
    assert resolve("吴泾镇政府", "上海市闵行区").name == "上海市闵行区吴泾镇人民政府"
    # a district's street office printed in full is the town it governs
    assert resolve_region("上海市奉贤区人民政府奉浦街道办事处").name == "上海市奉贤区奉浦街道"
    # the gazetteer writes 古美街道 where the office calls itself 古美路街道 (a street named after its road)
    assert resolve_region("上海市闵行区人民政府古美路街道办事处").level == "town"


def test_collectives_of_the_level_below_are_spelled_with_their_bodies():
    assert resolve("各街道", "上海市杨浦区").name == "上海市杨浦区各街道办事处"
    assert resolve("各村", "上海市闵行区吴泾镇").name == "上海市闵行区吴泾镇各村民委员会"
    # 区市场监管局 in a municipal notice: every district's bureau
    every = resolve("区市场监管局", "上海市")
    assert (every.name, every.kind, len(every.members)) == ("上海市各区市场监督管理局", "collective", 16)


def test_party_bodies_named_without_the_committee_word_and_bodies_printed_in_full():
    assert resolve("区纪委", "上海市奉贤区").name == "中共上海市奉贤区纪律检查委员会"
    assert resolve("省纪委", "四川省").name == "中共四川省纪律检查委员会"
    assert resolve("区人口办", "上海市静安区").resolved is False  # a short form nobody lists stays unresolved
