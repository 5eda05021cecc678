"""Markdown summary of `fzscore check`: content, sections, and inert rendering of hostile text."""

from __future__ import annotations

import re

from test_config import evidence_for, make_card, make_item

from scorer.audit.baseline import compare, parse_baseline
from scorer.config import ProjectConfig, effective_settings, evaluate_check
from scorer.model import Status
from scorer.render import json_format, markdown

HOSTILE = (
    '<script>alert(1)</script> [点此](javascript:alert(1)) <a href="javascript:alert(2)">x</a> '
    "{{ 7*7 }} {% if %} &amp; &lt;b&gt; | *粗* _斜_ `代码` ~~删~~ $x$ \\ 末尾\n# 标题\r\n- 列表"
)


def _unescaped(line: str, char: str) -> int:
    """Occurrences of ``char`` not preceded by an odd number of backslashes."""
    count = 0
    for match in re.finditer(re.escape(char), line):
        backslashes = len(line[: match.start()]) - len(line[: match.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            count += 1
    return count


def test_escape_makes_text_inert():
    escaped = markdown.escape(HOSTILE)
    assert "<" not in escaped and ">" not in escaped
    assert "&amp;amp;" in escaped and "&amp;lt;" in escaped  # entities show as written
    assert "javascript:" not in escaped and "javascript\\:" in escaped
    assert "\n" not in escaped and "\r" not in escaped
    for char in "|*_`[]~$#{}()!":
        assert _unescaped(escaped, char) == 0, char


def _outcome(card, **cli):
    return evaluate_check(card, effective_settings(ProjectConfig(), **cli))


def test_hostile_report_renders_inert():
    text = f"{HOSTILE}\n一、主要举措\n全年办理案件12件。"
    items = [
        make_item("k", Status.PARTIAL, key=True, title=HOSTILE, reason=HOSTILE, advice=HOSTILE,
                  evidence=[evidence_for(text, "全年办理案件12件。")]),
        make_item("m", Status.MISSING, reason=HOSTILE),
    ]
    card = make_card(items, text=text, title=HOSTILE, path=HOSTILE.replace("\n", " ") + ".txt",
                     waivers=[("m", HOSTILE)], warnings=[HOSTILE])
    output = markdown.format(card, _outcome(card, fail_under=90))
    assert "<script" not in output and "<a " not in output and "javascript:" not in output
    assert "{{ 7*7 }}" not in output and "{{" not in output.replace("\\{\\{", "")
    # Table rows keep their shape: hostile "|" never adds a column.
    for block in re.findall(r"(?:^\|.*\|$\n?)+", output, flags=re.M):
        rows = [line for line in block.splitlines()]
        widths = {_unescaped(row, "|") for row in rows}
        assert len(widths) == 1, rows
    # Hostile text never starts a line (no heading/list injection).
    for line in output.splitlines():
        assert not line.startswith(("# 标题", "- 列表"))


def test_sections_and_verdict():
    items = [
        make_item("a", Status.COVERED),
        make_item("k", Status.MISSING, key=True, title="全面推行行政执法三项制度", advice="写明三项制度落实数据"),
        make_item("p", Status.PARTIAL, title="政务公开"),
        make_item("w", Status.MISSING, key=True, title="被豁免的关键项"),
    ]
    card = make_card(items, waivers=[("w", "上级统一部署"), ("nothing_here", "写错的豁免")])
    output = markdown.format(card, _outcome(card, fail_under=0))
    assert output.startswith("## fzscore 检查：❌ 未通过")
    assert "### 未通过原因" in output and "### 关键项未覆盖" in output
    gaps = output.split("### 差距")[1].split("###")[0]
    assert "全面推行行政执法三项制度" in gaps and "政务公开" in gaps and "被豁免的关键项" not in gaps
    waivers = output.split("### 豁免")[1].split("###")[0]
    assert "上级统一部署" in waivers and "⚠ 未匹配任何条目" in waivers
    assert "### 回归" not in output

    passing = markdown.format(card, _outcome(card, fail_under=0, fail_on="never"))
    assert passing.startswith("## fzscore 检查：✅ 通过") and "### 未通过原因" not in passing


def test_regression_section():
    before = make_card([make_item("a", Status.COVERED, title="政务公开"), make_item("b", Status.PARTIAL)], score=90)
    after = make_card([make_item("a", Status.MISSING, title="政务公开"), make_item("b", Status.COVERED)], score=70)
    baseline = parse_baseline(json_format.to_dict(before), "old.json")
    comparison = compare(baseline, after)
    output = markdown.format(after, _outcome(after, fail_under=0), comparison)
    section = output.split("### 回归")[1]
    assert "90.0 → 70.0" in section and "-20.0" in section
    assert "政务公开" in section and "✔ 已覆盖" in section and "✘ 未覆盖" in section
    assert "状态提升" in section
