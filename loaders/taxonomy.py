"""Facility types and programmes a provision names: MENTIONS edges, BROADER links between them.

Facility types come from a small taxonomy (``三级公立医院 → 公立医院 → 医院 → 医疗机构``); programmes
are found by pattern (quoted names, names ending in 行动 / 工程 / 计划 / 试点) and merged across
spellings. A city's ``健康遂宁`` is the local instance of its province's ``健康四川``: places are
read from the region gazetteer, never listed here. The words live in ``lexicon/taxonomy.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from policykg.domain.regions import NATION, gazetteer, short_name
from policykg.graph.components import component
from policykg.graph.model import Edge, EdgeKind, Fragment, Node, NodeKind, entity_id

from .lexicons import Entries

if TYPE_CHECKING:
    from .pipeline import ParsedDocument

EXTRACTOR = "taxonomy"


@dataclass(frozen=True)
class Facility:
    name: str
    broader: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class ProgramRules:
    suffixes: tuple[str, ...]
    quoted_followers: tuple[str, ...]
    drop: tuple[str, ...]
    stop: tuple[str, ...]
    min_length: int
    campaign_canonical: str  # 健康{place}行动
    campaign: re.Pattern[str]  # 健康四川行动 in running text
    campaign_name: re.Pattern[str]  # a whole name that is a campaign (suffix optional)
    verbs: tuple[re.Pattern[str], ...]  # longest first
    leading: re.Pattern[str]  # verbs and adverbs opening a name, tried longest first
    suffix: re.Pattern[str]
    run: re.Pattern[str]


@dataclass(frozen=True)
class TaxonomyLexicon:
    facilities: dict[str, Facility]  # canonical name → entry
    facility_forms: dict[str, str]  # every printed form → canonical name
    facility_re: re.Pattern[str]
    program: ProgramRules


@cache
def lexicon() -> TaxonomyLexicon:
    lex = Entries.of("taxonomy")
    facilities: dict[str, Facility] = {}
    forms: dict[str, str] = {}
    for entry in lex.tables("facility"):
        name = entry.string("name")
        broader = entry.string("broader") if entry.has("broader") else None
        aliases = entry.strings("aliases") if entry.has("aliases") else ()
        facilities[name] = Facility(name, broader, aliases)
        forms[name] = name
        for alias in aliases:
            forms.setdefault(alias, name)
    facility_re = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
    return TaxonomyLexicon(facilities, forms, facility_re, _program_rules(lex.table("program")))


def _program_rules(program: Entries) -> ProgramRules:
    campaign_suffixes = "|".join(program.strings("campaign_suffixes"))
    verbs = sorted(program.strings("verbs"), key=len, reverse=True)
    leading = sorted(program.strings("strip_prefixes") + program.strings("verbs"), key=len, reverse=True)
    return ProgramRules(
        suffixes=program.strings("suffixes"),
        quoted_followers=program.strings("quoted_followers"),
        drop=program.strings("drop"),
        stop=program.strings("stop"),
        min_length=program.integer("min_length"),
        campaign_canonical=program.string("campaign_canonical"),
        campaign=re.compile(rf"健康(?P<place>[\u4e00-\u9fff]{{2,3}}?)(?P<suffix>{campaign_suffixes})"),
        campaign_name=re.compile(rf"健康(?P<place>[\u4e00-\u9fff]{{2,3}}?)(?P<suffix>{campaign_suffixes})?"),
        verbs=tuple(re.compile(verb) for verb in verbs),
        leading=re.compile("|".join(re.escape(word) for word in leading)),
        suffix=re.compile("|".join(sorted(program.strings("suffixes"), key=len, reverse=True))),
        run=re.compile(rf"[\u4e00-\u9fffA-Za-z0-9+]{{1,{program.integer('max_length')}}}"),
    )


@dataclass(frozen=True)
class Mention:
    kind: str  # FacilityType | Program
    name: str  # canonical
    form: str  # as printed
    start: int
    end: int
    broader: tuple[str, ...] = ()  # canonical names, nearest first


# --- facility types ----------------------------------------------------------------------


def facility_mentions(text: str) -> list[Mention]:
    lex = lexicon()
    found = []
    for m in lex.facility_re.finditer(text):
        name = lex.facility_forms[m.group(0)]
        found.append(Mention(NodeKind.FACILITY_TYPE, name, m.group(0), m.start(), m.end(), facility_chain(name)))
    return found


def facility_chain(name: str) -> tuple[str, ...]:
    """Broader types, nearest first: 三级公立医院 → (公立医院, 医院, 医疗机构, 医疗卫生机构)."""
    chain: list[str] = []
    entry = lexicon().facilities.get(name)
    while entry and entry.broader and entry.broader not in chain:
        chain.append(entry.broader)
        entry = lexicon().facilities.get(entry.broader)
    return tuple(chain)


# --- programmes --------------------------------------------------------------------------


def facility_forms() -> dict[str, str]:
    """Every printed form of a facility type → its canonical name (三级医院 → 三级医院, 县医院 → 县级医院…)."""
    return lexicon().facility_forms


@cache
def _places() -> dict[str, tuple[str, str | None]]:
    """Short place name → (short name of the region above it, or None for the nation)."""
    places: dict[str, tuple[str, str | None]] = {short_name(NATION): (NATION, None)}
    for province, node in gazetteer().items():
        province_short = short_name(province)
        places.setdefault(province_short, (province, short_name(NATION)))
        for city, sub in node.items():
            if not city.startswith("_") and isinstance(sub, dict) and city != province:
                places.setdefault(short_name(city), (city, province_short))
    return places


def campaign(place: str) -> Mention | None:
    """健康遂宁 → 健康遂宁行动, broader 健康四川行动, 健康中国行动."""
    rules = lexicon().program
    if place not in _places():
        return None
    chain: list[str] = []
    above = _places()[place][1]
    while above and above not in chain:
        chain.append(rules.campaign_canonical.format(place=above))
        above = _places().get(above, (None, None))[1]
    name = rules.campaign_canonical.format(place=place)
    return Mention(NodeKind.PROGRAM, name, name, 0, 0, tuple(chain))


def program_key(name: str) -> str:
    for word in lexicon().program.drop:
        name = name.replace(word, "")
    return name


def program_mentions(text: str) -> list[Mention]:
    rules = lexicon().program
    found: list[Mention] = []
    for m in re.finditer(r"“([^“”]{2,30})”", text):
        inner, after = m.group(1), text[m.end() : m.end() + 2]
        follower = next((w for w in rules.quoted_followers if after.startswith(w)), "")
        hit = _campaign_at(inner + follower) or _campaign_at(inner)
        if hit:
            found.append(_at(hit, inner, m.start(), m.end() + len(follower)))
        elif inner.endswith(rules.suffixes) or follower:
            end = m.end() + len(follower)
            found.append(_program(inner + follower, text[m.start() : end], m.start(), end))
    for m in rules.campaign.finditer(text):
        hit = _campaign_at(m.group(0))
        if hit and not _covered(found, m.start()):
            found.append(_at(hit, m.group(0), m.start(), m.end()))
    for verb in rules.verbs:  # longest first
        for m in verb.finditer(text):
            hit = _unquoted(text, m.end())
            if hit and not _covered(found, hit.start):
                found.append(hit)
    return sorted(found, key=lambda x: x.start)


def _campaign_at(words: str) -> Mention | None:
    m = lexicon().program.campaign_name.fullmatch(words)
    if not m:
        return None
    base = campaign(m.group("place"))
    if base is None:
        return None
    if m.group("suffix") == "专项行动":  # 健康四川专项行动: the campaign's own special actions
        name = f"健康{m.group('place')}专项行动"
        return Mention(NodeKind.PROGRAM, name, name, 0, 0, (base.name, *base.broader))
    return base


def _at(hit: Mention, form: str, start: int, end: int) -> Mention:
    return Mention(hit.kind, hit.name, form, start, end, hit.broader)


def _program(name: str, form: str, start: int, end: int) -> Mention:
    return Mention(NodeKind.PROGRAM, program_key(name), form, start, end)


def _covered(found: list[Mention], pos: int) -> bool:
    return any(f.start <= pos < f.end for f in found)


def _unquoted(text: str, start: int) -> Mention | None:
    """The name right after a verb, up to its programme suffix: 实施居家社区医养结合能力提升工程."""
    rules = lexicon().program
    run = rules.run.match(text, start)
    if not run:
        return None
    words = run.group(0)
    # 继续实施…, 推进第二阶段…: verbs and adverbs belong to the sentence
    while prefix := rules.leading.match(words):
        words, start = words[prefix.end() :], start + prefix.end()
    m = rules.suffix.search(words)
    if not m:
        return None
    name = words[: m.end()]
    if name in rules.stop or len(name) < rules.min_length or program_key(name) in rules.stop:
        return None
    hit = _campaign_at(name)
    if hit:
        return _at(hit, name, start, start + len(name))
    return _program(name, name, start, start + len(name))


# --- the graph ---------------------------------------------------------------------------


def initialize() -> None:
    """Read the taxonomy and index the place names of campaigns now rather than on first use."""
    lexicon()
    _places()


@component("taxonomy", "extract", requires=["Provision"], assigns=["FacilityType", "Program", "MENTIONS", "BROADER"],
           initialize=initialize)
def taxonomy_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    nodes = {n.id: n for n in fragment.nodes}
    linked: set[tuple[str, str]] = set()
    for pid, part in parsed.provisions:
        text = parsed.one_line(part.start, part.end)
        seen: set[str] = set()
        for mention in facility_mentions(text.text) + program_mentions(text.text):
            entity = _add_entity(fragment, nodes, mention.kind, mention.name, mention.form)
            _add_broader(fragment, nodes, linked, mention)
            if entity in seen:
                continue
            seen.add(entity)
            span = parsed.source_span(text.origin[mention.start], text.origin[mention.end - 1] + 1)
            fragment.add(Edge(pid, entity, EdgeKind.MENTIONS, {"words": mention.form}, document=parsed.id,
                              span=span, extractor=EXTRACTOR))


def _add_entity(fragment: Fragment, nodes: dict[str, Node], kind: str, name: str, form: str | None) -> str:
    node_id = _entity_id(kind, name)
    node = nodes.get(node_id)
    if node is None:
        aliases = set(_lexicon_aliases(kind, name))
        node = Node(node_id, kind, {"name": name, "aliases": sorted(aliases)}, extractor=EXTRACTOR)
        nodes[node_id] = node
        fragment.add(node)
    if form and form != name and form not in node.attrs["aliases"]:  # kept sorted and unique
        node.attrs["aliases"] = sorted(set(node.attrs["aliases"]) | {form})
    return node_id


# Memoised: a hash per call, and every mention asks again for the ids of its broader chain.
_entity_id = lru_cache(maxsize=1 << 14)(entity_id)


def _lexicon_aliases(kind: str, name: str) -> list[str]:
    if kind != NodeKind.FACILITY_TYPE:
        return []
    entry = lexicon().facilities.get(name)
    return list(entry.aliases) if entry else []


def _add_broader(fragment: Fragment, nodes: dict[str, Node], linked: set[tuple[str, str]], mention: Mention) -> None:
    """BROADER edges come from the lexicon, not from a document's words: they belong to no document."""
    chain = (mention.name, *mention.broader)
    for narrow, broad in zip(chain, chain[1:], strict=False):
        source = _add_entity(fragment, nodes, mention.kind, narrow, None)
        target = _add_entity(fragment, nodes, mention.kind, broad, None)
        if (source, target) not in linked:
            linked.add((source, target))
            fragment.add(Edge(source, target, EdgeKind.BROADER, extractor=EXTRACTOR))
