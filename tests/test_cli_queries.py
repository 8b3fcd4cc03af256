"""The question commands: ``--json`` prints exactly the query function's answer model; tables read well."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import policykg.api.cli_queries  # noqa: F401 - registers the commands on the app
from policykg import queries
from policykg.api.cli import app

runner = CliRunner()


def run_json(store_path, *args: str) -> dict:
    result = runner.invoke(app, [*args, "--store", str(store_path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_obligations_json_equals_the_query(corpus_store_path, corpus_store):
    answer = run_json(corpus_store_path, "obligations", "省医保局", "--region", "四川省", "--role", "lead", "--year", "2020")
    assert answer == queries.obligations(corpus_store, "省医保局", role="lead", year=2020, region="四川省").model_dump(mode="json")
    assert any(r["provision"]["label"] == "(十三)" for g in answer["documents"] for r in g["obligations"])


def test_lineage_cascade_compare_json_equal_the_queries(linked_store_path, linked_store):
    ref = "2021年医政药政工作要点:7"
    assert run_json(linked_store_path, "lineage", ref, "--depth", "2") == queries.lineage(linked_store, ref, 2).model_dump(mode="json")
    doc = "2020年医疗管理工作要点"
    assert run_json(linked_store_path, "cascade", doc) == queries.cascade(linked_store, doc).model_dump(mode="json")
    compared = run_json(linked_store_path, "compare", "--region", "四川省", "2020", "2024")
    assert compared == queries.compare(linked_store, "四川省", 2020, 2024).model_dump(mode="json")


def test_search_and_entity_json_equal_the_queries(corpus_store_path, corpus_store):
    found = run_json(corpus_store_path, "search", "胸痛中心", "--region", "四川省", "--limit", "5")
    assert found == queries.search(corpus_store, "胸痛中心", region="四川省", limit=5).model_dump(mode="json")
    assert run_json(corpus_store_path, "entity", "四川银保监局") == queries.entity(corpus_store, "四川银保监局").model_dump(mode="json")


def test_provision_accepted_in_human_forms(corpus_store_path):
    by_id = run_json(corpus_store_path, "lineage", "doc-b3adc14cec28-p13")
    for ref in ("川办发〔2020〕53号:13", "川办发〔2020〕53号 (十三)"):
        assert run_json(corpus_store_path, "lineage", ref)["provision"]["id"] == by_id["provision"]["id"]


def test_tables_on_a_terminal(corpus_store_path, linked_store_path):
    result = runner.invoke(app, ["obligations", "省医保局", "--region", "四川省", "--store", str(corpus_store_path)])
    assert result.exit_code == 0
    assert "四川省医疗保障局" in result.stdout and "川办发〔2020〕53号" in result.stdout
    result = runner.invoke(app, ["compare", "--region", "四川省", "2020", "2024", "--store", str(linked_store_path)])
    assert result.exit_code == 0 and "kept (2)" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["lineage", "2021年医政药政工作要点:7", "--depth", "2"], "downstream: 0 hops"),
        (["cascade", "2020年医疗管理工作要点"], "coverage of 四川省: 1 of 21 show a derived provision"),
        (["search", "胸痛中心", "--region", "四川省"], "2 provisions for 胸痛中心"),
        (["entity", "四川银保监局"], "中国银行保险监督管理委员会四川监管局"),
        (["obligations", "国家金融监管总局四川监管局", "--follow-succession"], "via predecessor"),
    ],
)
def test_every_question_prints_its_table(linked_store_path, args, says):
    """Each answer model's renderer, on a store with lineage links (tables, not JSON)."""
    result = runner.invoke(app, [*args, "--store", str(linked_store_path)])
    assert result.exit_code == 0, result.output
    assert says in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["obligations", "火星卫生局"], 1, "no agency"),
        (["obligations", "卫生健康委员会"], 2, "遂宁市卫生健康委员会"),
        (["obligations", "省医保局", "--role", "owner"], 2, "lead or support"),
        (["lineage", "川办发〔2020〕53号:99"], 1, "no item"),
        (["compare", "--region", "亚特兰蒂斯", "2020", "2024"], 1, "no region"),
    ],
)
def test_errors_say_what_is_wrong(corpus_store_path, args, code, says):
    result = runner.invoke(app, [*args, "--store", str(corpus_store_path)])
    assert result.exit_code == code
    assert says in result.output


def test_missing_store_is_an_error(tmp_path):
    result = runner.invoke(app, ["search", "医院", "--store", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no such store" in result.output
