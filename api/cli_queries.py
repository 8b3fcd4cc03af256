"""The questions on the command line: tables on a terminal, ``--json`` (the answer model's JSON) for scripts.

Imported by ``policykg.api.cli.main``. Each command is a thin shell over one query function, and
each answer model has one renderer (``_show_*``) that prints it as tables.
"""

from __future__ import annotations

import json
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from policykg import queries
from policykg.api.cli import DEFAULT_STORE, Settings, StoreOption, app, err, fail, open_store, out, say, tr
from policykg.api.tables import csv_bytes, pick, tables_of, xlsx_bytes
from policykg.graph.store import EmbeddedStore, StoreError
from policykg.queries.answers import (
    Answer,
    CascadeAnswer,
    CompareAnswer,
    CoverageMatrixAnswer,
    DocRef,
    DocumentTextAnswer,
    EntityAnswer,
    EntityCandidate,
    LineageAnswer,
    ObligationsAnswer,
    ProvisionBrief,
    ProvisionRef,
    SearchAnswer,
    TargetChange,
    ThemeTarget,
    TimelineAnswer,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the answer as JSON (for scripts).")]
LimitOption = Annotated[int | None, typer.Option("--limit", min=1, help="At most this many items per list.")]
OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Skip this many items of each list.")]
RegionOption = Annotated[str | None, typer.Option("--region", help="Jurisdiction, e.g. 四川省 (reads short forms).")]
YearOption = Annotated[int | None, typer.Option("--year", min=1900, max=2100)]
CsvOption = Annotated[Path | None, typer.Option(
    "--csv", dir_okay=False, help="Write the answer's main table (or --table) to this CSV file (UTF-8 with BOM).")]
XlsxOption = Annotated[Path | None, typer.Option(
    "--xlsx", dir_okay=False, help="Write every table of the answer to this Excel workbook, one sheet each.")]
TableOption = Annotated[str | None, typer.Option("--table", help="The table --csv writes (README: Tables out).")]
CLIP = 60


@dataclass(frozen=True)
class Export:
    """Where an answer goes besides the terminal: files of its tables (every item, unless --limit)."""

    csv: Path | None = None
    xlsx: Path | None = None
    table: str | None = None

    @property
    def wanted(self) -> bool:
        return bool(self.csv or self.xlsx)


def _answer[A: Answer](store: Path, ask: Callable[[EmbeddedStore], A], as_json: bool,
                       show: Callable[[A], None], export: Export = Export()) -> None:
    """Ask the question of the store; print the answer as JSON or through its renderer, or write its tables."""
    with open_store(store) as db:
        try:
            answer = ask(db)
        except queries.QueryError as exc:
            _explain(exc)
        except ValueError as exc:
            fail(str(exc), code=2)
    if export.wanted:
        _write_tables(answer, export)
    elif as_json:
        print(answer.model_dump_json(indent=1))
    else:
        show(answer)


def _write_tables(answer: Answer, export: Export) -> None:
    tables = tables_of(answer, "zh" if Settings.lang == "zh" else "en")
    try:
        chosen = pick(tables, export.table)
    except ValueError as exc:
        fail(f"--table {export.table}: {exc}", code=2)
    for path, body, what in ((export.csv, lambda: csv_bytes(chosen), f"{len(chosen.rows)} rows of {chosen.name}"),
                             (export.xlsx, lambda: xlsx_bytes(tables, title=path_title(answer)),
                              ", ".join(f"{t.name} {len(t.rows)}" for t in tables))):
        if path is None:
            continue
        try:
            path.write_bytes(body())
        except OSError as exc:
            fail(f"{path}: cannot write ({exc.strerror or exc})")
        say(out, tr("wrote", "已写入"), "", f"{path} ({what})")


def path_title(answer: Answer) -> str:
    return type(answer).__name__.removesuffix("Answer").lower() or "policykg"


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
        err.print(f"  {tr('candidate', '候选')}: {label}{where}  [{candidate.id}]", highlight=False, markup=False)
    fail(exc.text(Settings.lang), code=1 if isinstance(exc, queries.NotFound) else 2)


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
    collective: Annotated[
        bool, typer.Option("--collective", help="Also the tasks given to a collective it is a member of "
                                                "(各市(州)人民政府 for 成都市人民政府).")
    ] = False,
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    table: TableOption = None,
) -> None:
    """The provisions an agency leads or supports, grouped by document and year."""
    if role not in (None, "lead", "support"):
        fail(tr("--role must be lead or support", "--role 只能是 lead(牵头)或 support(配合)"), code=2)
    _answer(store, lambda db: queries.obligations(db, agency, role, year, region, follow_succession, limit, offset,
                                                     collective),
            as_json, _show_obligations, Export(csv, xlsx, table))


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
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    table: TableOption = None,
) -> None:
    """Upstream and downstream chains (derives from / continues) with scores and quoted evidence."""
    _answer(store, lambda db: queries.lineage(db, provision, depth, limit, offset), as_json, _show_lineage,
            Export(csv, xlsx, table))


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
    matrix: Annotated[bool, typer.Option("--matrix", help="The coverage matrix: the document's tasks × the cities "
                                         "(and counties with documents): taken up, not taken up, no document.")]
    = False,
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    table: TableOption = None,
) -> None:
    """Lower-level provisions derived from it, by region, with coverage and wording changes."""
    export = Export(csv, xlsx, table)
    if matrix:
        _answer(store, lambda db: queries.coverage_matrix(db, ref), as_json, _show_matrix, export)
    else:
        _answer(store, lambda db: queries.cascade(db, ref, limit, offset), as_json, _show_cascade, export)


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


