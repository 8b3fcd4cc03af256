"""Chinese full-text search over provisions, with region/year/level/agency/facility/program filters.

Matching is on characters, not on a segmenter's guess of word boundaries: every whitespace-
separated term must occur in the provision. Where the store keeps a full-text index (the embedded
store's FTS5 trigram index) it names the candidate provisions and each candidate's text is counted
exactly; elsewhere one substring scan runs over all provision texts held in one string (at C speed).
Both give the same occurrences, so the same answers. A term with no exact occurrence anywhere is
split into words by jieba (single characters it leaves alone are joined back into runs, dropped when
isolated) and each word must occur instead. Ranking: occurrences weighted by rarity (idf).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from functools import cache
from typing import Any, Literal

import numpy as np

from policykg.graph.model import EdgeKind, NodeKind

from .answers import SearchAnswer, SearchHit
from .common import NotFound, key, provision_ref, window
from .index import QueryIndex, index_for
from .resolve import resolve_entities
from .suggest import no_agency, no_region

LEVELS = ("national", "province", "city", "county")
SNIPPET = 24  # characters of context either side of the first hit
# Function characters that join words; a run of single characters is split at them (和卒中 → 卒中).
_JOINERS = frozenset("和的与及或等在对为并了是把将以向从于")


def search(
    store: Any,
    text: str = "",
    region: str | None = None,
    year: int | None = None,
    level: str | None = None,
    agency: str | None = None,
    facility_type: str | None = None,
    program: str | None = None,
    limit: int | None = 20,
    offset: int = 0,
) -> SearchAnswer:
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    idx = index_for(store)
    terms, words_used = _terms(idx, text)
    allowed = _filter(idx, region, year, level, agency, facility_type, program)
    hits = _match(idx, terms, allowed)
    mode: Literal["all", "some"] = "all"
    if not hits and len(terms) > 1:
        hits, mode = _match_some(idx, terms, allowed), "some"
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return SearchAnswer(
        query=text,
        terms=terms,
        segmented=words_used,
        mode=mode,
        limit=limit,
        offset=offset,
        total=len(ranked),
        items=[_result(idx, pid, hit) for pid, hit in window(ranked, limit, offset)],
    )


def _terms(idx: QueryIndex, text: str) -> tuple[list[str], bool]:
    """Whitespace-separated terms; a term that occurs nowhere is replaced by its jieba words."""
    terms: list[str] = []
    segmented = False
    for term in key_terms(text):
        if len(term) < 3 or _occurs(idx, term):
            terms.append(term)
            continue
        words = [w for w in _segment(term) if len(w) >= 2 or not _is_cjk(w)]
        segmented = segmented or bool(words)
        terms.extend(words or [term])
    return list(dict.fromkeys(terms)), segmented


def key_terms(text: str) -> list[str]:
    return [key(t) for t in (text or "").split() if key(t)]


@cache
def _jieba():
    with contextlib.redirect_stderr(io.StringIO()):
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
    return jieba


def warm_segmenter() -> None:
    """Load jieba's dictionary now rather than on the first search."""
    _jieba()


def _segment(term: str) -> list[str]:
    """jieba's words; runs of single characters it could not place (卒 中) are joined back (卒中)."""
    words: list[str] = []
    run = ""
    for word in _jieba().lcut(term):
        if len(word) == 1 and _is_cjk(word) and word not in _JOINERS:
            run += word
            continue
        words += [run, word]
        run = ""
    words.append(run)
    return [w for w in words if w.strip() and not re.fullmatch(r"\W+", w)]


def _is_cjk(word: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in word)


def _filter(idx: QueryIndex, region, year, level, agency, facility_type, program) -> set[str] | None:
    """The provisions the filters allow (``None``: all)."""
    allowed: set[str] | None = None

    def narrow(ids: set[str]) -> None:
        nonlocal allowed
        allowed = ids if allowed is None else allowed & ids

    if region or year is not None or level:
        scope = idx.region_name(region) if region else None
        if region and scope is None:
            raise no_region(idx, region)
        narrow({
            pid for (where, when, tier), pids in idx.provision_groups().items()
            if (year is None or when == year) and (level is None or tier == level) and idx.within(where, scope)
            for pid in pids
        })
    if agency:
        ids = [i for i, _ in resolve_entities(idx, agency, (NodeKind.AGENCY,), region)]
        if not ids:
            raise no_agency(idx, agency, idx.region_name(region) if region else None)
        narrow({e["target"] for a in ids for e in idx.store.out_edges(a, [EdgeKind.LEADS, EdgeKind.SUPPORTS])})
    for name, kind, label in ((facility_type, NodeKind.FACILITY_TYPE, "facility type"), (program, NodeKind.PROGRAM,
                                                                                          "program")):
        if name:
            ids = [i for i, _ in resolve_entities(idx, name, (kind,))]
            if not ids:
                raise NotFound(f"no {label} {name!r}")
            narrow(mentioning(idx, ids))
    return allowed


