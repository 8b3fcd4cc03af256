"""Looking things up: documents (filtered), one document with its items, one provision in full."""

from __future__ import annotations

from typing import Any

from policykg.graph.model import EdgeKind

from .answers import DocumentAnswer, DocumentsAnswer, ProvisionAnswer
from .changes import agencies_of, targets_of
from .common import doc_ref, node_brief, page, provision_brief, provision_ref, responsible_agency
from .index import index_for
from .resolve import resolve_document, resolve_provision
from .suggest import no_region


def documents(
    store: Any,
    region: str | None = None,
    year: int | None = None,
    level: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> DocumentsAnswer:
    """Loaded documents (and cited-only stubs), newest first, inside ``region`` if given."""
    idx = index_for(store)
    scope = idx.region_name(region) if region else None
    if region and scope is None:
        raise no_region(idx, region)
    docs = [
        d for d in idx.documents.values()
        if (year is None or d.get("year") == year) and (level is None or d.get("level") == level)
        and (scope is None or idx.within(d.get("region"), scope))
    ]
    docs.sort(key=lambda d: (-(d.get("year") or 0), d.get("region") or "", d["id"]))
    listed = page([doc_ref(idx, d["id"]) for d in docs], limit, offset)
    return DocumentsAnswer(limit=limit, offset=offset, total=listed.total, items=listed.items)


def document(store: Any, ref: str, limit: int | None = None, offset: int = 0) -> DocumentAnswer:
    idx = index_for(store)
    doc_id = resolve_document(idx, ref)
    items = [provision_brief(idx, p) for p in idx.provisions_of.get(doc_id, [])]
    return DocumentAnswer(document=doc_ref(idx, doc_id), provisions=page(items, limit, offset))


def provision(store: Any, ref: str) -> ProvisionAnswer:
    """A provision with who carries it, what it targets and what it mentions."""
    idx = index_for(store)
    pid = resolve_provision(idx, ref)
    roles = agencies_of(idx, pid)
    mentions = sorted(e["target"] for e in store.out_edges(pid, [EdgeKind.MENTIONS]))
    return ProvisionAnswer(
        provision=provision_ref(idx, pid),
        agencies=[responsible_agency(idx, a, r) for a, r in sorted(roles.items(), key=lambda ar: (ar[1], ar[0]))],
        targets=targets_of(idx, pid),
        mentions=[node_brief(idx, m) for m in mentions],
    )
