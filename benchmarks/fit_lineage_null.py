"""Fit lineage's null model: how provision pairs score when their documents cannot be related.

    .venv/bin/python benchmarks/fit_lineage_null.py [FOLDER ...] [--write]

Builds the folders (default: examples/corpus and ../shared/corpus-wide) into a temporary store
without linking, scores every provision of each document against every provision of each document
whose jurisdiction does not nest with its own (another province, a sibling district: no lineage
is possible there), and fits a log-normal to the upper tail of those scores — the part the linker's
bars are drawn from — by matching its 99th and 99.9th percentiles. No gold file is read: the fit
uses documents and candidate pairs only. With ``--write`` the model goes to
``graph/data/lineage_null.toml``, which ``graph/lineage.py`` reads.
"""

from __future__ import annotations

import argparse
import itertools
import math
import tempfile
from pathlib import Path
from statistics import NormalDist

import numpy as np

from policykg.build import build
from policykg.graph.lineage import NULL_FILE, POLICY, _Linker, region_chain
from policykg.graph.linkscore import Block
from policykg.graph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = [ROOT / "examples" / "corpus", ROOT.parent / "shared" / "corpus-wide"]
QUANTILES = (0.99, 0.999)


class _ReadOnly(Exception):
    """Raised to leave the store's transaction without writing."""


def unrelated_scores(store: EmbeddedStore) -> tuple[np.ndarray, int]:
    """Every provision-pair score of every document pair whose jurisdictions do not nest."""
    cells, pairs = [], 0
    try:
        with store.transaction() as writer:
            docs = [d for d in writer.document_records(loaded_only=True) if d.get("region")]
            linker = _Linker(writer, POLICY)
            linker.load({d["id"] for d in docs})
            for child, parent in itertools.permutations(docs, 2):
                if _nest(child["region"], parent["region"]):
                    continue
                a, b = linker.docs[child["id"]], linker.docs[parent["id"]]
                if not a.size or not b.size:
                    continue
                scores = Block([b]).pair_scores(a)
                cells.append((scores.text + POLICY.heading_bonus * scores.heading).ravel())
                pairs += 1
            raise _ReadOnly
    except _ReadOnly:
        pass
    return np.concatenate(cells), pairs


def _nest(a: str, b: str) -> bool:
    return a in region_chain(b) or b in region_chain(a)


def fit(scores: np.ndarray) -> tuple[float, float]:
    """(location, spread) of the log-normal whose 99th and 99.9th percentiles are the scores'."""
    low, high = (math.log(float(np.quantile(scores, q))) for q in QUANTILES)
    z_low, z_high = (NormalDist().inv_cdf(q) for q in QUANTILES)
    spread = (high - low) / (z_high - z_low)
    return low - z_low * spread, spread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_FOLDERS)
    parser.add_argument("--write", action="store_true", help=f"write the model to {NULL_FILE}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp) / "null.db") as store:
        build(args.folders, store, linkers=[])
        scores, pairs = unrelated_scores(store)
    location, spread = fit(scores)
    names = ", ".join(f.name for f in args.folders)
    print(f"{pairs} document pairs, {len(scores)} provision pairs; quantiles "
          + ", ".join(f"{q}: {np.quantile(scores, q):.4f}" for q in (0.5, 0.9, 0.99, 0.999, 0.9999)))
    print(f"log-normal tail: location {location:.4f}, spread {spread:.4f}")
    if args.write:
        NULL_FILE.write_text(
            "# How provision pairs score when their documents cannot be related (jurisdictions that do not\n"
            "# nest): a log-normal fitted to the upper tail. Written by benchmarks/fit_lineage_null.py; no\n"
            "# gold file was read.\n"
            f"location = {location:.4f}\nspread = {spread:.4f}\n"
            f'fitted_on = "{pairs} document pairs ({len(scores)} provision pairs) of {names}, '
            f'matching the {QUANTILES[0]} and {QUANTILES[1]} quantiles"\n',
            encoding="utf-8")
        print(f"wrote {NULL_FILE}")


if __name__ == "__main__":
    main()
