"""Tables read back into rows: delimited rows (tabs from HTML, Markdown pipes) and tables that arrive
flattened, one cell per paragraph, as mirrors of official pages print them.

A flattened table is rebuilt from its header: the run of short cells whose words name columns
(序号, 任务内容, 牵头单位 …) says how many columns there are and what each holds. Each later cell goes
to the next column that accepts it (a number to 序号, a list of bodies to 牵头/配合/责任单位, a sentence
to the task); a column a row skips was a merged cell, so the row takes it from the row above (a
group's 事项 and 责任单位 are printed on its first row only). A short title left over at the end of a
row heads the rows below it (a group row spanning the table); a sentence left over continues the
row's last text cell (a cell printed over several paragraphs).

A table is a *task* table when it has a task column and a column of bodies; its rows become
provisions. Any other table (project lists, rosters, quotas by town) is a *data* table, kept whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.domain.numerals import chinese_to_int

from .conventions import Conventions

TEXT_ROLES = ("task", "item", "category", None)
INHERITED_ROLES = ("category", "item", "lead", "support", "responsible", "deadline")
UNIT_ROLES = ("lead", "support", "responsible")
_NUMBER_CELL = re.compile(r"^(\d{1,3})$")
_ITEM_NUMBER = re.compile(r"^(\d{1,3})\s*[.、]\s*(?!\d)")
_CATEGORY_NUMBER = re.compile(r"^([一二三四五六七八九十]+)\s*[、.]")
_UNIT_SPLIT = re.compile(r"[、，,；;和及与/\s]+")


@dataclass
class Cell:
    text: str  # one line: inner line breaks dropped
    start: int  # clean-text span
    end: int


@dataclass
class Row:
    values: dict[str, str]  # column role (or header text, for columns without a role) → cell
    start: int
    end: int
    number: int | None = None  # the row's own 序号, else the number its item cell prints (1.做好规划配套)
    group: str | None = None  # the group row above it
    inherited: list[str] = field(default_factory=list)  # roles taken from the row above (merged cells)


@dataclass
class Table:
    header: list[str]
    roles: list[str | None]  # parallel to header
    kind: str  # tasks | data
    start: int
    end: int
    title: str = ""
    rows: list[Row] = field(default_factory=list)
    rebuilt: bool = True  # False: the cells could not be put back into rows
    notes: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)  # every body cell, as printed

    def column_key(self, index: int) -> str:
        return self.roles[index] or self.header[index]

    def record(self) -> dict[str, object]:
        """The table as a Section node keeps it: title, columns, rows (or the cells, if not rebuilt)."""
        columns = [self.column_key(i) for i in range(len(self.header))]
        out: dict[str, object] = {"title": self.title, "kind": self.kind, "header": self.header,
                                  "rebuilt": self.rebuilt}
        if self.rebuilt:
            out["rows"] = [[row.values.get(c, "") for c in columns] for row in self.rows]
        else:
            out["cells"] = [cell.text for cell in self.cells]
        return out


# --- reading cells ---------------------------------------------------------------------------


def is_header_cell(text: str, conv: Conventions) -> bool:
    return (0 < len(text) <= conv.header_chars and not _has_sentence(text, conv) and not _NUMBER_CELL.match(text)
            and not conv.caption.search(text))


def names_a_column(text: str, conv: Conventions) -> bool:
    cell = re.sub(r"\s+", "", text)
    return (conv.column_role(cell) is not None or any(w in cell for w in conv.data_table_words)
            or any(w in cell for w in conv.header_words))


def looks_like_units(text: str, conv: Conventions) -> bool:
    """A list of bodies: every part ends like a body's name or opens with a collective (各街道)."""
    if not text or len(text) > 120 or "。" in text or _ITEM_NUMBER.match(text) or _CATEGORY_NUMBER.match(text):
        return False  # 5.实化运行消防安全委员会 is an item's title, not a body
    parts = [p.strip("()（）") for p in _UNIT_SPLIT.split(text) if p.strip("()（）")]
    return bool(parts) and all(
        len(p) <= 24 and (p.endswith(conv.unit_endings) or p.startswith(conv.collective_openings)) for p in parts
    )


