"""One agency, one node: resolve the names printed in a notice to canonical agencies.

Notices name bodies by short forms that only make sense inside their jurisdiction:
``省卫生健康委`` in a Sichuan notice is 四川省卫生健康委员会, in a Jiangsu notice 江苏省卫生健康委员会;
a bare ``财政厅`` is the province's. Customs, the armed forces and the financial regulators'
local offices carry their own names and get no provincial prefix; ``各市(州)人民政府`` is a
collective tied to the region. The rules are data (``lexicon/agencies.toml``); this module applies
them and adds Agency nodes, ISSUED_BY and SUCCEEDS edges to a fragment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from policykg.domain.names import list_separators, national_prefixes
from policykg.domain.regions import NATION, Region, place_names, region_by_name
from policykg.graph.components import component
from policykg.graph.model import Edge, EdgeKind, Fragment, Node, NodeKind, entity_id

from .lexicons import read_lexicon

if TYPE_CHECKING:
    from .pipeline import ParsedDocument

EXTRACTOR = "agencies"


@cache
def lexicon() -> dict[str, Any]:
    data = read_lexicon("agencies")
    data["unit_patterns"] = [(re.compile(u["pattern"]), u["name"], u["kind"]) for u in data.get("unit", [])]
    data["collective_pattern"] = re.compile(data["collective"]["pattern"])
    data["known_cores"] = set(data["known"]["cores"]) | set(data["expand"]) | set(data["expand"].values())
    return data


@dataclass(frozen=True)
class Jurisdiction:
    """The document's place in the hierarchy: which 省, 市 and 县 a short form refers to."""

    region: str | None
    province: str | None = None
    city: str | None = None
    county: str | None = None

    def at(self, level: str) -> str | None:
        return {"province": self.province, "city": self.city, "county": self.county}.get(level)


@cache
def jurisdiction_of(region_name: str | None) -> Jurisdiction:
    region = region_by_name(region_name) if region_name else None
    if region is None or region.level == "national":
        return Jurisdiction(region_name)
    chain: dict[str, str] = {region.level: region.name}
    parent: Region | None = region
    while parent is not None and parent.parent and parent.parent != NATION:
        parent = region_by_name(parent.parent)
        if parent is None:
            break
        chain.setdefault(parent.level, parent.name)
    return Jurisdiction(region.name, chain.get("province"), chain.get("city"), chain.get("county"))


@dataclass(frozen=True)
class Agency:
    name: str  # canonical
    form: str  # as printed
    region: str | None
    kind: str  # government | department | party | collective | central | military | unknown
    known: bool  # matched a rule or a known core (not merely a name-like string)
    alias: str | None = None  # a second name printed in brackets: 省市场监管局（省知识产权局）

    @cached_property
    def id(self) -> str:  # a hash, asked for on every node comparison: computed once per agency
        return entity_id(NodeKind.AGENCY, self.name)


# --- resolving one name ------------------------------------------------------------------

_ALIAS = re.compile(r"^(?P<main>.+?)[(（](?P<alias>[^()（）]+)[)）]$")


def looks_like_agency(form: str) -> bool:
    form = form.strip()
    suffixes = tuple(lexicon()["suffixes"] + lexicon()["institution_suffixes"])
    return 2 <= len(form) <= 40 and form.endswith(suffixes)


@lru_cache(maxsize=1 << 16)
def resolve(form: str, region: str | None) -> Agency:
    """The canonical agency a printed form stands for in a document of ``region``.

    Memoised: the rules are pure, the result is immutable, and running text asks for the same
    forms again and again (every candidate chunk after a collaboration verb).
    """
    form = re.sub(r"\s+", "", form).translate(_FOLD)
    alias = None
    m = _ALIAS.match(form)
    if m and looks_like_agency(m.group("main")) and looks_like_agency(m.group("alias")):
        form, alias = m.group("main"), m.group("alias")
    agency = _resolve(form, jurisdiction_of(region))
    return Agency(agency.name, form, agency.region, agency.kind, agency.known, alias)


_FOLD = str.maketrans("（）", "()")


def _resolve(form: str, place: Jurisdiction) -> Agency:
    lex = lexicon()
    if form.startswith("中共") and not form.startswith("中共中央"):
        form = form[2:]  # 中共四川省委组织部: the party prefix is restored by the party template
    for pattern, template, kind in lex["unit_patterns"]:
        m = pattern.match(form)
        if m:
            places = {"province": place.province or "", "city": place.city or "", "region": place.region or ""}
            region = place.province if "{province}" in template else place.city if "{city}" in template else None
            return Agency(template.format(**places, **m.groupdict()), form, region, kind, True)
    m = lex["collective_pattern"].match(form)
    if m:
        home = place.region
        return Agency(lex["collective"]["template"].format(region=home or "", **m.groupdict()), form, home,
                      "collective", True)
    for prefix in national_prefixes():
        if form.startswith(prefix) and len(form) > len(prefix) + 1:
            core = form[len(prefix) :]
            return Agency(prefix + _expand(core), form, None, "central", True)
    named = _named_region(form)
    if named:
        region, rest = named
        return _in_region(form, rest, region)
    return _relative(form, place)


