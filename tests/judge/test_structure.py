"""Structure checks (report-structure pack) on small reports and on the real corpus."""

from __future__ import annotations

import pytest

from scorer.document import build_document, load_document, raw_text_from_string
from scorer.judge.structure import CHECKS
from scorer.model import Status

FULL = """某某县人民政府关于2023年法治政府建设情况的报告
市人民政府:
2023年,我县深入推进法治政府建设,现将有关情况报告如下。
一、2023年推进法治政府建设的主要举措和成效
(一)严格规范公正文明执法
全年开展行政执法案卷评查2次,评查案卷120件。
(二)依法化解矛盾纠纷
全年办理行政复议案件15件,纠错2件。
二、党政主要负责人履行推进法治建设第一责任人职责情况
县政府主要负责同志专题听取法治政府建设工作汇报3次。县长带头述法。
三、存在的不足和原因
一是行政执法人员力量不足;二是基层法治宣传不够深入。究其原因,主要是基层执法人员编制少、培训不足。
四、2024年推进法治政府建设的主要安排
一是深化行政执法体制改革。二是加强法治宣传教育。
某某县人民政府
2024年1月20日
"""


def run(name: str, text: str, **params):
    return CHECKS[name](build_document(raw_text_from_string(text)), params)


def test_full_report_passes_every_check():
    assert run("part_present", FULL, role="achievements").status is Status.COVERED
    assert run("part_present", FULL, role="next_year_plan").status is Status.COVERED
    assert run("shortcomings_with_causes", FULL).status is Status.COVERED
    assert run("first_responsible_part", FULL).status is Status.COVERED
    assert run("title_form", FULL).status is Status.COVERED
    assert run("year_consistency", FULL).status is Status.COVERED
    assert run("date_signature", FULL).status is Status.COVERED
    assert run("quantitative_evidence", FULL).status is Status.COVERED


def test_problems_without_causes_are_partial():
    text = FULL.replace("究其原因,主要是基层执法人员编制少、培训不足。", "")
    outcome = run("shortcomings_with_causes", text)
    assert outcome.status is Status.PARTIAL
    assert "原因" in outcome.reason


def test_date_outside_the_window_or_no_signer_is_partial():
    late = FULL.replace("2024年1月20日", "2024年6月1日")
    assert run("date_signature", late).status is Status.PARTIAL
    unsigned = FULL.replace("某某县人民政府\n2024年1月20日", "2024年1月20日")
    assert run("date_signature", unsigned).status is Status.PARTIAL
    undated = FULL.replace("2024年1月20日\n", "")
    assert run("date_signature", undated).status is Status.MISSING


def test_plan_year_must_follow_report_year():
    wrong = FULL.replace("四、2024年推进", "四、2025年推进")
    outcome = run("year_consistency", wrong)
    assert outcome.status is Status.PARTIAL
    assert "2025" in outcome.reason


def test_title_forms():
    assert run("title_form", FULL.replace("法治政府建设情况的报告", "依法行政工作报告", 1)).status is Status.PARTIAL
    no_title = FULL.split("\n", 1)[1]
    assert run("title_form", no_title).status is Status.MISSING


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        # From ../shared/corpus/README.md and the gold labels' structure judgements.
        ("000", {"rs_shortcomings": "missing", "rs_next_year_plan": "missing", "rs_date_signature": "partial",
                 "rs_quantitative_evidence": "covered", "rs_first_responsible": "partial"}),
        ("001", {"rs_shortcomings": "partial", "rs_next_year_plan": "covered", "rs_date_signature": "covered"}),
        ("002", {"rs_title": "missing", "rs_first_responsible": "covered", "rs_next_year_plan": "covered"}),
        ("003", {"rs_first_responsible": "covered", "rs_date_signature": "partial"}),
        ("004", {"rs_title": "partial", "rs_next_year_plan": "covered", "rs_shortcomings": "partial",
                 "rs_quantitative_evidence": "partial", "rs_first_responsible": "partial"}),
    ],
)
def test_structure_on_real_reports(seed_by_prefix, prefix, expected):
    document = load_document(seed_by_prefix(prefix))
    for item_id, status in expected.items():
        check, params = STRUCTURE_ITEMS[item_id]
        outcome = CHECKS[check](document, params)
        assert outcome.status.value == status, (item_id, outcome.reason)


# The checks the report-structure pack's items name (kept here so this test does not depend on the YAML).
STRUCTURE_ITEMS = {
    "rs_measures_results": ("part_present", {"role": "achievements"}),
    "rs_shortcomings": ("shortcomings_with_causes", {}),
    "rs_first_responsible": ("first_responsible_part", {}),
    "rs_next_year_plan": ("part_present", {"role": "next_year_plan"}),
    "rs_title": ("title_form", {}),
    "rs_year_consistency": ("year_consistency", {}),
    "rs_date_signature": ("date_signature", {}),
    "rs_quantitative_evidence": ("quantitative_evidence", {"covered_share": 0.6, "partial_share": 0.25}),
}
