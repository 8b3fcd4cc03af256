"""A printed name → the government body it stands for, read against the document's jurisdiction.

``resolve_body('区发展改革委', '上海市静安区')`` → 上海市静安区发展和改革委员会;
``resolve_body('省卫生健康委', '江苏省')`` → 江苏省卫生健康委员会; ``resolve_body('广东金融监管局', …)`` →
国家金融监督管理总局广东监管局; ``resolve_body('各区政府', '上海市')`` → 上海市各区人民政府 with its 16
members. Every name, short form and rule comes from the directory (``domain/bodies.py``); a name
that matches none keeps its printed form and ``resolved`` is false. Loaders and the questions
both call this, so a user's ``省医保局 --region 四川省`` reads as a notice's would.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from .bodies import Department, directory
from .names import national_prefixes
from .regions import NATION, Region, divisions_of, place_names, region_by_name, short_name, towns_of

# How a body was found: in the directory itself, by a rule that generates its name, under the
# document's town (a town office no rule knows), by its ending only, or not at all.
RESOLVED_BASES = frozenset({"directory", "rule", "town office", "printed in full"})


@dataclass(frozen=True)
class Body:
    name: str  # canonical full name (the printed form when unresolved)
    form: str  # as printed, without trailing role words or bracketed second names
    region: str | None  # the jurisdiction it belongs to; None for central units
    kind: str  # agency_kind: department, government, party, …, unknown
    basis: str  # directory | rule | town | suffix | none
    category: str | None = None  # 组成部门, 直属机构, 垂直管理 …
    second_names: tuple[str, ...] = ()  # 区委宣传部（区文明办、区政府新闻办）: the bracket's names
    members: tuple[tuple[str, str, str], ...] = ()  # a collective's members: (name, region, kind)

    @property
    def resolved(self) -> bool:
        return self.basis in RESOLVED_BASES


@dataclass(frozen=True)
class Place:
    """The document's place in the hierarchy: which province, city, county and town a short form means."""

    region: str | None
    level: str | None = None
    province: str | None = None
    city: str | None = None  # a municipality's own name stands for its city level too
    county: str | None = None
    town: str | None = None

    def at(self, level: str) -> str | None:
        return {"province": self.province, "city": self.city, "county": self.county, "town": self.town}.get(level)


@cache
def place_of(region_name: str | None) -> Place:
    region = region_by_name(region_name) if region_name else None
    if region is None or region.level == "national":
        return Place(region_name, "national" if region else None)
    chain: dict[str, str] = {}
    current: Region | None = region
    while current is not None and current.level != "national":
        chain.setdefault(current.level, current.name)
        current = region_by_name(current.parent) if current.parent and current.parent != NATION else None
    province = chain.get("province")
    city = chain.get("city") or (province if _is_municipality(province) else None)
    return Place(region.name, region.level, province, city, chain.get("county"), chain.get("town"))


def _is_municipality(province: str | None) -> bool:
    lineup = directory().provinces.get(province or "")
    return bool(lineup and lineup.municipality)


# --- reading a printed form -------------------------------------------------------------

_FOLD = str.maketrans("（）", "()")
_SPACE = re.compile(r"\s+")
_SECOND_NAMES = re.compile(r"^(?P<main>.+?)\((?P<names>[^()]+)\)$")


def normalise(form: str) -> str:
    """Spaces dropped, brackets folded, labels that open and role words that close a unit cut off."""
    form = _SPACE.sub("", form).translate(_FOLD)
    for label in sorted(directory().rules.leading_words, key=len, reverse=True):
        if form.startswith(label) and len(form) > len(label) + 2:
            form = form[len(label):].lstrip(":：")
            break
    words = sorted(directory().rules.trailing_words, key=len, reverse=True)
    cut = True
    while cut:
        cut = False
        for word in words:
            if form.endswith(word) and len(form) > len(word) + 1:
                form, cut = form[: -len(word)], True
                break
    return form


def ends_like_body(form: str) -> bool:
    return form.endswith(directory().rules.body_endings)


def _quantifier(form: str) -> str | None:
    words = sorted((q.word for q in directory().collectives.quantifiers), key=len, reverse=True)
    return next((w for w in words if form.startswith(w)), None)


