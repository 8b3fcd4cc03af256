"""What the reading of a file adds to every node and edge of its document: the page, and OCR's lower trust.

Run once per document after the extractors (``build_fragment``), so no extractor needs to know formats:

- ``page`` (1-based) on every node and edge of the document whose span is known, and ``page_end`` when the
  span runs onto a later page, from ``RawDocument.pages``;
- for a document read by OCR, every node and edge of it gets ``extractor: "ocr"`` (the pipeline step that made
  it is kept as ``stage``) and its confidence multiplied by the reading's (mean word confidence, at most 0.9);
- on the Document node: ``reader`` (reader | ocr), ``pages`` (how many), ``field_sources`` (where title, 文号,
  issuer and dates were read: "text", "front matter", "portal table"…) and ``source_meta`` (every label the
  container carried, e.g. 索引号, 主题分类, 官方链接).
"""

from __future__ import annotations

from bisect import bisect_right

from policykg.graph.model import Edge, Fragment, Node, NodeKind

from .metadata import DocumentMeta
from .reader import RawDocument


def mark_reading(raw: RawDocument, meta: DocumentMeta, fragment: Fragment) -> None:
    own = [item for item in (*fragment.nodes, *fragment.edges) if item.document == fragment.document_id]
    for item in own:
        if raw.pages and item.span is not None:
            _mark_page(item, raw.pages)
        if raw.extractor == "ocr":
            item.attrs["stage"] = item.extractor
            item.extractor = "ocr"
            item.confidence = round(item.confidence * raw.confidence, 3)
    document = next((n for n in fragment.nodes if n.id == fragment.document_id and n.kind == NodeKind.DOCUMENT), None)
    if document is not None:
        document.attrs["reader"] = raw.extractor
        if raw.pages:
            document.attrs["pages"] = len(raw.pages)
        document.attrs["field_sources"] = dict(meta.sources)
        source_meta = {key[4:]: value for key, (value, _) in raw.hints.items() if key.startswith("raw:")}
        if source_meta:
            document.attrs["source_meta"] = source_meta


def _mark_page(item: Node | Edge, pages: tuple[int, ...]) -> None:
    start, end = item.span
    first = bisect_right(pages, start)
    last = bisect_right(pages, max(start, end - 1))
    item.attrs["page"] = max(first, 1)
    if last > first:
        item.attrs["page_end"] = last
