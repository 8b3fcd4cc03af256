"""Lines placed on pages (from a PDF's text layer or from OCR) → the source text of the document.

What a printed page adds and the text must not keep: page numbers (``— 3 —``, ``-3-``, ``第 3 页 共 9 页``),
running headers and footers repeated on most pages, and the line breaks of the page width. A line is joined to
the next when it runs to the right edge of the text block and the next starts at the left edge (not indented
as a paragraph's first line, not centred, not an item marker such as ``（三）`` or ``4.``). Table rows stay one
tab-separated line each. Where each page starts in the text is kept, so every span knows its page.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from ..normalize import WIDTH_FOLD
from ..segment import match_marker
from .base import word_gap


@dataclass
class TextLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the glyph height, about the font size
    row: bool = False  # a table row (cells tab-separated): never joined to its neighbours


@dataclass
class Page:
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)


_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－─_·.]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?[\s\-—–－─_·.]*$"
)
_MARGIN = 0.12  # the top and bottom 12% of a page: where headers, footers and page numbers are printed
_RUNNING_SHARE = 0.5  # a margin line on at least half the pages (and two) is a running header or footer


def compose(pages: list[Page]) -> tuple[str, list[int]]:
    """The document's text and the offset where each page starts in it."""
    running = _running_keys(pages)
    bodies = [_body_lines(page, running) for page in pages]
    geometry = _Geometry.of([line for lines in bodies for line in lines])
    pieces: list[str] = []
    starts: list[int] = []
    length = 0
    previous: TextLine | None = None
    for lines in bodies:
        page_start = None
        for line in lines:
            if previous is not None:
                separator = _separator(previous, line) if geometry.continues(previous, line) else "\n"
                pieces.append(separator)
                length += len(separator)
            if page_start is None:
                page_start = length
            pieces.append(line.text)
            length += len(line.text)
            previous = line
        starts.append(length if page_start is None else page_start)
    return "".join(pieces), starts


def _separator(line: TextLine, following: TextLine) -> str:
    """Nothing between the pieces of a wrapped Chinese line; a space between two ASCII words."""
    return word_gap(line.text, following.text)


# --- page furniture --------------------------------------------------------------------------------------------


def _body_lines(page: Page, running: set[tuple[str, str]]) -> list[TextLine]:
    kept = []
    for position, line in enumerate(page.lines):
        side = _margin_side(line, page)
        at_edge = position in (0, len(page.lines) - 1)
        if _PAGE_NUMBER.match(line.text) and (side or at_edge):
            continue
        if side and (_key(line.text), side) in running:
            continue
        kept.append(line)
    return kept


def _margin_side(line: TextLine, page: Page) -> str | None:
    if line.bottom <= page.height * _MARGIN:
        return "top"
    if line.top >= page.height * (1 - _MARGIN):
        return "bottom"
    return None


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _running_keys(pages: list[Page]) -> set[tuple[str, str]]:
    """(text with digits as #, side) of the margin lines printed on most pages: running headers, footers."""
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    for index, page in enumerate(pages):
        for line in page.lines:
            side = _margin_side(line, page)
            if side and not line.row:
                found[(_key(line.text), side)].add(index)
    needed = max(2, round(len(pages) * _RUNNING_SHARE))
    return {key for key, on in found.items() if len(on) >= needed}


# --- line joining ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Geometry:
    left: float  # where the text block's lines start
    right: float  # where full lines end
    size: float  # the body text's glyph height

    @classmethod
    def of(cls, lines: list[TextLine]) -> _Geometry:
        lines = [line for line in lines if not line.row and line.text.strip()]
        if not lines:
            return cls(0.0, 0.0, 1.0)
        size = statistics.median(line.size for line in lines) or 1.0
        starts = sorted(line.x0 for line in lines)
        ends = sorted(line.x1 for line in lines)
        # The text block's edges: where unindented lines start and full lines end (a few strays aside).
        left = starts[int(0.05 * (len(starts) - 1))]
        right = ends[int(0.95 * (len(ends) - 1))]
        return cls(left, right, size)

    def continues(self, line: TextLine, following: TextLine) -> bool:
        """Whether ``following`` carries on ``line``'s paragraph, which only the page width broke."""
        if line.row or following.row:
            return False
        if abs(line.size - following.size) > 0.25 * self.size:
            return False  # a heading and body text
        if line.x1 < self.right - 2.2 * self.size:
            return False  # the line stops short of the edge: its paragraph ends there
        if abs(following.x0 - self.left) > 0.6 * self.size:
            return False  # indented (a new paragraph) or centred
        return match_marker(following.text.strip().translate(WIDTH_FOLD)) is None
