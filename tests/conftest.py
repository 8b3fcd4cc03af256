"""Shared fixtures. Each fixture here is self-contained; add new ones below with their own names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _corpus import CORPUS

from policykg.build import build
from policykg.graph.model import Edge, EdgeKind
from policykg.graph.store import EmbeddedStore

# --- query-layer fixtures (tests/test_queries.py, test_api.py, test_cli_queries.py) --------------


@pytest.fixture(scope="session")
def corpus_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus built once, with the full default pipeline (extractors and linkers)."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with EmbeddedStore(path) as store:
        report = build([CORPUS], store)
    assert report.ok, report.failed
    return path


@pytest.fixture(scope="session")
def corpus_store(corpus_store_path: Path) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(corpus_store_path) as store:
        yield store


# Links a reader draws by comparing the documents, written into a store built without linkers, so
# the lineage/cascade/compare questions are tested on known links whatever the linker decides.
# (source provision, target provision, kind, a phrase both provisions contain)
READER_LINKS = [
    # Suining 2021 item 7 implements Sichuan 2020 work points item 15 (emergency care system).
    ("2021年医政药政工作要点:7", "2020年医疗管理工作要点:15", EdgeKind.DERIVES_FROM, "急诊急救网络布局"),
    # Sichuan 2024 (三) carries the 2020 stroke / chest-pain centres forward as the five emergency centres.
    ("川办发〔2024〕8号:3", "2020年医疗管理工作要点:15", EdgeKind.CONTINUES, "胸痛"),
    # Sichuan 2024 (十八) continues the 2020 reform task (十五) on medical-insurance payment methods.
    ("川办发〔2024〕8号:18", "川办发〔2020〕53号:15", EdgeKind.CONTINUES, "医保支付方式"),
]


@pytest.fixture(scope="session")
def linked_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from policykg.queries import index_for, resolve_provision

    path = tmp_path_factory.mktemp("linked") / "linked.db"
    with EmbeddedStore(path) as store:
        assert build([CORPUS], store, linkers=[]).ok
        idx = index_for(store)
        edges = []
        for source_ref, target_ref, kind, phrase in READER_LINKS:
            source, target = resolve_provision(idx, source_ref), resolve_provision(idx, target_ref)
            evidence = {
                "source_span": _phrase_span(store, source, phrase),
                "target_span": _phrase_span(store, target, phrase),
                "source_words": phrase,
                "target_words": phrase,
            }
            attrs = {"score": 0.9, "method": "reader 1", "evidence": [evidence], "shared": []}
            edges.append(Edge(source, target, kind, attrs, document=store.node(source)["document"],
                              extractor="reader"))
        with store.transaction() as writer:
            writer.add_edges(edges)
    return path


@pytest.fixture(scope="session")
def linked_store(linked_store_path: Path) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(linked_store_path) as store:
        yield store


def _phrase_span(store: EmbeddedStore, provision: str, phrase: str) -> list[int]:
    node = store.node(provision)
    text = store.document_text(node["document"])
    start = text.find(phrase, node["span"][0], node["span"][1])
    assert start >= 0, (provision, phrase)
    return [start, start + len(phrase)]


@pytest.fixture(scope="session")
def corpus(corpus_store: EmbeddedStore) -> EmbeddedStore:
    """The sample corpus built with the full pipeline (for the store and RDF tests)."""
    return corpus_store


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """A small store with every node and edge kind and awkward values (tests/_graph_samples.py)."""
    from _graph_samples import sample_store

    with sample_store(tmp_path_factory.mktemp("sample") / "s.db") as store:
        yield store
