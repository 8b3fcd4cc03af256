"""Text that remembers where each character came from.

Every analysis runs on a cleaned copy of a document, but every node and edge must point at the
words of the *original* file. ``OffsetText`` carries, for each character of the cleaned text, the
index of the source character it stands for, so a span found in clean text maps back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OffsetText:
    text: str
    origin: tuple[int, ...]  # origin[i] = index in the source text of text[i]
    source_length: int

    @classmethod
    def of(cls, source: str, start: int = 0) -> OffsetText:
        """The source from ``start`` on (what precedes it, e.g. front matter, is not text to analyse)."""
        return cls(source[start:], tuple(range(start, len(source))), len(source))

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
        matches = list(regex.finditer(self.text))
        if not matches:
            return self  # nothing to replace; the text is immutable, so share it rather than copy the offsets
        pieces: list[str] = []
        origin: list[int] = []
        last = 0
        for match in matches:
            pieces.append(self.text[last : match.start()])
            origin.extend(self.origin[last : match.start()])
            new = repl(match) if callable(repl) else match.expand(repl)
            pieces.append(new)
            if len(new) == match.end() - match.start():
                origin.extend(self.origin[match.start() : match.end()])
            else:
                anchor = self.origin[match.start()] if match.start() < len(self.origin) else self.source_length
                origin.extend([anchor] * len(new))
            last = match.end()
        pieces.append(self.text[last:])
        origin.extend(self.origin[last:])
        return OffsetText("".join(pieces), tuple(origin), self.source_length)

    def translate(self, table: dict[int, int | str]) -> OffsetText:
        """A 1:1 character translation (width folding); offsets are unchanged."""
        folded = self.text.translate(table)
        if len(folded) != len(self.text):
            raise ValueError("translate() must map one character to one character")
        return OffsetText(folded, self.origin, self.source_length)