MARKS = {"taken up": "✓", "not taken up": "✗", "no document": "?"}


def _show_matrix(answer: CoverageMatrixAnswer) -> None:
    doc = answer.document
    name = answer.provision.cite if answer.provision else " ".join(x for x in (doc.doc_number, doc.title) if x)
    out.print(f"[bold]{escape(name)}[/bold]", highlight=False)
    if answer.note:
        out.print(tr(answer.note, "覆盖矩阵只对省级和国家级文件绘制(列为其下级地区)"), highlight=False, markup=False)
        return
    counts = answer.counts
    out.print(tr(f"{counts.tasks} tasks; {counts.with_documents} of {counts.columns} {answer.level} jurisdictions "
                 f"have a document that could take them up; {counts.taken_up} tasks taken up somewhere",
                 f"任务 {counts.tasks} 项;{counts.columns} 个下级地区中 {counts.with_documents} 个收录了可落实的文件;"
                 f"{counts.taken_up} 项任务至少一地落实"), highlight=False, markup=False)
    shown = [c for c in answer.columns if c.documents]
    table = Table(tr("item", "条目"), tr("task", "任务"), tr("share", "落实比例"),
                  *[c.region + (f" ({c.parent})" if c.parent else "") for c in shown],
                  title=tr("✓ taken up (best score)  ✗ not taken up", "✓ 已落实(最高得分)  ✗ 未落实"),
                  title_justify="left")
    index = {c.region: k for k, c in enumerate(answer.columns)}
    for row in answer.rows:
        cells = [row.cells[index[c.region]] for c in shown]
        share = "" if row.share is None else f"{row.taken_up}/{row.with_documents}"
        _row(table, row.task.label, _clip(row.task.heading or row.task.cite, 24), share,
             *[MARKS[cell.status] + (f" {_score(cell.score)}" if cell.score is not None else "") for cell in cells])
    out.print(table)
    for column in shown:
        share = "" if column.share is None else f" ({column.share:.0%})"
        out.print(tr(f"  {column.region}: {column.taken_up} of {len(answer.rows)} tasks{share}",
                     f"  {column.region}:落实 {column.taken_up} / {len(answer.rows)} 项{share}"),
                  highlight=False, markup=False)
    missing = [c.region for c in answer.columns if not c.documents]
    if missing:
        out.print(tr(f"? no document loaded (nothing can be said of them): {'、'.join(missing)}",
                     f"? 未收录文件(无从判断是否落实):{'、'.join(missing)}"), highlight=False, markup=False)


