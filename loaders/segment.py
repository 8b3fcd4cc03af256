"""Cut a normalised document into a tree of sections and provisions.

Markers follow the official hierarchy (GB/T 9704): ``第一部分``/``第一章`` › ``一、`` › ``（一）`` /
``第一条`` › ``1.`` / ``1、`` › ``（1）`` › ``①`` (the styles and words live in
``lexicon/structure.toml``). Every numbered unit is a node of the tree with its printed number, its
level and its path (``二/（三）/1``), so numbering that restarts in every section stays apart.

Provisions are the leaves that carry tasks: where ``（一）`` heads a group of ``1.`` tasks, the tasks
are provisions and ``（一）`` is a section; a ``一、`` printed as a paragraph (一、各单位要……。) is an
item. In a regulation the articles (第X条) are the provisions and their ``（一）（二）`` are clauses,
unless an article holds a duty list (（一）区应急局：……), whose items are provisions. Where a section
that carries tasks has no numbered items, each of its paragraphs is a provision (``一/¶2``), numbered
in reading order and marked unnumbered. Appendices (附件, 附表) start a numbering of their own; their
tables are read back into rows (``tables.py``): a task table's rows are provisions, any other table is
kept whole on a section. Odd numbering is reported and never merges two items.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from policykg.domain.numerals import chinese_to_int

from .conventions import Conventions, conventions
from .normalize import join_lines
from .tables import Cell, Table, category_number, flattened_table, header_at
from .text import OffsetText

_SENTENCE_END = re.compile(r"[。;；!?！？]")
_PARAGRAPH_END = tuple("。;；!?！？:：”」)）")
_DATE_LINE = re.compile(r"^(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日$")
_SHORT_LINE = 40
_NOTE_LINE = re.compile(r"^(?:注|备注|说明)\s*[:：]")


@dataclass
class Block:
    """A marked unit of the document: a section heading, an item, a clause, a paragraph, a table row."""

    style: str
    rank: int
    role: str  # section | item | clause | paragraph | table-row | appendix
    number: int | None
    label: str  # the marker as printed, e.g. "(十二)"; "" for a paragraph
    start: int  # clean-text offsets of the whole block (marker to the end of its text)
    end: int
    line: int
    parent: Block | None = None
    children: list[Block] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # task-table cells by column role
    numbered: bool = True
    title: str = ""
    table: Table | None = None


@dataclass
class SectionPart:
    number: int | None
    label: str
    title: str
    level: int
    start: int
    end: int
    parent_index: int | None  # index into Structure.sections
    path_label: str = ""  # 二/（三）
    kind: str | None = None  # 任务, 保障措施 … (lexicon/structure.toml), 附件 for an appendix
    style: str = ""
    numbered: bool = True
    table: dict[str, object] | None = None  # a data table kept whole (Table.record())


@dataclass
class ProvisionPart:
    number: int
    label: str
    text: str  # the item's text on one line, normalised
    heading: str  # its first sentence when that reads as a heading, or an article's caption
    start: int  # clean-text span
    end: int
    section_index: int | None
    path: list[int]  # numbers from the top section down to this item
    columns: dict[str, str] = field(default_factory=dict)
    path_label: str = ""  # 二/（三）/1, 一/¶2, 附表1/3
    id_path: str = ""  # 2.3.1, 1.u2, a1.3: the provision's id where its number repeats
    level: int = 1
    kind: str | None = None
    numbered: bool = True  # False: an unnumbered paragraph or table row, numbered in reading order
    style: str = ""


@dataclass(frozen=True)
class StructureNote:
    """Something the segmenter read in an unusual way, for the reading report."""

    kind: str  # gap | repeat | below | restart | first | kept-as-text | contents | attachments | table
    line: int
    detail: str
    path: str = ""


@dataclass
class Structure:
    sections: list[SectionPart]
    provisions: list[ProvisionPart]
    body_start: int  # clean offset of the first marker: what precedes it is the preamble
    warnings: list[str]
    notes: list[StructureNote] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class _Line:
    text: str  # stripped
    start: int  # clean offset of the stripped text
    end: int
    number: int
    gap_before: bool = False  # a blank line precedes it: a new paragraph (a new cell, in a flattened table)


def split_lines(text: OffsetText) -> list[_Line]:
    lines = []
    offset = 0
    blank = True
    for index, raw in enumerate(text.text.split("\n")):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        if stripped:
            lines.append(_Line(stripped, offset + lead, offset + lead + len(stripped), index + 1, blank))
        blank = not stripped
        offset += len(raw) + 1
    return lines


def match_marker(line: str, conv: Conventions | None = None) -> tuple[str, int, str, int, str] | None:
    for numbering in (conv or conventions()).numbering:
        m = numbering.pattern.match(line)
        if not m:
            continue
        printed = m.group(1)
        if numbering.style == "circled":
            number: int | None = ord(printed) - 0x245F
        elif printed in ("l", "I"):
            number = 1
        else:
            number = int(printed) if printed.isdigit() else chinese_to_int(printed)
        if number is None or number == 0:
            return None
        return numbering.style, numbering.rank, numbering.role, number, m.group(0)
    return None


def segment(text: OffsetText) -> Structure:
    conv = conventions()
    lines = split_lines(text)
    reader = _Reader(text, lines, conv)
    blocks = reader.delimited_table_blocks() or reader.marker_blocks()
    if not blocks:
        return Structure([], [], len(text), reader.warnings, reader.notes)
    reader.close_blocks(blocks)
    return reader.assemble(blocks)


class _Reader:
    """One document's lines and what has been read from them."""

    def __init__(self, text: OffsetText, lines: list[_Line], conv: Conventions):
        self.text, self.lines, self.conv = text, lines, conv
        self.warnings: list[str] = []
        self.notes: list[StructureNote] = []
        self.tables: list[Table] = []
        self.stops: list[int] = []  # clean offsets where every block ends: appendices, signatures, lists
        self._line_starts: list[int] | None = None

    def note(self, kind: str, line: int, detail: str, path: str = "", warn: bool = True) -> None:
        self.notes.append(StructureNote(kind, line, detail, path))
        if warn:
            self.warnings.append(f"line {line}: {detail}")

    # --- the parts of a document: body and appendices ------------------------------------------

    def marker_blocks(self) -> list[Block]:
        skipped = self._contents_lines() | self._attachment_lists()
        self._signature_stops()
        blocks: list[Block] = []
        for root, part in self._parts(skipped):
            if root is not None:
                blocks.append(root)
            table_from = self._table_start(part) if root is not None else None
            text_lines = part if table_from is None else part[:table_from]
            blocks.extend(_Tree(self, root).build(text_lines))
            if table_from is not None:
                blocks.extend(self._table_part(root, part[table_from:]))
        self._promote(blocks)
        blocks.extend(self._paragraph_blocks(blocks))
        blocks.sort(key=lambda b: (b.start, _depth(b)))
        return blocks

    def _parts(self, skipped: set[int]) -> list[tuple[Block | None, list[_Line]]]:
        """The body, then each appendix with the lines under its heading."""
        parts: list[tuple[Block | None, list[_Line]]] = [(None, [])]
        for index, line in enumerate(self.lines):
            if index in skipped:
                continue
            heading = self.conv.appendix_heading.match(line.text)
            if heading:
                label = f"附{heading.group(1)}{heading.group(2)}"
                number = int(heading.group(2)) if heading.group(2) else None
                title = self._appendix_title(index)
                root = Block("appendix", -1, "appendix", number, label, line.start, line.end, line.number,
                             title=title)
                self.stops.append(line.start)
                parts.append((root, []))
                continue
            parts[-1][1].append(line)
        return parts

    def _appendix_title(self, index: int) -> str:
        following = self.lines[index + 1 : index + 2]
        if following and not match_marker(following[0].text, self.conv) and len(following[0].text) <= 60:
            return following[0].text
        return ""

    def _attachment_lists(self) -> set[int]:
        """Lines that list a notice's attachments (附件：1.…… 2.……): text, not items."""
        skipped: set[int] = set()
        for index, line in enumerate(self.lines):
            if not self.conv.appendix_listing.match(line.text):
                continue
            alone = bool(self.conv.appendix_heading.match(line.text))
            listed = [i for i in range(index + 1, len(self.lines)) if self.conv.listed_title.match(self.lines[i].text)]
            run = []
            for i in listed:
                if i != index + 1 + len(run):
                    break
                run.append(i)
            if alone and not run:
                continue  # a bare 附件： over the appendix itself
            skipped.update([index, *run])
            self.stops.append(line.start)
            self.note("attachments", line.number, f"attachment list ({1 + len(run) if not alone else len(run)} "
                      "entries) kept as text", warn=False)
        return skipped

    def _contents_lines(self) -> set[int]:
        """A table of contents (目录 then chapter headings, before the chapters): skipped."""
        for index, line in enumerate(self.lines):
            if not self.conv.contents_heading.match(line.text):
                continue
            run = []
            for i in range(index + 1, len(self.lines)):
                found = match_marker(self.lines[i].text, self.conv)
                if not found or found[2] != "section" or (run and found[3] == 1):
                    break
                run.append(i)
            if run:
                self.note("contents", line.number, f"table of contents ({len(run)} headings) skipped", warn=False)
                return {index, *run}
        return set()

    def _signature_stops(self) -> None:
        """A signature (the issuing bodies over a date line) ends whatever item precedes it."""
        for index, line in enumerate(self.lines):
            if not _DATE_LINE.match(line.text) or index == 0:
                continue
            top = index
            while top > 0 and _is_signature_line(self.lines[top - 1].text, self.conv) and index - top < 8:
                top -= 1
            if top < index:
                self.stops.append(self.lines[top].start)

    # --- tables in appendices ---------------------------------------------------------------

    def _table_start(self, part: list[_Line]) -> int | None:
        cells = _cells(part)
        for index in range(len(cells)):
            if header_at([c for c, _ in cells], index, self.conv):
                return cells[index][1]
        return None

    def _table_part(self, root: Block | None, lines: list[_Line]) -> list[Block]:
        """A flattened table: task rows as provisions under their groups, a data table kept whole."""
        notes_at = next((i for i, line in enumerate(lines) if _NOTE_LINE.match(line.text)), len(lines))
        cells = [c for c, _ in _cells(lines[:notes_at])]
        header = header_at(cells, 0, self.conv) or []
        title = root.title if root is not None else ""
        table = flattened_table(header, cells[len(header):], self.conv, title)
        self.tables.append(table)
        first = lines[0]
        for note in table.notes:
            self.note("table", first.number, f"table {title or first.text}: {note}", warn=False)
        if table.kind != "tasks":
            block = Block("table", 0, "table", None, "", table.start, table.end, first.number, root,
                          numbered=False, title=title, table=table)
            if root is not None:
                root.children.append(block)
            return [block]
        return self._task_row_blocks(root, table, first.number)

    def _task_row_blocks(self, root: Block | None, table: Table, line: int) -> list[Block]:
        blocks: list[Block] = []
        groups: dict[str, Block] = {}
        by_number: dict[tuple[str | None, int], Block] = {}
        for row in table.rows:
            parent = root
            if row.group:
                parent = groups.get(row.group)
                if parent is None:
                    number = category_number(row.group)
                    parent = Block("table-group", 1, "section", number, row.group.split("、")[0] + "、" if number
                                   else "", row.start, row.end, line, root, numbered=number is not None,
                                   title=row.group)
                    groups[row.group] = parent
                    if root is not None:
                        root.children.append(parent)
                    blocks.append(parent)
            own_numbers = "number" in table.roles
            merged = by_number.get((row.group, row.number)) if row.number is not None and not own_numbers else None
            if merged is not None:  # another task row of the same numbered item (项目 2 with two rows)
                _merge_columns(merged.columns, row.values)
                merged.end = max(merged.end, row.end)
                continue
            label = str(row.number) if row.number is not None else ""
            position = row.number if row.number is not None else len(table.rows[: table.rows.index(row)]) + 1
            block = Block("table-row", 3, "table-row", position, label, row.start, row.end, line, parent,
                          columns={k: v for k, v in row.values.items() if k != "number"},
                          numbered=row.number is not None)
            if parent is not None:
                parent.children.append(block)
            blocks.append(block)
            if row.number is not None:
                by_number[(row.group, row.number)] = block
        return blocks

    # --- roles that depend on what a block holds --------------------------------------------

    def _promote(self, blocks: list[Block]) -> None:
        """Duty lists inside articles become items; a 一、 printed as a paragraph is an item."""
        for block in blocks:
            if block.style == "article":
                heads = [c for c in block.children if c.style == "paren-chinese"]
                headed = [c for c in heads if self.conv.article_unit_head.match(self._after_label(c))]
                if len(headed) >= 2 and len(headed) * 2 >= len(heads):
                    for child in heads:
                        child.role = "item"
            elif block.role == "section" and block.style == "chinese" and not block.children:
                rest = self._after_label(block)
                if len(rest) > self.conv.heading_chars or _SENTENCE_END.search(rest):
                    block.role = "item"

    def _after_label(self, block: Block) -> str:
        line_end = self.text.text.find("\n", block.start)
        line_end = len(self.text.text) if line_end < 0 else line_end
        return self.text.text[block.start + len(block.label) : line_end].strip()

    def _paragraph_blocks(self, blocks: list[Block]) -> list[Block]:
        """Paragraphs of sections that carry tasks but number none: provisions without a number."""
        has_items = any(b.role in ("item", "table-row") for b in blocks)
        made: list[Block] = []
        ends = self._block_ends(blocks)
        for block in blocks:
            if block.role != "section" or block.style == "table-group":
                continue
            if any(c.role in ("item", "section", "table-row", "table") for c in block.children):
                continue
            kind = self.conv.kind_of(self._after_label(block))
            if (kind.paragraphs if kind is not None else not has_items) is False:
                continue  # of no kind: its paragraphs are tasks only where nothing else is numbered
            if block.children and has_items:
                continue  # only clauses beneath it: they are its text
            made.extend(self._paragraphs_of(block, ends[id(block)]))
        return made

    def _block_ends(self, blocks: list[Block]) -> dict[int, int]:
        starts = sorted({b.start for b in blocks} | set(self.stops) | {len(self.text.text)})
        # The first start after each block's, by bisection: a scan per block was quadratic on a long notice.
        return {id(block): starts[bisect.bisect_right(starts, block.start)] for block in blocks}

    def _paragraphs_of(self, section: Block, end: int) -> list[Block]:
        lines = [line for line in self.lines if section.start < line.start < end]
        paragraphs: list[list[_Line]] = []
        for line in lines:
            if paragraphs and not paragraphs[-1][-1].text.endswith(_PARAGRAPH_END):
                paragraphs[-1].append(line)  # a line broken inside a sentence
            else:
                paragraphs.append([line])
        made = []
        for group in paragraphs:
            joined = "".join(line.text for line in group)
            if self.conv.is_closing(joined) or len(joined) < 8:
                continue
            block = Block("paragraph", section.rank + 1, "paragraph", len(made) + 1, "", group[0].start,
                          group[-1].end, group[0].number, section, numbered=False)
            section.children.append(block)
            made.append(block)
        return made

    # --- task tables printed as delimited rows (tabs from HTML, Markdown pipes) -------------------

    def delimited_table_blocks(self) -> list[Block]:
        """Rows of a task table (重点任务分工表) as provisions; sections are the marker lines around it."""
        header: dict[int, str] | None = None
        blocks: list[Block] = []
        section: Block | None = None
        for line in self.lines:
            is_row = "\t" in line.text or line.text.count("|") >= 2
            if not is_row:
                found = match_marker(line.text, self.conv)
                if header is not None and found and found[2] == "section":
                    section = self._section_block(found, line)
                    blocks.append(section)
                continue
            cells = _split_cells(line.text)
            if header is None:
                header = self._header_roles(cells)
                continue
            if set("".join(cells)) <= set("-: "):
                continue  # markdown separator row
            row = _table_row(cells, header, line, section)
            if row is None:
                found = match_marker(cells[0], self.conv) if cells else None
                if found and found[2] == "section":
                    section = self._section_block(found, line)
                    blocks.append(section)
                continue
            blocks.append(row)
        rows = [b for b in blocks if b.role == "table-row"]
        return blocks if rows else []

    def _section_block(self, found: tuple[str, int, str, int, str], line: _Line) -> Block:
        style, rank, role, number, label = found
        return Block(style, rank, role, number, label, line.start, line.end, line.number)

    def _header_roles(self, cells: list[str]) -> dict[int, str] | None:
        roles: dict[int, str] = {}
        for index, cell in enumerate(cells):
            role = self.conv.column_role(cell)
            if role and role not in roles.values():
                roles[index] = role
        if "task" not in roles.values():  # 事项 carries the task where no column is called 任务
            item = next((i for i, r in roles.items() if r == "item"), None)
            if item is not None:
                roles[item] = "task"
        roles = {i: r for i, r in roles.items() if r not in ("category", "item")}
        return roles if "task" in roles.values() and len(roles) >= 2 else None

    # --- spans and assembly -------------------------------------------------------------------

    def close_blocks(self, blocks: list[Block]) -> None:
        """A block runs to the start of the next block that is not one of its clauses, or to a stop."""
        text_end = len(self.text.text)
        stops = sorted(self.stops)
        for index, block in enumerate(blocks):
            if block.role in ("table-row", "paragraph", "table", "appendix") or block.style == "table-group":
                continue  # their spans are their cells, their paragraph, their heading line
            end = text_end
            for later_index in range(index + 1, len(blocks)):  # no slice: copying the rest per block was quadratic
                later = blocks[later_index]
                if later.role != "clause" or later.rank <= block.rank or block.role == "clause":
                    end = later.start
                    break
            after = bisect.bisect_right(stops, block.start)  # the first stop past the block's start
            end = min(end, stops[after]) if after < len(stops) else end
            block.end = max(block.end, end)
        for block in blocks:
            if block.role == "appendix":  # an appendix spans what it holds
                block.end = max([block.end, *(b.end for b in blocks if _chain(b)[0] is block)])

    def assemble(self, blocks: list[Block]) -> Structure:
        has_items = any(b.role in ("item", "table-row", "paragraph") for b in blocks)
        leaf_roles = ("item", "table-row", "paragraph") if has_items else ("clause",)

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
                provisions.append(self._provision(block, parent))
            elif block.role in ("section", "appendix", "table") or block.role in leaf_roles:
                parent = _nearest_section(block, section_index)
                section_index[id(block)] = len(sections)
                sections.append(self._section(block, parent))
        _number_in_reading_order(provisions)
        self._note_restarts(provisions)
        if not provisions:
            self.warnings.append("no numbered provisions found")
        numbered_start = next((b.start for b in blocks if b.role != "appendix"), blocks[0].start)
        return Structure(sections, provisions, min(numbered_start, blocks[0].start), self.warnings, self.notes,
                         self.tables)

    def _note_restarts(self, provisions: list[ProvisionPart]) -> None:
        """Where the numbering of provisions starts again at 1 (so their numbers repeat in the document)."""
        seen: set[str] = set()
        for part in provisions:
            if not part.numbered:
                continue
            if part.number == 1 and part.style in seen:
                parent = part.path_label.rsplit("/", 1)[0] if "/" in part.path_label else ""
                line = self._line_number(part.start)
                self.note("restart", line, f"{part.label} restarts the numbering of provisions", parent, warn=False)
            seen.add(part.style)

    def _line_number(self, offset: int) -> int:
        """The 1-based line of a clean offset: from the nearest line before it, not from the text's start."""
        if self._line_starts is None:
            self._line_starts = [line.start for line in self.lines]
        at = bisect.bisect_right(self._line_starts, offset) - 1
        if at < 0:
            return self.text.text.count("\n", 0, offset) + 1
        line = self.lines[at]
        return line.number + self.text.text.count("\n", line.start, offset)

    def _section(self, block: Block, parent: int | None) -> SectionPart:
        if block.role == "appendix" or block.style in ("table-group", "table"):
            title = block.title
        else:
            title_end = min(self.text.text.find("\n", block.start) % (len(self.text.text) + 1), block.end)
            title = self.text.text[block.start + len(block.label) : title_end].strip()
        return SectionPart(block.number, block.label, title, 1 + _depth(block), block.start, block.end, parent,
                           path_label=_path_label(block), kind=self._kind(block, title), style=block.style,
                           numbered=block.numbered, table=block.table.record() if block.table else None)

    def _kind(self, block: Block, title: str) -> str | None:
        if block.role == "appendix":
            return "附件"
        if block.style == "table":
            return "表格"
        found = self.conv.kind_of(title)
        return found.kind if found else None

    def _provision(self, block: Block, section: int | None) -> ProvisionPart:
        text = self.text
        end = _trim_end(text.text, block.start, block.end)
        body = OffsetText(text.text[block.start : end], text.origin[block.start : end], text.source_length)
        one_line = join_lines(body).text.strip()
        is_row = block.role == "table-row"
        content = block.columns.get("task", one_line) if is_row else one_line[len(block.label) :].strip()
        heading = _heading(content)
        if block.style == "article":
            caption = self.conv.article_caption.match(self._after_label(block))
            if caption:
                heading = caption.group(1) or caption.group(2)
        chain = _chain(block)
        return ProvisionPart(
            number=block.number or 0,
            label=block.label,
            text=content,
            heading=heading,
            start=block.start,
            end=end,
            section_index=section,
            path=[b.number or 0 for b in chain if b.role != "appendix"],
            columns=dict(block.columns),
            path_label=_path_label(block),
            id_path=".".join(_id_part(b) for b in chain if _id_part(b)),
            level=len([b for b in chain if _in_path(b)]),
            kind=self._provision_kind(block, heading),
            numbered=block.numbered,
            style=block.style,
        )

    def _provision_kind(self, block: Block, heading: str) -> str:
        node = block.parent
        while node is not None:
            kind = self._kind(node, node.title or self._after_label(node))
            if kind is not None and kind != "附件":
                return kind
            node = node.parent
        own = self.conv.kind_of(heading) if heading else None
        if own is not None:
            return own.kind
        return "条款" if block.style == "article" else "任务"


