"""Build: parse files into fragments, then write them and their links in one transaction."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from policykg.graph.model import Fragment
from policykg.graph.store import EmbeddedStore, Writer
from policykg.loaders.pipeline import build_fragment, parse_file, warm_up
from policykg.loaders.reader import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, LoadError

# Linkers run after the new fragments are written, inside the same transaction, and draw the
# edges between documents (citations, derivation, continuation) for the documents that changed.
Linker = Callable[[EmbeddedStore, Writer, list[str]], dict[str, int]]


@dataclass
class BuildReport:
    loaded: list[tuple[str, str, int]] = field(default_factory=list)  # path, document id, provisions
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # path, reason
    warnings: list[str] = field(default_factory=list)
    links: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def collect_files(paths: Iterable[Path], report: BuildReport) -> list[Path]:
    """Files named, and the supported files under folders named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                report.failed.append((str(path), "folder holds no .txt, .md or .html files"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            report.failed.append((str(path), "no such file or folder"))
    return files


def build(
    paths: Iterable[Path],
    store: EmbeddedStore,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[Path], None] | None = None,
    linkers: list[Linker] | None = None,
    jobs: int = 1,
) -> BuildReport:
    """Parse the files (in ``jobs`` worker processes when there are many), write what changed and
    link it, all in one transaction: a failure or an interrupt leaves the store as it was."""
    report = BuildReport()
    fragments: dict[str, Fragment] = {}
    for path, fragment, failure in _parse_all(collect_files(paths, report), max_bytes, jobs):
        if progress:
            progress(path)
        if failure:
            report.failed.append(failure)
        if fragment is None:
            continue
        if fragment.document_id in fragments:
            report.warnings.append(
                f"{path}: same document as {fragments[fragment.document_id].source_name}; the later file wins"
            )
        fragments[fragment.document_id] = fragment
    changed = [f for f in fragments.values() if store.content_hash(f.document_id) != f.content_hash]
    report.unchanged = [f.source_name for f in fragments.values() if f not in changed]
    if changed:
        with store.transaction() as writer:
            for fragment in changed:
                writer.replace_document(fragment)
            ids = [f.document_id for f in changed]
            for linker in linkers if linkers is not None else default_linkers(jobs):
                for kind, count in linker(store, writer, ids).items():
                    report.links[kind] = report.links.get(kind, 0) + count
            writer.drop_orphan_shared_nodes()
    for fragment in changed:
        provisions = sum(1 for n in fragment.nodes if n.kind == "Provision")
        report.loaded.append((fragment.source_name, fragment.document_id, provisions))
        report.warnings.extend(fragment.warnings)
    return report


ParseResult = tuple[Path, Fragment | None, tuple[str, str] | None]  # path, fragment, (path, reason) on failure
PARALLEL_MIN_FILES = 64  # below this, starting workers costs more than it saves


def _parse_all(files: list[Path], max_bytes: int, jobs: int) -> Iterator[ParseResult]:
    """Each file parsed, in file order; in forked workers when there are many files."""
    if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
        yield from (_parse(path, max_bytes) for path in files)
        return
    warm_up()  # workers inherit the built tables instead of each building them (~1 s)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_parse, files, [max_bytes] * len(files), chunksize=8)


def _parse(path: Path, max_bytes: int) -> ParseResult:
    try:
        return path, build_fragment(parse_file(path, max_bytes)), None
    except LoadError as exc:
        return path, None, (exc.path, exc.reason)
    except (OSError, ValueError) as exc:  # unreadable file, or text our parsers reject
        return path, None, (str(path), f"{type(exc).__name__}: {exc}")


def default_linkers(jobs: int = 1) -> list[Linker]:
    from policykg.graph.citelink import link_citations
    from policykg.graph.lineage import link_provisions

    return [link_citations, partial(link_provisions, jobs=jobs)]
