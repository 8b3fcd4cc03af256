"""The questions on the sample corpus, with answers checked by reading the documents.

``corpus_store`` is the corpus built by the full pipeline; ``linked_store`` is the corpus with
lineage links a reader drew (tests/conftest.py, READER_LINKS), so lineage, cascade and compare are
tested on known links whatever the linker decides.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg import queries
from policykg.queries import Ambiguous, NotFound, index_for
from policykg.queries.answers import Obligation, ObligationsAnswer, TargetRef
from policykg.queries.changes import target_changes

SICHUAN_2020_REFORM = "川办发〔2020〕53号"
SICHUAN_2020_POINTS = "2020年医疗管理工作要点"
SICHUAN_2024_PLAN = "川办发〔2024〕8号"
SUINING_2021_POINTS = "2021年医政药政工作要点"


def pid(store, ref: str) -> str:
    return queries.resolve_provision(index_for(store), ref)


def rows(answer: ObligationsAnswer) -> list[Obligation]:
    return [row for group in answer.documents for row in group.obligations]


# --- finding provisions the way people cite them ------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    ["川办发〔2020〕53号:13", "川办发[2020]53号（十三）", "川办发〔2020〕53号 (十三)", "川办发〔2020〕53号 13",
     "003_4e3b855310d5ce42.txt:13", "四川省深化医药卫生体制改革2020年下半年重点工作任务:十三"],
)
def test_provision_found_by_its_document_and_item_in_any_printed_form(corpus_store, ref):
    found = queries.provision(corpus_store, ref).provision
    assert (found.doc_number, found.label, found.heading) == (SICHUAN_2020_REFORM, "(十三)", "提高基本医疗保障水平")
    doc_id = found.document
    assert pid(corpus_store, f"{doc_id}-p13") == pid(corpus_store, f"{doc_id}:13") == found.id


def test_unknown_item_of_a_known_document_lists_the_items_it_has(corpus_store):
    with pytest.raises(NotFound) as caught:
        queries.provision(corpus_store, f"{SICHUAN_2020_REFORM}:31")
    assert len(caught.value.candidates) == 30  # the notice has items (一)–(三十)
    with pytest.raises(NotFound):
        queries.provision(corpus_store, "no such document:1")


# --- obligations ---------------------------------------------------------------------------------


def test_short_form_in_sichuan_finds_the_provincial_healthcare_security_bureau(corpus_store):
    answer = queries.obligations(corpus_store, "省医保局", region="四川省")
    assert answer.agency.name == "四川省医疗保障局"
    item13 = next(r for r in rows(answer) if r.provision.id == pid(corpus_store, f"{SICHUAN_2020_REFORM}:13"))
    # (十三)提高基本医疗保障水平 … (省医保局、财政厅负责), "排在第一位的为牵头单位"
    assert item13.role == "lead"
    assert "省医保局、财政厅负责" in item13.words
    assert item13.provision.year == 2020


def test_obligations_are_grouped_by_document_and_year_with_consistent_counts(corpus_store):
    answer = queries.obligations(corpus_store, "四川省医疗保障局")
    years = [y.year for y in answer.by_year]
    assert years == sorted(years, reverse=True) and set(years) == {2020, 2024}
    assert answer.counts.lead + answer.counts.support == answer.total == len(rows(answer))
    assert sum(y.total for y in answer.by_year) == answer.total
    for group in answer.documents:
        assert {r.provision.document for r in group.obligations} == {group.document.id}
        assert group.counts.lead == sum(r.role == "lead" for r in group.obligations)


def test_role_and_year_filters(corpus_store):
    answer = queries.obligations(corpus_store, "省医保局", role="support", year=2024, region="四川省")
    assert {(r.role, r.provision.year) for r in rows(answer)} == {("support", 2024)}
    # 2024 (六) 做实家庭医生签约服务: 〔责任单位:省卫生健康委,省医保局、…〕, "逗号前为牵头单位"
    assert pid(corpus_store, f"{SICHUAN_2024_PLAN}:6") in {r.provision.id for r in rows(answer)}
    with pytest.raises(ValueError):
        queries.obligations(corpus_store, "省医保局", role="owner", region="四川省")


def test_any_alias_of_an_agency_gives_the_same_answer(corpus_store):
    full = queries.obligations(corpus_store, "四川省医疗保障局")
    for name, region in (("省医保局", "四川省"), ("四川省医保局", None), ("省医保局", "遂宁市")):
        assert queries.obligations(corpus_store, name, region=region) == full


def test_name_without_jurisdiction_lists_candidates_and_region_picks_one(corpus_store):
    with pytest.raises(Ambiguous) as caught:
        queries.obligations(corpus_store, "卫生健康委员会")
    names = {c.name for c in caught.value.candidates}
    assert {"遂宁市卫生健康委员会", "无锡市卫生健康委员会", "四川省卫生健康委员会"} <= names
    answer = queries.obligations(corpus_store, "卫生健康委员会", region="遂宁市")
    # A work-points notice without annotations: its issuer leads every item (1.–27., no 18).
    assert answer.agency.name == "遂宁市卫生健康委员会"
    assert answer.counts.model_dump() == {"lead": 26, "support": 0}


def test_succession_follows_a_reorganised_body(corpus_store):
    new_name = "国家金融监管总局四川监管局"
    old_item = pid(corpus_store, f"{SICHUAN_2020_REFORM}:16")  # (省医保局、四川银保监局分别负责)
    plain = queries.obligations(corpus_store, new_name)
    assert old_item not in {r.provision.id for r in rows(plain)}
    followed = queries.obligations(corpus_store, new_name, follow_succession=True)
    row = next(r for r in rows(followed) if r.provision.id == old_item)
    assert (row.role, row.relation) == ("lead", "predecessor")
    assert "中国银行保险监督管理委员会四川监管局" in {a.name for a in followed.agencies}


def test_a_city_government_sees_the_tasks_given_to_every_city(corpus_store):
    reform_11 = pid(corpus_store, f"{SICHUAN_2020_REFORM}:11")  # 〔省医保局、省卫生健康委、各市(州)人民政府负责〕
    plan_1 = pid(corpus_store, f"{SICHUAN_2024_PLAN}:1")  # 〔责任单位:…各市(州)人民政府。逗号前为牵头单位…〕
    plain = queries.obligations(corpus_store, "遂宁市人民政府")
    assert reform_11 not in {r.provision.id for r in rows(plain)}
    answer = queries.obligations(corpus_store, "遂宁市人民政府", collective=True)
    found = {r.provision.id: r for r in rows(answer)}
    assert (found[reform_11].role, found[reform_11].relation) == ("support", "collective")  # first named leads
    assert (found[plan_1].role, found[plan_1].relation) == ("support", "collective")  # after the comma: support
    assert {a.name: a.relation for a in answer.agencies}["四川省各市(州)人民政府"] == "collective"
    every_city = queries.obligations(corpus_store, "四川省各市(州)人民政府")
    assert answer.total == plain.total + every_city.total


def test_unknown_agency_is_not_found(corpus_store):
    with pytest.raises(NotFound):
        queries.obligations(corpus_store, "火星卫生局")


# --- search --------------------------------------------------------------------------------------


def test_search_finds_every_provision_containing_the_phrase(corpus_store):
    answer = queries.search(corpus_store, "胸痛中心", limit=None)
    expected = {pid(corpus_store, f"{SICHUAN_2020_POINTS}:15"), pid(corpus_store, "锡卫医〔2020〕17号:3"),
                pid(corpus_store, f"{SUINING_2021_POINTS}:7")}
    assert {hit.provision.id for hit in answer.items} == expected
    for hit in answer.items:
        text = hit.provision.text
        assert all(text[start:end] == "胸痛中心" for start, end in hit.highlights)


def test_search_filters_by_region_year_and_level(corpus_store):
    def found(**filters) -> set[str]:
        return {h.provision.region for h in queries.search(corpus_store, "胸痛中心", limit=None, **filters).items}

    assert found(region="四川省") == {"四川省", "遂宁市"}  # a province's scope includes its cities
    assert found(region="江苏省") == {"无锡市"}
    assert found(year=2021) == {"遂宁市"}
    assert found(level="city") == {"无锡市", "遂宁市"}


def test_search_segments_a_phrase_that_occurs_nowhere_verbatim(corpus_store):
    answer = queries.search(corpus_store, "卒中中心建设")
    assert answer.segmented and "卒中" in answer.terms
    assert answer.items[0].provision.id == pid(corpus_store, f"{SICHUAN_2020_POINTS}:15")


def test_search_by_agency_equals_its_obligations(corpus_store):
    led_or_supported = {r.provision.id for r in rows(queries.obligations(corpus_store, "四川省医疗保障局"))}
    answer = queries.search(corpus_store, "", agency="省医保局", region="四川省", limit=None)
    assert {h.provision.id for h in answer.items} == led_or_supported


def test_search_pages(corpus_store):
    every = queries.search(corpus_store, "医院", limit=None)
    second = queries.search(corpus_store, "医院", limit=2, offset=2)
    assert second.total == every.total > 4
    assert second.items == every.items[2:4]


# --- entity --------------------------------------------------------------------------------------


def test_entity_by_alias_with_neighbours(corpus_store):
    answer = queries.entity(corpus_store, "四川银保监局")
    match = answer.matches[0]
    assert match.name == "中国银行保险监督管理委员会四川监管局"
    succeeded_by = [n.node.label for n in match.neighbours.items if n.edge == "SUCCEEDS"]
    assert succeeded_by == ["国家金融监督管理总局四川监管局"]


def test_entity_short_form_read_in_a_region(corpus_store):
    answer = queries.entity(corpus_store, "财政厅", region="四川省")
    assert [m.name for m in answer.matches] == ["四川省财政厅"]
    with pytest.raises(NotFound):
        queries.entity(corpus_store, "不存在的机构名称")


def test_entity_region_node_with_its_parent_region(corpus_store):
    match = queries.entity(corpus_store, "遂宁市", kind="Region").matches[0]
    parents = [n.node.label for n in match.neighbours.items if n.edge == "PART_OF" and
               n.direction == "out"]
    assert parents == ["四川省"]


# --- lineage -------------------------------------------------------------------------------------


def test_lineage_upstream_hop_quotes_both_sides(linked_store):
    answer = queries.lineage(linked_store, f"{SUINING_2021_POINTS}:7")
    [hop] = answer.upstream.items
    assert hop.kind == "DERIVES_FROM" and hop.score == 0.9
    assert hop.target.id == pid(linked_store, f"{SICHUAN_2020_POINTS}:15")
    [evidence] = hop.evidence
    assert evidence.source_quote == evidence.target_quote == "急诊急救网络布局"
    assert answer.downstream.total == 0


def test_lineage_downstream_has_the_city_task_and_the_later_plan(linked_store):
    answer = queries.lineage(linked_store, f"{SICHUAN_2020_POINTS}:15", depth=2)
    found = {(h.kind, h.source.id) for h in answer.downstream.items}
    assert found == {("DERIVES_FROM", pid(linked_store, f"{SUINING_2021_POINTS}:7")),
                     ("CONTINUES", pid(linked_store, f"{SICHUAN_2024_PLAN}:3"))}


def test_lineage_drawn_by_the_linker_on_the_corpus(corpus_store):
    answer = queries.lineage(corpus_store, f"{SUINING_2021_POINTS}:7")
    upstream = {h.target.id for h in answer.upstream.items}
    assert pid(corpus_store, f"{SICHUAN_2020_POINTS}:15") in upstream


# --- cascade -------------------------------------------------------------------------------------


def test_cascade_of_a_provincial_document_groups_by_city_with_coverage(linked_store):
    answer = queries.cascade(linked_store, SICHUAN_2020_POINTS)
    assert answer.root.kind == "Document" and answer.total == 1
    [group] = answer.regions
    assert group.region == "遂宁市"
    [item] = group.items
    assert item.derives_from.id == pid(linked_store, f"{SICHUAN_2020_POINTS}:15")
    # The city's health commission stands in for the provincial one: no agency is new.
    assert item.agencies.added == []
    coverage = answer.coverage
    assert len(coverage.subdivisions) == 21  # Sichuan: 18 cities and 3 autonomous prefectures
    assert coverage.covered == ["遂宁市"]
    assert "成都市" in coverage.missing and "遂宁市" not in coverage.missing


def test_cascade_of_one_provision(linked_store):
    answer = queries.cascade(linked_store, f"{SICHUAN_2020_POINTS}:15")
    assert answer.root.kind == "Provision"
    assert [i.provision.id for g in answer.regions for i in g.items] == [
        pid(linked_store, f"{SUINING_2021_POINTS}:7")
    ]
    nothing = queries.cascade(linked_store, f"{SICHUAN_2020_REFORM}:13")
    assert nothing.total == 0 and "遂宁市" in nothing.coverage.missing


def test_cascade_coverage_is_only_counted_below_provinces(linked_store):
    answer = queries.cascade(linked_store, SUINING_2021_POINTS)
    assert answer.coverage.subdivisions == [] and answer.coverage.note


# --- compare -------------------------------------------------------------------------------------


def test_compare_sichuan_2020_and_2024_by_provision(linked_store):
    answer = queries.compare(linked_store, "四川", 2020, 2024)
    assert answer.region == "四川省"
    assert {d.title for d in answer.documents_a} == {
        "2020年医疗管理工作要点", "四川省深化医药卫生体制改革2020年下半年重点工作任务"}
    assert [d.doc_number for d in answer.documents_b] == [SICHUAN_2024_PLAN]
    kept = {(p.a.id, p.b.id) for p in answer.kept.items}
    assert kept == {(pid(linked_store, f"{SICHUAN_2020_POINTS}:15"), pid(linked_store, f"{SICHUAN_2024_PLAN}:3")),
                    (pid(linked_store, f"{SICHUAN_2020_REFORM}:15"), pid(linked_store, f"{SICHUAN_2024_PLAN}:18"))}
    counts = answer.counts
    assert (counts.provisions_a, counts.provisions_b) == (25 + 30, 25)
    assert (counts.added, counts.dropped) == (23, 53)
    assert answer.added.total == 23 and answer.dropped.total == 53


def test_compare_themes_link_to_their_provisions(linked_store):
    answer = queries.compare(linked_store, "四川省", 2020, 2024)
    sections = [t for t in answer.themes.items if t.kind == "section"]
    kept = {t.name: [c.name for c in t.counterparts] for t in sections if t.status == "kept"}
    assert kept == {"持续推动高质量发展,构建优质高效医疗服务体系": ["实施医疗卫生能力现代化行动"],
                    "深化医疗保障制度改革": ["实施医疗卫生行业治理科学化行动"]}
    for theme in answer.themes.items:
        assert theme.provisions_a or theme.provisions_b


def test_compare_facility_type_themes(linked_store):
    answer = queries.compare(linked_store, "四川省", 2020, 2024)
    facilities = {t.name: t for t in answer.themes.items if t.kind == "facility_type"}
    chest_pain = next((t for name, t in facilities.items() if "胸痛" in name), None)
    assert chest_pain is not None
    assert pid(linked_store, f"{SICHUAN_2020_POINTS}:15") in {p.id for p in chest_pain.provisions_a}


def test_compare_unknown_region(linked_store):
    with pytest.raises(NotFound):
        queries.compare(linked_store, "亚特兰蒂斯", 2020, 2024)


# --- wording changes -----------------------------------------------------------------------------


def _target(value, measure, unit="%", words=""):
    return TargetRef(id=measure + str(value), value=value, unit=unit, comparator="≥", deadline=None,
                     measure=measure, subject=None, words=words)


def test_target_changes_pair_what_is_measured_and_say_which_way_it_moved():
    before = [_target(99, "大病救治管理率"), _target(90, "实际报销比"), _target(10, "个人支付占比")]
    after = [_target(95, "大病救治管理率"), _target(92, "实际报销比"), _target(80, "入院安检比例")]
    changes = {(c.before or c.after).measure: c.change for c in target_changes(before, after)}
    assert changes == {"大病救治管理率": "lowered", "实际报销比": "raised", "个人支付占比": "dropped",
                       "入院安检比例": "added"}


# --- any input: an answer or a clear error -------------------------------------------------------

ANSWERED_OR_REFUSED = (queries.QueryError, ValueError)


def ask_everything(store, text: str, region: str | None) -> None:
    asks = [
        lambda: queries.obligations(store, text, region=region),
        lambda: queries.search(store, text, region=region),
        lambda: queries.entity(store, text, region=region),
        lambda: queries.lineage(store, text),
        lambda: queries.cascade(store, text),
        lambda: queries.provision(store, text),
        lambda: queries.compare(store, text, 2020, 2024),
    ]
    for ask in asks:
        with contextlib.suppress(ANSWERED_OR_REFUSED):
            ask()


@given(text=st.text(max_size=40), region=st.one_of(st.none(), st.text(max_size=12)))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_any_text_is_answered_or_refused_clearly(corpus_store, text, region):
    ask_everything(corpus_store, text, region)


@pytest.mark.parametrize(
    "text",
    ["", " ", ":", "::13", "\x00", "-p1", "doc-", "第", "（十三）", "川办发〔2020〕53号:", "川办发〔2020〕53号:0",
     "川办发〔2020〕53号:九十九万", "省", "四川省", "四川省省", "中国", "国家", "a" * 500, "😀", "%", ".*", "[", "\\"],
)
def test_awkward_inputs_are_answered_or_refused_clearly(corpus_store, text):
    ask_everything(corpus_store, text, text or None)
