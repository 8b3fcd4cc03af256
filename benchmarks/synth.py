"""A synthetic corpus shaped like the real one, with the ground truth of which provision came from which.

    python benchmarks/synth.py OUT_DIR --docs 1000 [--seed 7]

Jurisdictions: the nation, all 31 mainland provinces and their prefecture-level cities (from the
gazetteer), over six years. Each document is a work-points notice (issuer, 文号, 关于印发《…》的通知,
signature, then 一、 sections of 1. items). Its provisions are made from the sample corpus's
provisions, by clauses:

- derived: a provision of a document of the parent region (or the nation), same or earlier year,
  copied with perturbations (clauses dropped, swapped, a new clause inserted, heading reworded,
  全省 → 全市, a character dropped) → truth ``DERIVES_FROM``;
- continued: the same, from an earlier document of the same jurisdiction → truth ``CONTINUES``;
- fresh: a heading and clauses written by a character Markov chain trained on the sample
  provisions (the vocabulary and phrasing of health notices, but no sentence copied from another
  provision, so unrelated provisions share only the common words real ones share) → no truth link.

``truth.json`` lists the direct links (child file, number, parent file, number, kind) and, for
precision, every ancestor a provision descends from along those links (linking to a grandparent is
not wrong).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from policykg.domain.regions import NATION, cities_of, provinces, short_name
from policykg.loaders.pipeline import parse_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "corpus"
YEARS = list(range(2019, 2025))
WINDOW = 3  # how many years back a generated provision reaches for its source
_NOT_MAINLAND = ("香港特别行政区", "澳门特别行政区", "台湾省")
_CLAUSE_SPLIT = re.compile(r"[，,。；;]")
_ANNOTATION = re.compile(r"责任单位|负责|牵头单位|以下均需|[()（）〔〕]")  # responsibility notes stay with their items
_LEADS = ("进一步", "持续", "深入", "全面", "着力", "切实")


@dataclass
class Prov:
    heading: str
    clauses: list[str]

    def text(self) -> str:
        out = []
        for i, clause in enumerate(self.clauses):
            out.append(clause + ("。" if i % 2 == 1 or i == len(self.clauses) - 1 else "，"))
        return f"{self.heading}。" + "".join(out)


@dataclass
class Doc:
    file: str
    region: str
    level: str
    parent: str | None
    year: int
    number: str
    provisions: list[Prov] = field(default_factory=list)


def sample_pool() -> tuple[list[str], list[str]]:
    """Headings and clauses of the sample corpus's provisions."""
    headings, clauses = [], []
    for path in sorted(SAMPLE.glob("*.txt")):
        for _, part in parse_file(path).provisions:
            body = part.text[len(part.heading) :] if part.heading and part.text.startswith(part.heading) else part.text
            if part.heading:
                headings.append(part.heading.strip("。 "))
            clauses += [c for c in (s.strip() for s in _CLAUSE_SPLIT.split(body))
                        if len(c) >= 6 and not _ANNOTATION.search(c)]
    return headings, clauses


def regions() -> list[tuple[str, str, str | None]]:
    """(name, level, parent) for the nation, the provinces and their cities."""
    out = [(NATION, "national", None)]
    for province in provinces():
        if province in _NOT_MAINLAND:
            continue
        out.append((province, "province", NATION))
        out += [(city, "city", province) for city in cities_of(province) if city != "省直辖行政区划"]
    return out


class Markov:
    """Order-2 character chain: text in the corpus's words that no provision contains."""

    def __init__(self, texts: list[str], rng: random.Random):
        self.rng = rng
        self.next: dict[str, list[str]] = {}
        self.starts = [t[:2] for t in texts if len(t) >= 3]
        for t in texts:
            t = t + "。"
            for i in range(len(t) - 2):
                self.next.setdefault(t[i : i + 2], []).append(t[i + 2])

    def text(self, low: int, high: int) -> str:
        out = self.rng.choice(self.starts)
        limit = self.rng.randint(low, high)
        while len(out) < limit:
            options = self.next.get(out[-2:])
            if not options:
                break
            ch = self.rng.choice(options)
            if ch == "。":
                if len(out) >= low:
                    break
                out += "和" + self.rng.choice(self.starts)  # too short: join another clause on
                continue
            out += ch
        return out


