"""Word's automatic list numbering: the ``（一）`` or ``1.`` a paragraph shows but its text does not hold.

A numbered paragraph names a list instance (``w:numId``) and a level (``w:ilvl``), directly or through its
style. The instance points at an abstract definition (numbering.xml) whose level gives the start value, the
number format (decimal, chineseCounting, …), the label template (``（%2）``) and when it restarts; instances of
one abstract definition continue each other's count unless they override a level's start. No Python library
computes these labels (python-docx, docx2python and mammoth leave them out or render them as ``1)``), so this
module does, on the XML python-docx exposes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn

_MAX_LEVELS = 9
_TEMPLATE_SLOT = re.compile(r"%([1-9])")


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    template: str = "%1."
    restart_after: int | None = None  # w:lvlRestart (1-based level; 0 never); None: after any higher level
    suffix: str = "tab"  # w:suff: tab | space | nothing
    legal: bool = False  # w:isLgl: every number shown in decimal


@dataclass
class ListInstance:
    counter_key: str  # instances of one abstract definition share a count unless they override a start
    levels: dict[int, Level]
    start_overrides: dict[int, int] = field(default_factory=dict)
    started: bool = False


class Numbering:
    """Labels of a document's numbered paragraphs, computed in reading order (call ``label`` once per paragraph)."""

    def __init__(self, numbering_xml, styles_xml) -> None:
        self.instances = _instances(numbering_xml)
        self.style_numbers = _style_numbers(styles_xml)
        self.style_levels = _style_levels(numbering_xml)
        self.counts: dict[str, dict[int, int]] = {}

    def label(self, paragraph) -> str:
        """The label a numbered ``w:p`` shows, with its separator; "" for unnumbered paragraphs and bullets."""
        found = self._reference(paragraph)
        if found is None:
            return ""
        num_id, level_index = found
        instance = self.instances.get(num_id)
        if instance is None or level_index not in instance.levels:
            return ""
        counts = self.counts.setdefault(instance.counter_key, {})
        if not instance.started:
            instance.started = True
            for level, start in instance.start_overrides.items():
                counts[level] = start - 1
        counts[level_index] = counts.get(level_index, instance.levels[level_index].start - 1) + 1
        for deeper in range(level_index + 1, _MAX_LEVELS):
            restart = instance.levels.get(deeper, Level()).restart_after
            if restart is None or (restart and level_index < restart):
                counts.pop(deeper, None)
        level = instance.levels[level_index]
        if level.fmt in ("bullet", "none"):
            return ""
        text = _TEMPLATE_SLOT.sub(lambda m: self._shown(instance, counts, int(m.group(1)) - 1, level.legal),
                                  level.template)
        return text + {"space": " ", "nothing": ""}.get(level.suffix, " ") if text else ""

    def _shown(self, instance: ListInstance, counts: dict[int, int], index: int, legal: bool) -> str:
        level = instance.levels.get(index, Level())
        value = counts.get(index, level.start)
        return format_number(value, "decimal" if legal else level.fmt)

    def _reference(self, paragraph) -> tuple[str, int] | None:
        p_pr = paragraph.find(qn("w:pPr"))
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        style_id = _val(p_pr.find(qn("w:pStyle"))) if p_pr is not None else None
        num_id = _val(num_pr.find(qn("w:numId"))) if num_pr is not None else None
        ilvl = _val(num_pr.find(qn("w:ilvl"))) if num_pr is not None else None
        if num_id is None and style_id in self.style_numbers:
            num_id, ilvl = self.style_numbers[style_id]
        if num_id is None or num_id == "0":  # numId 0 switches a style's numbering off
            return None
        if ilvl is None:
            ilvl = self.style_levels.get(style_id, "0")
        return num_id, int(ilvl)


def _val(element) -> str | None:
    return element.get(qn("w:val")) if element is not None else None


def _levels(parent) -> dict[int, Level]:
    levels = {}
    for lvl in parent.findall(qn("w:lvl")):
        restart = _val(lvl.find(qn("w:lvlRestart")))
        levels[int(lvl.get(qn("w:ilvl"), "0"))] = Level(
            start=int(_val(lvl.find(qn("w:start"))) or 1),
            fmt=_val(lvl.find(qn("w:numFmt"))) or "decimal",
            template=_val(lvl.find(qn("w:lvlText"))) or "",
            restart_after=int(restart) if restart is not None else None,
            suffix=_val(lvl.find(qn("w:suff"))) or "tab",
            legal=lvl.find(qn("w:isLgl")) is not None,
        )
    return levels


