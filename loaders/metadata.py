"""Document metadata from everywhere a document carries it, each field with where it was read.

Chinese notices put these in a fixed order (GB/T 9704): issuer, 文号, ``关于印发《…》的通知``,
addressees, body, signature and signing date; the document issued is often attached after it
with its own heading. Containers add what the text may lack: a mirror's front matter, a portal's
metadata table, a web page's publication date (``发布时间``). The printed text wins where it has a
field (it is what the spans quote); the container's ``hints`` fill the rest.

Sources (``DocumentMeta.sources``): ``header`` (the lines before the first numbered item: the notice's
title, its 文号 line, the issued document's heading), ``signature`` (the issuing bodies over a date
line), ``page`` (a web page's 发布时间 line), ``title`` (the year a title names), and a hint's own
source (``front matter``, ``portal table`` …).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from policykg.domain.names import DOC_NUMBER, ORDER_NUMBER, normalize_doc_number, org_endings_pattern, title_key
from policykg.domain.numerals import chinese_to_int
from policykg.domain.regions import Region, resolve_region

from .segment import split_lines
from .text import OffsetText

Hints = dict[str, tuple[str, str]]  # field → (value, where the container gave it)

_CN_DIGIT = "〇○零一二三四五六七八九"
_DATE = re.compile(
    rf"((?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}})\s*[年\-./]\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[月\-./]"
    rf"\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*日?"
)
_DATE_LINE_MAX = 16
_PROMULGATION = re.compile(rf"^[(（]\s*({_DATE.pattern})[^，,；;()（）]{{0,40}}?(?:发布|通过|公布|印发|批准)")
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期)[:：]?\s*([0-9\s\-./年月日]+)")
# The notice that issues or forwards another document: its title names the verb, perhaps the body that
# drafted it, and the document in 《》 (关于转发区消防支队《…》的通知), or the document bare
# (关于印发上海市城镇燃气安全专项整治实施方案的通知). 贯彻/落实 a document is not issuing it.
_ISSUING = "印发|转发|批转|下发|颁发|发布"
_WRAPPER_QUOTED = re.compile(
    rf"(?:{_ISSUING})[^《》。，]{{0,30}}?《([^《》]{{2,150}})》\s*([(（]试行[)）])?\s*的(?:通知|函|批复)"
)
_WRAPPER_BARE = re.compile(rf"(?:{_ISSUING})((?:关于)?[^《》。，]{{4,120}}?)的(?:通知|函)")
_NOTICE_TITLE = re.compile(r"(关于.{2,80}?的(?:通知|意见|决定|办法|方案|批复|函|通告|公告|规定|细则))")
_QUOTED = re.compile(r"《([^《》]{2,120})》")
_ISSUED_DOC = re.compile(
    r"(?:现将|将)[^《》。]{0,30}?《([^《》]{2,120})》(?:印发|转发|发给)|《([^《》]{2,120})》已经.{0,12}同意"
)
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–－~至到]\s*(?:(?:19|20)\d{2})\s*年?")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_ORG_SUFFIX = re.compile(rf"(?:{org_endings_pattern()}|会|小组|支队|总队|集团|公司|街道办事处)$")
_NOT_ORG = re.compile(r"[,，。:：;；、《》“”]|关于|印发|通知|附件|各(?:市|县|区|有关)")
_BEFORE_VERB = re.compile(r"关于|印发|转发|批转")  # X关于…, X印发…: X is the issuer
_SIGNATURE_LINES = 8  # joint issuers printed two to a line: up to 16 bodies above one date


@dataclass
class DocumentMeta:
    title: str | None = None
    issuer: str | None = None  # the lead issuer: the first of ``issuers``
    doc_number: str | None = None
    signed: str | None = None  # YYYY-MM-DD, the signing date printed in the text
    published: str | None = None  # the publication date the container gives
    year: int | None = None  # the year the document plans for
    region: Region | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # field → clean-text span
    sources: dict[str, str] = field(default_factory=dict)  # field → where it was read (module docstring)
    issuers: list[str] = field(default_factory=list)  # every body that signs, lead first
    forwards: str | None = None  # the document a wrapper notice issues or forwards (《…》)
    addressees: list[str] = field(default_factory=list)  # 主送机关, as printed: 各镇人民政府、街道办事处 …

    @property
    def date(self) -> str | None:
        """The signing date printed in the text, else the publication date the container gives."""
        return self.signed or self.published


def parse_date(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    year_text, month_text, day_text = m.groups()
    year = int(year_text) if year_text.isdigit() else int("".join(str(chinese_to_int(c.replace("○", "〇")))
                                                                  for c in year_text))
    month = int(month_text) if month_text.isdigit() else chinese_to_int(month_text)
    day = int(day_text) if day_text.isdigit() else chinese_to_int(day_text)
    if not (month and day and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def extract_metadata(clean: OffsetText, body_start: int, source: str, source_start: int = 0) -> DocumentMeta:
    """The fields the text prints. ``source`` is the whole source text (signature lines are split where
    it puts spaces); a container's own lines before ``source_start`` (front matter) are not the text."""
    meta = DocumentMeta()
    every = split_lines(clean)
    header = [line for line in every if line.start < body_start]
    _doc_number(meta, header)
    _title(meta, header)
    meta.addressees = _addressees(header)
    _signature(meta, every, clean, source)
    if meta.issuer is None:
        _issuer_in_header(meta, header)
    if meta.signed is None:
        _date_in_header(meta, header)
    published = _PUBLISHED.search(source, source_start)
    if published:
        meta.published = parse_date(re.sub(r"\s+", "", published.group(1)))
        meta.sources["published"] = "page"
    _settle(meta)
    return meta


