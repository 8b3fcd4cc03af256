"""A document to read: its source text with what the graph says of each span (sections, provisions,
agencies' roles, targets, mentions, citations, and the words lineage links matched in other
documents), its metadata, and how to cite it.
"""

from __future__ import annotations

import re
from typing import Any

from policykg.graph.model import EdgeKind, NodeKind

from .answers import Citation, DocumentTextAnswer, Mark, MarkKind, ProvisionText
from .changes import targets_of
from .common import NotFound, complete_edges, doc_ref, node_label, walk_edges
from .index import QueryIndex, index_for
from .resolve import resolve_document

ROLE_MARKS: dict[str, MarkKind] = {EdgeKind.LEADS: "lead", EdgeKind.SUPPORTS: "support"}
# A lineage edge's words in this document: out-edges (this provision derives from / continues another)
# mark the source side, in-edges (another derives from / continues this one) the target side.
OUT_LINKS: dict[str, MarkKind] = {EdgeKind.DERIVES_FROM: "derives_from", EdgeKind.CONTINUES: "continues"}
IN_LINKS: dict[str, MarkKind] = {EdgeKind.DERIVES_FROM: "derived_by", EdgeKind.CONTINUES: "continued_by"}


def document_text(store: Any, ref: str) -> DocumentTextAnswer:
    idx = index_for(store)
    doc_id = resolve_document(idx, ref)
    doc = idx.node(doc_id) or {}
    text = idx.text(doc_id)
    if doc.get("stub") or text is None:
        raise NotFound(f"{ref!r} is only cited by the loaded documents; its text is not loaded",
                       zh=f"“{ref}”只是被已收录文件引用,未收录其全文")
    pids = idx.provisions_of.get(doc_id, [])
    marks = _fields(doc) + _sections(idx, doc_id) + [m for pid in pids for m in _provision_marks(idx, pid)]
    marks += _citations(idx, doc_id)
    marks = _distinct([m for m in marks if 0 <= m.span[0] < m.span[1] <= len(text)])
    marks.sort(key=lambda m: (m.span[0], -m.span[1], m.kind))
    return DocumentTextAnswer(
        document=doc_ref(idx, doc_id),
        issuers=[str(i) for i in doc.get("issuers") or ([doc["issuer"]] if doc.get("issuer") else [])],
        signed=_text(doc.get("signed")),
        published=_text(doc.get("published")),
        pages=doc.get("pages") if isinstance(doc.get("pages"), int) else None,
        path=_text(doc.get("path")),
        field_sources={str(k): str(v) for k, v in (doc.get("field_sources") or {}).items()},
        text=text,
        marks=marks,
        provisions=[_provision(idx, pid) for pid in pids],
        citation=citation(doc),
    )


def _distinct(marks: list[Mark]) -> list[Mark]:
    """One mark per kind, span and reference (several evidence items may match one sentence), the best score kept."""
    best: dict[tuple[str, int, int, str | None], Mark] = {}
    for m in marks:
        k = (m.kind, m.span[0], m.span[1], m.ref)
        if k not in best or (m.score or 0.0) > (best[k].score or 0.0):
            best[k] = m
    return list(best.values())


def _span(value: Any) -> list[int] | None:
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return [value[0], value[1]]
    return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _fields(doc: dict[str, Any]) -> list[Mark]:
    """Where the title, 文号, issuer and dates were read."""
    marks = []
    for field, span in (doc.get("field_spans") or {}).items():
        if _span(span):
            marks.append(Mark(kind="field", span=_span(span), label=str(field), provision=None, ref=None, score=None))
    return marks


def _sections(idx: QueryIndex, doc_id: str) -> list[Mark]:
    return [Mark(kind="section", span=_span(n["span"]), label=n.get("title") or n.get("label") or n["id"],
                 provision=None, ref=n["id"], score=None)
            for n in idx.nodes_of(NodeKind.SECTION) if n.get("document") == doc_id and _span(n.get("span"))]


def _provision_marks(idx: QueryIndex, pid: str) -> list[Mark]:
    prov = idx.node(pid) or {}
    marks = []
    if _span(prov.get("span")):
        marks.append(Mark(kind="provision", span=_span(prov["span"]), label=idx.cite(pid), provision=pid, ref=pid,
                          score=None))
    for edge in idx.store.in_edges(pid, list(ROLE_MARKS)):
        if _span(edge.get("span")):
            name = (idx.node(edge["source"]) or {}).get("name") or edge["source"]
            marks.append(Mark(kind=ROLE_MARKS[edge["kind"]], span=_span(edge["span"]), label=name, provision=pid,
                              ref=edge["source"], score=None))
    for edge in idx.store.out_edges(pid, [EdgeKind.SETS_TARGET, EdgeKind.MENTIONS]):
        if _span(edge.get("span")):
            node = idx.node(edge["target"]) or {}
            kind: MarkKind = "target" if edge["kind"] == EdgeKind.SETS_TARGET else "mention"
            marks.append(Mark(kind=kind, span=_span(edge["span"]), label=node_label(node) if node else edge["target"],
                              provision=pid, ref=edge["target"], score=None))
    marks += _link_marks(idx, pid)
    return marks


