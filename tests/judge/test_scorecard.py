"""Scorecard arithmetic: weights, not-applicable items, grades, key items, waivers."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.document import build_document, raw_text_from_string
from scorer.judge.scorecard import build_scorecard, grade_for, match_waivers
from scorer.model import ItemResult, Level, Status
from scorer.rules import Item, Pack
from scorer.rules.thresholds import MatchingConfig


def _pack(items: list[Item], pack_id: str = "p") -> Pack:
    return Pack(
        id=pack_id,
        title="测试包",
        source="测试",
        version="1",
        kind="content",
        years_from=None,
        years_to=None,
        always=False,
        sections=(("一", "第一部分"), ("二", "第二部分")),
        items=tuple(items),
        matching=MatchingConfig(),
        path=Path("."),
    )


def _item(item_id: str, group: str, weight: float, key: bool = False) -> Item:
    return Item(item_id, item_id, group, group, weight, key, frozenset(Level), "依据", "建议")


def _result(item_id: str, group: str, weight: float, status: Status, key: bool = False) -> ItemResult:
    points = {Status.COVERED: weight, Status.PARTIAL: weight / 2}.get(status, 0.0)
    return ItemResult("p", item_id, item_id, group, group, status, points, weight, key)


@pytest.mark.parametrize(
    ("score", "grade"), [(100, "优秀"), (90, "优秀"), (89.9, "良好"), (80, "良好"), (60, "合格"), (59.9, "不合格"), (0, "不合格")]
)
def test_grade_bounds(score, grade):
    assert grade_for(score) == grade


def test_not_applicable_leaves_the_denominator():
    document = build_document(raw_text_from_string("某县2024年法治政府建设情况的报告\n一、主要举措和成效\n全年办理案件3件。"))
    items = [
        _result("a", "一", 40, Status.COVERED, key=True),
        _result("b", "一", 20, Status.PARTIAL),
        _result("c", "二", 30, Status.NOT_APPLICABLE),
        _result("d", "二", 10, Status.MISSING, key=True),
    ]
    pack = _pack([_item("a", "一", 40, True), _item("b", "一", 20), _item("c", "二", 30), _item("d", "二", 10, True)])
    card = build_scorecard(document, [pack], items)
    # (40 + 10) / (40 + 20 + 10) = 71.4
    assert card.score == pytest.approx(71.4)
    assert card.grade == "合格"
    assert card.key_not_covered == ("p:d",)
    assert [(s.group, s.score, s.weight) for s in card.subtotals] == [("一", 50.0, 60.0), ("二", 0.0, 10.0)]


def test_waiver_removes_key_failure_and_unmatched_waiver_warns():
    document = build_document(raw_text_from_string("某县2024年法治政府建设情况的报告\n一、主要举措和成效\n全年办理案件3件。"))
    items = [_result("d", "二", 10, Status.MISSING, key=True)]
    card = build_scorecard(
        document, [_pack([_item("d", "二", 10, True)])], items, waivers=[("p:d", "本级无此职能"), ("nope", "写错了")]
    )
    assert card.key_not_covered == ()
    assert [w.matched for w in card.waivers] == [("p:d",), ()]
    assert any("nope" in w for w in card.warnings)


def test_match_waivers_by_bare_id_matches_every_pack():
    items = [_result("x", "一", 1, Status.MISSING), ItemResult("q", "x", "x", "一", "一", Status.MISSING, 0, 1, False)]
    (waiver,) = match_waivers([("x", "理由")], items)
    assert waiver.matched == ("p:x", "q:x")
