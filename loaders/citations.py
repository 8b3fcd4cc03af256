"""The documents a notice names: every ``《title》`` and 文号, with what the text says about them.

A citation records the cited title (for ``《X关于印发Y的通知》`` the document printed, Y, as this
project titles documents), the 文号, issuer and year when the text gives them, the jurisdiction the
words imply (``全省`` in a city's notice is its province), and whether the notice says it implements
the document (``按照《…》要求``, ``根据《…》(文号)要求``, ``为贯彻落实…《…》``) in its preamble.
The document's own title (``关于印发《X》的通知``, ``现将《X》印发``) is not a citation.

Citations are stored on the Document node (``citations``) so the citation linker can resolve them
whenever the cited document is loaded, before or after the citing one.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from policykg.domain.names import DOC_NUMBER, normalize_doc_number, org_endings_pattern, title_key
from policykg.domain.regions import Region, leading_region, place_names, resolve_region
from policykg.graph.components import component
from policykg.graph.model import Fragment

from .pipeline import ParsedDocument

ORG_ENDINGS_RE = org_endings_pattern()
_TITLE = re.compile(r"《([^《》]{2,160})》")
# A 文号 right after the title, in brackets or after the closing words of a notice title.
_NUMBER_AFTER = re.compile(r"\s*(?:[(（〔\[]\s*)?(" + DOC_NUMBER.pattern + r")")
_NUMBER_LEAD = re.compile(r"^.*?(?:通知|意见|决定|函|印发|转发|的|》)")  # words glued before a 文号's prefix
_ISSUER_LEAD = re.compile(r"^.*(?:贯彻落实|落实|贯彻|按照|根据|依据|执行|参照|^为)")
_NOTICE = re.compile(r"^(?P<issuer>.{2,40}?)?关于(?:印发|转发|下发)(?P<inner>.+?)的(?:通知|函)$")
_PRINTED_BEFORE = re.compile(r"关于(?:印发|转发|下发)$")
_PRINTED_AFTER = re.compile(r"^的(?:通知|函)")
_SELF_BEFORE = re.compile(r"现将$")
_SELF_AFTER = re.compile(r"已经")
_IMPLEMENTS = re.compile(r"(?:按照|根据|依据|贯彻落实|贯彻|落实)[^。；;]{0,60}$")
_ORG_END = re.compile(rf"(?:{ORG_ENDINGS_RE})$")
_ISSUER_BEFORE = re.compile(
    rf"([\u4e00-\u9fa5、]{{2,40}}?(?:{ORG_ENDINGS_RE}))"
    r"(?:等\S{0,4}部门)?(?:联合)?(?:印发的|发布的|制定的)?$"
)
_YEAR = re.compile(r"((?:19|20)\d{2})(?:\s*年|\s*[-—－]\s*(?:19|20)\d{2})")
_WHOLE = re.compile(r"全(省|市|州|区|县)")
_SPACE = re.compile(r"\s+")


@dataclass
class Citation:
    title: str | None
    doc_number: str | None = None
    issuer: str | None = None
    year: int | None = None
    region: str | None = None
    level: str | None = None
    implements: bool = False
    cited_as: str | None = None  # the words inside 《》 as printed (joined)
    words: str = ""  # the citing words, title and 文号
    span: tuple[int, int] | None = None  # source span of the first mention
    spans: list[tuple[int, int]] = field(default_factory=list)

    def record(self) -> dict:
        data = asdict(self)
        data["span"] = list(self.span) if self.span else None
        data["spans"] = [list(s) for s in self.spans]
        return data


def extract_citations(parsed: ParsedDocument) -> list[Citation]:
    text = parsed.clean.text
    own_title = title_key(parsed.meta.title)
    own_number = parsed.meta.doc_number
    found: list[Citation] = []
    used_numbers: set[int] = set()
    for m in _TITLE.finditer(text):
        before, after = text[max(0, m.start() - 80) : m.start()], text[m.end() : m.end() + 40]
        if _SELF_BEFORE.search(before) or _SELF_AFTER.match(after):  # 现将《X》印发, 《X》已经…同意
            continue
        citation = _from_title(_SPACE.sub("", m.group(1)), before, after)
        number_match = _number_after(text, m.end())
        if number_match:
            citation.doc_number = _number(number_match.group(1))
            used_numbers.add(number_match.start(1))
        if (title_key(citation.title) == own_title and own_title) or _same_number(citation.doc_number, own_number):
            continue
        end = number_match.end() if number_match else m.end()
        start = m.start()
        printed = _PRINTED_BEFORE.search(text[max(0, start - 6) : start])
        if printed:
            start -= len(printed.group(0))
        citation.words = _SPACE.sub("", text[start:end])
        citation.span = parsed.source_span(start, end)
        citation.implements = bool(_IMPLEMENTS.search(before)) and m.start() < parsed.structure.body_start
        _place(citation, parsed)
        found.append(citation)
    for m in DOC_NUMBER.finditer(text):  # a 文号 named on its own
        number = _number(m.group(0))
        if m.start() in used_numbers or _same_number(number, own_number) or _inside_title(text, m.start()):
            continue
        if any(c.doc_number == number for c in found):
            continue
        citation = Citation(None, number, words=m.group(0), span=parsed.source_span(m.start(), m.end()))
        _place(citation, parsed)
        found.append(citation)
    return _merge(found)


def _from_title(inner: str, before: str, after: str) -> Citation:
    citation = Citation(inner, cited_as=inner)
    notice = _NOTICE.match(inner)
    if notice:  # 《X关于印发Y的通知》: the document printed is Y, issued by X
        citation.title = notice.group("inner").strip("《》")
        issuer = notice.group("issuer")
        if issuer and _ORG_END.search(issuer):
            citation.issuer = issuer
    if citation.issuer is None:
        issuer = _ISSUER_BEFORE.search(before)
        if issuer and issuer.end() == len(before):
            citation.issuer = _ISSUER_LEAD.sub("", issuer.group(1)) or None
    return citation


def _number(text: str) -> str | None:
    """A 文号 as printed, without words the pattern's prefix swallowed (的通知川办发〔2024〕8号)."""
    number = normalize_doc_number(text)
    if number:
        trimmed = _NUMBER_LEAD.sub("", number)
        if len(trimmed.split("〔")[0]) >= 2:
            number = trimmed
    return number