_ADDRESSEE_LINE = re.compile(r"^(?P<list>(?:各|区政府|市政府|省政府|县政府|有关)[^:：。]{1,120})[:：]$")


def _addressees(header) -> list[str]:
    """The bodies the notice is sent to (主送机关): the header line that lists them and ends with a colon."""
    for line in header:
        m = _ADDRESSEE_LINE.match(line.text)
        if m:
            return [part.strip() for part in re.split(r"[,，;；]", m.group("list")) if part.strip()]
    return []


def apply_hints(meta: DocumentMeta, hints: Hints) -> DocumentMeta:
    """Fill the fields the text does not print from the container's hints (front matter, a portal's
    table), each with the hint's source; the text wins where it prints a field (the spans quote it)."""
    _from_hints(meta, hints)
    _settle(meta)
    return meta


def _settle(meta: DocumentMeta) -> None:
    """The fields derived from the others: the year planned for and the jurisdiction."""
    meta.year = _year(meta)
    meta.region = _region(meta)
    if meta.region is not None:
        meta.sources["region"] = meta.sources.get("issuer") or meta.sources.get("title", "")


def _set(meta: DocumentMeta, name: str, value: object, source: str, span: tuple[int, int] | None = None) -> None:
    setattr(meta, name, value)
    meta.sources[name] = source
    if span is not None:
        meta.spans[name] = span


def _doc_number(meta: DocumentMeta, lines) -> None:
    """The notice's own 文号 stands alone on a line or closes the title line; cited ones sit in brackets."""
    for line in lines:
        number = normalize_doc_number(line.text)
        if not number:
            continue
        m = _doc_number_span(line.text)
        before = line.text[: m[0]]
        if before and not before.endswith(("通知", "意见", "决定", "函")):
            continue
        if line.text[m[1] :].strip(" 　"):
            continue
        _set(meta, "doc_number", number, "header", (line.start + m[0], line.start + m[1]))
        return


def _doc_number_span(text: str) -> tuple[int, int]:
    m = DOC_NUMBER.search(text) or ORDER_NUMBER.search(text)
    assert m is not None
    return m.start(), m.end()


