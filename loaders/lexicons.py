"""The domain knowledge files in ``loaders/lexicon/`` (agency naming, annotation forms, units,
facility taxonomy, program patterns), read one way. Extractors cache what they derive from them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

LEXICON_DIR = Path(__file__).with_name("lexicon")


def read_lexicon(name: str) -> dict[str, Any]:
    """``read_lexicon("agencies")`` → the parsed ``lexicon/agencies.toml``."""
    with (LEXICON_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)
