"""One agency, one node: resolve the names printed in a notice to canonical agencies.

Notices name bodies by short forms that only make sense inside their jurisdiction:
``省卫生健康委`` in a Sichuan notice is 四川省卫生健康委员会, in a Jiangsu notice 江苏省卫生健康委员会;
a bare ``财政厅`` is the province's. The directory of bodies and the resolver live in the domain
package (``domain/bodies.py``, ``domain/resolution.py``) so the questions read a user's names the
same way; this module wraps a resolved body as an :class:`Agency` and adds Agency nodes, ISSUED_BY,
SUCCEEDS and MEMBER_OF edges to a fragment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from policykg.domain.bodies import directory
from policykg.domain.names import list_separators
from policykg.domain.regions import region_by_name
from policykg.domain.resolution import Body, distribute, ends_like_body, place_of, resolve_body, successions
from policykg.graph.components import component
from policykg.graph.model import Edge, EdgeKind, Fragment, Node, NodeKind, entity_id

from .jurisdiction import region_nodes

if TYPE_CHECKING:
    from .pipeline import ParsedDocument

EXTRACTOR = "agencies"
__all__ = ["Agency", "add_agency", "agencies_at", "agencies_before", "distribute", "issuer_extractor",
           "looks_like_agency", "resolve", "unresolved_mentions"]


@dataclass(frozen=True)
class Agency:
    name: str  # canonical
    form: str  # as printed (trailing role words and bracketed second names dropped)
    region: str | None
    kind: str  # agency_kind: department | government | party | congress | court | … | unknown
    known: bool  # recognised as a body (the directory or a rule resolved it)
    alias: str | None = None  # the first second name printed in brackets: 省市场监管局（省知识产权局）
    resolved: bool = False  # the name matched the directory or a rule that generates names
    basis: str = "none"  # directory | rule | town | suffix | none (domain.resolution)
    category: str | None = None  # 组成部门, 直属机构, 垂直管理 …
    second_names: tuple[str, ...] = ()  # every bracketed second name
    members: tuple[tuple[str, str, str], ...] = ()  # a collective's members: (name, region, kind)

    @cached_property
    def id(self) -> str:  # a hash, asked for on every node comparison: computed once per agency
        return entity_id(NodeKind.AGENCY, self.name)

    @classmethod
    def of(cls, body: Body) -> Agency:
        return cls(body.name, body.form, body.region, body.kind, body.resolved,
                   body.second_names[0] if body.second_names else None, body.resolved, body.basis,
                   body.category, body.second_names, body.members)


# --- resolving one name ------------------------------------------------------------------


def looks_like_agency(form: str) -> bool:
    """A printed name that ends the way an official body's name can end (domain/bodies/rules.toml)."""
    form = form.strip()
    return 2 <= len(form) <= 40 and ends_like_body(form)


@lru_cache(maxsize=1 << 16)
def resolve(form: str, region: str | None) -> Agency:
    """The canonical agency a printed form stands for in a document of ``region``.

    Memoised: the rules are pure, the result is immutable, and running text asks for the same
    forms again and again (every candidate chunk after a collaboration verb).
    """
    return Agency.of(resolve_body(form, region))


def jurisdiction_of(region_name: str | None):
    """The document's province, city, county and town (``domain.resolution.Place``)."""
    return place_of(region_name)


# --- the graph ---------------------------------------------------------------------------


def add_agency(fragment: Fragment, agency: Agency, *aliases: str) -> str:
    """Add (or extend) the agency's shared node in the fragment; returns its id."""
    forms = {agency.form, *agency.second_names, *(a for a in aliases if a)}
    if (node := fragment.node(agency.id)) is not None:
        if not forms <= set(node.attrs.get("aliases", [])):
            node.attrs["aliases"] = sorted(set(node.attrs.get("aliases", [])) | forms)
        return node.id
    attrs = _attrs(agency.name, agency.region, agency.kind, agency.resolved, agency.basis, sorted(forms))
    if agency.category:
        attrs["category"] = agency.category
    fragment.add(Node(agency.id, NodeKind.AGENCY, attrs, extractor=EXTRACTOR, confidence=1.0 if agency.known else 0.7))
    _add_jurisdiction(fragment, agency.id, agency.region)
    _add_successions(fragment, agency)
    _add_members(fragment, agency)
    return agency.id


def _attrs(name: str, region: str | None, kind: str, resolved: bool, basis: str, aliases: list[str]) -> dict:
    return {"name": name, "aliases": aliases, "region": region, "agency_kind": kind, "resolved": resolved,
            "basis": basis}


def _add_jurisdiction(fragment: Fragment, agency_id: str, region: str | None) -> None:
    if not region:
        return
    # Like the node, the link belongs to no single document.
    fragment.add(Edge(agency_id, entity_id(NodeKind.REGION, region), EdgeKind.JURISDICTION, extractor=EXTRACTOR))
    _add_region(fragment, region)


def _add_region(fragment: Fragment, region: str) -> None:
    """The Region node an agency's JURISDICTION edge points at (广东省 for 广东省广播电视局 in a Sichuan
    notice, each city of a collective's members), with its chain, unless the fragment has it."""
    found = region_by_name(region)
    if found is None:
        return
    nodes, edges = region_nodes(found)
    present = {n.id for n in nodes if fragment.node(n.id) is not None}
    for node in nodes:
        if node.id not in present:
            fragment.add(node)
    for edge in edges:
        if edge.source not in present:
            fragment.add(edge)


