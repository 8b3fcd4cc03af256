"""The directory of government bodies: typed records read from ``domain/bodies/*.toml``.

Every file is parsed into frozen dataclasses and checked when first loaded; a missing or mistyped
key raises :class:`DirectoryError` naming the file and the key. ``directory()`` returns the whole
directory with the look-up tables the resolver (``domain/resolution.py``) needs. No names of bodies
live in this module: they are all in the data files (sources in ``domain/bodies/SOURCES.md``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

BODIES_DIR = Path(__file__).with_name("bodies")

AGENCY_KINDS = frozenset({
    "department", "government", "party", "congress", "court", "procuratorate", "mass-organisation", "zone",
    "enterprise", "institution", "vertical", "central", "military", "collective", "unknown",
})
LEVELS = ("national", "province", "city", "county", "town", "village")


class DirectoryError(ValueError):
    """A data file of the directory is malformed: the message names the file and the key."""


class _Table:
    """One TOML table of a data file, read with type checks that name the file and the key."""

    def __init__(self, path: Path, data: dict[str, Any], where: str = ""):
        self.path, self.data, self.where = path, data, where

    def _fail(self, key: str, expected: str) -> DirectoryError:
        place = f"{self.where}." if self.where else ""
        return DirectoryError(f"{self.path.name}: {place}{key}: expected {expected}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value:
            raise self._fail(key, "a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def texts(self, key: str, required: bool = False) -> tuple[str, ...]:
        if key not in self.data and not required:
            return ()
        value = self.data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self._fail(key, "a list of non-empty strings")
        return tuple(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def mapping(self, key: str) -> dict[str, str]:
        value = self.data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self._fail(key, "a table of strings")
        return dict(value)

    def kind(self, key: str = "kind", default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in AGENCY_KINDS:
            raise self._fail(key, f"one of {sorted(AGENCY_KINDS)}, not {value!r}")
        return value

    def level(self, key: str) -> str:
        value = self.text(key)
        if value not in LEVELS:
            raise self._fail(key, f"one of {LEVELS}, not {value!r}")
        return value

    def rows(self, key: str, required: bool = True) -> list[_Table]:
        value = self.data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._fail(key, "an array of tables")
        prefix = f"{self.where}." if self.where else ""
        return [_Table(self.path, row, f"{prefix}{key}[{i}]") for i, row in enumerate(value)]

    def table(self, key: str) -> _Table:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self._fail(key, "a table")
        return _Table(self.path, value, f"{self.where}.{key}" if self.where else key)

    def regex(self, key: str) -> re.Pattern[str]:
        try:
            return re.compile(self.text(key))
        except re.error as exc:
            raise self._fail(key, f"a regular expression ({exc})") from exc


def _read(folder: Path, name: str) -> _Table:
    path = folder / name
    try:
        with path.open("rb") as handle:
            return _Table(path, tomllib.load(handle))
    except tomllib.TOMLDecodeError as exc:
        raise DirectoryError(f"{path.name}: not valid TOML ({exc})") from exc


# --- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Department:
    """A line of work every local government may have: its name is stem + ending by level."""

    key: str
    stem: str
    shorts: tuple[str, ...]
    province: str  # ending at province level
    below: str  # ending at city and county level
    also: tuple[str, ...]  # further endings it is printed with
    aliases: tuple[str, ...]  # whole short forms (政府办)
    kind: str
    category: str
    template: str | None  # a name not opening with the jurisdiction ({region}, {short}, {ending})
    municipality: str | None = None  # the ending a municipality uses, where not the province's with 厅 → 局

    def endings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.province, self.below, *self.also)))


@dataclass(frozen=True)
class ProvinceLineup:
    name: str
    municipality: bool
    names: dict[str, str]  # department key → core at province level
    below: dict[str, str]  # department key → core in its cities and districts
    instead: dict[str, str]  # a key it has no body for → the key of the body it has
    source: str
    checked: bool


@dataclass(frozen=True)
class CentralBody:
    name: str
    shorts: tuple[str, ...]
    kind: str
    category: str


@dataclass(frozen=True)
class PartyBody:
    core: str
    shorts: tuple[str, ...]
    own: bool  # named without the committee word (中共四川省纪律检查委员会)
    by_level: dict[str, str] = field(default_factory=dict)  # 办公厅 at province level, 办公室 below


@dataclass(frozen=True)
class PartyRules:
    template: str
    committee: str
    committee_by_suffix: dict[str, str]
    own_template: str
    bodies: tuple[PartyBody, ...]


@dataclass(frozen=True)
class Organ:
    """A state organ or mass organisation of a jurisdiction: <jurisdiction> + core."""

    core: str
    shorts: tuple[str, ...]
    kind: str
    template: str | None
    by_level: dict[str, str]


@dataclass(frozen=True)
class VerticalUnit:
    pattern: re.Pattern[str]
    name: str
    kind: str
    any_place: bool
    places: tuple[str, ...]
    municipality: bool = False  # only in a municipality's documents; {district} one of its districts


@dataclass(frozen=True)
class NamedUnit:
    name: str
    shorts: tuple[str, ...]
    region: str | None
    kind: str


@dataclass(frozen=True)
class SuffixRule:
    endings: tuple[str, ...]
    kind: str
    resolved: bool


@dataclass(frozen=True)
class ZoneRules:
    zone_endings: tuple[str, ...]
    committee_forms: dict[str, str]


@dataclass(frozen=True)
class Quantifier:
    word: str
    all: bool


@dataclass(frozen=True)
class LevelWord:
    word: str
    level: str
    subset: bool  # 涉农区: some divisions of the level, which the gazetteer does not say


@dataclass(frozen=True)
class CollectiveRules:
    quantifiers: tuple[Quantifier, ...]
    levels: tuple[LevelWord, ...]
    town_bodies: dict[str, str]
    level_bodies: tuple[str, ...]
    classes: tuple[str, ...]
    bare: tuple[str, ...]


@dataclass(frozen=True)
class Succession:
    """A reorganisation: ``old`` replaced by ``new`` (cores after a jurisdiction's name, or full
    names when ``central``; regexes when ``pattern``)."""

    old: str
    new: str
    date: str
    words: str
    reverse: bool = False
    central: bool = False
    old_pattern: re.Pattern[str] | None = None
    new_pattern: re.Pattern[str] | None = None
    old_name: str | None = None
    endings: tuple[str, ...] = ()  # the endings {ending} may stand for (empty: any department ending)


@dataclass(frozen=True)
class ReadingRules:
    jurisdiction_words: dict[str, str]
    party_words: dict[str, str]
    ending_level: dict[str, str]
    party_prefixes: tuple[str, ...]
    trailing_words: tuple[str, ...]
    leading_words: tuple[str, ...]
    body_endings: tuple[str, ...]
    municipality_ending_swap: dict[str, str]
    town_offices: tuple[str, ...]


@dataclass(frozen=True)
class Directory:
    departments: tuple[Department, ...]
    ending_shorts: dict[str, tuple[str, ...]]
    provinces: dict[str, ProvinceLineup]
    central: tuple[CentralBody, ...]
    party: PartyRules
    organs: tuple[Organ, ...]
    vertical: tuple[VerticalUnit, ...]
    named: tuple[NamedUnit, ...]
    suffixes: tuple[SuffixRule, ...]
    zones: ZoneRules
    collectives: CollectiveRules
    successions: tuple[Succession, ...]
    rules: ReadingRules
    # look-up tables, built once from the records above
    department_forms: dict[str, tuple[Department, str | None]] = field(default_factory=dict)
    central_forms: dict[str, CentralBody] = field(default_factory=dict)
    party_forms: dict[str, PartyBody] = field(default_factory=dict)
    organ_forms: dict[str, Organ] = field(default_factory=dict)
    named_forms: dict[tuple[str, str | None], NamedUnit] = field(default_factory=dict)

    def department(self, key: str) -> Department:
        return next(d for d in self.departments if d.key == key)


# --- reading the files -------------------------------------------------------------------


def _departments(local: _Table) -> tuple[Department, ...]:
    out = []
    for row in local.rows("department"):
        out.append(Department(
            key=row.text("key"), stem=row.text("stem"), shorts=row.texts("shorts"), province=row.text("province"),
            below=row.text("below"), also=row.texts("also"), aliases=row.texts("aliases"),
            kind=row.kind("kind", "department"), category=row.text("category"),
            template=row.optional_text("template"), municipality=row.optional_text("municipality"),
        ))
    keys = [d.key for d in out]
    duplicate = next((k for k in keys if keys.count(k) > 1), None)
    if duplicate:
        raise DirectoryError(f"local.toml: department key {duplicate!r} is defined twice")
    return tuple(out)


def _ending_shorts(local: _Table) -> dict[str, tuple[str, ...]]:
    table = local.table("ending_shorts")
    return {ending: table.texts(ending, required=True) for ending in table.data}


def _party(local: _Table) -> PartyRules:
    party = local.table("party")
    bodies = [PartyBody(row.text("core"), row.texts("shorts"), False, row.mapping("by_level"))
              for row in party.rows("body")]
    bodies += [PartyBody(row.text("core"), row.texts("shorts"), True) for row in party.rows("own")]
    return PartyRules(party.text("template"), party.text("committee"), party.mapping("committee_by_suffix"),
                      party.text("own_template"), tuple(bodies))


def _organs(local: _Table) -> tuple[Organ, ...]:
    return tuple(Organ(row.text("core"), row.texts("shorts"), row.kind(), row.optional_text("template"),
                       row.mapping("by_level")) for row in local.rows("organ"))


def _provinces(folder: Path, departments: tuple[Department, ...]) -> dict[str, ProvinceLineup]:
    keys = {d.key for d in departments}
    out = {}
    for row in _read(folder, "provinces.toml").rows("province"):
        lineup = ProvinceLineup(row.text("name"), row.flag("municipality"), row.mapping("names"),
                                row.mapping("below"), row.mapping("instead"), row.text("source"), row.flag("checked"))
        for table in ("names", "below", "instead"):
            for key in getattr(lineup, table):
                if key not in keys:
                    raise DirectoryError(f"provinces.toml: {row.where}.{table}: unknown department key {key!r}")
        for key in lineup.instead.values():
            if key not in keys:
                raise DirectoryError(f"provinces.toml: {row.where}.instead: unknown department key {key!r}")
        out[lineup.name] = lineup
    return out


def _central(folder: Path) -> tuple[CentralBody, ...]:
    return tuple(CentralBody(row.text("name"), row.texts("shorts"), row.kind(), row.text("category"))
                 for row in _read(folder, "central.toml").rows("body"))


def _vertical(folder: Path) -> tuple[VerticalUnit, ...]:
    return tuple(VerticalUnit(row.regex("pattern"), row.text("name"), row.kind(), row.flag("any_place"),
                              row.texts("places"), row.flag("municipality"))
                 for row in _read(folder, "vertical.toml").rows("unit"))


def _units(folder: Path) -> tuple[tuple[NamedUnit, ...], tuple[SuffixRule, ...], ZoneRules]:
    units = _read(folder, "units.toml")
    named = tuple(NamedUnit(row.text("name"), row.texts("shorts"), row.optional_text("region"), row.kind())
                  for row in units.rows("named"))
    suffixes = tuple(SuffixRule(row.texts("endings", required=True), row.kind(), row.flag("resolved"))
                     for row in units.rows("suffix"))
    zone = units.table("zone")
    return named, suffixes, ZoneRules(zone.texts("zone_endings", required=True), zone.mapping("committee_forms"))


def _collectives(folder: Path) -> CollectiveRules:
    table = _read(folder, "collectives.toml")
    quantifiers = tuple(Quantifier(row.text("word"), row.flag("all")) for row in table.rows("quantifiers"))
    levels = tuple(LevelWord(row.text("word"), row.level("level"), row.flag("subset")) for row in table.rows("levels"))
    return CollectiveRules(quantifiers, levels, table.mapping("town_bodies"),
                           table.texts("level_bodies", required=True), table.texts("classes", required=True),
                           table.texts("bare", required=True))


def _successions(folder: Path) -> tuple[Succession, ...]:
    table = _read(folder, "succession.toml")
    out = [Succession(row.text("old"), row.text("new"), row.text("date"), row.text("words"), row.flag("reverse"),
                      endings=row.texts("endings")) for row in table.rows("rule")]
    out += [Succession(row.text("old"), row.text("new"), row.text("date"), row.text("words"), central=True)
            for row in table.rows("central")]
    for row in table.rows("pattern"):
        new_pattern = row.regex("new_pattern") if "new_pattern" in row.data else None
        out.append(Succession(row.text("old"), row.text("new"), row.text("date"), row.text("words"),
                              reverse=new_pattern is not None, old_pattern=row.regex("old"),
                              new_pattern=new_pattern, old_name=row.optional_text("old_name")))
    return tuple(out)


def _reading_rules(folder: Path) -> ReadingRules:
    table = _read(folder, "rules.toml")
    return ReadingRules(
        jurisdiction_words=table.mapping("jurisdiction_words"), party_words=table.mapping("party_words"),
        ending_level=table.mapping("ending_level"), party_prefixes=table.texts("party_prefixes", required=True),
        trailing_words=table.texts("trailing_words", required=True),
        leading_words=table.texts("leading_words", required=True),
        body_endings=table.texts("body_endings", required=True),
        municipality_ending_swap=table.mapping("municipality_ending_swap"),
        town_offices=table.texts("town_offices", required=True),
    )


# --- look-up tables ----------------------------------------------------------------------


def _department_forms(departments: tuple[Department, ...],
                      ending_shorts: dict[str, tuple[str, ...]]) -> dict[str, tuple[Department, str | None]]:
    """Every printed core (stem or short stem + ending or short ending) → (department, full ending)."""
    forms: dict[str, tuple[Department, str | None]] = {}

    def put(form: str, department: Department, ending: str | None) -> None:
        old = forms.get(form)
        if old is not None and old[0].key != department.key:
            raise DirectoryError(f"local.toml: form {form!r} names both {old[0].key!r} and {department.key!r}")
        forms[form] = (department, ending)

    for department in departments:
        for stem in (department.stem, *department.shorts):
            for ending in department.endings():
                for printed in (ending, *ending_shorts.get(ending, ())):
                    put(stem + printed, department, ending)
        for alias in department.aliases:
            put(alias, department, None)
    return forms


def _index_by_forms(records: tuple, name_of) -> dict:
    out = {}
    for record in records:
        for form in (name_of(record), *record.shorts):
            out.setdefault(form, record)
    return out


@cache
def directory() -> Directory:
    """The directory shipped in ``domain/bodies/``, read and checked once."""
    return load_directory(BODIES_DIR)


def load_directory(folder: Path) -> Directory:
    """Read and check every data file of a directory folder."""
    local = _read(folder, "local.toml")
    departments = _departments(local)
    ending_shorts = _ending_shorts(local)
    named, suffixes, zones = _units(folder)
    party = _party(local)
    organs = _organs(local)
    central = _central(folder)
    return Directory(
        departments=departments, ending_shorts=ending_shorts, provinces=_provinces(folder, departments),
        central=central, party=party, organs=organs, vertical=_vertical(folder), named=named,
        suffixes=suffixes, zones=zones, collectives=_collectives(folder), successions=_successions(folder),
        rules=_reading_rules(folder),
        department_forms=_department_forms(departments, ending_shorts),
        central_forms=_index_by_forms(central, lambda b: b.name),
        party_forms=_index_by_forms(party.bodies, lambda b: b.core),
        organ_forms=_index_by_forms(organs, lambda o: o.core),
        named_forms={(form, unit.region): unit for unit in named for form in (unit.name, *unit.shorts)},
    )