def _target_words(change: TargetChange) -> str:
    before = change.before.words if change.before else None
    after = change.after.words if change.after else None
    return f"{before or ''} → {after or ''}".strip(" →")


# --- compare ------------------------------------------------------------------------------------


@app.command()
def compare(
    years: Annotated[list[int] | None, typer.Argument(
        min=1900, max=2100, help="Two years (what was kept, added, dropped), or more (a timeline across them); "
        "none: a timeline of every year with documents.")] = None,
    region: Annotated[str, typer.Option("--region", help="The jurisdiction, e.g. 四川省.")] = "",
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    table: TableOption = None,
) -> None:
    """What a jurisdiction kept, added and dropped between two years; with more years, or none, a timeline.

    Two years: provisions kept (continued), added and dropped, by provision and by theme, with target changes.
    More years (or none: every year with documents): provisions per year and what carried on between years
    with documents; a year without documents is never read as dropping anything."""
    if not region:
        fail(tr("give the jurisdiction: --region 四川省", "请用 --region 指定地区,如 --region 四川省"), code=2)
    years = sorted(set(years or []))
    export = Export(csv, xlsx, table)
    if len(years) == 2:
        _answer(store, lambda db: queries.compare(db, region, years[0], years[1], limit, offset), as_json,
                _show_compare, export)
    elif len(years) == 1:
        fail(tr("give two years to compare, or more for a timeline", "请给出两个年份进行比较,或更多年份查看时间线"),
             code=2)
    else:
        _answer(store, lambda db: queries.timeline(db, region, years or None), as_json, _show_timeline, export)


def _show_compare(answer: CompareAnswer) -> None:
    counts = answer.counts
    out.print(f"[bold]{answer.region} {answer.year_a} → {answer.year_b}[/bold]: " + escape(tr(
        f"{counts.provisions_a} → {counts.provisions_b} provisions; {counts.carried} of {answer.year_a}'s carried "
        f"forward by {counts.kept} of {answer.year_b}'s ({counts.pairs} links), added {counts.added}, dropped "
        f"{counts.dropped}", f"条款 {counts.provisions_a} → {counts.provisions_b};{answer.year_a} 年 {counts.carried} "
        f"条由 {answer.year_b} 年 {counts.kept} 条延续(延续关系 {counts.pairs} 条),新增 {counts.added},"
        f"未延续 {counts.dropped}")), highlight=False)
    if answer.note:
        sides = ((answer.year_a, answer.documents_a), (answer.year_b, answer.documents_b))
        empty = "、".join(str(y) for y, docs in sides if not docs)
        out.print(tr(answer.note, f"{answer.region}在 {empty} 年未收录文件,不计新增或删除"),
                  highlight=False, markup=False)
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


def _show_timeline(answer: TimelineAnswer) -> None:
    out.print(f"[bold]{escape(answer.region)}[/bold]: " + escape(tr(
        f"{len(answer.years)} years, {len(answer.steps)} steps between years with documents",
        f"{len(answer.years)} 个年份,有文件的年份之间比较 {len(answer.steps)} 次")), highlight=False)
    table = Table(tr("year", "年份"), tr("documents", "文件"), tr("provisions", "条款"),
                  tr("continuing the year before", "延续上一年份"), tr("added", "新增"),
                  tr("not continued next", "其后未延续"), title_justify="left")
    for y in answer.years:
        docs = "、".join(d.doc_number or d.title or d.id for d in y.documents) or tr("no documents", "无文件")
        _row(table, y.year, _clip(docs, 40), y.provisions, _count(y.continuing), _count(y.added),
             _count(y.not_continued))
    out.print(table)
    for step in answer.steps:
        skipped = tr(f" (no documents in {', '.join(map(str, step.skipped))})",
                     f"(其间 {'、'.join(map(str, step.skipped))} 年无文件)") if step.skipped else ""
        out.print(tr(f"{step.year_a} → {step.year_b}{skipped}: {step.carried} of {step.provisions_a} provisions "
                     f"carried forward by {step.kept} of {step.provisions_b}; added {step.added}, dropped "
                     f"{step.dropped} ({step.pairs} links)",
                     f"{step.year_a} → {step.year_b}{skipped}:{step.provisions_a} 条中 {step.carried} 条由 "
                     f"{step.provisions_b} 条中的 {step.kept} 条延续;新增 {step.added},未延续 {step.dropped}"
                     f"(延续关系 {step.pairs} 条)"), highlight=False, markup=False)
    if answer.missing:
        out.print(tr(f"no documents of {answer.region} in {', '.join(map(str, answer.missing))}: not counted as "
                     "dropping anything", f"{'、'.join(map(str, answer.missing))} 年未收录{answer.region}的文件,"
                     "不计为删除"), highlight=False, markup=False)


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def _items(provisions: list[ProvisionBrief], targets: list[ThemeTarget]) -> str:
    text = " ".join(p.label or p.id for p in provisions)
    if targets:
        text += "; targets: " + "、".join(t.words or "" for t in targets)
    return _clip(text, 40)


