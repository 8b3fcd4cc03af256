"""The questions on the command line: tables on a terminal, ``--json`` (the answer model's JSON) for scripts.

Imported by ``policykg.api.cli.main``. Each command is a thin shell over one query function, and
each answer model has one renderer (``_show_*``) that prints it as tables.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from policykg import queries
from policykg.api.cli import DEFAULT_STORE, StoreOption, app, err, fail, open_store, out
from policykg.graph.store import EmbeddedStore, StoreError
from policykg.queries.answers import (
    Answer,
    CascadeAnswer,
    CompareAnswer,
    DocRef,
    EntityAnswer,
    EntityCandidate,
    LineageAnswer,
    ObligationsAnswer,
    ProvisionBrief,
    ProvisionRef,
    SearchAnswer,
    TargetChange,
    ThemeTarget,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the answer as JSON (for scripts).")]
LimitOption = Annotated[int | None, typer.Option("--limit", min=1, help="At most this many items per list.")]
OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Skip this many items of each list.")]
RegionOption = Annotated[str | None, typer.Option("--region", help="Jurisdiction, e.g. 四川省 (reads short forms).")]
YearOption = Annotated[int | None, typer.Option("--year", min=1900, max=2100)]
CLIP = 60


def _answer[A: Answer](store: Path, ask: Callable[[EmbeddedStore], A], as_json: bool,
                       show: Callable[[A], None]) -> None:
    """Ask the question of the store; print the answer as JSON or through its renderer."""
    with open_store(store) as db:
        try:
            answer = ask(db)
        except queries.QueryError as exc:
            _explain(exc)
        except ValueError as exc:
            fail(str(exc), code=2)
    if as_json:
        print(answer.model_dump_json(indent=1))
    else:
        show(answer)


def _explain(exc: queries.QueryError) -> None:
    for candidate in exc.candidates[:20]:
        match candidate:
            case ProvisionRef():
                label = candidate.cite
            case DocRef():
                label = candidate.title or candidate.id
            case EntityCandidate():
                label = candidate.name or candidate.id
        where = f" ({candidate.region})" if candidate.region else ""
        err.print(f"  candidate: {label}{where}  [{candidate.id}]", highlight=False, markup=False)
    fail(exc.message, code=1 if isinstance(exc, queries.NotFound) else 2)


def _clip(text: Any, width: int = CLIP) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(table: Table, *cells: Any) -> None:
    """Cells are data, not rich markup: a 文号 such as 川办发[2020]53号 must print as written."""
    table.add_row(*(Text("" if c is None else str(c)) for c in cells))


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


# --- obligations --------------------------------------------------------------------------------


@app.command()
def obligations(
    agency: Annotated[str, typer.Argument(help="Any name of the agency: 四川省医疗保障局, 省医保局 (with --region).")],
    role: Annotated[str | None, typer.Option("--role", help="lead or support.")] = None,
    year: YearOption = None,
    region: RegionOption = None,
    follow_succession: Annotated[
        bool, typer.Option("--follow-succession", help="Also the bodies it replaced or that replaced it.")
    ] = False,
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
) -> None:
    """The provisions an agency leads or supports, grouped by document and year."""
    if role not in (None, "lead", "support"):
        fail("--role must be lead or support", code=2)
    _answer(store, lambda db: queries.obligations(db, agency, role, year, region, follow_succession, limit, offset),
            as_json, _show_obligations)


def _show_obligations(answer: ObligationsAnswer) -> None:
    agency = answer.agency
    aliases = "、".join(a for a in agency.aliases if a != agency.name)
    counts = answer.counts
    out.print(f"[bold]{escape(agency.name)}[/bold]" + escape(f" (also {aliases})" if aliases else "")
              + f": {answer.total} provisions, {counts.lead} lead, {counts.support} support", highlight=False)
    out.print("by year: " + ", ".join(f"{y.year}: {y.lead} lead / {y.support} support" for y in answer.by_year),
              highlight=False, markup=False)
    for group in answer.documents:
        doc = group.document
        name = f"{doc.doc_number or ''} {doc.title or ''}" if doc else ""
        title = f"{name} ({group.year}): {group.counts.lead} lead, {group.counts.support} support"
        table = Table("item", "heading", "role", "as written", title=escape(title), title_justify="left")
        for row in group.obligations:
            via = f" via {row.relation}" if row.relation else ""
            _row(table, row.provision.label, _clip(row.provision.heading, 30), row.role + via, _clip(row.words, 50))
        out.print(table)


# --- lineage ------------------------------------------------------------------------------------


@app.command()
def lineage(
    provision: Annotated[str, typer.Argument(help="Provision id, or DOCUMENT:ITEM such as 川办发〔2020〕53号:13.")],
    depth: Annotated[int, typer.Option("--depth", min=1, max=10, help="Hops to follow each way.")] = 3,
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
) -> None:
    """Upstream and downstream chains (derives from / continues) with scores and quoted evidence."""
    _answer(store, lambda db: queries.lineage(db, provision, depth, limit, offset), as_json, _show_lineage)


def _show_lineage(answer: LineageAnswer) -> None:
    prov = answer.provision
    where = f"{prov.heading or ''} ({prov.region}, {prov.year})"
    out.print(f"[bold]{escape(prov.cite)}[/bold] " + escape(where), highlight=False)
    out.print(_clip(prov.text, 200), highlight=False, markup=False)
    for link in answer.document_lineage:
        out.print(f"document {link.kind} {link.document.title or link.document.doc_number}",
                  highlight=False, markup=False)
    for direction, hops in (("upstream", answer.upstream), ("downstream", answer.downstream)):
        table = Table("depth", "link", "from", "to", "score", "why", "aligned sentences (from | to)",
                      title=f"{direction}: {hops.total} hops", title_justify="left")
        for hop in hops.items:
            sentences = "\n".join(f"{_clip(e.source_quote, 40)} | {_clip(e.target_quote, 40)}"
                                  for e in hop.evidence[:3])
            why = " ".join(w for w in (hop.reason, "" if hop.shape in (None, "one to one") else hop.shape) if w)
            _row(table, str(hop.depth), hop.kind, _cite(hop.source), _cite(hop.target), _score(hop.score), why,
                 sentences)
        out.print(table)


def _cite(prov: ProvisionBrief | ProvisionRef) -> str:
    return f"{prov.cite} {_clip(prov.heading, 20)}"


# --- cascade ------------------------------------------------------------------------------------


@app.command()
def cascade(
    ref: Annotated[str, typer.Argument(help="A provincial provision (川办发〔2020〕53号:13) or a document.")],
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
) -> None:
    """Lower-level provisions derived from it, by region, with coverage and wording changes."""
    _answer(store, lambda db: queries.cascade(db, ref, limit, offset), as_json, _show_cascade)


def _show_cascade(answer: CascadeAnswer) -> None:
    root = answer.root
    name = root.provision.cite if root.provision else root.document.title if root.document else None
    out.print(f"[bold]{escape(name or '')}[/bold]: {answer.total} derived provisions", highlight=False)
    for group in answer.regions:
        table = Table("provision", "derives from", "score", "targets", "agencies added",
                      title=f"{group.region}: {group.count}", title_justify="left")
        for item in group.items:
            changes = ", ".join(f"{c.change} {_target_words(c)}" for c in item.target_changes)
            added = "、".join(a.name for a in item.agencies.added)
            _row(table, _cite(item.provision), _cite(item.derives_from), _score(item.score), _clip(changes, 40),
                 _clip(added, 30))
        out.print(table)
    coverage = answer.coverage
    if coverage.note:
        out.print(coverage.note, highlight=False, markup=False)
        return
    rows = coverage.subdivisions
    out.print(f"coverage of {coverage.scope}: {len(coverage.covered)} of {len(rows)} show a derived provision",
              highlight=False, markup=False)
    for row in rows:
        out.print(f"  {row.region}: {row.status}" + (f" ({row.derived})" if row.derived else ""),
                  highlight=False, markup=False)


def _target_words(change: TargetChange) -> str:
    before = change.before.words if change.before else None
    after = change.after.words if change.after else None
    return f"{before or ''} → {after or ''}".strip(" →")


# --- compare ------------------------------------------------------------------------------------


@app.command()
def compare(
    year_a: Annotated[int, typer.Argument(min=1900, max=2100, help="The earlier year.")],
    year_b: Annotated[int, typer.Argument(min=1900, max=2100, help="The later year.")],
    region: Annotated[str, typer.Option("--region", help="The jurisdiction, e.g. 四川省.")],
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
) -> None:
    """What a jurisdiction kept, added and dropped between two years, by provision and by theme."""
    _answer(store, lambda db: queries.compare(db, region, year_a, year_b, limit, offset), as_json, _show_compare)


def _show_compare(answer: CompareAnswer) -> None:
    counts = answer.counts
    out.print(f"[bold]{answer.region} {answer.year_a} → {answer.year_b}[/bold]: "
              f"{counts.provisions_a} → {counts.provisions_b} provisions; kept {counts.kept}, "
              f"added {counts.added}, dropped {counts.dropped}", highlight=False)
    for doc in answer.documents_a + answer.documents_b:
        out.print(f"  {doc.year}: {doc.doc_number or ''} {doc.title}", highlight=False, markup=False)
    kept = Table(str(answer.year_a), str(answer.year_b), "score", "target changes",
                 title=f"kept ({answer.kept.total})", title_justify="left")
    for pair in answer.kept.items:
        changes = ", ".join(f"{c.change} {_target_words(c)}" for c in pair.target_changes if c.change != "same")
        _row(kept, _cite(pair.a), _cite(pair.b), _score(pair.score), _clip(changes, 40))
    out.print(kept)
    for status, provisions in (("added", answer.added), ("dropped", answer.dropped)):
        table = Table("provision", "text", title=f"{status} ({provisions.total})", title_justify="left")
        for prov in provisions.items:
            _row(table, _cite(prov), _clip(prov.text))
        out.print(table)
    themes = Table("kind", "status", "theme", str(answer.year_a), str(answer.year_b),
                   title=f"themes ({answer.themes.total})", title_justify="left")
    for theme in answer.themes.items:
        name = theme.name + "".join(f" → {c.name}" for c in theme.counterparts if c.name != theme.name)
        a, b = _items(theme.provisions_a, theme.targets_a), _items(theme.provisions_b, theme.targets_b)
        _row(themes, theme.kind, theme.status, _clip(name, 40), a, b)
    out.print(themes)


def _items(provisions: list[ProvisionBrief], targets: list[ThemeTarget]) -> str:
    text = " ".join(p.label or p.id for p in provisions)
    if targets:
        text += "; targets: " + "、".join(t.words or "" for t in targets)
    return _clip(text, 40)


# --- search -------------------------------------------------------------------------------------


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Terms separated by spaces; every term must occur.")] = "",
    region: RegionOption = None,
    year: YearOption = None,
    level: Annotated[str | None, typer.Option("--level", help="national, province, city or county.")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Only provisions it leads or supports.")] = None,
    facility_type: Annotated[str | None, typer.Option("--facility-type", help="Only provisions naming it.")] = None,
    program: Annotated[str | None, typer.Option("--program", help="Only provisions naming it.")] = None,
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
    offset: OffsetOption = 0,
) -> None:
    """Full-text search over provisions, with filters."""
    _answer(store, lambda db: queries.search(db, text, region, year, level, agency, facility_type, program, limit,
                                             offset), as_json, _show_search)


def _show_search(answer: SearchAnswer) -> None:
    how = " (no provision has every term; showing those with most)" if answer.mode == "some" else ""
    table = Table("provision", "region", "year", "snippet", "score",
                  title=f"{answer.total} provisions for {' '.join(answer.terms) or 'the filters'}{how}",
                  title_justify="left")
    for hit in answer.items:
        prov = hit.provision
        _row(table, _cite(prov), prov.region or "", str(prov.year or ""), hit.snippet, _score(hit.score))
    out.print(table)


# --- entity -------------------------------------------------------------------------------------


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="Any alias of an agency, program, facility type or region, or an id.")],
    kind: Annotated[str | None, typer.Option("--kind", help="Agency, Region, FacilityType or Program.")] = None,
    region: RegionOption = None,
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    offset: OffsetOption = 0,
) -> None:
    """An entity by any of its names, with its neighbours."""
    _answer(store, lambda db: queries.entity(db, name, kind, region, limit, offset), as_json, _show_entity)


def _show_entity(answer: EntityAnswer) -> None:
    for match in answer.matches:
        attrs = match.attributes  # the node's own attributes, which differ by kind
        aliases = "、".join(attrs.get("aliases") or [])
        out.print(f"[bold]{escape(match.name)}[/bold] "
                  + escape(f"{match.kind} [{match.id}] (matched by {match.matched_by})"
                           + (f"; aliases {aliases}" if aliases else "")
                           + (f"; region {attrs['region']}" if attrs.get("region") else "")), highlight=False)
        counts = ", ".join(f"{k} {v}" for k, v in match.neighbour_counts.items())
        out.print("  " + counts, highlight=False, markup=False)
        table = Table("edge", "node", "details")
        for row in match.neighbours.items:
            arrow = "→" if row.direction == "out" else "←"
            details = "; ".join(f"{k} {_clip(v, 30)}" for k, v in row.details.items() if k != "confidence")
            _row(table, f"{arrow} {row.edge}", _clip(row.node.label, 50), details)
        out.print(table)


# --- serve --------------------------------------------------------------------------------------


@app.command()
def serve(
    store: StoreOption = DEFAULT_STORE,
    host: Annotated[str, typer.Option("--host", help="Address to bind; loopback unless you mean to expose it.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8000,
    backend: Annotated[
        str | None,
        typer.Option("--backend", help="Answer from a server instead: neo4j://HOST:7687, falkordb://HOST:6379/GRAPH."),
    ] = None,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="A name clients reach this server by (kg.lab.example), besides loopback names and the "
        "bound address; repeatable; '*' for any (behind a proxy that checks Host).")] = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) and the web pages (/ui/) over a store.

    Requests whose Host header is not a name this server answers to get 421 (a guard against DNS
    rebinding): loopback names, the --host address, any IP address when bound to 0.0.0.0 or ::, and
    each --allow-host NAME."""
    import uvicorn

    from policykg.api.guard import HostPolicy
    from policykg.api.http import create_app

    hosts = HostPolicy.for_bind(host, allow_host or ())
    listener = _listen(host, port)  # before reading the store: a port in use fails at once
    with listener:
        db = _open_backend(backend) if backend else open_store(store)
        where = backend or store
        try:
            app = create_app(db, hosts)
        except Exception as exc:  # a backend that fails while the index reads it
            fail(f"{'--backend ' if backend else ''}{where}: cannot read the graph ({exc})")
        bound = listener.getsockname()
        shown = f"[{bound[0]}]" if listener.family == socket.AF_INET6 else bound[0]
        err.print(f"serving {where} on http://{shown}:{bound[1]} (docs at /docs); answering to Host: "
                  f"{hosts.describe()}", highlight=False, markup=False)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        # uvicorn stops gracefully on SIGINT/SIGTERM, then raises the signal again under the handler it
        # found: make that an exception, so the store is closed (an embedded FalkorDB server stopped)
        # instead of the process dying on the spot.
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            server.run(sockets=[listener])
        except (_Stopped, KeyboardInterrupt):
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            close = getattr(db, "close", None)
            if close:
                close()


class _Stopped(Exception):
    """SIGTERM, re-raised by uvicorn once it has stopped serving."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or one line saying why there cannot be one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except (OSError, UnicodeError) as exc:
        reason = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)).split(" (while")[0]
        fail(f"--host {host} --port {port}: cannot listen there ({reason})")
    raise AssertionError("unreachable")


def _open_backend(url: str) -> Any:
    """The store ``--backend`` names; a store path must exist (serving must never create an empty one)."""
    from urllib.parse import unquote, urlsplit

    from policykg.graph.cypher import CypherStoreError, open_backend

    try:
        parts = urlsplit(url)
    except ValueError as exc:
        fail(f"--backend {url}: not a server URL ({exc})", code=2)
    if parts.scheme.lower() in ("", "sqlite", "file"):
        return open_store(Path(unquote(parts.path) if parts.scheme else url))
    try:
        return open_backend(url)
    except (CypherStoreError, StoreError, ValueError, OSError, ConnectionError) as exc:
        message = str(exc)
        fail(f"--backend {message}" if message.startswith(url) else f"--backend {url}: {message}")
