"""The graph as RDF in standard vocabularies, and a store that reads it back through SPARQL.

Documents are ELI legal resources and provisions their subdivisions (``eli:is_part_of``);
``eli:cites`` for citations and ``eli:applies`` for a lower jurisdiction's text applying a higher
one. Lineage is PROV-O: ``prov:wasDerivedFrom`` plus a ``prov:qualifiedDerivation`` node carrying
kind, score, method and evidence. Responsibility is a ``prov:qualifiedAssociation`` whose
``prov:hadRole`` is 牵头 or 配合. Agencies are W3C ORG organisations, a succession an
``org:ChangeEvent``; facility types, programs and regions are SKOS concepts; Dublin Core fills
what ELI has no property for. Every node and edge keeps all its attributes (``pkg:`` terms where
no standard one fits; lists and maps as ``rdf:JSON`` literals) and its key order (``pkg:recordKeys``),
so ``RdfStore`` answers the ``GraphStore`` read interface exactly as the store that was exported.

IRIs are the stable ids under a base (``POLICYKG_RDF_BASE``, default ``urn:policykg:``).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from pyparsing import ParseResults
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from .atomic import write_atomic
from .model import EdgeKind, NodeKind, digest
from .store import GraphStore, PlainReads

ELI = Namespace("http://data.europa.eu/eli/ontology#")
PKG = Namespace("urn:policykg:vocab#")
DEFAULT_BASE = "urn:policykg:"
SHAPES = Path(__file__).with_name("shapes.ttl")
RDF_JSON = RDF.JSON
PREFIXES = {"eli": ELI, "prov": PROV, "org": ORG, "skos": SKOS, "dcterms": DCTERMS, "pkg": PKG, "rdfs": RDFS,
            "xsd": XSD}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IRI_BASE = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$')

# Attributes with a standard property (all others become pkg:<attribute>).
_COMMON = {"id": DCTERMS.identifier, "kind": PKG.kind, "document": PKG.inDocument}
_BY_KIND: dict[str, dict[str, URIRef]] = {
    NodeKind.DOCUMENT: {"title": DCTERMS.title, "doc_number": ELI.id_local, "date": ELI.date_document,
                        "published": ELI.date_publication},
    NodeKind.SECTION: {"title": DCTERMS.title, "label": ELI.number},
    NodeKind.PROVISION: {"label": ELI.number},
    NodeKind.AGENCY: {"name": SKOS.prefLabel},
    NodeKind.REGION: {"name": SKOS.prefLabel, "code": SKOS.notation},
    NodeKind.FACILITY_TYPE: {"name": SKOS.prefLabel},
    NodeKind.PROGRAM: {"name": SKOS.prefLabel},
    EdgeKind.SUCCEEDS: {"date": DCTERMS.date},
}
_DATE_PROPS = {ELI.date_document, ELI.date_publication, DCTERMS.date}
_ZH_PROPS = {DCTERMS.title, SKOS.prefLabel}
_CLASSES = {
    NodeKind.DOCUMENT: [ELI.LegalResource],
    NodeKind.SECTION: [ELI.LegalResourceSubdivision],
    NodeKind.PROVISION: [ELI.LegalResourceSubdivision],
    NodeKind.AGENCY: [ORG.Organization],
    NodeKind.REGION: [SKOS.Concept, DCTERMS.Location],
    NodeKind.FACILITY_TYPE: [SKOS.Concept],
    NodeKind.PROGRAM: [SKOS.Concept],
    NodeKind.TARGET: [],
}
_SCHEMES = {NodeKind.REGION: PKG.Regions, NodeKind.FACILITY_TYPE: PKG.FacilityTypes, NodeKind.PROGRAM: PKG.Programs}
_ROLES = {EdgeKind.LEADS: PKG.Lead, EdgeKind.SUPPORTS: PKG.Support}
_ENDPOINTS = {"source", "target"}  # an edge's endpoints have their own properties


def base_iri(base: str | None = None) -> str:
    return base or os.environ.get("POLICYKG_RDF_BASE") or DEFAULT_BASE


def predicate(kind: str, attr: str) -> URIRef:
    return _COMMON.get(attr) or _BY_KIND.get(kind, {}).get(attr) or PKG[attr]


class Iris:
    """Stable ids to IRIs under a base, and back."""

    def __init__(self, base: str | None = None):
        self.base = base_iri(base)
        if not _IRI_BASE.match(self.base):
            raise ValueError(f"{self.base!r} is not an IRI base (e.g. https://example.org/policykg/ or urn:policykg:)")

    def node(self, node_id: str) -> URIRef:
        return URIRef(self.base + quote(node_id, safe="-_.~"))

    def edge(self, edge_id: str) -> URIRef:
        return URIRef(self.base + "rel-" + digest(edge_id, length=16))

    def id_of(self, iri: URIRef) -> str:
        return unquote(str(iri).removeprefix(self.base))


# --- store → RDF -------------------------------------------------------------------------------


def to_rdf(store: GraphStore, base: str | None = None, texts: bool = True) -> Graph:
    """The whole store as an rdflib graph; ``texts`` adds each document's source text (for quotes)."""
    iris = Iris(base)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    _vocabulary(graph)
    nodes = store.nodes()
    kinds = {n["id"]: n["kind"] for n in nodes}
    narrower = {e["source"] for e in store.edges(EdgeKind.BROADER)}
    for record in nodes:
        subject = iris.node(record["id"])
        _add_record(graph, subject, record, iris)
        graph.add((subject, RDF.type, PKG.Node))
        graph.add((subject, RDF.type, PKG[record["kind"]]))
        for cls in _CLASSES.get(record["kind"], []):
            graph.add((subject, RDF.type, cls))
        _add_labels(graph, subject, record, narrower)
        if texts and record["kind"] == NodeKind.DOCUMENT and (text := store.document_text(record["id"])) is not None:
            graph.add((subject, PKG.sourceText, Literal(text)))
    _sub_organizations(graph, nodes, iris)
    for record in store.edges():
        if record["source"] in kinds and record["target"] in kinds:
            _add_edge(graph, record, iris, kinds)
    return graph


