"""Document, Section and Provision nodes, and the PART_OF edges that hold them together."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policykg.graph.components import component
from policykg.graph.model import Edge, EdgeKind, Fragment, Node, NodeKind, section_id

from .conventions import conventions

if TYPE_CHECKING:
    from .pipeline import ParsedDocument
    from .segment import SectionPart


@component("structure", "extract", assigns=["Document", "Section", "Provision", "PART_OF", "Provision.path",
                                            "Provision.section_kind", "Section.table"], initialize=conventions)
def structure_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    """Document, Section and Provision nodes and their PART_OF edges, from the segmenter and the metadata."""
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
                "issuers": meta.issuers,  # every signing body as printed, the lead issuer first
                "doc_number": meta.doc_number,
                "date": meta.date,  # signed, else published
                "signed": meta.signed,
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
                _section_attrs(section),
                document=doc_id,
                span=parsed.source_span(section.start, section.end),
                extractor="segment",
            )
        )
        parent = section_ids[section.parent_index] if section.parent_index is not None else doc_id
        fragment.add(_part_of(sid, parent, doc_id))
    for pid, part in parsed.provisions:
        attrs = {
            "number": part.number,  # as printed; an unnumbered paragraph's, its place in reading order
            "label": part.label,
            "text": part.text,
            "heading": part.heading,
            "path": part.path_label,  # 二/（三）/1, 一/¶2, 附表1/3
            "level": part.level,  # depth in the document's tree, 1 at the top
            # 任务, 职责, 保障措施, 条款 … (lexicon/structure.toml); ``kind`` is the node's own type
            "section_kind": part.kind,
            "numbered": part.numbered,
            "year": meta.year,
            "region": meta.region.name if meta.region else None,
            "region_level": meta.region.level if meta.region else None,
        }
        if part.columns:
            attrs["columns"] = part.columns
        fragment.add(
            Node(pid, NodeKind.PROVISION, attrs, document=doc_id, span=parsed.source_span(part.start, part.end),
                 extractor="segment")
        )
        parent = section_ids[part.section_index] if part.section_index is not None else doc_id
        fragment.add(_part_of(pid, parent, doc_id))


def _section_attrs(section: SectionPart) -> dict[str, object]:
    attrs: dict[str, object] = {"number": section.number, "label": section.label, "title": section.title,
                                "level": section.level, "path": section.path_label, "section_kind": section.kind,
                                "numbered": section.numbered}
    if section.table is not None:
        attrs["table"] = section.table  # a data table kept whole: title, header, rows
    return attrs


def _part_of(child: str, parent: str, doc_id: str) -> Edge:
    return Edge(child, parent, EdgeKind.PART_OF, document=doc_id, extractor="segment")
