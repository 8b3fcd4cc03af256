"""Read a file from disk into text: detect its encoding, reject what is not a document.

The *source text* of a document is what every span points into: the decoded file for ``.txt``
and ``.md``; for ``.html`` the page's text content, one line per block and one tab-separated
line per table row (so task tables survive as rows).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser as HTMLParser

SUPPORTED_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Detector answers in the GB family are decoded with GB18030, their common superset.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


class LoadError(Exception):
    """A file that cannot be loaded; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class RawDocument:
    path: Path
    format: str  # text | markdown | html
    encoding: str
    text: str  # the source text every span refers to
    byte_size: int


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(path, f"unsupported file type {path.suffix or '(none)'!r}; expected .txt, .md or .html")
    if not path.exists():
        raise LoadError(path, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(path, "file is empty")
    if size > max_bytes:
        raise LoadError(path, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit for one notice")
    data = path.read_bytes()
    text, encoding = decode_bytes(data, path)
    if fmt == "html":
        text = html_to_text(text)
    if not text.strip():
        raise LoadError(path, "file has no text")
    return RawDocument(path=path, format=fmt, encoding=encoding, text=text, byte_size=size)


def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode with a BOM if there is one, else strict UTF-8, else charset-normalizer's best guess."""
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
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LoadError(path, "undecodable bytes: not UTF-8, GB18030/GBK or UTF-16 text (binary file?)")
    encoding = best.encoding.lower().replace("_", "")
    name = "gb18030" if encoding in _GB_FAMILY else best.encoding
    try:
        text = data.decode(name)
    except (UnicodeDecodeError, LookupError) as exc:
        raise LoadError(path, f"undecodable bytes (detector said {best.encoding})") from exc
    if "\x00" in text or _control_ratio(text) > 0.05:
        raise LoadError(path, "binary content, not a text document")
    if not _has_cjk(text):
        raise LoadError(path, f"decoded as {name} but holds no Chinese text; not a policy notice (binary file?)")
    return text, name


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls / max(len(text), 1)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text[:20000])


_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "title", "tr"}


def html_to_text(html: str) -> str:
    """Page text with one line per block element and one tab-separated line per table row."""
    tree = HTMLParser(html)
    for tag in ("script", "style", "noscript", "head"):
        for node in tree.css(tag):
            node.decompose()
    lines: list[str] = []
    body = tree.body or tree.root
    if body is None:
        return ""
    _walk(body, lines)
    return "\n".join(line.strip() for line in "".join(lines).split("\n"))


def _walk(node, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(child.text(deep=False).replace("\n", " "))
        elif tag == "tr":
            cells = [" ".join(cell.text(deep=True).split()) for cell in child.iter() if cell.tag in ("td", "th")]
            out.append("\n" + "\t".join(cells) + "\n")
        elif tag == "br":
            out.append("\n")
        else:
            block = tag in _BLOCK_TAGS
            if block:
                out.append("\n")
            _walk(child, out)
            if block:
                out.append("\n")
