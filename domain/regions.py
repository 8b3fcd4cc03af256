"""China's administrative divisions, from jionlp's gazetteer (no hand-typed table).

``resolve_region('遂宁市卫生健康委员会')`` → 遂宁市 (city, parent 四川省);
``resolve_region('闵行区吴泾镇人民政府')`` → 上海市闵行区吴泾镇 (town, parent 上海市闵行区). Names are
official full names (``full_name`` says how they are made from the gazetteer's own); the nation is ``中国``.
"""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from .names import national_prefixes

NATION = "中国"


@dataclass(frozen=True)
class Region:
    name: str  # the official full name (``full_name``): 四川省, 遂宁市, 上海市黄浦区, 上海市闵行区吴泾镇
    level: str  # national | province | city | county | town
    parent: str | None  # the full name of the division it belongs to
    code: str | None = None
    local: str | None = None  # its own name without its parents' (黄浦区, 吴泾镇)


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
def gazetteer() -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        return _jionlp().china_location_loader()


def load_gazetteer() -> None:
    """Load the gazetteer and index the location parser now rather than on first use."""
    gazetteer()
    _towns()
    place_names()
    with contextlib.redirect_stdout(io.StringIO()):
        _location_parser()("")


@cache
def resolve_region(text: str) -> Region | None:
    """The jurisdiction a name (an issuer, a title) places itself in, or ``None``."""
    if not text:
        return None
    if text.startswith(national_prefixes()):
        return Region(NATION, "national", None)
    with contextlib.redirect_stdout(io.StringIO()):
        parsed = _location_parser()(text)
    province, city, county = parsed.get("province"), parsed.get("city"), parsed.get("county")
    if not province or not _named_in(text, province, city, county):
        return None
    if county and _named_in(text, None, None, county):
        town = _town_named(text, province, city, county)
        return _division(province, city, county, town)
    if city and city != province and _named_in(text, None, city, None):
        return _division(province, city)
    return _division(province)


def _town_named(text: str, province: str, city: str | None, county: str) -> str | None:
    """A town or street office (镇, 乡, 街道) of the county that the text names after the county."""
    towns = _towns().get((province, city, county), ())
    after = text[text.find(county) + len(county):] if county in text else text
    after = after.removeprefix("人民政府")  # 上海市奉贤区人民政府头桥街道办事处: a street office is the district's
    return next((town for town in towns if after.startswith(town) or after.startswith(_by_road(town))), None)


def _by_road(town: str) -> str:
    """A street office named after a road, printed with 路 where the gazetteer has none (古美街道 → 古美路街道)."""
    return town[: -len("街道")] + "路街道" if town.endswith("街道") and not town.endswith("路街道") else town


@cache
def _towns() -> dict[tuple[str, str | None, str], tuple[str, ...]]:
    """(province, city, county) → its towns and street offices, longest name first."""
    with contextlib.redirect_stdout(io.StringIO()):
        detail = _jionlp().china_location_loader(detail=True)
    out: dict[tuple[str, str | None, str], tuple[str, ...]] = {}
    for province, cities in detail.items():
        for city, counties in _children(cities):
            for county, towns in _children(counties):
                names = [town for town, _ in _children(towns)]
                out[(province, city, county)] = tuple(sorted(names, key=len, reverse=True))
    return out


def towns_of(county: Region) -> tuple[Region, ...]:
    """The towns and street offices of a county-level division, longest name first."""
    if county.level != "county" or county.parent is None:
        return ()
    parent = region_by_name(county.parent)
    if parent is None:
        return ()
    province = parent.name if parent.level == "province" else parent.parent
    local = county.local or county.name
    if province is None:
        return ()
    towns = _towns().get((province, parent.name, local), ())
    return tuple(_division(province, parent.name, local, town) for town in towns)


def divisions_of(region: Region) -> tuple[Region, ...]:
    """The divisions right below a province (its cities; a municipality's districts and counties),
    a city (its counties) or a county (its towns), by the gazetteer."""
    if region.level == "county":
        return towns_of(region)
    if region.level == "province":
        node = gazetteer().get(region.name, {})
        if region.name in node:  # a municipality: its one city entry holds the districts
            return tuple(_division(region.name, region.name, county) for county, _ in _children(node[region.name]))
        return tuple(_division(region.name, city) for city, _ in _children(node))
    if region.level == "city" and region.parent:
        node = gazetteer().get(region.parent, {}).get(region.name, {})
        return tuple(_division(region.parent, region.name, county) for county, _ in _children(node))
    return ()