def _vocabulary(graph: Graph) -> None:
    for role, zh, en in ((PKG.Lead, "牵头", "lead"), (PKG.Support, "配合", "support")):
        graph.add((role, RDF.type, PROV.Role))
        graph.add((role, RDFS.label, Literal(zh, lang="zh")))
        graph.add((role, RDFS.label, Literal(en, lang="en")))
    for scheme, zh in ((PKG.Regions, "行政区划"), (PKG.FacilityTypes, "机构类型"), (PKG.Programs, "项目与工程")):
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, SKOS.prefLabel, Literal(zh, lang="zh")))


def _add_record(graph: Graph, subject: URIRef, record: dict[str, Any], iris: Iris, edge: bool = False) -> None:
    """Every attribute as a triple, and the key order, so the record can be read back as it was."""
    kind = record["kind"]
    graph.add((subject, PKG.recordKeys, Literal(json.dumps(list(record), ensure_ascii=False), datatype=RDF_JSON)))
    for attr, value in record.items():
        if value is None or edge and attr in _ENDPOINTS:
            continue
        if attr == "span":
            graph.add((subject, PKG.spanStart, Literal(int(value[0]))))
            graph.add((subject, PKG.spanEnd, Literal(int(value[1]))))
        elif attr == "document":
            graph.add((subject, PKG.inDocument, iris.node(value)))
        else:
            prop = predicate(kind, attr)
            graph.add((subject, prop, _literal(prop, value)))


def _literal(prop: URIRef, value: Any) -> Literal:
    if isinstance(value, (list, tuple, dict)):
        return Literal(json.dumps(value, ensure_ascii=False), datatype=RDF_JSON)
    if prop in _DATE_PROPS and isinstance(value, str) and _DATE.match(value):
        return Literal(value, datatype=XSD.date)
    if prop in _ZH_PROPS and isinstance(value, str):
        return Literal(value, lang="zh")
    if isinstance(value, float):
        return Literal(value, datatype=XSD.double)
    return Literal(value)


def _add_labels(graph: Graph, subject: URIRef, record: dict[str, Any], narrower: set[str]) -> None:
    """SKOS labels and schemes for linked-data tools (extra triples; the record does not need them)."""
    for alias in record.get("aliases") or []:
        if isinstance(alias, str) and alias != record.get("name"):
            graph.add((subject, SKOS.altLabel, Literal(alias, lang="zh")))
    scheme = _SCHEMES.get(record["kind"])
    if scheme is not None:
        graph.add((subject, SKOS.inScheme, scheme))
        if record["id"] not in narrower:
            graph.add((subject, SKOS.topConceptOf, scheme))


def _sub_organizations(graph: Graph, nodes: list[dict[str, Any]], iris: Iris) -> None:
    """A department is a sub-organisation of its jurisdiction's government, when there is exactly one."""
    governments: dict[str, list[str]] = defaultdict(list)
    agencies = [n for n in nodes if n["kind"] == NodeKind.AGENCY and n.get("region")]
    for node in agencies:
        if node.get("agency_kind") == "government":
            governments[node["region"]].append(node["id"])
    for node in agencies:
        parents = governments.get(node["region"], [])
        if node.get("agency_kind") == "department" and len(parents) == 1:
            graph.add((iris.node(node["id"]), ORG.subOrganizationOf, iris.node(parents[0])))


