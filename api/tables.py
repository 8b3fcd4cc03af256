"""Answers as tables a researcher opens in Excel, R or Stata: CSV (UTF-8 with a BOM, so Excel on a
Chinese-locale PC reads it as UTF-8) and XLSX (XlsxWriter).

Each answer model has one flattener giving its tables: flat rows, names rather than ids (an id
column comes last, for joining), one column per field a researcher sorts or filters by (year,
region, level, role, score…), numbers as numbers. The first table is the answer's main one (what
a CSV holds unless another is asked for); an XLSX workbook holds every table, one sheet each.
Headers and the words of vocabularies (roles, statuses) are Chinese or English (``lang``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from policykg.queries.answers import (
    Answer,
    CascadeAnswer,
    CompareAnswer,
    CoverageMatrixAnswer,
    DocRef,
    DocumentAnswer,
    DocumentTextAnswer,
    EntityAnswer,
    LineageAnswer,
    ObligationsAnswer,
    ProvisionBrief,
    ProvisionRef,
    SearchAnswer,
    TargetChange,
    TargetRef,
    TimelineAnswer,
)

Lang = Literal["zh", "en"]
Cell = str | int | float | None
CSV_MEDIA = "text/csv; charset=utf-8"
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The words of the questions' vocabularies, as a Chinese table prints them.
ZH_WORDS = {
    "lead": "牵头", "support": "配合", "predecessor": "前身", "successor": "后继", "collective": "所属集体",
    "DERIVES_FROM": "落实上级", "CONTINUES": "延续往年", "CITES": "引用", "up": "上游", "down": "下游",
    "raised": "提高", "lowered": "降低", "same": "不变", "changed": "改变", "added": "新增", "dropped": "删除",
    "kept": "保留", "taken up": "已落实", "not taken up": "未落实", "no document": "未收录文件",
    "derived": "已落实", "documents without derived provision": "有文件,未见对应条款", "no documents": "未收录文件",
    "national": "国家", "province": "省级", "city": "市级", "county": "县级", "town": "乡镇级",
    "section": "篇章", "program": "项目", "facility_type": "设施类型", "entity": "实体",
    "no documents in either year": "两年均无文件", "no documents in the earlier year": "较早年份无文件",
    "no documents in the later year": "较晚年份无文件", "compared": "已比较",
}


@dataclass
class Table:
    name: str
    """A short key (the sheet's name, ``?table=``): obligations, cells, themes…"""
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


class Columns:
    """Headers in the asked language: ``cols("年份", "year")``."""

    def __init__(self, lang: Lang):
        self.lang = lang

    def __call__(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def word(self, value: str | None) -> str | None:
        """A vocabulary word (lead, kept, taken up…) in the table's language."""
        if value is None or self.lang == "en":
            return value
        return ZH_WORDS.get(value, value)


# --- flatteners ------------------------------------------------------------------------------------


def tables_of(answer: Answer, lang: Lang = "zh") -> list[Table]:
    """The answer's tables, its main one first."""
    for model, flatten in FLATTENERS:
        if isinstance(answer, model):
            return flatten(answer, Columns(lang))
    raise TypeError(f"no tables for {type(answer).__name__}")


def _doc_columns(c: Columns) -> list[str]:
    return [c("年份", "year"), c("地区", "region"), c("层级", "level"), c("文号", "doc number"),
            c("文件标题", "document title")]


def _doc_cells(c: Columns, p: ProvisionRef) -> list[Cell]:
    return [p.year, p.region, c.word(p.level), p.doc_number, p.doc_title]


def _search(answer: SearchAnswer, c: Columns) -> list[Table]:
    header = [c("名次", "rank"), c("条款", "provision"), *_doc_columns(c), c("条目", "item"), c("标题", "heading"),
              c("篇章", "section"), c("得分", "score"), c("摘要", "snippet"), c("条款全文", "text"),
              c("条款编号", "provision id")]
    rows = [[answer.offset + i + 1, h.provision.cite, *_doc_cells(c, h.provision), h.provision.label,
             h.provision.heading, h.provision.section, _round(h.score), h.snippet, h.provision.text, h.provision.id]
            for i, h in enumerate(answer.items)]
    return [Table("search", header, rows)]


def _obligations(answer: ObligationsAnswer, c: Columns) -> list[Table]:
    names = {a.id: a.name for a in answer.agencies}
    header = [c("机构", "agency"), c("与所查机构关系", "relation"), c("角色", "role"), *_doc_columns(c),
              c("发文机关", "issuer"), c("条款", "provision"), c("条目", "item"), c("标题", "heading"),
              c("原文写法", "as written"), c("依据原文", "words"), c("角色来源", "role source"),
              c("置信度", "confidence"), c("条款全文", "text"), c("条款编号", "provision id")]
    rows = []
    for group in answer.documents:
        issuer = group.document.issuer if group.document else None
        for o in group.obligations:
            p = o.provision
            rows.append([names.get(o.agency, o.agency), c.word(o.relation), c.word(o.role), *_doc_cells(c, p), issuer,
                         p.cite, p.label, p.heading, o.as_written, o.words, o.role_source, _round(o.confidence),
                         p.text, p.id])
    years = Table("by_year", [c("年份", "year"), c("牵头", "lead"), c("配合", "support"), c("合计", "total")],
                  [[y.year, y.lead, y.support, y.total] for y in answer.by_year])
    return [Table("obligations", header, rows), years]


def _lineage(answer: LineageAnswer, c: Columns) -> list[Table]:
    side = [c("条款", "provision"), c("地区", "region"), c("年份", "year"), c("层级", "level"), c("标题", "heading")]
    header = [c("方向", "direction"), c("距离", "depth"), c("关系", "link"),
              *[f"{c('下级或后续', 'from')}{h}" if c.lang == "zh" else f"from {h}" for h in side],
              *[f"{c('上级或先前', 'to')}{h}" if c.lang == "zh" else f"to {h}" for h in side],
              c("得分", "score"), c("置信度", "confidence"), c("比较原因", "reason"), c("形态", "shape"),
              c("共同实体", "shared entities"), c("首个匹配句(下级)", "first matched sentence (from)"),
              c("首个匹配句(上级)", "first matched sentence (to)"), c("方法", "method"),
              c("下级条款编号", "from id"), c("上级条款编号", "to id")]
    rows, evidence = [], []
    for direction, hops in (("up", answer.upstream), ("down", answer.downstream)):
        for h in hops.items:
            first = h.evidence[0] if h.evidence else None
            rows.append([c.word(direction), h.depth, c.word(h.kind), *_side(c, h.source), *_side(c, h.target),
                         _round(h.score), _round(h.confidence), h.reason, h.shape, "、".join(h.shared),
                         first.source_quote if first else None, first.target_quote if first else None, h.method,
                         h.source.id, h.target.id])
            for k, e in enumerate(h.evidence, 1):
                evidence.append([h.source.cite, h.target.cite, k, e.source_quote, e.target_quote, _round(e.score),
                                 "、".join(e.shared_phrases), _span(e.source_span), _span(e.target_span)])
    ev_header = [c("下级条款", "from"), c("上级条款", "to"), c("序号", "n"), c("下级句子", "from sentence"),
                 c("上级句子", "to sentence"), c("相似度", "score"), c("共同短语", "shared phrases"),
                 c("下级位置", "from span"), c("上级位置", "to span")]
    return [Table("lineage", header, rows), Table("evidence", ev_header, evidence)]


def _side(c: Columns, p: ProvisionRef) -> list[Cell]:
    return [p.cite, p.region, p.year, c.word(p.level), p.heading]


def _cascade(answer: CascadeAnswer, c: Columns) -> list[Table]:
    header = [c("地区", "region"), c("下级条款", "provision"), c("年份", "year"), c("层级", "level"),
              c("文件标题", "document title"), c("标题", "heading"), c("落实的上级条款", "derives from"),
              c("上级标题", "derives from heading"), c("距离", "depth"), c("得分", "score"),
              c("目标变化", "target changes"), c("新增机构", "agencies added"), c("未列机构", "agencies dropped"),
              c("条款全文", "text"), c("条款编号", "provision id")]
    rows = [[i.region, i.provision.cite, i.provision.year, c.word(i.provision.level), i.provision.doc_title,
             i.provision.heading, i.derives_from.cite, i.derives_from.heading, i.depth, _round(i.score),
             "；".join(_change_words(c, t) for t in i.target_changes if t.change != "same"),
             "、".join(a.name for a in i.agencies.added), "、".join(a.name for a in i.agencies.dropped),
             i.provision.text, i.provision.id]
            for g in answer.regions for i in g.items]
    cov = answer.coverage
    coverage = Table("coverage", [c("地区", "region"), c("情况", "status"), c("落实条款数", "derived"),
                                  c("已收录文件数", "documents")],
                     [[s.region, c.word(s.status), s.derived, len(s.documents)] for s in cov.subdivisions])
    return [Table("cascade", header, rows), coverage]


def _matrix(answer: CoverageMatrixAnswer, c: Columns) -> list[Table]:
    regions = [col.region for col in answer.columns]
    header = [c("条目", "item"), c("任务", "task"), c("篇章", "section"), c("落实地区数", "taken up by"),
              c("有文件地区数", "jurisdictions with documents"), c("落实比例", "share"), *regions,
              c("条款编号", "provision id")]
    wide = [[r.task.label, r.task.heading or r.task.cite, r.section, r.taken_up, r.with_documents, _round(r.share),
             *[c.word(cell.status) for cell in r.cells], r.task.id] for r in answer.rows]
    parents = {col.region: col.parent for col in answer.columns}
    cells = [[r.task.cite, r.task.heading, cell.region, parents.get(cell.region), c.word(cell.status),
              _round(cell.score), "；".join(link.provision.cite for link in cell.links),
              "；".join(_unique(link.document.title or link.document.id for link in cell.links)),
              "；".join(str(link.depth) for link in cell.links), r.task.id]
             for r in answer.rows for cell in r.cells]
    cells_header = [c("任务", "task"), c("任务标题", "task heading"), c("地区", "jurisdiction"),
                    c("所属", "within"), c("情况", "status"), c("最高得分", "best score"),
                    c("落实条款", "deriving provisions"), c("落实文件", "documents"), c("距离", "depth"),
                    c("任务编号", "task id")]
    columns = [[col.region, c.word(col.level), col.parent, len(col.documents), col.earlier_documents, col.taken_up,
                _round(col.share), "；".join(_doc_name(d) for d in col.documents)] for col in answer.columns]
    columns_header = [c("地区", "jurisdiction"), c("层级", "level"), c("所属", "within"),
                      c("可落实的文件数", "documents that could take tasks up"),
                      c("更早的文件数", "earlier documents"), c("落实任务数", "tasks taken up"),
                      c("落实比例", "share of tasks"), c("文件", "documents")]
    return [Table("matrix", header, wide), Table("cells", cells_header, cells),
            Table("jurisdictions", columns_header, columns)]


def _compare(answer: CompareAnswer, c: Columns) -> list[Table]:
    ya, yb = answer.year_a, answer.year_b
    header = [c("状态", "status"), f"{ya}{c('年条款', ' provision')}", f"{ya}{c('年标题', ' heading')}",
              f"{yb}{c('年条款', ' provision')}", f"{yb}{c('年标题', ' heading')}", c("得分", "score"),
              c("目标变化", "target changes"), f"{ya}{c('年条款编号', ' id')}", f"{yb}{c('年条款编号', ' id')}"]
    rows: list[list[Cell]] = [
        [c.word("kept"), k.a.cite, k.a.heading, k.b.cite, k.b.heading, _round(k.score),
         "；".join(_change_words(c, t) for t in k.target_changes if t.change != "same"), k.a.id, k.b.id]
        for k in answer.kept.items]
    rows += [[c.word("added"), None, None, p.cite, p.heading, None, None, None, p.id] for p in answer.added.items]
    rows += [[c.word("dropped"), p.cite, p.heading, None, None, None, None, p.id, None] for p in answer.dropped.items]
    themes = Table("themes", [c("状态", "status"), c("类别", "kind"), c("主题", "theme"),
                              c("对应主题", "counterparts"), f"{ya}{c('年条款', ' provisions')}",
                              f"{yb}{c('年条款', ' provisions')}", f"{ya}{c('年目标', ' targets')}",
                              f"{yb}{c('年目标', ' targets')}"],
                   [[c.word(t.status), c.word(t.kind), t.name, "、".join(x.name for x in t.counterparts),
                     "；".join(_brief(p) for p in t.provisions_a), "；".join(_brief(p) for p in t.provisions_b),
                     "；".join(_target_words(x) for x in t.targets_a), "；".join(_target_words(x) for x in t.targets_b)]
                    for t in answer.themes.items])
    changes = Table("target_changes", [c("变化", "change"), f"{ya}{c('年目标', ' target')}", c("数值", "value"),
                                       c("单位", "unit"), f"{yb}{c('年目标', ' target')}", c("数值", "value"),
                                       c("单位", "unit"), f"{ya}{c('年条款', ' provision')}",
                                       f"{yb}{c('年条款', ' provision')}"],
                    [[c.word(t.change), _target_words(t.before), t.before.value if t.before else None,
                      t.before.unit if t.before else None, _target_words(t.after), t.after.value if t.after else None,
                      t.after.unit if t.after else None, t.provision_a, t.provision_b]
                     for t in answer.target_changes.items])
    return [Table("compare", header, rows), themes, changes]


def _timeline(answer: TimelineAnswer, c: Columns) -> list[Table]:
    years = Table("years", [c("年份", "year"), c("文件数", "documents"), c("条款数", "provisions"),
                            c("延续自上一有文件年份的条款", "continuing the previous year with documents"),
                            c("新增条款", "added"), c("下一有文件年份不再延续的条款", "not continued by the next year"),
                            c("文件", "documents")],
                  [[y.year, len(y.documents), y.provisions, y.continuing, y.added, y.not_continued,
                    "；".join(_doc_name(d) for d in y.documents)] for y in answer.years])
    steps = Table("steps", [c("较早年份", "from year"), c("较晚年份", "to year"),
                            c("其间无文件的年份", "years without documents between"),
                            c("较早年份条款数", "provisions then"), c("较晚年份条款数", "provisions later"),
                            c("延续的较早条款", "earlier provisions continued"),
                            c("延续的较晚条款", "later provisions continuing"), c("新增", "added"),
                            c("未延续", "dropped"), c("延续关系数", "links")],
                  [[s.year_a, s.year_b, "、".join(map(str, s.skipped)), s.provisions_a, s.provisions_b, s.carried,
                    s.kept, s.added, s.dropped, s.pairs] for s in answer.steps])
    return [years, steps]


def _document(answer: DocumentAnswer, c: Columns) -> list[Table]:
    d = answer.document
    header = [c("条目", "item"), c("标题", "heading"), c("条款", "provision"), c("条款编号", "provision id")]
    rows = [[p.label, p.heading, p.cite, p.id] for p in answer.provisions.items]
    return [Table("provisions", [c("文件", "document"), *header], [[_doc_name(d), *r] for r in rows])]


def _document_text(answer: DocumentTextAnswer, c: Columns) -> list[Table]:
    header = [c("条目", "item"), c("路径", "path"), c("标题", "heading"), c("篇章", "section"),
              c("牵头单位", "leads"), c("配合单位", "supports"), c("目标", "targets"), c("起", "start"),
              c("止", "end"), c("页", "page"), c("条款全文", "text"), c("条款编号", "provision id")]
    rows = [[p.label, p.path, p.heading, p.section, "、".join(p.leads), "、".join(p.supports), "；".join(p.targets),
             p.span[0] if p.span else None, p.span[1] if p.span else None, p.page, p.text, p.id]
            for p in answer.provisions]
    return [Table("provisions", header, rows)]


def _entity(answer: EntityAnswer, c: Columns) -> list[Table]:
    header = [c("实体", "entity"), c("类别", "kind"), c("方向", "direction"), c("关系", "edge"),
              c("相邻节点", "neighbour"), c("相邻节点类别", "neighbour kind"), c("详情", "details"),
              c("相邻节点编号", "neighbour id")]
    rows = [[m.name, m.kind, n.direction, n.edge, n.node.label, n.node.kind,
             "；".join(f"{k} {v}" for k, v in n.details.items()), n.node.id]
            for m in answer.matches for n in m.neighbours.items]
    return [Table("neighbours", header, rows)]


FLATTENERS: list[tuple[type[Answer], Callable[[Any, Columns], list[Table]]]] = [
    (SearchAnswer, _search), (ObligationsAnswer, _obligations), (LineageAnswer, _lineage),
    (CascadeAnswer, _cascade), (CoverageMatrixAnswer, _matrix), (CompareAnswer, _compare),
    (TimelineAnswer, _timeline), (DocumentAnswer, _document), (DocumentTextAnswer, _document_text),
    (EntityAnswer, _entity),
]


def table_names(answer_type: type[Answer]) -> list[str]:
    """The names of an answer type's tables (for ``?table=`` and ``--table``)."""
    return TABLE_NAMES.get(answer_type.__name__, [])


TABLE_NAMES = {
    "SearchAnswer": ["search"], "ObligationsAnswer": ["obligations", "by_year"],
    "LineageAnswer": ["lineage", "evidence"], "CascadeAnswer": ["cascade", "coverage"],
    "CoverageMatrixAnswer": ["matrix", "cells", "jurisdictions"],
    "CompareAnswer": ["compare", "themes", "target_changes"], "TimelineAnswer": ["years", "steps"],
    "DocumentAnswer": ["provisions"], "DocumentTextAnswer": ["provisions"], "EntityAnswer": ["neighbours"],
}


# --- small cell helpers ---------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _span(span: list[int] | None) -> str | None:
    return None if not span else f"{span[0]}-{span[1]}"


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _doc_name(d: DocRef) -> str:
    return " ".join(x for x in (d.doc_number, d.title) if x) or d.source or d.id


def _brief(p: ProvisionBrief) -> str:
    return f"{p.cite} {p.heading or ''}".strip()


def _target_words(t: TargetRef | None) -> str | None:
    if t is None:
        return None
    return t.words or " ".join(str(x) for x in (t.measure, t.comparator, t.value, t.unit) if x is not None)


def _change_words(c: Columns, change: TargetChange) -> str:
    before, after = _target_words(change.before) or "", _target_words(change.after) or ""
    return f"{c.word(change.change)} {before} → {after}".strip(" →")


# --- writers ----------------------------------------------------------------------------------------

_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _csv_cell(value: Cell) -> Cell:
    """Text that Excel would run as a formula (=, +, -, @ first) is kept as text with a leading '."""
    if isinstance(value, str) and _FORMULA.match(value) and not _is_number(value):
        return "'" + value
    return "" if value is None else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(table: Table, out: IO[str]) -> None:
    """One table as CSV: a BOM, CRLF line ends (RFC 4180, what Excel writes), every field quoted when needed."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows([[_csv_cell(v) for v in row] for row in table.rows])


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    write_csv(table, buffer)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(tables: Sequence[Table], title: str = "policykg") -> bytes:
    """Every table as a sheet: a bold frozen header with filters, widths fitted to the text (CJK counts double)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"title": title, "subject": title, "author": "policykg",
                             "comments": "Exported by policykg from its knowledge graph of policy documents."})
    bold = workbook.add_format({"bold": True, "bg_color": "#F6F8FA", "bottom": 1, "text_wrap": True,
                                "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(table.name))
        sheet.write_row(0, 0, table.header, bold)
        for r, row in enumerate(table.rows, 1):
            for k, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, k, value)
                else:
                    sheet.write_string(r, k, str(value), wrap)
        for k, width in enumerate(_widths(table)):
            sheet.set_column(k, k, width)
        sheet.freeze_panes(1, 0)
        if table.header:
            sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.header) - 1)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"


def _widths(table: Table) -> list[float]:
    def width(value: Cell) -> int:
        text = "" if value is None else str(value)
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = []
    for k, head in enumerate(table.header):
        longest = max([width(head)] + [width(row[k]) for row in table.rows[:500] if k < len(row)])
        widths.append(min(max(longest + 2, 6), 60))
    return widths


def pick(tables: list[Table], name: str | None) -> Table:
    """The table ``name`` of an answer (its main table when ``name`` is None)."""
    if name is None:
        return tables[0]
    for table in tables:
        if table.name == name:
            return table
    raise ValueError(f"table must be one of {', '.join(t.name for t in tables)}")
