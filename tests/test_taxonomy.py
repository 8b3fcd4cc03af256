"""Facility types and programmes a provision mentions, and their broader links."""

from __future__ import annotations

from _corpus import CORPUS

from policykg.graph.model import EdgeKind, NodeKind
from policykg.loaders.pipeline import build_fragment, parse_file
from policykg.loaders.structure import structure_extractor
from policykg.loaders.taxonomy import (
    facility_chain,
    facility_mentions,
    program_key,
    program_mentions,
    taxonomy_extractor,
)


def test_facility_types_longest_match_and_broader_chain():
    mentions = facility_mentions("做好三级公立医院绩效考核,加强乡镇卫生院和村卫生室建设。")
    assert [m.name for m in mentions] == ["三级公立医院", "乡镇卫生院", "村卫生室"]
    assert facility_chain("三级公立医院")[:3] == ("公立医院", "医院", "医疗机构")
    assert "基层医疗卫生机构" in facility_chain("村卫生室")
    assert [m.name for m in facility_mentions("紧密型县域医共体")] == ["医共体"]
    assert facility_chain("医共体") == ("医联体", "医疗卫生机构")


def test_programs_by_pattern_and_spelling_variants():
    names = {m.name for m in program_mentions("持续推进改善医疗服务行动计划,组织全省县级医院参与“千县工程”。")}
    assert names == {"改善医疗服务行动计划", "千县工程"}
    quoted = program_mentions("继续开展“互联网+护理服务”试点工作。")
    assert [m.name for m in quoted] == [program_key("互联网+护理服务试点")]
    assert quoted[0].form == "“互联网+护理服务”试点"
    assert {m.name for m in program_mentions("实施居家社区医养结合能力提升工程。")} == {"居家社区医养结合能力提升工程"}
    assert program_mentions("开展行动巡讲、专项培训。") == []  # 行动 alone names nothing


def test_local_campaign_is_an_instance_of_the_provincial_one():
    [suining] = program_mentions("统筹推进五大疾病“健康遂宁”行动。")
    assert suining.name == "健康遂宁行动"
    assert suining.broader == ("健康四川行动", "健康中国行动")
    [special] = program_mentions("加快推进健康四川专项行动。")
    assert special.broader[0] == "健康四川行动"
    assert program_mentions("大力实施健康扶贫工程。")[0].broader == ()  # 扶贫 is not a place


def test_corpus_mentions_and_broader_edges():
    frag = build_fragment(parse_file(CORPUS / "004_cad12c1d8455800e.txt"), [structure_extractor, taxonomy_extractor])
    nodes = {n.id: n for n in frag.nodes}
    mentions = {(nodes[e.source].attrs["number"], nodes[e.target].attrs["name"]) for e in frag.edges
                if e.kind == EdgeKind.MENTIONS}
    assert (20, "健康遂宁行动") in mentions  # 20.统筹推进五大疾病“健康遂宁”行动
    assert (7, "胸痛中心") in mentions and (7, "卒中中心") in mentions
    assert (15, "互联网+护理服务试点") in mentions
    broader = {(nodes[e.source].attrs["name"], nodes[e.target].attrs["name"]) for e in frag.edges
               if e.kind == EdgeKind.BROADER}
    assert ("健康遂宁行动", "健康四川行动") in broader and ("胸痛中心", "专病中心") in broader
    assert all(nodes[e.target].kind in (NodeKind.FACILITY_TYPE, NodeKind.PROGRAM) for e in frag.edges
               if e.kind == EdgeKind.MENTIONS)
