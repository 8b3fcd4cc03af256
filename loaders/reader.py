"""Reading a file into its source text. Kept as the historical import path: the readers live in
``loaders/formats/`` (one module per format, a registry by suffix)."""

from .formats import DEFAULT_MAX_BYTES, FORMATS, SUPPORTED_SUFFIXES, LoadError, MissingTool, RawDocument, read_document
from .formats.base import decode_bytes
from .formats.html import page_lines

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "SUPPORTED_SUFFIXES", "LoadError", "MissingTool", "RawDocument",
           "decode_bytes", "page_lines", "read_document"]