def _shared_node(fragment: Fragment, name: str, region: str | None, kind: str) -> str:
    """The id of an agency the directory names without the document printing it (a predecessor,
    a collective's member), added to the fragment once."""
    node_id = entity_id(NodeKind.AGENCY, name)
    if fragment.node(node_id) is None:
        fragment.add(Node(node_id, NodeKind.AGENCY, _attrs(name, region, kind, True, "rule", []), extractor=EXTRACTOR))
        _add_jurisdiction(fragment, node_id, region)
    return node_id


def _add_successions(fragment: Fragment, agency: Agency) -> None:
    for change in successions(agency.name, agency.region):
        new = _shared_node(fragment, change.new, agency.region, agency.kind)
        old = _shared_node(fragment, change.old, agency.region, agency.kind)
        # From the directory, not from the document's words: the edge belongs to no document.
        fragment.add(Edge(new, old, EdgeKind.SUCCEEDS, {"date": change.date, "words": change.words},
                          extractor=EXTRACTOR))


def _add_members(fragment: Fragment, agency: Agency) -> None:
    """各市(州)人民政府 → MEMBER_OF edges from each city's government, so its obligations include the collective's."""
    for name, region, kind in agency.members:
        member = _shared_node(fragment, name, region or None, kind)
        fragment.add(Edge(member, agency.id, EdgeKind.MEMBER_OF, extractor=EXTRACTOR))


@dataclass(frozen=True)
class UnresolvedMention:
    """A printed name the directory did not resolve, where the document uses it."""

    form: str  # as printed
    name: str  # the agency node's name (the printed form, or a town office under its town)
    kind: str
    basis: str
    edge: str  # LEADS | SUPPORTS | ISSUED_BY
    provision: str | None
    span: tuple[int, int] | None


def unresolved_mentions(fragment: Fragment) -> list[UnresolvedMention]:
    """Every responsibility or issuer edge of a document's fragment whose agency is unresolved."""
    agencies = {n.id: n for n in fragment.nodes if n.kind == NodeKind.AGENCY}
    out = []
    for edge in fragment.edges:
        if edge.kind in (EdgeKind.LEADS, EdgeKind.SUPPORTS):
            agency_id, provision = edge.source, edge.target
        elif edge.kind == EdgeKind.ISSUED_BY:
            agency_id, provision = edge.target, None
        else:
            continue
        node = agencies.get(agency_id)
        if node is None or node.attrs.get("resolved", True):
            continue
        form = edge.attrs.get("unit") or edge.attrs.get("words") or node.attrs["name"]
        out.append(UnresolvedMention(form, node.attrs["name"], node.attrs.get("agency_kind", "unknown"),
                                     node.attrs.get("basis", "none"), str(edge.kind), provision, edge.span))
    return out


def document_region(parsed: ParsedDocument) -> str | None:
    return parsed.meta.region.name if parsed.meta.region else None


def initialize() -> None:
    """Read the naming rules and the directory of bodies now rather than on the first name (a
    malformed data file stops the build before any document is parsed)."""
    directory()


@component("issuer", "extract", requires=["Document"],
           assigns=["Agency", "ISSUED_BY", "JURISDICTION", "SUCCEEDS", "MEMBER_OF", "Document.issuer"],
           initialize=initialize)
def issuer_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    """The Document's ``issuer`` becomes the canonical agency name, with Document -ISSUED_BY-> Agency."""
    printed = parsed.meta.issuer
    if not printed:
        return
    agency = resolve(printed, document_region(parsed))
    agency_id = add_agency(fragment, agency)
    document = fragment.document_node()
    document.attrs["issuer"] = agency.name
    document.attrs["issuer_printed"] = printed
    span = parsed.meta.spans.get("issuer")
    fragment.add(Edge(parsed.id, agency_id, EdgeKind.ISSUED_BY, {"words": printed}, document=parsed.id,
                      span=parsed.source_span(*span) if span else None, extractor=EXTRACTOR))


# --- finding agencies in running text ----------------------------------------------------



def agencies_at(text: str, start: int, region: str | None) -> list[tuple[int, int, Agency]]:
    """Known agencies listed from ``start`` (``西南民航局、省应急厅``): (start, end, agency) each."""
    found: list[tuple[int, int, Agency]] = []
    pos = start
    while pos < len(text):
        hit = _longest_known(text, pos, region)
        if hit is None:
            break
        end, agency = hit
        found.append((pos, end, agency))
        pos = end
        if pos < len(text) and text[pos] in list_separators():
            pos += 1
        else:
            break
    return found


_NAME_CHARS = re.compile(r"[\u4e00-\u9fff()]+")


def _longest_known(text: str, pos: int, region: str | None) -> tuple[int, Agency] | None:
    best = None
    for end in range(pos + 2, min(len(text), pos + 24) + 1):
        chunk = text[pos:end]
        if not _NAME_CHARS.fullmatch(chunk):
            break
        if ends_like_body(chunk):
            agency = resolve(chunk, region)
            if agency.known:
                best = (end, agency)
    return best


def agencies_before(text: str, end: int, region: str | None) -> list[tuple[int, int, Agency]]:
    """Known agencies listed right before ``end`` (``由省财政厅、省医保局配合``)."""
    for start in range(max(0, end - 40), end - 1):
        if start > 0 and text[start - 1] not in "，,。；;：:由（(、" and text[start - 1] not in list_separators():
            continue
        found = agencies_at(text, start, region)
        if found and found[-1][1] == end:
            return found
    return []