def split_second_names(form: str) -> tuple[str, tuple[str, ...]]:
    """``市水务局(海洋局)`` → (市水务局, (海洋局,)): a bracket of names is the same body's other names."""
    m = _SECOND_NAMES.match(form)
    if not m or _quantifier(form) or not ends_like_body(m.group("main")):
        return form, ()
    names = tuple(n for n in re.split(r"[、，,]", m.group("names")) if n)
    if not names or not all(ends_like_body(n) for n in names):
        return form, ()
    return m.group("main"), names


@lru_cache(maxsize=1 << 16)
def resolve_body(form: str, region: str | None) -> Body:
    """The body a printed form stands for in a document of ``region`` (memoised: pure and immutable)."""
    printed = normalise(form)
    main, second = split_second_names(printed)
    body = _resolve(main, place_of(region))
    return replace(body, form=main, second_names=second)


def _resolve(form: str, place: Place) -> Body:
    found = (_central(form) or _named(form, place) or _vertical(form, place) or _collective(form, place)
             or _party_prefixed(form, place) or _national(form) or _town_government(form, place)
             or _in_named_region(form, place) or _relative(form, place) or _zone(form, place))
    if found:
        return found
    if place.town and (town := _town_office(form, place)):
        return town
    return _by_suffix(form) or _unknown(form, place)


# --- the directory's own names -----------------------------------------------------------


def _central(form: str) -> Body | None:
    body = directory().central_forms.get(form) or directory().central_forms.get(form.removeprefix("中华人民共和国"))
    if body is None:
        return None
    return Body(body.name, form, None, body.kind, "directory", body.category)


def _named(form: str, place: Place) -> Body | None:
    forms = directory().named_forms
    unit = forms.get((form, place.province)) or forms.get((form, None))
    if unit is None:
        return None
    return Body(unit.name, form, unit.region, unit.kind, "directory")


def _vertical(form: str, place: Place) -> Body | None:
    for unit in directory().vertical:
        m = unit.pattern.match(form)
        if not m:
            continue
        groups = m.groupdict()
        values = dict(groups)
        region = None
        if unit.municipality:
            district = _municipal_district(groups.get("district", ""), place)
            if district is None:
                continue
            region = district.name
            values["province"] = place.province or ""
        elif "level" in groups:
            level = directory().rules.jurisdiction_words.get(groups["level"])
            region = place.at(level) if level else None
            if region is None:
                continue
            values.update(_level_values(region))
        elif ("place" in groups and not unit.any_place and _place_region(groups["place"]) is None
              and groups["place"] not in unit.places):
            continue
        if unit.kind == "vertical" and region is None and "place" in groups:
            named = _place_region(groups["place"])
            region = named.name if named else None
        if unit.kind not in ("vertical", "mass-organisation", "department"):
            region = None
        return Body(unit.name.format(**values), form, region, unit.kind, "rule", "垂直管理" if unit.kind in
                    ("vertical", "central") else None)
    return None


def _municipal_district(own: str, place: Place) -> Region | None:
    """静安 in a Shanghai notice → 上海市静安区 (a district or county of the municipality)."""
    if not _is_municipality(place.province):
        return None
    for suffix in ("区", "县", "新区"):
        region = place_names().get(f"{place.province}{own}{suffix}")
        if region is not None:
            return region
    return None


def _level_values(region_name: str) -> dict[str, str]:
    region = region_by_name(region_name)
    own = (region.local if region else None) or region_name
    short = own[:-1] if len(own) > 2 and own.endswith(("区", "县", "市")) else own
    return {"region": region_name, "parent": (region.parent if region else None) or "", "short": short}


def _place_region(name: str) -> Region | None:
    return place_names().get(name) or place_names().get(name + "省") or place_names().get(name + "市")


# --- collectives -------------------------------------------------------------------------


def _collective(form: str, place: Place) -> Body | None:
    rules = directory().collectives
    if form in rules.bare and place.region:
        return Body(f"{place.region}各{form}", form, place.region, "collective", "rule")
    quantifier = _quantifier(form)
    if quantifier is None or len(form) <= len(quantifier):
        return None
    rest = form[len(quantifier):]
    home = place.region
    if rest in rules.classes or (rest.startswith("相关") and rest[2:] in rules.classes):
        return Body(f"{home or ''}{form}", form, home, "collective", "rule" if home else "none")
    level_word = next((lw for lw in sorted(rules.levels, key=lambda lw: -len(lw.word)) if rest.startswith(lw.word)),
                      None)
    if level_word is None:
        return None
    body_words = rest[len(level_word.word):]
    core, resolved = _collective_core(body_words, level_word.level)
    if home is None or core is None:
        return Body(form, form, home, "collective", "none")
    spelled = _each_level_body(level_word.word) if not body_words else None
    name = f"{home}{quantifier}{spelled or level_word.word + core}"
    everyone = next(q.all for q in rules.quantifiers if q.word == quantifier) and not level_word.subset
    members = _members(body_words, level_word.level, home) if everyone else ()
    return Body(name, form, home, "collective", "rule" if resolved else "none", members=members)


