"""Deeply nested input: read completely and once, without recursion limits or depth × size work.

No test here measures time (bench/ does); the inputs are sized so that the old quadratic or
exponential readers would not finish within the suite, and the assertions check every level.
"""

from __future__ import annotations

import io

import pytest

from scorer.errors import InputError
from scorer.ingest import read_report

HEAD = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>青禾县2024年法治政府建设情况报告</title></head><body>"


def test_html_text_at_every_level_of_20000_nested_divs(tmp_path):
    depth = 20_000
    page = HEAD + '<div id="zoom">' + "".join(f"<div>第{i}段。" for i in range(depth)) + "</div>" * depth + "</div></body></html>"
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    title, *lines = read_report(path).text.split("\n")
    assert title == "青禾县2024年法治政府建设情况报告"  # from <title>: the container has no <h1>
    assert lines == [f"第{i}段。" for i in range(depth)]


def test_html_50000_nested_divs_from_the_issue(tmp_path):
    depth = 50_000
    paragraph = "<p>青禾县人民政府关于2024年法治政府建设情况的报告。全年开展法治宣传活动30场。</p>"
    path = tmp_path / "deep.html"
    path.write_text(HEAD + "<div>" * depth + paragraph * 20 + "</div>" * depth + "</body></html>", encoding="utf-8")
    raw = read_report(path)
    assert raw.text.count("全年开展法治宣传活动30场。") == 20


def test_html_nested_table_cells(tmp_path):
    depth = 3_000
    cell = "全年办理行政复议案件{}件"
    tables = "".join(f"<table><tr><td>{cell.format(i)}" for i in range(depth)) + "</td></tr></table>" * depth
    path = tmp_path / "tables.html"
    path.write_text(HEAD + f'<div id="zoom">{tables}</div></body></html>', encoding="utf-8")
    text = read_report(path).text
    for i in range(depth):
        assert text.count(cell.format(i)) == 1, i


def test_html_deep_links_and_headings(tmp_path):
    depth = 10_000
    page = HEAD + '<div class="content">' + "<h1>" * depth + "青禾县2024年法治政府建设情况报告" + "</h1>" * depth
    page += "<a href='x'>" * depth + "链接文字" + "</a>" * depth + "<p>全年开展法治宣传活动30场。</p></div></body></html>"
    path = tmp_path / "nested.html"
    path.write_text(page, encoding="utf-8")
    raw = read_report(path)
    assert raw.text.startswith("青禾县2024年法治政府建设情况报告")
    assert "全年开展法治宣传活动30场。" in raw.text


def _nested_tables_docx(depth: int) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("青禾县人民政府关于2024年法治政府建设情况的报告", style="Title")
    table = document.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    for level in range(depth):
        cell.paragraphs[0].text = f"第{level}层"
        cell = cell.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "最内层"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_nested_tables_are_read_once(tmp_path):
    depth = 40  # the old reader repeated level k 2^(k-1) times: 2^39 lines
    path = tmp_path / "nested.docx"
    path.write_bytes(_nested_tables_docx(depth))
    text = read_report(path).text
    for level in range(depth):
        assert text.count(f"第{level}层") == 1, level
    assert text.count("最内层") == 1


def test_docx_nested_beyond_the_xml_parser_depth(tmp_path):
    path = tmp_path / "too_deep.docx"
    path.write_bytes(_nested_tables_docx(100))  # 3 elements per level: past libxml2's 256
    with pytest.raises(InputError, match="嵌套过深"):
        read_report(path)
