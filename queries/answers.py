"""The answers to the questions, as typed models: the one statement of every answer's shape.

The query functions build and return these models (validated as they are built, strictly: a
value of the wrong type is an error, never converted); the HTTP API declares them as its response
models, so the OpenAPI schema is exactly what is returned; the CLI renders them and prints
``model_dump_json`` for ``--json``; the web page's reads are checked against their schema
(tests/test_web_schema.py). A store that answers these questions another way (SQL, Cypher)
keeps this contract.

Fields are declared in the order the answer lists them. Vocabularies the questions define
(roles, change kinds, statuses) are ``Literal``; vocabularies that come from the documents and
the loaders (levels, agency kinds, role sources) are ``str``, with their current values named.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Role = Literal["lead", "support"]
"""牵头 (lead) or 配合 (support)."""
Relation = Literal["predecessor", "successor", "collective"]
"""How a counted agency stands to the one asked about: a body it replaced, one that replaced it, or a
collective it is a member of (四川省各市(州)人民政府 for 成都市人民政府, through ``MEMBER_OF``)."""
"""A body the agency replaced, or one that replaced it (SUCCEEDS)."""
Change = Literal["raised", "lowered", "same", "changed", "added", "dropped"]
MatchedBy = Literal["id", "alias", "region+alias", "partial"]
"""How a name found an entity: its id, an exact alias, a region in front of an alias, or part of a name."""
Direction = Literal["in", "out"]
ThemeKind = Literal["section", "program", "facility_type", "entity"]
Status = Literal["kept", "added", "dropped"]


class Answer(BaseModel):
    """Strict (no conversions), closed (no undeclared fields), described by attribute docstrings."""

    model_config = ConfigDict(strict=True, extra="forbid", use_attribute_docstrings=True)


class Page[T](Answer):
    """One page of a list that pages with ``limit``/``offset``."""

    total: int
    """The length of the whole list, not of this page."""
    items: list[T]


# --- the parts answers are made of ---------------------------------------------------------------


class DocRef(Answer):
    """A document: a loaded notice, or a stub for one that loaded notices only cite."""

    id: str
    title: str | None
    doc_number: str | None
    """The 文号, as printed: 川办发〔2020〕53号."""
    issuer: str | None
    year: int | None
    region: str | None
    """The jurisdiction that issued it: 四川省, 遂宁市, 全国."""
    level: str | None
    """The jurisdiction's level: national, province, city, county or town."""
    source: str | None
    """The file it was read from (``None`` for a stub)."""
    stub: bool
    """Cited by a loaded notice but not loaded itself."""


class ProvisionBrief(Answer):
    """A provision named, not quoted."""

    id: str
    cite: str
    """How a person cites it: 川办发〔2020〕53号 (十三), or the document's title when it has no 文号."""
    label: str | None
    """The item's number as printed: (十三), 3., 一、"""
    heading: str | None


class ProvisionRef(Answer):
    """A provision with its text and where it stands."""

    id: str
    document: str | None
    """The id of its document."""
    doc_number: str | None
    doc_title: str | None
    label: str | None
    """The item's number as printed: (十三), 3., 一、"""
    number: int | None
    """The item's number as an integer: 13."""
    heading: str | None
    section: str | None
    """The title of the section it stands in."""
    text: str | None
    year: int | None
    region: str | None
    level: str | None
    """national, province, city, county or town."""
    span: list[int] | None
    """[start, end) of the provision in its document's source text."""
    cite: str
    """How a person cites it: 川办发〔2020〕53号 (十三)."""


class AgencyRef(Answer):
    id: str
    name: str
    """The canonical full name: 四川省医疗保障局."""
    aliases: list[str]
    """Every other name it goes by in the documents: 省医保局."""
    region: str | None
    """Its jurisdiction (``None`` for a central body)."""
    kind: str | None
    """The sort of body, where the loaders know it."""


