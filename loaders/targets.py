"""Quantified goals: Target nodes (value, unit, comparator, measure, subject, deadline) per provision.

``确保…个人支付占比控制在10%以内`` is one target; ``三级…、二级…、社区…使用率分别达到90%、70%、50%以上``
is three, one per subject. Counts that describe a task's scope (``对66个国贫县``) are not goals: a
count is a goal only after a goal verb (``完成10135名``) or continuing an enumeration of goals.
``全覆盖`` is a goal of 100%. The words live in ``lexicon/targets.toml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from policykg.domain.names import list_separators
from policykg.graph.components import component
from policykg.graph.model import Edge, EdgeKind, Fragment, Node, NodeKind, target_id

from .lexicons import Entries
from .responsibility import split_units

if TYPE_CHECKING:
    from .pipeline import ParsedDocument

EXTRACTOR = "targets"
_PUNCT = "，,。；;：:！？!?"
_SENTENCE_END = "。；;"
# How far a target's clause or sentence may reach from its number. Real sentences are far shorter;
# the bound keeps a page of text without punctuation linear to read (every number would otherwise
# search the whole page for its sentence).
WINDOW = 400


@dataclass(frozen=True)
class TargetLexicon:
    number: re.Pattern[str]  # a number and its unit
    rate_units: tuple[str, ...]
    grade_units: tuple[str, ...]
    not_after: tuple[str, ...]
    prefix_comparators: tuple[tuple[str, str], ...]  # (words, comparator), longest words first
    suffix_comparators: tuple[tuple[str, str], ...]
    goal_verbs: tuple[str, ...]
    fillers: tuple[str, ...]
    universal_words: tuple[str, ...]
    needs_numeric_sentence: tuple[str, ...]
    universal_confidence: float
    deadlines: tuple[re.Pattern[str], ...]
    measure_endings: re.Pattern[str]


@cache
def lexicon() -> TargetLexicon:
    lex = Entries.of("targets")
    units = "|".join(re.escape(u) for u in sorted(lex.strings("units"), key=len, reverse=True))
    comparators, counts, universal = lex.table("comparators"), lex.table("counts"), lex.table("universal")
    deadline, measure = lex.table("deadline"), lex.table("measure")
    endings = "|".join(sorted(measure.strings("endings"), key=len, reverse=True))
    return TargetLexicon(
        number=re.compile(rf"(?<![\d./\-—~～至])(?P<value>\d+(?:\.\d+)?)(?P<unit>{units})"),
        rate_units=lex.strings("rate_units"),
        grade_units=lex.strings("grade_units"),
        not_after=lex.strings("not_after"),
        prefix_comparators=tuple(sorted(comparators.pairs("prefix"), key=lambda wc: -len(wc[0]))),
        suffix_comparators=tuple(comparators.pairs("suffix")),
        goal_verbs=counts.strings("goal_verbs"),
        fillers=counts.strings("fillers"),
        universal_words=universal.strings("words"),
        needs_numeric_sentence=universal.strings("needs_numeric_sentence"),
        universal_confidence=universal.number("confidence"),
        deadlines=tuple(re.compile(p) for p in deadline.strings("patterns")),
        measure_endings=re.compile(rf"(?:{endings})$"),
    )


@dataclass
class Target:
    value: float
    unit: str
    comparator: str | None
    measure: str | None
    subject: str | None
    deadline: str | None
    deadline_words: str | None
    start: int  # offsets in the provision's one-line text
    end: int
    words: str
    confidence: float = 1.0


@dataclass
class _Number:
    value: float
    unit: str
    start: int
    end: int


def find_targets(text: str, column_deadline: str | None = None) -> list[Target]:
    """The targets a provision's one-line text sets, in order."""
    numbers = _numbers(text)
    deadlines = Deadlines(text, column_deadline)
    targets: list[Target] = []
    for group in _groups(text, numbers):
        if not _is_goal(text, group):
            continue
        targets.extend(_group_targets(text, group, deadlines))
    targets.extend(_universal(text, targets, deadlines))
    return sorted(targets, key=lambda t: t.start)


_RANGE_AFTER = re.compile(r"\s*[-—~～至]\s*\d")  # 10-20%: the first number is a bound, not a target


def _numbers(text: str) -> list[_Number]:
    lex = lexicon()
    found = []
    for m in lex.number.finditer(text):
        # startswith/match at a position, never on a slice of the rest: a slice per number was quadratic
        unit = m.start("unit")
        if any(text.startswith(w, unit) for w in lex.not_after) or _RANGE_AFTER.match(text, m.end()):
            continue
        if _inside_title(text, m.start()) or (m.start() > 0 and text[m.start() - 1].isascii()
                                               and text[m.start() - 1].isalpha()):
            continue
        found.append(_Number(float(m.group("value")), m.group("unit"), m.start(), m.end()))
    return found


def _inside_title(text: str, pos: int) -> bool:
    """Numbers inside 《…》 name a document, not a goal."""
    lo = max(0, pos - WINDOW)
    return text.rfind("《", lo, pos) > text.rfind("》", lo, pos)