def _add_edge(graph: Graph, record: dict[str, Any], iris: Iris, kinds: dict[str, str]) -> None:
    kind, source, target = record["kind"], iris.node(record["source"]), iris.node(record["target"])
    rel = iris.edge(record["id"])
    _add_record(graph, rel, record, iris, edge=True)
    graph.add((rel, RDF.type, PKG.Relation))
    graph.add((rel, PKG.edgeSource, source))
    graph.add((rel, PKG.edgeTarget, target))
    source_kind, target_kind = kinds[record["source"]], kinds[record["target"]]
    if kind == EdgeKind.PART_OF:
        graph.add((source, DCTERMS.isPartOf if source_kind == NodeKind.REGION else ELI.is_part_of, target))
        if source_kind == NodeKind.REGION:
            graph.add((source, SKOS.broader, target))
    elif kind == EdgeKind.ISSUED_BY:
        graph.add((source, ELI.passed_by, target))
    elif kind == EdgeKind.JURISDICTION:
        graph.add((source, ELI.jurisdiction if source_kind == NodeKind.DOCUMENT else DCTERMS.spatial, target))
    elif kind in _ROLES:
        graph.add((target, PROV.wasAssociatedWith, source))
        graph.add((target, PROV.qualifiedAssociation, rel))
        graph.add((rel, RDF.type, PROV.Association))
        graph.add((rel, PROV.agent, source))
        graph.add((rel, PROV.hadRole, _ROLES[kind]))
    elif kind == EdgeKind.MENTIONS:
        graph.add((source, ELI.is_about, target))
    elif kind == EdgeKind.SETS_TARGET:
        graph.add((source, PKG.setsTarget, target))
    elif kind in (EdgeKind.DERIVES_FROM, EdgeKind.CONTINUES):
        _derivation(graph, record, rel, source, target)
        if kind == EdgeKind.DERIVES_FROM and target_kind in (NodeKind.PROVISION, NodeKind.DOCUMENT):
            graph.add((source, ELI.applies, target))
    elif kind == EdgeKind.CITES:
        graph.add((source, ELI.cites, target))
    elif kind == EdgeKind.SUCCEEDS:
        graph.add((rel, RDF.type, ORG.ChangeEvent))
        graph.add((rel, ORG.originalOrganization, target))
        graph.add((rel, ORG.resultingOrganization, source))
        graph.add((source, ORG.resultedFrom, rel))
        graph.add((target, ORG.changedBy, rel))
        graph.add((source, PROV.wasDerivedFrom, target))
    elif kind == EdgeKind.BROADER:
        graph.add((source, SKOS.broader, target))
    elif kind == EdgeKind.MEMBER_OF:
        graph.add((source, ORG.memberOf, target))


def _derivation(graph: Graph, record: dict[str, Any], rel: URIRef, source: URIRef, target: URIRef) -> None:
    graph.add((source, PROV.wasDerivedFrom, target))
    graph.add((source, PROV.qualifiedDerivation, rel))
    graph.add((rel, RDF.type, PROV.Derivation))
    graph.add((rel, PROV.entity, target))
    for item in record.get("evidence") or []:
        if not isinstance(item, dict):
            continue
        node = BNode()
        graph.add((rel, PKG.hasEvidence, node))
        for attr in ("source_words", "target_words"):
            if isinstance(item.get(attr), str):
                graph.add((node, PKG[attr], Literal(item[attr])))


# --- RDF → records (SPARQL) ----------------------------------------------------------------------