def _children(node: Any) -> list[tuple[str, Any]]:
    if not isinstance(node, dict):
        return []
    return [(name, sub) for name, sub in node.items() if not name.startswith("_")]


def full_name(province: str, city: str | None = None, county: str | None = None, town: str | None = None) -> str:
    """The official name of a division: a province or city by its own name (四川省, 遂宁市); a city's
    district (市辖区) and every county-level division of a municipality carry the city's name
    (成都市武侯区, 上海市黄浦区, 重庆市城口县); other counties and county-level cities stand alone
    (射洪市); a town or street office carries its county's full name (上海市闵行区吴泾镇)."""
    if county is None:
        return city if city and city != province else province
    municipality = city == province
    district = county.endswith("区") and not county.endswith(("林区", "特区"))
    name = (city or province) + county if municipality or district else county
    return name + town if town else name


def _division(province: str, city: str | None = None, county: str | None = None, town: str | None = None) -> Region:
    if town and county:
        return Region(full_name(province, city, county, town), "town", full_name(province, city, county), None,
                      town)
    if county:
        parent = full_name(province, city)
        return Region(full_name(province, city, county), "county", parent, _code(province, city, county), county)
    if city and city != province:
        return Region(city, "city", province, _code(province, city, None), city)
    return Region(province, "province", NATION, _code(province, None, None), province)


def _named_in(text: str, province: str | None, city: str | None, county: str | None) -> bool:
    """The gazetteer also guesses places from stray characters; keep only places the text names."""
    return any(name and (name in text or _short(name) in text) for name in (province, city, county))


def _short(name: str) -> str:
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "自治州", "省", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _code(province: str, city: str | None, county: str | None) -> str | None:
    node = gazetteer().get(province)
    for name in (city, county):
        if node is None or name is None:
            break
        node = node.get(name)
    return node.get("_admin_code") if isinstance(node, dict) else None


def region_by_name(name: str) -> Region | None:
    """The division of this full name (a province, city, county or town), else what ``resolve_region`` reads."""
    if name == NATION:
        return Region(NATION, "national", None)
    exact = place_names().get(name)
    if exact is not None and exact.name == name:
        return exact
    return resolve_region(name)


def cities_of(province: str) -> list[str]:
    """Prefecture-level divisions of a province (for cascade coverage)."""
    node = gazetteer().get(province, {})
    return sorted(k for k in node if not k.startswith("_") and k != province)


def provinces() -> list[str]:
    return sorted(gazetteer())


def short_name(name: str) -> str:
    """四川省 → 四川, 遂宁市 → 遂宁: the gazetteer's own short form."""
    gaz = gazetteer()
    node = gaz.get(name) or next((p[name] for p in gaz.values() if isinstance(p.get(name), dict)), None)
    alias = node.get("_alias") if node else None
    if isinstance(alias, list):
        alias = alias[0] if alias else None
    return alias or _short(name)


def leading_region(text: str) -> Region | None:
    """The place a title or issuer opens with (四川省…, 四川…, 国务院…); a county only by its full name."""
    if not text:
        return None
    if text.startswith(national_prefixes()):
        return Region(NATION, "national", None)
    names = place_names()
    for length in range(min(len(text), 12), 1, -1):
        region = names.get(text[:length])
        if region:
            return region
    return None


@cache
def place_names() -> dict[str, Region]:
    """Every province and city by full and short name, every county by its local and full name."""
    names: dict[str, Region] = {}
    for province, pnode in gazetteer().items():
        _add_place(names, _division(province), short=True)
        for city, cnode in _children(pnode):
            if city != province:
                _add_place(names, _division(province, city), short=True)
            for county, _ in _children(cnode):
                region = _division(province, city, county)
                names.setdefault(county, region)
                names.setdefault(region.name, region)
    return names


def _add_place(names: dict[str, Region], region: Region, short: bool) -> None:
    names.setdefault(region.name, region)
    alias = short_name(region.name)
    if short and len(alias) >= 2:
        names.setdefault(alias, region)
