"""GitHub workflow annotations: escaping, kinds, line numbers from evidence offsets."""

from __future__ import annotations

import re

from test_config import evidence_for, make_card, make_item

from scorer.audit.baseline import compare, parse_baseline
from scorer.config import ProjectConfig, effective_settings, evaluate_check
from scorer.model import Status
from scorer.render import github, json_format

COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _parse(output: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in match.group(2).split(",")) if match.group(2) else {}
        parsed.append((match.group(1), props, match.group(3)))
    return parsed


def test_escaping_rules():
    assert github.escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = github.annotation("error", "x\n::error::injected", file="d:/a,b.txt", line=3, title="t:1,2")
    assert line == "::error file=d%3A/a%2Cb.txt,line=3,title=t%3A1%2C2::x%0A::error::injected"
    assert line.count("\n") == 0


def _outcome(card, **cli):
    return evaluate_check(card, effective_settings(ProjectConfig(), **cli))


def test_kinds_and_line_numbers():
    text = "标题\n一、主要举措和成效\n（一）执法\n严格落实行政执法三项制度。\n全年公开信息120条。"
    items = [
        make_item("k", Status.PARTIAL, key=True, title="三项制度", evidence=[evidence_for(text, "严格落实行政执法三项制度。")]),
        make_item("m", Status.MISSING, key=True, title="重大行政决策"),
        make_item("p", Status.PARTIAL, title="政务公开", evidence=[evidence_for(text, "全年公开信息120条。")]),
        make_item("c", Status.COVERED, title="已覆盖项"),
        make_item("w", Status.MISSING, title="被豁免项"),
    ]
    card = make_card(items, text=text, path="drafts/报告.txt", waivers=[("w", "不适用"), ("zzz", "写错了")])
    parsed = _parse(github.format(card, _outcome(card, fail_under=0)))
    by_title = {props.get("title", ""): (kind, props, message) for kind, props, message in parsed}

    kind, props, message = by_title["fzscore 关键项未覆盖：三项制度"]
    assert kind == "error" and props["line"] == "4" and props["file"] == "drafts/报告.txt"
    kind, props, _ = by_title["fzscore 关键项未覆盖：重大行政决策"]
    assert kind == "error" and props["line"] == "1"  # no evidence
    kind, props, _ = by_title["fzscore 部分覆盖：政务公开"]
    assert kind == "warning" and props["line"] == "5"
    item_titles = [t.split("：", 1)[1] for t in by_title if t.startswith(("fzscore 缺失：", "fzscore 部分覆盖：", "fzscore 关键项未覆盖："))]
    assert sorted(item_titles) == ["三项制度", "政务公开", "重大行政决策"]  # covered and waived items: none
    notices = [m for k, p, m in parsed if k == "notice"]
    assert any(m.startswith("得分 ") and "未通过" in m for m in notices)
    assert any("豁免 w：不适用" in m for m in notices)
    assert any(k == "warning" and "zzz" in m for k, p, m in parsed)


def test_missing_items_are_errors_under_fail_on_missing():
    card = make_card([make_item("m", Status.MISSING, title="政务诚信")])
    kinds = {p.get("title"): k for k, p, _ in _parse(github.format(card, _outcome(card, fail_under=0, fail_on="missing")))}
    assert kinds["fzscore 缺失：政务诚信"] == "error"
    kinds = {p.get("title"): k for k, p, _ in _parse(github.format(card, _outcome(card, fail_under=0)))}
    assert kinds["fzscore 缺失：政务诚信"] == "warning"


def test_regressions_are_annotated():
    before = make_card([make_item("a", Status.COVERED, title="政务公开")], score=90)
    after = make_card([make_item("a", Status.PARTIAL, title="政务公开")], score=80)
    comparison = compare(parse_baseline(json_format.to_dict(before), "old.json"), after)
    outcome = evaluate_check(after, effective_settings(ProjectConfig()), regressed=True, fail_on_regression=True)
    parsed = _parse(github.format(after, outcome, comparison))
    regressions = [(k, m) for k, p, m in parsed if p.get("title", "").startswith("fzscore 回归")]
    assert ("error", "得分由 90.0 降至 80.0（-10.0），基线 old.json") in regressions
    assert any(k == "error" and "政务公开" in m for k, m in regressions)


def test_hostile_text_cannot_inject_commands():
    hostile = "坏\n::error file=x::伪造%0A <script>alert(1)</script> | * {{ 7*7 }} &amp;\r\n,line=9"
    text = f"标题\n{hostile}\n结尾"
    items = [make_item("k", Status.PARTIAL, key=True, title=hostile, reason=hostile, advice=hostile,
                       evidence=[evidence_for(text, "结尾")])]
    card = make_card(items, text=text, path="a:b,c.txt", waivers=[("k", hostile)], warnings=[hostile])
    output = github.format(card, _outcome(card))
    parsed = _parse(output)  # every line is one well-formed command
    assert all(line.startswith("::") for line in output.splitlines())
    for kind, props, message in parsed:
        assert set(props) <= {"file", "line", "title"}
        assert props.get("file") == "a%3Ab%2Cc.txt"
        assert "%0A::error file=x::伪造%250A" in message or "伪造" not in message
