"""Build: parse files into fragments, write them and draw their links, in one transaction."""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from policykg.graph.components import Component, Plan
from policykg.graph.model import EdgeKind, Fragment
from policykg.graph.store import EmbeddedStore, Writer
from policykg.graph.workers import forked_pool
from policykg.loaders.pipeline import build_fragment, parse_file
from policykg.loaders.reader import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, LoadError
from policykg.loaders.reading import Reading, add_counts

from .pipeline import load_plan

# Linkers run after the new fragments are written, inside the same transaction, and draw the
# edges between documents (citations, derivation, continuation) for the documents that changed.
Linker = Callable[[EmbeddedStore, Writer, list[str]], dict[str, int]]
# Options a linker takes from the build: lineage splits its work over ``jobs`` worker processes and
# adds the optional semantic signal (``--semantic``).
LINKER_OPTIONS = {"lineage": ("jobs", "semantic")}


EDGE_KINDS = frozenset(EdgeKind)

class BuildError(Exception):
    """A build that stopped before it could commit; the store keeps its previous contents."""


@dataclass
class BuildReport:
    loaded: list[tuple[str, str, int]] = field(default_factory=list)  # path, document id, provisions
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # path, reason
    warnings: list[str] = field(default_factory=list)
    formats: dict[str, int] = field(default_factory=dict)  # documents read by format ("pdf", "pdf (OCR)", "docx"…)
    reading: dict[str, int] = field(default_factory=dict)  # the loaded documents' reading reports, added up
    links: dict[str, int] = field(default_factory=dict)
    signals: dict[str, int] = field(default_factory=dict)  # what the linkers report besides links (semantic cost)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time by phase: parse and write, link …, commit

    @property
    def ok(self) -> bool:
        return not self.failed