def _title(meta: DocumentMeta, lines) -> None:
    """The document's own title: the one a wrapper notice issues (关于转发…《X》的通知 → X), else the
    notice's title, else the first heading-like line. Notes in brackets under a title (a regulation's
    promulgation and amendment history) are not titles."""
    lines = [line for line in lines if not (line.text.startswith("(") and len(line.text) > _DATE_LINE_MAX)]
    joined, to_clean = _join(lines)
    inner = issued_title(joined)
    if inner:
        title, (start, end) = inner
        meta.forwards = title
        _set(meta, "title", title, "header", (to_clean(start), to_clean(end)))
        own = _own_heading(lines, title)
        if own:  # the issued document's own heading, as it prints it under the notice
            _set(meta, "title", own[0], "header", own[1])
        return
    m = _ISSUED_DOC.search(joined)
    if m:
        group = 1 if m.group(1) else 2
        meta.forwards = m.group(group)
        _set(meta, "title", m.group(group).strip("《》 "), "header", (to_clean(m.start(group)), to_clean(m.end(group))))
        return
    m = _NOTICE_TITLE.search(joined)
    if m:
        _set(meta, "title", m.group(1), "header", (to_clean(m.start(1)), to_clean(m.end(1))))
        return
    for line in lines:  # an untitled header: the first heading-like line that is not an organisation
        if len(line.text) <= 40 and not _NOT_ORG.search(line.text) and not _ORG_SUFFIX.search(line.text):
            _set(meta, "title", line.text, "header", (line.start, line.end))
            return


def _own_heading(lines, named: str) -> tuple[str, tuple[int, int]] | None:
    """The heading the issued document prints above its text (over one or two lines), where it reads
    as the title the notice names: that is the document's own title."""
    for index, line in enumerate(lines):
        run = []
        for later in lines[index:index + 3]:
            if len(later.text) > 60 or any(m in later.text for m in "。；;，,:：") or _is_org(later.text):
                break
            run.append(later)
        if not run:
            continue
        for size in range(len(run), 0, -1):
            heading = "".join(line.text for line in run[:size])
            if _close(heading, named):
                return heading, (run[0].start, run[size - 1].end)
    return None


def _close(heading: str, named: str) -> bool:
    """The same title, as a notice and the document itself print it (a 的, a 、 or brackets apart)."""
    a, b = title_key(heading), title_key(named)
    if not a or not b or abs(len(a) - len(b)) > 3:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


def issued_title(text: str) -> tuple[str, tuple[int, int]] | None:
    """The title of the document a notice issues or forwards, and its span in ``text``."""
    m = _WRAPPER_QUOTED.search(text)
    if m:
        title = m.group(1) + (m.group(2) or "")
        return title, (m.start(1), m.end(2) if m.group(2) else m.end(1))
    m = _WRAPPER_BARE.search(text)
    if m and not _QUOTED.search(m.group(1)):
        return m.group(1), (m.start(1), m.end(1))
    return None


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


def _signature(meta: DocumentMeta, lines, clean: OffsetText, source: str) -> None:
    """The first signature: the issuing bodies on the lines right above a date line. Bodies that sign
    jointly stand side by side, split by runs of spaces, or run together with no separator."""
    for index, line in enumerate(lines):
        date, date_end = _date_at(lines, index)
        if not date:
            continue
        names: list[str] = []
        top = index
        while top > 0 and index - top < _SIGNATURE_LINES:
            found = _names_on(lines[top - 1], clean, source)
            if not found:
                break
            names[:0] = found
            top -= 1
        if not names:
            continue
        _set(meta, "issuer", names[0], "signature", (lines[top].start, lines[top].start + len(names[0])))
        meta.issuers = names
        _set(meta, "signed", date, "signature", (line.start, date_end))
        return


def _date_at(lines, index: int) -> tuple[str | None, int]:
    """A date standing alone on this line, or broken over it and the next (2014 / 年8月26日)."""
    line = lines[index]
    if len(line.text) <= _DATE_LINE_MAX and parse_date(line.text) and _DATE.fullmatch(line.text.strip()):
        return parse_date(line.text), line.end
    if index + 1 < len(lines) and re.fullmatch(r"(?:19|20)\d{2}", line.text):
        joined = line.text + lines[index + 1].text
        if len(joined) <= _DATE_LINE_MAX and _DATE.fullmatch(joined):
            return parse_date(joined), lines[index + 1].end
    return None, 0


