"""From a file to its graph fragment: read → normalise → segment → metadata → extractors.

Each stage is a small function with typed input and output; extractors are components that
read a ``ParsedDocument`` and add nodes and edges to its ``Fragment``. The list ``EXTRACTORS``
is the pipeline, in order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from policykg.graph.model import (
    Edge,
    EdgeKind,
    Fragment,
    Node,
    NodeKind,
    document_id,
    provision_id,
    section_id,
)

from .metadata import DocumentMeta, extract_metadata
from .normalize import normalize
from .reader import DEFAULT_MAX_BYTES, LoadError, RawDocument, read_document
from .segment import ProvisionPart, Structure, segment
from .text import OffsetText


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

    @property
    def provisions(self) -> list[tuple[str, ProvisionPart]]:
        return list(zip(self.provision_ids, self.structure.provisions, strict=True))


Extractor = Callable[[ParsedDocument, Fragment], None]


def parse_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    raw = read_document(path, max_bytes)
    clean = normalize(raw.text)
    structure = segment(clean)
    if not structure.provisions:
        raise LoadError(path, "no numbered provisions found (expected items such as 一、 （一） 1.)")
    meta = extract_metadata(clean, structure.body_start, raw.text)
    region = meta.region.name if meta.region else None
    doc_id = document_id(meta.doc_number, region, meta.title, path.name)
    parsed = ParsedDocument(raw, clean, structure, meta, doc_id)
    seen: dict[int, int] = {}
    for part in structure.provisions:
        occurrence = seen.get(part.number, 0)
        seen[part.number] = occurrence + 1
        parsed.provision_ids.append(provision_id(doc_id, part.number, occurrence))
    return parsed


def build_fragment(parsed: ParsedDocument, extractors: list[Extractor] | None = None) -> Fragment:
    fragment = Fragment(
        document_id=parsed.id,
        source_name=parsed.raw.path.name,
        source_text=parsed.raw.text,
        content_hash=hashlib.sha256(parsed.raw.text.encode("utf-8")).hexdigest(),
        warnings=[f"{parsed.raw.path}: {w}" for w in parsed.structure.warnings],
    )
    for extractor in extractors if extractors is not None else default_extractors():
        extractor(parsed, fragment)
    return fragment


def structure_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    """Document, Section and Provision nodes and their PART_OF edges."""
    meta, doc_id = parsed.meta, parsed.id
    fragment.add(
        Node(
            doc_id,
            NodeKind.DOCUMENT,
            {
                "source": str(parsed.raw.path.name),
                "path": str(parsed.raw.path),
                "title": meta.title,
                "issuer": meta.issuer,
                "doc_number": meta.doc_number,
                "date": meta.signed,
                "published": meta.published,
                "year": meta.year,
                "region": meta.region.name if meta.region else None,
                "level": meta.region.level if meta.region else None,
                "parent_region": meta.region.parent if meta.region else None,
                "encoding": parsed.raw.encoding,
                "format": parsed.raw.format,
                "field_spans": {k: list(parsed.source_span(*v)) for k, v in meta.spans.items()},
            },
            document=doc_id,
            span=(0, len(parsed.raw.text)),
            extractor="metadata",
        )
    )
    section_ids: list[str] = []
    for index, section in enumerate(parsed.structure.sections):
        sid = section_id(doc_id, index)
        section_ids.append(sid)
        fragment.add(
            Node(
                sid,
                NodeKind.SECTION,
                {"number": section.number, "label": section.label, "title": section.title, "level": section.level},
                document=doc_id,
                span=parsed.source_span(section.start, section.end),
                extractor="segment",
            )
        )
        parent = section_ids[section.parent_index] if section.parent_index is not None else doc_id
        fragment.add(_part_of(sid, parent, doc_id))
    for pid, part in parsed.provisions:
        attrs = {
            "number": part.number,
            "label": part.label,
            "text": part.text,
            "heading": part.heading,
            "path": part.path,
            "year": meta.year,
            "region": meta.region.name if meta.region else None,
            "level": meta.region.level if meta.region else None,
        }
        if part.columns:
            attrs["columns"] = part.columns
        fragment.add(
            Node(pid, NodeKind.PROVISION, attrs, document=doc_id, span=parsed.source_span(part.start, part.end),
                 extractor="segment")
        )
        parent = section_ids[part.section_index] if part.section_index is not None else doc_id
        fragment.add(_part_of(pid, parent, doc_id))


def _part_of(child: str, parent: str, doc_id: str) -> Edge:
    return Edge(child, parent, EdgeKind.PART_OF, document=doc_id, extractor="segment")


def warm_up() -> None:
    """Build every table the extractors otherwise build on first use (~1 s): lexicons, the gazetteer,
    jionlp's location parser. Call it before forking parse workers, which then share the warm caches:
    plain dicts and compiled patterns, no open files or threads."""
    from policykg.domain import regions

    from . import agencies, responsibility, targets, taxonomy

    regions.load_gazetteer()
    for lexicon in (agencies.lexicon, responsibility.lexicon, targets.lexicon, taxonomy.lexicon):
        lexicon()
    agencies._prefix_lengths()

    taxonomy._places()


def default_extractors() -> list[Extractor]:
    from .agencies import issuer_extractor
    from .citations import citation_extractor
    from .jurisdiction import jurisdiction_extractor
    from .responsibility import responsibility_extractor
    from .targets import targets_extractor
    from .taxonomy import taxonomy_extractor

    return [structure_extractor, jurisdiction_extractor, issuer_extractor, responsibility_extractor,
            taxonomy_extractor, targets_extractor, citation_extractor]
