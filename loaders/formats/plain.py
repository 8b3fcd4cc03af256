"""Plain text (.txt): the decoded file is the source text."""

from __future__ import annotations

from pathlib import Path

from .base import Reading, decode_bytes


def read_text(path: Path, data: bytes) -> Reading:
    text, encoding = decode_bytes(data, path)
    return Reading(text, encoding)
