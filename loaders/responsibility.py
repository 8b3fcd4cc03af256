"""Who carries each task: LEADS / SUPPORTS edges from agencies to provisions.

Readings, each recorded as the edge's ``role_source``:

- ``annotation``: a bracketed list closing the task whose role words or labels say who leads
  (``（A牵头，B、C按职责分工负责）``, ``（牵头单位：A。配合单位：B）``, ``（A负责，B配合）``);
- ``legend``: a list read by the document's legend (``逗号前为牵头单位``, ``排在第一位的为牵头单位``),
  or the units a legend says carry every later task (``以下均需…落实，不再列出``);
- ``list``: a list with neither legend nor role words (``（责任单位：A、B，C）``): every unit is
  responsible and leads — no legend is invented;
- ``table``: a task table's 牵头 / 配合 / 责任单位 columns;
- ``heading``: a duty list whose item (or section) is headed by the unit (``（一）区房管局。负责…``);
- ``issuer``: a body's own work plan without annotations, whose issuer leads every item;
- ``text``: collaboration verbs in the task's text (``联合A``, ``会同A``), which make A a supporter
  at low confidence.

Which reading stands when two disagree is data (``[precedence]`` in ``lexicon/responsibility.toml``).
Every edge carries the words it came from and their span in the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING

from policykg.graph.components import component
from policykg.graph.model import Edge, EdgeKind, Fragment

from . import agencies
from .agencies import (
    Agency,
    add_agency,
    agencies_at,
    agencies_before,
    distribute,
    document_region,
    looks_like_agency,
    resolve,
)
from .lexicons import Entries
from .taxonomy import facility_forms
from .text import OffsetText

if TYPE_CHECKING:
    from .pipeline import ParsedDocument

EXTRACTOR = "responsibility"
LEAD, SUPPORT = "lead", "support"
OPENERS, CLOSERS = "(〔【[（", ")〕】]）"


# --- the lexicon ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendRule:
    mode: str  # comma | first | inherit
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class RoleLexicon:
    labels: dict[str, str]  # label → the role it gives ("" for none), longest first
    generic: re.Pattern[str]
    tails: dict[str, str]  # tail → lead | support | all | neutral, longest first
    qualifiers: tuple[str, ...]  # words between a unit and its role word, longest first
    trailing: tuple[str, ...]
    joined: dict[str, str]  # phrases printed with separators inside that name one class (委、办、局 → 委办局)
    brackets: dict[str, str]
    separators: str
    legends: tuple[LegendRule, ...]
    heading_sections: tuple[str, ...]
    heading_marks: str
    heading_max: int
    ranks: dict[str, int]  # role source → strength (0 strongest)
    division_issuers: tuple[str, ...]  # agency kinds whose own divisions annotations name
    division_own: tuple[str, ...]
    division_endings: tuple[str, ...]
    confidence: dict[str, float]
    issuer_titles: tuple[str, ...]
    issuer_kinds: tuple[str, ...]
    text_before: tuple[re.Pattern[str], ...]
    text_with_word: str
    text_with: re.Pattern[str]
    text_after: tuple[tuple[str, re.Pattern[str]], ...]
    text_supported: tuple[str, ...]
    label_re: re.Pattern[str] = field(init=False)
    labelled_re: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        labels = "|".join(map(re.escape, self.labels))
        object.__setattr__(self, "label_re", re.compile(rf"^(?P<label>{labels})\s*[:：]?"))
        object.__setattr__(self, "labelled_re", re.compile(rf"(?:{labels})\s*[:：](?P<content>[^。\n)〕]+)"))


def _longest_first(words: dict[str, str]) -> dict[str, str]:
    return dict(sorted(words.items(), key=lambda kv: -len(kv[0])))


@cache
def lexicon() -> RoleLexicon:
    lex = Entries.of("responsibility")
    ann, text, heading = lex.table("annotation"), lex.table("text"), lex.table("heading")
    labels = {w: "" for w in ann.strings("labels")} | {w: LEAD for w in ann.strings("lead_labels")} | {
        w: SUPPORT for w in ann.strings("support_labels")}
    tails = ({w: "neutral" for w in ann.strings("neutral_tails")} | {w: LEAD for w in ann.strings("lead_tails")}
             | {w: SUPPORT for w in ann.strings("support_tails")} | {w: "all" for w in ann.strings("all_lead_tails")})
    ranks = {source: rank for rank, group in enumerate(lex.table("precedence").data.get("ranks", []))
             for source in group}
    if not ranks:
        raise ValueError("lexicon/responsibility.toml: missing key 'precedence.ranks'")
    issuer, divisions = lex.table("issuer"), lex.table("divisions")
    return RoleLexicon(
        labels=_longest_first(labels),
        generic=ann.pattern("generic"),
        tails=_longest_first(tails),
        qualifiers=tuple(sorted(ann.strings("tail_qualifiers"), key=len, reverse=True)),
        trailing=tuple(sorted(ann.strings("trailing"), key=len, reverse=True)),
        joined={phrase: re.sub(r"[、,，]", "", phrase) for phrase in ann.strings("joined")},
        brackets=ann.mapping("brackets"),
        separators=ann.string("separators"),
        legends=tuple(LegendRule(leg.string("mode"), leg.pattern("pattern")) for leg in lex.tables("legend")),
        heading_sections=heading.strings("section_words"),
        heading_marks="".join(heading.strings("marks")),
        heading_max=heading.integer("max_length"),
        ranks=ranks,
        division_issuers=divisions.strings("issuers"),
        division_own=tuple(sorted(divisions.strings("own"), key=len, reverse=True)),
        division_endings=divisions.strings("endings"),
        confidence={k: float(v) for k, v in lex.mapping("confidence").items()},
        issuer_titles=issuer.strings("titles"),
        issuer_kinds=issuer.strings("kinds"),
        text_before=tuple(re.compile(verb) for verb in text.strings("before")),
        text_with_word=text.string("with_word"),
        text_with=re.compile(rf"^(?:等(?:部门|单位))?(?:的)?(?:{'|'.join(text.strings('with'))})"),
        text_after=tuple((verb, re.compile(rf"(?:积极)?{verb}")) for verb in text.strings("after")),
        text_supported=text.strings("supported"),
    )


# --- reading annotations -----------------------------------------------------------------------


@dataclass
class Assignment:
    form: str
    role: str
    source: str  # annotation | legend | list | table | heading | issuer | text
    confidence: float


@dataclass
class Clause:
    units: list[str]
    role: str | None  # lead | support | all | neutral, from its tail or label; None when it has neither


@dataclass
class Annotation:
    start: int  # offsets in the text it was found in (bracket included)
    end: int
    words: str
    clauses: list[Clause]


@dataclass
class Legend:
    mode: str  # comma | first | inherit
    start: int  # clean-text offsets
    end: int
    words: str
    units: list[str] = field(default_factory=list)


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """Top-level bracketed spans ``[start, end)`` (brackets included), nested brackets balanced."""
    pairs = lexicon().brackets
    closers = set(pairs.values())
    groups, stack = [], []
    for index, char in enumerate(text):
        if char in pairs:
            stack.append((char, index))
        elif char in closers and stack:
            opener, start = stack.pop()
            if pairs[opener] != char:
                stack.clear()  # unbalanced: start again
                continue
            if not stack:
                groups.append((start, index + 1))
    return groups


def split_units(text: str, separators: str = "、") -> list[str]:
    """Split on separators outside brackets: ``各县(市、区)人民政府`` and ``区委宣传部(区文明办、区委网信办)``
    each stay one unit, and so does a class printed with separators (相关委、办、局)."""
    for phrase, one in lexicon().joined.items():
        text = text.replace(phrase, one)
    return _split(text, separators)


def _split(text: str, separators: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_annotation(content: str, region: str | None) -> list[Clause] | None:
    """The clauses of units an annotation lists, each with its role word; ``None`` if it is no annotation.

    The first sentence lists the units (``责任单位:A,B、C``, ``A、B负责``); later sentences count only
    when labelled (``牵头单位:A。配合单位:B``) or closed by a role word (``…;区市场监管局组织落实``): the
    rest are legends and notes. Inside a sentence each
    comma clause may carry its own label (``责任单位:A、B,配合单位:C``) or role tail (``A牵头,B配合``).
    """
    sentences = [s.strip() for s in re.split(r"[。;；]", _drop_legends(content)) if s.strip()]
    clauses: list[Clause] = []
    for index, sentence in enumerate(sentences):
        role, listing = _label(sentence)
        if index > 0 and role is None and _tail(listing)[0] in (None, "neutral"):
            continue  # a later sentence counts when a label or a role word says whom it names
        if role is None and _tail(listing)[0] is None:
            return None
        for piece in (part for comma in split_units(listing, ",，") for part in _role_groups(comma)):
            clause = _clause_of(piece, region, role)
            if clause is None:
                return None
            if clause.units:
                clauses.append(clause)
    return clauses or None


def _role_groups(piece: str) -> list[str]:
    """A comma clause cut after every unit that closes with a role word: ``市交通委牵头负责、各区政府组织落实``
    is two clauses, one led and one supporting, whatever separates them (``…市国资委负责、市房管局组织落实`` too)."""
    groups, current = [], []
    units = split_units(piece)
    for index, unit in enumerate(units):
        current.append(unit)
        if index < len(units) - 1 and _tail(unit)[0] is not None:
            groups.append("、".join(current))
            current = []
    groups.append("、".join(current))
    return [g for g in groups if g]


def _label(text: str) -> tuple[str | None, str]:
    """(the role a label gives — lead, support, "" for a neutral label —, or None for no label; the rest)."""
    m = lexicon().label_re.match(text)
    if not m:
        return None, text
    return lexicon().labels[m.group("label")], text[m.end():].strip()


def _tail(text: str) -> tuple[str | None, str]:
    """(the role the closing words give, or None; the text without them and the qualifiers before them)."""
    for word, role in lexicon().tails.items():
        if text.endswith(word):
            rest = text[: -len(word)]
            for qualifier in lexicon().qualifiers:
                if rest.endswith(qualifier):
                    rest = rest[: -len(qualifier)]
                    break
            return role, rest
    return None, text


def _clause_of(piece: str, region: str | None, sentence_role: str | None) -> Clause | None:
    """One comma clause: its own label or tail, else the sentence's label; ``None`` if a unit is not a body."""
    own_label, piece = _label(piece)
    tail, piece = _tail(piece)
    for word in lexicon().trailing:
        piece = piece.removesuffix(word)
    role = tail if tail is not None else own_label if own_label is not None else sentence_role
    units = [u for u in expand_distributive(distribute(split_units(piece))) if not is_generic(u)]
    if not all(_unit_ok(u, region) for u in units):
        return None
    return Clause(units, role or None)


