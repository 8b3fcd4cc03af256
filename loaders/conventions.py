"""How documents lay themselves out, read from ``lexicon/structure.toml`` into typed, checked
structures: numbering styles, section kinds, appendix and table conventions.

``conventions()`` reads the file once; a missing key, a wrong type or a pattern that does not compile
is a ``LexiconError`` naming the file and the key, raised when the ``structure`` component starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicons import Entries, LexiconError

ROLES = ("section", "item", "clause")
COLUMN_ROLES = ("number", "lead", "support", "responsible", "deadline", "category", "item", "task")
_CN = "[一二三四五六七八九十百〇零两]+"
_AR = r"\d{1,3}|[lI](?=\s*[.、])"  # l or I typed for 1 (l.加强……)


@dataclass(frozen=True)
class NumberingStyle:
    style: str
    rank: int
    role: str  # section | item | clause
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class SectionKind:
    kind: str
    words: tuple[str, ...]
    paragraphs: bool  # its paragraphs are provisions where it has no numbered items


@dataclass(frozen=True)
class ColumnRole:
    role: str
    words: tuple[str, ...]
    whole: bool  # the header cell must be one of the words, not merely contain one


@dataclass(frozen=True)
class Conventions:
    numbering: tuple[NumberingStyle, ...]
    item_jump: int
    heading_chars: int
    clause_styles_in_articles: frozenset[str]
    article_unit_head: re.Pattern[str]
    article_caption: re.Pattern[str]
    contents_heading: re.Pattern[str]
    kinds: tuple[SectionKind, ...]
    closing: tuple[re.Pattern[str], ...]
    appendix_heading: re.Pattern[str]
    appendix_listing: re.Pattern[str]
    listed_title: re.Pattern[str]
    columns: tuple[ColumnRole, ...]
    data_table_words: tuple[str, ...]
    header_words: tuple[str, ...]  # generic column names (街镇, 区域, 备注 …): a header cell, no role
    caption: re.Pattern[str]  # a table's caption or note, never a header cell
    min_columns: int
    header_chars: int
    totals: tuple[str, ...]
    unit_endings: tuple[str, ...]
    collective_openings: tuple[str, ...]
    sentence_marks: str
    title_chars: int
    deadline: re.Pattern[str]

    def kind_of(self, heading: str) -> SectionKind | None:
        """The kind a heading names by its last words (二、主要任务 → 任务), else ``None``."""
        core = heading.strip().rstrip("。.：:；;，,")
        for kind in self.kinds:
            if any(core.endswith(word) and (len(word) >= 4 or len(core) <= len(word) + 4) for word in kind.words):
                return kind
        return None

    def is_closing(self, paragraph: str) -> bool:
        return any(p.search(paragraph) for p in self.closing)

    def column_role(self, header_cell: str) -> str | None:
        """A header cell's role: a word it is exactly, else (for roles that allow it) a word it holds."""
        cell = re.sub(r"\s+", "", header_cell)
        exact = next((c.role for c in self.columns if cell in c.words), None)
        if exact is not None:
            return exact
        return next((c.role for c in self.columns if not c.whole and any(w in cell for w in c.words)), None)


@cache
def conventions() -> Conventions:
    """The conventions of ``lexicon/structure.toml``, read once."""
    return read_conventions(Entries.of("structure"))


def read_conventions(lex: Entries) -> Conventions:
    limits, articles, appendix = lex.table("limits"), lex.table("articles"), lex.table("appendix")
    data, cells = lex.table("data_tables"), lex.table("cells")
    return Conventions(
        numbering=tuple(_style(e) for e in lex.tables("numbering")),
        item_jump=limits.integer("item_jump"),
        heading_chars=limits.integer("heading_chars"),
        clause_styles_in_articles=frozenset(articles.strings("clause_styles")),
        article_unit_head=articles.pattern("unit_head"),
        article_caption=articles.pattern("caption"),
        contents_heading=lex.table("contents").pattern("heading"),
        kinds=tuple(SectionKind(e.string("kind"), e.strings("words"), _flag(e, "paragraphs"))
                    for e in lex.tables("kinds")),
        closing=_patterns(lex.table("closing"), "patterns"),
        appendix_heading=appendix.pattern("heading"),
        appendix_listing=appendix.pattern("listing"),
        listed_title=appendix.pattern("listed_title"),
        columns=tuple(_column(e) for e in lex.tables("columns")),
        data_table_words=data.strings("words"),
        header_words=data.strings("header_words"),
        caption=data.pattern("caption"),
        min_columns=data.integer("min_columns"),
        header_chars=data.integer("header_chars"),
        totals=data.strings("totals"),
        unit_endings=tuple(sorted(cells.strings("unit_endings"), key=len, reverse=True)),
        collective_openings=cells.strings("collective_openings"),
        sentence_marks=cells.string("sentence_marks"),
        title_chars=cells.integer("title_chars"),
        deadline=cells.pattern("deadline"),
    )


def _style(entries: Entries) -> NumberingStyle:
    role = _choice(entries, "role", ROLES)
    source = entries.string("pattern").replace("{cn}", _CN).replace("{ar}", _AR)
    pattern = _compile(entries, "pattern", source)
    if pattern.groups < 1:
        raise LexiconError(f"{entries.file}: {entries.prefix}pattern must hold a group for the number")
    return NumberingStyle(entries.string("style"), entries.integer("rank"), role, pattern)


def _column(entries: Entries) -> ColumnRole:
    whole = _flag(entries, "whole") if entries.has("whole") else False
    return ColumnRole(_choice(entries, "role", COLUMN_ROLES), entries.strings("words"), whole)


def _choice(entries: Entries, key: str, allowed: tuple[str, ...]) -> str:
    value = entries.string(key)
    if value not in allowed:
        raise LexiconError(f"{entries.file}: {entries.prefix}{key} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _flag(entries: Entries, key: str) -> bool:
    if not isinstance(entries.data.get(key), bool):
        raise LexiconError(f"{entries.file}: {entries.prefix}{key} must be true or false")
    return entries.data[key]


def _patterns(entries: Entries, key: str) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(entries, f"{key}[{i}]", source) for i, source in enumerate(entries.strings(key)))


def _compile(entries: Entries, key: str, source: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as exc:
        raise LexiconError(f"{entries.file}: {entries.prefix}{key} is not a valid regular expression ({exc})") from exc
