"""Typed nodes and edges with provenance, and the stable ids they are stored under.

Every node and edge records the document it came from, the character span in that document's
source text, the extractor that made it and a confidence, so every answer can quote its words.
Shared entities (agencies, regions, facility types, programs) belong to no single document:
their ``document`` is ``None`` and their evidence is on the edges that point at them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class NodeKind(StrEnum):
    DOCUMENT = "Document"
    SECTION = "Section"
    PROVISION = "Provision"
    AGENCY = "Agency"
    REGION = "Region"
    FACILITY_TYPE = "FacilityType"
    PROGRAM = "Program"
    TARGET = "Target"


class EdgeKind(StrEnum):
    PART_OF = "PART_OF"  # Provision → Section → Document; Region → Region
    ISSUED_BY = "ISSUED_BY"  # Document → Agency
    JURISDICTION = "JURISDICTION"  # Document → Region; Agency → Region
    LEADS = "LEADS"  # Agency → Provision (牵头)
    SUPPORTS = "SUPPORTS"  # Agency → Provision (配合)
    MENTIONS = "MENTIONS"  # Provision → FacilityType | Program
    SETS_TARGET = "SETS_TARGET"  # Provision → Target
    DERIVES_FROM = "DERIVES_FROM"  # lower Provision/Document → higher one it implements
    CONTINUES = "CONTINUES"  # later Provision → earlier one of the same jurisdiction
    CITES = "CITES"  # Document → Document
    SUCCEEDS = "SUCCEEDS"  # Agency → the Agency it replaced
    BROADER = "BROADER"  # FacilityType → broader FacilityType; Program → parent Program
    MEMBER_OF = "MEMBER_OF"  # Agency → the collective Agency it belongs to (成都市人民政府 → 四川省各市(州)人民政府)


SHARED_KINDS = frozenset({NodeKind.AGENCY, NodeKind.REGION, NodeKind.FACILITY_TYPE, NodeKind.PROGRAM})


@dataclass(slots=True)  # a long notice has tens of thousands: no __dict__ each
class Node:
    id: str
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)
    document: str | None = None  # owning document id; None for shared entities
    span: tuple[int, int] | None = None  # [start, end) in the document's source text
    extractor: str = ""
    confidence: float = 1.0

    def record(self) -> dict[str, Any]:
        return {
            **self.attrs,
            "id": self.id,
            "kind": str(self.kind),
            "document": self.document,
            "span": list(self.span) if self.span else None,
            "extractor": self.extractor,
            "confidence": self.confidence,
        }


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)
    document: str | None = None  # the document whose words the edge comes from
    span: tuple[int, int] | None = None
    extractor: str = ""
    confidence: float = 1.0

    @property
    def id(self) -> str:
        return f"{self.source}|{self.kind}|{self.target}"

    def record(self) -> dict[str, Any]:
        return {
            **self.attrs,
            "id": self.id,
            "source": self.source,
            "target": self.target,
            "kind": str(self.kind),
            "document": self.document,
            "span": list(self.span) if self.span else None,
            "extractor": self.extractor,
            "confidence": self.confidence,
        }


def digest(*parts: str, length: int = 12) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def document_id(doc_number: str | None, region: str | None, title: str | None, source_name: str) -> str:
    """Same document, same id: by 文号 when it has one, else by jurisdiction and title, else file name."""
    if doc_number:
        return "doc-" + digest("number", doc_number)
    if title:
        return "doc-" + digest("title", region or "", title)
    return "doc-" + digest("file", source_name)


def provision_id(doc_id: str, number: int | str, occurrence: int = 0) -> str:
    """``doc-…-p13``; ``number`` is the printed number, or the path (``2.3.1``) where the number repeats."""
    return f"{doc_id}-p{number}" + (f"-{occurrence}" if occurrence else "")


def section_id(doc_id: str, index: int) -> str:
    return f"{doc_id}-s{index + 1}"


def entity_id(kind: str, canonical_name: str) -> str:
    prefix = {"Agency": "agency", "Region": "region", "FacilityType": "facility", "Program": "program"}[kind]
    return f"{prefix}-{digest(kind, canonical_name)}"


def target_id(provision: str, index: int) -> str:
    return f"{provision}-t{index + 1}"


@dataclass
class Fragment:
    """What one document contributes to the graph: its own nodes and edges and shared entities."""

    document_id: str
    source_name: str
    source_text: str
    content_hash: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _by_id: dict[str, Node] = field(default_factory=dict, init=False, repr=False, compare=False)
    _indexed: int = field(default=0, init=False, repr=False, compare=False)  # nodes[:_indexed] are in _by_id

    def add(self, item: Node | Edge) -> None:
        (self.nodes if isinstance(item, Node) else self.edges).append(item)

    def node(self, node_id: str) -> Node | None:
        """The first node added with this id, found in constant time (extractors ask once per
        mention: a scan of ``nodes`` made a long document quadratic)."""
        if self._indexed < len(self.nodes):  # index what was added since (also straight to ``nodes``)
            for node in self.nodes[self._indexed :]:
                self._by_id.setdefault(node.id, node)
            self._indexed = len(self.nodes)
        return self._by_id.get(node_id)

    def document_node(self) -> Node:
        """The fragment's Document node (drawn by the ``structure`` extractor)."""
        for node in self.nodes:
            if node.id == self.document_id and node.kind == NodeKind.DOCUMENT:
                return node
        raise LookupError(f"fragment of {self.document_id} has no Document node: run the 'structure' extractor first")
