"""One agency, one node: short forms resolved against the document's jurisdiction.

Expected names are the bodies' official names; the forms are those printed in the sample notices.
"""

from __future__ import annotations

import pytest
from _corpus import CORPUS

from policykg.graph.model import EdgeKind, NodeKind
from policykg.loaders.agencies import add_agency, issuer_extractor, resolve
from policykg.loaders.pipeline import build_fragment, parse_file
from policykg.loaders.responsibility import responsibility_extractor
from policykg.loaders.structure import structure_extractor


def test_same_short_form_in_a_sichuan_and_a_jiangsu_document():
    assert resolve("省卫生健康委", "四川省").name == "四川省卫生健康委员会"
    assert resolve("省卫生健康委", "江苏省").name == "江苏省卫生健康委员会"
    # a city document's 省 is its province, its 市 the city itself
    assert resolve("省卫生健康委", "无锡市").name == "江苏省卫生健康委员会"
    assert resolve("市卫生健康委", "无锡市").name == "无锡市卫生健康委员会"
    assert resolve("省卫生健康委", "遂宁市").name == "四川省卫生健康委员会"


@pytest.mark.parametrize(("form", "name", "kind"), [
    ("财政厅", "四川省财政厅", "department"),
    ("人力资源社会保障厅", "四川省人力资源和社会保障厅", "department"),
    ("应急厅", "四川省应急管理厅", "department"),
    ("省发展改革委", "四川省发展和改革委员会", "department"),
    ("省国资委", "四川省人民政府国有资产监督管理委员会", "department"),
    ("省外事办", "四川省人民政府外事办公室", "department"),
    ("省委编办", "中共四川省委机构编制委员会办公室", "party"),
    ("省委政法委", "中共四川省委政法委员会", "party"),
    ("省委组织部", "中共四川省委组织部", "party"),
    ("各市(州)人民政府", "四川省各市(州)人民政府", "collective"),
    ("各市（州）人民政府", "四川省各市(州)人民政府", "collective"),
])
def test_short_forms_in_a_sichuan_document(form, name, kind):
    agency = resolve(form, "四川省")
    assert (agency.name, agency.kind) == (name, kind)


@pytest.mark.parametrize(("form", "name", "kind"), [
    ("成都海关", "中华人民共和国成都海关", "central"),
    ("武警四川省总队", "中国人民武装警察部队四川省总队", "military"),
    ("西宁联勤保障中心", "中国人民解放军联勤保障部队西宁联勤保障中心", "military"),
    ("西部战区空军后勤保障部", "西部战区空军后勤保障部", "military"),
    ("四川银保监局", "中国银行保险监督管理委员会四川监管局", "central"),
    ("国家金融监管总局四川监管局", "国家金融监督管理总局四川监管局", "central"),
    ("国家卫生健康委", "国家卫生健康委员会", "central"),
])
def test_central_and_military_units_get_no_provincial_prefix(form, name, kind):
    agency = resolve(form, "四川省")
    assert (agency.name, agency.kind, agency.region) == (name, kind, None)


def test_full_names_and_bracketed_second_names():
    assert resolve("四川省卫生健康委员会", "四川省").name == "四川省卫生健康委员会"
    assert resolve("四川省卫健委", "江苏省").name == "四川省卫生健康委员会"  # a named province wins
    agency = resolve("省市场监管局（省知识产权局）", "四川省")
    assert (agency.name, agency.alias) == ("四川省市场监督管理局", "省知识产权局")


def test_aliases_accumulate_on_one_node():
    frag = build_fragment(parse_file(CORPUS / "003_4e3b855310d5ce42.txt"),
                          [structure_extractor, issuer_extractor, responsibility_extractor])
    agencies = [n for n in frag.nodes if n.kind == NodeKind.AGENCY]
    assert len({n.id for n in agencies}) == len(agencies)  # one node per agency
    health = next(n for n in agencies if n.attrs["name"] == "四川省卫生健康委员会")
    assert "省卫生健康委" in health.attrs["aliases"]
    assert health.attrs["region"] == "四川省" and health.attrs["agency_kind"] == "department"
    customs = next(n for n in agencies if n.attrs["name"] == "中华人民共和国成都海关")
    assert customs.attrs["aliases"] == ["成都海关"] and customs.attrs["region"] is None


def test_succession_of_a_reorganised_regulator():
    frag = build_fragment(parse_file(CORPUS / "003_4e3b855310d5ce42.txt"),
                          [structure_extractor, issuer_extractor, responsibility_extractor])
    names = {n.id: n.attrs.get("name") for n in frag.nodes}
    succeeds = {(names[e.source], names[e.target], e.attrs["date"]) for e in frag.edges if e.kind == EdgeKind.SUCCEEDS}
    assert ("国家金融监督管理总局四川监管局", "中国银行保险监督管理委员会四川监管局", "2023-05-18") in succeeds


def test_succession_from_the_new_side(tmp_path):
    from policykg.graph.model import Fragment

    frag = Fragment("doc", "x.txt", "", "")
    add_agency(frag, resolve("国家金融监管总局四川监管局", "四川省"))
    names = {n.id: n.attrs["name"] for n in frag.nodes}
    assert [(names[e.source], names[e.target]) for e in frag.edges if e.kind == EdgeKind.SUCCEEDS] == [
        ("国家金融监督管理总局四川监管局", "中国银行保险监督管理委员会四川监管局")]


@pytest.mark.parametrize(("source", "issuer"), [
    ("000_5adab2484b7820d3.txt", "四川省卫生健康委员会"),
    ("001_10347f40a002f581.txt", "无锡市卫生健康委员会"),
    ("003_4e3b855310d5ce42.txt", "四川省人民政府办公厅"),
    ("004_cad12c1d8455800e.txt", "遂宁市卫生健康委员会"),
])
def test_document_issued_by_its_canonical_agency(source, issuer):
    frag = build_fragment(parse_file(CORPUS / source), [structure_extractor, issuer_extractor])
    document = next(n for n in frag.nodes if n.kind == NodeKind.DOCUMENT)
    assert document.attrs["issuer"] == issuer
    issued = [e for e in frag.edges if e.kind == EdgeKind.ISSUED_BY]
    assert len(issued) == 1 and issued[0].source == document.id
    assert frag.source_text[issued[0].span[0] : issued[0].span[1]] == issuer
