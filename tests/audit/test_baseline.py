"""Baseline comparison: what got worse since a previous JSON output."""

from __future__ import annotations

import json

import pytest
from test_config import make_card, make_item

from scorer.audit.baseline import compare, load_baseline, parse_baseline
from scorer.errors import InputError
from scorer.model import Status
from scorer.render import json_format


def _baseline_of(card, tmp_path, name="old.json"):
    path = tmp_path / name
    path.write_text(json_format.format(card), encoding="utf-8")
    return load_baseline(path)


def test_same_scorecard_has_no_regression(tmp_path):
    card = make_card([make_item("a", Status.COVERED), make_item("b", Status.PARTIAL), make_item("c", Status.MISSING)])
    comparison = compare(_baseline_of(card, tmp_path), card)
    assert not comparison.regressed
    assert comparison.regressions == () and comparison.improvements == ()


def test_status_drops_and_rises_are_found(tmp_path):
    before = make_card(
        [
            make_item("a", Status.COVERED),
            make_item("b", Status.PARTIAL),
            make_item("c", Status.COVERED),
            make_item("d", Status.MISSING),
            make_item("e", Status.NOT_APPLICABLE),
        ]
    )
    after = make_card(
        [
            make_item("a", Status.PARTIAL),  # covered -> partial
            make_item("b", Status.MISSING),  # partial -> missing
            make_item("c", Status.COVERED),
            make_item("d", Status.COVERED),  # better
            make_item("e", Status.MISSING),  # not_applicable before: not comparable
            make_item("f", Status.MISSING),  # new item: not comparable
        ]
    )
    comparison = compare(_baseline_of(before, tmp_path), after)
    assert [(c.id, c.before, c.after) for c in comparison.regressions] == [("a", "covered", "partial"), ("b", "partial", "missing")]
    assert [(c.id, c.before, c.after) for c in comparison.improvements] == [("d", "missing", "covered")]
    assert comparison.regressed


def test_score_drop_alone_is_a_regression_but_rounding_is_not(tmp_path):
    items = [make_item("a", Status.COVERED)]
    baseline = _baseline_of(make_card(items, score=80.0), tmp_path)
    assert compare(baseline, make_card(items, score=79.0)).score_dropped
    assert compare(baseline, make_card(items, score=79.0)).regressed
    assert not compare(baseline, make_card(items, score=79.97)).regressed
    assert not compare(baseline, make_card(items, score=85.0)).regressed


def test_waived_item_is_not_a_regression(tmp_path):
    before = make_card([make_item("k", Status.COVERED, key=True)], score=50)
    after = make_card([make_item("k", Status.MISSING, key=True)], score=50, waivers=[("k", "本年度不涉及")])
    assert not compare(_baseline_of(before, tmp_path), after).regressed


def test_check_json_output_is_a_valid_baseline():
    # `check --format json` adds keys to the scorecard JSON; the baseline reader ignores them.
    card = make_card([make_item("a", Status.PARTIAL)])
    data = json_format.to_dict(card)
    data["check"] = {"passed": False}
    baseline = parse_baseline(json.loads(json.dumps(data)), "x.json")
    assert baseline.statuses[("gangyao-2021", "a")] == "partial"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "不是有效的 JSON"),
        ("[1, 2]", "顶层不是 JSON 对象"),
        ('{"items": []}', "score"),
        ('{"score": 80}', "items"),
        ('{"score": 80, "items": [{"pack": "p"}]}', "items[0]"),
        ('{"score": 80, "items": [{"pack": "p", "id": "a", "status": "great"}]}', "status 无效"),
    ],
)
def test_broken_baseline_is_an_input_error(tmp_path, content, fragment):
    path = tmp_path / "old.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_baseline(path)
    assert str(path) in str(info.value) and fragment in str(info.value)


def test_unreadable_baseline(tmp_path):
    with pytest.raises(InputError, match="不存在"):
        load_baseline(tmp_path / "missing.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(InputError):
        load_baseline(tmp_path / "bin.json")
