"""Quantified goals: value, unit as printed, comparator, subject and deadline.

Sentences are from the sample notices or written in their style; expected values read by hand.
"""

from __future__ import annotations

import sys

from _corpus import CORPUS

from policykg.graph.model import EdgeKind, NodeKind
from policykg.loaders.pipeline import build_fragment, parse_file
from policykg.loaders.structure import structure_extractor
from policykg.loaders.targets import find_targets, parse_deadline, targets_extractor


def values(text: str) -> list[tuple[float, str]]:
    return [(t.value, t.unit) for t in find_targets(text)]


def test_enumerated_targets_distribute_over_their_subjects():
    text = ("全面推行门、急诊电子病历,所有公立三级医院、公立二级医院、社区卫生服务中心和乡镇卫生院门、急诊电子病历使用率"
            "分别达到90%、70%、50%以上。")
    targets = find_targets(text)
    assert [(t.value, t.unit, t.comparator) for t in targets] == [(90, "%", ">="), (70, "%", ">="), (50, "%", ">=")]
    assert [t.subject for t in targets][:2] == ["所有公立三级医院", "公立二级医院"]
    assert {t.measure for t in targets} == {"急诊电子病历使用率"}


def test_enumerated_counts_with_a_deadline():
    targets = find_targets("到2025年,力争新建70个国家级、300个省级、500个市级、1000个县级临床重点专科。")
    assert [(t.value, t.unit) for t in targets] == [(70, "个"), (300, "个"), (500, "个"), (1000, "个")]
    assert {t.deadline for t in targets} == {"2025-12-31"}
    assert targets[0].subject == "国家级"


def test_comparators():
    [within, exception] = find_targets("个人支付占比均控制在10%以内(深度贫困地区控制在5%以内)。")
    assert (within.value, within.comparator, exception.value, exception.comparator) == (10, "<=", 5, "<=")
    assert exception.subject == "深度贫困地区"
    assert find_targets("全省不低于40%二级及以上公立医院完成章程制定工作。")[0].comparator == ">="
    assert find_targets("疾控机构专业技术岗位原则上不低于单位岗位总量的85%。")[0].comparator == ">="
    [once] = find_targets("2020年各市(州)至少调整1次医疗服务价格。")
    assert (once.value, once.unit, once.comparator) == (1, "次", ">=")
    [level] = find_targets("三级公立医院达5级及以上水平。")
    assert (level.value, level.unit, level.comparator, level.subject) == (5, "级", ">=", "三级公立医院")


def test_rates_per_population_and_ages():
    assert [(t.value, t.unit, t.comparator) for t in find_targets("孕产妇死亡率控制在14/10万以下,婴儿死亡率控制在5‰以下。")] == [
        (14, "/10万", "<="), (5, "‰", "<=")]
    assert values("为65岁以上老年人提供健康管理服务,管理率达到70%。") == [(70, "%")]  # 65岁 is who, not a goal
    assert values("人均预期寿命达到78岁。") == [(78, "岁")]


def test_universal_words_read_as_one_hundred_percent_beside_numeric_goals():
    cover = find_targets("三级医院门诊电子病历使用率达到90%以上,医学检验科质控全覆盖。")
    assert [(t.value, t.unit) for t in cover] == [(90, "%"), (100, "%")]
    # alone, 全覆盖 is as often a slogan of scope as a goal, and 全部 an adverb
    assert values("实现\u201c一站式\u201d结算全覆盖。") == []
    assert values("三级医院全部开展入院安检,二级医院开展入院安检比例达80%。") == [(100, "%"), (80, "%")]
    assert values("将符合条件的二级公立医院全部纳入2021年度绩效考核范围。") == []


def test_scope_counts_durations_and_titles_are_not_targets():
    assert values("对66个国贫县建档立卡贫困人口开展专项医疗救治。") == []
    assert values("赴凉山州开展为期3个月驻点督战,督促凉山州7个县如期实现脱贫摘帽。") == []
    assert values("加强45个深贫困县儿科、麻醉、消化等90个核心专科建设。") == []
    assert values("推进落实癌症防治等5个专项行动。") == []
    assert values("聚焦国家卫生健康委2021年10项医疗质量安全改进目标。") == []
    assert values("落实《2020年10项改进措施》,推进1-2个重点合作项目。") == []
    assert values("完成10135名贫困患者免费白内障复明手术。") == [(10135, "名")]