class ResponsibleAgency(AgencyRef):
    """An agency with the role it has for one provision."""

    role: Role


class RelatedAgency(AgencyRef):
    """An agency counted in an obligations answer, and how it relates to the agency asked about."""

    relation: Relation | None
    """``None`` for the agency asked about."""


class TargetRef(Answer):
    """A quantified target a provision sets."""

    id: str
    value: float | None
    unit: str | None
    """As printed: %, 家, 个."""
    comparator: str | None
    """≥, ≤, =, or the words that say so."""
    deadline: str | None
    measure: str | None
    """What is measured: 实际报销比."""
    subject: str | None
    words: str | None
    """The words the target was read from."""


class ThemeTarget(TargetRef):
    provision: str
    """The id of the provision setting it."""


class TargetChange(Answer):
    """A target of the earlier provision paired with the later one's that measures the same thing."""

    change: Change
    """``changed``: the value moved but one side has none to compare; ``added``/``dropped``: no counterpart."""
    before: TargetRef | None
    after: TargetRef | None


class ComparedTargetChange(TargetChange):
    provision_a: str
    """The id of the earlier year's provision."""
    provision_b: str
    """The id of the later year's provision that continues it."""


class Evidence(Answer):
    """What a lineage link rests on: a sentence of the source provision and the sentence of the
    target provision it matches best, located in both documents' source texts."""

    source_span: list[int] | None
    """[start, end) in the source (lower or later) provision's document."""
    target_span: list[int] | None
    source_words: str | None
    """The sentence (or phrase) as the linker read it."""
    target_words: str | None
    source_quote: str | None
    """The document's own words at ``source_span`` (the words when the span is unknown)."""
    target_quote: str | None
    score: float | None
    """How closely the two sentences match (TF-IDF cosine of their character n-grams)."""
    shared_phrases: list[str]
    """The longest phrases both sentences print."""


class NodeBrief(Answer):
    id: str
    kind: str | None
    """The node kind: Agency, Program, FacilityType, Region, Provision, Document…"""
    label: str
    """A provision's cite, otherwise the node's name, title or heading."""


# --- lineage -------------------------------------------------------------------------------------


class Hop(Answer):
    """One lineage edge: ``source`` derives from or continues ``target``."""

    kind: Literal["DERIVES_FROM", "CONTINUES"]
    depth: int
    """1 for an edge of the provision asked about, 2 for an edge of a provision one hop away, …"""
    via: str | None
    """The provision whose edge this is (the one asked about at depth 1)."""
    source: ProvisionRef
    target: ProvisionRef
    score: float | None
    method: str | None
    """The linker and its version: ``ngram-tfidf-documents-first-calibrated/4``."""
    confidence: float | None
    """1 − the chance that a provision of an unrelated document would match this well."""
    reason: str | None
    """Why the two documents are compared: implements | cites | title | matches | unrelated (a near copy)."""
    reason_detail: str | None
    """The reason in words: 6 of 26 provisions match, a chance of 1.2e-09; the titles' common subject…"""
    shape: str | None
    """one to one | merged (the source has several targets in that document) | split | merged and split."""
    shared: list[str]
    """Names of the entities (agencies, programs, facility types) both provisions mention."""
    evidence: list[Evidence]


class DocumentHop(Answer):
    """What the provision's document says it implements (DERIVES_FROM) or cites."""

    kind: Literal["DERIVES_FROM", "CITES"]
    document: DocRef
    words: str | None
    """The words of the citation: 根据《…》."""
    resolved_by: str | None
    """How the citation was matched to the document: by 文号, by title, or ``stub``."""


class LineageAnswer(Answer):
    provision: ProvisionRef
    depth: int
    limit: int | None
    offset: int
    upstream: Page[Hop]
    """What the provision derives from or continues, breadth first, each level by score."""
    downstream: Page[Hop]
    """What derives from or continues the provision."""
    document_lineage: list[DocumentHop]


