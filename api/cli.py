"""The ``policykg`` command: build, export, stats; the questions are in ``cli_queries``."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from policykg.build import BuildError, BuildReport, collect_files
from policykg.build import build as build_graph
from policykg.graph.export import EXPORTERS
from policykg.graph.semantic import SemanticUnavailable
from policykg.graph.store import EmbeddedStore, StoreError
from policykg.loaders.reading import summary_line

app = typer.Typer(add_completion=False, no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DEFAULT_STORE = Path("policykg.db")
StoreOption = Annotated[Path, typer.Option("--store", help="Embedded store file (SQLite).")]


def open_store(path: Path, must_exist: bool = True) -> EmbeddedStore:
    if must_exist and not path.exists():
        fail(f"{path}: no such store; build one first with `policykg build PATH --store {path}`")
    try:
        return EmbeddedStore(path)
    except StoreError as exc:
        fail(str(exc))
    raise AssertionError("unreachable")


def locale_language() -> str:
    """zh when the locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE) is Chinese, else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class Settings:
    debug = False  # --debug: let an unexpected failure show its traceback
    lang = locale_language()  # --lang: messages, table headings and exported tables in zh or en


def tr(en: str, zh: str) -> str:
    """Words in the language asked (``--lang``, else the locale)."""
    return zh if Settings.lang == "zh" else en


@app.callback()
def options(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback when a command fails.")] = False,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="zh or en: messages, table headings and exported tables (default: the locale, LANG).")] = None,
) -> None:
    """Read Chinese government policy notices (PDF, Word, web pages, scans, text) into a knowledge graph of
    their tasks, the agencies that carry them and the documents they came from, and ask it: who leads what
    (obligations), where a task came from and went (lineage), which cities took a provincial task up
    (cascade, --matrix), what a province kept and dropped over the years (compare), full-text search.
    Every answer prints as tables, or --json, --csv FILE, --xlsx FILE; `serve` opens the same questions as
    web pages and an HTTP API.

    Start with: policykg build examples/corpus, then policykg serve and open http://127.0.0.1:8000/ui/.
    """
    Settings.debug = debug
    if not debug:  # a driver's own log lines (neo4j logs each failed connection) would break the one-line errors
        for name in ("neo4j", "redis", "falkordb"):
            logging.getLogger(name).addHandler(logging.NullHandler())
            logging.getLogger(name).propagate = False
    if lang is not None:
        if lang not in ("zh", "en"):
            fail(f"--lang {lang!r}: choose zh or en", code=2)
        Settings.lang = lang


def printable(text: object) -> str:
    """Text as a terminal should show it: control characters (an ESC sequence in a file name) escaped."""
    return "".join(ch if ch.isprintable() or ch == "\t" else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(text))


