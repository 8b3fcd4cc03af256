"""Regions: a document's jurisdiction and its chain to the nation are graph nodes and edges."""

from __future__ import annotations

from pathlib import Path

import pytest
from _corpus import WUXI_2020 as WUXI

from policykg.build import build
from policykg.domain.regions import resolve_region
from policykg.graph.store import EmbeddedStore
from policykg.loaders.jurisdiction import region_chain


@pytest.fixture(scope="module")
def wuxi_store(tmp_path_factory: pytest.TempPathFactory):
    with EmbeddedStore(tmp_path_factory.mktemp("regions") / "g.db") as store:
        assert build([WUXI], store).ok
        yield store


def _region(store: EmbeddedStore, name: str) -> dict:
    return next(n for n in store.nodes("Region") if n["name"] == name)


def test_city_province_nation_chain(wuxi_store: EmbeddedStore) -> None:
    wuxi, jiangsu, china = (_region(wuxi_store, n) for n in ("无锡市", "江苏省", "中国"))
    assert (wuxi["level"], jiangsu["level"], china["level"]) == ("city", "province", "national")
    up = {e["source"]: e["target"] for e in wuxi_store.edges("PART_OF") if e["source"].startswith("region-")}
    assert up[wuxi["id"]] == jiangsu["id"]
    assert up[jiangsu["id"]] == china["id"]
    assert china["id"] not in up


def test_document_jurisdiction_is_its_issuers_city(wuxi_store: EmbeddedStore) -> None:
    doc = next(n for n in wuxi_store.nodes("Document") if n.get("source") == WUXI.name)
    targets = [e["target"] for e in wuxi_store.out_edges(doc["id"], ["JURISDICTION"])]
    assert targets == [_region(wuxi_store, "无锡市")["id"]]


def test_county_chain_goes_through_its_city() -> None:
    chain = [r.name for r in region_chain(resolve_region("射洪市卫生健康局"))]
    assert chain == ["射洪市", "遂宁市", "四川省", "中国"]


def test_national_issuer_is_the_nation() -> None:
    assert [r.name for r in region_chain(resolve_region("国务院办公厅"))] == ["中国"]


def test_the_shortlisting_location_parser_answers_as_jionlps_own() -> None:
    """regions.py narrows jionlp's candidate search to the gazetteer entries a text names; a jionlp
    release that changed the internals it relies on would show here first."""
    import contextlib
    import io

    from policykg.domain import regions

    corpus = Path(__file__).resolve().parent.parent / "examples" / "corpus"
    texts = [line.strip() for path in sorted(corpus.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines()[:12] if line.strip()]
    texts += ["遂宁市卫生健康委员会", "无锡市卫生健康委员会", "四川省人民政府办公厅", "江苏省卫生健康委",
              "成都市武侯区卫生健康局", "吉林省吉林市", "朝阳区", "海南省直辖县级行政区划", "新疆维吾尔自治区阿克苏地区"]
    with contextlib.redirect_stdout(io.StringIO()):
        own = regions._jionlp().parse_location
        fast = regions._location_parser()
        for text in texts:
            assert fast(text) == own(text), text