def collect_files(paths: Iterable[Path], report: BuildReport) -> list[Path]:
    """Files named, and the supported files under folders named, in a stable order. A folder that
    cannot be read and a link that points nowhere are named failures, never skipped in silence."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = _supported_under(path, report)
            if not found:
                report.failed.append((str(path), f"folder holds no {', '.join(sorted(SUPPORTED_SUFFIXES))} files"))
            files.extend(found)
        elif path.is_symlink() and not path.exists():
            report.failed.append((str(path), f"missing: a link to {os.readlink(path)}, which does not exist"))
        elif path.exists():
            files.append(path)
        else:
            report.failed.append((str(path), "no such file or folder"))
    return files


def _supported_under(folder: Path, report: BuildReport) -> list[Path]:
    def unreadable(error: OSError) -> None:
        report.failed.append((error.filename or str(folder), f"folder cannot be read ({error.strerror})"))

    found: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=unreadable):
        dirs.sort()
        for name in names:
            path = Path(root, name)
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if path.is_symlink() and not path.exists():
                report.failed.append((str(path), f"missing: a link to {os.readlink(path)}, which does not exist"))
            elif path.is_file():
                found.append(path)
    return sorted(found)


def build(
    paths: Iterable[Path],
    store: EmbeddedStore,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[Path], None] | None = None,
    linkers: list[Linker | str] | None = None,
    jobs: int = 1,
    plan: Plan | None = None,
    semantic: bool = False,
) -> BuildReport:
    """Parse the files (in ``jobs`` worker processes when there are many) and write each changed
    document as it comes, then link what changed, all in one transaction: a failure or an
    interrupt leaves the store as it was. ``plan`` defaults to ``policykg/pipeline.toml``;
    ``linkers`` replaces its linkers."""
    report = BuildReport()
    plan = plan or load_plan(linkers=linkers)
    files = collect_files(paths, report)
    with store.transaction() as writer:
        with _phase(report, "parse and write"):
            changed = _write_changed(files, store, writer, report, max_bytes, jobs, progress, plan)
        if changed:
            for linker in plan.linkers:
                with _phase(report, "link " + linker.name.replace("_", " ")):
                    counts = _run_linker(linker, store, writer, changed, {"jobs": jobs, "semantic": semantic})
                for kind, count in counts.items():
                    tally = report.links if kind in EDGE_KINDS else report.signals
                    tally[kind] = tally.get(kind, 0) + count
            with _phase(report, "tidy"):
                writer.drop_orphan_shared_nodes()
        started = time.perf_counter()
    report.seconds["commit"] = time.perf_counter() - started
    return report


def _run_linker(linker: Component, store: EmbeddedStore, writer: Writer, changed: list[str],
                options: dict[str, object]) -> dict[str, int]:
    wanted = {name: options[name] for name in LINKER_OPTIONS.get(linker.name, ())}
    return linker.run(store, writer, changed, **wanted)


def _write_changed(files: list[Path], store: EmbeddedStore, writer: Writer, report: BuildReport, max_bytes: int,
                   jobs: int, progress: Callable[[Path], None] | None, plan: Plan) -> list[str]:
    """Write each parsed document whose content differs from the stored one; returns their ids.
    Documents are not held in memory: a 10k-document build streams through."""
    seen: dict[str, str] = {}  # document id → the file it was read from
    loaded: dict[str, tuple[str, str, int]] = {}
    for path, fragment, failure in _parse_all(files, max_bytes, jobs, plan):
        if progress:
            progress(path)
        if failure:
            report.failed.append(failure)
        if fragment is None:
            continue
        doc_id = fragment.document_id
        if doc_id in seen:
            report.warnings.append(f"{path}: same document as {seen[doc_id]}; the later file wins")
        seen[doc_id] = fragment.source_name
        label = format_label(fragment)
        report.formats[label] = report.formats.get(label, 0) + 1
        if store.content_hash(doc_id) == fragment.content_hash:
            report.unchanged.append(fragment.source_name)
            continue
        writer.replace_document(fragment)
        provisions = sum(1 for n in fragment.nodes if n.kind == "Provision")
        loaded[doc_id] = (fragment.source_name, doc_id, provisions)
        report.warnings.extend(fragment.warnings)
        add_counts(report.reading, Reading.from_record(fragment.document_node().attrs.get("reading", {})).counts())
    report.loaded = list(loaded.values())
    return list(loaded)


def format_label(fragment: Fragment) -> str:
    """The format a document was read from, as the build summary counts it: ``pdf``, ``pdf (OCR)``, ``docx``…"""
    document = next((n for n in fragment.nodes if n.id == fragment.document_id and n.kind == "Document"), None)
    if document is None:
        return "unknown"
    fmt = str(document.attrs.get("format") or "unknown")
    return f"{fmt} (OCR)" if document.attrs.get("reader") == "ocr" else fmt


@contextmanager
def _phase(report: BuildReport, phase: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        report.seconds[phase] = report.seconds.get(phase, 0.0) + time.perf_counter() - started


ParseResult = tuple[Path, Fragment | None, tuple[str, str] | None]  # path, fragment, (path, reason) on failure
PARALLEL_MIN_FILES = 64  # below this, starting workers costs more than it saves
PARSE_WINDOW = 32  # documents parsed ahead of the writer, per worker


def _parse_all(files: list[Path], max_bytes: int, jobs: int, plan: Plan) -> Iterator[ParseResult]:
    """Each file parsed, in file order; in forked workers when there are many files."""
    if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
        yield from (_parse(path, max_bytes, plan) for path in files)
        return
    global _FORKED_PLAN
    plan.initialize()  # workers inherit the built tables instead of each building them (~1 s)
    _FORKED_PLAN = plan  # inherited by the forked workers: components need not be picklable
    try:
        yield from _parse_in_pool(files, max_bytes, jobs)
    finally:
        _FORKED_PLAN = None


_FORKED_PLAN: Plan | None = None


def _parse_in_pool(files: list[Path], max_bytes: int, jobs: int) -> Iterator[ParseResult]:
    with forked_pool(jobs, len(files)) as pool:
        pending: deque[tuple[Path, Future[ParseResult]]] = deque()
        for path in files:  # a bounded window: parsed documents wait in memory only while the writer catches up
            pending.append((path, pool.submit(_parse_forked, path, max_bytes)))
            if len(pending) >= jobs * PARSE_WINDOW:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())


def _result(path: Path, future: Future[ParseResult]) -> ParseResult:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise BuildError(f"a parse worker stopped (killed, or out of memory) while the build read {path} or a "
                         "file beside it; nothing was stored — try again, with --jobs 1 to see which file") from exc


def _parse_forked(path: Path, max_bytes: int) -> ParseResult:
    assert _FORKED_PLAN is not None
    return _parse(path, max_bytes, _FORKED_PLAN)


def _parse(path: Path, max_bytes: int, plan: Plan) -> ParseResult:
    try:
        return path, build_fragment(parse_file(path, max_bytes), plan.extractors), None
    except LoadError as exc:
        return path, None, (exc.path, exc.reason)
    except (OSError, ValueError) as exc:  # unreadable file, or text our parsers reject
        return path, None, (str(path), f"{type(exc).__name__}: {exc}")
    except RecursionError:  # a reader that walks a markup tree by recursion, on thousands of unclosed tags
        return path, None, (str(path), "markup nested too deeply to read (thousands of unclosed tags?)")


@dataclass
class CheckReport:
    """``policykg check`` over files: each document's reading report, and the files that did not load."""

    documents: list[tuple[str, str, Reading]] = field(default_factory=list)  # file name, document id, report
    failed: list[tuple[str, str]] = field(default_factory=list)  # path, reason

    def totals(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for _, _, reading in self.documents:
            add_counts(total, reading.counts())
        return total


def check(paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_BYTES, plan: Plan | None = None) -> CheckReport:
    """Read the files as a build would (every extractor runs) and keep only their reading reports: no store."""
    holder = BuildReport()
    files = collect_files(paths, holder)
    report = CheckReport(failed=list(holder.failed))
    plan = plan or load_plan()
    for path in files:
        _, fragment, failure = _parse(path, max_bytes, plan)
        if failure:
            report.failed.append(failure)
        if fragment is not None:
            reading = Reading.from_record(fragment.document_node().attrs.get("reading", {}))
            report.documents.append((fragment.source_name, fragment.document_id, reading))
    return report
