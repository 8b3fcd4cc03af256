"""FalkorDB adapter for the Cypher layer: a remote server, or one started embedded by falkordblite.

Every ``GRAPH.QUERY`` runs atomically on FalkorDB, so one batched statement is one transaction.
Parameters travel in the query's ``CYPHER name=value`` header, which the ``falkordb`` client
builds with its own quoting; nothing here formats a value into query text.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .cypher import CypherStoreError

_CONSTRAINTS_SINCE = 40000  # GRAPH.CONSTRAINT arrived with FalkorDB 4.0 (module version 4xxyy)
SOCKET_TIMEOUT_S = 600  # redis-py's default (5 s) cuts off reading a large graph's nodes


class FalkorDBAdapter:
    def __init__(self, db: Any, graph: str, embedded: bool = False):
        self._db = db
        self.graph_name = graph
        self._graph = db.select_graph(graph)
        self.embedded = embedded
        self._owner = True
        self.module_version = self._module_version()
        version = self.module_version
        shown = f"{version // 10000}.{version // 100 % 100}.{version % 100}" if version else "unknown version"
        self.server = f"FalkorDB {shown}" + (" (embedded)" if embedded else "")

    @classmethod
    def remote(
        cls,
        host: str,
        port: int,
        graph: str,
        username: str | None = None,
        password: str | None = None,
        ssl: bool = False,
    ) -> FalkorDBAdapter:
        from falkordb import FalkorDB

        try:
            db = FalkorDB(host=host, port=port, username=username, password=password, ssl=ssl,
                          socket_connect_timeout=10, socket_timeout=SOCKET_TIMEOUT_S)
            db.connection.ping()
        except Exception as exc:  # redis raises several connection error types
            raise CypherStoreError(f"falkordb://{host}:{port}: cannot connect ({exc})") from exc
        return cls(db, graph)

    @classmethod
    def embedded(cls, path: str | Path, graph: str, port: int | None = None) -> FalkorDBAdapter:
        """Start a FalkorDB server from the falkordblite package, persisting to ``path`` (an .rdb file).

        It listens on a unix socket beside its files, and on TCP ``port`` when one is given.
        """
        from redislite.falkordb_client import FalkorDB

        path = Path(path).absolute()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CypherStoreError(f"falkordblite://{path}: cannot create its folder ({exc.strerror or exc})") from exc
        config = {"port": str(port), "bind": "127.0.0.1"} if port else {}
        try:
            db = FalkorDB(str(path), serverconfig=config, socket_timeout=SOCKET_TIMEOUT_S)
        except Exception as exc:
            raise CypherStoreError(f"{path}: cannot start embedded FalkorDB ({exc})") from exc
        return cls(db, graph, embedded=True)

    def with_graph(self, graph: str) -> FalkorDBAdapter:
        """Another graph on the same server and connection (closing it leaves the server running)."""
        other = FalkorDBAdapter.__new__(FalkorDBAdapter)
        other.__dict__.update(self.__dict__)
        other.graph_name, other._graph, other._owner = graph, self._db.select_graph(graph), False
        return other

    def _module_version(self) -> int:
        try:
            modules = self._db.connection.execute_command("MODULE", "LIST")
        except Exception:  # managed servers may refuse MODULE LIST
            return 0
        for module in modules:
            info = module if isinstance(module, dict) else dict(zip(module[::2], module[1::2], strict=False))
            info = {_text(k): v for k, v in info.items()}
            if _text(info.get("name")) == "graph":
                return int(info.get("ver", 0))
        return 0

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        return self._graph.ro_query(query, params).result_set

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        return self._graph.query(query, params).result_set

    def ensure_schema(self, labels: Iterable[str], rel_types: Iterable[str]) -> None:
        """Range indexes on ``id`` and ``_push``, and a unique ``id`` constraint where this FalkorDB has them."""
        indexed = self._indexed()
        wanted = [(label, prop, f"(n:{label})", "n") for label in labels for prop in ("id", "_push")]
        wanted += [(rel, "_push", f"()-[r:{rel}]-()", "r") for rel in rel_types]
        for name, prop, pattern, var in wanted:
            if (name, prop) not in indexed:
                self.write(f"CREATE INDEX FOR {pattern} ON ({var}.{prop})")
        constrained = self._constrained()
        supported = self.module_version >= _CONSTRAINTS_SINCE or not self.module_version
        for label in labels:
            if label in constrained or not supported:
                continue
            try:
                self._graph.create_node_unique_constraint(label, "id")
            except Exception as exc:  # an older server without constraints: the index still serves
                if self.module_version:
                    message = f"{self.server}: cannot create constraint on {label}.id ({exc})"
                    raise CypherStoreError(message) from exc

    def _indexed(self) -> set[tuple[str, str]]:
        if not self._graph_exists():
            return set()
        rows = self.read("CALL db.indexes() YIELD label, properties RETURN label, properties")
        return {(label, prop) for label, props in rows for prop in props}

    def _graph_exists(self) -> bool:
        return self.graph_name in (self._db.list_graphs() or [])

    def _constrained(self) -> set[str]:
        if not self._graph_exists():
            return set()
        try:
            constraints = self._graph.list_constraints()
        except Exception:
            return set()
        return {c.get("label") for c in constraints if c.get("type") == "UNIQUE" and c.get("properties") == ["id"]}

    def drop(self) -> None:
        """Delete the whole graph (tests and benchmarks)."""
        if self._graph_exists():
            self._graph.delete()

    def close(self) -> None:
        """Close the connection; an embedded server shuts down with its last connection."""
        if not self._owner:
            return
        if self.embedded:
            # falkordblite stops its server only when it sees one client left: a server that answered
            # from several threads holds a pooled connection per thread, and the server would live on.
            pool = getattr(getattr(self._db, "client", None), "connection_pool", None)
            if pool is not None:
                pool.disconnect()
        closer = getattr(self._db, "close", None)
        if closer:
            closer()


def _text(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value
