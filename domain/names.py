"""How official names are built: national prefixes, list separators, name endings, 文号 and titles.

The words live in ``domain/data/names.toml``; this module reads them once and offers the patterns
every layer shares (loaders read them in notices, the citation linker and the questions compare by them).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class NameRules:
    national_prefixes: tuple[str, ...]
    list_separators: str
    org_endings: tuple[str, ...]


@cache
def name_rules() -> NameRules:
    path = DATA_DIR / "names.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    try:
        return NameRules(tuple(data["national_prefixes"]), str(data["list_separators"]), tuple(data["org_endings"]))
    except KeyError as exc:
        raise ValueError(f"{path}: missing key {exc.args[0]!r}") from exc


def national_prefixes() -> tuple[str, ...]:
    return name_rules().national_prefixes


def list_separators() -> str:
    return name_rules().list_separators


def org_endings_pattern() -> str:
    """The name endings as a regex alternation (``委员会|委|…``)."""
    return "|".join(map(re.escape, name_rules().org_endings))


# A 文号: issuer's code, year in brackets, number (川办发〔2020〕53号, 沪府办规[2024]6号, 黄发改委办﹝2025﹞5号).
DOC_NUMBER = re.compile(r"([\u4e00-\u9fa5]{1,10})\s*[〔\[【(（﹝]\s*((?:19|20)\d{2})\s*[〕\]】)）﹞]\s*(\d{1,4})\s*号")
# An order's number: 国务院令第469号, 上海市人民政府令第12号.
ORDER_NUMBER = re.compile(r"([\u4e00-\u9fa5]{1,14}令)\s*第\s*(\d{1,4})\s*号")


def normalize_doc_number(text: str) -> str | None:
    """The first 文号 in ``text`` in its canonical printed form: 川办发[2020]53 号 → 川办发〔2020〕53号,
    国务院令 第469号 → 国务院令第469号."""
    m = DOC_NUMBER.search(text)
    if m:
        return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"
    order = ORDER_NUMBER.search(text)
    if order:
        return f"{order.group(1)}第{int(order.group(2))}号"
    return None


_SPACE = re.compile(r"\s+")
_TRAILING_PAREN = re.compile(r"[(（][^()（）]*[)）]$")


def title_key(title: str | None) -> str:
    """Titles compared without spaces, brackets, quotes or a trailing period such as (2020-2025)."""
    if not title:
        return ""
    key = _SPACE.sub("", title)
    key = key.translate(str.maketrans("（）〔〕", "()[]"))
    key = re.sub(r"[《》“”\"'「」]", "", key)
    while _TRAILING_PAREN.search(key):
        key = _TRAILING_PAREN.sub("", key)
    return key