def _has_sentence(text: str, conv: Conventions) -> bool:
    return any(mark in text for mark in conv.sentence_marks)


def _is_title(text: str, conv: Conventions) -> bool:
    return len(text) <= conv.title_chars and not _has_sentence(text, conv) and not looks_like_units(text, conv)


def accepts(role: str | None, text: str, conv: Conventions) -> bool:
    """Whether a cell can stand in a column of this role."""
    if role == "number":
        return bool(_NUMBER_CELL.match(text))
    if role in UNIT_ROLES:
        return looks_like_units(text, conv)
    if role == "deadline":
        return len(text) <= 30 and bool(conv.deadline.search(text)) and not looks_like_units(text, conv)
    if role == "category":
        return bool(_CATEGORY_NUMBER.match(text)) and _is_title(text[2:], conv)
    if role == "item":
        return _is_title(text, conv)
    if role == "task":
        return not looks_like_units(text, conv) and not _NUMBER_CELL.match(text)
    return True


# --- finding and rebuilding a flattened table ------------------------------------------------


def header_at(cells: list[Cell], index: int, conv: Conventions) -> list[Cell] | None:
    """The header row of a flattened table starting at ``cells[index]``, or ``None``."""
    if not (is_header_cell(cells[index].text, conv) and names_a_column(cells[index].text, conv)):
        return None
    run: list[Cell] = []
    for cell in cells[index:]:
        if not is_header_cell(cell.text, conv) or _CATEGORY_NUMBER.match(cell.text) or _ITEM_NUMBER.match(cell.text):
            break
        run.append(cell)
    if run and not names_a_column(run[-1].text, conv):
        # A task table's first group row (推进实施“光伏+”示范工程) printed right under the header.
        names = [c.text for c in run[:-1]]
        if _kind(names, _roles(names, conv), conv) == "tasks":
            run.pop()
    named = sum(names_a_column(c.text, conv) for c in run)
    if len(run) < conv.min_columns or named < 2:
        return None
    return run


def flattened_table(header: list[Cell], body: list[Cell], conv: Conventions, title: str = "") -> Table:
    names = [c.text for c in header]
    roles = _roles(names, conv)
    kind = _kind(names, roles, conv)
    start = header[0].start
    end = (body[-1] if body else header[-1]).end
    table = Table(names, roles, kind, start, end, title=title, cells=list(body))
    if kind == "tasks":
        _task_rows(table, body, conv)
    else:
        _data_rows(table, body, conv)
    return table


def _roles(header: list[str], conv: Conventions) -> list[str | None]:
    roles: list[str | None] = []
    for cell in header:
        role = conv.column_role(cell)
        roles.append(None if role is not None and role in roles else role)
    return roles


def _kind(header: list[str], roles: list[str | None], conv: Conventions) -> str:
    if any(word in cell for cell in header for word in conv.data_table_words):
        return "data"
    has_units = any(r in UNIT_ROLES for r in roles)
    return "tasks" if "task" in roles and has_units else "data"


