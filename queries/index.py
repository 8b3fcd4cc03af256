"""Lookup tables the questions share, built lazily from a store's read interface and cached.

Everything here is derived from ``store.nodes``/``store.in_edges``/``store.document_text``, so a
Cypher-backed store gets the same index. The index is rebuilt when the store's ``generation``
changes (an ``EmbeddedStore``'s, after a write); stores without one call ``index_for(store, refresh=True)``.
The joined provision texts a search scans are made only for a store without a full-text index.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from functools import cache
from typing import Any

import numpy as np

from policykg.domain.regions import NATION, cities_of, provinces, region_by_name, short_name
from policykg.graph.model import EdgeKind, NodeKind
from policykg.graph.store import GraphStore

from .common import key, number_key

ENTITY_KINDS = (NodeKind.AGENCY, NodeKind.REGION, NodeKind.FACILITY_TYPE, NodeKind.PROGRAM)
_SEPARATOR = "\x00"


class QueryIndex:
    def __init__(self, store: GraphStore):
        self._store = weakref.ref(store)  # the cache must not keep a closed store alive
        self._nodes: dict[str, dict[str, Any]] = {}
        self._texts: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self.documents: dict[str, dict[str, Any]] = {}
        self.by_number: dict[str, list[str]] = defaultdict(list)
        self.by_source: dict[str, list[str]] = defaultdict(list)
        self.by_title: dict[str, list[str]] = defaultdict(list)
        self.provisions_of: dict[str, list[str]] = defaultdict(list)
        self.provision_texts: dict[str, str] = {}  # every provision of a document (what search ranks): its text
        self.numbered: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.aliases: dict[str, set[str]] = defaultdict(set)
        self.entity_names: list[tuple[str, str]] = []  # (name key, node id), for substring lookups
        self.parents: dict[str, str | None] = {}
        self._sections: dict[str, str | None] = {}
        self._buffer: tuple[str, np.ndarray, list[str]] | None = None
        self._region_names: dict[str, str] | None = None
        self._groups: dict[tuple[str | None, int | None, str | None], list[str]] | None = None
        self.memo: dict[Any, Any] = {}  # answers parts derived from the whole store (e.g. documents per city)
        self._build()

    @property
    def store(self) -> GraphStore:
        store = self._store()
        if store is None:
            raise RuntimeError("the store this index was built from is gone")
        return store

    # --- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        for node in self.store.nodes():
            self._nodes[node["id"]] = node
        for node in self._nodes.values():
            kind = node.get("kind")
            if kind == NodeKind.DOCUMENT:
                self._add_document(node)
            elif kind == NodeKind.PROVISION and node.get("document"):
                self.provisions_of[node["document"]].append(node["id"])
            elif kind in ENTITY_KINDS:
                self._add_entity(node)
            if kind == NodeKind.REGION and node.get("name"):
                self.parents[node["name"]] = node.get("parent")
        for doc_id, pids in self.provisions_of.items():
            pids.sort(key=lambda p: (self._nodes[p].get("number") or 0, p))
            for pid in pids:
                number = self._nodes[pid].get("number")
                if isinstance(number, int):
                    self.numbered[(doc_id, number)].append(pid)
        self.provision_texts = {p: self._nodes[p].get("text") or ""
                                for pids in self.provisions_of.values() for p in pids}

    def _add_document(self, doc: dict[str, Any]) -> None:
        self.documents[doc["id"]] = doc
        if doc.get("doc_number"):
            self.by_number[number_key(doc["doc_number"])].append(doc["id"])
        if doc.get("source"):
            source = key(doc["source"])
            self.by_source[source].append(doc["id"])
            self.by_source[source.rsplit(".", 1)[0]].append(doc["id"])
        if doc.get("title"):
            self.by_title[key(doc["title"])].append(doc["id"])

    def _add_entity(self, node: dict[str, Any]) -> None:
        names = {node.get("name"), *(node.get("aliases") or [])}
        for name in names:
            if isinstance(name, str) and name:
                self.aliases[key(name)].add(node["id"])
                self.entity_names.append((key(name), node["id"]))

    # --- reading ----------------------------------------------------------------------------

    def node(self, node_id: str | None) -> dict[str, Any] | None:
        return self._nodes.get(node_id) if node_id else None

    def nodes_of(self, kind: str) -> list[dict[str, Any]]:
        return [n for n in self._nodes.values() if n.get("kind") == kind]

    def text(self, doc_id: str) -> str | None:
        if doc_id not in self._texts:
            with self._lock:
                self._texts[doc_id] = self.store.document_text(doc_id)
        return self._texts[doc_id]

    def warm(self) -> QueryIndex:
        """Read every document text now (a server reads the store only from its own thread)."""
        for doc_id in self.documents:
            self.text(doc_id)
        if not self.store.text_index:
            self.search_buffer()
        self.provision_groups()
        _ = self.region_names  # loads the gazetteer
        for doc in self.documents.values():
            self.ancestors(doc.get("region"))
        return self

    def quote(self, doc_id: str | None, span: list[int] | None) -> str | None:
        if not doc_id or not span:
            return None
        text = self.text(doc_id)
        if text is None or not (0 <= span[0] <= span[1] <= len(text)):
            return None
        return text[span[0] : span[1]]

    def section_title(self, pid: str) -> str | None:
        if pid not in self._sections:
            parents = [e["target"] for e in self.store.out_edges(pid, [EdgeKind.PART_OF])]
            section = next((self.node(t) for t in parents if (self.node(t) or {}).get("kind") == "Section"), None)
            self._sections[pid] = section.get("title") if section else None
        return self._sections[pid]

    def cite(self, pid: str) -> str:
        """How a person cites a provision: 川办发〔2020〕53号 (十三), or the title when there is no 文号."""
        prov = self.node(pid) or {}
        doc = self.node(prov.get("document")) or {}
        name = doc.get("doc_number") or doc.get("title") or doc.get("source") or prov.get("document") or ""
        return f"{name} {prov.get('label') or prov.get('number') or ''}".strip()

    # --- regions ----------------------------------------------------------------------------

    def parent(self, region: str) -> str | None:
        if region not in self.parents:
            found = region_by_name(region)
            self.parents[region] = found.parent if found and found.name == region else None
        return self.parents[region]

    def ancestors(self, region: str | None) -> list[str]:
        """The region and every region above it, nearest first."""
        chain: list[str] = []
        while region and region not in chain:
            chain.append(region)
            region = self.parent(region)
        return chain

    def within(self, region: str | None, scope: str | None) -> bool:
        return scope is None or (region is not None and scope in self.ancestors(region))

    def region_name(self, name: str, guess: bool = True) -> str | None:
        """四川 → 四川省: a region as the graph, or the gazetteer, names it. Without ``guess`` only
        exact names and short names count, not the gazetteer's reading of a longer text."""
        k = key(name)
        ids = [i for i in self.aliases.get(k, ()) if (self.node(i) or {}).get("kind") == NodeKind.REGION]
        if ids:
            return self._nodes[sorted(ids)[0]].get("name")
        if k in self.region_names:
            return self.region_names[k]
        found = region_by_name(k) if guess and k else None
        return found.name if found else None

    @property
    def region_names(self) -> dict[str, str]:
        """Names and short names of the nation, provinces and cities, and of the regions in the graph."""
        if self._region_names is None:
            table = dict(_gazetteer_names())
            for name in [n.get("name") for n in self.nodes_of(NodeKind.REGION)] + [
                d.get("region") for d in self.documents.values()
            ]:
                if name:
                    table.setdefault(key(name), name)
            self._region_names = table
        return self._region_names

    def provision_groups(self) -> dict[tuple[str | None, int | None, str | None], list[str]]:
        """Provisions by (region, year, level), so filters test a few hundred keys, not every provision."""
        if self._groups is None:
            groups: dict[tuple[str | None, int | None, str | None], list[str]] = defaultdict(list)
            for pids in self.provisions_of.values():
                for pid in pids:
                    prov = self._nodes[pid]
                    groups[(prov.get("region"), prov.get("year"), prov.get("region_level"))].append(pid)
            self._groups = dict(groups)
        return self._groups

    # --- full text --------------------------------------------------------------------------

    def search_buffer(self) -> tuple[str, np.ndarray, list[str]]:
        """All provision texts in one string, so a substring scan runs at C speed (for a store without
        a full-text index)."""
        if self._buffer is None:
            with self._lock:
                if self._buffer is None:
                    self._buffer = self._make_buffer()
        return self._buffer

    def _make_buffer(self) -> tuple[str, np.ndarray, list[str]]:
        starts, ids, parts, offset = [], [], [], 0
        for doc_id in sorted(self.provisions_of):
            for pid in self.provisions_of[doc_id]:
                text = (self._nodes[pid].get("text") or "").replace(_SEPARATOR, " ")
                starts.append(offset)
                ids.append(pid)
                parts.append(text)
                offset += len(text) + 1
        return _SEPARATOR.join(parts), np.asarray(starts, dtype=np.int64), ids


@cache
def _gazetteer_names() -> dict[str, str]:
    names = {NATION: NATION}
    for province in provinces():
        for name in (province, *cities_of(province)):
            names.setdefault(name, name)
            names.setdefault(short_name(name), name)
    return names


_INDEXES: weakref.WeakKeyDictionary[Any, tuple[Any, QueryIndex]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def index_for(store: GraphStore, refresh: bool = False) -> QueryIndex:
    """The store's index, built on first use; rebuilt when the store's generation has changed."""
    generation = store.generation
    with _LOCK:
        cached = _INDEXES.get(store)
        if cached is None or refresh or cached[0] is not generation:
            cached = (generation, QueryIndex(store))
            _INDEXES[store] = cached
        return cached[1]