# --- cascade -------------------------------------------------------------------------------------


class AgencyChanges(Answer):
    """Agencies of the lower provision whose office the higher one does not name, and the reverse
    (遂宁市卫生健康委员会 standing in for 四川省卫生健康委员会 is neither)."""

    added: list[ResponsibleAgency]
    dropped: list[ResponsibleAgency]


class CascadeItem(Answer):
    region: str | None
    provision: ProvisionRef
    """The lower-level provision."""
    derives_from: ProvisionRef
    """The provision it derives from (the root, or an intermediate level's provision)."""
    root: str
    """The id of the root provision the chain starts from."""
    depth: int
    """1 when it derives from the root directly; 2 through one intermediate level, …"""
    score: float | None
    method: str | None
    evidence: list[Evidence]
    target_changes: list[TargetChange]
    agencies: AgencyChanges


class CascadeGroup(Answer):
    """The derived provisions of this page in one region."""

    region: str | None
    count: int
    """Items in this group on this page."""
    items: list[CascadeItem]


class CascadeRoot(Answer):
    kind: Literal["Provision", "Document"]
    provisions: int
    """How many provisions the cascade starts from (1 for a provision, all items of a document)."""
    document: DocRef | None
    provision: ProvisionRef | None
    """The provision asked about (``None`` when a document was asked about)."""


class Subdivision(Answer):
    region: str
    derived: int
    """Derived provisions in the subdivision or below it, over the whole cascade (not only this page)."""
    documents: list[str]
    """Ids of the loaded documents of the subdivision or below it."""
    status: Literal["derived", "documents without derived provision", "no documents"]


class Coverage(Answer):
    """Which subdivisions of the root's jurisdiction show a derived provision."""

    scope: str | None
    """The root document's jurisdiction."""
    level: Literal["city", "province"] | None
    """The level of the subdivisions counted (``None`` with a ``note`` when none are counted)."""
    subdivisions: list[Subdivision]
    covered: list[str]
    missing: list[str]
    note: str | None
    """Why no subdivisions are counted: coverage is counted below provincial and national documents."""


class CascadeAnswer(Answer):
    root: CascadeRoot
    total: int
    """Derived provisions over the whole cascade; ``regions`` holds one page of them."""
    limit: int | None
    offset: int
    regions: list[CascadeGroup]
    """This page's derived provisions, by region name, year, document and item."""
    coverage: Coverage


# --- coverage matrix -----------------------------------------------------------------------------

CellStatus = Literal["taken up", "not taken up", "no document"]
"""``no document``: no document of the jurisdiction from the task's year on is loaded, so nothing
can be said of it (never the same as ``not taken up``)."""


class MatrixLink(Answer):
    """A provision of a lower jurisdiction that derives from the task."""

    provision: ProvisionBrief
    document: DocRef
    score: float | None
    """The score of the provision's DERIVES_FROM edge."""
    depth: int
    """1 when it derives from the task directly; 2 through one intermediate level's provision, …"""
    via: ProvisionBrief | None
    """The intermediate provision it derives from when ``depth`` > 1."""


class MatrixCell(Answer):
    region: str
    """The column's jurisdiction."""
    status: CellStatus
    score: float | None
    """The best score of the cell's links."""
    links: list[MatrixLink]
    """Best score first."""


class MatrixRow(Answer):
    """A task of the document and, per column, whether the jurisdiction took it up."""

    task: ProvisionBrief
    section: str | None
    """The title of the section the task stands in."""
    cells: list[MatrixCell]
    """One per column, in the order of ``columns``."""
    taken_up: int
    """Jurisdictions of the main level (``CoverageMatrixAnswer.level``) that took the task up."""
    with_documents: int
    """Jurisdictions of the main level with a document loaded from the task's year on."""
    share: float | None
    """``taken_up`` / ``with_documents``; ``None`` when no jurisdiction of the level has a document."""