def expand_distributive(units: list[str]) -> list[str]:
    """``浦东新区、徐汇区、嘉定区政府`` → each district's 政府; ``吴泾、塘湾派出所`` → two 派出所: a run of bare
    names shares the body word of the last unit, where the last unit is a bare name of the same shape + that word."""
    out: list[str] = []
    run: list[str] = []
    for unit in units:
        if looks_like_agency(unit) or resolve(unit, None).known:
            core = _shared_core(run, unit)
            out += [bare + core for bare in run] if core else run
            out.append(unit)
            run = []
        else:
            run.append(unit)
    return out + run


def _shared_core(run: list[str], last: str) -> str | None:
    if not run:
        return None
    for size in sorted({len(u) for u in run}):
        head, core = last[:size], last[size:]
        if len(core) >= 2 and looks_like_agency(core) and not looks_like_agency(head):
            return core
    return None


def is_generic(unit: str) -> bool:
    """有关部门, 各医疗机构, 三级医院: a class of bodies, not one body."""
    if lexicon().generic.search(unit):
        return True
    return unit.removeprefix("各").removeprefix("各级") in facility_forms()


def _unit_ok(unit: str, region: str | None) -> bool:
    return looks_like_agency(unit) or resolve(unit, region).known


def _drop_legends(content: str) -> str:
    for legend in lexicon().legends:
        content = legend.pattern.sub("。", content)
    return re.sub(r"[,，]?\s*下同", "。", content)