class _Tree:
    """Marker lines of one part (the body or an appendix) built into a tree, checking the numbering."""

    def __init__(self, reader: _Reader, root: Block | None):
        self.reader, self.conv, self.root = reader, reader.conv, root
        self.stack: list[Block] = [root] if root is not None else []
        self.top: list[Block] = []  # top-level blocks of the body (no root)
        self.last: dict[str, int] = {}  # the last number of each style in this part

    def build(self, lines: list[_Line]) -> list[Block]:
        blocks = []
        for line in lines:
            found = match_marker(line.text, self.conv)
            if found:
                block = self._place(found, line)
                if block is not None:
                    blocks.append(block)
        return blocks

    def _place(self, found: tuple[str, int, str, int, str], line: _Line) -> Block | None:
        style, rank, role, number, label = found
        article = next((b for b in reversed(self.stack) if b.style == "article"), None)
        if article is not None and style in self.conv.clause_styles_in_articles:
            rank, role = rank + 1, "clause"  # (一) inside 第五条 is a clause of the article
        depth = next((i for i, b in enumerate(self.stack) if b.rank >= rank), len(self.stack))
        parent = self.stack[depth - 1] if depth > 0 else None
        siblings = [c for c in (parent.children if parent else self.top) if c.style == style]
        sibling_last = siblings[-1].number if siblings else None
        style_last = self.last.get(style)
        previous = sibling_last if sibling_last is not None else style_last
        where = _path_label(parent) if parent else ""
        if role == "section" and previous is None:
            if number != 1:
                self.reader.note("first", line.number, f"the first section is numbered {label}", where)
        elif not self._plausible(sibling_last, style_last, number):
            self.reader.note("kept-as-text", line.number,
                             f"starts like {role} {label} but follows {previous}; kept as text", where)
            return None
        self._check_sequence(role, previous, sibling_last, number, label, line.number, where)
        self.last[style] = number
        del self.stack[depth:]
        block = Block(style, rank, role, number, label, line.start, line.end, line.number, parent)
        (parent.children if parent else self.top).append(block)
        self.stack.append(block)
        return block

    def _plausible(self, sibling_last: int | None, style_last: int | None, number: int) -> bool:
        """Numbers run on, restart at 1 under a new parent, or repeat (reported); big jumps are text."""
        jump = self.conv.item_jump
        if number == 1:
            return True
        if sibling_last is not None:
            return sibling_last <= number <= sibling_last + jump
        if style_last is not None:
            return style_last < number <= style_last + jump  # numbering that runs on across sections
        return number <= jump + 1

    def _check_sequence(self, role: str, previous: int | None, sibling_last: int | None, number: int, label: str,
                        line_no: int, where: str) -> None:
        note = self.reader.note
        if previous is None or number == previous + 1:
            return
        if number == 1 and role != "section":
            return  # a restart under a new parent; the ones that make provision numbers repeat are reported
        if number == previous:
            note("repeat", line_no, f"{role} {label} repeats the number of the {role} before it", where)
        elif number > previous + 1:
            missing = ", ".join(str(n) for n in range(previous + 1, number))
            note("gap", line_no, f"numbering jumps from {previous} to {number}; no {role} {missing}", where)
        else:
            note("below", line_no, f"{role} {label} is numbered below the {role} before it ({previous})", where)


