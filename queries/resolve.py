"""From the names people use to the ids the graph uses.

A provision is found by its id (``doc-…-p13``), or by its document and item number in any
printed form: ``川办发〔2020〕53号:13``, ``川办发〔2020〕53号 (十三)``, ``003_4e3b855310d5ce42.txt:13``,
``doc-b3adc14cec28:十三``. An entity is found by its id or any alias; a short form that needs a
jurisdiction (``省医保局``) is narrowed by a region, given or named in front (``四川省医保局``).
"""

from __future__ import annotations

import re
from typing import Any

from policykg.domain.numerals import chinese_to_int
from policykg.domain.regions import region_by_name
from policykg.graph.model import NodeKind

from .answers import EntityCandidate, MatchedBy
from .common import Ambiguous, NotFound, doc_ref, key, number_key, provision_ref
from .index import QueryIndex
from .suggest import no_document, no_provision, no_region

_ITEM = re.compile(
    r"^(?P<doc>.+?)[\s:#]*第?[(\[（]?(?P<num>\d{1,4}|[一二三四五六七八九十百零〇两]{1,6})[)\]）]?[.、条项]?$"
)
_LEVEL_PREFIX = {"province": "省", "city": "市", "county": "县", "national": "国家"}


# --- documents and provisions -----------------------------------------------------------------


def resolve_document(idx: QueryIndex, ref: str) -> str:
    """A document id from its id, 文号, file name or title (or a unique part of the title)."""
    found = _document_candidates(idx, ref)
    if len(found) == 1:
        return found[0]
    if found:
        raise Ambiguous(f"{ref!r} names {len(found)} documents", [doc_ref(idx, d) for d in found])
    raise no_document(idx, ref)


def _document_candidates(idx: QueryIndex, ref: str) -> list[str]:
    ref = ref.strip()
    if ref in idx.documents:
        return [ref]
    k = key(ref)
    for table, probe in ((idx.by_number, number_key(ref)), (idx.by_source, k), (idx.by_title, k)):
        if table.get(probe):
            return sorted(set(table[probe]))
    if len(k) >= 4:
        return sorted(d for d, doc in idx.documents.items() if k in key(doc.get("title") or ""))
    return []


def resolve_provision(idx: QueryIndex, ref: str) -> str:
    """A provision id from its id or from ``DOCUMENT:ITEM`` in any of the forms people write."""
    ref = (ref or "").strip()
    node = idx.node(ref)
    if node and node.get("kind") == NodeKind.PROVISION:
        return ref
    for doc_part, num_part in _splits(ref):
        number = _item_number(num_part)
        if number is None:
            continue
        try:
            doc_id = resolve_document(idx, doc_part)
        except NotFound:
            continue
        found = idx.numbered.get((doc_id, number))
        if found:
            return found[0]
        raise NotFound(f"{doc_part} has no item {num_part}", [provision_ref(idx, p) for p in idx.provisions_of[doc_id]],
                       zh=f"{doc_part} 没有第 {num_part} 项(下列为该文件的条款)")
    raise no_provision(idx, ref, _splits(ref))


