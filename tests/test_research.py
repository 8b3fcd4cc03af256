"""What a researcher needs to finish the work (issue 18), below the pages: the coverage matrix, tables
out (real CSV and XLSX files read back with the csv module and openpyxl), the reader's marks and
citations, compare and the timeline counting provisions, and errors that suggest the nearest name.

The Suining take-up of 川办发〔2020〕53号 was read off the two notices by a person (see SUINING_TAKES_UP).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import policykg.api.cli_queries  # noqa: F401 - registers the commands on the app
from policykg import queries
from policykg.api.cli import Settings, app
from policykg.api.http import create_app
from policykg.api.tables import csv_bytes, tables_of, xlsx_bytes
from policykg.queries.suggest import edit_distance

REFORM = "川办发〔2020〕53号"
# Read off examples/corpus/003 (Sichuan's 2020 reform tasks) and 004 (Suining's 2021 医政药政工作要点):
# the tasks of 川办发〔2020〕53号 Suining's notice takes up, with the Suining item that does. A task counts
# as taken up when a Suining item restates it, committing to what the task asks (not when it only names
# the task's mechanism in a list, nor takes one clause of it into an item on another subject).
SUINING_TAKES_UP = {
    "(一)": "2.",    # 提升核酸检测能力 → 2. 持续提升核酸检测能力
    "(二)": "1.",    # 完善重大疫情救治体系 → 1. 完善重大疫情防控救治体系
    "(五)": "3.",    # 严格发热门诊设置管理、严防医院院内感染 → 3. 强化院感防控, 发热门诊规范化建设
    "(九)": "8.",    # 推进现代医院管理制度试点 → 8. 深入推进现代医院管理制度试点工作
    "(十)": "9.",    # 启动二级公立医院绩效考核 → 9. 二级公立医院全部纳入绩效考核
    "(十七)": "22.",  # 提高基本药物占比 → 22. 坚持国家基本药物采购占比考核
    "(十八)": "26.",  # 落实中选药品使用政策 → 26. 中选药品临床使用 (and 12.)
    "(十九)": "25.",  # 短缺药品供应保障 → 25. 短缺药保供稳价
    "(二十一)": "10.",  # 城市医疗联合体建设试点 → 10. 城市医疗联合体试点评估考核
    "(二十五)": "23.",  # 推进药品临床综合评价 → 23. 探索药品临床综合评价
    "(三十)": "5.",  # 川渝协作, 检查检验结果互认 → 5. 川渝卫生健康一体化, 检查检验结果互认
}
# Not taken up, though words are shared: (十一) 医疗服务价格动态调整 and section 七's 医药卫生综合监管 are only
# named in 8.'s list of 四项制度 (no price monitoring or adjustment is committed to); (八)'s 上门医疗卫生服务 for
# the elderly is one clause in 15., a nursing item restating the health commission's 2020 work points (item
# 22, 上门护理服务), not this task on key groups (children's myopia, elderly health, 医养结合) — a borderline case.


@pytest.fixture(scope="module")
def client(corpus_store) -> TestClient:
    return TestClient(create_app(corpus_store), base_url="http://127.0.0.1")  # the Host the guard allows


# --- the coverage matrix ---------------------------------------------------------------------------


def test_matrix_shows_the_suining_take_up_read_off_the_documents(corpus_store):
    matrix = queries.coverage_matrix(corpus_store, REFORM)
    assert matrix.level == "city" and matrix.scope == "四川省"
    assert [c.region for c in matrix.columns if c.parent is None] == sorted(c.region for c in matrix.columns)
    suining = [c.region for c in matrix.columns].index("遂宁市")
    taken = {r.task.label: [link.provision.label for link in r.cells[suining].links]
             for r in matrix.rows if r.cells[suining].status == "taken up"}
    assert set(taken) == set(SUINING_TAKES_UP)
    assert all(SUINING_TAKES_UP[task] in items for task, items in taken.items()), taken
    others = {r.cells[suining].status for r in matrix.rows if r.task.label not in SUINING_TAKES_UP}
    assert others == {"not taken up"}  # Suining has a 2021 notice: the rest were not taken up
    column = matrix.columns[suining]
    assert column.taken_up == 11 and column.share == pytest.approx(11 / 30)
    assert [d.title for d in column.documents] == ["2021年医政药政工作要点"]


def test_a_city_without_documents_is_never_not_taken_up(corpus_store):
    matrix = queries.coverage_matrix(corpus_store, REFORM)
    chengdu = [c.region for c in matrix.columns].index("成都市")
    assert {r.cells[chengdu].status for r in matrix.rows} == {"no document"}
    assert matrix.columns[chengdu].share is None and matrix.columns[chengdu].documents == []
    # A task's share counts only the cities that have a document: Suining's one.
    row = next(r for r in matrix.rows if r.task.label == "(十七)")
    assert (row.taken_up, row.with_documents, row.share) == (1, 1, 1.0)
    row = next(r for r in matrix.rows if r.task.label == "(十三)")
    assert (row.taken_up, row.with_documents, row.share) == (0, 1, 0.0)
    assert matrix.counts.model_dump() == {"tasks": 30, "columns": 21, "with_documents": 1, "taken_up": 11,
                                          "cells_taken_up": 11}


def test_matrix_of_one_provision_and_of_a_city_document(corpus_store):
    one = queries.coverage_matrix(corpus_store, f"{REFORM}:17")
    assert [r.task.label for r in one.rows] == ["(十七)"] and one.provision is not None
    city = queries.coverage_matrix(corpus_store, "2021年医政药政工作要点")
    assert city.columns == [] and city.note and "provincial and national" in city.note


def test_matrix_cli(corpus_store_path):
    result = CliRunner().invoke(app, ["cascade", REFORM, "--matrix", "--store", str(corpus_store_path)])
    assert result.exit_code == 0, result.output
    assert "遂宁市: 11 of 30 tasks (37%)" in result.output
    assert "no document loaded (nothing can be said of them)" in result.output and "成都市" in result.output


# --- tables out ------------------------------------------------------------------------------------


def _csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode()), "no BOM: Excel on a Chinese-locale PC would read GBK"
    assert b"\r\n" in body
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_obligations_csv_and_xlsx_from_the_api(client, corpus_store):
    answer = queries.obligations(corpus_store, "省医保局", region="四川省")
    response = client.get("/obligations", params={"agency": "省医保局", "region": "四川省", "format": "csv",
                                                   "lang": "zh"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''obligations-" in response.headers["content-disposition"]
    rows = _csv_rows(response.content)
    assert len(rows) == answer.total  # every row, not the first page of 50
    lead = next(r for r in rows if r["条款"] == f"{REFORM} (十三)")
    assert (lead["机构"], lead["角色"], lead["年份"], lead["地区"], lead["原文写法"]) == (
        "四川省医疗保障局", "牵头", "2020", "四川省", "省医保局")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/obligations", params={
        "agency": "省医保局", "region": "四川省", "format": "xlsx"}).content))
    assert book.sheetnames == ["obligations", "by_year"]
    sheet = book["obligations"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["agency", "relation", "role"]  # no Accept-Language: English headers
    records = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(records) == answer.total
    first = records[0]
    assert isinstance(first["year"], int) and first["agency"] == "四川省医疗保障局"


def test_every_question_answers_as_tables(client):
    asks = [("/search", {"q": "胸痛中心"}), ("/provisions/2021年医政药政工作要点:7/lineage", {}),
            (f"/cascade/{REFORM}", {}), (f"/cascade/{REFORM}/matrix", {}),
            ("/compare", {"region": "四川省", "year_a": 2020, "year_b": 2024}), ("/timeline", {"region": "四川省"}),
            (f"/documents/{REFORM}/text", {}), ("/entities", {"name": "省医保局"})]
    for path, params in asks:
        body = client.get(path, params={**params, "format": "csv", "lang": "zh"})
        assert body.status_code == 200, (path, body.text)
        assert _csv_rows(body.content), path
        book = openpyxl.load_workbook(io.BytesIO(client.get(path, params={**params, "format": "xlsx"}).content))
        assert book.worksheets[0].max_row >= 2, path
    matrix = _csv_rows(client.get(f"/cascade/{REFORM}/matrix", params={"format": "csv", "lang": "zh"}).content)
    assert len(matrix) == 30 and matrix[0]["遂宁市"] == "已落实" and matrix[0]["成都市"] == "未收录文件"
    cells = _csv_rows(client.get(f"/cascade/{REFORM}/matrix", params={
        "format": "csv", "table": "cells", "lang": "en"}).content)
    assert {c["status"] for c in cells if c["jurisdiction"] == "遂宁市"} == {"taken up", "not taken up"}


def test_cli_writes_csv_and_xlsx(corpus_store_path, corpus_store, tmp_path: Path):
    target_csv, target_xlsx = tmp_path / "省医保局.csv", tmp_path / "省医保局.xlsx"
    result = CliRunner().invoke(app, ["--lang", "zh", "obligations", "省医保局", "--region", "四川省", "--store",
                                      str(corpus_store_path), "--csv", str(target_csv), "--xlsx", str(target_xlsx)])
    Settings.lang = "en"
    assert result.exit_code == 0, result.output
    rows = _csv_rows(target_csv.read_bytes())
    assert len(rows) == queries.obligations(corpus_store, "省医保局", region="四川省").total
    sheet = openpyxl.load_workbook(target_xlsx)["obligations"]
    assert sheet.cell(1, 1).value == "机构" and sheet.freeze_panes == "A2"


def test_csv_keeps_formula_like_text_as_text():
    from policykg.api.tables import Table

    body = csv_bytes(Table("t", ["a"], [["=HYPERLINK(\"x\")"], ["-3"], ["+86"], ["@SUM(A1)"], [None]]))
    assert [r["a"] for r in _csv_rows(body)] == ["'=HYPERLINK(\"x\")", "-3", "+86", "'@SUM(A1)", ""]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Table("t", ["a"], [["=1+1"]])])))
    assert book["t"]["A2"].value == "=1+1" and book["t"]["A2"].data_type == "s"  # a string, never a formula


# --- the reader and citations ----------------------------------------------------------------------


def test_reader_marks_roles_targets_and_lineage_words(corpus_store):
    doc = queries.document_text(corpus_store, REFORM)
    kinds = {m.kind for m in doc.marks}
    assert {"provision", "lead", "support", "target", "citation", "derived_by", "field"} <= kinds
    item13 = next(p for p in doc.provisions if p.label == "(十三)")
    assert item13.leads == ["四川省医疗保障局"] and "四川省财政厅" in item13.supports
    assert doc.text[item13.span[0]:item13.span[1]].startswith("(十三)提高基本医疗保障水平")
    derived = [m for m in doc.marks if m.kind == "derived_by" and "2021年医政药政工作要点" in m.label]
    assert derived and all(0 <= m.span[0] < m.span[1] <= len(doc.text) for m in derived)
    assert doc.signed == "2020-08-20" and doc.issuers == ["四川省人民政府办公厅"]


def test_citation_in_chinese_form_bibtex_and_csl(corpus_store):
    cite = queries.document_text(corpus_store, REFORM).citation
    assert cite.chinese == ("四川省人民政府办公厅《四川省深化医药卫生体制改革2020年下半年重点工作任务》"
                            "（川办发〔2020〕53号），2020年8月20日。")
    assert cite.bibtex.startswith("@misc{doc-") and "number = {川办发〔2020〕53号}" in cite.bibtex
    assert cite.csl["type"] == "legislation" and cite.csl["issued"] == {"date-parts": [[2020, 8, 20]]}
    json.dumps(cite.csl)  # CSL-JSON is JSON
    no_number = queries.document_text(corpus_store, "2021年医政药政工作要点").citation.chinese
    assert no_number == "遂宁市卫生健康委员会《2021年医政药政工作要点》，2021年4月21日。"


# --- compare and the timeline ----------------------------------------------------------------------


def test_compare_counts_provisions_and_lists_each_target_change_once(corpus_store):
    answer = queries.compare(corpus_store, "四川省", 2020, 2024)
    assert answer.status == "compared"
    kept_b = {k.b.id for k in answer.kept.items}
    kept_a = {k.a.id for k in answer.kept.items}
    assert (answer.counts.kept, answer.counts.carried, answer.counts.pairs) == (len(kept_b), len(kept_a),
                                                                               answer.kept.total)
    assert answer.counts.added == answer.counts.provisions_b - answer.counts.kept
    which = [(c.before.id if c.before else None, c.after.id if c.after else None) for c in answer.target_changes.items]
    assert len(which) == len(set(which))


def test_a_year_without_documents_drops_nothing(corpus_store):
    answer = queries.compare(corpus_store, "四川省", 2020, 2023)
    assert answer.status == "no documents in the later year" and "2023" in (answer.note or "")
    assert (answer.counts.dropped, answer.dropped.total, answer.themes.total) == (0, 0, 0)
    assert answer.counts.provisions_a == 55


def test_timeline_across_years_steps_over_a_year_without_documents(corpus_store, corpus_store_path):
    answer = queries.timeline(corpus_store, "四川省", [2020, 2022, 2024])
    assert [y.year for y in answer.years] == [2020, 2022, 2024] and answer.missing == [2022]
    [step] = answer.steps
    assert (step.year_a, step.year_b, step.skipped) == (2020, 2024, [2022])
    compared = queries.compare(corpus_store, "四川省", 2020, 2024).counts
    assert (step.kept, step.carried, step.added, step.dropped) == (compared.kept, compared.carried, compared.added,
                                                                    compared.dropped)
    assert answer.years[1].provisions == 0 and answer.years[1].not_continued is None
    result = CliRunner().invoke(app, ["compare", "--region", "四川省", "2020", "2022", "2024", "--store",
                                      str(corpus_store_path)])
    assert result.exit_code == 0, result.output
    assert "no documents of 四川省 in 2022: not counted as dropping anything" in result.output


# --- errors that help ------------------------------------------------------------------------------


def test_edit_distance():
    assert edit_distance("泗川省", "四川省", 1) == 1
    assert edit_distance("四川省医疗保险局", "四川省医疗保障局", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2  # stops past the cutoff


def _cli(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policykg", *args[:1], *args[1:], "--store", str(store)],
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


@pytest.mark.parametrize(("args", "suggested"), [
    (("obligations", "四川省医疗保险局"), "did you mean 四川省医疗保障局?"),
    (("obligations", "省医疗保险局", "--region", "四川省"), "did you mean 四川省医疗保障局?"),
    (("compare", "--region", "泗川省", "2020", "2024"), "did you mean 四川省?"),
    (("search", "医院", "--region", "泗川省"), "did you mean 四川省?"),
    (("cascade", "川办发〔2020〕35号"), "did you mean 川办发〔2020〕53号"),
    (("lineage", "川办发〔2020〕35号:13"), "did you mean 川办发〔2020〕53号:13"),
    (("cascade", "四川省深化医药卫生体质改革"), "did you mean 四川省深化医药卫生体制改革2020年下半年重点工作任务"),
])
def test_errors_suggest_the_nearest_name(corpus_store_path, args, suggested):
    result = _cli(corpus_store_path, *args)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and suggested in line, line
    assert "--region" not in line and "needs" not in line  # no false hint


def test_errors_in_chinese_with_lang_or_the_locale(corpus_store_path):
    result = _cli(corpus_store_path, "--lang", "zh", "obligations", "四川省医疗保险局")
    assert result.stderr.strip() == "error: 未找到机构“四川省医疗保险局”。您要找的是不是:四川省医疗保障局?"
    by_locale = subprocess.run([sys.executable, "-m", "policykg", "compare", "--region", "泗川省", "2020", "2024",
                                "--store", str(corpus_store_path)], capture_output=True, text=True, timeout=120,
                               env={"PATH": "/usr/bin:/bin", "LANG": "zh_CN.UTF-8"})
    assert "未找到地区“泗川省”。您要找的是不是:四川省?" in by_locale.stderr


def test_api_errors_suggest_in_the_language_asked(client):
    response = client.get("/obligations", params={"agency": "四川省医疗保险局"},
                          headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert response.status_code == 404
    assert response.json()["suggestions"] == ["四川省医疗保障局"]
    assert response.json()["detail"].startswith("未找到机构“四川省医疗保险局”")
    english = client.get("/compare", params={"region": "泗川省", "year_a": 2020, "year_b": 2024}).json()
    assert english["detail"] == "no region '泗川省'; did you mean 四川省?" and english["suggestions"] == ["四川省"]


def test_a_short_form_hint_only_where_a_region_would_find_it(corpus_store):
    with pytest.raises(queries.NotFound) as caught:
        queries.obligations(corpus_store, "完全不存在的机构")
    assert "region" not in caught.value.message and caught.value.suggestions == []


def test_help_opens_with_what_the_tool_does():
    result = CliRunner().invoke(app, ["--help"])
    after_usage = result.output.split("Usage:", 1)[1].splitlines()[1:]
    first = next(line.strip() for line in after_usage if line.strip())
    assert first.startswith("Read Chinese government policy notices"), first
    assert "thin shell" not in result.output


def test_tables_of_every_answer_model_are_flat(corpus_store):
    for answer in (queries.search(corpus_store, "胸痛中心"), queries.cascade(corpus_store, REFORM),
                   queries.lineage(corpus_store, "2021年医政药政工作要点:7")):
        for table in tables_of(answer, "en"):
            assert all(len(row) == len(table.header) for row in table.rows), table.name
            assert all(not isinstance(v, (list, dict)) for row in table.rows for v in row), table.name


def test_export_tables_for_excel(corpus_store_path, tmp_path: Path):
    """``export --format tables``: the whole graph as flat CSV files with a BOM, names beside ids."""
    result = CliRunner().invoke(app, ["export", "--format", "tables", "-o", str(tmp_path / "t"), "--store",
                                      str(corpus_store_path)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert files == ["agencies.csv", "documents.csv", "links.csv", "provisions.csv", "roles.csv"]
    roles = _csv_rows((tmp_path / "t" / "roles.csv").read_bytes())
    lead = next(r for r in roles if r["条款"] == f"{REFORM} (十三)" and r["角色"] == "牵头")
    assert (lead["机构"], lead["原文写法"], lead["年份"]) == ("四川省医疗保障局", "省医保局", "2020")
    docs = _csv_rows((tmp_path / "t" / "documents.csv").read_bytes())
    reform = next(d for d in docs if d["文号"] == REFORM)
    assert (reform["成文日期"], reform["条款数"], reform["仅被引用"]) == ("2020-08-20", "30", "否")
    assert not any(v.startswith(("[", "{")) for d in docs for v in d.values())  # no JSON in cells