def say(console: Console, label: str, style: str, message: object) -> None:
    """One labelled line (``error: …``); the message is shown as printed, never read as Rich markup."""
    console.print(Text.assemble((label, style), " ", printable(message)), highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> None:
    say(err, "error:", "red", message)
    raise typer.Exit(code)


@app.command()
def build(
    paths: Annotated[list[Path], typer.Argument(
        help="Files and folders of notices: .txt .md .html .pdf .docx .doc .wps .rtf .odt (see README, Formats).")],
    store: StoreOption = DEFAULT_STORE,
    max_mb: Annotated[float, typer.Option(help="Refuse files larger than this many megabytes.")] = 20.0,
    jobs: Annotated[int, typer.Option(min=1, help="Worker processes for parsing and linking (default: all cores).")]
    = os.cpu_count() or 1,
    semantic: Annotated[bool, typer.Option("--semantic", help="Also compare provisions by sentence embeddings "
                                           "(slow; needs pip install 'policykg[semantic]').")] = False,
) -> None:
    """Load documents into the store and link them; prints what was built."""
    if not 0 < max_mb < float("inf"):
        fail(f"--max-mb {max_mb}: give the largest file to read, in megabytes (a number above 0)", code=2)
    with open_store(store, must_exist=False) as db:
        try:
            report = _run_build(paths, db, int(max_mb * 1e6), jobs, semantic)
        except KeyboardInterrupt:
            fail(f"interrupted; the store {store} keeps its previous contents", code=130)
        except (StoreError, BuildError, SemanticUnavailable) as exc:
            fail(str(exc))
        _print_report(report, db)
    if not report.ok:
        raise typer.Exit(1)


def _run_build(paths: list[Path], db: EmbeddedStore, max_bytes: int, jobs: int, semantic: bool) -> BuildReport:
    if not err.is_terminal:
        return build_graph(paths, db, max_bytes=max_bytes, jobs=jobs, semantic=semantic)
    total = len(collect_files(paths, BuildReport()))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    # No refresh thread: the build forks worker processes, and forking a threaded process is unsafe.
    with Progress(*columns, console=err, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("loading", total=total)

        def step(path: Path) -> None:
            progress.update(task, advance=1, description=f"loading {path.name}", refresh=True)

        return build_graph(paths, db, max_bytes=max_bytes, progress=step, jobs=jobs, semantic=semantic)


def _print_report(report: BuildReport, db: EmbeddedStore) -> None:
    for path, reason in report.failed:
        say(err, "error:", "red", f"{path}: {reason}")
    for warning in report.warnings:
        say(err, "warning:", "yellow", warning)
    for name, doc_id, provisions in report.loaded:
        say(out, "loaded", "", f"{name}: {provisions} provisions ({doc_id})")
    for name in report.unchanged:
        say(out, "unchanged", "", name)
    counts = db.counts()
    stubs = db.stub_document_count()  # SQL, not the in-memory graph: a summary must not load the whole store
    links = ", ".join(f"{k} {v}" for k, v in sorted(report.links.items())) or "none"
    say(
        out, "store", "",
        f"{db.path}: {counts.get('Document', 0) - stubs} documents (+{stubs} cited only), "
        f"{counts.get('Provision', 0)} provisions, "
        f"{counts.get('Agency', 0)} agencies; this build: {len(report.loaded)} loaded, "
        f"{len(report.unchanged)} unchanged, {len(report.failed)} failed, {len(report.warnings)} warnings; "
        f"links drawn: {links}",
    )
    if report.signals:
        say(out, "signals:", "", ", ".join(f"{k} {v}" for k, v in sorted(report.signals.items())))
    if report.reading:
        say(out, "read:", "", summary_line(report.reading)[len("read: "):])
    if report.formats:
        by_format = ", ".join(f"{fmt} {count}" for fmt, count in sorted(report.formats.items(), key=lambda kv: -kv[1]))
        out.print(f"documents read by format: {by_format}", highlight=False)
    phases = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.seconds.items())
    out.print(f"time: {sum(report.seconds.values()):.1f} s ({phases})", highlight=False)


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o",
                                         help="File (or folder, for neo4j-csv and tables) to write.")],
    store: StoreOption = DEFAULT_STORE,
    format: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(EXPORTERS)}.")] = "node-link",
) -> None:
    """Write the whole graph to a file."""
    if format not in EXPORTERS:
        fail(f"--format {format!r}: unknown; choose one of {', '.join(EXPORTERS)}", code=2)
    with open_store(store) as db:
        try:
            EXPORTERS[format](db, output)
        except OSError as exc:
            fail(f"{output}: cannot write ({exc.strerror or exc})")
    say(out, "wrote", "", f"{output} ({format})")


@app.command()
def stats(store: StoreOption = DEFAULT_STORE, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Count nodes and edges by kind."""
    with open_store(store) as db:
        counts = db.counts()
    if as_json:
        print(json.dumps(counts, ensure_ascii=False, indent=1))
        return
    table = Table("kind", "count", title=f"{store}")
    for kind, count in counts.items():
        table.add_row(kind, str(count))
    out.print(table)


def _register_command_modules() -> None:
    """Command groups live in their own modules; importing one adds its commands to ``app``."""
    import importlib

    for module in ("policykg.api.cli_queries", "policykg.api.cli_graph", "policykg.api.cli_pipeline",
                   "policykg.api.cli_check"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def main() -> None:
    _register_command_modules()
    try:
        code = app(standalone_mode=False)
    except typer.Abort:  # Ctrl-C at a prompt
        say(err, "error:", "red", "interrupted")
        sys.exit(130)
    except Exception as exc:
        if _is_click_error(exc):  # a bad option or argument: one line naming it, not a boxed panel
            say(err, "error:", "red", f"{exc.format_message()} ({_help_for(exc)})")  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if Settings.debug:  # expected failures are one-line errors already; this is the unexpected rest
            raise
        say(err, "error:", "red", f"{type(exc).__name__}: {exc} (run with --debug for the traceback)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _is_click_error(exc: Exception) -> bool:
    """Click's own errors (usage, bad parameter, missing argument); typer vendors click under another
    module in recent versions, so they are known by what they offer rather than by class."""
    return callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int)


def _help_for(exc: Exception) -> str:
    context = getattr(exc, "ctx", None)
    command = context.command.name if context is not None and context.parent is not None else None
    return f"see policykg {command} --help" if command else "see policykg --help"
