"""What an agency is obliged to do: the provisions it leads or supports, by document and year."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from policykg.graph.model import EdgeKind, NodeKind

from .answers import (
    DocumentObligations,
    Obligation,
    ObligationsAnswer,
    RelatedAgency,
    Relation,
    Role,
    RoleCounts,
    YearCounts,
)
from .common import Ambiguous, agency_ref, doc_ref_or_none, extend, provision_ref, window
from .index import QueryIndex, index_for
from .resolve import entity_candidate, resolve_entities
from .suggest import no_agency

ROLES = {"lead": EdgeKind.LEADS, "support": EdgeKind.SUPPORTS}


def obligations(
    store: Any,
    agency: str,
    role: str | None = None,
    year: int | None = None,
    region: str | None = None,
    follow_succession: bool = False,
    limit: int | None = None,
    offset: int = 0,
    collective: bool = False,
) -> ObligationsAnswer:
    """The agency (any alias; a short form such as 省医保局 is read in ``region``, the jurisdiction
    the name is meant in) and every provision it leads or supports, wherever the provision is,
    newest year first, grouped by document, with counts.
    With ``follow_succession`` the bodies it replaced and that replaced it count too; with ``collective``
    the tasks given to a collective it is a member of (各市(州)人民政府, 各区政府) count as its own, each
    row saying so."""
    if role is not None and role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    idx = index_for(store)
    agency_id = resolve_agency(idx, agency, region)
    agencies: dict[str, Relation | None] = _succession(idx, agency_id) if follow_succession else {agency_id: None}
    if collective:
        agencies |= {c: "collective" for c in _collectives(idx, list(agencies)) if c not in agencies}
    edges = [(e, rel) for a, rel in agencies.items() for e in _edges(idx, a, role)]
    edges = [(e, rel) for e, rel in edges if year is None or _year(idx, e["target"]) == year]
    edges.sort(key=lambda er: _order(idx, er[0]))
    light = [{"document": _doc(idx, e["target"]), "year": _year(idx, e["target"]), "role": _role(e)} for e, _ in edges]
    shown = window(edges, limit, offset)
    return ObligationsAnswer(
        agency=agency_ref(idx, agency_id),
        agencies=[extend(agency_ref(idx, a), RelatedAgency, relation=rel) for a, rel in agencies.items()],
        total=len(edges),
        counts=_counts(light),
        by_year=_by_year(light),
        limit=limit,
        offset=offset,
        documents=_by_document(idx, [_row(idx, e, rel) for e, rel in shown], light),
    )


def resolve_agency(idx: QueryIndex, name: str, region: str | None = None) -> str:
    found = resolve_entities(idx, name, (NodeKind.AGENCY,), region)
    if not found:
        raise no_agency(idx, name, region)
    if len(found) > 1:
        raise Ambiguous(
            f"{name!r} names {len(found)} agencies; give a region or the full name",
            [entity_candidate(idx, i) for i, _ in found],
            zh=f"“{name}”可指 {len(found)} 个机构,请指定地区或写出全称",
        )
    return found[0][0]


def _succession(idx: QueryIndex, start: str) -> dict[str, Relation | None]:
    """The agency and, transitively, its predecessors and successors (SUCCEEDS: new → old)."""
    found: dict[str, Relation | None] = {start: None}
    steps: tuple[tuple[Relation, Any], ...] = (("predecessor", idx.store.out_edges), ("successor", idx.store.in_edges))
    for relation, step in steps:
        frontier = [start]
        while frontier:
            current = frontier.pop()
            for edge in step(current, [EdgeKind.SUCCEEDS]):
                other = edge["target"] if relation == "predecessor" else edge["source"]
                if other not in found and idx.node(other):
                    found[other] = relation
                    frontier.append(other)
    return found


def _collectives(idx: QueryIndex, members: list[str]) -> list[str]:
    """The collectives (MEMBER_OF: member → collective) the agencies belong to."""
    found: list[str] = []
    for member in members:
        found += [e["target"] for e in idx.store.out_edges(member, [EdgeKind.MEMBER_OF])
                  if idx.node(e["target"]) and e["target"] not in found]
    return found


def _edges(idx: QueryIndex, agency_id: str, role: str | None) -> list[dict[str, Any]]:
    kinds = [ROLES[role]] if role else list(ROLES.values())
    return [e for e in idx.store.out_edges(agency_id, kinds)
            if (idx.node(e["target"]) or {}).get("kind") == NodeKind.PROVISION]


def _doc(idx: QueryIndex, pid: str) -> str | None:
    return (idx.node(pid) or {}).get("document")


def _year(idx: QueryIndex, pid: str) -> int | None:
    prov = idx.node(pid) or {}
    return prov.get("year", (idx.node(prov.get("document")) or {}).get("year"))


def _role(edge: dict[str, Any]) -> Role:
    return "lead" if edge["kind"] == EdgeKind.LEADS else "support"


def _order(idx: QueryIndex, edge: dict[str, Any]) -> tuple:
    """Newest year first, then document, item number, role."""
    prov = idx.node(edge["target"]) or {}
    return (-(_year(idx, edge["target"]) or 0), prov.get("document") or "", prov.get("number") or 0,
            edge["target"], _role(edge))


def _row(idx: QueryIndex, edge: dict[str, Any], relation: Relation | None) -> Obligation:
    prov = provision_ref(idx, edge["target"])
    words, unit = edge.get("words"), edge.get("unit")
    return Obligation(
        provision=prov,
        role=_role(edge),
        agency=edge["source"],
        relation=relation,
        role_source=edge.get("role_source"),
        words=words if isinstance(words, str) else None,
        as_written=unit if isinstance(unit, str) else None,
        quote=idx.quote(edge.get("document") or prov.document, edge.get("span")),
        confidence=edge.get("confidence"),
    )


# The counts are over every obligation, not the page shown: they are taken from light rows
# (document, year, role) rather than from dressed ``Obligation`` models.
Light = dict[str, Any]


def _counts(rows: list[Light]) -> RoleCounts:
    return RoleCounts(lead=sum(r["role"] == "lead" for r in rows), support=sum(r["role"] == "support" for r in rows))


def _by_year(light: list[Light]) -> list[YearCounts]:
    years: dict[int | None, list[Light]] = defaultdict(list)
    for row in light:
        years[row["year"]].append(row)
    by_year = []
    for y, rs in years.items():
        counts = _counts(rs)
        by_year.append(YearCounts(year=y, lead=counts.lead, support=counts.support, total=len(rs)))
    return by_year


def _by_document(idx: QueryIndex, rows: list[Obligation], light: list[Light]) -> list[DocumentObligations]:
    """The page's rows by document; each document's counts are over all its rows, not the page."""
    per_doc: dict[str | None, list[Light]] = defaultdict(list)
    for entry in light:
        per_doc[entry["document"]].append(entry)
    docs: dict[str | None, list[Obligation]] = defaultdict(list)
    for row in rows:
        docs[row.provision.document].append(row)
    return [
        DocumentObligations(document=doc_ref_or_none(idx, d), year=rs[0].provision.year, counts=_counts(per_doc[d]),
                            obligations=rs)
        for d, rs in docs.items()
    ]
