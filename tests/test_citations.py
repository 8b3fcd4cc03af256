"""Citations: what a notice names, how it resolves, and stubs that merge when the document arrives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _corpus import SICHUAN_2020_POINTS as SICHUAN_2020
from _corpus import SICHUAN_2020_REFORM as REFORM_2020
from _corpus import SICHUAN_2024_PLAN as SICHUAN_2024
from _corpus import SUINING_2021 as SUINING
from _corpus import WUXI_2020 as WUXI

from policykg.build import build
from policykg.graph.citelink import same_document_title
from policykg.graph.store import EmbeddedStore
from policykg.loaders.citations import extract_citations
from policykg.loaders.pipeline import parse_file

# A Jiangsu notice printing the work points Wuxi's notice implements (its attachment).
JIANGSU_NOTICE = """江苏省卫生健康委员会
苏卫医政便函〔2020〕22号
关于印发《2020年全省医政医管工作要点》的通知
各设区市卫生健康委：
现将《2020年全省医政医管工作要点》印发给你们，请认真贯彻执行。
江苏省卫生健康委员会
2020年3月20日
2020年全省医政医管工作要点
一、加快推进医改重点制度建设
（一）推进医联体建设。落实医联体网格化建设规划，全面推进紧密型医联体建设，建立医联体内会诊机制，畅通双向转诊渠道。
（二）推进公立医院绩效考核。开展二级公立医院绩效考核，配合开展三级公立医院绩效考核工作，引导公立医院高质量发展。
"""


def _by_title(path: Path) -> dict:
    return {c.title: c for c in extract_citations(parse_file(path))}


def test_wuxi_cites_the_provincial_work_points_with_their_number() -> None:
    cites = _by_title(WUXI)
    points = cites["2020年全省医政医管工作要点"]
    assert points.doc_number == "苏卫医政便函〔2020〕22号"  # from the 附件 line
    assert points.region == "江苏省"  # 全省 in a Wuxi notice is Jiangsu
    assert points.year == 2020
    assert points.implements  # 按照《2020年全省医政医管工作要点》要求, in the preamble
    assert "2020年无锡市医政医管工作要点" not in cites  # its own title
    assert not cites["无锡市献血条例"].implements  # named inside an item, not implemented by the notice


def test_reform_tasks_implement_the_state_council_notice() -> None:
    cites = _by_title(REFORM_2020)
    task = cites["深化医药卫生体制改革2020年下半年重点工作任务"]
    assert (task.doc_number, task.issuer, task.region, task.implements) == (
        "国办发〔2020〕25号", "国务院办公厅", "中国", True)
    assert "川渝卫生健康一体化发展合作协议" in cites


def test_own_title_and_own_number_are_not_citations() -> None:
    cites = extract_citations(parse_file(SICHUAN_2024))
    assert [c.title for c in cites] == ["关于进一步完善医疗卫生服务体系的意见"]
    assert cites[0].issuer == "中共中央办公厅、国务院办公厅" and cites[0].implements
    assert all(c.title != "2020年医疗管理工作要点" for c in extract_citations(parse_file(SICHUAN_2020)))


def test_short_title_stands_for_the_long_one_but_not_for_another_place() -> None:
    assert same_document_title("川渝卫生健康一体化发展合作协议",
                               "推动成渝地区双城经济圈建设川渝卫生健康一体化发展合作协议")
    assert not same_document_title("医疗机构管理条例", "四川省医疗机构管理条例")
    assert not same_document_title("医政医管工作要点", "2020年全省医政医管工作要点")


@pytest.fixture()
def wuxi_then_jiangsu(tmp_path: Path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(WUXI, folder / WUXI.name)
    store = EmbeddedStore(tmp_path / "g.db")
    yield store, folder
    store.close()


def _doc(store: EmbeddedStore, source: str) -> dict:
    return next(n for n in store.nodes("Document") if n.get("source") == source)


def test_stub_then_merge_when_the_cited_document_is_loaded(wuxi_then_jiangsu) -> None:
    store, folder = wuxi_then_jiangsu
    assert build([folder / WUXI.name], store).ok
    wuxi = _doc(store, WUXI.name)
    cites = {store.node(e["target"])["title"]: e for e in store.out_edges(wuxi["id"], ["CITES"])}
    stub = store.node(cites["2020年全省医政医管工作要点"]["target"])
    assert stub["stub"] is True and stub["source"] is None and stub["document"] is None
    assert stub["doc_number"] == "苏卫医政便函〔2020〕22号" and stub["region"] == "江苏省"
    assert [e["target"] for e in store.out_edges(wuxi["id"], ["DERIVES_FROM"])] == [stub["id"]]

    jiangsu_file = folder / "jiangsu.txt"
    jiangsu_file.write_text(JIANGSU_NOTICE, encoding="utf-8")
    report = build([jiangsu_file], store)
    assert report.ok and [r[0] for r in report.loaded] == ["jiangsu.txt"]
    jiangsu = _doc(store, "jiangsu.txt")
    assert store.node(stub["id"]) is None  # merged away
    cite = next(e for e in store.out_edges(wuxi["id"], ["CITES"]) if e["target"] == jiangsu["id"])
    assert cite["resolved_by"] == "doc_number"
    assert [e["target"] for e in store.out_edges(wuxi["id"], ["DERIVES_FROM"])] == [jiangsu["id"]]
    # Wuxi's items now derive from the Jiangsu items they copy: 医联体 (二) → (一), 绩效考核 (五) → (二).
    links = {(store.node(e["source"])["number"], store.node(e["target"])["number"])
             for e in store.edges("DERIVES_FROM") if store.node(e["source"])["kind"] == "Provision"}
    assert {(2, 1), (5, 2)} <= links


def test_short_and_long_citations_share_one_stub(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.db") as store:
        assert build([REFORM_2020, SUINING], store).ok
        targets = set()
        for source in (REFORM_2020.name, SUINING.name):
            doc = _doc(store, source)
            targets |= {e["target"] for e in store.out_edges(doc["id"], ["CITES"])
                        if "川渝卫生健康一体化发展合作协议" in (store.node(e["target"])["title"] or "")}
        assert len(targets) == 1


AGREEMENT_NOTICE = """四川省卫生健康委员会
关于印发《推动成渝地区双城经济圈建设川渝卫生健康一体化发展合作协议(2020-2025)》的通知
各市(州)卫生健康委：
现将《推动成渝地区双城经济圈建设川渝卫生健康一体化发展合作协议(2020-2025)》印发给你们。
四川省卫生健康委员会
2020年5月8日
一、合作内容
1.推动检查检验结果互认。在川渝两地同级医院推动检查检验结果互认。
2.建立卫生应急协作机制。建立卫生应急和传染病疫情信息共享机制。
"""


def test_short_title_resolves_to_the_loaded_long_titled_document(tmp_path: Path) -> None:
    agreement = tmp_path / "agreement.txt"
    agreement.write_text(AGREEMENT_NOTICE, encoding="utf-8")
    with EmbeddedStore(tmp_path / "g.db") as store:
        assert build([REFORM_2020, SUINING, agreement], store).ok
        target = _doc(store, "agreement.txt")["id"]
        for citer in (REFORM_2020.name, SUINING.name):  # 《川渝卫生健康一体化发展合作协议》 and the long form
            edges = [e for e in store.out_edges(_doc(store, citer)["id"], ["CITES"]) if e["target"] == target]
            assert [e["resolved_by"] for e in edges] == ["title"]
        assert not [n for n in store.nodes("Document") if n.get("stub") and "合作协议" in (n.get("title") or "")]


def test_reform_tasks_document_derives_from_the_state_council_stub(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.db") as store:
        assert build([REFORM_2020], store).ok
        doc = _doc(store, REFORM_2020.name)
        [edge] = store.out_edges(doc["id"], ["DERIVES_FROM"])
        target = store.node(edge["target"])
        assert (target["doc_number"], target["issuer"], target["level"], target["stub"]) == (
            "国办发〔2020〕25号", "国务院办公厅", "national", True)
        assert edge["evidence"][0]["source_words"].startswith("《国务院办公厅关于印发深化医药卫生体制改革")
        assert store.quote(doc["id"], edge["span"]).startswith("《国务院办公")