def _instances(numbering_xml) -> dict[str, ListInstance]:
    if numbering_xml is None:
        return {}
    abstract = {a.get(qn("w:abstractNumId")): a for a in numbering_xml.findall(qn("w:abstractNum"))}
    instances = {}
    for num in numbering_xml.findall(qn("w:num")):
        num_id = num.get(qn("w:numId"))
        abstract_id = _val(num.find(qn("w:abstractNumId")))
        definition = abstract.get(abstract_id)
        if definition is None:
            continue
        link = _val(definition.find(qn("w:numStyleLink")))  # a definition that borrows a list style's levels
        levels = _levels(definition) or _linked_levels(abstract, link)
        overrides: dict[int, int] = {}
        for override in num.findall(qn("w:lvlOverride")):
            index = int(override.get(qn("w:ilvl"), "0"))
            start = _val(override.find(qn("w:startOverride")))
            if start is not None:
                overrides[index] = int(start)
            levels.update(_levels(override))
        key = f"num:{num_id}" if overrides else f"abstract:{abstract_id}"
        instances[num_id] = ListInstance(key, levels, overrides)
    return instances


def _linked_levels(abstract: dict, style: str | None) -> dict[int, Level]:
    for definition in abstract.values():
        if style and _val(definition.find(qn("w:styleLink"))) == style:
            return _levels(definition)
    return {}


def _style_numbers(styles_xml) -> dict[str, tuple[str, str | None]]:
    """Paragraph styles that number their paragraphs (Heading styles linked to a list), basedOn followed."""
    if styles_xml is None:
        return {}
    direct, based_on = {}, {}
    for style in styles_xml.findall(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        based_on[style_id] = _val(style.find(qn("w:basedOn")))
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            direct[style_id] = (_val(num_pr.find(qn("w:numId"))), _val(num_pr.find(qn("w:ilvl"))))
    resolved = {}
    for style_id in based_on:
        seen, current = set(), style_id
        while current and current not in direct and current not in seen:
            seen.add(current)
            current = based_on.get(current)
        if current in direct:
            resolved[style_id] = direct[current]
    return resolved


def _style_levels(numbering_xml) -> dict[str, str]:
    """A level that names its paragraph style (``w:lvl/w:pStyle``) is the level of that style's paragraphs."""
    if numbering_xml is None:
        return {}
    levels = {}
    for lvl in numbering_xml.iter(qn("w:lvl")):
        style = _val(lvl.find(qn("w:pStyle")))
        if style:
            levels.setdefault(style, lvl.get(qn("w:ilvl"), "0"))
    return levels


# --- number formats -------------------------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def chinese_numeral(n: int, digits: str = _CN_DIGITS, ten: str = "十", hundred: str = "百") -> str:
    """12 → 十二, 20 → 二十, 105 → 一百零五 (as list labels print them)."""
    if n <= 0 or n >= 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = digits[hundreds] + hundred if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + ten
    elif hundreds and ones:
        out += "零"
    return out + (digits[ones] if ones else "")


def _roman(n: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _enclosed(n: int, first: int, count: int = 20) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),
    "decimalFullWidth2": lambda n: str(n).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": lambda n: _enclosed(n, 0x2460),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, 0x2460),
    "decimalEnclosedParen": lambda n: _enclosed(n, 0x2474),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, 0x2488),
    "ideographEnclosedCircle": lambda n: _enclosed(n, 0x3280, 10),
    "chineseCounting": chinese_numeral,
    "chineseCountingThousand": chinese_numeral,
    "japaneseCounting": chinese_numeral,
    "taiwaneseCounting": chinese_numeral,
    "taiwaneseCountingThousand": chinese_numeral,
    "ideographDigital": lambda n: "".join(_CN_DIGITS[int(d)] for d in str(n)),
    "chineseLegalSimplified": lambda n: chinese_numeral(n, _CN_LEGAL, "拾", "佰"),
    "ideographTraditional": lambda n: _HEAVENLY_STEMS[(n - 1) % 10] if n > 0 else str(n),
    "ideographZodiac": lambda n: _EARTHLY_BRANCHES[(n - 1) % 12] if n > 0 else str(n),
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": _roman,
    "ordinal": lambda n: f"{n}.",
}


def format_number(n: int, fmt: str) -> str:
    return _FORMATS.get(fmt, str)(n)
