"""The graph on a Cypher server: push, read back through the store interface, bulk formats.

FalkorDB always runs, started embedded by falkordblite. Neo4j runs when ``POLICYKG_NEO4J_URI``
names a server (its policykg nodes are replaced); Neo4j is not installable on the test machines.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from _graph_samples import sample_store
from _net import free_port
from typer.testing import CliRunner

from policykg.graph.bulk import cypher_script, export_neo4j_csv, literal
from policykg.graph.cypher import CypherStore, CypherStoreError, decode, open_backend, push
from policykg.graph.export import node_link
from policykg.graph.falkordb_store import FalkorDBAdapter
from policykg.graph.store import EmbeddedStore

NEO4J_URI = os.environ.get("POLICYKG_NEO4J_URI")
NO_NEO4J = "POLICYKG_NEO4J_URI not set: Neo4j is not installable on this machine (set it to a server to run these)"


def as_json(store) -> str:
    return json.dumps(node_link(store), ensure_ascii=False, sort_keys=False)


@pytest.fixture(scope="module")
def falkordb(tmp_path_factory) -> Iterator[FalkorDBAdapter]:
    """One embedded FalkorDB server for the module, also listening on a free local TCP port."""
    adapter = FalkorDBAdapter.embedded(tmp_path_factory.mktemp("falkordb") / "graph.rdb", "unused", port=free_port())
    yield adapter
    adapter.close()


@pytest.fixture(params=["falkordb", "neo4j"])
def server(request, falkordb: FalkorDBAdapter) -> Iterator[CypherStore]:
    """An empty policykg graph on each server this machine can reach."""
    if request.param == "neo4j":
        if not NEO4J_URI:
            pytest.skip(NO_NEO4J)
        store = open_backend(NEO4J_URI)
    else:
        adapter = falkordb.with_graph(f"test_{request.node.name}".replace("[", "_").replace("]", ""))
        adapter.drop()
        store = CypherStore(adapter)
    assert isinstance(store, CypherStore)
    store.clear()
    yield store
    store.clear()
    store.close()


def test_corpus_round_trip_gives_the_embedded_export(corpus: EmbeddedStore, server: CypherStore) -> None:
    report = push(corpus, server)
    assert report.nodes == len(corpus.nodes()) and report.relationships == len(corpus.edges())
    assert as_json(server) == as_json(corpus)
    assert server.counts() == corpus.counts()


def test_every_kind_and_awkward_values_read_back_identical(sample: EmbeddedStore, server: CypherStore) -> None:
    server.batch_size = 3  # many small transactions
    push(sample, server)
    assert as_json(server) == as_json(sample)
    city = server.node("doc-city")
    assert city["notes"] == ["mixed", 1, 2.5, None, {"k": "v"}]  # a mixed list survives as JSON
    assert city["raw"] == "a\x00b 'q' \"d\" \\ `tick`\n" and city["huge"] == 2**70 and city["doc_number"] is None
    assert city == sample.node("doc-city") and list(city) == list(sample.node("doc-city"))  # keys in order too
    lineage = server.out_edges("doc-city-p1", ["DERIVES_FROM"])
    assert [e["evidence"][0]["target_words"] for e in lineage] == ["推进胸痛中心建设"]
    for node in sample.nodes():
        for kinds in (None, ["PART_OF"], ["LEADS", "SUPPORTS"]):
            assert server.out_edges(node["id"], kinds) == sorted(sample.out_edges(node["id"], kinds), key=_id)
            assert server.in_edges(node["id"], kinds) == sorted(sample.in_edges(node["id"], kinds), key=_id)
    for kind in ("Agency", "Provision", "Target"):
        assert server.nodes(kind) == sorted(sample.nodes(kind), key=_id)
    assert server.edges("SUCCEEDS") == sample.edges("SUCCEEDS")
    provision = sample.node("doc-province-p1")
    assert server.quote("doc-province", provision["span"]) == "推进胸痛中心建设。"


def _id(record: dict) -> str:
    return record["id"]


def test_values_never_become_cypher(sample: EmbeddedStore, server: CypherStore) -> None:
    push(sample, server)
    hostile = "doc-city-x'}) DETACH DELETE n //"
    assert server.node(hostile)["label"] == "$rows"  # stored as data, not run
    assert server.node("x' OR 1=1 //") is None and server.node("") is None
    assert server.nodes("Document) DETACH DELETE (n") == [] and server.edges("LEADS]->() DELETE r //") == []
    assert len(server.nodes()) == len(sample.nodes())
    with pytest.raises(ValueError):
        server.write_nodes([{"id": "x", "kind": "Document:Admin"}])


def test_push_is_idempotent_and_removes_what_the_store_no_longer_has(
    corpus: EmbeddedStore, sample: EmbeddedStore, server: CypherStore
) -> None:
    push(corpus, server)
    again = push(corpus, server)
    assert again.deleted == 0 and as_json(server) == as_json(corpus)
    replaced = push(sample, server)
    assert replaced.deleted > 0
    assert as_json(server) == as_json(sample)
    assert server.document_ids() == ["doc-city", "doc-province"]


def test_push_removes_a_link_the_store_dropped(sample: EmbeddedStore, server: CypherStore, tmp_path) -> None:
    push(sample, server)
    with sample_store(tmp_path / "changed.db") as changed:
        with changed.transaction() as writer:
            writer.delete_edges(["CITES"], ["doc-city"])
        report = push(changed, server)
        assert report.deleted == 1 and server.edges("CITES") == []
        assert as_json(server) == as_json(changed)


def test_falkordb_ids_are_indexed_and_unique(sample: EmbeddedStore, falkordb: FalkorDBAdapter) -> None:
    adapter = falkordb.with_graph("schema")
    adapter.drop()
    push(sample, CypherStore(adapter))
    push(sample, CypherStore(adapter))  # creating the schema twice is harmless
    constraints = {(c["label"], tuple(c["properties"]), c["type"]) for c in adapter._graph.list_constraints()}
    assert {("KgNode", ("id",), "UNIQUE"), ("KgSource", ("id",), "UNIQUE")} <= constraints
    with pytest.raises(Exception, match="(?i)unique|constraint|violat"):
        adapter.write("CREATE (:KgNode {id: $id})", {"id": "doc-city"})


def test_cypher_script_rebuilds_the_graph(sample: EmbeddedStore, corpus: EmbeddedStore, falkordb) -> None:
    for name, store in (("script_sample", sample), ("script_corpus", corpus)):
        adapter = falkordb.with_graph(name)
        adapter.drop()
        lines = list(cypher_script(store))
        assert all(line.endswith(";") and "\n" not in line for line in lines)
        for line in lines:
            if not line.startswith("CREATE CONSTRAINT"):  # Neo4j syntax; FalkorDB has GRAPH.CONSTRAINT
                adapter.write(line[:-1])
        assert as_json(CypherStore(adapter)) == as_json(store)
    push(sample, CypherStore(adapter))  # a push replaces what the script loaded
    assert as_json(CypherStore(adapter)) == as_json(sample)


def test_cypher_literals_cannot_break_out() -> None:
    assert literal("a'b\\c\nd") == "'a\\'b\\\\c\\nd'"
    assert literal({"k`": [1, 2.5, True, None]}) == "{`k```: [1, 2.5, true, null]}"
    with pytest.raises(ValueError):
        literal(float("nan"))


def test_neo4j_csv_folder_reads_back_as_the_store(sample: EmbeddedStore, corpus: EmbeddedStore, tmp_path) -> None:
    for store in (sample, corpus):
        folder = tmp_path / str(id(store))
        export_neo4j_csv(store, folder)
        nodes, edges = read_neo4j_csv(folder)
        assert nodes == {n["id"]: n for n in store.nodes()}
        assert edges == {e["id"]: e for e in store.edges()}
    script = (folder / "import.sh").read_text()
    assert "neo4j-admin database import full" in script and "--multiline-fields=true" in script
    header = (folder / "relationships_PART_OF.csv").read_text().splitlines()[0]
    assert header.startswith(":START_ID(KgNode),:END_ID(KgNode),:TYPE,")


def read_neo4j_csv(folder: Path) -> tuple[dict, dict]:
    """Read the files the way ``neo4j-admin import`` types them (empty cell = no property, arrays split on ';')."""
    nodes, edges = {}, {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        for row in rows[1:]:
            props = {}
            for column, cell in zip(header, row, strict=True):
                name, _, kind = column.partition(":")
                if name and cell != "":
                    props[name] = _typed(cell, kind)
            if path.name.startswith("nodes_"):
                nodes[props["id"]] = decode(props)
            elif path.name.startswith("relationships_"):
                edges[props["id"]] = decode(props)
    return nodes, edges


def _typed(cell: str, kind: str):
    if kind.endswith("[]"):
        return [_typed(part, kind[:-2]) for part in cell.split(";")]
    convert = {"long": int, "double": float, "boolean": lambda v: v == "true"}.get(kind.split("(")[0])
    return convert(cell) if convert else cell


def test_push_command_over_tcp(sample: EmbeddedStore, falkordb: FalkorDBAdapter, tmp_path) -> None:
    from policykg.api import cli_graph  # noqa: F401  (registers push and sparql)
    from policykg.api.cli import app

    port = int(falkordb._db.client.config_get("port")["port"])
    url = f"falkordb://127.0.0.1:{port}/pushed"
    result = CliRunner().invoke(app, ["push", "--to", url, "--store", str(sample.path)])
    assert result.exit_code == 0, result.output
    assert "15 nodes" in result.output and "20 relationships" in result.output
    with open_backend(url) as remote:
        assert as_json(remote) == as_json(sample)
    refused = CliRunner().invoke(app, ["push", "--to", f"neo4j://user:secret@127.0.0.1:{port}",
                                       "--store", str(sample.path)])
    assert refused.exit_code == 1 and "environment variables" in refused.output


def test_open_backend_names_what_it_accepts(tmp_path) -> None:
    with pytest.raises(CypherStoreError, match="unknown backend"):
        open_backend("gremlin://localhost:8182")
    with pytest.raises(CypherStoreError, match="cannot connect"):
        open_backend(f"falkordb://127.0.0.1:{free_port()}")
    with pytest.raises(CypherStoreError, match="cannot connect"):
        open_backend(f"bolt://127.0.0.1:{free_port()}")
    embedded = open_backend(str(tmp_path / "new.db"))
    assert isinstance(embedded, EmbeddedStore)
    embedded.close()


def test_push_to_an_embedded_falkordb_file_persists(sample: EmbeddedStore, tmp_path) -> None:
    from policykg.api import cli_graph  # noqa: F401
    from policykg.api.cli import app

    url = f"falkordblite://{tmp_path / 'graph.rdb'}"
    result = CliRunner().invoke(app, ["push", "--to", url, "--store", str(sample.path)])
    assert result.exit_code == 0, result.output
    with open_backend(url) as reopened:  # a new server process, reading the saved file
        assert as_json(reopened) == as_json(sample)


@pytest.mark.parametrize("fmt", ["neo4j-csv", "cypher"])
def test_export_command_writes_bulk_formats(sample: EmbeddedStore, fmt: str, tmp_path) -> None:
    from policykg.api.cli import app

    output = tmp_path / "out"
    result = CliRunner().invoke(app, ["export", "--store", str(sample.path), "--format", fmt, "-o", str(output)])
    assert result.exit_code == 0, result.output
    if fmt == "neo4j-csv":
        assert sorted(p.name for p in output.iterdir())[:2] == ["import.sh", "nodes_Agency.csv"]
    else:
        assert output.read_text(encoding="utf-8").count("\n") == len(list(cypher_script(sample)))


def test_help_pages_render() -> None:
    from policykg.api import cli_graph  # noqa: F401
    from policykg.api.cli import app

    for command in ("push", "sparql"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0, result.output
    assert "POLICYKG_NEO4J_PASSWORD" in CliRunner().invoke(app, ["push", "--help"]).output