def assign(annotation: Annotation, mode: str | None) -> list[Assignment]:
    """Roles of an annotation's units under the document's legend mode (``None``: no legend).

    Role words decide where they are printed: a lead word or label makes a lead, a support word or
    label a support, an all-lead tail (分别负责, 按职责分工负责) a lead of its own part. A list with
    only neutral words (责任单位：…, …负责) is read by the legend; without one, every unit leads.
    """
    conf = lexicon().confidence
    explicit = any(c.role in (LEAD, SUPPORT, "all") for c in annotation.clauses)
    if explicit:
        out = []
        for clause in annotation.clauses:
            role = SUPPORT if clause.role == SUPPORT else LEAD
            confidence = conf["all_lead"] if clause.role == "all" else conf["explicit"]
            out += [Assignment(u, role, "annotation", confidence) for u in clause.units]
        return out
    units = [u for clause in annotation.clauses for u in clause.units]
    if mode == "comma":
        leads = set(annotation.clauses[0].units)
        return [Assignment(u, LEAD if u in leads else SUPPORT, "legend", conf["legend"]) for u in units]
    if mode == "first":
        return [Assignment(u, LEAD if i == 0 else SUPPORT, "legend", conf["legend"]) for i, u in enumerate(units)]
    return [Assignment(u, LEAD, "list", conf["list"]) for u in units]