def _link_marks(idx: QueryIndex, pid: str) -> list[Mark]:
    """The sentences lineage links matched, on this document's side of each link."""
    marks = []
    for upstream, kinds in ((True, OUT_LINKS), (False, IN_LINKS)):
        edges = complete_edges(idx.store, walk_edges(idx.store, pid, list(kinds), upstream))
        for edge in edges:
            other = edge["target"] if upstream else edge["source"]
            if (idx.node(other) or {}).get("kind") != NodeKind.PROVISION:
                continue
            side = "source_span" if upstream else "target_span"
            for item in edge.get("evidence") or []:
                span = _span(item.get(side)) if isinstance(item, dict) else None
                if span:
                    score = item.get("score", edge.get("score"))
                    marks.append(Mark(kind=kinds[edge["kind"]], span=span, label=idx.cite(other), provision=pid,
                                      ref=other, score=float(score) if isinstance(score, (int, float)) else None))
    return marks


def _citations(idx: QueryIndex, doc_id: str) -> list[Mark]:
    marks = []
    for edge in idx.store.out_edges(doc_id, [EdgeKind.CITES, EdgeKind.DERIVES_FROM]):
        cited = idx.node(edge["target"]) or {}
        if cited.get("kind") != NodeKind.DOCUMENT:
            continue
        label = " ".join(x for x in (cited.get("doc_number"), cited.get("title")) if x) or edge["target"]
        spans = [_span(s) for s in edge.get("spans") or [edge.get("span")]]
        marks += [Mark(kind="citation", span=s, label=label, provision=None, ref=edge["target"], score=None)
                  for s in spans if s]
    return marks


def _provision(idx: QueryIndex, pid: str) -> ProvisionText:
    prov = idx.node(pid) or {}
    leads, supports = [], []
    for edge in idx.store.in_edges(pid, list(ROLE_MARKS)):
        name = (idx.node(edge["source"]) or {}).get("name") or edge["source"]
        (leads if edge["kind"] == EdgeKind.LEADS else supports).append(name)
    return ProvisionText(
        id=pid,
        cite=idx.cite(pid),
        label=prov.get("label"),
        path=prov.get("path"),
        heading=prov.get("heading"),
        section=idx.section_title(pid),
        span=_span(prov.get("span")),
        page=prov.get("page") if isinstance(prov.get("page"), int) else None,
        text=prov.get("text"),
        leads=sorted(set(leads)),
        supports=sorted(set(supports) - set(leads)),
        targets=[t.words or "" for t in targets_of(idx, pid)],
    )


# --- citing -------------------------------------------------------------------------------------


def citation(doc: dict[str, Any]) -> Citation:
    issuers = [str(i) for i in doc.get("issuers") or ([doc["issuer"]] if doc.get("issuer") else [])]
    title = doc.get("title") or doc.get("source") or doc.get("id") or ""
    number = doc.get("doc_number")
    date = _text(doc.get("signed") or doc.get("published") or doc.get("date"))
    parts = _date_parts(date, doc.get("year"))
    when = _chinese_date(parts)
    chinese = f"{'、'.join(issuers)}《{title}》" + (f"（{number}）" if number else "")
    chinese += (f"，{when}" if when else "") + "。"
    return Citation(chinese=chinese, bibtex=_bibtex(doc, issuers, title, number, date, parts),
                    csl=_csl(doc, issuers, title, number, parts))


def _date_parts(date: str | None, year: Any) -> list[int]:
    match = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", date or "")
    if match:
        return [int(x) for x in match.groups() if x]
    return [year] if isinstance(year, int) else []


def _chinese_date(parts: list[int]) -> str:
    return "".join(f"{v}{unit}" for v, unit in zip(parts, "年月日", strict=False))


def _bibtex(doc: dict[str, Any], issuers: list[str], title: str, number: str | None, date: str | None,
            parts: list[int]) -> str:
    def braced(value: str) -> str:
        return "{" + value.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}") + "}"

    fields = [("author", "{" + braced(" and ".join(issuers)) + "}" if issuers else None), ("title", braced(title)),
              ("number", braced(number) if number else None), ("date", braced(date) if date else None),
              ("year", braced(str(parts[0])) if parts else None),
              ("address", braced(doc["region"]) if doc.get("region") else None),
              ("howpublished", braced(doc["source"]) if doc.get("source") else None),
              ("langid", "{chinese}")]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields if value)
    return f"@misc{{{doc.get('id') or 'document'},\n{body}\n}}"


def _csl(doc: dict[str, Any], issuers: list[str], title: str, number: str | None, parts: list[int]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": doc.get("id"), "type": "legislation", "title": title, "language": "zh-CN",
                            "author": [{"literal": i} for i in issuers]}
    if issuers:
        item["authority"] = issuers[0]
    if number:
        item["number"] = number
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if doc.get("region"):
        item["jurisdiction"] = doc["region"]
    if doc.get("source"):
        item["source"] = doc["source"]
    return item
