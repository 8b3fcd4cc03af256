"""Response models of the HTTP API: the shapes the query functions answer in, for OpenAPI."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page[T](Model):
    total: int
    items: list[T]


class DocRef(Model):
    id: str
    title: str | None
    doc_number: str | None
    issuer: str | None
    year: int | None
    region: str | None
    level: str | None
    source: str | None
    stub: bool


class ProvisionRef(Model):
    id: str
    document: str | None
    doc_number: str | None
    doc_title: str | None
    label: str | None
    number: int | None
    heading: str | None
    section: str | None
    text: str | None
    year: int | None
    region: str | None
    level: str | None
    span: list[int] | None
    cite: str


class ProvisionBrief(Model):
    id: str
    cite: str
    label: str | None
    heading: str | None


class AgencyRef(Model):
    id: str
    name: str
    aliases: list[str]
    region: str | None
    kind: str | None
    relation: str | None = None
    role: str | None = None


class TargetRef(Model):
    id: str
    value: float | None
    unit: str | None
    comparator: str | None
    deadline: str | None
    measure: str | None
    subject: str | None
    words: str | None
    provision: str | None = None


class TargetChange(Model):
    change: str
    before: TargetRef | None
    after: TargetRef | None
    provision_a: str | None = None
    provision_b: str | None = None


class Evidence(Model):
    source_span: list[int] | None
    target_span: list[int] | None
    source_words: Any = None
    target_words: Any = None
    source_quote: Any = None
    target_quote: Any = None


class Hop(Model):
    kind: str
    depth: int
    via: str | None
    source: ProvisionRef
    target: ProvisionRef
    score: float | None
    method: str | None
    shared: list[str]
    evidence: list[Evidence]


class DocumentHop(Model):
    kind: str
    document: DocRef
    words: str | None
    resolved_by: Any = None


class LineageAnswer(Model):
    provision: ProvisionRef
    depth: int
    limit: int | None
    offset: int
    upstream: Page[Hop]
    downstream: Page[Hop]
    document_lineage: list[DocumentHop]


class AgencyChanges(Model):
    added: list[AgencyRef]
    dropped: list[AgencyRef]


class CascadeItem(Model):
    region: str | None
    provision: ProvisionRef
    derives_from: ProvisionRef
    root: str
    depth: int
    score: float | None
    method: str | None
    evidence: list[Evidence]
    target_changes: list[TargetChange]
    agencies: AgencyChanges


class CascadeGroup(Model):
    region: str | None
    count: int
    items: list[CascadeItem]


class CascadeRoot(Model):
    kind: Literal["Provision", "Document"]
    provisions: int
    document: DocRef | None
    provision: ProvisionRef | None


class Subdivision(Model):
    region: str
    derived: int
    documents: list[str]
    status: str


class Coverage(Model):
    scope: str | None
    level: str | None
    subdivisions: list[Subdivision]
    covered: list[str]
    missing: list[str]
    note: str | None


class CascadeAnswer(Model):
    root: CascadeRoot
    total: int
    limit: int | None
    offset: int
    regions: list[CascadeGroup]
    coverage: Coverage


class RoleCounts(Model):
    lead: int
    support: int


class YearCounts(RoleCounts):
    year: int | None
    total: int


class Obligation(Model):
    provision: ProvisionRef
    role: Literal["lead", "support"]
    agency: str
    relation: str | None
    role_source: Any = None
    words: str | None
    as_written: str | None
    quote: str | None
    confidence: Any = None


class DocumentObligations(Model):
    document: DocRef | None
    year: int | None
    counts: RoleCounts
    obligations: list[Obligation]


class ObligationsAnswer(Model):
    agency: AgencyRef
    agencies: list[AgencyRef]
    total: int
    counts: RoleCounts
    by_year: list[YearCounts]
    limit: int | None
    offset: int
    documents: list[DocumentObligations]


class KeptPair(Model):
    a: ProvisionRef
    b: ProvisionRef
    score: float | None
    method: str | None
    target_changes: list[TargetChange]


class Named(Model):
    id: str
    name: str


class Theme(Model):
    kind: str
    status: Literal["kept", "added", "dropped"]
    id: str
    name: str
    counterparts: list[Named]
    provisions_a: list[ProvisionBrief]
    provisions_b: list[ProvisionBrief]
    targets_a: list[TargetRef]
    targets_b: list[TargetRef]


class CompareCounts(Model):
    provisions_a: int
    provisions_b: int
    kept: int
    added: int
    dropped: int


class CompareAnswer(Model):
    region: str
    year_a: int
    year_b: int
    documents_a: list[DocRef]
    documents_b: list[DocRef]
    counts: CompareCounts
    limit: int | None
    offset: int
    kept: Page[KeptPair]
    added: Page[ProvisionRef]
    dropped: Page[ProvisionRef]
    themes: Page[Theme]
    target_changes: Page[TargetChange]


class SearchHit(Model):
    provision: ProvisionRef
    score: float
    snippet: str
    highlights: list[list[int]]


class SearchAnswer(Model):
    query: str
    terms: list[str]
    segmented: bool
    mode: Literal["all", "some"]
    limit: int | None
    offset: int
    total: int
    items: list[SearchHit]


class NodeBrief(Model):
    id: str
    kind: str | None
    label: str


class Neighbour(Model):
    direction: Literal["in", "out"]
    edge: str
    node: NodeBrief
    details: dict[str, Any]


class EntityMatch(Model):
    id: str
    kind: str | None
    name: str
    matched_by: str
    attributes: dict[str, Any]
    neighbour_counts: dict[str, int]
    neighbours: Page[Neighbour]


class EntityAnswer(Model):
    query: str
    limit: int | None
    offset: int
    total: int
    matches: list[EntityMatch]


class DocumentAnswer(Model):
    document: DocRef
    provisions: Page[ProvisionBrief]


class ProvisionAnswer(Model):
    provision: ProvisionRef
    agencies: list[AgencyRef]
    targets: list[TargetRef]
    mentions: list[NodeBrief]


class Problem(Model):
    detail: str | list[Any]
    candidates: list[dict[str, Any]] = []
