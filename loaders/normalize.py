"""Normalise a document's text for analysis while keeping the way back to the source.

What real notices carry and analysis must not see: web-page chrome (``首页``, breadcrumbs,
``发布时间…浏览次数``, ``Produced By …``), markdown markers, full-width ASCII, and spaces that
PDF extraction puts inside numbers, dates and words (``2024- 02- 05``, ``2020 年``).
Line structure is kept: segmentation works on lines, and joins the lines inside a provision.
"""

from __future__ import annotations

import re

from .text import OffsetText

# Lines of web-page chrome, matched on the whole (stripped) line.
_CHROME_LINES = re.compile(
    r"^[ \t\u3000]*(?:"
    r"首页|"
    r"[>＞].*[>＞].*|"  # breadcrumbs: >政务公开>服务资讯>通知公告
    r"(?:发布时间|发布日期)[:：].*(?:浏览次数|来源|字号).*|"
    r"(?:Produced|Powered)\s+By\b.*|"
    r"(?:【?字体[:：]?.*(?:大|中|小).*)|"
    r"(?:分享到|打印本页|关闭窗口)[:：]?.*"
    r")[ \t\u3000]*$",
    re.MULTILINE | re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.MULTILINE)
_MARKDOWN_EMPHASIS = re.compile(r"\*\*|__")
# Horizontal space is dropped unless it separates two ASCII letters or digits ("Produced By",
# the date and time in "2024-02-05 09:10"). Tabs are kept: they separate table cells.
_SPACE_RUN = re.compile(r"[ \u3000\u00a0\u2002\u2003\u2009]+")
_TRAILING_SPACE = re.compile(r"[ \t\u3000]+$", re.MULTILINE)

# Full-width ASCII (！ to ～) to half-width; 、。《》〔〕“” are Chinese and stay.
WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
WIDTH_FOLD[0x3000] = 0x20


def normalize(source: str, start: int = 0) -> OffsetText:
    """Clean text from ``start`` (the document's body start) on, mapped back to ``source``."""
    text = OffsetText.of(source, start)
    text = text.sub(r"\r\n?", "\n")
    text = text.translate(WIDTH_FOLD)
    text = text.sub(_CHROME_LINES, "")
    text = text.sub(_MARKDOWN_HEADING, "")
    text = text.sub(_MARKDOWN_EMPHASIS, "")
    text = text.sub(_SPACE_RUN, _keep_space_between_ascii)
    text = text.sub(_TRAILING_SPACE, "")
    return text


def _keep_space_between_ascii(match: re.Match[str]) -> str:
    before = match.string[match.start() - 1] if match.start() > 0 else "\n"
    after = match.string[match.end()] if match.end() < len(match.string) else "\n"
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return " "
    return ""


def join_lines(text: OffsetText) -> OffsetText:
    """One running line: drop line breaks (used inside a provision, where they are layout)."""
    return text.sub(r"\n+", "")