def find_legends(parsed: ParsedDocument) -> list[Legend]:
    joined = parsed.one_line(0, len(parsed.clean.text))
    legends = []
    for rule in lexicon().legends:
        for m in rule.pattern.finditer(joined.text):
            start, end = joined.origin[m.start()], joined.origin[m.end() - 1] + 1
            units = split_units(m.group("units")) if "units" in rule.pattern.groupindex else []
            legends.append(Legend(rule.mode, start, end, m.group(0), units))
    return sorted(legends, key=lambda leg: leg.start)


def find_annotations(text: str, region: str | None) -> list[Annotation]:
    found = []
    for start, end in bracket_groups(text):
        clauses = parse_annotation(text[start + 1 : end - 1], region)
        if clauses:
            found.append(Annotation(start, end, text[start:end], clauses))
    for m in lexicon().labelled_re.finditer(text):
        if any(a.start <= m.start() < a.end for a in found) or _inside_bracket(text, m.start()):
            continue
        clauses = parse_annotation(m.group(0), region)
        if clauses:
            found.append(Annotation(m.start(), m.end(), m.group(0), clauses))
    return found


def _inside_bracket(text: str, pos: int) -> bool:
    return any(s < pos < e for s, e in bracket_groups(text))


# --- collectives the notice addresses ---------------------------------------------------------------

_LEVELS = (("街", "街道"), ("镇", "镇"), ("乡", "乡"))
_LOWER_GOVERNMENT = re.compile(r"^各[^、]*?(?:街道|镇|乡)[^、]*?(?:政府|办事处)(?:、[^、]*?(?:政府|办事处))*$")


def spelled_as_addressed(agency: Agency, addressees: list[str]) -> Agency:
    """A collective of the town-level governments (各街镇, 有关街镇) named as the notice's own addressee line
    spells it (各镇人民政府、街道办事处; 各街道办事处、彭浦镇政府): which of them a district has, in its order."""
    if agency.kind != "collective" or not agency.region or not addressees:
        return agency
    quantifier = next((q for q in ("各", "有关", "相关") if agency.form.startswith(q)), None)
    rest = agency.form[len(quantifier):] if quantifier else ""
    wanted = {level for short, level in _LEVELS if short in rest}
    if not quantifier or not rest or not wanted or not set(rest) <= set("街道镇乡()（）、"):
        return agency
    items = [part.removeprefix("各") for item in addressees if _LOWER_GOVERNMENT.match(item)
             for part in item.split("、")]
    chosen = [_full_government(item) for item in items if any(level in item for level in wanted)]
    if not chosen:
        return agency
    return replace(agency, name=f"{agency.region}{quantifier}{'、'.join(chosen)}")