def _each_level_body(word: str) -> str | None:
    """A town- or village-level collective printed without its body, spelled with each level's body as
    official names are (街道 → 街道办事处, 镇 → 镇人民政府, 村 → 村民委员会): 街镇 → 街道办事处、镇人民政府."""
    bodies = directory().collectives.town_bodies
    levels = [level for level in re.findall("|".join(sorted(map(re.escape, bodies), key=len, reverse=True)), word)]
    if not levels or "".join(levels) != re.sub(r"[()（）、]", "", word):
        return None
    return "、".join(level + bodies[level] for level in levels)


def _collective_core(words: str, level: str) -> tuple[str | None, bool]:
    """The full name of the body each member is (政府 → 人民政府); ('', True) when printed with none."""
    if not words:
        return "", level in ("town", "village")
    if words in directory().collectives.level_bodies:
        return _full_government(words), True  # 各街道办事处, 各镇政府: the level's own body
    organ = directory().organ_forms.get(words)
    if organ is not None:
        return organ.by_level.get(level, organ.core), True
    found = directory().department_forms.get(words)
    if found is not None:
        department, ending = found
        return department.stem + (ending or department.below), True
    return (words, False) if ends_like_body(words) else (None, False)


def _members(words: str, level: str, home: str) -> tuple[tuple[str, str, str], ...]:
    """Each division's body, when the level is the one right below the jurisdiction."""
    region = region_by_name(home)
    if region is None:
        return ()
    divisions = [d for d in divisions_of(region) if d.level == level]
    if not words:
        bodies = directory().collectives.town_bodies
        return tuple((d.name + body, d.name, "government") for d in divisions
                     for suffix, body in bodies.items() if (d.local or d.name).endswith(suffix))
    bodies = [_within(words, d.name) for d in divisions]
    return tuple((body.name, body.region or "", body.kind) for body in bodies if body.resolved)


def distribute(units: Sequence[str]) -> list[str]:
    """``闵行区、奉贤区政府`` split into [闵行区, 奉贤区政府] → [闵行区政府, 奉贤区政府]: bare place names
    before a place + body share its body."""
    if len(units) < 2:
        return list(units)
    last = units[-1]
    prefix = next((p for p in _place_prefixes(last) if len(last) > len(p)), None)
    if prefix is None:
        return list(units)
    tail = last[len(prefix):]
    out = list(units)
    for index in range(len(units) - 2, -1, -1):
        if units[index] not in place_names():
            break
        out[index] = units[index] + tail
    return out


def _place_prefixes(form: str) -> list[str]:
    return [form[:length] for length in range(min(len(form) - 1, 12), 1, -1) if form[:length] in place_names()]


# --- Party bodies ------------------------------------------------------------------------


def _party_prefixed(form: str, place: Place) -> Body | None:
    prefix = next((p for p in directory().rules.party_prefixes if form.startswith(p)), None)
    if prefix is None or form.startswith("中共中央"):
        return None
    rest = form[len(prefix):]
    return _in_named_region(rest, place, printed=form) or _relative(rest, place, printed=form)


def _party_body(core: str, region: str | None, printed: str) -> Body | None:
    body = directory().party_forms.get(core)
    if body is None:
        return None
    if region is None:
        return Body(printed, printed, None, "party", "none")
    party = directory().party
    if body.own:
        return Body(party.own_template.format(region=region, core=body.core), printed, region, "party", "rule")
    committee = next((word for suffix, word in party.committee_by_suffix.items() if region.endswith(suffix)),
                     party.committee)
    level = place_of(region).level or "county"
    name = party.template.format(region=region, committee=committee, core=body.by_level.get(level, body.core))
    return Body(name, printed, region, "party", "rule")


# --- names within a jurisdiction ----------------------------------------------------------


def _national(form: str) -> Body | None:
    for prefix in national_prefixes():
        if form.startswith(prefix) and len(form) > len(prefix) + 1:
            found = directory().department_forms.get(form[len(prefix):])
            if found is None:
                return Body(form, form, None, "central", "none")
            department, ending = found
            return Body(prefix + department.stem + (ending or department.province), form, None, "central", "rule")
    return None


