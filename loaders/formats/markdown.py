"""Markdown as mirrors and datasets publish documents: YAML (or TOML) front matter, a mirror's note, the body.

    ---
    标题: 上海市人民政府办公厅关于…的通知
    文号: 沪府办发〔2024〕25号
    发布单位: 上海市人民政府办公厅
    ---

    > 本文正文由脚本自…官方公开页面提取，仅供检索查阅；…

    # 上海市人民政府办公厅关于…的通知

The front matter becomes hints, and so does a leading list of ``- **制定机关**：…`` lines closed by a ``---``
rule (the form law databases' mirrors use). The source text is the whole file; ``body_start`` points past the
front matter, the list and any blockquote note before the body, which are never read as document text.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import yaml

from .base import Reading, decode_bytes
from .hints import Hints, hints_from, is_label

_FENCES = {  # opening line → (syntax, the closing line)
    "---": ("yaml", re.compile(r"^(?:---|\.\.\.)[ \t\r]*$", re.M)),
    "+++": ("toml", re.compile(r"^\+\+\+[ \t\r]*$", re.M)),
}
_KEY_LINE = re.compile(r"^\s*([^:：#\s][^:：]{0,30}?)\s*[:：]\s*(.*?)\s*$")
_LIST_PAIR = re.compile(r"^[ \t]*[-*+][ \t]+(?:\*\*|__)?([^*_:：]{1,20}?)(?:\*\*|__)?[ \t]*[:：][ \t]*(.+?)[ \t]*$")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$")
_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$")


def read_markdown(path: Path, data: bytes) -> Reading:
    text, encoding = decode_bytes(data, path)
    reading = Reading(text, encoding)
    offset = _front_matter(text, reading)
    offset = _metadata_list(text, offset, reading)
    offset = _mirror_note(text, offset, reading)
    if offset:  # the body starts at its first line of words, past the blank lines after what was skipped
        offset += len(text[offset:]) - len(text[offset:].lstrip("\r\n \t"))
    reading.body_start = offset
    return reading


def _front_matter(text: str, reading: Reading) -> int:
    first_line = text.split("\n", 1)[0].strip()
    if first_line not in _FENCES:
        return 0
    kind, closing = _FENCES[first_line]
    start = text.index("\n") + 1 if "\n" in text else len(text)
    end = closing.search(text, start)
    if end is None:
        reading.notes.append(f"front matter opened by {first_line} is never closed; read as text")
        return 0
    block = text[start : end.start()]
    pairs = _parse_block(block, kind, reading)
    reading.hints.update(hints_from(pairs, "front matter"))
    return _next_line(text, end.end())


def _parse_block(block: str, kind: str, reading: Reading) -> list[tuple[str, object]]:
    try:
        data = tomllib.loads(block) if kind == "toml" else yaml.safe_load(block)
    except (yaml.YAMLError, tomllib.TOMLDecodeError):
        reading.notes.append(f"front matter is not valid {kind.upper()}; read as key: value lines")
        data = None
    if isinstance(data, dict):
        return [(str(key), _scalar(value)) for key, value in data.items()]
    return [(m.group(1), m.group(2)) for line in block.splitlines() if (m := _KEY_LINE.match(line))]


def _scalar(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()[:10]
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value if v is not None)
    if isinstance(value, dict):
        return None  # nested tables hold nothing a notice's metadata needs
    return value


def _metadata_list(text: str, offset: int, reading: Reading) -> int:
    """An optional ``# title`` and ``- **label**：value`` lines, closed by a ``---`` rule."""
    lines = _lines_from(text, offset)
    title: str | None = None
    pairs: list[tuple[str, str]] = []
    for start, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        heading = _HEADING.match(stripped)
        if heading and title is None and not pairs:
            title = heading.group(1)
            continue
        pair = _LIST_PAIR.match(line)
        if pair:
            pairs.append((pair.group(1), pair.group(2)))
            continue
        if _RULE.match(stripped) and any(is_label(label) for label, _ in pairs):
            hints: Hints = hints_from(pairs, "metadata list")
            if title:
                hints.setdefault("title", (title, "metadata list heading"))
            for key, value in hints.items():
                reading.hints.setdefault(key, value)
            return _next_line(text, start + len(line))
        break
    return offset


def _mirror_note(text: str, offset: int, reading: Reading) -> int:
    """A blockquote before the body is the mirror's note about the copy, not the document's words."""
    note: list[str] = []
    end = offset
    for start, line in _lines_from(text, offset):
        stripped = line.strip()
        if stripped.startswith(">"):
            note.append(stripped[1:].strip())
            end = start + len(line)
        elif stripped:
            break
    if not note:
        return offset
    reading.hints.setdefault("raw:note", (" ".join(n for n in note if n), "mirror note"))
    return _next_line(text, end)


def _lines_from(text: str, offset: int) -> Iterator[tuple[int, str]]:
    """(offset, line) from ``offset`` on, lazily: only a file's first lines are ever looked at."""
    position = offset
    while position < len(text):
        newline = text.find("\n", position)
        end = len(text) if newline < 0 else newline
        yield position, text[position:end]
        position = end + 1


def _next_line(text: str, position: int) -> int:
    """The offset just past the line break after ``position`` (the end of a line's content)."""
    newline = text.find("\n", position)
    return len(text) if newline < 0 else newline + 1
