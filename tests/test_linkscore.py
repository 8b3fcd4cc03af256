"""The lineage arithmetic: n-gram codes, and block scores equal to comparing each document pair alone."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from policykg.graph.linkscore import HEADLESS_CHARS, Block, encode_document, number_documents
from policykg.graph.store import EmbeddedStore
from policykg.graph.textsim import gram_codes, segments


def _decode(code: int) -> str:
    chars = []
    while code:
        chars.append(chr(code & (2**21 - 1)))
        code >>= 21
    return "".join(reversed(chars))


def test_gram_codes_are_the_two_and_three_character_runs_between_breaks() -> None:
    codes, owner = gram_codes(["一、加强医院管理，2020年完成。", "胸痛中心"])
    grams = sorted((int(o), _decode(int(c))) for c, o in zip(codes, owner, strict=True))
    # Read off by hand: 一 | 加强医院管理 | 年完成 (punctuation and digits break runs), then 胸痛中心.
    expected = [(0, g) for g in ("加强", "强医", "医院", "院管", "管理", "年完", "完成",
                                 "加强医", "强医院", "医院管", "院管理", "年完成")]
    expected += [(1, g) for g in ("胸痛", "痛中", "中心", "胸痛中", "痛中心")]
    assert grams == sorted(expected)


def _provisions(store: EmbeddedStore, document: str) -> list[dict]:
    return sorted((n for n in store.nodes("Provision") if n["document"] == document), key=lambda n: n["id"])


def _tfidf(counts: Counter, idf: dict[str, float], n: int) -> dict[str, float]:
    vector = {g: (1 + math.log(c)) * idf.get(g, math.log(n + 1)) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {g: v / norm for g, v in vector.items()}


def _grams(text: str) -> Counter:
    return Counter(seg[i : i + n] for seg in segments(text) for n in (2, 3) for i in range(len(seg) - n + 1))


def _pair_alone(child: list[dict], parent: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """The definition, written plainly: one IDF over the two documents' provisions (their text)."""
    bodies = [_grams(p["text"]) for p in child + parent]
    n = len(bodies)
    df = Counter(g for body in bodies for g in body)
    idf = {g: math.log((n + 1) / (d + 1)) for g, d in df.items()}

    def encodings(p: dict) -> dict[str, dict[str, float]]:
        heading = p.get("heading") or ""
        return {"vector": _tfidf(_grams(p["text"]) + _grams(heading), idf, n),
                "body": _tfidf(_grams(p["text"]), idf, n),
                "head": _tfidf(_grams(heading or p["text"][:HEADLESS_CHARS]), idf, n)}

    left, right = [encodings(p) for p in child], [encodings(p) for p in parent]
    dot = lambda a, b: sum(v * b.get(g, 0.0) for g, v in a.items())  # noqa: E731
    text = np.array([[dot(a["vector"], b["vector"]) for b in right] for a in left])
    heading = np.array([[max(dot(a["head"], b["body"]), dot(a["body"], b["head"])) for b in right] for a in left])
    return text, heading


@pytest.fixture(scope="module")
def sichuan_documents(corpus: EmbeddedStore) -> dict[str, list[dict]]:
    titles = {n["id"]: n for n in corpus.nodes("Document") if n.get("source")}
    return {titles[d]["source"]: _provisions(corpus, d) for d in titles}


def test_block_scores_equal_each_document_pair_compared_alone(sichuan_documents: dict[str, list[dict]]) -> None:
    names = sorted(sichuan_documents)
    sichuan_2020, reform_2020, suining = names[0], names[3], names[4]
    docs = {name: encode_document(name, sichuan_documents[name], (2, 3), 1)
            for name in (sichuan_2020, reform_2020, suining)}
    number_documents(list(docs.values()))
    block = Block([docs[sichuan_2020], docs[reform_2020]])
    scores = block.pair_scores(docs[suining])
    for k, parent in enumerate((sichuan_2020, reform_2020)):
        text, heading = _pair_alone(sichuan_documents[suining], sichuan_documents[parent])
        columns = slice(scores.starts[k], scores.starts[k + 1])
        assert np.allclose(scores.text[:, columns], text, atol=1e-9)
        assert np.allclose(scores.heading[:, columns], heading, atol=1e-9)