def _relative(form: str, place: Jurisdiction) -> Agency:
    """省卫生健康委, 市卫生健康委, 省委编办, 财政厅: short forms read against the document's places."""
    lex = lexicon()
    if _is_known(form) and not form.startswith(tuple(lex["jurisdiction"]["party_words"])):
        return _bare(form, place)
    for word in sorted(lex["jurisdiction"]["party_words"], key=len, reverse=True):
        if form.startswith(word) and len(form) > len(word):
            level = lex["jurisdiction"]["words"].get(word[:-1].removesuffix("党"), "province")
            region = place.at(level)
            return _party(form, form[len(word) :], region)
    for word, level in sorted(lex["jurisdiction"]["words"].items(), key=lambda kv: -len(kv[0])):
        if form.startswith(word) and len(form) > len(word) + 1:
            rest = form[len(word) :]
            region = place.at(level)
            if region is None:
                return Agency(form, form, None, "unknown", False)
            return _in_region(form, rest, region)
    return _bare(form, place)


def _bare(form: str, place: Jurisdiction) -> Agency:
    lex = lexicon()
    if form.endswith(tuple(lex["institution_suffixes"])):
        return Agency(form, form, None, "institution", False)
    level = next((lvl for suffix, lvl in lex["jurisdiction"]["suffix_level"].items() if form.endswith(suffix)), None)
    region = place.at(level) if level else place.region
    if place.region == NATION:  # a national notice's bare 财政部 is the ministry itself
        return Agency(_expand(form), form, None, "central", _is_known(form))
    if region is None:
        return Agency(form, form, None, "unknown", _is_known(form))
    return _in_region(form, form, region)


def _in_region(form: str, rest: str, region: str) -> Agency:
    if rest.startswith("委") and not _is_known(rest):
        return _party(form, rest[1:], region)
    core = _expand(rest)
    kind = "government" if core.endswith("人民政府") else "department"
    if core.endswith(tuple(lexicon()["institution_suffixes"])):
        kind = "institution"
    return Agency(region + core, form, region, kind, _is_known(rest))


def _party(form: str, core: str, region: str | None) -> Agency:
    party = lexicon()["party"]
    full = party["expand"].get(core, core)
    if region is None:
        return Agency(form, form, None, "party", False)
    return Agency(party["template"].format(region=region, core=full), form, region, "party", core in party["expand"])


def _expand(core: str) -> str:
    expand = lexicon()["expand"]
    if any(core.endswith(full) for full in expand.values() if len(full) > 2):
        return core  # already the full form (人民政府 must not become 人民人民政府)
    for short in sorted(expand, key=len, reverse=True):
        if core.endswith(short):
            return core[: -len(short)] + expand[short]
    return core


def _is_known(core: str) -> bool:
    return core in lexicon()["known_cores"]


@cache
def _region_prefixes() -> dict[str, list[str]]:
    """Printed prefix → canonical regions (full names and the gazetteer's short names), in the order
    they are tried; ``_prefix_lengths`` gives the lengths to try, longest first."""
    prefixes: dict[str, list[str]] = {}
    for prefix, region in place_names().items():
        if region.level != "city" or prefix == region.name:  # a city's short name alone names no body
            prefixes.setdefault(prefix, []).append(region.name)
    return prefixes


@cache
def _prefix_lengths() -> list[int]:
    return sorted({len(prefix) for prefix in _region_prefixes()}, reverse=True)


def _named_region(form: str) -> tuple[str, str] | None:
    """``四川省卫健委`` → (四川省, 卫健委); a short place name only before a known core."""
    prefixes = _region_prefixes()
    for length in _prefix_lengths():  # longest first; looked up rather than scanned (~6,000 names)
        if len(form) <= length + 1:
            continue
        prefix, rest = form[:length], form[length:]
        for region in prefixes.get(prefix, ()):
            if prefix == region or _is_known(rest) or _is_known(rest.lstrip("省")):
                return region, rest.lstrip("省") if prefix != region else rest
    return None


# --- the graph ---------------------------------------------------------------------------


