"""Lexicon files are read into typed structures, and a mistyped file fails at start-up naming file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policykg.loaders import lexicons, responsibility, targets, taxonomy
from policykg.loaders.lexicons import LexiconError


@pytest.fixture
def lexicon_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of loaders/lexicon/ the readers use instead of the real one, caches cleared around the test."""
    copy = tmp_path / "lexicon"
    shutil.copytree(lexicons.LEXICON_DIR, copy)
    readers = (responsibility.lexicon, targets.lexicon, taxonomy.lexicon)
    for reader in readers:
        reader.cache_clear()
    monkeypatch.setattr(lexicons, "LEXICON_DIR", copy)
    yield copy
    for reader in readers:
        reader.cache_clear()


def test_every_lexicon_reads_into_its_typed_structure() -> None:
    assert "牵头单位" in responsibility.lexicon().labels
    assert responsibility.lexicon().tails["按职责分工负责"] == "all"
    assert ("不低于", ">=") in targets.lexicon().prefix_comparators
    assert taxonomy.lexicon().facilities["三级公立医院"].broader == "公立医院"


def test_a_missing_key_names_the_file_and_the_key(lexicon_copy: Path) -> None:
    path = lexicon_copy / "responsibility.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("lead_tails =", "lead_tail ="), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lexicon/responsibility\.toml: missing key 'annotation\.lead_tails'"):
        responsibility.lexicon()


def test_a_value_of_the_wrong_type_names_the_file_and_the_key(lexicon_copy: Path) -> None:
    path = lexicon_copy / "taxonomy.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_length = 4", 'min_length = "4"'), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"taxonomy\.toml: 'program\.min_length' must be an integer, not str"):
        taxonomy.lexicon()


def test_a_file_that_is_not_toml_names_the_file(lexicon_copy: Path) -> None:
    path = lexicon_copy / "targets.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\nunits = [\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lexicon/targets\.toml: "):
        targets.lexicon()


def test_a_broken_pattern_names_the_file_and_the_key(lexicon_copy: Path) -> None:
    path = lexicon_copy / "responsibility.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("generic = '^(?:", "generic = '^((?:", 1), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"'annotation\.generic' is not a valid regular expression"):
        responsibility.lexicon()
