"""A jurisdiction's provisions across years: per year its documents and provisions; per step from
one year with documents to the next, the provisions carried forward (CONTINUES), added and
dropped, counted as provisions, not links. A year without documents is listed as missing and
stepped over, never read as dropping what the year before it had.
"""

from __future__ import annotations

from typing import Any

from .answers import TimelineAnswer, TimelineStep, TimelineYear
from .common import doc_ref
from .compare import continuations, documents_of
from .index import QueryIndex, index_for
from .suggest import resolve_region


def timeline(store: Any, region: str, years: list[int] | None = None) -> TimelineAnswer:
    """``years`` (every year with loaded documents of the region when none are given), earliest first."""
    idx = index_for(store)
    name = resolve_region(idx, region)
    docs = {y: documents_of(idx, name, y) for y in sorted(set(years or _years(idx, name)))}
    provisions = {y: [p for d in ds for p in idx.provisions_of.get(d, [])] for y, ds in docs.items()}
    with_docs = [y for y in docs if docs[y]]
    steps = [_step(idx, a, b, provisions, [y for y in docs if a < y < b]) for a, b in zip(with_docs, with_docs[1:],
                                                                                           strict=False)]
    after = {s.year_b: s for s in steps}
    before = {s.year_a: s for s in steps}
    rows = [
        TimelineYear(
            year=y,
            documents=[doc_ref(idx, d) for d in docs[y]],
            provisions=len(provisions[y]),
            continuing=after[y].kept if y in after else None,
            added=after[y].added if y in after else None,
            not_continued=before[y].dropped if y in before else None,
        )
        for y in docs
    ]
    return TimelineAnswer(region=name, years=rows, missing=[y for y in docs if not docs[y]], steps=steps)


def _years(idx: QueryIndex, region: str) -> list[int]:
    return [d["year"] for d in idx.documents.values()
            if d.get("region") == region and isinstance(d.get("year"), int) and not d.get("stub")]


def _step(idx: QueryIndex, year_a: int, year_b: int, provisions: dict[int, list[str]], skipped: list[int]
          ) -> TimelineStep:
    earlier, later = provisions[year_a], provisions[year_b]
    wanted = set(earlier)
    pairs = {(b, a) for b, a, _ in continuations(idx, earlier, later)}
    kept = {b for b, _ in pairs}
    carried = {a for _, a in pairs}
    return TimelineStep(
        year_a=year_a,
        year_b=year_b,
        skipped=skipped,
        provisions_a=len(earlier),
        provisions_b=len(later),
        carried=len(carried),
        kept=len(kept),
        added=len(set(later) - kept),
        dropped=len(wanted - carried),
        pairs=len(pairs),
    )