class Generator:
    def __init__(self, n_docs: int, seed: int):
        self.rng = random.Random(seed)
        self.headings, self.clauses = sample_pool()
        self.clause_chain = Markov(self.clauses, self.rng)
        self.n_docs = n_docs
        self.docs: list[Doc] = []
        self.by_region_year: dict[tuple[str, int], list[Doc]] = {}
        self.truth: list[tuple[str, int, str, int, str]] = []
        self.origin: dict[tuple[str, int], list[tuple[str, int]]] = {}  # provision → direct sources

    def plan(self) -> list[tuple[str, str, str | None, int]]:
        """Which (region, level, parent, year) each document is, oldest and highest first."""
        all_regions = regions()
        per_year = self.n_docs // len(YEARS)
        # The nation and each province issue a few such notices a year whatever the corpus size; a
        # larger corpus has more city notices. (Blocks then stay the same size: linear cost.)
        national = min(4, max(2, per_year // 80))
        provincial = [r for r in all_regions if r[1] == "province"]
        cities = [r for r in all_regions if r[1] == "city"]
        per_province = min(2, max(1, per_year // 300))
        plan = []
        for year in YEARS:
            plan += [(NATION, "national", None, year)] * national
            plan += [(p[0], "province", NATION, year) for p in provincial for _ in range(per_province)]
            rest = per_year - national - per_province * len(provincial)
            plan += [(*self.rng.choice(cities), year) for _ in range(max(0, rest))]
        order = {"national": 0, "province": 1, "city": 2}
        return sorted(plan, key=lambda r: (r[3], order[r[1]]))

    def run(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for region, level, parent, year in self.plan():
            doc = self.make_doc(region, level, parent, year)
            (out / doc.file).write_text(render(doc), encoding="utf-8")
        ancestors = {key: sorted(self.ancestors(key)) for key in self.origin}
        (out / "truth.json").write_text(json.dumps({
            "direct": self.truth,
            "ancestors": [[c, n, p, m] for (c, n), anc in ancestors.items() for p, m in anc],
            "documents": len(self.docs),
        }, ensure_ascii=False), encoding="utf-8")

    def make_doc(self, region: str, level: str, parent: str | None, year: int) -> Doc:
        abbr = "国" if region == NATION else short_name(region)[:2]
        seq = len(self.docs) + 1  # unique across the corpus: two places can share a short name (吉林省, 吉林市)
        doc = Doc(f"{len(self.docs):05d}.txt", region, level, parent, year, f"{abbr}卫医发〔{year}〕{seq}号")
        uppers = [d for y in range(year - WINDOW, year + 1) for r in {parent, NATION} - {None}
                  for d in self.by_region_year.get((r, y), []) if d.provisions]
        earlier = [d for y in range(year - WINDOW, year) for d in self.by_region_year.get((region, y), [])]
        used: set[tuple[str, int]] = set()
        for number in range(1, self.rng.randint(15, 30) + 1):
            roll = self.rng.random()
            source, kind = None, None
            if uppers and roll < 0.55:
                source, kind = self.rng.choice(uppers), "DERIVES_FROM"
            elif earlier and roll < 0.75:
                source, kind = self.rng.choice(earlier), "CONTINUES"
            if source is not None:
                index = self.rng.randrange(len(source.provisions))
                if (source.file, index + 1) in used:
                    source = None
            if source is None:
                doc.provisions.append(self.fresh())
                continue
            used.add((source.file, index + 1))
            doc.provisions.append(self.perturb(source.provisions[index], level))
            self.truth.append((doc.file, number, source.file, index + 1, kind))
            self.origin.setdefault((doc.file, number), []).append((source.file, index + 1))
        self.docs.append(doc)
        self.by_region_year.setdefault((region, year), []).append(doc)
        return doc

    def ancestors(self, key: tuple[str, int]) -> set[tuple[str, int]]:
        seen: set[tuple[str, int]] = set()
        stack = list(self.origin.get(key, []))
        while stack:
            item = stack.pop()
            if item not in seen:
                seen.add(item)
                stack += self.origin.get(item, [])
        return seen

    def fresh(self) -> Prov:
        # Headings come from the clause chain too: a chain over the 142 sample headings would mostly
        # reprint them, and unrelated provisions sharing a heading is rarer in real notices.
        heading = self.rng.choice(_LEADS) + self.clause_chain.text(4, 10)
        return Prov(heading, [self.clause_chain.text(8, 26) for _ in range(self.rng.randint(3, 7))])

    def perturb(self, prov: Prov, level: str) -> Prov:
        rng = self.rng
        clauses = [c for c in prov.clauses if rng.random() < 0.8] or [rng.choice(prov.clauses)]
        if len(clauses) > 1 and rng.random() < 0.3:
            i = rng.randrange(len(clauses) - 1)
            clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
        for _ in range(rng.randint(0, 2)):
            clauses.insert(rng.randrange(len(clauses) + 1), self.clause_chain.text(8, 26))
        if level == "city":
            clauses = [c.replace("全省", "全市").replace("省级", "市级") for c in clauses]
        clauses = [_drop_char(c, rng) if rng.random() < 0.2 else c for c in clauses]
        heading = prov.heading
        if rng.random() < 0.3:
            lead = next((w for w in _LEADS if heading.startswith(w)), "")
            heading = rng.choice(_LEADS) + heading[len(lead) :]
        return Prov(heading, clauses)


def _drop_char(clause: str, rng: random.Random) -> str:
    i = rng.randrange(len(clause))
    return clause[:i] + clause[i + 1 :]


def render(doc: Doc) -> str:
    place = "" if doc.region == NATION else doc.region
    issuer = "国家卫生健康委员会" if doc.region == NATION else f"{doc.region}卫生健康委员会"
    title = f"{doc.year}年{place}医政医管工作要点"
    signed = f"{doc.year}年3月{(int(doc.file[:5]) % 27) + 1}日"
    lines = [issuer, doc.number, f"关于印发《{title}》的通知", "各有关单位：",
             f"现将《{title}》印发给你们，请认真贯彻执行。", issuer, signed, "",
             title, "为做好本年度医政医管工作，制定本要点。"]
    sections = ("一", "二", "三", "四", "五", "六")
    per_section = max(1, -(-len(doc.provisions) // len(sections)))
    for i, prov in enumerate(doc.provisions):
        if i % per_section == 0:
            lines.append(f"{sections[i // per_section]}、{prov.heading[:8]}相关工作")
        lines.append(f"{i + 1}.{prov.text()}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    Generator(args.docs, args.seed).run(args.out)


if __name__ == "__main__":
    main()