class MatrixColumn(Answer):
    region: str
    level: str
    """city (province for a national document), or county for a county with a loaded document."""
    parent: str | None
    """The column a county's column belongs to."""
    documents: list[DocRef]
    """Loaded documents of the jurisdiction (and below it) from the root document's year on: the ones
    that could take a task up."""
    earlier_documents: int
    """Loaded documents of the jurisdiction dated before the root document (they cannot take it up)."""
    taken_up: int
    """Tasks the jurisdiction took up."""
    share: float | None
    """``taken_up`` / the tasks; ``None`` when no document is loaded (nothing can be said)."""


class MatrixCounts(Answer):
    tasks: int
    columns: int
    """Columns of the main level."""
    with_documents: int
    """Columns of the main level with a document that could take a task up."""
    taken_up: int
    """Tasks taken up by at least one jurisdiction."""
    cells_taken_up: int
    """Cells of the main level taken up."""


class CoverageMatrixAnswer(Answer):
    """A higher-level document's tasks (rows) against the lower jurisdictions (columns)."""

    document: DocRef
    provision: ProvisionBrief | None
    """The provision asked about, when one was (the matrix then has its one row)."""
    scope: str | None
    """The document's jurisdiction."""
    level: Literal["city", "province"] | None
    """The main level of the columns (``None`` with a ``note`` when none are counted)."""
    columns: list[MatrixColumn]
    """The main level's jurisdictions by name, each followed by its loaded counties."""
    rows: list[MatrixRow]
    """The tasks in the document's order."""
    counts: MatrixCounts
    note: str | None
    """Why there are no columns: the matrix is drawn below provincial and national documents."""


# --- obligations ---------------------------------------------------------------------------------


class RoleCounts(Answer):
    lead: int
    support: int


class YearCounts(Answer):
    year: int | None
    lead: int
    support: int
    total: int


class Obligation(Answer):
    """One provision the agency leads or supports."""

    provision: ProvisionRef
    role: Role
    agency: str
    """The id of the agency holding the role (a predecessor's or successor's with ``follow_succession``)."""
    relation: Relation | None
    role_source: str | None
    """Where the role was read (``loaders/responsibility.py``): annotation (括注 with role words), legend
    (a list read by the notice's 说明), list (a list with neither: every unit leads), table (任务表),
    heading (a duty list headed by the unit), issuer (the issuer of a work plan), text (联合/会同)."""
    words: str | None
    """The words the role was read from: 省医保局、财政厅负责."""
    as_written: str | None
    """The agency's name as the document writes it: 省医保局."""
    quote: str | None
    """The document's own words at the role's span."""
    confidence: float | None


class DocumentObligations(Answer):
    document: DocRef | None
    year: int | None
    counts: RoleCounts
    """Over all of the agency's provisions in the document, not only this page's."""
    obligations: list[Obligation]


class ObligationsAnswer(Answer):
    agency: AgencyRef
    agencies: list[RelatedAgency]
    """The agency asked about and, with ``follow_succession``, its predecessors and successors."""
    total: int
    counts: RoleCounts
    by_year: list[YearCounts]
    """Newest year first."""
    limit: int | None
    offset: int
    documents: list[DocumentObligations]
    """This page's obligations by document, newest year first."""


# --- compare -------------------------------------------------------------------------------------


class KeptPair(Answer):
    """A provision of ``year_b`` (``b``) that CONTINUES one of ``year_a`` (``a``)."""

    a: ProvisionRef
    b: ProvisionRef
    score: float | None
    method: str | None
    target_changes: list[TargetChange]


class Named(Answer):
    id: str
    name: str


class Theme(Answer):
    """A section, program or facility type, and whether the later year keeps it."""

    kind: ThemeKind
    status: Status
    id: str
    name: str
    counterparts: list[Named]
    """The themes of the other year it continues into (sections) or itself (a kept program or facility type)."""
    provisions_a: list[ProvisionBrief]
    provisions_b: list[ProvisionBrief]
    targets_a: list[ThemeTarget]
    targets_b: list[ThemeTarget]