def _same_number(a: str | None, b: str | None) -> bool:
    return bool(a and b and (a.endswith(b) or b.endswith(a)))


def _number_after(text: str, end: int) -> re.Match[str] | None:
    tail = text[end : end + 40]
    closing = _PRINTED_AFTER.match(tail)  # 关于印发《X》的通知(文号)
    offset = closing.end() if closing else 0
    m = _NUMBER_AFTER.match(text, end + offset)
    return m if m and m.start(1) - end <= offset + 3 else None


def _inside_title(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def _place(citation: Citation, parsed: ParsedDocument) -> None:
    """Year and jurisdiction from what the words say; 全省/全市 points at the citing document's own."""
    title = citation.title or ""
    year = _YEAR.search(title)
    if year:
        citation.year = int(year.group(1))
    elif citation.doc_number:
        citation.year = int(re.search(r"〔(\d{4})〕", citation.doc_number).group(1))
    region = None
    for text in (citation.issuer, citation.cited_as, title):
        region = leading_region(text) if text else None
        if region:
            break
    if region is None:
        region = _whole_region(title, parsed.meta.region)
    if region is not None:
        citation.region, citation.level = region.name, region.level


def _whole_region(title: str, own: Region | None) -> Region | None:
    m = _WHOLE.search(title)
    if not m or own is None:
        return None
    if m.group(1) == "省":
        if own.level == "province":
            return own
        if own.level == "city" and own.parent:
            return resolve_region(own.parent)
        return None
    return own if own.level in ("city", "county") else None


def _merge(found: list[Citation]) -> list[Citation]:
    """One citation per cited document: mentions by the same title (or 文号) share what they say."""
    merged: list[Citation] = []
    by_key: dict[str, Citation] = {}
    for c in found:
        keys = [k for k in ("num:" + (c.doc_number or ""), "title:" + title_key(c.title)) if not k.endswith(":")]
        target = next((by_key[k] for k in keys if k in by_key), None)
        if target is None:
            target = c
            c.spans = [c.span] if c.span else []
            merged.append(c)
        else:
            for name in ("title", "doc_number", "issuer", "year", "region", "level", "cited_as"):
                if getattr(target, name) is None and getattr(c, name) is not None:
                    setattr(target, name, getattr(c, name))
            target.implements = target.implements or c.implements
            if c.span:
                target.spans.append(c.span)
            if c.doc_number and not target.words.endswith(c.doc_number):
                target.words = c.words if len(c.words) > len(target.words) else target.words
        for k in keys:
            by_key[k] = target
    return merged


@component("citations", "extract", requires=["Document"], assigns=["Document.citations"],
           initialize=place_names)
def citation_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    """Attach the document's citations to its Document node; the citation linker draws CITES."""
    citations = extract_citations(parsed)
    fragment.document_node().attrs["citations"] = [c.record() for c in citations]
