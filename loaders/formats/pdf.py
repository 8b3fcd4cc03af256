"""PDF: the text layer read by pdfplumber, pages without one (scans) read by OCR.

pdfplumber (MIT, on pdfminer.six) gives every character with its box, which is what rejoining page-wrapped
lines and dropping page furniture need (``layout.py``), and finds ruled tables, whose rows become one
tab-separated line each. A page with no characters but a picture or drawing is a scan: it goes to Tesseract
(``ocr.py``) when that is installed; a PDF that is all scan without Tesseract is refused in one line.
"""

from __future__ import annotations

import io
import statistics
from pathlib import Path

from .base import LoadError, Reading, collapse_space, word_gap
from .layout import Page, TextLine, compose
from .tools import MissingTool

_COLUMN_GAP = 2.0  # a gap wider than this many glyph heights between characters separates table cells
_WORD_GAP = 0.2  # a gap wider than this many glyph heights is a space


def read_pdf(path: Path, data: bytes) -> Reading:
    pages, scans = _text_layer(path, data)
    reading = Reading("")
    if scans:
        _read_scans(path, data, pages, scans, reading)
    reading.text, reading.pages = compose(pages)
    return reading


def _text_layer(path: Path, data: bytes) -> tuple[list[Page], list[int]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pages: list[Page] = []
    scans: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index, pdf_page in enumerate(pdf.pages):
                page = _page(pdf_page)
                if not page.lines and (pdf_page.images or pdf_page.curves or pdf_page.rects):
                    scans.append(index)
                pages.append(page)
                pdf_page.close()  # drop the page's cached layout: a 500-page PDF is read in constant memory
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise LoadError(path, "the PDF is encrypted with a password; save an unprotected copy") from exc
    return pages, scans


def _page(pdf_page) -> Page:
    tables = pdf_page.find_tables()
    boxes = [table.bbox for table in tables]

    def body_char(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        return obj.get("upright", True) and not any(_inside(obj, box) for box in boxes)

    free = pdf_page.filter(body_char)
    lines = [_line(found["chars"]) for found in free.extract_text_lines(return_chars=True, strip=True)]
    lines = [line for line in lines if line.text.strip()]
    for table in tables:
        lines.extend(_table_rows(table))
    lines.sort(key=lambda line: (line.top, line.x0))
    return Page(float(pdf_page.width), float(pdf_page.height), lines)


def _inside(obj, box) -> bool:
    x0, top, x1, bottom = box
    middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return x0 <= middle_x <= x1 and top <= middle_y <= bottom


def _line(chars: list[dict]) -> TextLine:
    chars = sorted((c for c in chars if c["text"].strip()), key=lambda c: c["x0"])
    if not chars:
        return TextLine("", 0, 0, 0, 0, 1)
    size = statistics.median(c["bottom"] - c["top"] for c in chars) or 1.0
    pieces = [chars[0]["text"]]
    wide_gaps = 0
    for before, char in zip(chars, chars[1:], strict=False):
        gap = char["x0"] - before["x1"]
        if gap > _COLUMN_GAP * size:
            pieces.append("\t")
            wide_gaps += 1
        elif gap > _WORD_GAP * size:
            pieces.append(" ")
        pieces.append(char["text"])
    text = "".join(pieces)
    if wide_gaps < 2:  # one wide gap is a signature's or a date's alignment, not a table
        text = text.replace("\t", " ")
    return TextLine(text, chars[0]["x0"], max(c["x1"] for c in chars), min(c["top"] for c in chars),
                    max(c["bottom"] for c in chars), size)


def _table_rows(table) -> list[TextLine]:
    """One line per row, cells joined by tabs; a cell merged down from the row above repeats its text."""
    rows = []
    above: list[tuple[tuple | None, str]] = []
    for row, cells in zip(table.rows, table.extract(), strict=False):
        texts = []
        for column, (box, cell) in enumerate(zip(row.cells, cells, strict=False)):
            text = _cell_text(cell)
            if box is None and column < len(above):
                merged_box, merged_text = above[column]
                if merged_box is not None and merged_box[3] >= row.bbox[3] - 1:
                    text = merged_text  # the cell above spans this row too
            texts.append(text)
        above = [(box if box is not None else (above[i][0] if i < len(above) else None), text)
                 for i, (box, text) in enumerate(zip(row.cells, texts, strict=False))]
        x0, top, x1, bottom = row.bbox
        rows.append(TextLine("\t".join(texts), x0, x1, top, bottom, bottom - top, row=True))
    return rows


def _cell_text(cell: str | None) -> str:
    if not cell:
        return ""
    text = ""
    for piece in cell.split("\n"):
        text += word_gap(text, piece) + piece
    return collapse_space(text)


def _read_scans(path: Path, data: bytes, pages: list[Page], scans: list[int], reading: Reading) -> None:
    from .ocr import check_ocr, ocr_pages

    listed = _page_list(scans)
    try:
        check_ocr(path, "a scanned PDF (no text layer)" if len(scans) == len(pages) else f"pages {listed} are scans")
    except MissingTool as missing:
        if len(scans) == len(pages):
            raise
        reading.notes.append(f"{missing.reason}; those pages were not read")
        return
    read = ocr_pages(data, scans)
    for index, found in read.items():
        pages[index] = found.page
    confidences = [found.confidence for found in read.values()]
    mean = statistics.fmean(confidences) if confidences else 0.0
    worst = min(read, key=lambda i: read[i].confidence)
    reading.extractor = "ocr"
    reading.confidence = round(min(0.9, mean / 100), 2)
    reading.notes.append(
        f"read by OCR (Tesseract chi_sim): page{'s' if len(scans) > 1 else ''} {listed}, mean word confidence "
        f"{mean:.0f}/100 (lowest: page {worst + 1}, {read[worst].confidence:.0f})"
    )


def _page_list(indexes: list[int]) -> str:
    """[0, 1, 2, 4] → '1–3, 5' (pages as printed, from 1)."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ", ".join(f"{r[0] + 1}–{r[-1] + 1}" if len(r) > 1 else f"{r[0] + 1}" for r in runs)
