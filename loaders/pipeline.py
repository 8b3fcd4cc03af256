"""From a file to its graph fragment: read → normalise → segment → metadata (``parse_file``), then
the extractors (``build_fragment``).

Extractors are components (``graph/components.py``): each reads a ``ParsedDocument`` and the
fragment so far, and adds the node and edge kinds it declares. Which run, and in what order, is
``policykg/pipeline.toml``; ``policykg pipeline`` prints it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policykg.graph.components import Component, Plan, as_component
from policykg.graph.model import Fragment, document_id, provision_id

from .metadata import DocumentMeta, apply_hints, extract_metadata
from .normalize import join_lines, normalize
from .provenance import mark_reading
from .reader import DEFAULT_MAX_BYTES, LoadError, RawDocument, read_document
from .reading import mark_report
from .segment import ProvisionPart, Structure, segment
from .text import OffsetText, offsets


@dataclass
class ParsedDocument:
    raw: RawDocument
    clean: OffsetText
    structure: Structure
    meta: DocumentMeta
    id: str
    provision_ids: list[str] = field(default_factory=list)  # parallel to structure.provisions

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.clean.source_span(start, end)

    def one_line(self, start: int, end: int) -> OffsetText:
        """Clean text [start, end) on one line; ``origin`` maps each character to its clean-text offset."""
        body = OffsetText(self.clean.text[start:end], offsets(start, end), len(self.clean.text))
        return join_lines(body)

    @property
    def provisions(self) -> list[tuple[str, ProvisionPart]]:
        return list(zip(self.provision_ids, self.structure.provisions, strict=True))


Extractor = Callable[[ParsedDocument, Fragment], None]


def parse_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    raw = read_document(path, max_bytes)
    clean = normalize(raw.text, raw.body_start)
    structure = segment(clean)
    meta = apply_hints(extract_metadata(clean, structure.body_start, raw.text, raw.body_start), raw.hints)
    # A notice that issues or forwards a named document loads even when that document's text is not in
    # the file (a wrapper only): a Document with no provisions, which the reading report says.
    if not structure.provisions and not meta.forwards:
        raise LoadError(path, "no numbered provisions found (expected items such as 一、 （一） 1.)")
    region = meta.region.name if meta.region else None
    doc_id = document_id(meta.doc_number, region, meta.title, path.name)
    parsed = ParsedDocument(raw, clean, structure, meta, doc_id)
    parsed.provision_ids = provision_ids(doc_id, structure.provisions)
    return parsed


def provision_ids(doc_id: str, provisions: Sequence[ProvisionPart]) -> list[str]:
    """``{doc}-p{number}`` where the number is the document's only item with it (continuously numbered
    documents keep the ids they always had); where numbers repeat, the path's numbers (``{doc}-p2.3.1``)."""
    counts = Counter(part.number for part in provisions)
    seen: Counter[str] = Counter()
    ids = []
    for part in provisions:
        key = str(part.number) if counts[part.number] == 1 or not part.id_path else part.id_path
        ids.append(provision_id(doc_id, key, seen[key]))
        seen[key] += 1
    return ids


def build_fragment(parsed: ParsedDocument, extractors: Sequence[Extractor | Component | str]) -> Fragment:
    """The document's fragment: what each extractor draws, run in order (the order is checked first)."""
    components = [as_component(e, "extract") for e in extractors]
    Plan(components)
    fragment = Fragment(
        document_id=parsed.id,
        source_name=parsed.raw.path.name,
        source_text=parsed.raw.text,
        content_hash=hashlib.sha256(parsed.raw.text.encode("utf-8")).hexdigest(),
        warnings=[f"{parsed.raw.path}: {w}" for w in (*parsed.raw.notes, *parsed.structure.warnings)],
    )
    for made in components:
        made.run(parsed, fragment)
    mark_reading(parsed.raw, parsed.meta, fragment)  # pages, OCR confidence: after every extractor
    mark_report(parsed, fragment)  # what could not be read: audits what every extractor drew
    return fragment


