"""Same answers everywhere: lineage, cascade, obligations, compare and search from the embedded store, from
FalkorDB (pushed, read through ``CypherStore``), from SPARQL over the RDF export (``RdfStore``) and,
when ``POLICYKG_NEO4J_URI`` names a server, from Neo4j (not installable on the test machines).

The questions asked are every one the corpus can answer: each provision with lineage, each
document and provision with something deriving from it, each agency with a duty, each region
with plans from two years; searches for a phrase, short terms, a phrase found nowhere verbatim and
terms of which only some occur, with each filter. The embedded store searches with its full-text
index, the others by scanning the texts in memory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from policykg.graph.cypher import CypherStore, open_backend, push
from policykg.graph.falkordb_store import FalkorDBAdapter
from policykg.graph.rdf import RdfStore
from policykg.graph.store import EmbeddedStore, GraphStore
from policykg.queries import QueryError, cascade, compare, lineage, obligations, search

NEO4J_URI = os.environ.get("POLICYKG_NEO4J_URI")
LINEAGE = ("DERIVES_FROM", "CONTINUES")


@pytest.fixture(scope="module")
def backends(corpus_store: EmbeddedStore, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The corpus in every backend this machine can reach."""
    falkordb = CypherStore(FalkorDBAdapter.embedded(tmp_path_factory.mktemp("parity") / "graph.rdb", "parity"))
    push(corpus_store, falkordb)
    stores: dict[str, Any] = {"falkordb": falkordb, "rdf": RdfStore.from_store(corpus_store)}
    if NEO4J_URI:
        neo4j = open_backend(NEO4J_URI)
        push(corpus_store, neo4j)
        stores["neo4j"] = neo4j
    yield stores
    for store in stores.values():
        if isinstance(store, CypherStore):
            store.close()


def answer(question: Callable[..., Any], store: Any, *args: Any) -> str:
    try:
        result: Any = question(store, *args).model_dump(mode="json")
    except QueryError as exc:  # a question that cannot be answered must fail the same way everywhere
        result = {"error": type(exc).__name__, "message": exc.message,
                  "candidates": [c.model_dump(mode="json") for c in exc.candidates]}
    return json.dumps(result, ensure_ascii=False, sort_keys=True, default=str)


def questions(store: EmbeddedStore) -> list[tuple[Callable[..., Any], tuple[Any, ...]]]:
    linked = [e for kind in LINEAGE for e in store.edges(kind)]
    provisions = sorted({end for e in linked for end in (e["source"], e["target"])
                         if (store.node(end) or {}).get("kind") == "Provision"})
    sources = sorted({e["target"] for e in store.edges("DERIVES_FROM")})
    agencies = sorted({store.node(e["source"])["name"] for kind in ("LEADS", "SUPPORTS") for e in store.edges(kind)})
    years: dict[str, set[int]] = {}
    for doc in store.nodes("Document"):
        if doc.get("region") and doc.get("year") and not doc.get("stub"):
            years.setdefault(doc["region"], set()).add(doc["year"])
    pairs = [(region, min(ys), max(ys)) for region, ys in sorted(years.items()) if len(ys) > 1]
    return (
        [(lineage, (p,)) for p in provisions]
        + [(cascade, (ref,)) for ref in sources]
        + [(obligations, (name,)) for name in agencies]
        + [(compare, pair) for pair in pairs]
    )


def test_the_corpus_asks_every_kind_of_question(corpus_store: EmbeddedStore) -> None:
    asked = {question.__name__ for question, _ in questions(corpus_store)}
    assert asked == {"lineage", "cascade", "obligations", "compare"}


SEARCHES = [
    ("胸痛中心", {}), ("医院", {"region": "四川省"}), ("医院", {"year": 2021}), ("医院", {"level": "city"}),
    ("心", {}), ("痛中", {"region": "江苏省"}), ("卒中中心建设", {}), ("胸痛 没有这个词语", {}),
    ("医保", {"agency": "省医保局", "region": "四川省"}), ("", {"level": "province"}),
]


def _search(store: Any, text: str, filters: dict[str, Any]) -> Any:
    return search(store, text, limit=None, **filters)


@pytest.mark.parametrize("backend", ["falkordb", "rdf", "neo4j"])
def test_same_search_answers(backend: str, corpus_store: EmbeddedStore, backends: dict[str, Any]) -> None:
    if backend not in backends:
        pytest.skip("POLICYKG_NEO4J_URI not set: Neo4j is not installable on this machine")
    other = backends[backend]
    assert isinstance(other, GraphStore) and not other.text_index and corpus_store.text_index
    differing = [f"search{asked}" for asked in SEARCHES
                 if answer(_search, other, *asked) != answer(_search, corpus_store, *asked)]
    assert not differing, f"{backend} answers differently: {differing}"
    assert all(json.loads(answer(_search, corpus_store, *asked)).get("total") for asked in SEARCHES[:7])


@pytest.mark.parametrize("backend", ["falkordb", "rdf", "neo4j"])
def test_same_answers(backend: str, corpus_store: EmbeddedStore, backends: dict[str, Any]) -> None:
    if backend not in backends:
        pytest.skip("POLICYKG_NEO4J_URI not set: Neo4j is not installable on this machine")
    other = backends[backend]
    differing = [
        f"{question.__name__}{args}"
        for question, args in questions(corpus_store)
        if answer(question, other, *args) != answer(question, corpus_store, *args)
    ]
    assert not differing, f"{backend} answers differently: {differing[:10]}"