# --- document ----------------------------------------------------------------------------------


@app.command()
def document(
    ref: Annotated[str, typer.Argument(help="A document: its 文号, title, file name or id.")],
    cite: Annotated[str | None, typer.Option("--cite", help="Print only its citation: chinese, bibtex or csl.")] = None,
    store: StoreOption = DEFAULT_STORE,
    as_json: JsonOption = False,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    table: TableOption = None,
) -> None:
    """A document's metadata (issuers, 文号, signing and publication dates, region, source), how to cite it
    (发文机关《标题》（文号），日期; BibTeX; CSL-JSON) and its provisions with who leads and supports each."""
    if cite not in (None, "chinese", "bibtex", "csl"):
        fail(tr("--cite must be chinese, bibtex or csl", "--cite 只能是 chinese、bibtex 或 csl"), code=2)

    def show(answer: DocumentTextAnswer) -> None:
        _show_document(answer, cite)

    _answer(store, lambda db: queries.document_text(db, ref), as_json, show, Export(csv, xlsx, table))


def _show_document(answer: DocumentTextAnswer, cite: str | None) -> None:
    c = answer.citation
    if cite:
        print(c.chinese if cite == "chinese" else c.bibtex if cite == "bibtex" else
              json.dumps(c.csl, ensure_ascii=False, indent=1))
        return
    d = answer.document
    out.print(f"[bold]{escape(d.title or d.id)}[/bold]", highlight=False)
    facts = [(tr("issuers", "发文机关"), "、".join(answer.issuers)), (tr("doc number", "文号"), d.doc_number),
             (tr("signed", "成文日期"), answer.signed), (tr("published", "发布日期"), answer.published),
             (tr("region", "地区"), d.region), (tr("level", "层级"), d.level), (tr("source", "来源文件"), d.source),
             (tr("pages", "页数"), answer.pages)]
    for label, value in facts:
        if value:
            out.print(f"  {label}: {value}", highlight=False, markup=False)
    out.print(tr("cite as:", "引用:") + " " + c.chinese, highlight=False, markup=False)
    table = Table(tr("item", "条目"), tr("heading", "标题"), tr("leads", "牵头"), tr("supports", "配合"),
                  title=tr(f"{len(answer.provisions)} provisions", f"条款 {len(answer.provisions)} 项"),
                  title_justify="left")
    for p in answer.provisions:
        _row(table, p.label, _clip(p.heading, 30), _clip("、".join(p.leads), 30), _clip("、".join(p.supports), 40))
    out.print(table)


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
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many (default 20; every hit "
                                              "with --csv or --xlsx).")] = None,
    offset: OffsetOption = 0,
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    table: TableOption = None,
) -> None:
    """Full-text search over provisions, with filters."""
    export = Export(csv, xlsx, table)
    shown = limit if limit is not None or export.wanted else 20
    _answer(store, lambda db: queries.search(db, text, region, year, level, agency, facility_type, program, shown,
                                             offset), as_json, _show_search, export)


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
    csv: CsvOption = None,
    xlsx: XlsxOption = None,
    table: TableOption = None,
) -> None:
    """An entity by any of its names, with its neighbours."""
    _answer(store, lambda db: queries.entity(db, name, kind, region, limit, offset), as_json, _show_entity,
            Export(csv, xlsx, table))


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