def _task_rows(table: Table, body: list[Cell], conv: Conventions) -> None:
    roles = table.roles
    numbered = "number" in roles
    rows: list[Row] = []
    current: Row | None = None
    cursor = 0
    group: str | None = None
    for cell in body:
        text = cell.text
        number = _NUMBER_CELL.match(text)
        expected = (rows[-1].number or 0) + 1 if rows else 1
        if numbered and number and int(number.group(1)) == expected:
            current = Row({}, cell.start, cell.end, number=expected, group=group)
            rows.append(current)
            cursor = roles.index("number") + 1
            continue
        column = _next_column(roles, cursor, text, conv)
        if column is None and not numbered and current is not None:
            column = _next_column(roles, 0, text, conv)
            if column is not None:  # the cell opens the next row
                current = None
        if current is None and column is not None:
            if numbered:  # cells before the first 序号: a group row
                group = text
                continue
            current = Row({}, cell.start, cell.end, group=group)
            rows.append(current)
        if column is None:
            if current is None or not _has_sentence(text, conv) and _is_title(text, conv):
                group = text  # a group row over the rows below
                continue
            last = _last_text_column(current, roles)
            current.values[last] = current.values.get(last, "") + text
            current.end = cell.end
            continue
        key = table.column_key(column)
        current.values[key] = text
        current.end = cell.end
        cursor = column + 1
    for row in rows:
        _number_from_item(row)
        if "task" not in row.values and "item" in row.values:
            row.values["task"] = row.values.pop("item")  # a short task; its group's title is above
    _inherit(rows)
    table.rows = rows
    if not rows:
        table.rebuilt = False
        table.notes.append("no rows could be read under the header")


def _next_column(roles: list[str | None], cursor: int, text: str, conv: Conventions) -> int | None:
    for index in range(cursor, len(roles)):
        role = roles[index]
        if role == "number":
            continue
        if accepts(role, text, conv):
            return index
    return None


def _last_text_column(row: Row, roles: list[str | None]) -> str:
    for key in reversed(list(row.values)):
        if key in ("task", "item") or key not in roles:
            return key
    return "task"


def _number_from_item(row: Row) -> None:
    if row.number is not None:
        return
    for role in ("item", "category"):
        m = _ITEM_NUMBER.match(row.values.get(role, ""))
        if m and role == "item":
            row.number = int(m.group(1))
            return


def _inherit(rows: list[Row]) -> None:
    """Merged cells: a row that skips a group's column takes it from the row above in the same group."""
    for above, row in zip(rows, rows[1:], strict=False):
        if row.group != above.group:
            continue
        same_item = "item" not in row.values
        for role in INHERITED_ROLES:
            if role in row.values or role not in above.values:
                continue
            if role in ("category", "item") or same_item:
                row.values[role] = above.values[role]
                row.inherited.append(role)
        if row.number is None and same_item:
            row.number = above.number


def _data_rows(table: Table, body: list[Cell], conv: Conventions) -> None:
    """Rows of a data table split at its 序号 (1, 2, 3 …) or a totals cell; kept as cells otherwise."""
    if "number" not in table.roles:
        width = len(table.header)
        if width and body and len(body) % width == 0:
            table.rows = [Row(dict(zip(map(table.column_key, range(width)), (c.text for c in body[i:i + width]),
                                       strict=True)), body[i].start, body[i + width - 1].end)
                          for i in range(0, len(body), width)]
            return
        table.rebuilt = False
        table.notes.append(f"{len(body)} cells under {width} headers and no 序号 column: rows not rebuilt")
        return
    rows: list[list[Cell]] = []
    for cell in body:
        number = _NUMBER_CELL.match(cell.text)
        if (number and int(number.group(1)) == len(rows) + 1) or cell.text in conv.totals:
            rows.append([cell])
        elif rows:
            rows[-1].append(cell)
    widths = {len(r) for r in rows}
    keys = [table.column_key(i) for i in range(len(table.header))]
    for cells in rows:
        values = {keys[i] if i < len(keys) else f"column {i + 1}": c.text for i, c in enumerate(cells)}
        number = _NUMBER_CELL.match(cells[0].text)
        table.rows.append(Row(values, cells[0].start, cells[-1].end, number=int(number.group(1)) if number else None))
    if widths - {len(table.header)}:
        table.notes.append(f"rows of {', '.join(map(str, sorted(widths)))} cells under {len(table.header)} headers"
                           " (merged cells)")


def category_number(text: str) -> int | None:
    m = _CATEGORY_NUMBER.match(text)
    return chinese_to_int(m.group(1)) if m else None
