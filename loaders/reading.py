"""What could not be read, per document: the reading report.

A researcher sees where to look in a document; a developer sees where the rules stop. The report is
a typed structure made here, in the loaders, from the segmenter's notes, the metadata's sources and
two audits of the finished fragment, and kept on the Document node (``reading``) so that the CLI
(``policykg check``), the build summary and the web pages all show the same thing. ``build_fragment``
makes it after every extractor has run.

The audits are hooks: ``set_audit("roles", fn)`` and ``set_audit("agencies", fn)`` replace the default
readings of annotation-like spans not turned into roles and of agency names not resolved (the
responsibility reader and the agency directory know best what they could not read).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from policykg.graph.model import EdgeKind, Fragment, NodeKind

from .lexicons import Entries

if TYPE_CHECKING:
    from .pipeline import ParsedDocument

METADATA_FIELDS = ("title", "issuer", "doc_number", "date", "year", "region")
NUMBERING_KINDS = ("gap", "repeat", "below", "first")


@dataclass(frozen=True)
class Finding:
    kind: str  # gap | repeat | below | first | restart | kept-as-text | contents | attachments | annotation | agency
    where: str  # the path (二/（三）) or line (line 44) it concerns
    detail: str


@dataclass(frozen=True)
class TableReading:
    title: str
    kind: str  # tasks | data
    header: list[str]
    rows: int
    rebuilt: bool
    notes: list[str] = field(default_factory=list)


@dataclass
class Reading:
    provisions: int = 0
    numbered: int = 0  # provisions with a printed number
    paragraphs: int = 0  # unnumbered paragraphs read as provisions (一/¶2)
    table_rows: int = 0  # provisions read from task-table rows
    sections: int = 0
    wrapper_only: bool = False  # a notice whose issued document is not in the file: no provisions
    numbering: list[Finding] = field(default_factory=list)  # gaps, repeated numbers, numbers below the last
    restarts: list[Finding] = field(default_factory=list)  # numbering that starts again at 1 under a new parent
    kept_as_text: list[Finding] = field(default_factory=list)  # lines that start like an item but are not one
    skipped: list[Finding] = field(default_factory=list)  # tables of contents, attachment lists
    tables: list[TableReading] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # metadata field → where it was read
    missing: list[str] = field(default_factory=list)  # metadata fields not found anywhere
    annotations: list[Finding] = field(default_factory=list)  # annotation-like spans not turned into roles
    unresolved: list[str] = field(default_factory=list)  # agency names not resolved

    def record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Reading:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("numbering", "restarts", "kept_as_text", "skipped", "annotations"):
            known[name] = [Finding(**f) for f in known.get(name, [])]
        known["tables"] = [TableReading(**t) for t in known.get("tables", [])]
        return cls(**known)

    def counts(self) -> dict[str, int]:
        """The totals a summary adds up over documents."""
        return {
            "documents": 1,
            "wrapper_only": int(self.wrapper_only),
            "provisions": self.provisions,
            "numbered": self.numbered,
            "paragraphs": self.paragraphs,
            "table_rows": self.table_rows,
            "numbering": len(self.numbering),
            "restarts": len(self.restarts),
            "kept_as_text": len(self.kept_as_text),
            "tables": len(self.tables),
            "tables_not_rebuilt": sum(not t.rebuilt for t in self.tables),
            "metadata_missing": len(self.missing),
            "annotations": len(self.annotations),
            "unresolved": len(self.unresolved),
        }


def add_counts(total: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value
    return total


def summary_line(totals: dict[str, int]) -> str:
    """One line of totals: what was read and what was not."""
    t = {k: totals.get(k, 0) for k in Reading().counts()}
    return (f"read: {t['documents']} documents ({t['wrapper_only']} wrapper only), {t['provisions']} provisions "
            f"({t['numbered']} numbered, {t['paragraphs']} paragraphs, {t['table_rows']} table rows); "
            f"numbering: {t['numbering']} gaps or repeats, {t['restarts']} restarts, {t['kept_as_text']} kept as text; "
            f"tables: {t['tables']} ({t['tables_not_rebuilt']} not rebuilt); "
            f"metadata fields missing: {t['metadata_missing']}; annotations not read: {t['annotations']}; "
            f"agency names unresolved: {t['unresolved']}")


# --- the audits (hooks) ------------------------------------------------------------------------

Audit = Callable[["ParsedDocument", Fragment], list[Finding]]
_AUDITS: dict[str, Audit] = {}


def set_audit(name: str, audit: Audit) -> None:
    """Replace the ``roles`` or ``agencies`` audit (each returns its findings for one document)."""
    if name not in ("roles", "agencies"):
        raise ValueError(f"no audit named {name!r}; there are 'roles' and 'agencies'")
    _AUDITS[name] = audit


@cache
def _annotation_like() -> re.Pattern[str]:
    """A bracketed span naming a role: (责任单位：…), （市交通委牵头负责、各区政府组织落实）."""
    words = "|".join(map(re.escape, Entries.of("structure").table("report").strings("role_words")))
    return re.compile(rf"[(（〔【][^()（）〔〕【】]{{0,120}}?(?:{words})[^()（）〔〕【】]{{0,120}}[)）〕】]")


def unread_annotations(parsed: ParsedDocument, fragment: Fragment) -> list[Finding]:
    """Provisions holding an annotation-like span (a bracket naming 责任单位, 牵头, 配合 …) that got no
    LEADS/SUPPORTS edge."""
    with_roles = {e.target for e in fragment.edges if e.kind in (EdgeKind.LEADS, EdgeKind.SUPPORTS)}
    found = []
    for pid, part in parsed.provisions:
        if pid in with_roles:
            continue
        m = _annotation_like().search(part.text)
        if m:
            found.append(Finding("annotation", part.path_label, m.group(0)))
    return found


def unresolved_agencies(parsed: ParsedDocument, fragment: Fragment) -> list[Finding]:
    """Agency nodes the resolver marked as not resolved (``resolved: false``)."""
    return [Finding("agency", "", str(n.attrs.get("name"))) for n in fragment.nodes
            if n.kind == NodeKind.AGENCY and n.attrs.get("resolved") is False]


set_audit("roles", unread_annotations)
set_audit("agencies", unresolved_agencies)


# --- the report ----------------------------------------------------------------------------------


def read_report(parsed: ParsedDocument, fragment: Fragment) -> Reading:
    structure, meta = parsed.structure, parsed.meta
    provisions = structure.provisions
    reading = Reading(
        provisions=len(provisions),
        numbered=sum(p.numbered for p in provisions),
        paragraphs=sum(not p.numbered and p.style == "paragraph" for p in provisions),
        table_rows=sum(p.style == "table-row" for p in provisions),
        sections=len(structure.sections),
        wrapper_only=not provisions and bool(meta.forwards),
        tables=[TableReading(t.title, t.kind, list(t.header), len(t.rows), t.rebuilt, list(t.notes))
                for t in structure.tables],
        sources=dict(meta.sources),
        missing=[f for f in METADATA_FIELDS if _value(meta, f) is None],
    )
    for note in structure.notes:
        finding = Finding(note.kind, note.path or f"line {note.line}", f"line {note.line}: {note.detail}")
        _bucket(reading, note.kind).append(finding)
    reading.annotations = _AUDITS["roles"](parsed, fragment)
    reading.unresolved = sorted({f.detail for f in _AUDITS["agencies"](parsed, fragment)})
    return reading


def _value(meta: Any, name: str) -> object:
    return meta.region if name == "region" else getattr(meta, name)


def _bucket(reading: Reading, kind: str) -> list[Finding]:
    if kind in NUMBERING_KINDS:
        return reading.numbering
    if kind == "restart":
        return reading.restarts
    if kind == "kept-as-text":
        return reading.kept_as_text
    return reading.skipped


def mark_report(parsed: ParsedDocument, fragment: Fragment) -> None:
    """The reading report on the Document node (``reading``). ``build_fragment`` runs it after every
    extractor, whatever the pipeline: it audits what they drew."""
    try:
        document = fragment.document_node()
    except LookupError:
        return  # a pipeline without the structure extractor draws no Document to report on
    document.attrs["reading"] = read_report(parsed, fragment).record()
