"""Stores behind one interface.

``GraphStore`` is what queries read: nodes and edges as plain dicts, looked up by id, kind and
endpoint. ``EmbeddedStore`` is the default: one SQLite file on disk (durable, every write in one
transaction, so a crash or Ctrl-C mid-build leaves the previous contents intact) and a networkx
``MultiDiGraph`` in memory as the read engine.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import networkx as nx

from .model import SHARED_KINDS, Edge, Fragment, Node

SCHEMA_VERSION = 1
DETACHED = "evidence"  # the edge attribute the in-memory graph leaves in SQLite
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, source_name TEXT NOT NULL, content_hash TEXT NOT NULL, text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, owner TEXT, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS nodes_owner ON nodes(owner);
CREATE INDEX IF NOT EXISTS nodes_kind ON nodes(kind);
CREATE TABLE IF NOT EXISTS edges (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL,
    owner TEXT, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edges_owner ON edges(owner);
CREATE INDEX IF NOT EXISTS edges_source ON edges(source);
CREATE INDEX IF NOT EXISTS edges_target ON edges(target);
"""

# Full text of provisions: an FTS5 trigram index over the texts the nodes table already holds (external
# content, read through a view, so no text is stored twice; ``detail=none``: rowids only, the smallest
# index). Two U+0001 marks end each indexed text, so every one- or two-character substring of a text
# begins some trigram and short terms are found by the trigrams they begin (``provision_candidates``).
# Triggers keep it in step with every write of the nodes table, inside the writer's transaction. Nodes
# are written with INSERT OR REPLACE, whose implicit delete fires no trigger (recursive_triggers is
# off), hence the BEFORE INSERT trigger that removes the row being replaced.
_INDEXED = "json_extract({row}.data, '$.text') || char(1, 1)"
_TEXT_INDEX = [
    "DROP TRIGGER IF EXISTS provision_fts_replace",  # left behind if the table alone was dropped
    "DROP TRIGGER IF EXISTS provision_fts_insert",
    "DROP TRIGGER IF EXISTS provision_fts_delete",
    "DROP TRIGGER IF EXISTS provision_fts_update",
    f"""CREATE VIEW IF NOT EXISTS provision_texts(pid, text) AS
        SELECT rowid, {_INDEXED.format(row="nodes")} FROM nodes WHERE kind = 'Provision'""",
    """CREATE VIRTUAL TABLE provision_fts USING fts5(text, content='provision_texts', content_rowid='pid',
        tokenize='trigram case_sensitive 1', detail=none)""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS provision_trigrams USING fts5vocab(provision_fts, row)",
    f"""CREATE TRIGGER provision_fts_replace BEFORE INSERT ON nodes BEGIN
        INSERT INTO provision_fts(provision_fts, rowid, text)
            SELECT 'delete', rowid, {_INDEXED.format(row="nodes")} FROM nodes WHERE id = new.id AND kind = 'Provision';
    END""",
    f"""CREATE TRIGGER provision_fts_insert AFTER INSERT ON nodes WHEN new.kind = 'Provision' BEGIN
        INSERT INTO provision_fts(rowid, text) VALUES (new.rowid, {_INDEXED.format(row="new")});
    END""",
    f"""CREATE TRIGGER provision_fts_delete AFTER DELETE ON nodes WHEN old.kind = 'Provision' BEGIN
        INSERT INTO provision_fts(provision_fts, rowid, text)
            VALUES ('delete', old.rowid, {_INDEXED.format(row="old")});
    END""",
    f"""CREATE TRIGGER provision_fts_update AFTER UPDATE OF kind, data ON nodes BEGIN
        INSERT INTO provision_fts(provision_fts, rowid, text)
            SELECT 'delete', old.rowid, {_INDEXED.format(row="old")} WHERE old.kind = 'Provision';
        INSERT INTO provision_fts(rowid, text)
            SELECT new.rowid, {_INDEXED.format(row="new")} WHERE new.kind = 'Provision';
    END""",
    "INSERT INTO provision_fts(provision_fts) VALUES ('rebuild')",
]
_MAX_PREFIX_TRIGRAMS = 5000  # a short term beginning more trigrams than this is checked against every provision


class StoreError(Exception):
    pass


@runtime_checkable
class GraphStore(Protocol):
    """The read interface every store offers and every query uses.

    Besides nodes, edges and texts, three capabilities that only some stores have are stated here,
    each with a meaning every store can give it (``PlainReads`` gives the plain one), so queries
    never probe a store for them:

    - ``evidence=False`` on ``out_edges``/``in_edges`` may leave the edges' evidence out, and
      ``complete`` adds it back (the embedded store keeps evidence on disk; others return it always);
    - ``generation``: an object that changes whenever the contents do, so derived indexes know when
      they are stale (``None``: the store cannot tell; its reader refreshes them);
    - ``text_index`` and ``provision_candidates``: a full-text index of provision texts answering which
      provisions may hold a term (a superset of those that do; ``None``, or ``text_index`` false: no
      such index, the caller scans the texts itself).
    """

    def node(self, node_id: str) -> dict[str, Any] | None: ...
    def nodes(self, kind: str | None = None) -> list[dict[str, Any]]: ...
    def out_edges(self, node_id: str, kinds: Iterable[str] | None = None, *,
                  evidence: bool = True) -> list[dict[str, Any]]: ...
    def in_edges(self, node_id: str, kinds: Iterable[str] | None = None, *,
                 evidence: bool = True) -> list[dict[str, Any]]: ...
    def edges(self, kind: str | None = None) -> list[dict[str, Any]]: ...
    def document_text(self, document_id: str) -> str | None: ...
    def quote(self, document_id: str | None, span: Iterable[int] | None) -> str | None: ...
    def complete(self, edges: list[dict[str, Any]]) -> list[dict[str, Any]]: ...

    @property
    def generation(self) -> object | None: ...

    @property
    def text_index(self) -> bool: ...

    def provision_candidates(self, term: str) -> list[str] | None: ...


class QuotesSources:
    """``quote`` for any store that has ``document_text``: the words at a span of a source text."""

    def document_text(self, document_id: str) -> str | None:
        raise NotImplementedError

    def quote(self, document_id: str | None, span: Iterable[int] | None) -> str | None:
        if not document_id or not span:
            return None
        text = self.document_text(document_id)
        start, end = span
        return text[start:end] if text is not None else None


class PlainReads(QuotesSources):
    """The plain meaning of ``GraphStore``'s optional capabilities, for a store that has none of them:
    evidence always read with its edge, no generation, no full-text index (the Cypher and RDF stores)."""

    text_index = False

    @property
    def generation(self) -> object | None:
        return None

    def complete(self, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return edges

    def provision_candidates(self, term: str) -> list[str] | None:
        return None


class EmbeddedStore(QuotesSources):
    text_index: bool  # the provision_fts table is there and in step (GraphStore)

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.read_only = False
        try:
            try:
                self._db = self._connect()
            except sqlite3.OperationalError as exc:
                if "readonly" not in str(exc) or not self.path.exists():
                    raise
                self.read_only = True  # a store the user may read but not write: answer questions from it
                self._db = self._connect_read_only()
            self._check_version()
            self.text_index = self._open_text_index()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a policykg store ({exc})") from exc
        self._graph: nx.MultiDiGraph | None = None
        self._has_evidence: set[str] = set()
        self._provision_rows: dict[int, str] = {}  # provisions by rowid, the full-text index's key
        # The one connection is shared by a server's threads; sqlite3's statement cache is not safe
        # for two threads running the same SQL at once (one resets the other's rows), so reads that
        # questions make while being answered take turns.
        self._reading = threading.Lock()
        self._seen_version = self._data_version()

    def _data_version(self) -> int:
        """SQLite's count of commits by other connections (a build in another process): a change means
        what is held in memory is stale. This connection's own writes do not change it."""
        with self._reading:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _connect(self) -> sqlite3.Connection:
        # Readers may run on a server's worker threads; the sqlite3 module is built serialized
        # (threadsafety 3), so sharing the one connection is safe.
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=sqlite3.threadsafety != 3)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SCHEMA)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _connect_read_only(self) -> sqlite3.Connection:
        """Read-only access; where even the write-ahead log's shared memory cannot be made (a read-only
        folder), the file is read as immutable: nothing can be writing a store nobody may write."""
        base = f"file:{self.path.resolve()}?mode=ro"
        for uri in (base, base + "&immutable=1"):
            db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=sqlite3.threadsafety != 3)
            try:
                db.execute("SELECT count(*) FROM meta").fetchone()
                return db
            except sqlite3.OperationalError:
                db.close()
        raise sqlite3.OperationalError(f"{self.path}: cannot be opened, even read-only")

    def close(self) -> None:
        self._db.close()

    def _has_text_index(self) -> bool:
        names = ("provision_fts", "provision_fts_replace", "provision_fts_insert", "provision_fts_delete",
                 "provision_fts_update")
        row = self._db.execute(f"SELECT count(*) FROM sqlite_master WHERE name IN ({','.join('?' * len(names))})",
                               names).fetchone()
        return row[0] == len(names)

    def _open_text_index(self) -> bool:
        """Whether the full-text index is there; a writable store made before it gets it now, or, when a
        build holds the store, at its own next write (``transaction``)."""
        if self._has_text_index():
            return True
        if self.read_only:
            return False
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        try:
            self._make_text_index()
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return True

    def _make_text_index(self) -> None:
        """Inside a transaction: the full-text index and its triggers, built from the provisions there."""
        provisions = self._db.execute("SELECT count(*) FROM nodes WHERE kind = 'Provision'").fetchone()[0]
        if provisions:
            print(f"policykg: {self.path}: indexing the texts of {provisions} provisions for full-text search "
                  "(once: the store was made before the index)", file=sys.stderr, flush=True)
        self._db.execute("DROP TABLE IF EXISTS provision_fts")
        for statement in _TEXT_INDEX:
            self._db.execute(statement)

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None and self.read_only:
            raise StoreError(f"{self.path}: not a policykg store (no schema version)")
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema {row[0]}, this policykg reads {SCHEMA_VERSION}")

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """All writes inside commit together or not at all."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is read-only; nothing was written")
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(self._write_failure(exc)) from exc
        try:
            if not self.text_index:  # a store made before the index, held by a build when it was opened
                self._make_text_index()
            yield Writer(self._db)
            self._db.execute("COMMIT")
            self.text_index = True
        except sqlite3.OperationalError as exc:
            self._db.execute("ROLLBACK")
            raise StoreError(self._write_failure(exc)) from exc
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        finally:
            self._graph = None

    def _write_failure(self, exc: sqlite3.OperationalError) -> str:
        if "locked" in str(exc) or "busy" in str(exc):
            return f"{self.path}: another build is writing this store; try again when it has finished"
        return f"{self.path}: cannot write the store ({exc}); nothing was written"

    def content_hash(self, document_id: str) -> str | None:
        row = self._db.execute("SELECT content_hash FROM documents WHERE id=?", (document_id,)).fetchone()
        return row[0] if row else None

    def document_ids(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT id FROM documents ORDER BY id")]

    # --- reading (GraphStore) ---------------------------------------------------------------

    @property
    def generation(self) -> object:
        """The in-memory graph: a new object after each write, this process's or another's (a rebuild
        while ``serve`` runs), so every question asked after a build answers from what it wrote."""
        version = self._data_version()
        if version != self._seen_version:
            self._graph = None
            self.text_index = self.text_index or self._has_text_index()
        return self.graph

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            self._graph = self._load_graph()
        return self._graph

    def _load_graph(self) -> nx.MultiDiGraph:
        """Nodes and edges in memory, except the edges' evidence: the aligned phrases of lineage edges
        are most of a large graph's bytes, so they stay in SQLite until an edge is returned."""
        self._seen_version = self._data_version()  # before reading: a commit during the load reloads again
        graph = nx.MultiDiGraph()
        self._provision_rows = {}
        for rowid, node_id, kind, data in self._db.execute("SELECT rowid, id, kind, data FROM nodes"):
            graph.add_node(node_id, **json.loads(data))
            if kind == "Provision":
                self._provision_rows[rowid] = node_id
        self._has_evidence = set()
        for edge_id, source, target, data, has_evidence in self._db.execute(
                f"SELECT id, source, target, json_remove(data, '$.{DETACHED}'), "
                f"json_type(data, '$.{DETACHED}') IS NOT NULL FROM edges"):
            if source in graph and target in graph:
                graph.add_edge(source, target, key=edge_id, **json.loads(data))
                if has_evidence:
                    self._has_evidence.add(edge_id)
        return graph

    def complete(self, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Edges read with ``evidence=False``, with their evidence."""
        return self._complete([dict(e) for e in edges])

    def _complete(self, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Edge records with their evidence read back from SQLite."""
        wanted = [e["id"] for e in edges if e["id"] in self._has_evidence]
        if not wanted:
            return edges
        found: dict[str, Any] = {}
        query = f"SELECT id, data -> '$.{DETACHED}' FROM edges"  # ->: always JSON text, whatever the type
        with self._reading:
            if len(wanted) > 20_000:  # one pass over the table beats thousands of lookups
                rows = self._db.execute(query + f" WHERE json_type(data, '$.{DETACHED}') IS NOT NULL")
                found = {edge_id: value for edge_id, value in rows}
            else:
                for chunk in chunks(wanted, 500):
                    rows = self._db.execute(query + f" WHERE id IN ({','.join('?' * len(chunk))})", chunk)
                    found.update(rows)
        for edge in edges:
            if edge["id"] in found:
                edge[DETACHED] = json.loads(found[edge["id"]])
        return edges

    def node(self, node_id: str) -> dict[str, Any] | None:
        data = self.graph.nodes.get(node_id)
        return dict(data) if data is not None else None

    def nodes(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [dict(d) for _, d in self.graph.nodes(data=True) if kind is None or d.get("kind") == kind]

    def out_edges(self, node_id: str, kinds: Iterable[str] | None = None, *,
                 evidence: bool = True) -> list[dict[str, Any]]:
        """``evidence=False`` leaves the evidence on disk (``complete`` adds it): for walks that dress only a page."""
        if node_id not in self.graph:
            return []
        wanted = set(kinds) if kinds else None
        edges = [dict(d) for _, _, d in self.graph.out_edges(node_id, data=True) if not wanted or d["kind"] in wanted]
        return self._complete(edges) if evidence else edges

    def in_edges(self, node_id: str, kinds: Iterable[str] | None = None, *,
                 evidence: bool = True) -> list[dict[str, Any]]:
        """``evidence=False`` leaves the evidence on disk (``complete`` adds it): for walks that dress only a page."""
        if node_id not in self.graph:
            return []
        wanted = set(kinds) if kinds else None
        edges = [dict(d) for _, _, d in self.graph.in_edges(node_id, data=True) if not wanted or d["kind"] in wanted]
        return self._complete(edges) if evidence else edges

    def edges(self, kind: str | None = None) -> list[dict[str, Any]]:
        return self._complete([dict(d) for _, _, d in self.graph.edges(data=True)
                               if kind is None or d.get("kind") == kind])

    def document_text(self, document_id: str) -> str | None:
        with self._reading:
            row = self._db.execute("SELECT text FROM documents WHERE id=?", (document_id,)).fetchone()
        return row[0] if row else None

    def provision_candidates(self, term: str) -> list[str] | None:
        """Ids of the provisions whose text may hold ``term``: every one that does, and perhaps others
        (the index matches the term's trigrams, not their order); ``None`` without the index."""
        if not self.text_index or not term:
            return None
        _ = self.graph  # loads the rowids of the provisions with it
        rows = self._provision_rows
        with self._reading:
            if len(term) >= 3:
                query = " AND ".join(map(_fts_string, dict.fromkeys(term[i : i + 3] for i in range(len(term) - 2))))
            else:  # a short term lies at the start of a trigram (the texts end in two marks): find those
                grams = self._trigrams_beginning(term)
                if grams is None:
                    return list(rows.values())
                if not grams:
                    return []
                query = " OR ".join(_fts_string(g) for g in grams)
            found = self._db.execute("SELECT rowid FROM provision_fts WHERE provision_fts MATCH ?", (query,))
            return [rows[rowid] for (rowid,) in found if rowid in rows]

    def _trigrams_beginning(self, prefix: str) -> list[str] | None:
        """The indexed trigrams that begin with ``prefix`` (``None``: too many to ask for one by one)."""
        last = ord(prefix[-1]) + 1
        last = 0xE000 if 0xD800 <= last < 0xE000 else last
        if last > 0x10FFFF:
            rows = self._db.execute("SELECT term FROM provision_trigrams WHERE term >= ?", (prefix,))
        else:
            rows = self._db.execute("SELECT term FROM provision_trigrams WHERE term >= ? AND term < ?",
                                    (prefix, prefix[:-1] + chr(last)))
        grams = []
        for (gram,) in rows:
            if not gram.startswith(prefix):
                break
            grams.append(gram)
            if len(grams) > _MAX_PREFIX_TRIGRAMS:
                return None
        return grams

    def stub_document_count(self) -> int:
        """Cited-only documents: Document nodes no loaded file owns."""
        row = self._db.execute("SELECT COUNT(*) FROM nodes WHERE kind='Document' AND owner IS NULL").fetchone()
        return row[0]

    def counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT kind, COUNT(*) FROM nodes GROUP BY kind ORDER BY kind").fetchall()
        edge_rows = self._db.execute("SELECT kind, COUNT(*) FROM edges GROUP BY kind ORDER BY kind").fetchall()
        return {**{k: n for k, n in rows}, **{k: n for k, n in edge_rows}}


class Writer:
    """Writes inside one transaction of an ``EmbeddedStore``."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def replace_document(self, fragment: Fragment) -> None:
        """Drop what the document contributed before, then write what it contributes now."""
        self.remove_document(fragment.document_id)
        self._db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?)",
            (fragment.document_id, fragment.source_name, fragment.content_hash, fragment.source_text),
        )
        self.upsert_nodes(fragment.nodes)
        self.add_edges(fragment.edges)

    def remove_document(self, document_id: str) -> None:
        owned = [row[0] for row in self._db.execute("SELECT id FROM nodes WHERE owner=?", (document_id,))]
        self._db.execute("DELETE FROM documents WHERE id=?", (document_id,))
        self._db.execute("DELETE FROM edges WHERE owner=?", (document_id,))
        for chunk in chunks(owned, 500):
            marks = ",".join("?" * len(chunk))
            self._db.execute(f"DELETE FROM edges WHERE source IN ({marks}) OR target IN ({marks})", chunk * 2)
        self._db.execute("DELETE FROM nodes WHERE owner=?", (document_id,))

    def upsert_nodes(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            record = node.record()
            if node.kind in SHARED_KINDS or node.document is None:
                record = self._merge_shared(record)
            self._db.execute(
                "INSERT OR REPLACE INTO nodes VALUES (?, ?, ?, ?)",
                (node.id, str(node.kind), None if node.kind in SHARED_KINDS else node.document,
                 json.dumps(record, ensure_ascii=False)),
            )

    def _merge_shared(self, record: dict[str, Any]) -> dict[str, Any]:
        row = self._db.execute("SELECT data FROM nodes WHERE id=?", (record["id"],)).fetchone()
        if row is None:
            return record
        old = json.loads(row[0])
        merged = {**record, **{k: v for k, v in old.items() if v not in (None, [], "") and k != "aliases"}}
        merged["aliases"] = sorted(set(old.get("aliases") or []) | set(record.get("aliases") or []))
        return merged

    def add_edges(self, edges: Iterable[Edge], owner: str | None = None) -> None:
        self.add_edge_rows(edge_row(e, owner) for e in edges)

    def add_edge_rows(self, rows: Iterable[tuple[str | None, ...]]) -> None:
        """Edges already turned into table rows (``edge_row``), e.g. by a worker process."""
        self._db.executemany("INSERT OR REPLACE INTO edges VALUES (?, ?, ?, ?, ?, ?)", rows)

    def delete_edges(self, kinds: Iterable[str], touching: Iterable[str]) -> None:
        """Remove edges of these kinds that start or end at any of these node ids."""
        kinds = list(kinds)
        for chunk in chunks(list(touching), 400):
            marks = ",".join("?" * len(chunk))
            kind_marks = ",".join("?" * len(kinds))
            self._db.execute(
                f"DELETE FROM edges WHERE kind IN ({kind_marks}) AND (source IN ({marks}) OR target IN ({marks}))",
                kinds + chunk + chunk,
            )

    def drop_orphan_shared_nodes(self) -> int:
        cursor = self._db.execute(
            "DELETE FROM nodes WHERE owner IS NULL AND kind != 'Region' AND id NOT IN "
            "(SELECT source FROM edges UNION SELECT target FROM edges)"
        )
        return cursor.rowcount

    # --- what linkers read and replace (they see the fragments just written) ----------------------
    # Linkers use these methods only, never SQL: the schema lives in this module alone.

    def document_records(self, loaded_only: bool = False) -> list[dict[str, Any]]:
        """Every Document node (with ``loaded_only``, only those a loaded file owns, not cited-only stubs)."""
        sql = "SELECT data FROM nodes WHERE kind='Document'" + (" AND owner IS NOT NULL" if loaded_only else "")
        return [json.loads(row[0]) for row in self._db.execute(sql)]

    def provisions_of(self, document_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Per document, its provisions' id, text, heading and span, in id order."""
        wanted = sorted(set(document_ids))
        found: dict[str, list[dict[str, Any]]] = {d: [] for d in wanted}
        for chunk in chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT owner, id, json_extract(data, '$.text'), json_extract(data, '$.heading'), "
                f"json_extract(data, '$.span') FROM nodes WHERE kind='Provision' AND owner IN ({marks})", chunk)
            for owner, node_id, text, heading, span in rows:
                found[owner].append({"id": node_id, "text": text, "heading": heading,
                                     "span": json.loads(span) if span else None})
        for provisions in found.values():
            provisions.sort(key=lambda r: r["id"])
        return found

    def document_texts(self, document_ids: Iterable[str]) -> dict[str, str]:
        """The stored source text of each document."""
        out: dict[str, str] = {}
        for chunk in chunks(sorted(set(document_ids)), 500):
            marks = ",".join("?" * len(chunk))
            out.update(self._db.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", chunk))
        return out

    def edge_ends(self, document_ids: Iterable[str], kinds: Iterable[str]) -> list[tuple[str, str, str, str]]:
        """(owning document, source, target, kind) of the edges of these kinds the documents drew."""
        kinds = list(kinds)
        out: list[tuple[str, str, str, str]] = []
        kind_marks = ",".join("?" * len(kinds))
        for chunk in chunks(sorted(set(document_ids)), 500):
            marks = ",".join("?" * len(chunk))
            out.extend(self._db.execute(
                f"SELECT owner, source, target, kind FROM edges WHERE owner IN ({marks}) AND kind IN ({kind_marks})",
                (*chunk, *kinds)))
        return out

    def drop_links(self, kinds: Iterable[str], *, owner: str | None = None, source: str | None = None,
                   source_kind: str | None = None) -> int:
        """Remove the edges of these kinds drawn by ``owner`` or leaving ``source`` (only those whose source
        node is of ``source_kind``, when given): a linker clears what it drew before drawing again."""
        kinds = list(kinds)
        where = [f"e.kind IN ({','.join('?' * len(kinds))})"]
        params: list[Any] = list(kinds)
        for column, value in (("e.owner", owner), ("e.source", source)):
            if value is not None:
                where.append(f"{column}=?")
                params.append(value)
        join = ""
        if source_kind is not None:
            join, where = " JOIN nodes n ON n.id = e.source", [*where, "n.kind=?"]
            params.append(source_kind)
        ids = [row[0] for row in self._db.execute(f"SELECT e.id FROM edges e{join} WHERE {' AND '.join(where)}",
                                                 params)]
        self.delete_edge_ids(ids)
        return len(ids)

    def cached_vectors(self, keys: Iterable[str]) -> dict[str, bytes]:
        """Vectors stored before under these keys (the optional semantic signal's embeddings, by text hash)."""
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        out: dict[str, bytes] = {}
        for chunk in chunks(sorted(set(keys)), 500):
            marks = ",".join("?" * len(chunk))
            out.update(self._db.execute(f"SELECT key, value FROM vectors WHERE key IN ({marks})", chunk))
        return out

    def cache_vectors(self, vectors: dict[str, bytes]) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", vectors.items())

    def delete_edge_ids(self, ids: Iterable[str]) -> None:
        for chunk in chunks(list(ids), 500):
            self._db.execute(f"DELETE FROM edges WHERE id IN ({','.join('?' * len(chunk))})", chunk)


def edge_row(edge: Edge, owner: str | None = None) -> tuple[str | None, ...]:
    """An edge as a row of the edges table."""
    return (edge.id, edge.source, edge.target, str(edge.kind), owner or edge.document,
            json.dumps(edge.record(), ensure_ascii=False))


def _fts_string(text: str) -> str:
    """``text`` as one FTS5 string (a trigram: one token)."""
    return '"' + text.replace('"', '""') + '"'


def chunks(items: list, size: int) -> Iterator[list]:
    """``items`` in slices of ``size`` (SQL parameter lists, write batches)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
