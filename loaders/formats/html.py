"""Saved web pages: the article found by trafilatura, the portal's metadata table read as hints.

A page saved from a government portal is mostly chrome: navigation, breadcrumbs, sidebars of numbered links
(热点推荐, 相关文件, 相关解读), a share bar, a footer with 主办单位 and the ICP line. trafilatura, a maintained
main-content extractor, finds the article; its paragraphs, headings and list items become one line each and
table rows one tab-separated line each (so task tables survive as rows). That is the source text.

The 政府信息公开 table above the article (索引号, 发布机构, 成文日期, 发布日期, 文号, 主题分类) is read from
the whole page as label → value hints. When trafilatura finds no article (a page that is all one table, or
one nested past its parser's depth limit), the whole page's text is read, walked without recursion.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .base import LoadError, Reading, collapse_space, decode_bytes
from .hints import Hints, clean_label, hints_from, is_label

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIPPED_TAGS = ("script", "style", "noscript", "head", "template", "svg")
# A label and its value in one text ("文号：川办发〔2024〕8号") or a label alone, its value in the next text.
_LABELLED = re.compile(r"^\s*([^:：]{2,8}?)\s*[:：]\s*(.*?)\s*$")


def read_html(path: Path, data: bytes) -> Reading:
    declared = _DECLARED_CHARSET.search(data[:4096])
    return _read_page(path, data, declared.group(1).decode("ascii") if declared else None)


def read_mhtml(path: Path, data: bytes) -> Reading:
    """A page saved as one file (.mht, .mhtml: "Webpage, Single File"): its HTML part, read as a page."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            declared = _DECLARED_CHARSET.search(payload[:4096])
            charset = part.get_content_charset() or (declared.group(1).decode("ascii") if declared else None)
            return _read_page(path, payload, charset)
    raise LoadError(path, "a saved web archive with no HTML page in it")


def _read_page(path: Path, data: bytes, declared: str | None) -> Reading:
    text, encoding = decode_bytes(data, path, declared)
    tree = LexborHTMLParser(text)
    for tag in _SKIPPED_TAGS:
        for node in tree.css(tag):
            node.decompose()
    lines, title = _article(text)
    reading = Reading("", encoding)
    if lines is None:
        lines = page_lines(tree)
        reading.notes.append("no article found by trafilatura; read the whole page's text, chrome included")
    reading.text = "\n".join(lines)
    reading.hints = _portal_hints(tree)
    if title:
        reading.hints.setdefault("title", (title, "page title"))
    return reading


# --- the article ----------------------------------------------------------------------------------------------

_LINE_TAGS = {"p", "head", "item", "quote", "code", "row"}


def _article(html: str) -> tuple[list[str] | None, str | None]:
    import trafilatura  # imported on first use: the CLI's other commands need none of it

    try:
        document = trafilatura.bare_extraction(html, include_tables=True, include_comments=False, favor_recall=True,
                                               with_metadata=True, deduplicate=False)
    except (ValueError, RecursionError):
        document = None
    if document is None or document.body is None:
        return None, None
    title = collapse_space(document.title) if document.title else None
    blocks = [child for child in document.body if isinstance(child.tag, str)]
    if len(blocks) == 1 and blocks[0].tag == "p" and len("".join(blocks[0].itertext())) > _FLATTENED:
        return None, title  # trafilatura's last resort: the whole page run into one paragraph
    lines = [line for line in _element_lines(document.body) if line.strip()]
    return (lines or None), title


_FLATTENED = 150  # characters in the single paragraph of a page trafilatura could not structure


def _element_lines(body) -> Iterator[str]:
    """One line per paragraph, heading or list item, one tab-separated line per table row; no recursion."""
    stack = [body]
    while stack:
        element = stack.pop()
        if element.tag == "row":
            yield "\t".join(collapse_space(_inline_text(cell, nested=True)) for cell in element if cell.tag == "cell")
            continue
        if element.tag in _LINE_TAGS:
            prefix = _list_number(element)
            yield from (prefix + collapse_space(part) for part in _inline_text(element).split("\n"))
        stack.extend(reversed([child for child in element if isinstance(child.tag, str)]))


def _inline_text(element, nested: bool = False) -> str:
    """The element's own words (and with ``nested`` its line children's), ``<lb/>`` as a line break."""
    pieces = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            pieces.append(child.tail or "")
            continue
        if child.tag == "lb":
            pieces.append(" " if nested else "\n")
        elif child.tag not in _LINE_TAGS or nested:
            pieces.append(" ".join(child.itertext()))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _list_number(element) -> str:
    """Items of an ordered list carry their number (the page shows it; the text does not hold it)."""
    parent = element.getparent()
    if element.tag != "item" or parent is None or parent.get("rend") != "ol":
        return ""
    return f"{[child for child in parent if child.tag == 'item'].index(element) + 1}."


# --- the whole page, when there is no article ----------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "title", "tr", "table",
               "ul", "ol", "dl", "dt", "dd", "header", "footer", "nav", "aside", "main", "blockquote", "pre", "form"}


def page_lines(tree: LexborHTMLParser) -> list[str]:
    """The page's text, one line per block element and one tab-separated line per table row.

    Walked with an explicit stack: saved pages with a thousand unclosed nested ``<div>``/``<font>`` are common
    enough, and Python's recursion limit is not."""
    root = tree.body or tree.root
    if root is None:
        return []
    out: list[str] = []
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            out.append("\n")
            continue
        tag = node.tag
        if tag == "-text":
            out.append((node.text(deep=False) or "").replace("\n", " "))
        elif tag == "tr":
            cells = [collapse_space(cell.text(deep=True)) for cell in node.iter() if cell.tag in ("td", "th")]
            out.append("\n" + "\t".join(cells) + "\n")
        elif tag == "br":
            out.append("\n")
        elif tag not in _SKIPPED_TAGS and tag != "-comment":
            if tag in _BLOCK_TAGS:
                out.append("\n")
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    return [line.strip() for line in "".join(out).split("\n") if line.strip()]


# --- the portal's metadata table ------------------------------------------------------------------------------


def _portal_hints(tree: LexborHTMLParser) -> Hints:
    """Label → value pairs anywhere on the page (the table, a list, ``<span>发布机构：</span>…``)."""
    texts = [t for t in _texts(tree) if t]
    pairs: list[tuple[str, str]] = []
    for index, text in enumerate(texts):
        m = _LABELLED.match(text)
        label = m.group(1) if m else text
        if not is_label(label):
            continue
        value = m.group(2) if m else ""
        if not value and index + 1 < len(texts) and not _starts_with_label(texts[index + 1]):
            value = texts[index + 1]
        pairs.append((clean_label(label), value))
    return hints_from(pairs, "portal table")


def _starts_with_label(text: str) -> bool:
    m = _LABELLED.match(text)
    return is_label(m.group(1) if m else text)


def _texts(tree: LexborHTMLParser) -> Iterator[str]:
    root = tree.body or tree.root
    if root is None:
        return
    for node in root.traverse(include_text=True):
        if node.tag == "-text":
            yield collapse_space(node.text(deep=False) or "")