def _cells(lines: list[_Line]) -> list[tuple[Cell, int]]:
    """Paragraphs (runs of lines with no blank line between) as cells, with the index of their first line."""
    cells: list[tuple[Cell, int]] = []
    for index, line in enumerate(lines):
        if cells and not line.gap_before:
            cell, first = cells[-1]
            cells[-1] = (Cell(cell.text + line.text, cell.start, line.end), first)
        else:
            cells.append((Cell(line.text, line.start, line.end), index))
    return cells


def _is_signature_line(text: str, conv: Conventions) -> bool:
    return len(text) <= _SHORT_LINE and not any(m in text for m in "。；;，,:：") and not match_marker(text, conv)


def _merge_columns(into: dict[str, str], values: dict[str, str]) -> None:
    for key, value in values.items():
        if key == "number" or not value:
            continue
        if key not in into:
            into[key] = value
        elif key == "task":
            into[key] = into[key] + value
        elif value != into[key] and value not in into[key].split("、"):
            into[key] = into[key] + "、" + value


def _chain(block: Block) -> list[Block]:
    chain: list[Block] = []
    node: Block | None = block
    while node is not None:
        chain.insert(0, node)
        node = node.parent
    return chain


def _in_path(block: Block) -> bool:
    return block.numbered or block.role in ("paragraph", "appendix") or block.style == "table-row"


