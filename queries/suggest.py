"""Did you mean…: the names nearest to one that resolves to nothing, for agencies, regions and
documents, and the errors that offer them (in English and Chinese).

Nearness is the edit distance between comparison forms (``key``: NFKC, no spaces), allowing one
edit in a short name and one in four in a longer one (泗川省 → 四川省, 四川省医疗保险局 →
四川省医疗保障局), with names that contain the asked one, or are contained in it, after those. An
entity is offered by its canonical name whichever of its aliases was near.
"""

from __future__ import annotations

from collections.abc import Iterable

from policykg.graph.model import NodeKind

from .common import NotFound, key, number_key
from .index import QueryIndex

MAX_SUGGESTIONS = 5


def edit_distance(a: str, b: str, cutoff: int) -> int:
    """Levenshtein distance, or ``cutoff + 1`` as soon as it is known to exceed ``cutoff``."""
    if abs(len(a) - len(b)) > cutoff:
        return cutoff + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > cutoff:
            return cutoff + 1
        previous = current
    return previous[-1]


def allowed_edits(text: str) -> int:
    return max(1, len(text) // 4)


def nearest(names: str | list[str], candidates: Iterable[tuple[str, str]], limit: int = MAX_SUGGESTIONS,
            preferred: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The offers (second of each pair) whose names (first, comparison forms) are nearest any of ``names``
    (the name asked and the forms it may stand for); among equally near ones, ``preferred`` offers first."""
    asked = [k for k in (key(n) for n in ([names] if isinstance(names, str) else names)) if k]
    ranked: dict[str, tuple[int, int, int]] = {}
    for candidate, offer in candidates:
        if not candidate or candidate in asked:
            continue
        rank = min((r for r in (_rank(a, candidate) for a in asked) if r is not None), default=None)
        if rank is None:
            continue
        full = (*rank, 0 if offer in preferred else 1)
        if offer not in ranked or full < ranked[offer]:
            ranked[offer] = full
    return sorted(ranked, key=lambda o: (ranked[o], o))[:limit]


def _rank(asked: str, candidate: str) -> tuple[int, int] | None:
    """(0, edits) for a near name; (1, length difference) for one containing it or contained in it;
    (2, edits) for one containing a near form of it (part of a title, misspelt)."""
    cutoff = allowed_edits(asked)
    distance = edit_distance(asked, candidate, cutoff)
    if distance <= cutoff:
        return (0, distance)
    if len(asked) >= 3 and len(candidate) >= 3 and (asked in candidate or candidate in asked):
        return (1, abs(len(candidate) - len(asked)))
    if len(asked) >= 4 and len(candidate) > len(asked):
        best = min(edit_distance(asked, candidate[i : i + len(asked)], cutoff)
                   for i in range(len(candidate) - len(asked) + 1))
        if best <= cutoff:
            return (2, best)
    return None


# --- what is near ----------------------------------------------------------------------------------


def region_suggestions(idx: QueryIndex, name: str) -> list[str]:
    loaded = {d.get("region") for d in idx.documents.values() if d.get("region")}
    return nearest(name, idx.region_names.items(), preferred=loaded)


def agency_suggestions(idx: QueryIndex, name: str, region: str | None = None) -> list[str]:
    pairs = []
    for alias, ids in idx.aliases.items():
        for node_id in ids:
            node = idx.node(node_id) or {}
            if node.get("kind") != NodeKind.AGENCY:
                continue
            if region and node.get("region") and not (idx.within(node["region"], region)
                                                       or idx.within(region, node["region"])):
                continue
            pairs.append((alias, node.get("name") or node_id))
    # 省医疗保险局 in 四川省 may be meant as 四川省医疗保险局: compare that too
    forms = [name] + ([region + name, region[:-1] + name] if region and len(region) > 2 else [])
    return nearest(forms, pairs)


def document_suggestions(idx: QueryIndex, ref: str) -> list[str]:
    pairs = []
    for doc in idx.documents.values():
        if doc.get("stub"):
            continue
        offer = doc.get("doc_number") or doc.get("title") or doc["id"]
        if doc.get("doc_number"):
            pairs.append((number_key(doc["doc_number"]), offer))
        if doc.get("title"):
            pairs.append((key(doc["title"]), doc["title"]))
    asked = number_key(ref) if any(ch in ref for ch in "〔〕[]()（）号") else ref
    return nearest(asked, pairs)


def regions_for(idx: QueryIndex, name: str) -> list[str]:
    """The loaded documents' jurisdictions in which ``name`` names an agency (a short form such as 省医保局)."""
    from .resolve import resolve_entities

    found = []
    for region in sorted({d.get("region") for d in idx.documents.values() if d.get("region") and not d.get("stub")}):
        if resolve_entities(idx, name, (NodeKind.AGENCY,), region):
            found.append(region)
    return found


# --- the errors ------------------------------------------------------------------------------------


def _did_you_mean(suggestions: list[str]) -> tuple[str, str]:
    if not suggestions:
        return "", ""
    return f"; did you mean {' or '.join(suggestions)}?", f"。您要找的是不是:{'、'.join(suggestions)}?"


def no_region(idx: QueryIndex, name: str) -> NotFound:
    found = region_suggestions(idx, name)
    en, zh = _did_you_mean(found)
    return NotFound(f"no region {name!r}{en}", zh=f"未找到地区“{name}”{zh or '。'}", suggestions=found)


def resolve_region(idx: QueryIndex, name: str) -> str:
    """The region's full name (四川 → 四川省), or ``NotFound`` with the nearest names."""
    found = idx.region_name(name)
    if found is None:
        raise no_region(idx, name)
    return found


def no_agency(idx: QueryIndex, name: str, region: str | None) -> NotFound:
    """No agency of that name: the nearest names, and a region hint only where a region would find it."""
    found = agency_suggestions(idx, name, region)
    en, zh = _did_you_mean(found)
    where_en, where_zh = (f" in {region}", f"“{region}”的") if region else ("", "")
    hint_en = hint_zh = ""
    regions = [] if region or found else regions_for(idx, name)
    if regions:
        shown = "、".join(regions[:3])
        hint_en = f" (a short form: give the region it is meant in, such as {regions[0]})"
        hint_zh = f"(这是简称,请同时指定地区,如 {shown})"
    return NotFound(f"no agency {name!r}{where_en}{hint_en}{en}",
                    zh=f"未找到{where_zh}机构“{name}”{hint_zh}{zh or "。"}", suggestions=found)


def no_document(idx: QueryIndex, ref: str, what_en: str = "document", what_zh: str = "文件") -> NotFound:
    found = document_suggestions(idx, ref)
    en, zh = _did_you_mean(found)
    return NotFound(f"no {what_en} {ref!r} (give its id, 文号, file name or title){en}",
                    zh=f"未找到{what_zh}“{ref}”(可用编号、文号、文件名或标题){zh or '。'}", suggestions=found)


def no_provision(idx: QueryIndex, ref: str, splits: list[tuple[str, str]]) -> NotFound:
    """No provision: for ``DOCUMENT:ITEM`` whose document is misspelt, the nearest documents with the item."""
    found: list[str] = []
    for doc_part, item in splits:
        found += [f"{name}:{item}" for name in document_suggestions(idx, doc_part) if f"{name}:{item}" not in found]
    found = found[:MAX_SUGGESTIONS]
    en, zh = _did_you_mean(found)
    return NotFound(f"no provision {ref!r} (give its id, or DOCUMENT:ITEM such as 川办发〔2020〕53号:13){en}",
                    zh=f"未找到条款“{ref}”(可用条款编号,或“文号:条目”,如 川办发〔2020〕53号:13){zh or '。'}",
                    suggestions=found)