class CompareCounts(Answer):
    provisions_a: int
    provisions_b: int
    kept: int
    """Provisions of ``year_b`` that continue one of ``year_a`` (provisions, not pairs)."""
    carried: int
    """Provisions of ``year_a`` that one of ``year_b`` continues."""
    pairs: int
    """CONTINUES links between the two years (a provision may continue several, or be continued by several)."""
    added: int
    """Provisions of ``year_b`` continuing none of ``year_a`` (0 when ``year_a`` has no documents)."""
    dropped: int
    """Provisions of ``year_a`` nothing of ``year_b`` continues (0 when ``year_b`` has no documents)."""


CompareStatus = Literal[
    "compared", "no documents in the earlier year", "no documents in the later year", "no documents in either year"
]
"""Whether both years have documents of the region: a year without documents is never read as dropping anything."""


class CompareAnswer(Answer):
    region: str
    year_a: int
    year_b: int
    status: CompareStatus
    note: str | None
    """Why nothing is counted added or dropped: a year has no documents of the region."""
    documents_a: list[DocRef]
    documents_b: list[DocRef]
    counts: CompareCounts
    limit: int | None
    offset: int
    kept: Page[KeptPair]
    added: Page[ProvisionRef]
    """Provisions of ``year_b`` continuing none of ``year_a``."""
    dropped: Page[ProvisionRef]
    """Provisions of ``year_a`` that nothing of ``year_b`` continues."""
    themes: Page[Theme]
    target_changes: Page[ComparedTargetChange]
    """The target changes of the kept pairs, without the unchanged ones, each pair of targets once."""


class TimelineYear(Answer):
    year: int
    documents: list[DocRef]
    provisions: int
    continuing: int | None
    """Provisions continuing one of the previous year with documents (``None`` for the first such year or a
    year without documents)."""
    added: int | None
    """Provisions continuing none of the previous year with documents (``None`` as for ``continuing``)."""
    not_continued: int | None
    """Provisions the next year with documents does not continue (``None`` for the last such year or a year
    without documents)."""


class TimelineStep(Answer):
    """Two consecutive years with documents (years between them without documents are ``skipped``)."""

    year_a: int
    year_b: int
    skipped: list[int]
    """Asked years between the two that have no documents of the region."""
    provisions_a: int
    provisions_b: int
    carried: int
    """Provisions of ``year_a`` continued in ``year_b``."""
    kept: int
    """Provisions of ``year_b`` continuing one of ``year_a``."""
    added: int
    dropped: int
    pairs: int
    """CONTINUES links between the two years."""


class TimelineAnswer(Answer):
    """A jurisdiction's provisions across years: how many each year, and what carried on from one year with
    documents to the next."""

    region: str
    years: list[TimelineYear]
    """The years asked (every year with loaded documents of the region by default), earliest first."""
    missing: list[int]
    """Asked years without documents of the region (never counted as dropping anything)."""
    steps: list[TimelineStep]


# --- search --------------------------------------------------------------------------------------


class SearchHit(Answer):
    provision: ProvisionRef
    score: float
    snippet: str
    """Words around the first match, with … where the text is cut."""
    highlights: list[list[int]]
    """[start, end) of every match in the provision's text."""


class SearchAnswer(Answer):
    query: str
    terms: list[str]
    """The terms matched: the query's, or jieba's words for a term that occurs nowhere verbatim."""
    segmented: bool
    """Some term was split into words."""
    mode: Literal["all", "some"]
    """``some``: no provision holds every term, so those holding at least half are listed."""
    limit: int | None
    offset: int
    total: int
    items: list[SearchHit]


# --- entities ------------------------------------------------------------------------------------


class Neighbour(Answer):
    direction: Direction
    edge: str
    """The edge kind: LEADS, SUCCEEDS, PART_OF…"""
    node: NodeBrief
    details: dict[str, str | bool | int | float]
    """The edge's role_source, words, score, date, resolved_by and confidence, where it has them."""