def add_agency(fragment: Fragment, agency: Agency, *aliases: str) -> str:
    """Add (or extend) the agency's shared node in the fragment; returns its id."""
    forms = {agency.form, *(a for a in aliases if a)}
    if agency.alias:
        forms.add(agency.alias)
    for node in fragment.nodes:
        if node.id == agency.id:
            node.attrs["aliases"] = sorted(set(node.attrs.get("aliases", [])) | forms)
            return node.id
    attrs = {"name": agency.name, "aliases": sorted(forms), "region": agency.region, "agency_kind": agency.kind}
    fragment.add(Node(agency.id, NodeKind.AGENCY, attrs, extractor=EXTRACTOR, confidence=1.0 if agency.known else 0.7))
    if agency.region:
        # Like the node, the link belongs to no single document.
        fragment.add(Edge(agency.id, entity_id(NodeKind.REGION, agency.region), EdgeKind.JURISDICTION,
                          extractor=EXTRACTOR))
    _add_successions(fragment, agency)
    return agency.id


def _add_successions(fragment: Fragment, agency: Agency) -> None:
    for rule in lexicon().get("succession", []):
        old = re.match(rule["old"], agency.name)
        new = re.match(rule["new_pattern"], agency.name)
        if old:
            pair = (rule["new"].format(**old.groupdict()), agency.name)
        elif new:
            pair = (agency.name, rule["old_name"].format(**new.groupdict()))
        else:
            continue
        ids = []
        for name in pair:
            node_id = entity_id(NodeKind.AGENCY, name)
            if all(n.id != node_id for n in fragment.nodes):
                fragment.add(Node(node_id, NodeKind.AGENCY,
                                  {"name": name, "aliases": [], "region": agency.region, "agency_kind": agency.kind},
                                  extractor=EXTRACTOR))
            ids.append(node_id)
        # From the lexicon, not from the document's words: the edge belongs to no document.
        fragment.add(Edge(ids[0], ids[1], EdgeKind.SUCCEEDS, {"date": rule["date"], "words": rule["words"]},
                          extractor=EXTRACTOR))


def document_region(parsed: ParsedDocument) -> str | None:
    return parsed.meta.region.name if parsed.meta.region else None


def initialize() -> None:
    """Read the naming rules and index the place prefixes now rather than on the first name."""
    lexicon()
    _prefix_lengths()


@component("issuer", "extract", requires=["Document"],
           assigns=["Agency", "ISSUED_BY", "JURISDICTION", "SUCCEEDS", "Document.issuer"], initialize=initialize)
def issuer_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    """The Document's ``issuer`` becomes the canonical agency name, with Document -ISSUED_BY-> Agency."""
    printed = parsed.meta.issuer
    if not printed:
        return
    agency = resolve(printed, document_region(parsed))
    agency_id = add_agency(fragment, agency)
    document = fragment.document_node()
    document.attrs["issuer"] = agency.name
    document.attrs["issuer_printed"] = printed
    span = parsed.meta.spans.get("issuer")
    fragment.add(Edge(parsed.id, agency_id, EdgeKind.ISSUED_BY, {"words": printed}, document=parsed.id,
                      span=parsed.source_span(*span) if span else None, extractor=EXTRACTOR))


# --- finding agencies in running text ----------------------------------------------------



def agencies_at(text: str, start: int, region: str | None) -> list[tuple[int, int, Agency]]:
    """Known agencies listed from ``start`` (``西南民航局、省应急厅``): (start, end, agency) each."""
    found: list[tuple[int, int, Agency]] = []
    pos = start
    while pos < len(text):
        hit = _longest_known(text, pos, region)
        if hit is None:
            break
        end, agency = hit
        found.append((pos, end, agency))
        pos = end
        if pos < len(text) and text[pos] in list_separators():
            pos += 1
        else:
            break
    return found


_NAME_CHARS = re.compile(r"[\u4e00-\u9fff()]+")


def _longest_known(text: str, pos: int, region: str | None) -> tuple[int, Agency] | None:
    suffixes = tuple(lexicon()["suffixes"])
    best = None
    for end in range(pos + 2, min(len(text), pos + 24) + 1):
        chunk = text[pos:end]
        if not _NAME_CHARS.fullmatch(chunk):
            break
        if chunk.endswith(suffixes):
            agency = resolve(chunk, region)
            if agency.known:
                best = (end, agency)
    return best


def agencies_before(text: str, end: int, region: str | None) -> list[tuple[int, int, Agency]]:
    """Known agencies listed right before ``end`` (``由省财政厅、省医保局配合``)."""
    for start in range(max(0, end - 40), end - 1):
        if start > 0 and text[start - 1] not in "，,。；;：:由（(、" and text[start - 1] not in list_separators():
            continue
        found = agencies_at(text, start, region)
        if found and found[-1][1] == end:
            return found
    return []

