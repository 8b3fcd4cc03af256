"""Metadata a container carries outside the body (front matter, a portal's table, Word properties) as hints."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from ..lexicons import read_lexicon
from ..metadata import normalize_doc_number, parse_date
from .base import collapse_space

Hints = dict[str, tuple[str, str]]  # field → (value, where it came from)

_LABEL_NOISE = re.compile(r"[\s:：\[\]【】*]+")
_PLACEHOLDERS = {"-", "—", "--", "/", "无", "暂无", "null", "none", "n/a"}  # a container's way of saying "no value"


@cache
def field_by_label() -> dict[str, str]:
    return {label: name for name, labels in read_lexicon("fields")["labels"].items() for label in labels}


def clean_label(label: str) -> str:
    return _LABEL_NOISE.sub("", label)


def is_label(text: str) -> bool:
    return clean_label(text) in field_by_label()


def hints_from(pairs: Iterable[tuple[str, object]], where: str) -> Hints:
    """Label–value pairs as hints: each under ``raw:<label>``, and the known ones under their field too.
    The first value of a field wins; values that do not read as what the field holds are kept raw only."""
    hints: Hints = {}
    for label, value in pairs:
        text = collapse_space(str(value)) if value is not None else ""
        key = clean_label(label)
        if not text or not key or text.lower() in _PLACEHOLDERS:
            continue
        hints.setdefault(f"raw:{key}", (text, where))
        name = field_by_label().get(key)
        if name and name not in hints:
            normalized = normalize_value(name, text)
            if normalized:
                hints[name] = (normalized, where)
    return hints


def normalize_value(name: str, text: str) -> str | None:
    if name == "doc_number":
        return normalize_doc_number(text)
    if name in ("published", "signed", "effective"):
        return parse_date(text)
    if name == "title":
        return text.strip("《》 ")
    return text