class EntityMatch(Answer):
    id: str
    kind: str | None
    name: str
    matched_by: MatchedBy
    attributes: dict[str, Any]
    """The node's own attributes as stored (aliases, region, parent…); they differ by kind."""
    neighbour_counts: dict[str, int]
    """Edges by direction and kind: ``out LEADS`` → 12."""
    neighbours: Page[Neighbour]


class EntityAnswer(Answer):
    query: str
    limit: int | None
    offset: int
    total: int
    """Entities the name may mean; at most ``limit`` of them are described in ``matches``."""
    matches: list[EntityMatch]
    """Best matches first."""


class EntityCandidate(Answer):
    """An entity a name might mean, offered when the name is ambiguous."""

    id: str
    kind: str | None
    name: str | None
    region: str | None


# --- looking things up ---------------------------------------------------------------------------


class DocumentsAnswer(Answer):
    limit: int | None
    offset: int
    total: int
    items: list[DocRef]
    """Newest first."""


class DocumentAnswer(Answer):
    document: DocRef
    provisions: Page[ProvisionBrief]


MarkKind = Literal["field", "section", "provision", "lead", "support", "target", "mention", "citation", "derives_from",
                   "continues", "derived_by", "continued_by"]


class Mark(Answer):
    """A span of a document's source text and what the graph says of it."""

    kind: MarkKind
    """field: where a metadata field (title, doc_number, issuer, signed…: ``label``) was read; lead/support: an
    agency's role; derives_from/continues: words of a lineage link to another document's
    provision; derived_by/continued_by: words a later or lower provision took from this one."""
    span: list[int]
    """[start, end) in the source text."""
    label: str
    """What the mark says: 牵头：四川省医疗保障局, 落实 川办发〔2020〕53号 (十三)…"""
    provision: str | None
    """The provision the span stands in."""
    ref: str | None
    """The id it points to: the agency, the linked provision, the cited document."""
    score: float | None


class ProvisionText(Answer):
    """One provision of a document as the reader lists it."""

    id: str
    cite: str
    label: str | None
    path: str | None
    """Where it stands in the provision tree: 二/（三）/1."""
    heading: str | None
    section: str | None
    span: list[int] | None
    page: int | None
    """The page it starts on (paged formats: PDF, OCR), 1-based."""
    text: str | None
    leads: list[str]
    supports: list[str]
    targets: list[str]
    """The targets' words."""


class Citation(Answer):
    """How to cite the document."""

    chinese: str
    """The usual Chinese form: 发文机关《标题》（文号），发文日期。"""
    bibtex: str
    csl: dict[str, Any]
    """CSL-JSON (one item), for Zotero and citeproc."""


class DocumentTextAnswer(Answer):
    """A loaded document to read: its source text, with the graph's provisions, roles, targets and links marked."""

    document: DocRef
    issuers: list[str]
    """Every issuing body, the lead first."""
    signed: str | None
    """The signing (成文) date, ISO."""
    published: str | None
    """The publication (发布) date, ISO."""
    pages: int | None
    """Pages of the source file (paged formats)."""
    path: str | None
    """The path the file was read from at build time."""
    field_sources: dict[str, str]
    """Where each metadata field was read: text, header, signature, front matter, portal table…"""
    text: str
    marks: list[Mark]
    """By start, longer spans first."""
    provisions: list[ProvisionText]
    citation: Citation


class ProvisionAnswer(Answer):
    provision: ProvisionRef
    agencies: list[ResponsibleAgency]
    """Leads first, then supports."""
    targets: list[TargetRef]
    mentions: list[NodeBrief]
    """The programs and facility types it names."""


Candidate = DocRef | ProvisionRef | EntityCandidate
"""What a question that cannot be answered as asked offers instead (``QueryError.candidates``)."""
