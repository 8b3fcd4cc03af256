"""External programs some formats need, found on the PATH, and the one line said when one is missing."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .base import LoadError


@dataclass(frozen=True)
class Tool:
    commands: tuple[str, ...]  # names tried on the PATH, in order
    purpose: str
    debian: str  # the Debian package(s) that install it


LIBREOFFICE = Tool(("soffice", "libreoffice"), "LibreOffice to convert it", "libreoffice-writer-nogui")
TESSERACT = Tool(("tesseract",), "Tesseract OCR with simplified-Chinese data",
                 "tesseract-ocr tesseract-ocr-chi-sim")


class MissingTool(LoadError):
    """A file that a program which is not installed would read; the reason says what to install."""


def find(tool: Tool) -> str | None:
    for command in tool.commands:
        found = shutil.which(command)
        if found:
            return found
    return None


def require(tool: Tool, path: Path, what: str) -> str:
    """The tool's executable, or a ``MissingTool`` that says what to install (one line, no traceback)."""
    found = find(tool)
    if found is None:
        raise MissingTool(path, missing_reason(tool, what))
    return found


def missing_reason(tool: Tool, what: str, why: str | None = None) -> str:
    why = why or f"{tool.commands[0]} not found on PATH"
    return (f"{what}; reading it needs {tool.purpose}, which is not installed ({why}): install the Debian "
            f"package{'s' if ' ' in tool.debian else ''} {tool.debian} (apt-get install {tool.debian})")
