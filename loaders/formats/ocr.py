"""Pages that are pictures (a scanned PDF) read by Tesseract OCR with its simplified-Chinese model.

Each page is rendered by PDFium at the resolution of the scan it holds (re-sampling a 200 dpi scan to 300 dpi
makes Tesseract worse, not better), read by Tesseract (through pytesseract) into words with boxes and
confidences, and the words become placed lines for ``layout.compose``, like a text layer's. Tesseract runs one
thread per page (``OMP_THREAD_LIMIT=1`` unless set): a build parallelises across files instead.
"""

from __future__ import annotations

import os
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .base import word_gap
from .layout import Page, TextLine
from .tools import TESSERACT, MissingTool, missing_reason, require

LANGUAGE = "chi_sim"
_DPI_RANGE = (150.0, 400.0)
_DEFAULT_DPI = 300.0
_PAGE_TIMEOUT_S = 300
_COLUMN_GAP = 2.0
# One column of text of varying sizes: a notice's page. Tesseract's default (automatic layout) mis-reads more
# lines of the sample scans (about 1.5% of characters against 0.5%).
_PAGE_SEGMENTATION = "--psm 4"  # a gap wider than this many glyph heights separates table cells


@dataclass(frozen=True)
class OcrPage:
    page: Page
    confidence: float  # mean word confidence, 0–100


def check_ocr(path: Path, what: str) -> None:
    """Tesseract and its simplified-Chinese data are installed, or a ``MissingTool`` saying what to install."""
    require(TESSERACT, path, what)
    if LANGUAGE not in _languages():
        raise MissingTool(path, missing_reason(TESSERACT, what, f"Tesseract has no {LANGUAGE} data"))


@cache
def _languages() -> frozenset[str]:
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except pytesseract.TesseractError:
        return frozenset()


def ocr_pages(data: bytes, indexes: list[int]) -> dict[int, OcrPage]:
    """The pages at ``indexes`` of the PDF in ``data``, read by OCR."""
    import pypdfium2 as pdfium

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    document = pdfium.PdfDocument(data)
    try:
        return {index: _read_page(document[index]) for index in indexes}
    finally:
        document.close()


def _read_page(pdf_page) -> OcrPage:
    import pytesseract

    width, height = pdf_page.get_size()
    dpi = _scan_dpi(pdf_page, width)
    image = pdf_page.render(scale=dpi / 72, grayscale=True).to_pil()
    data = pytesseract.image_to_data(image, lang=LANGUAGE, config=_PAGE_SEGMENTATION,
                                     output_type=pytesseract.Output.DICT, timeout=_PAGE_TIMEOUT_S)
    scale = 72 / dpi  # pixels back to PDF points, so layout works in one unit for text layers and scans
    words: dict[tuple[int, int, int], list[tuple[float, float, float, float, str, float]]] = defaultdict(list)
    for i, text in enumerate(data["text"]):
        if not text.strip():
            continue
        left, top = data["left"][i] * scale, data["top"][i] * scale
        right, bottom = left + data["width"][i] * scale, top + data["height"][i] * scale
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        words[key].append((left, right, top, bottom, text.strip(), float(data["conf"][i])))
    lines = sorted((_line(found) for found in words.values()), key=lambda line: (line.top, line.x0))
    confidences = [conf for found in words.values() for *_, conf in found if conf >= 0]
    page = Page(width, height, lines)
    return OcrPage(page, statistics.fmean(confidences) if confidences else 0.0)


def _scan_dpi(pdf_page, width_pt: float) -> float:
    """The resolution of the largest picture on the page, within reason; 300 dpi when there is none."""
    import pypdfium2.raw as pdfium_c

    best = 0.0
    for image in pdf_page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        left, _, right, _ = image.get_bounds()
        pixels, _ = image.get_px_size()
        if right - left > width_pt / 2:
            best = max(best, pixels / ((right - left) / 72))
    if not best:
        return _DEFAULT_DPI
    return min(max(best, _DPI_RANGE[0]), _DPI_RANGE[1])


def _line(words: list[tuple[float, float, float, float, str, float]]) -> TextLine:
    words = sorted(words)
    size = statistics.median(bottom - top for _, _, top, bottom, _, _ in words) or 1.0
    pieces = [words[0][4]]
    wide_gaps = 0
    for (_, right, *_), (left, _, _, _, text, _) in zip(words, words[1:], strict=False):
        if left - right > _COLUMN_GAP * size:
            pieces.append("\t")
            wide_gaps += 1
        else:
            pieces.append(word_gap(pieces[-1], text))
        pieces.append(text)
    text = "".join(pieces)
    if wide_gaps < 2:  # one wide gap is a signature's or a date's alignment, not a table
        text = text.replace("\t", " ")
    return TextLine(text, words[0][0], max(w[1] for w in words), min(w[2] for w in words),
                    max(w[3] for w in words), size)