class RdfStore(PlainReads):
    """The ``GraphStore`` read interface answered by SPARQL over an RDF graph made by ``to_rdf``."""

    def __init__(self, graph: Graph, base: str | None = None):
        self.rdf = graph
        self.iris = Iris(base)
        self._reverse = _reverse_predicates()

    @classmethod
    def from_store(cls, store: GraphStore, base: str | None = None) -> RdfStore:
        return cls(to_rdf(store, base), base)

    def _records(self, query: str, **bindings: Any) -> list[dict[str, Any]]:
        grouped: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
        for row in self.rdf.query(_prepared(query), initBindings=bindings):
            grouped[row[0]].append((row[1], row[2]))
        records = [self._record(pairs) for pairs in grouped.values()]
        return sorted(records, key=lambda r: r["id"])

    def _record(self, pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        keys: list[str] = []
        span: list[int | None] = [None, None]
        for prop, obj in pairs:
            if prop == PKG.recordKeys:
                keys = json.loads(str(obj))
            elif prop in (PKG.spanStart, PKG.spanEnd):
                span[prop == PKG.spanEnd] = int(obj)
            elif prop in (PKG.edgeSource, PKG.edgeTarget):
                values["source" if prop == PKG.edgeSource else "target"] = self.iris.id_of(obj)
            elif prop in self._reverse or str(prop).startswith(str(PKG)):
                values[self._reverse.get(prop) or str(prop).removeprefix(str(PKG))] = self._value(obj)
        if span[0] is not None:
            values["span"] = span
        return {key: values.get(key) for key in keys}

    def _value(self, obj: Any) -> Any:
        if isinstance(obj, URIRef):
            return self.iris.id_of(obj)
        if not isinstance(obj, Literal):
            return None
        if obj.datatype == RDF_JSON:
            return json.loads(str(obj))
        if obj.datatype in (XSD.date, None):
            return str(obj)
        return obj.toPython()

    def node(self, node_id: str) -> dict[str, Any] | None:
        found = self._records("SELECT ?s ?p ?o WHERE { ?s a pkg:Node ; ?p ?o }", s=self.iris.node(node_id))
        return found[0] if found else None

    def nodes(self, kind: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT ?s ?p ?o WHERE { ?s a pkg:Node ; pkg:kind ?kind ; ?p ?o }"
        return self._records(query, **({"kind": Literal(kind)} if kind is not None else {}))

    def out_edges(self, node_id: str, kinds: Iterable[str] | None = None, *,
                  evidence: bool = True) -> list[dict[str, Any]]:
        """Evidence always comes with its edge (``evidence`` is the ``GraphStore`` option this store ignores)."""
        return self._adjacent("pkg:edgeSource", node_id, kinds)

    def in_edges(self, node_id: str, kinds: Iterable[str] | None = None, *,
                 evidence: bool = True) -> list[dict[str, Any]]:
        return self._adjacent("pkg:edgeTarget", node_id, kinds)

    def _adjacent(self, end: str, node_id: str, kinds: Iterable[str] | None) -> list[dict[str, Any]]:
        wanted = set(kinds) if kinds else None
        query = f"SELECT ?e ?p ?o WHERE {{ ?e {end} ?n ; ?p ?o }}"  # only relations have these ends
        found = self._records(query, n=self.iris.node(node_id))
        return [r for r in found if wanted is None or r["kind"] in wanted]

    def edges(self, kind: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT ?e ?p ?o WHERE { ?e pkg:edgeSource ?s ; pkg:kind ?kind ; ?p ?o }"
        return self._records(query, **({"kind": Literal(kind)} if kind is not None else {}))

    def document_text(self, document_id: str) -> str | None:
        query = _prepared("SELECT ?t WHERE { ?d pkg:sourceText ?t }")
        rows = list(self.rdf.query(query, initBindings={"d": self.iris.node(document_id)}))
        return str(rows[0][0]) if rows else None


@lru_cache(maxsize=32)
def _prepared(query: str) -> Query:
    """Parse once: the read interface asks the same few queries with different bindings."""
    return prepareQuery(query, initNs=PREFIXES)


def service_clauses(query: str) -> list[str]:
    """Each ``SERVICE`` clause of a SPARQL query as written (``SERVICE <http://…>``), subqueries
    included: rdflib would send that part of the query to the named server. Raises what rdflib's
    parser raises for a query that does not parse."""
    found: list[str] = []
    _find_services(parseQuery(query), found)
    return found


def _find_services(node: Any, found: list[str]) -> None:
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found.append(f"SERVICE {_written(node.get('term'))}")
        for value in node.values():
            _find_services(value, found)
    elif isinstance(node, (list, tuple, ParseResults)):
        for item in node:
            _find_services(item, found)


def _written(term: Any) -> str:
    if isinstance(term, CompValue) and term.name == "pname":
        return f"{term.get('prefix') or ''}:{term.get('localname') or ''}"
    return term.n3() if hasattr(term, "n3") else str(term)


def _reverse_predicates() -> dict[URIRef, str]:
    reverse = {prop: attr for attr, prop in _COMMON.items()}
    for mapping in _BY_KIND.values():
        reverse.update({prop: attr for attr, prop in mapping.items()})
    return reverse


# --- files -------------------------------------------------------------------------------------


def export_turtle(store: GraphStore, path: Path) -> None:

    data = to_rdf(store).serialize(format="turtle")
    write_atomic(path, lambda fh: fh.write(data))


def export_jsonld(store: GraphStore, path: Path) -> None:

    context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    data = to_rdf(store).serialize(format="json-ld", context=context, indent=1, ensure_ascii=False)
    write_atomic(path, lambda fh: fh.write(data))


def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")
