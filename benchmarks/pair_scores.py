"""How true lineage pairs score: the real gold pairs of the sample corpus against a synthetic corpus's truth.

    .venv/bin/python benchmarks/pair_scores.py [--gold ../shared/gold] [--synthetic DIR]

The linker's score (``graph/lineage.py``: text cosine + heading bonus, one IDF over the two
documents) of every required DERIVES_FROM pair of the shared gold, and of every direct truth pair of
a corpus written by ``benchmarks/synth.py``, as quantiles, so the generator can be made as hard as
real text. Measurement only: the gold is read to know which pairs to score; nothing is fitted here.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from policykg.build import build
from policykg.graph.lineage import POLICY, _Linker
from policykg.graph.linkscore import Block
from policykg.graph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


class _ReadOnly(Exception):
    pass


def scores_of(folder: Path, pairs: list[tuple[str, int, str, int]]) -> np.ndarray:
    """The linker's score of each (child file, number, parent file, number) pair, building ``folder``."""
    found: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp) / "s.db") as store:
        build([folder], store, linkers=[])
        try:
            with store.transaction() as writer:
                docs = {d["source"]: d["id"] for d in writer.document_records(loaded_only=True)}
                linker = _Linker(writer, POLICY)
                linker.load(set(docs.values()))
                by_doc: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
                for child, n, parent, m in pairs:
                    if child in docs and parent in docs:
                        by_doc[(docs[child], docs[parent])].append((n, m))
                for (child, parent), numbers in by_doc.items():
                    a, b = linker.docs[child], linker.docs[parent]
                    s = Block([b]).pair_scores(a)
                    combined = s.text + POLICY.heading_bonus * s.heading
                    row = {int(p["id"].rsplit("-p", 1)[1].split("-")[0]): i for i, p in enumerate(a.provisions)}
                    col = {int(p["id"].rsplit("-p", 1)[1].split("-")[0]): j for j, p in enumerate(b.provisions)}
                    found += [float(combined[row[n], col[m]]) for n, m in numbers if n in row and m in col]
                raise _ReadOnly
        except _ReadOnly:
            pass
    return np.array(found)


def describe(name: str, values: np.ndarray) -> str:
    parts = ", ".join(f"q{int(q * 100)} {np.quantile(values, q):.3f}" for q in QUANTILES) if len(values) else "none"
    return f"{name}: {len(values)} pairs; {parts}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--corpus", type=Path, default=ROOT / "examples" / "corpus")
    parser.add_argument("--synthetic", type=Path)
    args = parser.parse_args()
    gold = json.loads((args.gold / "derivation.json").read_text(encoding="utf-8"))
    real = [(p["child"][0], p["child"][1], p["parent"][0], p["parent"][1]) for p in gold["required"]]
    print(describe("real (gold required pairs)", scores_of(args.corpus, real)))
    if args.synthetic:
        truth = json.loads((args.synthetic / "truth.json").read_text(encoding="utf-8"))
        for kind in ("DERIVES_FROM", "CONTINUES"):
            pairs = [(c, n, p, m) for c, n, p, m, k in truth["direct"] if k == kind]
            print(describe(f"synthetic {kind}", scores_of(args.synthetic, pairs)))


if __name__ == "__main__":
    main()
