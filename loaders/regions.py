"""China's administrative divisions, from jionlp's gazetteer (no hand-typed table).

``resolve_region('遂宁市卫生健康委员会')`` → 遂宁市 (city, parent 四川省). Names are the full
official names the gazetteer carries; the nation is ``中国``.
"""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

NATION = "中国"
# Issuers whose names carry no place because they are national bodies.
_NATIONAL_PREFIXES = ("国务院", "国家", "中共中央", "中央", "全国", "中华人民共和国")


@dataclass(frozen=True)
class Region:
    name: str
    level: str  # national | province | city | county
    parent: str | None
    code: str | None = None


@cache
def _jionlp():
    # jionlp prints a banner on import; keep stdout clean for the CLI's --json output.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp

    return jionlp


@cache
def _location_parser() -> Any:
    """jionlp's location parser, made to test only the gazetteer entries that a text names.

    Its ``get_candidates`` tests all ~3,500 entries against every text (~10 ms a call); entries none
    of whose names occur in the text never become candidates, so leaving them out changes nothing.
    """
    base = type(_jionlp().parse_location)
    if not hasattr(base, "get_candidates"):  # another jionlp: use it as it is
        return _jionlp().parse_location

    class ShortlistParser(base):
        def get_candidates(self, location_text: str) -> list:
            entries = self.administrative_map_list
            if getattr(self, "indexed", None) is not entries:  # built by the parser's first call
                self.indexed, self.index = entries, _EntryIndex(entries)
            return base.get_candidates(_Entries(self, self.index.shortlist(location_text)), location_text)

    return ShortlistParser()


class _Entries:
    """A location parser seen through a subset of its gazetteer entries."""

    def __init__(self, parser: Any, entries: list) -> None:
        self.parser, self.administrative_map_list = parser, entries

    def __getattr__(self, name: str) -> Any:
        return getattr(self.parser, name)


class _EntryIndex:
    """Which of the parser's gazetteer entries carry a name (full or short) that occurs in a text."""

    def __init__(self, entries: list) -> None:
        self.entries = entries
        by_name: dict[str, list[int]] = defaultdict(list)
        self.always: list[int] = []  # entries with a name that is not a plain string: never left out
        for index, entry in enumerate(entries):
            names = [name for pair in entry[1:4] for name in pair if name is not None]
            if all(isinstance(name, str) and name for name in names):
                for name in set(names):
                    by_name[name].append(index)
            else:
                self.always.append(index)
        self.by_name = dict(by_name)
        self.longest = max(map(len, self.by_name), default=0)

    def shortlist(self, text: str) -> list:
        """The entries naming a place that ``text`` contains, in the parser's order."""
        hits = set(self.always)
        for start in range(len(text)):
            for end in range(start + 1, min(len(text), start + self.longest) + 1):
                hits.update(self.by_name.get(text[start:end], ()))
        return [self.entries[index] for index in sorted(hits)]


@cache
def _gazetteer() -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        return _jionlp().china_location_loader()


def load_gazetteer() -> None:
    """Load the gazetteer and index the location parser now rather than on first use."""
    _gazetteer()
    with contextlib.redirect_stdout(io.StringIO()):
        _location_parser()("")


@cache
def resolve_region(text: str) -> Region | None:
    """The jurisdiction a name (an issuer, a title) places itself in, or ``None``."""
    if not text:
        return None
    if text.startswith(_NATIONAL_PREFIXES):
        return Region(NATION, "national", None)
    with contextlib.redirect_stdout(io.StringIO()):
        parsed = _location_parser()(text)
    province, city, county = parsed.get("province"), parsed.get("city"), parsed.get("county")
    if not province or not _named_in(text, province, city, county):
        return None
    if county and _named_in(text, None, None, county):
        return Region(county, "county", city or province, _code(province, city, county))
    if city and city != province and _named_in(text, None, city, None):
        return Region(city, "city", province, _code(province, city, None))
    return Region(province, "province", NATION, _code(province, None, None))


def _named_in(text: str, province: str | None, city: str | None, county: str | None) -> bool:
    """The gazetteer also guesses places from stray characters; keep only places the text names."""
    return any(name and (name in text or _short(name) in text) for name in (province, city, county))


def _short(name: str) -> str:
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "自治州", "省", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _code(province: str, city: str | None, county: str | None) -> str | None:
    node = _gazetteer().get(province)
    for name in (city, county):
        if node is None or name is None:
            break
        node = node.get(name)
    return node.get("_admin_code") if isinstance(node, dict) else None


def region_by_name(name: str) -> Region | None:
    if name == NATION:
        return Region(NATION, "national", None)
    return resolve_region(name)


def cities_of(province: str) -> list[str]:
    """Prefecture-level divisions of a province (for cascade coverage)."""
    node = _gazetteer().get(province, {})
    return sorted(k for k in node if not k.startswith("_") and k != province)


def provinces() -> list[str]:
    return sorted(_gazetteer())


def short_name(name: str) -> str:
    """四川省 → 四川, 遂宁市 → 遂宁: the gazetteer's own short form."""
    gaz = _gazetteer()
    node = gaz.get(name) or next((p[name] for p in gaz.values() if isinstance(p.get(name), dict)), None)
    alias = node.get("_alias") if node else None
    if isinstance(alias, list):
        alias = alias[0] if alias else None
    return alias or _short(name)
