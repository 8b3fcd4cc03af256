"""Cut a normalised document into sections and provisions.

Markers follow the official hierarchy (GB/T 9704): ``第一部分`` › ``一、`` › ``（一）`` / ``第一条``
› ``1.`` / ``1、`` › ``（1）`` › ``①``. Provisions are the leaf *items*: where ``（一）`` heads a
group of ``1.`` tasks, the tasks are provisions and ``（一）`` is a section. ``（1）`` and ``①``
are clauses inside a provision unless a document has no items at all. Task tables give one
provision per numbered row. Odd numbering is reported as a warning and never merges two items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.domain.numerals import chinese_to_int

from .normalize import join_lines
from .text import OffsetText

_CN = "一二三四五六七八九十百〇零两"
_MARKERS: tuple[tuple[str, int, str, re.Pattern[str]], ...] = (
    # style, rank, role, pattern (on a stripped, width-folded line)
    ("part", 0, "section", re.compile(rf"^第([{_CN}\d]+)(?:部分|章|篇)")),
    ("chinese", 1, "section", re.compile(rf"^([{_CN}]+)[、.]")),
    ("paren-chinese", 2, "item", re.compile(rf"^[(〔]([{_CN}]+)[)〕]")),
    ("article", 2, "item", re.compile(rf"^第([{_CN}\d]+)条")),
    ("arabic", 3, "item", re.compile(r"^(\d{1,3})(?:[.、](?!\d)|\s*[.、]\s)")),
    ("paren-arabic", 4, "clause", re.compile(r"^\((\d{1,3})\)")),
    ("circled", 5, "clause", re.compile(r"^([\u2460-\u2473])")),
)
_ITEM_JUMP_LIMIT = 5  # a forward jump larger than this is text that merely starts with a number
_SENTENCE_END = re.compile(r"[。;；!?！？]")


@dataclass
class Block:
    """A marked unit of the document: a section heading or an item."""

    style: str
    rank: int
    role: str  # section | item | clause | table-row
    number: int
    label: str  # the marker as printed, e.g. "（十二）"
    start: int  # clean-text offsets of the whole block (marker to the end of its text)
    end: int
    line: int
    parent: Block | None = None
    children: list[Block] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # task-table cells by column role


@dataclass
class SectionPart:
    number: int
    label: str
    title: str
    level: int
    start: int
    end: int
    parent_index: int | None  # index into Structure.sections


@dataclass
class ProvisionPart:
    number: int
    label: str
    text: str  # the item's text on one line, normalised
    heading: str  # its first sentence when that reads as a heading
    start: int  # clean-text span
    end: int
    section_index: int | None
    path: list[int]  # numbers from the top section down to this item
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class Structure:
    sections: list[SectionPart]
    provisions: list[ProvisionPart]
    body_start: int  # clean offset of the first marker: what precedes it is the preamble
    warnings: list[str]


@dataclass
class _Line:
    text: str  # stripped
    start: int  # clean offset of the stripped text
    end: int
    number: int


def split_lines(text: OffsetText) -> list[_Line]:
    lines = []
    offset = 0
    for index, raw in enumerate(text.text.split("\n")):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        if stripped:
            lines.append(_Line(stripped, offset + lead, offset + lead + len(stripped), index + 1))
        offset += len(raw) + 1
    return lines


def match_marker(line: str) -> tuple[str, int, str, int, str] | None:
    for style, rank, role, pattern in _MARKERS:
        m = pattern.match(line)
        if m:
            number = chinese_to_int(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
            if style == "circled":
                number = ord(m.group(1)) - 0x245F
            if number is None or number == 0:
                return None
            return style, rank, role, number, m.group(0)
    return None


def segment(text: OffsetText) -> Structure:
    lines = split_lines(text)
    warnings: list[str] = []
    blocks = _table_blocks(lines, warnings) or _marker_blocks(lines, warnings)
    if not blocks:
        return Structure([], [], len(text), warnings)
    _close_blocks(blocks, len(text.text))
    return _assemble(text, blocks, warnings)


def _marker_blocks(lines: list[_Line], warnings: list[str]) -> list[Block]:
    blocks: list[Block] = []
    stack: list[Block] = []
    last_number: dict[str, int] = {}
    for line in lines:
        found = match_marker(line.text)
        if not found:
            continue
        style, rank, role, number, label = found
        previous = last_number.get(style)
        if role == "section" and previous is None:
            if number != 1:
                warnings.append(f"line {line.number}: the first section is numbered {label}")
        elif not _plausible(previous, number):
            warnings.append(f"line {line.number}: starts like {role} {label} but follows {previous}; kept as text")
            continue
        _warn_sequence(style, role, previous, number, label, line.number, warnings)
        last_number[style] = number
        while stack and stack[-1].rank >= rank:
            stack.pop()
        block = Block(style, rank, role, number, label, line.start, line.end, line.number)
        if stack:
            block.parent = stack[-1]
            stack[-1].children.append(block)
        stack.append(block)
        blocks.append(block)
    return blocks


def _plausible(previous: int | None, number: int) -> bool:
    """Numbers run on, restart at 1 under a new parent, or repeat (reported); big jumps are text."""
    if previous is None or number == 1:
        return number <= _ITEM_JUMP_LIMIT + 1
    return previous <= number <= previous + _ITEM_JUMP_LIMIT


def _warn_sequence(style, role, previous, number, label, line_no, warnings) -> None:
    if previous is None or number == previous + 1 or (number == 1 and role != "section"):
        return
    if number == previous:
        warnings.append(f"line {line_no}: {role} {label} repeats the number of the {role} before it")
    elif number > previous + 1:
        missing = ", ".join(str(n) for n in range(previous + 1, number))
        warnings.append(f"line {line_no}: numbering jumps from {previous} to {number}; no {role} {missing}")
    else:
        warnings.append(f"line {line_no}: {role} {label} is numbered below the {role} before it ({previous})")


def _close_blocks(blocks: list[Block], text_end: int) -> None:
    """A block runs to the start of the next block that is not one of its clauses."""
    for index, block in enumerate(blocks):
        if block.role == "table-row":
            continue  # one table row is one line
        end = text_end
        for later in blocks[index + 1 :]:
            if later.role != "clause" or later.rank <= block.rank or block.role == "clause":
                end = later.start
                break
        block.end = max(block.end, end)


def _assemble(text: OffsetText, blocks: list[Block], warnings: list[str]) -> Structure:
    has_items = any(b.role in ("item", "table-row") for b in blocks)
    leaf_roles = ("item", "table-row") if has_items else ("clause",)

    def is_provision(block: Block) -> bool:
        if block.role not in leaf_roles:
            return False
        return not any(child.role in leaf_roles for child in block.children)

    sections: list[SectionPart] = []
    section_index: dict[int, int] = {}
    provisions: list[ProvisionPart] = []
    for block in blocks:
        if is_provision(block):
            parent = _nearest_section(block, section_index)
            provisions.append(_provision(text, block, parent))
        elif block.role == "section" or (block.role in leaf_roles and not is_provision(block)):
            parent = _nearest_section(block, section_index)
            section_index[id(block)] = len(sections)
            level = 1 + _depth(block)
            title_end = min(text.text.find("\n", block.start) % (len(text.text) + 1), block.end)
            title = text.text[block.start + len(block.label) : title_end].strip()
            sections.append(SectionPart(block.number, block.label, title, level, block.start, block.end, parent))
    if not provisions:
        warnings.append("no numbered provisions found")
    return Structure(sections, provisions, blocks[0].start, warnings)


def _depth(block: Block) -> int:
    depth = 0
    while block.parent is not None:
        depth, block = depth + 1, block.parent
    return depth


def _nearest_section(block: Block, section_index: dict[int, int]) -> int | None:
    parent = block.parent
    while parent is not None:
        if id(parent) in section_index:
            return section_index[id(parent)]
        parent = parent.parent
    return None


def _provision(text: OffsetText, block: Block, section: int | None) -> ProvisionPart:
    end = _trim_end(text.text, block.start, block.end)
    body = OffsetText(text.text[block.start : end], text.origin[block.start : end], text.source_length)
    one_line = join_lines(body).text.strip()
    is_row = block.role == "table-row"
    content = block.columns.get("task", one_line) if is_row else one_line[len(block.label) :].strip()
    path = []
    node: Block | None = block
    while node is not None:
        path.insert(0, node.number)
        node = node.parent
    return ProvisionPart(
        number=block.number,
        label=block.label,
        text=content,
        heading=_heading(content),
        start=block.start,
        end=end,
        section_index=section,
        path=path,
        columns=dict(block.columns),
    )


# A responsibility annotation closes an item; paragraphs after it on later lines are the
# document's closing words, not part of the item.
_CLOSING_ANNOTATION = re.compile(r"[(〔][^()〔〕]{2,200}?(?:负责|责任单位[^()〔〕]*|不再列出)[)〕][ \t]*\n")


def _trim_end(text: str, start: int, end: int) -> int:
    last = None
    for last in _CLOSING_ANNOTATION.finditer(text, start, end):  # noqa: B007 - we want the last one
        pass
    if last and text[last.end() : end].strip():
        end = last.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _heading(content: str) -> str:
    m = _SENTENCE_END.search(content)
    if m and m.start() <= 40:
        return content[: m.start()]
    return ""


# --- task tables -------------------------------------------------------------------------

_COLUMN_ROLES = (
    ("number", re.compile(r"^(序号|编号|序次)$")),
    ("lead", re.compile(r"牵头")),
    ("support", re.compile(r"配合|协助|参与")),
    ("deadline", re.compile(r"时限|时间|进度")),
    ("responsible", re.compile(r"责任(单位|部门)")),
    ("task", re.compile(r"任务|内容|事项|措施|工作")),
)
_CELL_SPLIT = re.compile(r"\t+|\s*\|\s*")


def _cells(line: str) -> list[str]:
    stripped = line.strip().strip("|")
    return [cell.strip() for cell in _CELL_SPLIT.split(stripped)]


def _table_blocks(lines: list[_Line], warnings: list[str]) -> list[Block]:
    """Rows of a task table (重点任务分工表) as provisions; sections are the marker lines around it."""
    header: dict[int, str] | None = None
    blocks: list[Block] = []
    section: Block | None = None
    for line in lines:
        is_row = "\t" in line.text or line.text.count("|") >= 2
        if not is_row:
            found = match_marker(line.text)
            if header is not None and found and found[2] == "section":
                style, rank, role, number, label = found
                section = Block(style, rank, role, number, label, line.start, line.end, line.number)
                blocks.append(section)
            continue
        cells = _cells(line.text)
        if header is None:
            header = _header_roles(cells)
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # markdown separator row
        row = _table_row(cells, header, line, section)
        if row is None:
            found = match_marker(cells[0]) if cells else None
            if found and found[2] == "section":
                style, rank, role, number, label = found
                section = Block(style, rank, role, number, label, line.start, line.end, line.number)
                blocks.append(section)
            continue
        blocks.append(row)
    rows = [b for b in blocks if b.role == "table-row"]
    return blocks if rows else []


def _header_roles(cells: list[str]) -> dict[int, str] | None:
    roles: dict[int, str] = {}
    for index, cell in enumerate(cells):
        for role, pattern in _COLUMN_ROLES:
            if pattern.search(cell) and role not in roles.values():
                roles[index] = role
                break
    return roles if "task" in roles.values() and len(roles) >= 2 else None


def _table_row(cells, header, line: _Line, section: Block | None) -> Block | None:
    if header is None:
        return None
    by_role = {role: cells[i] for i, role in header.items() if i < len(cells)}
    raw_number = by_role.get("number", cells[0] if cells else "")
    number_text = raw_number.strip("().、（）")
    number = int(number_text) if number_text.isdigit() else chinese_to_int(number_text)
    if not number or not by_role.get("task"):
        return None
    block = Block("table-row", 3, "table-row", number, raw_number, line.start, line.end, line.number)
    block.columns = {role: value for role, value in by_role.items() if role != "number"}
    if section is not None:
        block.parent = section
        section.children.append(block)
    return block