def _in_named_region(form: str, place: Place, printed: str | None = None) -> Body | None:
    """``四川省卫健委``, ``杨浦区政府``, ``中共广东省委金融办``: a name opening with a place's name."""
    for prefix, region in _named_prefixes(form, place):
        rest = form[len(prefix):]
        if prefix != region.name and prefix != region.local and not _known_core(rest.lstrip("省")):
            continue  # a short place name (遂宁, 广东) names a body only before a known core
        if prefix != region.name and region.level == "province" and rest.startswith("省"):
            rest = rest[1:]
        body = _within(rest, region.name, printed or form)
        if body.resolved:
            return body
        if prefix in (region.name, region.local) and len(rest) >= 4 and ends_like_body(rest):
            # 虹口区旧区改造和房屋征收工作指挥部: a body the notice names in full with its jurisdiction
            return replace(body, basis="printed in full")
    return None


def _named_prefixes(form: str, place: Place) -> list[tuple[str, Region]]:
    """Place names ``form`` opens with, longest first; a county's own name (杨浦区) within the
    document's province only, or by its full name."""
    out = []
    names = place_names()
    for length in range(min(len(form) - 1, 14), 1, -1):
        prefix = form[:length]
        region = names.get(prefix)
        if region is None:
            continue
        if region.level == "county" and prefix == region.local:
            region = _county_near(prefix, place) or region
            if region.name != prefix and not (place.province and region.name.startswith(place.province)) \
                    and len(prefix) < 3:
                continue
        out.append((prefix, region))
    return out


def _county_near(local: str, place: Place) -> Region | None:
    """The county of this own name in the document's city or province (朝阳区 in a Beijing notice)."""
    for parent in (place.city, place.province):
        if parent:
            region = place_names().get(parent + local)
            if region is not None:
                return region
    return None


def _known_core(core: str) -> bool:
    d = directory()
    return (core in d.department_forms or core in d.organ_forms or
            (core.startswith("委") and core[1:] in d.party_forms))


def _relative(form: str, place: Place, printed: str | None = None) -> Body | None:
    """省卫生健康委, 市卫生健康委, 省委编办, 财政厅: short forms read against the document's places."""
    rules = directory().rules
    printed = printed or form
    if _known_core(form):
        return _bare(form, place, printed)
    for word, level in sorted(rules.party_words.items(), key=lambda kv: -len(kv[0])):
        if form.startswith(word) and len(form) > len(word):
            return _party_body(form[len(word):], place.at(level), printed)
    for word, level in sorted(rules.jurisdiction_words.items(), key=lambda kv: -len(kv[0])):
        if form.startswith(word) and len(form) > len(word) + 1:
            region = place.at(level)
            if region is None and level == "town" and place.county:
                return _each_town(form, word, place.county, printed)
            if region is None and (below := _each_below(form, word, level, place, printed)):
                return below
            if region is None:
                return Body(printed, printed, None, "unknown", "none") if _known_core(form[len(word):]) else None
            return _within(form[len(word):], region, printed)
    if place.county and (town := _town_prefixed(form, place)):
        return town
    return None


def _each_town(form: str, word: str, county: str, printed: str) -> Body | None:
    """街道消防安全委员会 in a district notice: every street office's committee, a collective."""
    core, resolved = _collective_core(form[len(word):], "town")
    if not resolved:
        return None
    return Body(f"{county}各{word}{core}", printed, county, "collective", "rule")


def _each_below(form: str, word: str, level: str, place: Place, printed: str) -> Body | None:
    """区市场监管局 in a municipal notice: every district's bureau, a collective with each district's as members."""
    home = region_by_name(place.region) if place.region else None
    divisions = [d for d in divisions_of(home) if d.level == level] if home else []
    if not divisions:
        return None
    members = [_within(form[len(word):], d.name) for d in divisions]
    first = members[0]
    if not first.resolved or not first.name.startswith(divisions[0].name):
        return None
    core = first.name[len(divisions[0].name):]
    named = tuple((m.name, m.region or "", m.kind) for m in members if m.resolved)
    return Body(f"{place.region}各{word}{core}", printed, place.region, "collective", "rule", members=named)


def _bare(form: str, place: Place, printed: str) -> Body | None:
    level = next((lvl for ending, lvl in directory().rules.ending_level.items() if form.endswith(ending)), None)
    region = place.at(level) if level else place.region
    if region is None or region == NATION:
        return None
    return _within(form, region, printed)


