"""Role classification of parts, sub-sections and sentences (scorer.roles)."""

from __future__ import annotations

import pytest

from scorer.document import roles
from scorer.model import ROLE_LABELS, Role

A, S, F, P = Role.ACHIEVEMENTS, Role.SHORTCOMINGS, Role.FIRST_RESPONSIBLE, Role.NEXT_YEAR_PLAN


@pytest.mark.parametrize(
    ("title", "year", "expected"),
    [
        ("2023年推进法治政府建设的主要举措和成效", 2023, (A,)),
        ("2018年度依法行政工作回顾", 2018, (A,)),
        ("工作开展情况", None, (A,)),
        ("存在不足和原因", 2023, (S,)),
        ("推进法治政府建设中存在的主要问题", 2023, (S,)),
        ("党政主要负责人履行推进法治建设第一责任人职责情况", 2023, (F,)),
        ("2024年度推进法治政府建设的总体安排", 2023, (P,)),
        ("2024年度推进法治政府建设的主要思路", 2023, (P,)),
        ("法治政府建设下一步工作打算", 2024, (P,)),
        ("明年工作重点", None, (P,)),
        ("2024年工作", 2023, (P,)),  # a later year alone says "next year"
        ("存在问题及下步打算", 2018, (S, P)),
        ("工作成效及存在问题", 2020, (A, S)),
        ("2023年工作情况和2024年工作安排", 2023, (A, P)),
        ("依法全面履行政府职能", 2019, ()),  # a 纲要 area names no role
        ("组织保障和落实机制", 2019, ()),
    ],
)
def test_classify_part(title, year, expected):
    assert roles.classify_part(title, year) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("坚持高位推动,推动履行第一责任人职责", F),
        ("存在的问题", S),
        ("问题和原因", S),
        ("下一步工作打算", P),
        ("加强党的领导", None),
        ("着力解决群众反映强烈的执法问题", None),  # a measure, not the problems part
        ("着力解决存在的突出问题", None),
        ("推进法治政府建设中存在的主要问题", S),
        ("存在问题及原因", S),
        ("存在问题及下步打算", S),
        ("坚持问题导向,推进依法行政", None),
    ],
)
def test_subsection_role_is_strict(title, expected):
    assert roles.subsection_role(title) is expected


@pytest.mark.parametrize(
    ("sentence", "role", "expected"),
    [
        ("下一步,我市将认真贯彻落实党的十九届一中、二中全会精神。", P, True),
        ("2024年,我镇将以认真贯彻党的二十大精神为统领。", P, True),
        ("我们将继续加强执法队伍建设。", P, True),
        ("针对上述问题,我县将采取以下措施。", P, True),
        ("2023年,我镇将法治建设纳入年度计划。", P, False),  # the reported year: not a plan
        ("这些问题,需要我们在今后的工作中认真加以解决。", P, False),
        ("回顾一年来的工作,虽然取得了一些成绩,但还存在一些问题。", S, True),
        ("全年办理行政复议案件12件。", S, False),
    ],
)
def test_sentence_cues(sentence, role, expected):
    assert roles.sentence_starts_role(role, sentence, 2023) is expected


def test_remedy_subheading_starts_plan_only_in_a_combined_part():
    assert roles.heading_starts_role(P, "进一步完善行政决策机制", combined=True)
    assert not roles.heading_starts_role(P, "进一步完善行政决策机制", combined=False)
    assert not roles.heading_starts_role(P, "行政决策机制还不够完善", combined=True)


def test_unnamed_parts_before_the_problems_part_are_achievements():
    named = [(), (), (S,), (P,), ()]
    contents = [["全年办理案件10件。"], ["开展培训3次。"], ["执法力量不足。"], ["继续推进。"], ["附表见后。"]]
    assert roles.fill_unnamed_parts(named, contents) == [(A,), (A,), (S,), (P,), (Role.OTHER,)]


def test_unnamed_part_after_problems_is_judged_by_content():
    named = [(A,), (S,), ()]
    contents = [["全年办理案件10件。"], ["执法力量不足。"], ["下一步,我们将加强培训。", "继续推进改革。"]]
    assert roles.fill_unnamed_parts(named, contents, 2023)[2] == (P,)


@pytest.mark.parametrize(
    ("line", "expected"),
    [("存在的问题", True), ("主要工作成效", True), ("下一步工作打算:", True), ("基本情况", True), ("基本情况稳定", False), ("加强执法监督", False)],
)
def test_names_report_part(line, expected):
    assert roles.names_report_part(line) is expected


def test_role_labels_cover_every_role():
    assert set(ROLE_LABELS) == set(Role)