def _splits(ref: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    normal = key(ref)
    if ":" in normal:
        doc, num = normal.rsplit(":", 1)
        out.append((doc, num))
    match = re.match(r"^(?P<doc>.+)-p(?P<num>\d+)$", ref)
    if match:
        out.append((match["doc"], match["num"]))
    match = _ITEM.match(normal)
    if match:
        out.append((match["doc"], match["num"]))
    return out


def _item_number(text: str) -> int | None:
    text = re.sub(r"^第|[()\[\]（）.、条项\s]", "", key(text))
    return chinese_to_int(text) if text else None


# --- entities ---------------------------------------------------------------------------------


def resolve_entities(
    idx: QueryIndex, name: str, kinds: tuple[str, ...] | None = None, region: str | None = None
) -> list[tuple[str, MatchedBy]]:
    """(node id, how it matched) for every entity the name may mean, best matches first.

    Tries, in order: the id; an exact alias; the name with a region in front (四川省医保局 → the
    alias 省医保局 of an agency in 四川省); a unique-enough part of a name. A region narrows
    agencies and regions to that jurisdiction (central units, which have none, stay).
    """
    name = (name or "").strip()
    wanted = set(kinds) if kinds else None

    def keep(ids: set[str] | list[str], scope: str | None) -> list[str]:
        nodes = [n for n in (idx.node(i) for i in ids) if n and (wanted is None or n.get("kind") in wanted)]
        nodes = [n for n in nodes if _in_scope(idx, n, scope)]
        # In a city, 卫生健康委员会 is the city's own commission before the province's.
        own = [n for n in nodes if scope and n.get("kind") == NodeKind.AGENCY and n.get("region") == scope]
        return sorted(n["id"] for n in own or nodes)

    node = idx.node(name)
    if node and (wanted is None or node.get("kind") in wanted):
        return [(name, "id")]
    scope = idx.region_name(region) if region else None
    if region and scope is None:
        raise no_region(idx, region)
    exact = keep(idx.aliases.get(key(name), set()), scope)
    if exact:
        return [(i, "alias") for i in exact]
    canonical = _by_directory(idx, name, scope, wanted)
    if canonical:
        return [(i, "directory") for i in canonical]
    prefixed = _with_region_prefix(idx, name, keep, scope)
    if prefixed:
        return [(i, "region+alias") for i in prefixed]
    k = key(name)
    if len(k) < 2:
        return []
    partial = keep({i for n, i in idx.entity_names if k in n}, scope)
    return [(i, "partial") for i in partial]


def _by_directory(idx: QueryIndex, name: str, scope: str | None, wanted: set[str] | None) -> list[str]:
    """A name the loaders would resolve (省医保局 in 四川省 → 四川省医疗保障局): the agency of that name."""
    if wanted is not None and NodeKind.AGENCY not in wanted:
        return []
    from policykg.domain.resolution import resolve_body

    body = resolve_body(name, scope)
    if not body.resolved or body.name == name:
        return []
    return sorted(i for i in idx.aliases.get(key(body.name), set())
                  if (idx.node(i) or {}).get("kind") == NodeKind.AGENCY)


def _with_region_prefix(idx: QueryIndex, name: str, keep, scope: str | None) -> list[str]:
    """四川省医保局: split off the region, then look up 省医保局 / 医保局 inside that region."""
    k = key(name)
    for cut in range(min(len(k) - 1, 12), 1, -1):
        region = _exact_region(idx, k[:cut])
        if region is None or (scope and not idx.within(region, scope)):
            continue
        rest = k[cut:]
        level = _region_level(idx, region)
        forms = [rest, _LEVEL_PREFIX.get(level or "", "") + rest]
        ids: set[str] = set()
        for form in forms:
            ids |= idx.aliases.get(form, set())
        found = [i for i in keep(ids, region) if (idx.node(i) or {}).get("region") is not None]
        if found:
            return found
    return []


def _exact_region(idx: QueryIndex, text: str) -> str | None:
    """The region ``text`` is the name (or the short name, 四川 for 四川省) of; not a guess from a part."""
    return idx.region_name(text, guess=False)


def _region_level(idx: QueryIndex, region: str) -> str | None:
    for rid in idx.aliases.get(key(region), ()):
        node = idx.node(rid) or {}
        if node.get("kind") == NodeKind.REGION:
            return node.get("level")
    for doc in idx.documents.values():
        if doc.get("region") == region:
            return doc.get("level")
    found = region_by_name(region)
    return found.level if found else None


def _in_scope(idx: QueryIndex, node: dict[str, Any], scope: str | None) -> bool:
    if scope is None:
        return True
    if node.get("kind") == NodeKind.REGION:
        return idx.within(node.get("name"), scope)
    if node.get("kind") == NodeKind.AGENCY:
        region = node.get("region")
        return region is None or idx.within(region, scope) or idx.within(scope, region)
    return True


def entity_candidate(idx: QueryIndex, node_id: str) -> EntityCandidate:
    node = idx.node(node_id) or {}
    return EntityCandidate(id=node_id, kind=node.get("kind"), name=node.get("name"), region=node.get("region"))


def provisions_asked(idx: QueryIndex, ref: str) -> tuple[list[str], str, str | None]:
    """What a cascade or a matrix is asked about: one provision, or every provision of a document.
    (the provision ids, their document, the provision named or ``None`` for a document)."""
    try:
        pid = resolve_provision(idx, ref)
        return [pid], idx.node(pid)["document"], pid
    except NotFound:
        pass
    try:
        doc_id = resolve_document(idx, ref)
    except NotFound:
        raise no_document(idx, ref, "provision or document", "条款或文件") from None
    return list(idx.provisions_of.get(doc_id, [])), doc_id, None
