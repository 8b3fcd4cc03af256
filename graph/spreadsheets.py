"""The whole graph as CSV tables a researcher opens in Excel, R or Stata (``export --format tables``):
documents, provisions, agencies, roles (who leads or supports what) and links (lineage), one file
each in a folder; UTF-8 with a BOM (Excel on a Chinese-locale PC otherwise reads GBK), CRLF line
ends, flat cells (lists joined with 、), names beside ids. The Neo4j bulk files (``neo4j-csv``) stay
as neo4j-admin reads them: typed headers, JSON in cells, no BOM.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .model import EdgeKind, NodeKind
from .store import GraphStore

ROLE_WORDS = {EdgeKind.LEADS: "牵头", EdgeKind.SUPPORTS: "配合"}
LINK_WORDS = {EdgeKind.DERIVES_FROM: "落实上级", EdgeKind.CONTINUES: "延续往年"}
_FORMULA = re.compile(r"^[=+\-@\t\r]")
DOCUMENTS = [
    "文号", "标题", "发文机关", "全部发文机关", "年份", "成文日期",
    "发布日期", "地区", "层级", "来源文件", "条款数", "仅被引用",
    "文件编号",
]
PROVISIONS = [
    "条款", "文号", "文件标题", "年份", "地区", "层级",
    "条目", "序号", "路径", "标题", "牵头单位", "配合单位",
    "目标", "条款全文", "条款编号", "文件编号",
]
ROLES = [
    "机构", "机构地区", "角色", "条款", "年份", "地区",
    "原文写法", "依据原文", "角色来源", "置信度", "机构编号", "条款编号",
]
LINKS = [
    "关系", "下级或后续条款", "其地区", "其年份", "上级或先前条款", "其地区",
    "其年份", "得分", "方法", "下级或后续条款编号", "上级或先前条款编号",
]


def export_tables(store: GraphStore, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nodes = {n["id"]: n for n in store.nodes()}
    docs = {i: n for i, n in nodes.items() if n.get("kind") == NodeKind.DOCUMENT}
    provisions = {i: n for i, n in nodes.items() if n.get("kind") == NodeKind.PROVISION}
    roles = [e for kind in ROLE_WORDS for e in store.edges(kind) if e["target"] in provisions]
    by_provision: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in roles:
        by_provision[e["target"]][e["kind"]].append(_name(nodes, e["source"]))
    targets: dict[str, list[str]] = defaultdict(list)
    for e in store.edges(EdgeKind.SETS_TARGET):
        targets[e["source"]].append(str((nodes.get(e["target"]) or {}).get("words") or ""))
    counts: dict[str, int] = defaultdict(int)
    for p in provisions.values():
        counts[p.get("document") or ""] += 1

    def cite(pid: str) -> str:
        p = provisions.get(pid) or {}
        d = docs.get(p.get("document") or "") or {}
        return f"{d.get('doc_number') or d.get('title') or p.get('document') or ''} {p.get('label') or ''}".strip()

    _write(folder / "documents.csv", DOCUMENTS,
           [[d.get("doc_number"), d.get("title"), d.get("issuer"), "、".join(d.get("issuers") or []), d.get("year"),
             d.get("signed"), d.get("published"), d.get("region"), d.get("level"), d.get("source"), counts.get(i, 0),
             "是" if d.get("stub") else "否", i] for i, d in sorted(docs.items(), key=_doc_order)])
    _write(folder / "provisions.csv", PROVISIONS,
           [[cite(i), (docs.get(p.get("document") or "") or {}).get("doc_number"),
             (docs.get(p.get("document") or "") or {}).get("title"), p.get("year"), p.get("region"),
             p.get("region_level"), p.get("label"), p.get("number"), p.get("path"), p.get("heading"),
             "、".join(by_provision[i][EdgeKind.LEADS]), "、".join(by_provision[i][EdgeKind.SUPPORTS]),
             "；".join(targets[i]), p.get("text"), i, p.get("document")]
            for i, p in sorted(provisions.items(), key=_provision_order)])
    _write(folder / "agencies.csv", ["机构", "别名", "地区", "类别", "性质", "已识别", "机构编号"],
           [[n.get("name"), "、".join(a for a in n.get("aliases") or [] if a != n.get("name")), n.get("region"),
             n.get("agency_kind"), n.get("category"), "是" if n.get("resolved") else "否", i]
            for i, n in sorted(nodes.items()) if n.get("kind") == NodeKind.AGENCY])
    _write(folder / "roles.csv", ROLES,
           [[_name(nodes, e["source"]), (nodes.get(e["source"]) or {}).get("region"), ROLE_WORDS[e["kind"]],
             cite(e["target"]), provisions[e["target"]].get("year"), provisions[e["target"]].get("region"),
             e.get("unit"), e.get("words"), e.get("role_source"), e.get("confidence"), e["source"], e["target"]]
            for e in sorted(roles, key=lambda e: (e["target"], e["kind"], e["source"]))])
    links = [e for kind in LINK_WORDS for e in store.edges(kind)
             if e["source"] in provisions and e["target"] in provisions]
    _write(folder / "links.csv", LINKS,
           [[LINK_WORDS[e["kind"]], cite(e["source"]), provisions[e["source"]].get("region"),
             provisions[e["source"]].get("year"), cite(e["target"]), provisions[e["target"]].get("region"),
             provisions[e["target"]].get("year"), e.get("score"), _method(e.get("method")), e["source"], e["target"]]
            for e in sorted(links, key=lambda e: e["id"])])


def _provision_order(item: tuple[str, dict[str, Any]]) -> tuple:
    return (item[1].get("document") or "", item[1].get("number") or 0, item[0])


def _doc_order(item: tuple[str, dict[str, Any]]) -> tuple:
    doc = item[1]
    return (bool(doc.get("stub")), -(doc.get("year") or 0), doc.get("region") or "", item[0])


def _name(nodes: dict[str, dict[str, Any]], node_id: str) -> str:
    return str((nodes.get(node_id) or {}).get("name") or node_id)


def _method(value: Any) -> str | None:
    if isinstance(value, dict):
        return " ".join(str(v) for v in (value.get("name"), value.get("version")) if v)
    return None if value is None else str(value)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and _FORMULA.match(value):
        try:
            float(value)
        except ValueError:
            return "'" + value  # text Excel would run as a formula
    return value


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    text = buffer.getvalue()
    write_atomic(path, lambda handle: handle.write(text))