def test_deadlines():
    assert parse_deadline("2021年6月底前,实现紧密型城市医联体检查检验结果互认")[0] == "2021-06-30"
    assert parse_deadline("2020年底所有医院完成章程制定")[0] == "2020-12-31"
    assert parse_deadline("到2025年,医疗卫生服务体系更加健全")[0] == "2025-12-31"
    [target] = find_targets("2021年6月底前,紧密型城市医联体检查检验结果互认率达到95%。")
    assert (target.deadline, target.deadline_words) == ("2021-06-30", "2021年6月底前")


def corpus_targets(source: str) -> dict[int, list[tuple[float, str]]]:
    frag = build_fragment(parse_file(CORPUS / source), [structure_extractor, targets_extractor])
    nodes = {n.id: n for n in frag.nodes}
    found: dict[int, list[tuple[float, str]]] = {}
    for edge in frag.edges:
        if edge.kind == EdgeKind.SETS_TARGET:
            target = nodes[edge.target]
            assert target.kind == NodeKind.TARGET and frag.source_text[edge.span[0] : edge.span[1]]
            found.setdefault(nodes[edge.source].attrs["number"], []).append((target.attrs["value"], target.attrs["unit"]))
    return found


def test_sample_corpus_targets():
    wuxi = corpus_targets("001_10347f40a002f581.txt")
    # (十三) 三级公立医院达5级…县(区)级二级医院达4级…其它二级公立医院达3级…乡镇卫生院达2级; 90%、70%、50%
    assert sorted(wuxi[13]) == sorted([(5, "级"), (4, "级"), (3, "级"), (2, "级"), (90, "%"), (70, "%"), (50, "%")])
    sichuan = corpus_targets("000_5adab2484b7820d3.txt")
    assert sorted(sichuan[4]) == [(5, "%"), (10, "%"), (10135, "名")]
    assert sorted(sichuan[5]) == [(90, "%"), (99, "%")]  # not 66个国贫县
    suining = corpus_targets("004_cad12c1d8455800e.txt")
    assert sorted(suining[17]) == [(80, "%"), (90, "%"), (100, "%"), (100, "%")]
    assert 10 not in suining  # 2021年6月底前 is a deadline, not a target


def _calls(function, *args) -> int:
    """How many Python and C functions a call makes: a measure of work that does not depend on the machine."""
    count = 0

    def profile(frame, event, arg) -> None:
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(profile)
    try:
        function(*args)
    finally:
        sys.setprofile(None)
    return count


def test_target_parsing_is_linear_in_the_length_of_the_text():
    """A page of goals with commas and no full stop (issue 15): once ~1 h per MB, every number searched
    the whole page for its sentence. Work per character must stay flat as the page doubles."""
    find_targets("到2025年")  # lexicon read before counting
    unit = "到2025年达到90%，不低于"
    small, large = unit * 2900, unit * 5800  # 40k and 81k characters
    per_char_small = _calls(find_targets, small) / len(small)
    per_char_large = _calls(find_targets, large) / len(large)
    assert per_char_large < 1.1 * per_char_small
    assert per_char_large < 50  # a generous bound: about 13 calls per character today


class _CountedText(str):
    """Text that counts the characters its slices copy (a slice is invisible to a call counter)."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[override]
        piece = str.__getitem__(self, key)
        if isinstance(key, slice):
            _CountedText.copied += len(piece)
        return piece


def test_target_parsing_copies_each_character_a_bounded_number_of_times():
    """Each number once sliced off the rest of the provision to look at what follows it: a 4 MB
    provision of goals took minutes. The characters copied per character must stay flat."""
    find_targets("到2025年")
    unit = "到2025年达到90%，不低于"
    ratios = []
    for copies in (2900, 5800):
        _CountedText.copied = 0
        text = _CountedText(unit * copies)
        find_targets(text)
        ratios.append(_CountedText.copied / len(text))
    assert ratios[1] < 1.1 * ratios[0] and ratios[1] < 10, ratios  # about 2.7 today