def _town_prefixed(form: str, place: Place) -> Body | None:
    county = region_by_name(place.county or "")
    for town in towns_of(county) if county else ():
        local = town.local or ""
        if local and form.startswith(local) and len(form) > len(local):
            return _within(form[len(local):], town.name, form)
    return None


def _within(core: str, region_name: str, printed: str | None = None) -> Body:
    """The body ``core`` names in the jurisdiction ``region_name``."""
    printed = printed or core
    d = directory()
    region = region_by_name(region_name)
    level = region.level if region else "county"
    if core.startswith("委") and (party := _party_body(core[1:], region_name, printed)):
        return party
    if region and level == "county" and (town := _town_within(core, region, printed)):
        return town
    own = d.party_forms.get(core)
    if own is not None and own.own:  # 区纪委, 市纪委监委: Party bodies named without the committee word
        return _party_body(core, region_name, printed)
    organ = d.organ_forms.get(core)
    if organ is not None:
        return _organ_name(organ, region_name, region, printed)
    found = d.department_forms.get(core)
    if found is not None:
        department, ending = found
        name, department = _department_name(department, ending, region_name, level)
        return Body(name, printed, region_name, department.kind, "rule", department.category)
    kind = "department" if ends_like_body(core) else "unknown"
    if level == "town":  # 镇经管中心 in a town notice: the town's office, by rule when it ends like one
        return Body(region_name + core, printed, region_name, kind,
                    "town office" if core.endswith(d.rules.town_offices) else "town")
    return Body(region_name + core, printed, region_name, kind, "none")


def _town_within(core: str, county: Region, printed: str) -> Body | None:
    for town in towns_of(county):
        local = town.local or ""
        if local and core.startswith(local) and len(core) > len(local):
            return _within(core[len(local):], town.name, printed)
    return None


def _organ_name(organ, region_name: str, region: Region | None, printed: str) -> Body:
    level = region.level if region else "county"
    core = organ.by_level.get(level, organ.core)
    if level == "town" and core == "人民政府" and region and (region.local or "").endswith("街道"):
        core = directory().collectives.town_bodies.get("街道", core)
    name = organ.template.format(region=region_name) if organ.template else region_name + core
    return Body(name, printed, region_name, organ.kind, "rule")


def _department_name(department: Department, ending: str | None, region_name: str,
                     level: str) -> tuple[str, Department]:
    """The department's official name in a jurisdiction: at province level the province's line-up
    where it names the body, else the printed ending, else the default; below it the printed ending."""
    d = directory()
    lineup = d.provinces.get(_province_of(region_name) or "")
    if level == "province":
        if lineup and department.key in lineup.instead:
            department, ending = d.department(lineup.instead[department.key]), None
        core = lineup.names.get(department.key) if lineup else None
        chosen = ending or department.province  # a printed ending is evidence where the line-up is silent
        if lineup and lineup.municipality and not ending:
            chosen = department.municipality or d.rules.municipality_ending_swap.get(chosen, chosen)
        core = core or department.stem + chosen
    else:
        chosen = ending or department.below
        core = (lineup.below.get(department.key) if lineup else None) or department.stem + chosen
    if department.template:
        values = {"region": region_name, "short": short_name(region_name), "ending": chosen}
        return department.template.format(**values), department
    return region_name + core, department


def _province_of(region_name: str) -> str | None:
    return place_of(region_name).province


# --- what no rule names -------------------------------------------------------------------


def _zone(form: str, place: Place) -> Body | None:
    zones = directory().zones
    for printed, full in sorted(zones.committee_forms.items(), key=lambda kv: -len(kv[0])):
        if form.endswith(printed) and form[: -len(printed)].endswith(zones.zone_endings):
            return Body(form[: -len(printed)] + full, form, place.region, "zone", "rule")
    if form.endswith(zones.zone_endings) and len(form) >= 4 and form not in place_names():
        return Body(form, form, place.region, "zone", "rule")
    return None


