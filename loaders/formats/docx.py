"""Word .docx: paragraphs in reading order with their list numbers, tables as tab-separated rows.

python-docx (MIT) opens the package and gives the body, styles and numbering XML; the words are read from the
XML in document order: runs, tabs and breaks, inserted revisions (``w:ins``) and content controls included,
deleted text and field codes left out, text boxes and headers/footers left out (letterheads, seals, page
numbers). A numbered paragraph gets the label Word shows (``numbering.py``). Each paragraph is one line; each
table row one line with its cells joined by tabs, a cell merged down from the row above repeating its text.
Document properties (title, subject, author…) become hints; Word pages depend on rendering, so none are kept.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from docx.oxml.ns import qn

from .base import LoadError, Reading, collapse_space
from .hints import hints_from
from .numbering import Numbering

_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_SKIPPED = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), qn("w:instrText"), qn("w:delText"),
            "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_TEXT, _TAB = qn("w:t"), qn("w:tab")
_BREAKS = {qn("w:br"), qn("w:cr")}


def read_docx(path: Path, data: bytes) -> Reading:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        reason = f"not a readable .docx package ({exc}); if Word opens it, save it again as .docx"
        raise LoadError(path, reason) from exc
    part = document.part
    numbering_part = _numbering_part(part)
    numbering = Numbering(numbering_part.element if numbering_part is not None else None,
                          part.styles.element if part.styles is not None else None)
    lines = [line for line in _body_lines(document.element.body, numbering) if line.strip()]
    reading = Reading("\n".join(lines))
    reading.hints = _properties(document)
    return reading


def _numbering_part(part):
    try:
        return part.numbering_part
    except NotImplementedError:  # a document without numbering.xml
        return None


def _body_lines(body, numbering: Numbering) -> Iterator[str]:
    """Paragraphs and table rows in reading order; content controls opened; no recursion."""
    stack = list(reversed(list(body)))
    while stack:
        element = stack.pop()
        if element.tag == _P:
            yield numbering.label(element) + paragraph_text(element)
        elif element.tag == _TBL:
            yield from _table_rows(element)
        elif element.tag == _SDT:
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                stack.extend(reversed(list(content)))


def paragraph_text(paragraph) -> str:
    """The paragraph's words on one line (a tab or a break inside a paragraph is layout: a space)."""
    pieces: list[str] = []
    skipped_depth: list[object] = []
    for event, element in _walk(paragraph):
        if element.tag in _SKIPPED:
            if event == "start":
                skipped_depth.append(element)
            elif skipped_depth and skipped_depth[-1] is element:
                skipped_depth.pop()
            continue
        if event != "start" or skipped_depth:
            continue
        if element.tag == _TEXT:
            pieces.append(element.text or "")
        elif element.tag == _TAB or element.tag in _BREAKS:
            pieces.append(" ")
    return collapse_space("".join(pieces))


def _walk(element) -> Iterator[tuple[str, object]]:
    """("start", e) and ("end", e) for every descendant, in document order, without recursion."""
    stack: list[tuple[object, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            yield "end", node
            continue
        yield "start", node
        stack.append((node, True))
        stack.extend((child, False) for child in reversed([c for c in node if isinstance(c.tag, str)]))


def _table_rows(table) -> Iterator[str]:
    merged_above: dict[int, str] = {}  # grid column → text of the cell that starts a vertical merge there
    for row in table.findall(_TR):
        cells: list[str] = []
        column = 0
        for cell in row.findall(_TC):
            properties = cell.find(qn("w:tcPr"))
            span = _int_val(properties, "w:gridSpan", 1)
            merge = properties.find(qn("w:vMerge")) if properties is not None else None
            text = collapse_space(" ".join(paragraph_text(p) for p in cell.iter(_P)))
            if merge is not None and merge.get(qn("w:val")) != "restart":
                text = merged_above.get(column, text)  # continues the cell above: the same words apply
            elif merge is not None:
                merged_above[column] = text
            else:
                merged_above.pop(column, None)
            cells.append(text)
            cells.extend([""] * (span - 1))
            column += span
        yield "\t".join(cells)


def _int_val(properties, tag: str, default: int) -> int:
    found = properties.find(qn(tag)) if properties is not None else None
    value = found.get(qn("w:val")) if found is not None else None
    return int(value) if value and value.isdigit() else default


def _properties(document) -> dict[str, tuple[str, str]]:
    props = document.core_properties
    pairs = [("title", props.title), ("subject", props.subject), ("author", props.author),
             ("keywords", props.keywords), ("category", props.category)]
    return hints_from([(label, value) for label, value in pairs if value and not _generic(value)], "docx properties")


def _generic(value: str) -> bool:
    """Properties Word and generators fill in by themselves say nothing about the document."""
    return value.strip().lower() in {"python-docx", "administrator", "user", "microsoft word", "untitled"} or \
        value.startswith(("Microsoft Word - ", "generated by"))
