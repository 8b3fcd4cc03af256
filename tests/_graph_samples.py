"""A small store for the graph-backend tests: every node and edge kind, and values servers cannot hold natively."""

from __future__ import annotations

import hashlib
from pathlib import Path

from policykg.graph.model import Edge, EdgeKind, Fragment, Node, NodeKind, entity_id
from policykg.graph.store import EmbeddedStore

PROVINCE_TEXT = "四川省卫生健康委员会\n关于印发2020年工作要点的通知\n一、强化医疗质量\n1.推进胸痛中心建设。由省卫生健康委牵头,省医保局配合。\n"
CITY_TEXT = "遂宁市卫生健康委员会\n2021年工作要点\n1.推进胸痛中心建设,落实\"省上\"要求。\\n保持原样\n"


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def _fragment(doc_id: str, name: str, text: str) -> Fragment:
    return Fragment(doc_id, name, text, hashlib.sha1(text.encode()).hexdigest())


def sample_store(path: Path) -> EmbeddedStore:
    """Every node and edge kind, with values a server cannot hold natively (maps, mixed lists, NUL, None)."""
    store = EmbeddedStore(path)
    health = entity_id("Agency", "四川省卫生健康委员会")
    insurance = entity_id("Agency", "四川省医疗保障局")
    old_office = entity_id("Agency", "四川省卫生和计划生育委员会")
    sichuan, suining = entity_id("Region", "四川省"), entity_id("Region", "遂宁市")
    chest, centre = entity_id("FacilityType", "胸痛中心"), entity_id("FacilityType", "诊疗中心")
    program = entity_id("Program", "五大中心建设")
    province = _fragment("doc-province", "province.txt", PROVINCE_TEXT)
    for item in (
        Node("doc-province", NodeKind.DOCUMENT, {"source": "province.txt", "title": "关于印发2020年工作要点的通知",
             "issuer": "四川省卫生健康委员会", "doc_number": "川卫发〔2020〕1号", "date": "2020-03-01",
             "published": None, "year": 2020, "region": "四川省", "level": "province", "stub": False,
             "field_spans": {"title": [11, 25]}}, "doc-province", (0, len(PROVINCE_TEXT)), "metadata"),
        Node("doc-province-s1", NodeKind.SECTION, {"number": 1, "label": "一、", "title": "强化医疗质量", "level": 1},
             "doc-province", (26, 34), "segment"),
        Node("doc-province-p1", NodeKind.PROVISION, {"number": 1, "label": "1.", "text": "推进胸痛中心建设。",
             "path": "一/1", "year": 2020, "region": "四川省", "level": 2, "region_level": "province",
             "columns": [],
             "heading": None}, "doc-province", _span(PROVINCE_TEXT, "推进胸痛中心建设。"), "segment"),
        Node("doc-province-p1-t1", NodeKind.TARGET, {"value": 100, "unit": "%", "comparator": ">=",
             "deadline": "2020-12-31", "measure": 0.5, "words": "全覆盖"}, "doc-province", None, "targets", 0.8),
        Node(health, NodeKind.AGENCY, {"name": "四川省卫生健康委员会", "aliases": ["省卫生健康委", "四川省卫生健康委员会"],
             "region": "四川省", "agency_kind": "department"}, None, None, "agencies"),
        Node(insurance, NodeKind.AGENCY, {"name": "四川省医疗保障局", "aliases": ["省医保局"], "region": "四川省",
             "agency_kind": "department"}, None, None, "agencies"),
        Node(old_office, NodeKind.AGENCY, {"name": "四川省卫生和计划生育委员会", "aliases": [], "region": "四川省",
             "agency_kind": "department"}, None, None, "agencies"),
        Node(sichuan, NodeKind.REGION, {"name": "四川省", "level": "province", "parent": "中国", "code": "510000"}),
        Node(suining, NodeKind.REGION, {"name": "遂宁市", "level": "city", "parent": "四川省", "code": "510900"}),
        Node(chest, NodeKind.FACILITY_TYPE, {"name": "胸痛中心", "aliases": ["胸痛中心"]}),
        Node(centre, NodeKind.FACILITY_TYPE, {"name": "诊疗中心", "aliases": []}),
        Node(program, NodeKind.PROGRAM, {"name": "五大中心建设", "aliases": ["五大中心"]}),
        Edge("doc-province-s1", "doc-province", EdgeKind.PART_OF, {}, "doc-province", None, "segment"),
        Edge("doc-province-p1", "doc-province-s1", EdgeKind.PART_OF, {}, "doc-province", None, "segment"),
        Edge("doc-province", health, EdgeKind.ISSUED_BY, {}, "doc-province", (0, 10), "metadata"),
        Edge("doc-province", sichuan, EdgeKind.JURISDICTION, {}, "doc-province", None, "metadata"),
        Edge(health, sichuan, EdgeKind.JURISDICTION, {}, "doc-province", None, "agencies"),
        Edge(health, "doc-province-p1", EdgeKind.LEADS, {"role_source": "text", "words": "由省卫生健康委牵头"},
             "doc-province", _span(PROVINCE_TEXT, "由省卫生健康委牵头"), "responsibility"),
        Edge(insurance, "doc-province-p1", EdgeKind.SUPPORTS, {"role_source": "text", "words": "省医保局配合"},
             "doc-province", _span(PROVINCE_TEXT, "省医保局配合"), "responsibility", 0.9),
        Edge("doc-province-p1", chest, EdgeKind.MENTIONS, {"words": "胸痛中心"}, "doc-province", (37, 41), "entities"),
        Edge("doc-province-p1", program, EdgeKind.MENTIONS, {"words": "胸痛中心建设"}, "doc-province", (37, 43),
             "entities"),
        Edge("doc-province-p1", "doc-province-p1-t1", EdgeKind.SETS_TARGET, {}, "doc-province", (35, 44), "targets"),
        Edge(chest, centre, EdgeKind.BROADER, {}, None, None, "taxonomy"),
        Edge(suining, sichuan, EdgeKind.PART_OF, {}, None, None, "regions"),
        Edge(health, old_office, EdgeKind.SUCCEEDS, {"date": "2018-10-01", "words": "组建省卫生健康委员会"},
             "doc-province", (0, 10), "succession"),
    ):
        province.add(item)
    city = _fragment("doc-city", "city.txt", CITY_TEXT)
    for item in (
        Node("doc-city", NodeKind.DOCUMENT, {"source": "city.txt", "title": "2021年工作要点", "issuer": "遂宁市卫生健康委员会",
             "doc_number": None, "date": "2021", "year": 2021, "region": "遂宁市", "level": "city",
             "notes": ["mixed", 1, 2.5, None, {"k": "v"}], "raw": "a\x00b 'q' \"d\" \\ `tick`\n",
             "huge": 2**70, "ratio": float("inf") if False else 0.25}, "doc-city", (0, len(CITY_TEXT)), "metadata"),
        Node("doc-city-p1", NodeKind.PROVISION, {"number": 1, "label": "1.", "text": "推进胸痛中心建设,落实\"省上\"要求。",
             "path": "1", "year": 2021, "region": "遂宁市", "level": 1,
             "region_level": "city"}, "doc-city", (19, 40), "segment"),
        Node("doc-city-x'}) DETACH DELETE n //", NodeKind.SECTION, {"number": 9, "label": "$rows"}, "doc-city", None,
             "segment"),
        Edge("doc-city-p1", "doc-city", EdgeKind.PART_OF, {}, "doc-city", None, "segment"),
        Edge("doc-city-x'}) DETACH DELETE n //", "doc-city", EdgeKind.PART_OF, {}, "doc-city", None, "segment"),
        Edge("doc-city", suining, EdgeKind.JURISDICTION, {}, "doc-city", None, "metadata"),
    ):
        city.add(item)
    lineage = [
        Edge("doc-city-p1", "doc-province-p1", EdgeKind.DERIVES_FROM, {
            "score": 0.82, "method": "overlap-1.0",
            "evidence": [{"source_span": [19, 27], "target_span": [35, 43], "source_words": "推进胸痛中心建设",
                          "target_words": "推进胸痛中心建设"}],
            "shared": [chest]}, "doc-city", (19, 40), "lineage", 0.82),
        Edge("doc-city", "doc-province", EdgeKind.DERIVES_FROM, {"score": 1, "method": "statement-1.0", "evidence": []},
             "doc-city", None, "lineage"),
        Edge("doc-city", "doc-province", EdgeKind.CITES, {"words": "省上", "resolved_by": "title"}, "doc-city",
             (30, 32), "citations"),
        Edge("doc-city-p1", "doc-city-p1", EdgeKind.CONTINUES, {"score": 0.5, "method": "self-test", "evidence": None},
             "doc-city", None, "lineage"),
    ]
    with store.transaction() as writer:
        writer.replace_document(province)
        writer.replace_document(city)
        writer.add_edges(lineage)
    return store