def _groups(text: str, numbers: list[_Number]) -> list[list[_Number]]:
    """Enumerations: numbers of one unit linked only by 、/和/及 and the words between them."""
    groups: list[list[_Number]] = []
    for number in numbers:
        if groups:
            last = groups[-1][-1]
            between = text[last.end : number.start]
            if last.unit == number.unit and not any(p in between for p in _PUNCT) and (
                between == "" or any(link in between for link in list_separators())
            ):
                groups[-1].append(number)
                continue
        groups.append([number])
    return groups


def _is_goal(text: str, group: list[_Number]) -> bool:
    lex = lexicon()
    first = group[0]
    if first.unit in lex.rate_units:
        return True
    before = _strip_fillers(text[_clause_start(text, first.start) : first.start])
    if first.unit in lex.grade_units:
        return bool(_prefix_comparator(before) or _suffix_comparator(text, group[-1].end))
    return before.endswith(lex.goal_verbs)


def _strip_fillers(before: str) -> str:
    changed = True
    while changed:
        changed = False
        for filler in lexicon().fillers:
            if before.endswith(filler):
                before, changed = before[: -len(filler)], True
    return before.rstrip()


def _clause_start(text: str, pos: int) -> int:
    return _start_after(text, pos, _PUNCT)


def _clause_end(text: str, pos: int) -> int:
    return _end_before(text, pos, _PUNCT)


def _start_after(text: str, pos: int, marks: str) -> int:
    """Just after the last of ``marks`` before ``pos``, at most ``WINDOW`` characters back."""
    lo = max(0, pos - WINDOW)
    found = max(text.rfind(mark, lo, pos) for mark in marks)
    return found + 1 if found >= 0 else lo


def _end_before(text: str, pos: int, marks: str) -> int:
    """The first of ``marks`` at or after ``pos``, at most ``WINDOW`` characters on."""
    hi = min(len(text), pos + WINDOW)
    ends = [i for i in (text.find(mark, pos, hi) for mark in marks) if i >= 0]
    return min(ends) if ends else hi


def _prefix_comparator(before: str) -> tuple[str, str] | None:
    for word, comparator in lexicon().prefix_comparators:
        if before.endswith(word):
            return word, comparator
    return None


def _suffix_comparator(text: str, end: int) -> tuple[str, str] | None:
    after = text[end : end + 4]
    for word, comparator in lexicon().suffix_comparators:
        if after.startswith(word):
            return word, comparator
    return None


def _group_targets(text: str, group: list[_Number], deadlines: Deadlines) -> list[Target]:
    start = _clause_start(text, group[0].start)
    core = text[_head_start(text, start, group[0].start) : group[0].start]
    prefix = _prefix_comparator(core) or _prefix_comparator(_strip_fillers(core)) or _inner_comparator(core)
    core = _strip_fillers(core)
    suffix = _suffix_comparator(text, group[-1].end)
    comparator = suffix[1] if suffix else (prefix[1] if prefix else None)
    if prefix:
        core = core[: core.rfind(prefix[0])]
    core = re.sub(r"(?:分别|均|全部|要|应)$", "", core).strip()
    words_end = group[-1].end + (len(suffix[0]) if suffix else 0)
    tail = text[words_end : _clause_end(text, words_end)].lstrip("的").strip(" )")
    measure, subjects = _measure_and_subjects(core, len(group))
    if group[0].unit not in lexicon().rate_units + lexicon().grade_units:
        # a count: what is counted follows it (新建70个国家级、300个省级…临床重点专科)
        subjects = [text[n.end : later.start].strip(list_separators())
                    for n, later in zip(group, group[1:], strict=False)]
        subjects.append(tail)
        measure = tail or core or None
    elif measure is None:
        measure = tail or None
    deadline, deadline_words = deadlines.at(group[0].start)
    targets = []
    for index, number in enumerate(group):
        subject = subjects[index] if len(subjects) == len(group) else (subjects[0] if len(subjects) == 1 else None)
        targets.append(Target(number.value, number.unit, comparator, measure, subject or None, deadline,
                              deadline_words, number.start, number.end if len(group) > 1 else words_end,
                              text[start:words_end]))
    return targets


def _head_start(text: str, clause_start: int, pos: int) -> int:
    """An unclosed bracket opens a clause of its own: 10%以内(深度贫困地区控制在5%以内)."""
    opened = text.rfind("(", clause_start, pos)
    if opened >= 0 and text.find(")", opened, pos) < 0:
        return opened + 1
    return clause_start


def _inner_comparator(core: str) -> tuple[str, str] | None:
    """不低于单位岗位总量的85%: the comparator may sit before the measure."""
    for word, comparator in lexicon().prefix_comparators:
        if word in core[-16:] and comparator != "=":
            return word, comparator
    return None


def _measure_and_subjects(core: str, count: int) -> tuple[str | None, list[str]]:
    """``所有公立三级医院、公立二级医院、社区卫生服务中心和乡镇卫生院门、急诊电子病历使用率`` → the measure
    ``急诊电子病历使用率`` and three subjects; without a measure word the words are the subject."""
    if not core:
        return None, []
    parts = split_units(core)
    last = parts[-1] if parts else core
    if not lexicon().measure_endings.search(last):
        return None, [core]
    if len(parts) > 1 and len(parts) - 1 == count:
        return last, parts[:-1]
    return (last, ["、".join(parts[:-1])]) if len(parts) > 1 else (core, [])


