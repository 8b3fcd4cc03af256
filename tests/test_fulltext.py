"""The embedded store's full-text index (FTS5 trigram, graph/store.py) and search answered from it.

Expected hits are read from the provision texts with plain ``in``; the index is checked in step with
FTS5's own integrity check against the texts after writes, and a store made before the index (the
table dropped here with sqlite3) opens and answers the same. The same answers from the FalkorDB and
SPARQL stores, which scan the texts in memory, are in tests/test_parity.py.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from _corpus import CORPUS, SUINING_2021

from policykg import queries
from policykg.build import build
from policykg.graph.store import EmbeddedStore, GraphStore
from policykg.queries import index_for

# (text, filters): a phrase, a common 2-character word, one character, two characters that are no word,
# a phrase found nowhere verbatim (jieba's words instead), terms of which only some occur, filters.
ASKED = [
    ("胸痛中心", {}),
    ("医院", {"region": "四川省"}),
    ("心", {"year": 2021}),
    ("痛中", {}),
    ("卒中中心建设", {}),
    ("医保", {"agency": "省医保局", "region": "四川省"}),
    ("胸痛 没有这个词语", {"level": "city"}),
    ("急诊 救治", {"region": "江苏省", "year": 2020}),
    ("", {"level": "province"}),
]
TEXT_INDEX_OBJECTS = ("provision_fts", "provision_fts_replace", "provision_fts_insert", "provision_fts_delete",
                      "provision_fts_update")


def texts(store: EmbeddedStore) -> dict[str, str]:
    """Every provision of a document and its text."""
    return {n["id"]: n.get("text") or "" for n in store.nodes("Provision") if n.get("document")}


def holding(store: EmbeddedStore, term: str) -> set[str]:
    return {p for p, text in texts(store).items() if term in text}


def hits(store: EmbeddedStore, text: str, **filters) -> set[str]:
    return {h.provision.id for h in queries.search(store, text, limit=None, **filters).items}


def answers(store: EmbeddedStore) -> list[dict]:
    return [queries.search(store, text, limit=None, **filters).model_dump(mode="json") for text, filters in ASKED]


def integrity_check(path: Path) -> None:
    """FTS5's own check of the index against the texts it was made from (raises when they differ)."""
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO provision_fts(provision_fts, rank) VALUES ('integrity-check', 1)")