def _town_government(form: str, place: Place) -> Body | None:
    """A town or street office of the document's county by its name (提篮桥街道, 吴泾镇政府, 上海市奉贤区人民政府
    头桥街道办事处): a street office is its district government's office (上海市虹口区人民政府提篮桥街道办事处),
    a town its own government (上海市闵行区吴泾镇人民政府)."""
    county = region_by_name(place.county) if place.county else None
    if county is None:
        return None
    bodies = directory().collectives.town_bodies
    for town in divisions_of(county):
        local = town.local or town.name
        street = local.endswith("街道")
        official = f"{county.name}人民政府{local}办事处" if street else f"{town.name}人民政府"
        body = bodies["街道"] if street else bodies["镇"]
        printed = {local, local + body, local + "政府", town.name, town.name + body, official,
                   f"{county.local}{local}", f"{county.local}{local}{body}"}
        if form in printed:
            return Body(official, form, town.name, "government", "rule")
    # a street office the gazetteer no longer lists (merged since), by the shape of its name
    m = _STREET_OFFICE.match(form.removeprefix(f"{county.name}人民政府").removeprefix(county.name)
                             .removeprefix(county.local or "~"))
    if m and m.group("street") not in place_names():
        street = m.group("street")
        return Body(f"{county.name}人民政府{street}街道办事处", form, county.name, "government", "rule")
    return None


_STREET_OFFICE = re.compile(r"^(?P<street>[\u4e00-\u9fff]{2,5}?)街道(?:办事处)?$")


def _town_office(form: str, place: Place) -> Body | None:
    """镇规建办, 城运中心, 派出所 in a town notice: an office of the town that no rule knows."""
    rules = directory().rules
    if not form.endswith(rules.town_offices) and not ends_like_body(form):
        return None
    core = next((form[len(w):] for w in ("镇", "乡", "街道") if form.startswith(w) and len(form) > len(w) + 1), form)
    kind = "collective" if _quantifier(core) else "department"
    # an office ending the way a town's offices are named (规建办, 城运中心, 派出所) is the town's, by rule
    basis = "town office" if form.endswith(rules.town_offices) else "town"
    return Body(f"{place.town}{core}", form, place.town, kind, basis)


def _by_suffix(form: str) -> Body | None:
    for rule in directory().suffixes:
        if form.endswith(rule.endings):
            return Body(form, form, None, rule.kind, "rule" if rule.resolved else "suffix")
    return None


def _unknown(form: str, place: Place) -> Body:
    return Body(form, form, None, "unknown", "none")


# --- reorganisations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """``new`` replaced ``old`` on ``date`` (a SUCCEEDS edge new → old), in the plan's ``words``."""

    new: str
    old: str
    date: str
    words: str


@lru_cache(maxsize=1 << 14)
def successions(name: str, region: str | None) -> tuple[Change, ...]:
    """The reorganisations a body of this name took part in, as predecessor or successor."""
    changes = []
    core = name[len(region):] if region and name.startswith(region) else None
    for rule in directory().successions:
        if rule.old_pattern is not None:
            changes += _pattern_change(rule, name)
        elif rule.central:
            if name == rule.old:
                changes.append(Change(rule.new, rule.old, rule.date, rule.words))
        elif core is not None and region is not None:
            changes += _local_change(rule, region, core)
    return tuple(changes)


def _pattern_change(rule, name: str) -> list[Change]:
    old = rule.old_pattern.match(name)
    if old:
        return [Change(rule.new.format(**old.groupdict()), name, rule.date, rule.words)]
    new = rule.new_pattern.match(name) if rule.new_pattern else None
    if new and rule.old_name:
        return [Change(name, rule.old_name.format(**new.groupdict()), rule.date, rule.words)]
    return []


def _local_change(rule, region: str, core: str) -> list[Change]:
    """A jurisdiction's body renamed by a reform (国土资源局 → 自然资源局), either side named."""
    endings = "|".join(map(re.escape, sorted(rule.endings or _department_endings(), key=len, reverse=True)))
    old = re.fullmatch(rule.old.replace("{ending}", f"(?P<ending>{endings})"), core)
    if old:
        ending = old.groupdict().get("ending") or ""
        province_ending = "厅" if place_of(region).level == "province" and not _is_municipality(region) else "局"
        new = rule.new.format(ending=ending, province_ending=province_ending)
        return [Change(region + new, region + core, rule.date, rule.words)]
    if rule.reverse and "{province_ending}" not in rule.new:
        new = re.fullmatch(rule.new.replace("{ending}", f"(?P<ending>{endings})"), core)
        if new:
            ending = new.groupdict().get("ending") or ""
            return [Change(region + core, region + rule.old.format(ending=ending), rule.date, rule.words)]
    return []


@cache
def _department_endings() -> frozenset[str]:
    return frozenset(e for department in directory().departments for e in department.endings())


def _full_government(body: str) -> str:
    return "人民政府" if body == "政府" else body