def mentioning(idx: QueryIndex, entity_ids: list[str]) -> set[str]:
    """Provisions mentioning these entities or any narrower one (BROADER: narrower → broader)."""
    seen, frontier = set(entity_ids), list(entity_ids)
    while frontier:
        current = frontier.pop()
        for edge in idx.store.in_edges(current, [EdgeKind.BROADER]):
            if edge["source"] not in seen:
                seen.add(edge["source"])
                frontier.append(edge["source"])
    return {e["source"] for s in seen for e in idx.store.in_edges(s, [EdgeKind.MENTIONS])}


Hits = dict[str, tuple[float, tuple[str, ...]]]  # provision → (score, the terms it holds)


def _match(idx: QueryIndex, terms: list[str], allowed: set[str] | None) -> Hits:
    """Provisions holding every term, scored Σ idf × (1 + log tf). Tuples, not dicts: a common
    term hits tens of thousands of provisions, and every object made costs the collector."""
    if not terms:
        ids = allowed if allowed is not None else {p for ps in idx.provisions_of.values() for p in ps}
        return dict.fromkeys(ids, (0.0, ()))
    found: Hits | None = None
    for term in terms:
        scored = _scored(idx, term, allowed)
        if found is None:
            found = scored
            continue
        found = {pid: (found[pid][0] + s[0], found[pid][1] + s[1]) for pid, s in scored.items() if pid in found}
    return found or {}


def _scored(idx: QueryIndex, term: str, allowed: set[str] | None) -> Hits:
    counts = _occurrences(idx, term, allowed)
    weight = math.log(1 + len(idx.provision_texts) / max(1, len(counts)))
    terms = (term,)
    return {pid: (weight * (1 + math.log(n)), terms) for pid, n in counts.items()}


def _match_some(idx: QueryIndex, terms: list[str], allowed: set[str] | None) -> Hits:
    """No provision has every term: rank those having at least half of them."""
    found: Hits = {}
    for term in terms:
        for pid, (score, held) in _scored(idx, term, allowed).items():
            before = found.get(pid, (0.0, ()))
            found[pid] = (before[0] + score, before[1] + held)
    return {pid: hit for pid, hit in found.items() if len(hit[1]) * 2 >= len(terms)}


def _occurs(idx: QueryIndex, term: str) -> bool:
    """Whether any provision holds the term."""
    if idx.store.text_index:
        texts = idx.provision_texts
        return any(term in texts.get(pid, "") for pid in idx.store.provision_candidates(term) or ())
    return term in idx.search_buffer()[0]


def _occurrences(idx: QueryIndex, term: str, allowed: set[str] | None) -> dict[str, int]:
    """How often the term occurs (without overlaps) in each provision the filters allow."""
    if idx.store.text_index:
        return _counted(idx, term, allowed)
    return _scanned(idx, term, allowed)


def _counted(idx: QueryIndex, term: str, allowed: set[str] | None) -> dict[str, int]:
    """The store's full-text index names the candidates; each one's text is counted."""
    texts = idx.provision_texts
    found: dict[str, int] = {}
    for pid in idx.store.provision_candidates(term) or ():
        if (allowed is None or pid in allowed) and pid in texts and (n := texts[pid].count(term)):
            found[pid] = n
    return found


def _scanned(idx: QueryIndex, term: str, allowed: set[str] | None) -> dict[str, int]:
    """One scan of the joined texts, then the occurrences are binned by provision (numpy) rather
    than looked up one by one."""
    buffer, starts, ids = idx.search_buffer()
    positions = [m.start() for m in re.finditer(re.escape(term), buffer)]
    if not positions:
        return {}
    slots, counts = np.unique(np.searchsorted(starts, positions, side="right") - 1, return_counts=True)
    found = zip((ids[s] for s in slots.tolist()), counts.tolist(), strict=True)
    return {pid: n for pid, n in found if allowed is None or pid in allowed}


def _result(idx: QueryIndex, pid: str, hit: tuple[float, tuple[str, ...]]) -> SearchHit:
    text = (idx.node(pid) or {}).get("text") or ""
    hits = sorted(span for term in hit[1] for span in _spans(text, term))
    start = hits[0][0] if hits else 0
    lo, hi = max(0, start - SNIPPET), min(len(text), start + SNIPPET * 3)
    return SearchHit(
        provision=provision_ref(idx, pid),
        score=round(hit[0], 4),
        snippet=("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else ""),
        highlights=hits,
    )


def _spans(text: str, term: str) -> list[list[int]]:
    spans, start = [], text.find(term)
    while start >= 0:
        spans.append([start, start + len(term)])
        start = text.find(term, start + 1)
    return spans
