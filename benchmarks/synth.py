"""A synthetic corpus shaped like the real one, with the ground truth of which provision came from which.

    python benchmarks/synth.py OUT_DIR --docs 1000 [--seed 7]

Jurisdictions: the nation, all 31 mainland provinces and their prefecture-level cities (from the
gazetteer), over six years. Each document is a notice on one of ``TOPICS`` (its title names it:
《2023年遂宁市急诊急救体系建设工作要点》), with issuer, 文号, 关于印发《…》的通知, signature, then 一、
sections of 1. items. As real lower governments do, a document implements one or two documents of
the jurisdictions above it on its own topic (its sources), and usually says so (根据《…》); the
other documents of its block are about other topics. Its provisions are made by clauses:

- derived: a provision of a source, restated the way a city restates a provincial task — most
  clauses dropped or reworded (synonyms: 加强 → 强化, 完善 → 健全 …), local clauses added, order
  changed, 全省 → 全市, the heading reworded; sometimes two provisions merged into one (a merged
  task, two truths) or one split over two (a split task) → truth ``DERIVES_FROM``;
- continued: the same, from an earlier document of the same jurisdiction and topic → ``CONTINUES``;
- fresh: a heading and clauses written by a character Markov chain trained on the sample
  provisions (the vocabulary and phrasing of health notices, but no sentence copied from another
  provision, so unrelated provisions share only the common words real ones share) → no truth link.

``benchmarks/pair_scores.py`` compares how the truth pairs score with how the real gold pairs do.

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

ROOT = Path(__file__).resolve().parent.parent
YEARS = list(range(2019, 2025))
WINDOW = 3  # how many years back a generated provision reaches for its source
_NOT_MAINLAND = ("香港特别行政区", "澳门特别行政区", "台湾省")
_CLAUSE_SPLIT = re.compile(r"[，,。；;]")
_ANNOTATION = re.compile(r"责任单位|负责|牵头单位|以下均需|[()（）〔〕]")  # responsibility notes stay with their items
_LEADS = ("进一步", "持续", "深入", "全面", "着力", "切实")
# What a document is about, and the real documents whose wording its text is written in: the sample
# corpus's health notices, and (where ../shared/corpus-wide is present) Shanghai notices grouped by
# the subject their file names give. Two topics share only the words every notice uses.
TOPICS = (
    ("医政医管", ("examples/corpus/000_*", "examples/corpus/001_*", "examples/corpus/004_*")),
    ("深化医药卫生体制改革", ("examples/corpus/002_*", "examples/corpus/003_*")),
    ("消防安全综合治理", ("../shared/corpus-wide/*fire*",)),
    ("城镇燃气安全整治", ("../shared/corpus-wide/*gas*",)),
    ("违法用地综合整治", ("../shared/corpus-wide/*land*",)),
    ("建筑垃圾处置管理", ("../shared/corpus-wide/*waste*",)),
    ("历史风貌和文物保护", ("../shared/corpus-wide/*heritage*", "../shared/corpus-wide/*relics*")),
    ("道路交通和轨道安全", ("../shared/corpus-wide/*road*", "../shared/corpus-wide/*rail*",
                      "../shared/corpus-wide/*transport*", "../shared/corpus-wide/*parking*")),
    ("绿化和生态建设", ("../shared/corpus-wide/*park*", "../shared/corpus-wide/*forest*",
                   "../shared/corpus-wide/*green*", "../shared/corpus-wide/*magnolia*")),
)
# How a lower government rewords a task it restates (both directions are used).
SYNONYMS = (("加强", "强化"), ("完善", "健全"), ("推进", "推动"), ("提升", "提高"), ("建立", "建设"), ("开展", "实施"),
            ("落实", "执行"), ("规范", "优化"), ("医疗机构", "医院"), ("工作", "任务"), ("全面", "全力"),
            ("确保", "保障"), ("加快", "大力"), ("指导", "督促"), ("积极", "主动"), ("建设", "打造"), ("机制", "制度"),
            ("能力", "水平"), ("管理", "监管"), ("服务", "保障"))
KEEP_CLAUSE = 0.3  # a restated provision keeps each clause of its source with this chance
REWORD = 0.7  # …and rewords each word of SYNONYMS it prints with this chance
MERGE, SPLIT = 0.06, 0.06  # chance that a derived provision merges two sources / is split in two
CITE = 0.6  # chance that a document names its first source in its preamble


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
    topic: str
    provisions: list[Prov] = field(default_factory=list)
    cites: str | None = None  # the title of the source it names in its preamble

    @property
    def title(self) -> str:
        place = "" if self.region == NATION else self.region
        return f"{self.year}年{place}{self.topic}工作要点"


def topic_clauses(patterns: tuple[str, ...]) -> list[str]:
    """Clauses of the paragraphs of the real documents a topic is written from."""
    clauses = []
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                if len(re.findall(r"[\u4e00-\u9fff]", line)) >= 20 and not line.startswith((">", "---")):
                    clauses += [c for c in (s.strip(" #") for s in _CLAUSE_SPLIT.split(line))
                                if len(c) >= 6 and not _ANNOTATION.search(c)]
    return clauses


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
        texts = {name: clauses for name, patterns in TOPICS if len(clauses := topic_clauses(patterns)) >= 50}
        self.chains = {name: Markov(clauses, self.rng) for name, clauses in texts.items()}
        # Local items (a lower government's own tasks) are written from every topic's words: they share
        # only the common words of government notices with any source (genuinely unrelated items).
        self.local_chain = Markov([c for clauses in texts.values() for c in clauses], self.rng)
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
        rng = self.rng
        abbr = "国" if region == NATION else short_name(region)[:2]
        seq = len(self.docs) + 1  # unique across the corpus: two places can share a short name (吉林省, 吉林市)
        doc = Doc(f"{len(self.docs):05d}.txt", region, level, parent, year, f"{abbr}政发〔{year}〕{seq}号",
                  rng.choice(sorted(self.chains)))
        uppers = [d for y in range(year - WINDOW, year + 1) for r in {parent, NATION} - {None}
                  for d in self.by_region_year.get((r, y), []) if d.provisions and d.topic == doc.topic]
        sources = rng.sample(uppers, min(len(uppers), rng.choice((1, 1, 2))))
        earlier = [d for y in range(year - WINDOW, year) for d in self.by_region_year.get((region, y), [])
                   if d.topic == doc.topic]
        if sources and rng.random() < CITE:
            doc.cites = sources[0].title
        origin = not sources and not earlier  # a topic's first notices: their items are the topic's own
        used: set[tuple[str, int]] = set()
        while len(doc.provisions) < rng.randint(15, 30):
            roll = rng.random()
            pool, kind = (sources, "DERIVES_FROM") if sources and roll < 0.55 else \
                (earlier, "CONTINUES") if earlier and roll < 0.75 else (None, None)
            picked = self._pick(pool, used) if pool else None
            if picked is None:
                doc.provisions.append(self.fresh(doc.topic if origin else None))
                continue
            self._restate(doc, level, picked, pool, used, kind)
        self.docs.append(doc)
        self.by_region_year.setdefault((region, year), []).append(doc)
        return doc

    def _pick(self, pool: list[Doc], used: set[tuple[str, int]]) -> tuple[Doc, int] | None:
        source = self.rng.choice(pool)
        index = self.rng.randrange(len(source.provisions))
        return None if (source.file, index + 1) in used else (source, index)

    def _restate(self, doc: Doc, level: str, picked: tuple[Doc, int], pool: list[Doc],
                 used: set[tuple[str, int]], kind: str) -> None:
        """One source provision restated as one child provision, two merged into one, or one split in two."""
        source, index = picked
        roll = self.rng.random()
        parents = [picked]
        if roll < MERGE:
            other = self._pick(pool, used | {(source.file, index + 1)})
            parents += [other] if other else []
        prov = self.perturb(source.provisions[index], level, doc.topic)
        for extra, j in parents[1:]:
            prov = Prov(prov.heading, prov.clauses + self.perturb(extra.provisions[j], level, doc.topic).clauses)
        pieces = [prov]
        if roll > 1 - SPLIT and len(prov.clauses) >= 4:
            half = len(prov.clauses) // 2
            pieces = [Prov(prov.heading, prov.clauses[:half]),
                      Prov(self.fresh(None).heading, prov.clauses[half:])]
        for piece in pieces:
            doc.provisions.append(piece)
            number = len(doc.provisions)
            for parent, j in parents:
                used.add((parent.file, j + 1))
                self.truth.append((doc.file, number, parent.file, j + 1, kind))
                self.origin.setdefault((doc.file, number), []).append((parent.file, j + 1))

    def ancestors(self, key: tuple[str, int]) -> set[tuple[str, int]]:
        seen: set[tuple[str, int]] = set()
        stack = list(self.origin.get(key, []))
        while stack:
            item = stack.pop()
            if item not in seen:
                seen.add(item)
                stack += self.origin.get(item, [])
        return seen

    def fresh(self, topic: str | None) -> Prov:
        """An item of the topic's own words (``topic``), or a local one (``None``) of every topic's words."""
        # Headings come from the clause chain too: a chain over a few headings would mostly reprint
        # them, and unrelated provisions sharing a heading is rarer in real notices.
        chain = self.chains[topic] if topic else self.local_chain
        heading = self.rng.choice(_LEADS) + chain.text(4, 10)
        return Prov(heading, [chain.text(8, 26) for _ in range(self.rng.randint(3, 7))])

    def perturb(self, prov: Prov, level: str, topic: str) -> Prov:
        """A provision restated: most clauses dropped or reworded, local ones added, the order changed."""
        rng = self.rng
        clauses = [c for c in prov.clauses if rng.random() < KEEP_CLAUSE] or [rng.choice(prov.clauses)]
        clauses = [self.reword(c) for c in clauses]
        if len(clauses) > 1 and rng.random() < 0.5:
            rng.shuffle(clauses)
        for _ in range(rng.randint(3, 5)):
            clauses.insert(rng.randrange(len(clauses) + 1), self.chains[topic].text(8, 26))
        if level == "city":
            clauses = [c.replace("全省", "全市").replace("省级", "市级") for c in clauses]
        clauses = [_drop_char(c, rng) if rng.random() < 0.2 else c for c in clauses]
        heading = self.reword(prov.heading)
        if rng.random() < 0.5:
            lead = next((w for w in _LEADS if heading.startswith(w)), "")
            heading = rng.choice(_LEADS) + heading[len(lead) :]
        return Prov(heading, clauses)

    def reword(self, text: str) -> str:
        for a, b in SYNONYMS:
            for old, new in ((a, b), (b, a)):
                if old in text and self.rng.random() < REWORD:
                    text = text.replace(old, new)
                    break
        return text


def _drop_char(clause: str, rng: random.Random) -> str:
    i = rng.randrange(len(clause))
    return clause[:i] + clause[i + 1 :]


def render(doc: Doc) -> str:
    issuer = "国务院办公厅" if doc.region == NATION else f"{doc.region}人民政府办公厅"
    title = doc.title
    # Notices follow those above them: the nation's in the first quarter, provinces' in the second,
    # cities' in the third (a same-year source is always dated before its restatement).
    quarter = {"national": 0, "province": 1, "city": 2}[doc.level]
    signed = f"{doc.year}年{quarter * 3 + int(doc.file[:5]) % 3 + 1}月{(int(doc.file[:5]) % 27) + 1}日"
    basis = f"根据《{doc.cites}》要求，" if doc.cites else ""
    lines = [issuer, doc.number, f"关于印发《{title}》的通知", "各有关单位：",
             f"现将《{title}》印发给你们，请认真贯彻执行。", issuer, signed, "",
             title, f"{basis}为做好本年度{doc.topic}工作，制定本要点。"]
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