def _names_on(line, clean: OffsetText, source: str) -> list[str]:
    """The bodies a signature line names, split where the source puts spaces between them, else where
    one body's name ends and the next begins."""
    start, end = clean.source_span(line.start, line.end)
    pieces = [p for p in re.split(r"[ \t\u3000\u00a0]+", source[start:end].strip()) if p]
    names: list[str] = []
    for piece in pieces:
        split = _split_glued(piece)
        if not split:
            return _split_glued(line.text)  # a space inside a name: read the line whole
        names.extend(split)
    return names


# Two names run together: one ends like a body, the next opens with a place (…委员会上海市…).
_GLUED = re.compile(
    rf"(.+?(?:{org_endings_pattern()}|支队|总队|集团|公司))(?=(?:上海市|[\u4e00-\u9fff]{{2,4}}(?:省|市|区|县))|$)"
)


def _split_glued(text: str) -> list[str]:
    """``上海市交通委员会上海市发展和改革委员会`` → both names; a single name stays whole."""
    if _is_org(text):
        parts = [m.group(1) for m in _GLUED.finditer(text)]
        if len(parts) > 1 and "".join(parts) == text and all(_is_org(p) for p in parts):
            return parts
        return [text]
    return []


def _issuer_in_header(meta: DocumentMeta, lines) -> None:
    """A heading line naming the issuer, or ``X关于印发…的通知``."""
    for line in lines:
        candidate = _BEFORE_VERB.split(line.text)[0]
        if _is_org(candidate):
            _set(meta, "issuer", candidate, "header", (line.start, line.start + len(candidate)))
            meta.issuers = [candidate]
            return


def _date_in_header(meta: DocumentMeta, lines) -> None:
    """A date line in the header, or a regulation's promulgation note under its title
    (（1984年7月19日上海市人民政府发布，根据……修正）: the date it was first issued)."""
    for line in lines:
        m = _PROMULGATION.match(line.text)
        if m and parse_date(m.group(1)):
            _set(meta, "signed", parse_date(m.group(1)), "header", (line.start, line.start + m.end(1)))
            return
    for index in range(len(lines)):
        date, end = _date_at(lines, index)
        if date:
            _set(meta, "signed", date, "header", (lines[index].start, end))
            return


def _from_hints(meta: DocumentMeta, hints: Hints) -> None:
    """Fields the text does not print, from the container (front matter, a portal's table)."""
    if meta.doc_number is None and "doc_number" in hints:
        value, where = hints["doc_number"]
        number = normalize_doc_number(value)
        if number:
            _set(meta, "doc_number", number, where)
    if meta.title is None and "title" in hints:
        value, where = hints["title"]
        inner = issued_title(value)
        _set(meta, "title", inner[0] if inner else value.strip("《》 "), where)
    if meta.issuer is None and "issuer" in hints:
        value, where = hints["issuer"]
        names = [n for n in re.split(r"[、，,；;\s]+", value) if n]
        if names:
            _set(meta, "issuer", names[0], where)
            meta.issuers = names
    for name in ("signed", "published"):
        if getattr(meta, name) is None and name in hints:
            value, where = hints[name]
            date = parse_date(value) or (value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None)
            if date:
                _set(meta, name, date, where)


def _year(meta: DocumentMeta) -> int | None:
    """The year a document plans for: the (first) year its title names, else the year it was signed,
    else the year it was published."""
    if meta.title:
        m = _YEAR_RANGE.search(meta.title) or _YEAR_IN_TITLE.search(meta.title)
        if m:
            meta.sources["year"] = "title"
            return int(m.group(1))
    for name in ("signed", "published"):
        date = getattr(meta, name)
        if date:
            meta.sources["year"] = meta.sources.get(name, name)
            return int(date[:4])
    return None


def _region(meta: DocumentMeta) -> Region | None:
    for text in (meta.issuer, meta.title):
        region = resolve_region(text) if text else None
        if region:
            return region
    return None
