"""Every field the web page reads from an answer is in the OpenAPI schema of the route it came from.

The page (api/web/app.js) names the schema type of each value it takes from an answer with JSDoc;
tests/_jsreads.py follows those types through the page and resolves every property it reads. The
tests below run it on the page as shipped, then show what it reports when the page and the
schema disagree.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from _jsreads import check

from policykg.api.http import create_app

APP_JS = Path(__file__).resolve().parent.parent / "api" / "web" / "app.js"


@pytest.fixture(scope="module")
def openapi(corpus_store) -> dict[str, Any]:
    return create_app(corpus_store).openapi()


@pytest.fixture(scope="module")
def page_source() -> str:
    return APP_JS.read_text(encoding="utf-8")


def problems(source: str, openapi: dict[str, Any]) -> list[str]:
    return check(source, openapi).problems


def test_every_field_the_page_reads_is_in_the_schema(page_source, openapi):
    page = check(page_source, openapi)
    assert not page.problems, "app.js reads what the API does not answer:\n" + "\n".join(page.problems)
    # The reader followed the page into every answer it draws, down to the nested parts.
    expected = {("SearchHit", "highlights"), ("EntityMatch", "attributes"), ("ProvisionAnswer", "mentions"),
                ("Hop", "evidence"), ("Evidence", "source_quote"), ("DocumentHop", "document"),
                ("CascadeItem", "derives_from"), ("Coverage", "subdivisions"), ("AgencyChanges", "dropped"),
                ("ObligationsAnswer", "by_year"), ("Obligation", "role_source"), ("RelatedAgency", "relation"),
                ("CompareAnswer", "target_changes"), ("Theme", "counterparts"), ("TargetChange", "after"),
                ("DocRef", "stub"), ("Page_DocRef_", "items"), ("MatrixCell", "links"), ("MatrixColumn", "earlier_documents"),
                ("MatrixLink", "via"), ("Mark", "span"), ("Citation", "bibtex"), ("DocumentTextAnswer", "field_sources"),
                ("TimelineStep", "skipped"), ("CompareAnswer", "status"), ("CompareCounts", "carried")}
    assert expected <= page.reads, sorted(expected - page.reads)


def test_every_route_the_page_asks_has_a_typed_fetcher(page_source, openapi):
    fetchers = check(page_source, openapi).fetchers
    assert set(fetchers) == {"getDocuments", "getProvision", "getLineage", "getCascade", "getObligations",
                             "getCompare", "getSearch", "getEntities", "getMatrix", "getDocumentText", "getTimeline"}


# --- what the check reports ----------------------------------------------------------------------


def test_a_field_the_answer_model_drops_is_named(page_source, openapi):
    """A model loses a field the page reads: the page must change with it."""
    schema = copy.deepcopy(openapi)
    del schema["components"]["schemas"]["CascadeItem"]["properties"]["derives_from"]
    found = problems(page_source, schema)
    assert found and all("CascadeItem has no field 'derives_from'" in p for p in found), found
    assert found[0].startswith("app.js:") and "it.derives_from" in found[0]


def test_a_misspelt_read_is_named(page_source, openapi):
    source = page_source.replace("it.derives_from.label", "it.derives_from.lable")
    assert problems(source, openapi) == [
        f"app.js:{_line(source, 'it.derives_from.lable')}: it.derives_from.lable: ProvisionRef has no field 'lable'"]


def test_a_read_through_an_inferred_callback_is_checked(openapi):
    source = """
      /** @param {CascadeAnswer} answer */
      function draw(answer) {
        return answer.regions.flatMap((g) => g.items).filter((it) => it.depth > 1).map((it) => it.provision.headline);
      }"""
    assert problems(source, openapi) == ["app.js:4: it.provision.headline: ProvisionRef has no field 'headline'"]


def test_a_defensive_read_of_a_guaranteed_field_is_reported(page_source, openapi):
    source = page_source.replace("const items = answer.items;", "const items = arr(answer?.items);")
    line = _line(source, "arr(answer?.items)")
    assert problems(source, openapi) == [
        f"app.js:{line}: answer?.items: answer is SearchAnswer, never null; read it without ?.",
        f"app.js:{line}: arr(answer?.items): answer?.items is SearchHit[], always there; read it without arr()",
    ]
    source = page_source.replace("esc(root.provisions)", "esc(root.provisions ?? \"\")")
    assert problems(source, openapi) == [
        f"app.js:{_line(source, 'root.provisions ??')}: root.provisions is integer, never null: no default needed"]


def test_a_fetcher_must_declare_its_routes_answer(page_source, openapi):
    source = page_source.replace("@returns {Promise<CascadeAnswer>} */\n  const getCascade",
                                 "@returns {Promise<LineageAnswer>} */\n  const getCascade")
    [found] = problems(source, openapi)
    assert "getCascade is declared to return Promise<LineageAnswer>, but /cascade/{ref} answers CascadeAnswer" in found


def test_an_untyped_fetch_is_reported(page_source, openapi):
    source = page_source.replace('const getSearch = (params) => api("/search", params);',
                                 'const getSearch = (params) => api("/search", params);\n  const raw = api("/search");')
    assert problems(source, openapi) == [
        f"app.js:{_line(source, 'const raw')}: api() is called outside a fetcher with @returns {{Promise<Answer>}}"]


def test_an_annotation_naming_no_schema_type_is_reported(page_source, openapi):
    source = page_source.replace("/** @param {Hop} h */", "/** @param {LineageHop} h */")
    [found] = problems(source, openapi)
    assert "@param {LineageHop}: unknown type 'LineageHop'" in found


def _line(source: str, text: str) -> int:
    return source[: source.index(text)].count("\n") + 1