def copy_store(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def drop_text_index(path: Path) -> None:
    """Make the store what a policykg before the index made: no FTS table, view or triggers."""
    with sqlite3.connect(path) as db:
        for name, kind in db.execute("SELECT name, type FROM sqlite_master WHERE name LIKE 'provision_%'").fetchall():
            if kind in ("trigger", "view"):
                db.execute(f"DROP {kind.upper()} {name}")
        db.execute("DROP TABLE provision_trigrams")
        db.execute("DROP TABLE provision_fts")
        assert not db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'provision_%'").fetchall()


# --- search answered from the index -----------------------------------------------------------------


def test_the_embedded_store_states_its_capabilities(corpus_store: EmbeddedStore) -> None:
    assert isinstance(corpus_store, GraphStore)
    assert corpus_store.text_index


@pytest.mark.parametrize("term", ["胸痛中心", "医保支付方式", "医院", "痛中", "心", "。"])
def test_search_finds_the_provisions_whose_text_holds_the_term(corpus_store: EmbeddedStore, term: str) -> None:
    expected = holding(corpus_store, term)
    assert expected  # each term occurs somewhere in the sample corpus
    assert hits(corpus_store, term) == expected
    assert set(corpus_store.provision_candidates(term)) >= expected  # the index's candidates: a superset
    answer = queries.search(corpus_store, term, limit=None)
    assert answer.terms == [term] and not answer.segmented
    for hit in answer.items:
        assert len(hit.highlights) >= hit.provision.text.count(term)  # overlapping spans, each one the term
        assert all(hit.provision.text[start:end] == term for start, end in hit.highlights)


def test_a_term_found_nowhere_finds_nothing(corpus_store: EmbeddedStore) -> None:
    assert not holding(corpus_store, "火星基地")
    assert corpus_store.provision_candidates("火星基地") == []
    answer = queries.search(corpus_store, "火星基地 量子", limit=None)
    assert answer.total == 0


def test_a_phrase_found_nowhere_verbatim_is_searched_by_its_words(corpus_store: EmbeddedStore) -> None:
    assert not holding(corpus_store, "卒中中心建设")
    answer = queries.search(corpus_store, "卒中中心建设", limit=None)
    assert answer.segmented and "卒中" in answer.terms
    expected = set.intersection(*(holding(corpus_store, t) for t in answer.terms))
    assert {h.provision.id for h in answer.items} == expected and expected


def test_filters_narrow_the_provisions_holding_the_term(corpus_store: EmbeddedStore) -> None:
    idx = index_for(corpus_store)
    holds = holding(corpus_store, "医院")

    def where(test) -> set[str]:
        return {p for p in holds if test(idx.node(p))}

    assert hits(corpus_store, "医院", region="四川省") == where(lambda p: p["region"] in ("四川省", "遂宁市"))
    assert hits(corpus_store, "医院", year=2021) == where(lambda p: p["year"] == 2021)
    assert hits(corpus_store, "医院", level="city") == where(lambda p: p["region_level"] == "city")
    assert hits(corpus_store, "医院", region="江苏省", year=2020) == where(
        lambda p: p["region"] == "无锡市" and p["year"] == 2020)
    duties = {r.provision.id for group in queries.obligations(corpus_store, "四川省医疗保障局").documents
              for r in group.obligations}
    assert hits(corpus_store, "医保", agency="省医保局", region="四川省") == duties & holding(corpus_store, "医保")


# --- the index in step with the writes --------------------------------------------------------------


@pytest.fixture()
def own_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample corpus and a store built from it (no linkers: only the provisions matter)."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    path = tmp_path / "g.db"
    with EmbeddedStore(path) as store:
        assert build([folder], store, linkers=[]).ok
    return folder, path


def test_the_index_follows_a_rebuild_that_replaces_a_document_and_a_removal(own_corpus) -> None:
    folder, path = own_corpus
    integrity_check(path)
    suining = folder / SUINING_2021.name
    text = suining.read_text(encoding="utf-8")
    assert "胸痛中心" in text and "胸痛救治单元" not in text
    suining.write_text(text.replace("胸痛中心", "胸痛救治单元"), encoding="utf-8")
    with EmbeddedStore(path) as store:
        before = holding(store, "胸痛中心")
        suining_doc = {store.node(p)["document"] for p in holding(store, "胸痛中心")
                       if store.node(p)["region"] == "遂宁市"}
        assert len(suining_doc) == 1
        assert build([folder], store, linkers=[]).ok  # the changed file is replaced, the others kept
        assert holding(store, "胸痛救治单元") and hits(store, "胸痛救治单元") == holding(store, "胸痛救治单元")
        assert hits(store, "胸痛中心") == holding(store, "胸痛中心") < before
    integrity_check(path)
    with EmbeddedStore(path) as store:
        with store.transaction() as writer:
            writer.remove_document(suining_doc.pop())
        assert holding(store, "胸痛救治单元") == set(store.provision_candidates("胸痛救治单元")) == set()
        assert queries.search(store, "胸痛救治单元").segmented  # found nowhere now: searched by its words
        assert hits(store, "医院") == holding(store, "医院")
    integrity_check(path)


def test_a_store_made_before_the_index_gets_it_on_opening_and_answers_the_same(
        corpus_store: EmbeddedStore, corpus_store_path: Path, tmp_path: Path, capsys) -> None:
    path = copy_store(corpus_store_path, tmp_path / "old.db")
    drop_text_index(path)
    with EmbeddedStore(path) as old:
        said = capsys.readouterr().err.strip().splitlines()
        assert old.text_index
        assert answers(old) == answers(corpus_store)
    assert len(said) == 1 and "indexing the texts of" in said[0] and "provisions for full-text search" in said[0]
    integrity_check(path)
    with EmbeddedStore(path):  # once
        assert capsys.readouterr().err == ""


def test_a_store_made_before_the_index_and_held_by_a_build_answers_the_same_and_gets_it_on_its_next_write(
        corpus_store: EmbeddedStore, corpus_store_path: Path, tmp_path: Path) -> None:
    path = copy_store(corpus_store_path, tmp_path / "old.db")
    drop_text_index(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another build's transaction
    try:
        old = EmbeddedStore(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with old:
        assert not old.text_index  # answered by scanning the texts in memory, as the other stores are
        assert answers(old) == answers(corpus_store)
        with old.transaction():
            pass
        assert old.text_index
        assert answers(old) == answers(corpus_store)
    integrity_check(path)
    with sqlite3.connect(path) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert set(TEXT_INDEX_OBJECTS) <= names
