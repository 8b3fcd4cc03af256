"""A notice whose text and file name carry NUL, ESC and other C0 control characters: GraphML stays
well-formed XML (each forbidden character written as its control picture), and a FalkorDB push reads
back exactly what the store holds (issue 15, item 3)."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from _corpus import SUINING_2021

from policykg.build import build
from policykg.graph.cypher import CypherStore, push
from policykg.graph.export import export_graphml, node_link, to_networkx, xml_text
from policykg.graph.falkordb_store import FalkorDBAdapter
from policykg.graph.model import Fragment, Node, NodeKind
from policykg.graph.store import EmbeddedStore

CONTROLS = "\x00\x1b[31m\x07\x0b\x0c\x7f\x01"
WRITTEN_TEXT = "上海市卫生健康委员会\x00\n关于\x1b[1m印发通知\n一、总体要求\n1.推进\x00胸痛中心\x1b建设。\n"


def _notice_with_controls(folder: Path) -> Path:
    """The Suining notice with control characters inside four lines, under a file name that has ESC and SOH."""
    lines = SUINING_2021.read_text(encoding="utf-8").split("\n")
    for index in (0, 4, 10, 20):
        middle = len(lines[index]) // 2
        lines[index] = lines[index][:middle] + CONTROLS + lines[index][middle:]
    path = folder / "notice\x1b[31m\x01.txt"
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return path


def _fragment_with_controls() -> Fragment:
    """Written to the store directly, so the writers meet control characters whatever the loader removes."""
    fragment = Fragment("doc-controls", "odd\x1b\x00name.txt", WRITTEN_TEXT,
                        hashlib.sha256(WRITTEN_TEXT.encode()).hexdigest())
    fragment.add(Node("doc-controls", NodeKind.DOCUMENT, {"source": "odd\x1b\x00name.txt", "title": "关于\x1b[1m印发通知",
                                                          "notes": ["a\x00b", "\x1b"]},
                      "doc-controls", (0, len(WRITTEN_TEXT)), "metadata"))
    fragment.add(Node("doc-controls-p1", NodeKind.PROVISION, {"number": 1, "text": "推进\x00胸痛中心\x1b建设。"},
                      "doc-controls", (26, 38), "segment"))
    return fragment


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    folder = tmp_path_factory.mktemp("controls")
    notice = _notice_with_controls(folder)
    with EmbeddedStore(folder / "g.db") as db:
        report = build([notice], db)
        assert report.ok, report.failed
        with db.transaction() as writer:
            writer.replace_document(_fragment_with_controls())
        yield db


def _values(store: EmbeddedStore) -> str:
    return json.dumps(node_link(store), ensure_ascii=False)


def test_the_store_holds_control_characters_for_the_writers_to_meet(store: EmbeddedStore) -> None:
    assert "\x00" in store.document_text("doc-controls")
    assert any("\x1b" in (node.get("source") or "") for node in store.nodes(NodeKind.DOCUMENT))


def test_graphml_is_well_formed_and_reads_back_with_control_pictures(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    export_graphml(store, path)
    ElementTree.parse(path)  # a real XML parser: raises on any character XML 1.0 forbids
    written = nx.read_graphml(path, force_multigraph=True)
    expected = to_networkx(store)
    assert sorted(written.nodes) == sorted(xml_text(n) for n in expected.nodes)
    assert written.number_of_edges() == expected.number_of_edges()
    document = written.nodes["doc-controls"]
    assert document["source"] == "odd␛␀name.txt" and document["title"] == "关于␛[1m印发通知"
    assert json.loads(document["notes"]) == ["a\x00b", "\x1b"]  # JSON escapes them itself: read back exactly
    assert written.nodes["doc-controls-p1"]["text"] == "推进␀胸痛中心␛建设。"
    loaded = next(n for n, d in written.nodes(data=True) if d.get("source", "").startswith("notice"))
    assert written.nodes[loaded]["source"] == "notice␛[31m␁.txt"


def test_xml_text_replaces_one_character_for_one() -> None:
    text = "a\x00b\x1bc\td\ne\rf\x7f\ufffe\ud800"
    safe = xml_text(text)
    assert len(safe) == len(text)
    assert safe == "a␀b␛c\td\ne\rf\x7f\ufffd\ufffd"


def test_a_falkordb_push_reads_back_exactly(store: EmbeddedStore, tmp_path: Path) -> None:
    adapter = FalkorDBAdapter.embedded(tmp_path / "graph.rdb", "controls")
    with CypherStore(adapter) as server:
        report = push(store, server)
        assert report.sources == len(store.document_ids())
        assert _values(server) == _values(store)
        for document_id in store.document_ids():
            assert server.document_text(document_id) == store.document_text(document_id)
        assert "\x00" in server.document_text("doc-controls")
