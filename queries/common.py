"""Shared pieces of the questions: errors, name keys, the small summaries answers are made of."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from policykg.graph.store import GraphStore

from .answers import (
    AgencyRef,
    Answer,
    Candidate,
    DocRef,
    Evidence,
    NodeBrief,
    Page,
    ProvisionBrief,
    ProvisionRef,
    ResponsibleAgency,
    Role,
    TargetRef,
)

if TYPE_CHECKING:
    from .index import QueryIndex


class QueryError(Exception):
    """A question that cannot be answered as asked; ``candidates`` says what would resolve it,
    ``suggestions`` the nearest names (did you mean…), ``zh`` the message in Chinese."""

    def __init__(self, message: str, candidates: Sequence[Candidate] = (), *, zh: str | None = None,
                 suggestions: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.candidates = list(candidates)
        self.zh = zh
        self.suggestions = list(suggestions)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (zh or en; English where no Chinese is written)."""
        return self.zh if lang == "zh" and self.zh else self.message


class NotFound(QueryError):
    pass


class Ambiguous(QueryError):
    pass


_SPACE = re.compile(r"\s+")
_OPEN = str.maketrans({c: "〔" for c in "[(（【〔［"} | {c: "〕" for c in "])）】〕］"})


def key(text: str) -> str:
    """Comparison form of a name: NFKC (full-width → half-width), no spaces or control characters."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs"))


def number_key(doc_number: str) -> str:
    """川办发[2020]53号, 川办发（2020）53 号 and 川办发〔2020〕53号 are one 文号."""
    return key(doc_number).translate(_OPEN)


def window[T](items: Sequence[T], limit: int | None, offset: int) -> list[T]:
    """The items of one page of a list."""
    end = None if limit is None else offset + limit
    return list(items[offset:end])


def page[T](items: Sequence[T], limit: int | None, offset: int) -> Page[T]:
    """One page of a list, with the list's full length."""
    return Page[T](total=len(items), items=window(items, limit, offset))


# --- summaries ------------------------------------------------------------------------------


def doc_ref(idx: QueryIndex, doc_id: str) -> DocRef:
    """A document known to the index."""
    doc = idx.node(doc_id)
    if doc is None:
        raise KeyError(doc_id)
    return DocRef(
        id=doc["id"],
        title=doc.get("title"),
        doc_number=doc.get("doc_number"),
        issuer=doc.get("issuer"),
        year=doc.get("year"),
        region=doc.get("region"),
        level=doc.get("level"),
        source=doc.get("source"),
        stub=bool(doc.get("stub")),
    )


def doc_ref_or_none(idx: QueryIndex, doc_id: str | None) -> DocRef | None:
    return doc_ref(idx, doc_id) if doc_id and idx.node(doc_id) else None


def provision_ref(idx: QueryIndex, pid: str) -> ProvisionRef:
    prov = idx.node(pid) or {"id": pid}
    doc = idx.node(prov.get("document")) or {}
    return ProvisionRef(
        id=pid,
        document=prov.get("document"),
        doc_number=doc.get("doc_number"),
        doc_title=doc.get("title"),
        label=prov.get("label"),
        number=prov.get("number"),
        heading=prov.get("heading"),
        section=idx.section_title(pid),
        text=prov.get("text"),
        year=prov.get("year", doc.get("year")),
        region=prov.get("region", doc.get("region")),
        level=prov.get("region_level", doc.get("level")),  # the jurisdiction's; prov["level"] is its depth
        span=_span(prov.get("span")),
        cite=idx.cite(pid),
    )


def provision_brief(idx: QueryIndex, pid: str) -> ProvisionBrief:
    prov = idx.node(pid) or {}
    return ProvisionBrief(id=pid, cite=idx.cite(pid), label=prov.get("label"), heading=prov.get("heading"))


