"""Text that remembers where each character came from.

Every analysis runs on a cleaned copy of a document, but every node and edge must point at the
words of the *original* file. ``OffsetText`` carries, for each character of the cleaned text, the
index of the source character it stands for, so a span found in clean text maps back exactly.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# One 4-byte machine int per character (a tuple of Python ints costs ~36 bytes): a 60 MB notice's
# offsets fit in 80 MB instead of 700. Indexing gives Python ints, so spans stay plain ints.
OFFSET_TYPECODE = "i"


def offsets(start: int, stop: int) -> array[int]:
    """``array('i', range(start, stop))``, filled at C speed."""
    made = array(OFFSET_TYPECODE)
    made.frombytes(np.arange(start, stop, dtype=np.intc).tobytes())
    return made


@dataclass(frozen=True, eq=False)
class OffsetText:
    text: str
    origin: array[int]  # origin[i] = index in the source text of text[i]
    source_length: int

    @classmethod
    def of(cls, source: str, start: int = 0) -> OffsetText:
        """The source from ``start`` on (what precedes it, e.g. front matter, is not text to analyse)."""
        return cls(source[start:], offsets(start, len(source)), len(source))

    def __len__(self) -> int:
        return len(self.text)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the clean span [start, end) to the smallest source span that covers it."""
        if start >= end:
            pos = self.origin[start] if start < len(self.origin) else self.source_length
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1

    def sub(self, pattern: str | re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> OffsetText:
        """Like ``re.sub``; replaced characters map to the start of their match.

        A replacement of the same length as its match maps character for character, so width
        folding and similar 1:1 rewrites keep exact offsets.
        """
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        pieces: list[str] = []
        origin = array(OFFSET_TYPECODE)
        last = 0
        for match in regex.finditer(self.text):  # one pass: the matches are never all held at once
            pieces.append(self.text[last : match.start()])
            origin.extend(self.origin[last : match.start()])
            new = repl(match) if callable(repl) else match.expand(repl)
            pieces.append(new)
            if len(new) == match.end() - match.start():
                origin.extend(self.origin[match.start() : match.end()])
            elif new:
                anchor = self.origin[match.start()] if match.start() < len(self.origin) else self.source_length
                origin.extend(array(OFFSET_TYPECODE, [anchor]) * len(new))
            last = match.end()
        if not pieces:
            return self  # nothing to replace; the text is immutable, so share it rather than copy the offsets
        pieces.append(self.text[last:])
        origin.extend(self.origin[last:])
        return OffsetText("".join(pieces), origin, self.source_length)

    def translate(self, table: dict[int, int | str]) -> OffsetText:
        """A 1:1 character translation (width folding); offsets are unchanged."""
        folded = self.text.translate(table)
        if len(folded) != len(self.text):
            raise ValueError("translate() must map one character to one character")
        return OffsetText(folded, self.origin, self.source_length)