def _full_government(body: str) -> str:
    return body if body.endswith(("人民政府", "办事处")) else body.removesuffix("政府") + "人民政府"


# --- duty lists: items headed by their unit --------------------------------------------------------


def heading_units(line: str, region: str | None) -> tuple[list[str], int] | None:
    """The units a duty-list heading names (``区发展改革委：负责…`` → [区发展改革委]) and where they end;
    ``None`` when the line does not open with units followed by a heading mark (or is only units)."""
    lex = lexicon()
    window = line[: lex.heading_max + 1]
    cut = min((i for i in (window.find(mark) for mark in lex.heading_marks) if i > 0), default=-1)
    head = window[:cut] if cut > 0 else (line if len(line) <= lex.heading_max else "")
    units = [u for u in split_units(head, "、") if u]
    if not units or any(is_generic(u) or not _unit_ok(u, region) for u in units):
        return None
    return units, len(head)


# --- per provision -----------------------------------------------------------------------------


class _Edges:
    """One role per (agency, provision): a stronger source's reading replaces a weaker one's, and
    between readings of equal strength a lead replaces a support (``[precedence]`` in the lexicon)."""

    def __init__(self, parsed: ParsedDocument, fragment: Fragment):
        self.parsed, self.fragment = parsed, fragment
        self.region = document_region(parsed)
        self.roles: dict[tuple[str, str], Edge] = {}
        issuer = resolve(parsed.meta.issuer, self.region) if parsed.meta.issuer else None
        self.issuer = issuer if issuer is not None and issuer.kind in lexicon().division_issuers else None
        self.named_own_division = False  # a bare 执法稽查处 is the issuer's only after 市局特种设备安全监察处

    def agency(self, unit: str) -> Agency:
        """The agency a listed unit names; a division of the issuing bureau by its own name (市局特种设备
        安全监察处, and once the notice has named one so, 执法稽查处) is that division of the issuer."""
        division = self._division(unit)
        if division is None:
            return spelled_as_addressed(resolve(unit, self.region), self.parsed.meta.addressees)
        found = resolve(self.issuer.name + division, self.region)
        return replace(found, form=unit, kind="division", known=True, resolved=True, basis="division of the issuer",
                       region=self.issuer.region)

    def _division(self, unit: str) -> str | None:
        if self.issuer is None:
            return None
        lex = lexicon()
        own = next((w for w in lex.division_own if unit.startswith(w) and len(unit) > len(w) + 1), None)
        if own is not None:
            self.named_own_division = True
            return unit[len(own):]
        if self.named_own_division and unit.endswith(lex.division_endings) and not resolve(unit, self.region).resolved:
            return unit
        return None

    def add(self, agency: Agency, provision: str, role: str, source: str, confidence: float,
            words: str, span: tuple[int, int] | None) -> None:
        agency_id = add_agency(self.fragment, agency)
        key = (agency_id, provision)
        old = self.roles.get(key)
        if old is not None and not self._replaces(source, role, old):
            return
        kind = EdgeKind.LEADS if role == LEAD else EdgeKind.SUPPORTS
        attrs = {"role_source": source, "words": words, "unit": agency.form}
        self.roles[key] = Edge(agency_id, provision, kind, attrs, document=self.parsed.id, span=span,
                               extractor=EXTRACTOR, confidence=confidence)

    @staticmethod
    def _replaces(source: str, role: str, old: Edge) -> bool:
        ranks = lexicon().ranks
        new_rank, old_rank = ranks.get(source, len(ranks)), ranks.get(old.attrs["role_source"], len(ranks))
        if new_rank != old_rank:
            return new_rank < old_rank
        return role == LEAD and old.kind == EdgeKind.SUPPORTS

    def has(self, agency: Agency, provision: str) -> bool:
        return (agency.id, provision) in self.roles

    def flush(self) -> None:
        self.fragment.edges.extend(self.roles.values())


