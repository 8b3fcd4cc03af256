"""``policykg check``: what could not be read, per document, from files or from a store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from policykg.api.cli import app, fail, open_store, out, say
from policykg.build import CheckReport
from policykg.build import check as check_files
from policykg.loaders.reading import Finding, Reading, summary_line

_SHOWN = 6  # findings of one kind listed per document before "… and N more"


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files and folders to read (no store is written).")]
    = None,
    store: Annotated[Path | None, typer.Option("--store", help="Report on the documents of this store instead.")]
    = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """What could not be read, per document: numbering gaps and restarts, items kept as text, tables not
    rebuilt, metadata not found (and where each field was found), annotations not turned into roles,
    agency names not resolved."""
    if bool(paths) == (store is not None):
        fail("name files or folders to read, or --store FILE, not both", code=2)
    report = _from_store(store) if store is not None else check_files(paths or [])
    if as_json:
        print(json.dumps({"documents": [{"source": name, "id": doc_id, "reading": reading.record()}
                                        for name, doc_id, reading in report.documents],
                          "failed": [{"path": p, "reason": r} for p, r in report.failed],
                          "totals": report.totals()}, ensure_ascii=False, indent=1))
    else:
        for path, reason in report.failed:
            say(out, "failed", "red", f"{path}: {reason}")
        for name, doc_id, reading in report.documents:
            _print_document(name, doc_id, reading)
        out.print(summary_line(report.totals()), highlight=False, soft_wrap=True)
    if report.failed:  # as a build does: a file that cannot be read is a failure, whatever else was read
        raise typer.Exit(1)


def _from_store(path: Path) -> CheckReport:
    report = CheckReport()
    with open_store(path) as db:
        for node in sorted(db.nodes("Document"), key=lambda n: str(n.get("source"))):
            if node.get("stub") or "reading" not in node:
                continue
            report.documents.append((str(node.get("source")), node["id"], Reading.from_record(node["reading"])))
    return report


def _print_document(name: str, doc_id: str, reading: Reading) -> None:
    parts = f"{reading.numbered} numbered, {reading.paragraphs} paragraphs, {reading.table_rows} table rows"
    wrapper = "; wrapper only: the document it issues is not in the file" if reading.wrapper_only else ""
    out.print(f"{name} ({doc_id}): {reading.provisions} provisions ({parts}), {reading.sections} sections{wrapper}",
              highlight=False, soft_wrap=True)
    sources = ", ".join(f"{k} ← {v}" for k, v in reading.sources.items() if k != "spans")
    _line("metadata", sources + (f"; not found: {', '.join(reading.missing)}" if reading.missing else ""))
    _findings("numbering", reading.numbering)
    if reading.restarts:
        where = sorted({f.where for f in reading.restarts})
        _line("restarts", f"{len(reading.restarts)}, under {_clip(where)}")
    _findings("kept as text", reading.kept_as_text)
    _findings("skipped", reading.skipped)
    for table in reading.tables:
        state = "rebuilt" if table.rebuilt else "NOT rebuilt"
        notes = f" ({'; '.join(table.notes)})" if table.notes else ""
        _line("table", f"{table.title or '(untitled)'}: {table.kind}, {len(table.header)} columns, {table.rows} rows, "
              f"{state}{notes}")
    _findings("annotations not read", reading.annotations)
    if reading.unresolved:
        _line("agencies not resolved", _clip(reading.unresolved))


def _findings(label: str, findings: list[Finding]) -> None:
    if findings:
        _line(label, _clip([f"{f.where}: {f.detail}" if f.where and not f.detail.startswith(f.where) else f.detail
                            for f in findings]))


def _clip(items: list[str]) -> str:
    shown = "; ".join(items[:_SHOWN])
    return shown + (f"; … and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _line(label: str, text: str) -> None:
    if text:
        say(out, f"  {label}:", "", text)



