"""Neo4j adapter for the Cypher layer, through the official ``neo4j`` driver.

Not py2neo: its author declared it end-of-life in 2023 and pointed users to this driver. Writes
run in managed write transactions (retried by the driver on transient cluster errors), reads are
routed to readers, so the same code serves a single server, a cluster or Aura.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .cypher import CypherStoreError

CONNECT_SECONDS = 10.0


class Neo4jAdapter:
    def __init__(self, uri: str, auth: tuple[str, str] | None = None, database: str | None = None):
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Neo4jError

        try:
            # A listener that accepts but never speaks Bolt must fail in seconds, not after the driver's 60 s.
            self._driver = GraphDatabase.driver(uri, auth=auth, connection_timeout=CONNECT_SECONDS,
                                                connection_acquisition_timeout=CONNECT_SECONDS)
        except (ConfigurationError, ValueError) as exc:
            raise CypherStoreError(f"{uri}: {exc}") from exc
        self.database = database
        try:
            self._driver.verify_connectivity()
            rows = self.read("CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0], edition")
        except AuthError as exc:
            self._driver.close()
            hint = "set POLICYKG_NEO4J_USER and POLICYKG_NEO4J_PASSWORD"
            raise CypherStoreError(f"{uri}: authentication failed ({exc.message}); {hint}") from exc
        except (DriverError, Neo4jError, OSError) as exc:
            self._driver.close()
            raise CypherStoreError(f"{uri}: cannot connect ({exc})") from exc
        name, version, edition = rows[0]
        self.version = tuple(int(p) for p in str(version).split(".")[:2] if p.isdigit())
        self.server = f"{name} {version} {edition}"

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        from neo4j import RoutingControl

        result = self._driver.execute_query(query, params or {}, routing_=RoutingControl.READ, database_=self.database)
        return [list(record.values()) for record in result.records]

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        def work(tx) -> list[list[Any]]:
            return [list(record.values()) for record in tx.run(query, params or {})]

        with self._driver.session(database=self.database) as session:
            return session.execute_write(work)

    def ensure_schema(self, labels: Iterable[str], rel_types: Iterable[str]) -> None:
        """Unique ``id`` per label (each backed by an index) and ``_push`` indexes, in this server's syntax."""
        if self.version < (4, 3):
            raise CypherStoreError(f"{self.server}: policykg needs Neo4j 4.3 or later")
        for label in labels:
            name = f"policykg_{label.lower()}"
            if self.version >= (5, 0):
                self.write(f"CREATE CONSTRAINT {name}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
            else:
                self.write(f"CREATE CONSTRAINT {name}_id IF NOT EXISTS ON (n:{label}) ASSERT n.id IS UNIQUE")
            self.write(f"CREATE INDEX {name}_push IF NOT EXISTS FOR (n:{label}) ON (n._push)")
        for rel in rel_types:
            self.write(f"CREATE INDEX policykg_{rel.lower()}_push IF NOT EXISTS FOR ()-[r:{rel}]-() ON (r._push)")

    def close(self) -> None:
        self._driver.close()