def initialize() -> None:
    """Read the annotation forms and the naming rules now rather than on the first provision."""
    lexicon()
    agencies.initialize()


@component("responsibility", "extract", requires=["Provision"], assigns=["Agency", "LEADS", "SUPPORTS"],
           initialize=initialize)
def responsibility_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    """LEADS and SUPPORTS from annotations, legends, lists, task tables, duty-list headings, the issuer
    of a work plan and collaboration verbs, each with its words and span."""
    edges = _Edges(parsed, fragment)
    legends = find_legends(parsed)
    mode = next((leg.mode for leg in legends if leg.mode != "inherit"), None)
    inherited = [leg for leg in legends if leg.mode == "inherit"]
    duty = _duty_sections(parsed)
    section_heads = _section_headings(parsed, edges.region, duty)
    assigned = 0
    for pid, part in parsed.provisions:
        text = parsed.one_line(part.start, part.end)
        annotations = find_annotations(text.text, edges.region)
        for annotation in annotations:
            span = parsed.source_span(text.origin[annotation.start], text.origin[annotation.end - 1] + 1)
            for a in assign(annotation, mode):
                edges.add(edges.agency(a.form), pid, a.role, a.source, a.confidence, annotation.words, span)
        from_table = _table_roles(parsed, edges, pid, part, mode)
        from_heading = part.section_index in duty and _heading_roles(parsed, edges, pid, part, section_heads)
        assigned += bool(annotations) or from_table or from_heading
        if annotations or from_table:
            _inherited_roles(parsed, edges, pid, part, inherited)
        _text_roles(parsed, edges, pid, text, annotations)
    if not assigned:
        _issuer_roles(parsed, edges)
    edges.flush()


def _inherited_roles(parsed: ParsedDocument, edges: _Edges, pid: str, part, inherited: list[Legend]) -> None:
    """``以下均需A落实，不再列出``: A supports every annotated task after the legend."""
    for legend in (leg for leg in inherited if leg.start < part.start):
        for unit in legend.units:
            agency = edges.agency(unit)
            if not edges.has(agency, pid):
                edges.add(agency, pid, SUPPORT, "legend", lexicon().confidence["inherit"], legend.words,
                          parsed.source_span(legend.start, legend.end))


def _duty_sections(parsed: ParsedDocument) -> set[int]:
    """Sections whose title, or an enclosing section's, names duties (职责分工, 工作职责, 按以下职能分工)."""
    sections = parsed.structure.sections
    words = lexicon().heading_sections
    duty: set[int] = set()
    for index, section in enumerate(sections):
        parent = section.parent_index
        if any(w in section.title for w in words) or (parent is not None and parent in duty):
            duty.add(index)
    return duty


def _section_headings(parsed: ParsedDocument, region: str | None,
                      duty: set[int]) -> dict[int, tuple[list[str], tuple[int, int]]]:
    """Duty-list sections headed only by units (``（一）区交通委``): index → units, clean span."""
    out = {}
    for index, section in enumerate(parsed.structure.sections):
        if index not in duty:
            continue
        found = heading_units(section.title, region)
        if found and found[1] >= len(section.title.rstrip("：:。")):
            start = section.start + len(section.label)
            out[index] = (found[0], (start, start + found[1]))
    return out


def _heading_roles(parsed: ParsedDocument, edges: _Edges, pid: str, part,
                   section_heads: dict[int, tuple[list[str], tuple[int, int]]]) -> bool:
    """A duty-list item leads by the unit that heads it, or by the unit heading its section."""
    first_line = parsed.clean.text[part.start : part.end].split("\n", 1)[0][len(part.label):].strip()
    found = heading_units(first_line, edges.region) if part.label else None
    if found:
        start = parsed.clean.text.find(first_line, part.start)
        units, span = found[0], (start, start + found[1])
    elif part.section_index in section_heads:
        units, span = section_heads[part.section_index]
    else:
        return False
    words = parsed.clean.text[span[0] : span[1]]
    for unit in units:
        edges.add(edges.agency(unit), pid, LEAD, "heading", lexicon().confidence["heading"], words,
                  parsed.source_span(*span))
    return True


