"""Pairing the reports of a batch across years (scorer.audit.years): by body and level, never by file name."""

from __future__ import annotations

from scorer.audit.years import plan_pairs
from scorer.model import ReportRow


def row(path: str, jurisdiction: str | None, level: str | None, year: int | None, error: str | None = None) -> ReportRow:
    page = None if error else path.rsplit(".", 1)[0] + ".html"
    return ReportRow(path=path, page=page, error=error, jurisdiction=jurisdiction, level=level, year=year)


def test_pairs_follow_the_body_not_the_file_name():
    rows = [
        row("a.txt", "青禾县", "county", 2023),
        row("z.txt", "青禾县人民政府", "county", 2024),  # the same body, named with its government
        row("青禾县2025.txt", "融安县", "county", 2025),  # the file name says 青禾县; the report does not
        row("b.txt", "青禾县", "township", 2024),  # another level: another body
    ]
    planned = plan_pairs(rows)
    assert [(p.last, p.this) for p in planned.pairs] == [("a.txt", "z.txt")]
    assert {u.path for u in planned.unpaired} == {"青禾县2025.txt", "b.txt"}
    assert all("只有该主体" in u.reason for u in planned.unpaired)


def test_each_report_pairs_with_the_latest_earlier_year():
    rows = [
        row("2021.txt", "某县", "county", 2021),
        row("2022.txt", "某县", "county", 2022),
        row("2024a.txt", "某县", "county", 2024),
        row("2024b.txt", "某县", "county", 2024),  # two versions of one year: each compared with 2022
    ]
    planned = plan_pairs(rows)
    assert [(p.last, p.this) for p in planned.pairs] == [  # by this year's path
        ("2021.txt", "2022.txt"),
        ("2022.txt", "2024a.txt"),
        ("2022.txt", "2024b.txt"),
    ]
    assert planned.unpaired == ()
    assert planned.previous_of("2024b.txt").last == "2022.txt" and planned.previous_of("2021.txt") is None


def test_reports_without_body_level_or_year_are_listed_and_failures_ignored():
    rows = [
        row("x.txt", None, "county", 2023),
        row("y.txt", "某县", None, 2024),
        row("w.txt", "某县", "county", None),
        row("bad.bin", None, None, None, error="不是文本文件"),
    ]
    planned = plan_pairs(rows)
    assert planned.pairs == ()
    reasons = {u.path: u.reason for u in planned.unpaired}
    assert set(reasons) == {"x.txt", "y.txt", "w.txt"}
    assert "报告主体" in reasons["x.txt"] and "层级" in reasons["y.txt"] and "年度" in reasons["w.txt"]


def test_comparison_pages_have_distinct_names():
    rows = [row("a.txt", "某县", "county", 2023), row("b.txt", "某县", "county", 2024)]
    planned = plan_pairs(rows, reserved=["a_vs_b.html", "index.html"])
    assert [p.page for p in planned.pairs] == ["a_vs_b-2.html"]
