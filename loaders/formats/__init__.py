"""Read a file of any supported format into its source text: one module per format, a registry by suffix.

``read_document(path, max_bytes) -> RawDocument`` is the single entry point. Each reader returns the text every
span will point into, plus what the container says outside the body (hints), where the body starts, where
pages start, and notes about the reading; control characters are removed here, for every format, with a note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .base import (
    DEFAULT_MAX_BYTES,
    LoadError,
    RawDocument,
    Reading,
    control_ratio,
    offset_without_controls,
    remove_controls,
)
from .docx import read_docx
from .html import read_html, read_mhtml
from .markdown import read_markdown
from .ofd import read_ofd
from .office import read_office
from .pdf import read_pdf
from .plain import read_text
from .tools import MissingTool

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "SUPPORTED_SUFFIXES", "LoadError", "MissingTool", "RawDocument",
           "read_document"]

# Containers (PDF, Word) hold pictures and fonts besides the text: they may be this many times larger.
CONTAINER_SIZE_FACTOR = 10


@dataclass(frozen=True)
class Format:
    name: str
    read: Callable[[Path, bytes], Reading]
    container: bool = False  # a binary container, not a text file


_OFFICE = {suffix: Format(suffix.lstrip("."), read_office, True)
           for suffix in (".doc", ".wps", ".rtf", ".odt", ".docm", ".dot", ".dotx", ".wpt", ".fodt")}
FORMATS: dict[str, Format] = {
    ".txt": Format("text", read_text),
    ".md": Format("markdown", read_markdown),
    ".markdown": Format("markdown", read_markdown),
    ".html": Format("html", read_html),
    ".htm": Format("html", read_html),
    ".shtml": Format("html", read_html),
    ".xhtml": Format("html", read_html),
    ".mht": Format("html", read_mhtml),
    ".mhtml": Format("html", read_mhtml),
    ".pdf": Format("pdf", read_pdf, True),
    ".docx": Format("docx", read_docx, True),
    **_OFFICE,
    ".ofd": Format("ofd", read_ofd, True),
}
SUPPORTED_SUFFIXES = {suffix: fmt.name for suffix, fmt in FORMATS.items()}


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(path, f"unsupported file type {path.suffix or '(none)'!r}; expected one of "
                              f"{', '.join(sorted(FORMATS))}")
    if not path.exists():
        raise LoadError(path, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(path, "file is empty")
    limit = max_bytes * (CONTAINER_SIZE_FACTOR if fmt.container else 1)
    if size > limit:
        raise LoadError(path, f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit for one notice")
    data = path.read_bytes()
    try:
        reading = fmt.read(path, data)
    except LoadError:
        raise
    except Exception as exc:  # a reader library failing on a damaged file: one line, not a traceback
        raise LoadError(path, f"could not read it as {fmt.name}: {type(exc).__name__}: {exc}") from exc
    return _finished(path, fmt, reading, size)


def _finished(path: Path, fmt: Format, reading: Reading, size: int) -> RawDocument:
    if control_ratio(reading.text) > 0.05:
        raise LoadError(path, "binary content, not a text document")
    text, removed = remove_controls(reading.text)
    if removed:
        reading.notes.append(removed)
    if len(text) != len(reading.text):  # offsets found before the removal move left with it
        reading.pages = [offset_without_controls(reading.text, offset) for offset in reading.pages]
        reading.body_start = offset_without_controls(reading.text, reading.body_start)
    if not text[reading.body_start :].strip():
        raise LoadError(path, "file has no text")
    return RawDocument(path=path, format=reading.format or fmt.name, encoding=reading.encoding, text=text,
                       byte_size=size, pages=tuple(reading.pages), hints=reading.hints,
                       body_start=reading.body_start, extractor=reading.extractor, confidence=reading.confidence,
                       notes=reading.notes)
