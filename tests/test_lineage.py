"""Provision lineage on the sample corpus: right direction, jurisdiction and year; evidence; incremental."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from _corpus import CORPUS

from policykg.build import build
from policykg.graph import lineage
from policykg.graph.store import EmbeddedStore

FILES = sorted(CORPUS.glob("*.txt"))
SICHUAN_2020, WUXI, SICHUAN_2024, REFORM_2020, SUINING = (f.name for f in FILES)
KINDS = ("DERIVES_FROM", "CONTINUES")


def _links(store: EmbeddedStore) -> set[tuple[str, int, str, int, str]]:
    """(child file, number, parent file, number, kind) for every provision lineage edge."""
    source = {n["id"]: n["source"] for n in store.nodes("Document") if n.get("source")}
    out = set()
    for kind in KINDS:
        for e in store.edges(kind):
            a, b = store.node(e["source"]), store.node(e["target"])
            if a["kind"] == "Provision":
                out.add((source[a["document"]], a["number"], source[b["document"]], b["number"], kind))
    return out


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory):
    with EmbeddedStore(tmp_path_factory.mktemp("lineage") / "g.db") as store:
        assert build(FILES, store).ok
        yield store


def test_suining_items_derive_from_the_sichuan_items_they_implement(full: EmbeddedStore) -> None:
    links = _links(full)
    # Read off the documents: 9. 强化公立医院绩效考核 ← 1. 深化公立医院绩效考核; 14. 强化采供血服务管理 ← 19.
    # 持续提升血液安全供应水平; 7. 急诊急救 ← 15.; 22. 基本药物制度 ← (十七)落实国家基本药物制度 (reform tasks).
    for child, parent_file, parent in ((9, SICHUAN_2020, 1), (14, SICHUAN_2020, 19), (7, SICHUAN_2020, 15),
                                       (22, REFORM_2020, 17)):
        assert (SUINING, child, parent_file, parent, "DERIVES_FROM") in links


def test_never_a_wrong_jurisdiction_or_a_later_year(full: EmbeddedStore) -> None:
    docs = {n["id"]: n for n in full.nodes("Document")}
    for kind in KINDS:
        for e in full.edges(kind):
            a, b = full.node(e["source"]), full.node(e["target"])
            if a["kind"] != "Provision":
                continue
            da, db = docs[a["document"]], docs[b["document"]]
            assert db["year"] <= da["year"]
            if kind == "DERIVES_FROM":
                assert db["region"] in (da["parent_region"], "中国")
            else:
                assert db["region"] == da["region"] and db["year"] < da["year"]
    files = {(c, p) for c, _, p, _, _ in _links(full)}
    assert not any(WUXI in pair for pair in files)  # Wuxi (Jiangsu) has no Sichuan parent
    # Sichuan's 2024 plan carries 2020 tasks forward (CONTINUES), it does not derive from them.
    assert {k for c, _, p, _, k in _links(full) if c == SICHUAN_2024} == {"CONTINUES"}
    assert (SICHUAN_2024, 14, REFORM_2020, 9, "CONTINUES") in _links(full)  # 健全现代医院管理制度


def test_edges_carry_score_method_and_evidence_quoted_from_both_sources(full: EmbeddedStore) -> None:
    edges = [e for e in full.edges("DERIVES_FROM") if full.node(e["source"])["kind"] == "Provision"]
    assert edges
    for e in edges:
        assert e["score"] >= e["bar"] and e["method"] == lineage.METHOD  # the calibrated bar (method /4)
        assert e["document_pair"]["reason"] in lineage.RELATED
        assert e["evidence"]
        child, parent = full.node(e["source"]), full.node(e["target"])
        for item in e["evidence"]:
            for side, node in (("source", child), ("target", parent)):
                # the document's own words at the span: the sentence as printed (full-width punctuation)
                quoted = unicodedata.normalize("NFKC", full.quote(node["document"], item[f"{side}_span"]))
                assert re.sub(r"[\s*#]", "", quoted) == re.sub(r"\s", "", item[f"{side}_words"])
                assert node["span"][0] <= item[f"{side}_span"][0] < item[f"{side}_span"][1] <= node["span"][1]


def test_adding_documents_one_by_one_gives_the_links_of_one_build(full: EmbeddedStore, tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "inc.db") as store:
        assert build([CORPUS / SUINING], store).ok  # the city first: no parents yet
        assert not _links(store)
        assert build([CORPUS / SICHUAN_2024, CORPUS / WUXI], store).ok
        before = _links(store)
        assert build([CORPUS / SICHUAN_2020], store).ok  # links downward to Suining and 2024 ...
        assert build([CORPUS / REFORM_2020], store).ok
        assert _links(store) == _links(full)
        assert not before  # ... which no earlier step could draw
        assert len(build(FILES, store).unchanged) == len(FILES)  # nothing changed, nothing relinked


def test_adding_a_document_leaves_links_it_cannot_touch(full: EmbeddedStore, tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.db") as store:
        assert build([CORPUS / f for f in (SICHUAN_2020, SICHUAN_2024, REFORM_2020)], store).ok
        before = _provision_edges(store)
        assert before
        assert build([CORPUS / WUXI], store).ok  # Jiangsu: touches nothing in Sichuan
        assert _provision_edges(store) == before


def _provision_edges(store: EmbeddedStore) -> dict[str, dict]:
    return {e["id"]: e for kind in KINDS for e in store.edges(kind) if store.node(e["source"])["kind"] == "Provision"}


def test_replacing_a_document_relinks_it(full: EmbeddedStore, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for f in FILES:
        shutil.copy(f, folder / f.name)
    with EmbeddedStore(tmp_path / "g.db") as store:
        assert build([folder], store).ok
        edited = folder / SICHUAN_2020
        edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        report = build([folder], store)
        assert [r[0] for r in report.loaded] == [SICHUAN_2020]
        assert _links(store) == _links(full)


def test_building_in_worker_processes_gives_the_same_graph(full: EmbeddedStore, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg import build as build_module
    from policykg.graph import lineage

    # Workers start only for large builds; lower the bar so the five sample notices take that path.
    monkeypatch.setattr(build_module, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(lineage, "PARALLEL_MIN_CHILDREN", 1)
    with EmbeddedStore(tmp_path / "jobs.db") as store:
        assert build(FILES, store, jobs=2).ok
        assert _provision_edges(store) == _provision_edges(full)
        assert {n["id"]: n for n in store.nodes()} == {n["id"]: n for n in full.nodes()}


# --- merged and split tasks, read off the sample notices ---------------------------------------------------------


def _edge(store: EmbeddedStore, child: tuple[str, int], parent: tuple[str, int], kind: str) -> dict:
    source = {n["source"]: n["id"] for n in store.nodes("Document") if n.get("source")}
    a = next(n for n in store.nodes("Provision") if n["document"] == source[child[0]] and n["number"] == child[1])
    return next(e for e in store.out_edges(a["id"], [kind])
                if store.node(e["target"])["document"] == source[parent[0]] and store.node(e["target"])["number"] == parent[1])


def test_a_merged_task_keeps_both_parents(full: EmbeddedStore) -> None:
    # Suining 1. 提高新冠肺炎救治能力 gathers Sichuan 2020 8. 全面建立“四早”常态机制 (落实“四早”…) and 10. 精心组织
    # 做好新冠患者医疗救治 (救治能力, 学科建设): two parents in one document
    for parent in (8, 10):
        edge = _edge(full, (SUINING, 1), (SICHUAN_2020, parent), "DERIVES_FROM")
        assert (edge["shape"], edge["parents_in_document"]) == ("merged", 2)


def test_a_split_task_keeps_both_children(full: EmbeddedStore) -> None:
    # the 2020 reform task (二十七)深化人事薪酬制度改革 becomes two 2024 tasks: (十九)改革完善编制人事管理 and
    # (二十)改革完善薪酬激励制度
    for child in (19, 20):
        edge = _edge(full, (SICHUAN_2024, child), (REFORM_2020, 27), "CONTINUES")
        assert (edge["shape"], edge["children_in_document"]) == ("split", 2)
        assert edge["evidence"] and all(item["source_words"] for item in edge["evidence"])


# --- the calibrated decision ------------------------------------------------------------------------------------


def test_the_bar_rises_with_the_number_of_provisions_a_match_is_the_best_of() -> None:
    null = lineage.POLICY.null
    short, long = null.bar(5, 0.05), null.bar(60, 0.05)
    assert 0 < short < long < null.bar(60, 0.001)  # the best of 60 chance matches is higher than the best of 5
    assert null.chance(long, 60) == pytest.approx(0.05, rel=1e-6)


def _decide(pair, child_cites_parent: bool = False):
    linker = lineage._Linker.__new__(lineage._Linker)
    linker.policy = lineage.POLICY
    cites = frozenset({"parent"}) if child_cites_parent else frozenset()
    linker.meta = {"child": lineage.DocMeta("child", "甲市", 2021, cites=cites),
                   "parent": lineage.DocMeta("parent", "甲省", 2021)}
    return linker.decide("child", "parent", pair)


def test_a_short_pair_that_restates_its_parent_keeps_the_loosest_bar() -> None:
    # 5 × 5: four of five items restate a parent item (0.3), the fifth shares only common words (0.01);
    # four rows over the bar where chance lifts one in twenty is a pair related by its matches
    pair = np.full((5, 5), 0.01)
    pair[0, 0] = pair[1, 2] = pair[2, 4] = pair[3, 1] = 0.3
    decision = _decide(pair)
    assert decision.reason == "matches" and decision.row_bar == lineage.POLICY.null.bar(5, 0.05)
    assert lineage._Linker.select(pair, decision) == [(0, 0), (1, 2), (2, 4), (3, 1)]
    # three of five could still be chance (1 in 800): with nothing else relating them, only near copies link
    pair[3, 1] = 0.01
    decision = _decide(pair)
    assert decision.reason == "unrelated" and lineage._Linker.select(pair, decision) == []


def test_a_long_cited_pair_matched_no_better_than_chance_gets_the_near_copy_bar() -> None:
    # 40 × 60, cited, but only one item clears the loosest bar: one in forty is what chance gives
    pair = np.full((40, 60), 0.01)
    pair[7, 3] = lineage.POLICY.null.bar(60, 0.05) * 1.01
    decision = _decide(pair, child_cites_parent=True)
    assert decision.reason == "cites"
    assert decision.row_bar == lineage.POLICY.null.bar(60, lineage.POLICY.copy_alpha)
    assert lineage._Linker.select(pair, decision) == []


# --- documents first, and the jurisdictions that may nest ---------------------------------------------------------

WIDE = Path(__file__).resolve().parent / "fixtures" / "wide"


def test_documents_first_a_cited_parent_is_linked_and_an_unrelated_one_is_not(tmp_path: Path) -> None:
    qingpu, opinions, photovoltaics = (WIDE / name for name in (
        "310118_public_fire_safety_qingpu_2024.md", "310000_public_fire_safety_opinions_2024.md",
        "310000_transport_photovoltaics_2023.md"))
    with EmbeddedStore(tmp_path / "g.db") as store:
        assert build([qingpu, opinions, photovoltaics], store).ok
        links = _links(store)
        reasons = {e["document_pair"]["reason"] for e in store.edges("DERIVES_FROM") if "document_pair" in e}
    # Qingpu's 实施方案 says it implements 沪府办规〔2024〕6号 (the municipal opinions); the 光伏 plan is about
    # something else, and nothing in it is copied
    assert {(c, p) for c, _, p, _, _ in links} == {(qingpu.name, opinions.name)}
    assert reasons == {"implements"}


def test_a_district_never_parents_another_and_a_titled_district_regulation_governs_its_district() -> None:
    assert lineage.scope_of("上海市", "崇明区绿色建筑管理办法") == "上海市崇明区"  # co-signed by the city
    assert lineage.scope_of("上海市崇明区", "上海市绿色建筑管理办法") == "上海市崇明区"  # a title above changes nothing
    blocks = lineage.Blocks({d.id: d for d in (
        lineage.DocMeta("jingan", "上海市静安区", 2019), lineage.DocMeta("yangpu", "上海市杨浦区", 2022),
        lineage.DocMeta("city", "上海市", 2018), lineage.DocMeta("later", "上海市", 2023))}, window=5)
    assert {p.id for p, _ in blocks.upward(blocks.docs["yangpu"])} == {"city"}  # not Jingan, not a later one


# --- the optional semantic signal -----------------------------------------------------------------------------------


def _cached_keys(path: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT key FROM vectors")}


def test_the_semantic_signal_embeds_each_text_once(tmp_path: Path) -> None:
    from policykg.graph.semantic import text_key

    store_path = tmp_path / "g.db"
    with EmbeddedStore(store_path) as store:
        assert build([CORPUS / SUINING, CORPUS / SICHUAN_2020], store, semantic=True).ok
        methods = {e["method"] for e in store.edges("DERIVES_FROM") if "method" in e}
    first = _cached_keys(store_path)
    assert first and methods == {lineage.METHOD + "+e5"}
    with EmbeddedStore(store_path) as store:  # nothing changed: nothing relinked, nothing embedded
        assert build([CORPUS / SUINING, CORPUS / SICHUAN_2020], store, semantic=True).ok
    assert _cached_keys(store_path) == first
    with EmbeddedStore(store_path) as store:  # a second parent: Suining is relinked against it
        report = build([CORPUS / REFORM_2020], store, semantic=True)
        suining = {text_key(n["text"]) for n in store.nodes("Provision")
                   if store.node(n["document"]).get("source") == SUINING}
    added = _cached_keys(store_path) - first
    # every text embedded is one the cache did not hold; the Suining texts it held were read back
    assert report.signals["semantic: texts embedded"] == len(added)
    assert report.signals["semantic: texts from the cache"] >= len(first & suining) > 0
