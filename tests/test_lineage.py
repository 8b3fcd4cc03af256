"""Provision lineage on the sample corpus: right direction, jurisdiction and year; evidence; incremental."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

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
