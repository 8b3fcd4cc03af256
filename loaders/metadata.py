"""Document metadata from the notice's header: title, issuer, 文号, dates, year, jurisdiction.

Chinese notices put these in a fixed order (GB/T 9704): issuer, 文号, ``关于印发《…》的通知``,
addressees, body, signature and signing date; the document issued is often attached after it
with its own heading. Web copies add a publication date (``发布时间``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.domain.names import DOC_NUMBER, normalize_doc_number, org_endings_pattern
from policykg.domain.numerals import chinese_to_int
from policykg.domain.regions import Region, resolve_region

from .segment import split_lines
from .text import OffsetText

_CN_DIGIT = "〇零一二三四五六七八九"
_DATE = re.compile(
    rf"((?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}})\s*[年\-./]\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[月\-./]"
    rf"\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*日?"
)
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期)[:：]?\s*([0-9\s\-./年月日]+)")
_PRINT_TITLE = re.compile(r"关于印发(.+?)的通知")
_NOTICE_TITLE = re.compile(r"(关于.{2,80}?的(?:通知|意见|决定|办法|方案|批复|函|通告|公告))")
_QUOTED = re.compile(r"《([^《》]{2,120})》")
_ISSUED_DOC = re.compile(r"(?:现将|将)《([^《》]{2,120})》(?:印发|转发|发给)|《([^《》]{2,120})》已经.{0,12}同意")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_ORG_SUFFIX = re.compile(rf"(?:{org_endings_pattern()}|会|小组)$")
_NOT_ORG = re.compile(r"[,，。:：;；、《》“”]|关于|印发|通知|附件|各(?:市|县|区|有关)")


@dataclass
class DocumentMeta:
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    signed: str | None = None  # YYYY-MM-DD
    published: str | None = None
    year: int | None = None
    region: Region | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # field → clean-text span
    sources: dict[str, str] = field(default_factory=dict)  # field → where it was read: "text", "front matter"…


def parse_date(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    year_text, month_text, day_text = m.groups()
    year = int(year_text) if year_text.isdigit() else int("".join(str(chinese_to_int(c)) for c in year_text))
    month = int(month_text) if month_text.isdigit() else chinese_to_int(month_text)
    day = int(day_text) if day_text.isdigit() else chinese_to_int(day_text)
    if not (month and day and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def extract_metadata(clean: OffsetText, body_start: int, source: str) -> DocumentMeta:
    meta = DocumentMeta()
    lines = [line for line in split_lines(clean) if line.start < body_start]
    _doc_number(meta, lines)
    _title(meta, lines)
    _issuer_and_date(meta, lines)
    published = _PUBLISHED.search(source)
    if published:
        meta.published = parse_date(re.sub(r"\s+", "", published.group(1)))
    meta.year = _year(meta)
    meta.region = _region(meta, clean.text[:body_start])
    return meta


def _doc_number(meta: DocumentMeta, lines) -> None:
    """The notice's own 文号 stands alone on a line or closes the title line; cited ones sit in brackets."""
    for line in lines:
        m = DOC_NUMBER.search(line.text)
        if not m:
            continue
        before = line.text[: m.start()]
        if before and not before.endswith(("通知", "意见", "决定", "函")):
            continue
        if line.text[m.end() :].strip(" 　"):
            continue
        meta.doc_number = normalize_doc_number(m.group(0))
        meta.spans["doc_number"] = (line.start + m.start(), line.start + m.end())
        return


def _title(meta: DocumentMeta, lines) -> None:
    joined, starts = _join(lines)
    for pattern in (_PRINT_TITLE, _ISSUED_DOC):
        m = pattern.search(joined)
        if m:
            inner = next(g for g in m.groups() if g)
            quoted = _QUOTED.search(inner)
            title = quoted.group(1) if quoted else inner
            meta.title = title.strip("《》 ")
            meta.spans["title"] = (starts(m.start()), starts(m.end()))
            return
    m = _NOTICE_TITLE.search(joined)
    if m:
        meta.title = m.group(1)
        meta.spans["title"] = (starts(m.start(1)), starts(m.end(1)))
        return
    for line in lines:  # an untitled header: the first heading-like line that is not an organisation
        if len(line.text) <= 40 and not _NOT_ORG.search(line.text) and not _ORG_SUFFIX.search(line.text):
            meta.title = line.text
            meta.spans["title"] = (line.start, line.end)
            return


def _join(lines):
    """Header lines joined without breaks (titles wrap), with a map back to clean offsets."""
    text, origin = [], []
    for line in lines:
        text.append(line.text)
        origin.extend(range(line.start, line.end))
    joined = "".join(text)

    def to_clean(index: int) -> int:
        if not origin:
            return 0
        return origin[min(index, len(origin) - 1)] + (1 if index >= len(origin) else 0)

    return joined, to_clean


def _is_org(text: str) -> bool:
    return 3 <= len(text) <= 30 and bool(_ORG_SUFFIX.search(text)) and not _NOT_ORG.search(text)


def _issuer_and_date(meta: DocumentMeta, lines) -> None:
    # The signature: an organisation on the line right above a date line.
    for above, line in zip(lines, lines[1:], strict=False):
        date = parse_date(line.text)
        if date and len(line.text) <= 16 and _is_org(above.text):
            meta.issuer, meta.signed = above.text, date
            meta.spans["issuer"] = (above.start, above.end)
            meta.spans["signed"] = (line.start, line.end)
            return
    for line in lines:  # a heading line naming the issuer, or "X关于印发…的通知"
        candidate = line.text.split("关于")[0] if "关于" in line.text else line.text
        if _is_org(candidate):
            meta.issuer = candidate
            meta.spans["issuer"] = (line.start, line.start + len(candidate))
            break
    for line in lines:
        if len(line.text) <= 16 and parse_date(line.text):
            meta.signed = parse_date(line.text)
            meta.spans["signed"] = (line.start, line.end)
            break


def _year(meta: DocumentMeta) -> int | None:
    """The year a document plans for: the year in its title, else the year it was signed."""
    if meta.title:
        m = _YEAR_IN_TITLE.search(meta.title)
        if m:
            return int(m.group(1))
    for date in (meta.signed, meta.published):
        if date:
            return int(date[:4])
    return None


def _region(meta: DocumentMeta, header: str) -> Region | None:
    for text in (meta.issuer, meta.title):
        region = resolve_region(text) if text else None
        if region:
            return region
    return None


# --- metadata the container gives (front matter, a portal's table, Word properties) ----------------------------

HINTED_FIELDS = ("title", "doc_number", "issuer", "published", "signed")


def apply_hints(meta: DocumentMeta, hints: dict[str, tuple[str, str]]) -> DocumentMeta:
    """Fill the fields the body did not yield from the container's hints, and say where each field came from.
    The body wins where it prints a field: it is what the spans quote."""
    filled = set()
    for name in HINTED_FIELDS:
        if getattr(meta, name) is not None:
            meta.sources[name] = "text"
        elif name in hints:
            value, where = hints[name]
            setattr(meta, name, value)
            meta.sources[name] = where
            filled.add(name)
    if meta.year is None or filled & {"title", "signed"}:
        meta.year = _year(meta) or meta.year
    if meta.region is None:
        meta.region = _region(meta, "")
    return meta
