"""Who carries each task: LEADS / SUPPORTS edges from agencies to provisions.

Sources, most explicit first: a task table's 牵头/配合 columns; a bracketed annotation closing the
task (``〔责任单位:A,B、C〕``, ``（A、B按职责分工负责）``, ``（A、B、C负责）``) read with the document's
legend (``逗号前为牵头单位``, ``排在第一位的为牵头单位``, ``以下均需…落实,不再列出``); for a body's own
work plan without annotations, the issuer; and collaboration verbs in the task's text
(``联合A``, ``会同A``, ``与A沟通衔接``), which make A a supporter at low confidence.
Every edge carries the words it came from and their span in the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from policykg.graph.components import component
from policykg.graph.model import Edge, EdgeKind, Fragment

from . import agencies
from .agencies import Agency, add_agency, agencies_at, agencies_before, document_region, looks_like_agency, resolve
from .lexicons import read_lexicon
from .normalize import join_lines
from .taxonomy import facility_forms
from .text import OffsetText

if TYPE_CHECKING:
    from .pipeline import ParsedDocument

EXTRACTOR = "responsibility"
LEAD, SUPPORT = "lead", "support"


@cache
def lexicon() -> dict[str, Any]:
    data = read_lexicon("responsibility")
    data["legend_patterns"] = [(leg["mode"], re.compile(leg["pattern"])) for leg in data["legend"]]
    # Compiled once: they are tried on every provision.
    ann, text = data["annotation"], data["text"]
    data["label_res"] = [(role, re.compile(rf"^(?:{'|'.join(labels)})\s*[:：]?"))
                         for role, labels in (("lead", ann["lead_labels"]), ("support", ann["support_labels"]),
                                              ("", ann["labels"]))]
    labels = "|".join(ann["labels"] + ann["lead_labels"])
    data["labelled_re"] = re.compile(rf"(?:{labels})\s*[:：](?P<content>[^。\n)〕]+)")
    data["before_res"] = [re.compile(verb) for verb in text["before"]]
    data["with_re"] = re.compile(rf"^(?:等(?:部门|单位))?(?:的)?(?:{'|'.join(text['with'])})")
    data["after_res"] = [(verb, re.compile(rf"(?:积极)?{verb}")) for verb in text["after"]]
    return data


# --- reading annotations -----------------------------------------------------------------


@dataclass
class Assignment:
    form: str
    role: str
    source: str  # annotation | legend | table | issuer | text
    confidence: float


@dataclass
class Annotation:
    start: int  # offsets in the text it was found in (bracket included)
    end: int
    words: str
    clauses: list[tuple[list[str], str | None]]  # units of each comma clause, and its role word if any
    all_lead: bool  # 分别负责 / 按职责分工负责


@dataclass
class Legend:
    mode: str  # comma | first | inherit
    start: int  # clean-text offsets
    end: int
    words: str
    units: list[str] = field(default_factory=list)


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """Top-level bracketed spans ``[start, end)`` (brackets included), nested brackets balanced."""
    pairs = lexicon()["annotation"]["brackets"]
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
    """Split on separators outside brackets: ``各县(市、区)人民政府`` stays one unit."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "(〔【[（":
            depth += 1
        elif char in ")〕】]）":
            depth = max(0, depth - 1)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_annotation(content: str, region: str | None) -> tuple[list[tuple[list[str], str | None]], bool] | None:
    """Clauses of units with their role words, and whether all lead; ``None`` if not an annotation.

    The first sentence lists the units (``责任单位:A,B、C``, ``A、B负责``); later sentences count only
    when labelled (``牵头单位:A;配合单位:B``): the rest are legends and notes.
    """
    lex = lexicon()["annotation"]
    sentences = [s.strip() for s in re.split(r"[。;；]", _drop_legends(content)) if s.strip()]
    clauses: list[tuple[list[str], str | None]] = []
    all_lead = False
    for index, sentence in enumerate(sentences):
        label_role, listing = _label(sentence)
        if index > 0 and label_role is None:
            continue
        roles = lex["tails"] + lex["lead_words"] + lex["support_words"]
        tail = next((t for t in sorted(roles, key=len, reverse=True) if listing.endswith(t)), None)
        if label_role is None and not tail:
            return None
        all_lead = all_lead or tail in lex["all_lead_tails"]
        default_word = {"lead": lex["lead_words"][-1], "support": lex["support_words"][0]}.get(label_role or "")
        for clause in split_units(listing, ",，"):
            parsed = _units_of(clause, region, default_word)
            if parsed is None:
                return None
            if parsed[0]:
                clauses.append(parsed)
    return (clauses, all_lead) if clauses else None


def _label(sentence: str) -> tuple[str | None, str]:
    """(role the label gives: lead | support | "" for a neutral label | None for none, the listing)."""
    for role, label in lexicon()["label_res"]:
        m = label.match(sentence)
        if m:
            return role, sentence[m.end() :].strip()
    return None, sentence


def _units_of(clause: str, region: str | None, default_word: str | None) -> tuple[list[str], str | None] | None:
    """Units of one comma clause and the role word closing it; ``None`` if a unit is not a body."""
    lex = lexicon()["annotation"]
    role_word = default_word
    for word in sorted(lex["tails"] + lex["lead_words"] + lex["support_words"], key=len, reverse=True):
        if clause.endswith(word):
            role_word, clause = word, clause[: -len(word)]
            break
    units = [u for u in split_units(clause) if not _generic(u)]
    if not all(_unit_ok(u, region) for u in units):
        return None
    return units, role_word


def _generic(unit: str) -> bool:
    """有关部门, 各医疗机构, 三级医院: a class of bodies, not one body."""
    if re.search(lexicon()["annotation"]["generic"], unit):
        return True
    return unit.removeprefix("各").removeprefix("各级") in facility_forms()


def _unit_ok(unit: str, region: str | None) -> bool:
    return looks_like_agency(unit) or resolve(unit, region).known


def _drop_legends(content: str) -> str:
    for _, pattern in lexicon()["legend_patterns"]:
        content = pattern.sub("。", content)
    return re.sub(r"[,，]?\s*下同", "。", content)


def assign(annotation: Annotation, mode: str | None) -> list[Assignment]:
    """Roles of an annotation's units under the document's legend mode (``None``: no legend)."""
    conf = lexicon()["confidence"]
    lex = lexicon()["annotation"]
    units = [u for clause, _ in annotation.clauses for u in clause]
    explicit_lead = [u for clause, word in annotation.clauses if word in lex["lead_words"] for u in clause]
    if explicit_lead:
        return [Assignment(u, LEAD if u in explicit_lead else SUPPORT, "annotation", conf["explicit"]) for u in units]
    explicit_support = {u for clause, word in annotation.clauses if word in lex["support_words"] for u in clause}
    if annotation.all_lead:
        return [Assignment(u, SUPPORT if u in explicit_support else LEAD, "annotation", conf["all_lead"])
                for u in units]
    if mode == "comma":
        leads = set(annotation.clauses[0][0])
        return [Assignment(u, LEAD if u in leads else SUPPORT, "legend", conf["legend"]) for u in units]
    source, confidence = ("legend", conf["legend"]) if mode == "first" else ("annotation", conf["convention"])
    return [Assignment(u, LEAD if i == 0 else SUPPORT, source, confidence) for i, u in enumerate(units)]


def find_legends(parsed: ParsedDocument) -> list[Legend]:
    joined = join_lines(OffsetText(parsed.clean.text, tuple(range(len(parsed.clean.text))), len(parsed.clean.text)))
    legends = []
    for mode, pattern in lexicon()["legend_patterns"]:
        for m in pattern.finditer(joined.text):
            start, end = joined.origin[m.start()], joined.origin[m.end() - 1] + 1
            units = split_units(m.group("units")) if "units" in pattern.groupindex else []
            legends.append(Legend(mode, start, end, m.group(0), units))
    return sorted(legends, key=lambda leg: leg.start)


# --- per provision -----------------------------------------------------------------------


def find_annotations(text: str, region: str | None) -> list[Annotation]:
    found = []
    for start, end in bracket_groups(text):
        parsed = parse_annotation(text[start + 1 : end - 1], region)
        if parsed:
            found.append(Annotation(start, end, text[start:end], *parsed))
    for m in lexicon()["labelled_re"].finditer(text):
        if any(a.start <= m.start() < a.end for a in found) or _inside_bracket(text, m.start()):
            continue
        parsed = parse_annotation(m.group(0), region)
        if parsed:
            found.append(Annotation(m.start(), m.end(), m.group(0), *parsed))
    return found


def _inside_bracket(text: str, pos: int) -> bool:
    return any(s < pos < e for s, e in bracket_groups(text))


class _Edges:
    """Collects one role per (agency, provision); a lead wins over a support."""

    def __init__(self, parsed: ParsedDocument, fragment: Fragment):
        self.parsed, self.fragment = parsed, fragment
        self.region = document_region(parsed)
        self.roles: dict[tuple[str, str], Edge] = {}

    def add(self, agency: Agency, provision: str, role: str, source: str, confidence: float,
            words: str, span: tuple[int, int] | None) -> None:
        agency_id = add_agency(self.fragment, agency)
        key = (agency_id, provision)
        old = self.roles.get(key)
        if old is not None and (old.kind == EdgeKind.LEADS or role == SUPPORT):
            return
        kind = EdgeKind.LEADS if role == LEAD else EdgeKind.SUPPORTS
        attrs = {"role_source": source, "words": words, "unit": agency.form}
        self.roles[key] = Edge(agency_id, provision, kind, attrs, document=self.parsed.id, span=span,
                               extractor=EXTRACTOR, confidence=confidence)

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
    edges = _Edges(parsed, fragment)
    legends = find_legends(parsed)
    mode = next((leg.mode for leg in legends if leg.mode != "inherit"), None)
    inherited = [leg for leg in legends if leg.mode == "inherit"]
    conf = lexicon()["confidence"]
    annotated = 0
    for pid, part in parsed.provisions:
        text = parsed.one_line(part.start, part.end)
        annotations = find_annotations(text.text, edges.region)
        for annotation in annotations:
            span = parsed.source_span(text.origin[annotation.start], text.origin[annotation.end - 1] + 1)
            for a in assign(annotation, mode):
                edges.add(resolve(a.form, edges.region), pid, a.role, a.source, a.confidence, annotation.words, span)
        from_table = _table_roles(parsed, edges, pid, part, mode)
        annotated += bool(annotations) or from_table
        if annotations or from_table:
            for legend in (leg for leg in inherited if leg.start < part.start):
                for unit in legend.units:
                    agency = resolve(unit, edges.region)
                    if not edges.has(agency, pid):
                        edges.add(agency, pid, SUPPORT, "legend", conf["inherit"], legend.words,
                                  parsed.source_span(legend.start, legend.end))
        _text_roles(parsed, edges, pid, text, annotations)
    if not annotated:
        _issuer_roles(parsed, edges)
    edges.flush()


def _table_roles(parsed: ParsedDocument, edges: _Edges, pid: str, part, mode: str | None) -> bool:
    """Task-table cells: 牵头单位 leads, 配合单位 supports, a single 责任单位 column reads like an annotation."""
    conf = lexicon()["confidence"]
    row = parsed.clean.text[part.start : part.end]
    found = False
    for column, role in (("lead", LEAD), ("support", SUPPORT), ("responsible", None)):
        cell = (part.columns or {}).get(column, "").strip()
        if not cell or cell in ("无", "—", "-", "/"):
            continue
        at = row.find(cell)
        span = parsed.source_span(part.start + at, part.start + at + len(cell)) if at >= 0 else None
        if role is None:
            parsed_cell = parse_annotation("责任单位:" + cell, edges.region)
            if parsed_cell is None:
                continue
            assignments = assign(Annotation(0, len(cell), cell, *parsed_cell), mode)
        else:
            units = [u for u in split_units(cell, "、,，;；") if u not in ("无", "—")]
            assignments = [Assignment(u, role, "table", conf["table"]) for u in units]
        for a in assignments:
            edges.add(resolve(a.form, edges.region), pid, a.role, "table", a.confidence, cell, span)
            found = True
    return found


def _issuer_roles(parsed: ParsedDocument, edges: _Edges) -> None:
    """A body's own work plan (工作要点) without annotations: the issuer leads every item."""
    rules = lexicon()["issuer"]
    title, printed = parsed.meta.title or "", parsed.meta.issuer
    if not printed or not any(word in title for word in rules["titles"]):
        return
    agency = resolve(printed, edges.region)
    if agency.kind not in rules["kinds"]:
        return
    span = parsed.meta.spans.get("issuer")
    source_span = parsed.source_span(*span) if span else None
    for pid, _ in parsed.provisions:
        edges.add(agency, pid, LEAD, "issuer", lexicon()["confidence"]["issuer"], printed, source_span)


def _text_roles(parsed: ParsedDocument, edges: _Edges, pid: str, text: OffsetText,
                annotations: list[Annotation]) -> None:
    """Collaboration verbs name supporters; ``配合A做好…`` names the one supported, not a supporter."""
    lex = lexicon()
    words = lex["text"]
    body = text.text
    for annotation in annotations:  # never read an annotation twice
        body = body[: annotation.start] + "　" * (annotation.end - annotation.start) + body[annotation.end :]
    hits: list[tuple[int, int, Agency]] = []
    for verb in lex["before_res"]:
        for m in verb.finditer(body):
            hits += agencies_at(body, m.end(), edges.region)
    for m in re.finditer("与", body):
        listed = agencies_at(body, m.end(), edges.region)
        if listed:
            rest = body[listed[-1][1] : listed[-1][1] + 8]
            if lex["with_re"].match(rest):
                hits += listed
    for verb, pattern in lex["after_res"]:
        for m in pattern.finditer(body):
            if verb in words["supported"] and agencies_at(body, m.end(), edges.region):
                continue  # 配合A做好: A is supported
            hits += agencies_before(body, m.start(), edges.region)
    confidence = lexicon()["confidence"]["text"]
    for start, end, agency in hits:
        if edges.has(agency, pid):
            continue
        clause = _clause(body, start, end)
        span = parsed.source_span(text.origin[clause[0]], text.origin[clause[1] - 1] + 1)
        edges.add(agency, pid, SUPPORT, "text", confidence, text.text[clause[0] : clause[1]], span)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a mention, for the edge's words."""
    left = max((text.rfind(p, 0, start) for p in "，,。；;"), default=-1) + 1
    rights = [i for i in (text.find(p, end) for p in "，,。；;") if i >= 0]
    return left, min(rights) if rights else len(text)
