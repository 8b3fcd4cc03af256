"""What a jurisdiction's priorities kept, added and dropped between two years.

Provision level: a provision of ``year_b`` that CONTINUES one of ``year_a`` is kept; a ``year_b``
provision continuing none is added; a ``year_a`` provision nothing continues is dropped.
Theme level: sections (kept where their provisions carry on), programs and facility types
(kept where both years mention them), each theme with its provisions and targets side by side.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from policykg.graph.model import EdgeKind, NodeKind

from .answers import (
    CompareAnswer,
    CompareCounts,
    ComparedTargetChange,
    CompareStatus,
    KeptPair,
    Named,
    Status,
    Theme,
    ThemeKind,
    ThemeTarget,
)
from .changes import target_changes, targets_of
from .common import doc_ref, extend, method_of, page, provision_brief, provision_ref, score_of, walk_edges
from .index import QueryIndex, index_for
from .suggest import no_region

THEME_KINDS: dict[str, ThemeKind] = {NodeKind.PROGRAM: "program", NodeKind.FACILITY_TYPE: "facility_type"}


def compare(
    store: Any, region: str, year_a: int, year_b: int, limit: int | None = None, offset: int = 0
) -> CompareAnswer:
    idx = index_for(store)
    name = idx.region_name(region)
    if name is None:
        raise no_region(idx, region)
    docs_a, docs_b = documents_of(idx, name, year_a), documents_of(idx, name, year_b)
    provs_a = [p for d in docs_a for p in idx.provisions_of.get(d, [])]
    provs_b = [p for d in docs_b for p in idx.provisions_of.get(d, [])]
    pairs = continuations(idx, provs_a, provs_b)
    kept_b = {b for b, _, _ in pairs}
    kept_a = {a for _, a, _ in pairs}
    kept = [_kept(idx, b, a, edge) for b, a, edge in pairs]
    status = compare_status(bool(docs_a), bool(docs_b))
    both = status == "compared"  # a year without documents adds or drops nothing: there is nothing to compare
    themes = _section_themes(idx, provs_a, provs_b, pairs) + _entity_themes(idx, provs_a, provs_b) if both else []
    added = [p for p in provs_b if p not in kept_b] if docs_a else []
    dropped = [p for p in provs_a if p not in kept_a] if docs_b else []
    return CompareAnswer(
        region=name,
        year_a=year_a,
        year_b=year_b,
        status=status,
        note=None if both else _note(name, year_a, year_b, docs_a, docs_b),
        documents_a=[doc_ref(idx, d) for d in docs_a],
        documents_b=[doc_ref(idx, d) for d in docs_b],
        counts=CompareCounts(provisions_a=len(provs_a), provisions_b=len(provs_b), kept=len(kept_b),
                             carried=len(kept_a), pairs=len(pairs), added=len(added), dropped=len(dropped)),
        limit=limit,
        offset=offset,
        kept=page(kept, limit, offset),
        added=page([provision_ref(idx, p) for p in added], limit, offset),
        dropped=page([provision_ref(idx, p) for p in dropped], limit, offset),
        themes=page(themes, limit, offset),
        target_changes=page(_distinct_changes(kept), limit, offset),
    )


def compare_status(has_a: bool, has_b: bool) -> CompareStatus:
    if has_a and has_b:
        return "compared"
    if has_a:
        return "no documents in the later year"
    return "no documents in the earlier year" if has_b else "no documents in either year"


def _note(region: str, year_a: int, year_b: int, docs_a: list[str], docs_b: list[str]) -> str:
    years = [str(y) for y, docs in ((year_a, docs_a), (year_b, docs_b)) if not docs]
    return (f"no documents of {region} from {' or '.join(years)} are loaded, so nothing is counted as added or "
            "dropped")


def _distinct_changes(kept: list[KeptPair]) -> list[ComparedTargetChange]:
    """The kept pairs' target changes, without the unchanged ones, each pair of targets once: a provision
    continued by several of the later year would otherwise repeat its targets' changes."""
    seen: set[tuple[str | None, str | None]] = set()
    changes = []
    for k in kept:
        for c in k.target_changes:
            which = (c.before.id if c.before else None, c.after.id if c.after else None)
            if c.change == "same" or which in seen:
                continue
            seen.add(which)
            changes.append(extend(c, ComparedTargetChange, provision_a=k.a.id, provision_b=k.b.id))
    return changes


def documents_of(idx: QueryIndex, region: str, year: int) -> list[str]:
    """The loaded documents of a jurisdiction and year (not cited-only stubs)."""
    return sorted(
        d for d, doc in idx.documents.items()
        if doc.get("region") == region and doc.get("year") == year and not doc.get("stub")
    )


