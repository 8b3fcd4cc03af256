"""What every format reader returns, the errors it raises, and the decoding and cleaning they share."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class LoadError(Exception):
    """A file that cannot be loaded; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class RawDocument:
    path: Path
    format: str  # text | markdown | html | pdf | docx | doc | wps | rtf | odt …
    encoding: str | None  # of a text file; None for binary containers (PDF, Word)
    text: str  # the source text every span refers to
    byte_size: int
    # Source offset where each page starts (empty when the format has no pages).
    pages: tuple[int, ...] = ()
    # Metadata the container carries outside the body: field → (value, where it came from). Fields are
    # DocumentMeta's (title, doc_number, issuer, published, signed) plus level and others; raw keys as raw:<key>.
    hints: dict[str, tuple[str, str]] = field(default_factory=dict)
    body_start: int = 0  # source offset where the document's own text begins
    extractor: str = "reader"  # reader | ocr
    confidence: float = 1.0  # lower for OCR text
    notes: list[str] = field(default_factory=list)  # warnings about the reading


@dataclass
class Reading:
    """What a format reader found; ``read_document`` turns it into a ``RawDocument``."""

    text: str
    encoding: str | None = None
    pages: list[int] = field(default_factory=list)
    hints: dict[str, tuple[str, str]] = field(default_factory=dict)
    body_start: int = 0
    extractor: str = "reader"
    confidence: float = 1.0
    notes: list[str] = field(default_factory=list)
    format: str | None = None  # when the reader knows better than the suffix (a converted file keeps its own)


# --- decoding -------------------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Answers in the GB family (a detector's, or a page's declared charset) are decoded with GB18030, their common
# superset: portals declare gb2312 and serve GBK or GB18030 bytes.
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "x-gbk", "euc-cn", "csgb2312"}


def decode_bytes(data: bytes, path: Path | str = "<bytes>", declared: str | None = None) -> tuple[str, str]:
    """Decode with a BOM if there is one, else strict UTF-8, else the declared charset, else charset-normalizer."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name).lstrip("\ufeff"), name.replace("-sig", "")
            except UnicodeDecodeError as exc:
                reason = f"starts with a {name} byte-order mark but does not decode: {exc.reason}"
                raise LoadError(path, reason) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        name = "gb18030" if declared.lower() in GB_FAMILY else declared.lower()
        try:
            return _checked(data.decode(name), name, path), name
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration: guess as for any file
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LoadError(path, "undecodable bytes: not UTF-8, GB18030/GBK or UTF-16 text (binary file?)")
    encoding = best.encoding.lower().replace("_", "")
    name = "gb18030" if encoding in GB_FAMILY else best.encoding
    try:
        text = data.decode(name)
    except (UnicodeDecodeError, LookupError) as exc:
        raise LoadError(path, f"undecodable bytes (detector said {best.encoding})") from exc
    return _checked(text, name, path), name


def _checked(text: str, name: str, path: Path | str) -> str:
    if "\x00" in text or control_ratio(text) > 0.05:
        raise LoadError(path, "binary content, not a text document")
    if not has_cjk(text):
        raise LoadError(path, f"decoded as {name} but holds no Chinese text; not a policy notice (binary file?)")
    return text


def control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls / max(len(text), 1)


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text[:20000])


# --- cleaning -------------------------------------------------------------------------------------------------

# Control characters other than tab and line breaks, DEL, C1 controls and the two non-characters XML forbids:
# they break GraphML (XML 1.0) and Cypher stores later. Form feed and vertical tab are line breaks.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAK_CONTROLS = str.maketrans({"\f": "\n", "\v": "\n"})


def remove_controls(text: str) -> tuple[str, str | None]:
    """The text without control characters, and a note naming what was removed (None when nothing was)."""
    text = text.translate(_LINE_BREAK_CONTROLS)
    found = Counter(_CONTROLS.findall(text))
    if not found:
        return text, None
    names = ", ".join(f"{_control_name(ch)} ×{count}" for ch, count in found.most_common())
    return _CONTROLS.sub("", text), f"removed {sum(found.values())} control characters ({names})"


def offset_without_controls(text: str, offset: int) -> int:
    """Where ``offset`` of ``text`` lands once ``remove_controls`` has removed its control characters."""
    return offset - len(_CONTROLS.findall(text, 0, offset))


def _control_name(ch: str) -> str:
    abbreviations = {0: "NUL", 27: "ESC", 127: "DEL", 8: "BS", 7: "BEL"}
    code = ord(ch)
    return abbreviations.get(code) or unicodedata.name(ch, f"U+{code:04X}")


def word_gap(left: str, right: str) -> str:
    """What goes between two pieces of one line that layout broke apart: a space only between ASCII words."""
    if left and right and _is_ascii_word(left[-1]) and _is_ascii_word(right[0]):
        return " "
    return ""


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def collapse_space(text: str) -> str:
    """Whitespace runs inside one line of text (HTML source formatting, cell wraps) as browsers show them."""
    return " ".join(text.split())