def _path_label(block: Block | None) -> str:
    return "/".join(_label_part(b) for b in _chain(block) if _in_path(b)) if block else ""


def _label_part(block: Block) -> str:
    if block.role == "paragraph":
        return f"¶{block.number}"
    if block.role == "appendix":
        return block.label
    if not block.numbered:
        return f"¶{block.number}"
    if block.style == "arabic":
        return str(block.number)  # 1. 1、 1． and l. (a letter typed for 1) alike
    label = block.label.strip().rstrip("、.．")
    if label.startswith("("):
        label = "（" + label.strip("()") + "）"
    return label


def _id_part(block: Block) -> str:
    if block.role == "appendix":
        return f"a{block.number or ''}"
    if block.role == "paragraph" or (block.style == "table-row" and not block.numbered):
        return f"u{block.number}"
    return str(block.number) if block.numbered else ""


def _number_in_reading_order(provisions: list[ProvisionPart]) -> None:
    """An unnumbered provision takes the number it has in the document's reading order."""
    for position, part in enumerate(provisions, start=1):
        if not part.numbered:
            part.number = position


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


# --- delimited task-table rows ---------------------------------------------------------------

_CELL_SPLIT = re.compile(r"\t+|\s*\|\s*")


def _split_cells(line: str) -> list[str]:
    stripped = line.strip().strip("|")
    return [cell.strip() for cell in _CELL_SPLIT.split(stripped)]


def _table_row(cells: list[str], header: dict[int, str] | None, line: _Line, section: Block | None) -> Block | None:
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