def _table_roles(parsed: ParsedDocument, edges: _Edges, pid: str, part, mode: str | None) -> bool:
    """Task-table cells: 牵头单位 leads, 配合单位 supports, a single 责任单位 column reads like an annotation."""
    conf = lexicon().confidence
    row = parsed.clean.text[part.start : part.end]
    found = False
    for column, role in (("lead", LEAD), ("support", SUPPORT), ("responsible", None)):
        cell = (part.columns or {}).get(column, "").strip()
        if not cell or cell in ("无", "—", "-", "/"):
            continue
        at = row.find(cell)
        span = parsed.source_span(part.start + at, part.start + at + len(cell)) if at >= 0 else None
        if role is None:
            clauses = parse_annotation("责任单位:" + cell, edges.region)
            if clauses is None:
                continue
            assignments = assign(Annotation(0, len(cell), cell, clauses), mode)
        else:
            units = [u for u in expand_distributive(distribute(split_units(cell, lexicon().separators)))
                     if u not in ("无", "—") and not is_generic(u)]
            assignments = [Assignment(u, role, "table", conf["table"]) for u in units]
        for a in assignments:
            edges.add(edges.agency(a.form), pid, a.role, "table", a.confidence, cell, span)
            found = True
    return found


def _issuer_roles(parsed: ParsedDocument, edges: _Edges) -> None:
    """A body's own work plan (工作要点) without annotations: the issuer leads every item."""
    lex = lexicon()
    title, printed = parsed.meta.title or "", parsed.meta.issuer
    if not printed or not any(word in title for word in lex.issuer_titles):
        return
    agency = resolve(printed, edges.region)
    if agency.kind not in lex.issuer_kinds:
        return
    span = parsed.meta.spans.get("issuer")
    source_span = parsed.source_span(*span) if span else None
    for pid, _ in parsed.provisions:
        edges.add(agency, pid, LEAD, "issuer", lex.confidence["issuer"], printed, source_span)


def _text_roles(parsed: ParsedDocument, edges: _Edges, pid: str, text: OffsetText,
                annotations: list[Annotation]) -> None:
    """Collaboration verbs name supporters; ``配合A做好…`` names the one supported, not a supporter."""
    lex = lexicon()
    body = text.text
    for annotation in annotations:  # never read an annotation twice
        body = body[: annotation.start] + "　" * (annotation.end - annotation.start) + body[annotation.end :]
    hits: list[tuple[int, int, Agency]] = []
    for verb in lex.text_before:
        for m in verb.finditer(body):
            hits += agencies_at(body, m.end(), edges.region)
    for m in re.finditer(re.escape(lex.text_with_word), body):  # 与A、B沟通衔接
        listed = agencies_at(body, m.end(), edges.region)
        if listed:
            rest = body[listed[-1][1] : listed[-1][1] + 8]
            if lex.text_with.match(rest):
                hits += listed
    for verb, pattern in lex.text_after:
        for m in pattern.finditer(body):
            if verb in lex.text_supported and agencies_at(body, m.end(), edges.region):
                continue  # 配合A做好: A is supported
            hits += agencies_before(body, m.start(), edges.region)
    for start, end, agency in hits:
        if edges.has(agency, pid):
            continue
        clause = _clause(body, start, end)
        span = parsed.source_span(text.origin[clause[0]], text.origin[clause[1] - 1] + 1)
        edges.add(agency, pid, SUPPORT, "text", lex.confidence["text"], text.text[clause[0] : clause[1]], span)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a mention, for the edge's words."""
    left = max((text.rfind(p, 0, start) for p in "，,。；;"), default=-1) + 1
    rights = [i for i in (text.find(p, end) for p in "，,。；;") if i >= 0]
    return left, min(rights) if rights else len(text)