def continuations(idx: QueryIndex, provs_a: list[str], provs_b: list[str]) -> list[tuple[str, str, dict]]:
    """(later provision, earlier provision, edge) for each CONTINUES link from ``provs_b`` into ``provs_a``."""
    earlier = set(provs_a)
    pairs = []
    for b in provs_b:
        for edge in sorted(walk_edges(idx.store, b, [EdgeKind.CONTINUES], True), key=lambda e: e["id"]):
            if edge["target"] in earlier:
                pairs.append((b, edge["target"], edge))
    return pairs


def _kept(idx: QueryIndex, b: str, a: str, edge: dict[str, Any]) -> KeptPair:
    return KeptPair(
        a=provision_ref(idx, a),
        b=provision_ref(idx, b),
        score=score_of(edge),
        method=method_of(edge),
        target_changes=target_changes(targets_of(idx, a), targets_of(idx, b)),
    )


def _section_of(idx: QueryIndex, pid: str) -> tuple[str, str] | None:
    for edge in idx.store.out_edges(pid, [EdgeKind.PART_OF]):
        node = idx.node(edge["target"]) or {}
        if node.get("kind") == NodeKind.SECTION:
            return node["id"], node.get("title") or node.get("label") or node["id"]
    return None


def _section_themes(idx: QueryIndex, provs_a: list[str], provs_b: list[str], pairs) -> list[Theme]:
    """A section of one year is kept when any of its provisions continues into the other year."""
    sections_a: dict[tuple[str, str], list[str]] = defaultdict(list)
    sections_b: dict[tuple[str, str], list[str]] = defaultdict(list)
    for table, provs in ((sections_a, provs_a), (sections_b, provs_b)):
        for p in provs:
            section = _section_of(idx, p)
            if section:
                table[section].append(p)
    section_b_of = {p: s for s, ps in sections_b.items() for p in ps}
    section_a_of = {p: s for s, ps in sections_a.items() for p in ps}
    linked_a: dict[tuple[str, str], set] = defaultdict(set)
    linked_b: dict[tuple[str, str], set] = defaultdict(set)
    for b, a, _ in pairs:
        if a in section_a_of and b in section_b_of:
            linked_a[section_a_of[a]].add(section_b_of[b])
            linked_b[section_b_of[b]].add(section_a_of[a])
    themes = []
    for section, ps in sections_a.items():
        others = sorted(linked_a.get(section, ()))
        themes.append(_theme(idx, "section", "kept" if others else "dropped", section, others, ps,
                             [p for o in others for p in sections_b[o]]))
    for section, ps in sections_b.items():
        if not linked_b.get(section):
            themes.append(_theme(idx, "section", "added", section, [], [], ps))
    return themes


def _entity_themes(idx: QueryIndex, provs_a: list[str], provs_b: list[str]) -> list[Theme]:
    mentioned_a, mentioned_b = _mentions(idx, provs_a), _mentions(idx, provs_b)
    themes = []
    for entity in sorted(set(mentioned_a) | set(mentioned_b), key=lambda e: (_kind(idx, e), _name(idx, e))):
        in_a, in_b = mentioned_a.get(entity, []), mentioned_b.get(entity, [])
        status: Status = "kept" if in_a and in_b else ("dropped" if in_a else "added")
        themes.append(_theme(idx, _kind(idx, entity), status, (entity, _name(idx, entity)),
                             [(entity, _name(idx, entity))] if status == "kept" else [], in_a, in_b))
    return themes


def _mentions(idx: QueryIndex, provs: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for p in provs:
        for edge in idx.store.out_edges(p, [EdgeKind.MENTIONS]):
            if (idx.node(edge["target"]) or {}).get("kind") in THEME_KINDS:
                found[edge["target"]].append(p)
    return found


def _kind(idx: QueryIndex, entity: str) -> ThemeKind:
    return THEME_KINDS.get((idx.node(entity) or {}).get("kind") or "", "entity")


def _name(idx: QueryIndex, entity: str) -> str:
    return (idx.node(entity) or {}).get("name") or entity


def _theme(idx: QueryIndex, kind: ThemeKind, status: Status, theme: tuple[str, str],
           counterparts: list[tuple[str, str]], provs_a: list[str], provs_b: list[str]) -> Theme:
    return Theme(
        kind=kind,
        status=status,
        id=theme[0],
        name=theme[1],
        counterparts=[Named(id=i, name=n) for i, n in counterparts],
        provisions_a=[provision_brief(idx, p) for p in provs_a],
        provisions_b=[provision_brief(idx, p) for p in provs_b],
        targets_a=_theme_targets(idx, provs_a),
        targets_b=_theme_targets(idx, provs_b),
    )


def _theme_targets(idx: QueryIndex, provisions: list[str]) -> list[ThemeTarget]:
    return [extend(t, ThemeTarget, provision=p) for p in provisions for t in targets_of(idx, p)]