class Deadlines:
    """The deadlines a task prints, found once (one pass per pattern) and looked up per target."""

    def __init__(self, text: str, column_deadline: str | None = None):
        self.text = text
        self.hits = _deadline_hits(text)
        self.starts = [h.start() for h in self.hits]
        self.column = parse_deadline(column_deadline) if column_deadline else (None, None)

    def at(self, pos: int) -> tuple[str | None, str | None]:
        """The first deadline printed in the target's sentence, else the last one earlier in the task,
        else the table's deadline column."""
        start = _start_after(self.text, pos, _SENTENCE_END)
        end = _end_before(self.text, pos, _SENTENCE_END)
        first = bisect_left(self.starts, start)
        if first < len(self.hits) and self.starts[first] < end:
            return _as_date(self.hits[first])
        if first > 0:
            before = bisect_left(self.starts, self.starts[first - 1])  # the longest of the last start's hits
            return _as_date(self.hits[before])
        return self.column


def _deadline_hits(text: str) -> list[re.Match[str]]:
    """Every deadline pattern's matches, by position, the longer first where two start together."""
    hits = [m for pattern in lexicon().deadlines for m in pattern.finditer(text)]
    return sorted(hits, key=lambda h: (h.start(), -len(h.group(0))))


def parse_deadline(text: str | None) -> tuple[str | None, str | None]:
    """``到2025年`` → 2025-12-31, ``2021年6月底前`` → 2021-06-30, ``2020年底`` → 2020-12-31."""
    hits = _deadline_hits(text) if text else []
    return _as_date(hits[0]) if hits else (None, None)


def _as_date(m: re.Match[str]) -> tuple[str | None, str | None]:
    year, month, day = int(m.group("y")), m.groupdict().get("m"), m.groupdict().get("d")
    if month is None:
        return f"{year:04d}-12-31", m.group(0)
    month_n = int(month)
    if not 1 <= month_n <= 12:
        return None, None
    last_day = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month_n - 1]
    return f"{year:04d}-{month_n:02d}-{int(day) if day else last_day:02d}", m.group(0)


def _universal(text: str, numeric: list[Target], deadlines: Deadlines) -> list[Target]:
    """全覆盖 / 全部 → 100%, only beside numeric goals of the same sentence (see lexicon/targets.toml)."""
    lex = lexicon()
    found = []
    for word in lex.universal_words:
        for m in re.finditer(word, text):
            sentence_start = _start_after(text, m.start(), _SENTENCE_END)
            sentence_end = _end_before(text, m.end(), _SENTENCE_END)
            if word in lex.needs_numeric_sentence and not any(
                sentence_start <= t.start < sentence_end for t in numeric
            ):
                continue
            start = _clause_start(text, m.start())
            end = _clause_end(text, m.end())
            head = text[start : m.start()].strip()
            tail = text[m.end() : end].strip()
            deadline, deadline_words = deadlines.at(m.start())
            measure, subject = (tail, head) if word in lex.needs_numeric_sentence else (head, None)
            found.append(Target(100.0, "%", "=", measure or None, subject or None, deadline, deadline_words,
                                start, end, text[start:end], lex.universal_confidence))
    return found


@component("targets", "extract", requires=["Provision"], assigns=["Target", "SETS_TARGET"], initialize=lexicon)
def targets_extractor(parsed: ParsedDocument, fragment: Fragment) -> None:
    provisions = {n.id: n for n in fragment.nodes if n.kind == NodeKind.PROVISION}
    for pid, part in parsed.provisions:
        column_deadline = (part.columns or {}).get("deadline")
        if column_deadline and pid in provisions:
            provisions[pid].attrs["deadline"] = parse_deadline(column_deadline)[0] or column_deadline
        source = part.columns.get("task") if part.columns else None
        text = parsed.one_line(part.start, part.end)
        if source:  # a table row: read the task cell only
            offset = text.text.find(source)
            if offset < 0:
                continue
            text = type(text)(source, text.origin[offset : offset + len(source)], text.source_length)
        for index, target in enumerate(find_targets(text.text, column_deadline)):
            tid = target_id(pid, index)
            span = parsed.source_span(text.origin[target.start], text.origin[target.end - 1] + 1)
            value = int(target.value) if target.value.is_integer() else target.value
            attrs = {
                "value": value, "unit": target.unit, "comparator": target.comparator, "measure": target.measure,
                "subject": target.subject, "deadline": target.deadline, "deadline_words": target.deadline_words,
                "words": target.words,
            }
            fragment.add(Node(tid, NodeKind.TARGET, attrs, document=parsed.id, span=span, extractor=EXTRACTOR,
                              confidence=target.confidence))
            fragment.add(Edge(pid, tid, EdgeKind.SETS_TARGET, {"words": target.words}, document=parsed.id,
                              span=span, extractor=EXTRACTOR, confidence=target.confidence))
