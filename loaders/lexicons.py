"""The domain knowledge files in ``loaders/lexicon/`` (annotation forms, units, facility taxonomy,
program patterns, agency naming), read one way and checked.

Each extractor parses its file into a typed structure once (``@cache``) through ``Entries``, which
names the file and the key whenever a value is missing or of the wrong type, so a mistyped lexicon
fails at start-up with one line instead of deep inside a run.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

LEXICON_DIR = Path(__file__).with_name("lexicon")


class LexiconError(ValueError):
    """A lexicon file that does not say what its reader expects; the message names file and key."""


def read_lexicon(name: str) -> dict[str, Any]:
    """``read_lexicon("targets")`` → the parsed ``lexicon/targets.toml``."""
    path = LEXICON_DIR / f"{name}.toml"
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"{path}: {exc}") from exc


class Entries:
    """One table of a lexicon file, read with checks."""

    def __init__(self, data: dict[str, Any], file: str, prefix: str = ""):
        self.data, self.file, self.prefix = data, file, prefix

    @classmethod
    def of(cls, name: str) -> Entries:
        return cls(read_lexicon(name), f"lexicon/{name}.toml")

    def _get(self, key: str, kind: type | tuple[type, ...], what: str) -> Any:
        if key not in self.data:
            raise LexiconError(f"{self.file}: missing key {self.prefix + key!r}")
        value = self.data[key]
        if not isinstance(value, kind) or isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple)
                                                                                    else (kind,)):
            raise LexiconError(f"{self.file}: {self.prefix + key!r} must be {what}, not {type(value).__name__}")
        return value

    def has(self, key: str) -> bool:
        return key in self.data

    def string(self, key: str) -> str:
        return self._get(key, str, "a string")

    def number(self, key: str) -> float:
        return float(self._get(key, (int, float), "a number"))

    def integer(self, key: str) -> int:
        return self._get(key, int, "an integer")

    def strings(self, key: str) -> tuple[str, ...]:
        values = self._get(key, list, "a list of strings")
        if not all(isinstance(v, str) for v in values):
            raise LexiconError(f"{self.file}: {self.prefix + key!r} must be a list of strings")
        return tuple(values)

    def pairs(self, key: str) -> list[tuple[str, str]]:
        """A list of two-string lists (``[["不低于", ">="], …]``) as pairs."""
        values = self._get(key, list, "a list of [string, string] pairs")
        if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in values):
            raise LexiconError(f"{self.file}: {self.prefix + key!r} must be a list of [string, string] pairs")
        return [(a, b) for a, b in values]

    def mapping(self, key: str) -> dict[str, Any]:
        return dict(self._get(key, dict, "a table"))

    def table(self, key: str) -> Entries:
        return Entries(self._get(key, dict, "a table"), self.file, f"{self.prefix}{key}.")

    def tables(self, key: str) -> list[Entries]:
        values = self._get(key, list, "an array of tables")
        if not all(isinstance(v, dict) for v in values):
            raise LexiconError(f"{self.file}: {self.prefix + key!r} must be an array of tables ([[{key}]])")
        return [Entries(v, self.file, f"{self.prefix}{key}[{i}].") for i, v in enumerate(values)]

    def pattern(self, key: str) -> re.Pattern[str]:
        source = self.string(key)
        try:
            return re.compile(source)
        except re.error as exc:
            raise LexiconError(f"{self.file}: {self.prefix + key!r} is not a valid regular expression ({exc})") from exc