def agency_ref(idx: QueryIndex, agency_id: str) -> AgencyRef:
    node = idx.node(agency_id) or {}
    return AgencyRef(
        id=agency_id,
        name=node.get("name") or agency_id,
        aliases=list(node.get("aliases") or []),
        region=node.get("region"),
        kind=node.get("agency_kind") or node.get("category") or _agency_kind(node),
    )


def responsible_agency(idx: QueryIndex, agency_id: str, role: Role) -> ResponsibleAgency:
    return extend(agency_ref(idx, agency_id), ResponsibleAgency, role=role)


def extend[M: Answer](base: Answer, model: type[M], **fields: Any) -> M:
    """``base`` as a ``model`` that extends its class with ``fields`` (an AgencyRef with its role)."""
    # __dict__ holds a model's field values; dict(base) would probe base.keys() and raise on the way.
    return model(**base.__dict__, **fields)


def _agency_kind(node: dict[str, Any]) -> str | None:
    # The schema names the agency's sort ``kind``, which the node record also uses for its
    # node kind; the store keeps the node kind, so the sort may be lost. Report what is there.
    value = node.get("kind")
    return None if value in (None, "Agency") else value


def target_ref(idx: QueryIndex, target_id: str) -> TargetRef:
    node = idx.node(target_id) or {}
    return TargetRef(
        id=target_id,
        value=_number(node.get("value")),
        unit=node.get("unit"),
        comparator=node.get("comparator"),
        deadline=_text(node.get("deadline")),
        measure=node.get("measure"),
        subject=node.get("subject"),
        words=node.get("words"),
    )


def node_label(node: dict[str, Any]) -> str:
    for field in ("name", "title", "heading", "words", "label"):
        if node.get(field):
            return str(node[field])
    return str(node.get("id"))


def node_brief(idx: QueryIndex, node_id: str) -> NodeBrief:
    node = idx.node(node_id) or {"id": node_id}
    label = idx.cite(node_id) if node.get("kind") == "Provision" else node_label(node)
    return NodeBrief(id=node_id, kind=node.get("kind"), label=label)


def walk_edges(store: GraphStore, node_id: str, kinds: list[str], upstream: bool) -> list[dict[str, Any]]:
    """A node's outgoing (upstream) or incoming edges for a walk, without their evidence where the
    store can leave it on disk (the embedded store); ``complete_edges`` adds it to the page shown."""
    read = store.out_edges if upstream else store.in_edges
    return read(node_id, kinds, evidence=False)


def complete_edges(store: GraphStore, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return store.complete(edges)


def evidence_items(idx: QueryIndex, edge: dict[str, Any]) -> list[Evidence]:
    """The aligned words of a lineage edge, quoted from both documents' source texts."""
    src_doc = (idx.node(edge["source"]) or {}).get("document") or edge.get("document")
    tgt_doc = (idx.node(edge["target"]) or {}).get("document")
    items = []
    for item in edge.get("evidence") or []:
        if not isinstance(item, dict):
            continue
        src_span, tgt_span = _span(item.get("source_span")), _span(item.get("target_span"))
        items.append(Evidence(
            source_span=src_span,
            target_span=tgt_span,
            source_words=item.get("source_words"),
            target_words=item.get("target_words"),
            source_quote=idx.quote(src_doc, src_span) or item.get("source_words"),
            target_quote=idx.quote(tgt_doc, tgt_span) or item.get("target_words"),
            score=_number(item.get("score")),
            shared_phrases=[str(p) for p in item.get("shared_phrases") or []],
        ))
    return items


def score_of(edge: dict[str, Any]) -> float | None:
    value = edge.get("score", edge.get("confidence"))
    return _number(value)


def method_of(edge: dict[str, Any]) -> str | None:
    method = edge.get("method")
    if isinstance(method, dict):
        return " ".join(str(v) for v in (method.get("name"), method.get("version")) if v)
    return None if method is None else str(method)


def _span(value: Any) -> list[int] | None:
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return [value[0], value[1]]
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if value == value and abs(value) != float("inf") else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
