"""`fzscore check`: exit codes, waivers, baseline regressions, output formats, hostile input."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from corpus_paths import EXAMPLES_DIR as EXAMPLES

from scorer.cli import main

_SCORERS: dict = {}


@pytest.fixture(autouse=True)
def reuse_scorers(monkeypatch):
    """Build each distinct Scorer once per test session (building one takes seconds; scoring is fast)."""
    import scorer.pipeline

    real = scorer.pipeline.Scorer if not hasattr(scorer.pipeline.Scorer, "_real") else scorer.pipeline.Scorer._real

    def cached(rules_dir=None, pack_choice="auto", matching=None, waivers=()):
        key = (rules_dir, pack_choice, json.dumps(matching, sort_keys=True), tuple(waivers))
        if key not in _SCORERS:
            _SCORERS[key] = real(rules_dir=rules_dir, pack_choice=pack_choice, matching=matching, waivers=waivers)
        return _SCORERS[key]

    cached._real = real
    monkeypatch.setattr(scorer.pipeline, "Scorer", cached)


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    """A folder with its own (empty) .fzscore.yaml, so no config above tmp_path leaks in."""
    (tmp_path / ".fzscore.yaml").write_text("# defaults only\n", encoding="utf-8")
    for name in ("qinghe_2024_weak.txt", "qinghe_2024_strong.txt"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_json(capsys, report: Path, *extra: str) -> dict:
    code, out, _ = run(capsys, "check", str(report), "--format", "json", *extra)
    data = json.loads(out)
    assert data["check"]["exit_code"] == code
    return data


def test_help_documents_exit_codes(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "退出码" in out and "0  通过" in out and "2  错误" in out and "--fail-on-regression" in out


def test_pass_with_low_threshold(capsys, workdir):
    code, out, err = run(capsys, "check", str(workdir / "qinghe_2024_weak.txt"), "--fail-under", "0", "--fail-on", "never")
    assert code == 0
    assert out == ""  # text format: everything human goes to stderr
    assert "检查结果：✔ 通过" in err and "总分" in err


def test_fail_under(capsys, workdir):
    report = workdir / "qinghe_2024_strong.txt"
    score = check_json(capsys, report, "--fail-under", "0", "--fail-on", "never")["score"]
    assert score < 100
    code, _, err = run(capsys, "check", str(report), "--fail-under", f"{score + 0.5:.1f}", "--fail-on", "never")
    assert code == 1 and "低于门槛" in err
    code, _, err = run(capsys, "check", str(report), "--fail-under", f"{max(score - 0.5, 0):.1f}", "--fail-on", "never")
    assert code == 0


def test_fail_on_key_then_waived_to_pass(capsys, workdir):
    report = workdir / "qinghe_2024_weak.txt"
    data = check_json(capsys, report, "--fail-under", "0")
    key_failures = data["check"]["key_failures"]
    assert key_failures, "the weak example lacks its 第一责任人 part: a key item must fail"
    assert data["check"]["passed"] is False and data["check"]["exit_code"] == 1

    waivers = "".join(f"  - item: {name}\n    reason: 测试豁免理由{index}\n" for index, name in enumerate(key_failures))
    (workdir / ".fzscore.yaml").write_text(f"fail_under: 0\nwaivers:\n{waivers}", encoding="utf-8")
    code, _, err = run(capsys, "check", str(report))
    assert code == 0, err
    assert "检查结果：✔ 通过" in err and "豁免：" in err and "测试豁免理由0" in err

    code, out, _ = run(capsys, "check", str(report), "--format", "markdown")
    assert code == 0
    assert "### 豁免" in out and "测试豁免理由0" in out
    code, out, _ = run(capsys, "check", str(report), "--format", "github")
    assert any(line.startswith("::notice") and "测试豁免理由0" in line for line in out.splitlines())
    data = check_json(capsys, report)
    assert {w["item"] for w in data["waivers"]} == set(key_failures)
    assert all(w["matched"] for w in data["waivers"])
    # The command line still overrides the file.
    code, _, _ = run(capsys, "check", str(report), "--fail-under", "99")
    assert code == 1


def test_fail_on_missing_is_stricter(capsys, workdir):
    report = workdir / "qinghe_2024_weak.txt"
    data = check_json(capsys, report, "--fail-under", "0", "--fail-on", "missing")
    missing = [f"{i['pack']}:{i['id']}" for i in data["items"] if i["status"] == "missing" and not i["key"]]
    assert missing and set(data["check"]["missing_failures"]) == set(missing)


def test_waiver_matching_nothing_is_warned(capsys, workdir):
    (workdir / ".fzscore.yaml").write_text(
        "waivers:\n  - item: no_such_item\n    reason: 写错了的豁免\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "check", str(workdir / "qinghe_2024_strong.txt"), "--fail-under", "0", "--fail-on", "never", "--format", "github")
    assert code == 0
    assert "no_such_item" in err and "未匹配" in err
    assert any(line.startswith("::warning") and "no_such_item" in line for line in out.splitlines())


def test_bad_input_exits_2(capsys, workdir):
    code, out, err = run(capsys, "check", str(workdir / "missing.txt"))
    assert code == 2 and out == "" and err.startswith("fzscore: 错误：")


def test_broken_config_exits_2(capsys, workdir):
    (workdir / ".fzscore.yaml").write_text("fail_under: 80\nfail_onn: key\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(workdir / "qinghe_2024_weak.txt"))
    assert code == 2 and "fail_onn" in err and ".fzscore.yaml" in err and "fail_on" in err
    code, _, err = run(capsys, "check", str(workdir / "qinghe_2024_weak.txt"), "--config", str(workdir / "nope.yaml"))
    assert code == 2 and "nope.yaml" in err


def test_usage_errors_exit_2(capsys, workdir):
    report = str(workdir / "qinghe_2024_weak.txt")
    with pytest.raises(SystemExit) as info:
        main(["check", report, "--fail-on", "sometimes"])
    assert info.value.code == 2
    code, _, err = run(capsys, "check", report, "--fail-on-regression")
    assert code == 2 and "--baseline" in err
    code, _, err = run(capsys, "check", report, "--fail-under", "120")
    assert code == 2 and "--fail-under" in err


def test_baseline_regression(capsys, workdir):
    baseline = workdir / "old.json"
    data = check_json(capsys, workdir / "qinghe_2024_strong.txt", "--fail-under", "0", "--fail-on", "never")
    baseline.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    # The weak draft of the same report, compared with the strong one.
    weak = workdir / "qinghe_2024_weak.txt"
    code, out, err = run(capsys, "check", str(weak), "--baseline", str(baseline), "--fail-on-regression", "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert result["baseline"]["regressed"] and result["baseline"]["score_dropped"]
    assert result["baseline"]["regressions"]
    assert all(
        {"covered": 2, "partial": 1, "missing": 0}[r["before"]] > {"covered": 2, "partial": 1, "missing": 0}[r["after"]]
        for r in result["baseline"]["regressions"]
    )
    assert "退步" in err

    code, out, _ = run(capsys, "check", str(weak), "--baseline", str(baseline), "--fail-on-regression", "--format", "markdown")
    assert code == 1 and "### 回归" in out

    # Compared with itself nothing regressed: --fail-on-regression passes although the default
    # threshold (80) and key rule would fail the weak draft...
    own = workdir / "own.json"
    own.write_text(json.dumps(check_json(capsys, weak, "--fail-under", "0")), encoding="utf-8")
    code, _, err = run(capsys, "check", str(weak), "--baseline", str(own), "--fail-on-regression")
    assert code == 0, err
    # ...unless a threshold is given explicitly.
    code, _, _ = run(capsys, "check", str(weak), "--baseline", str(own), "--fail-on-regression", "--fail-under", "99")
    assert code == 1
    # Without --fail-on-regression a baseline only informs.
    code, _, err = run(capsys, "check", str(weak), "--baseline", str(baseline), "--fail-under", "0", "--fail-on", "never")
    assert code == 0 and "退步" in err


def test_broken_baseline_exits_2(capsys, workdir):
    broken = workdir / "old.json"
    broken.write_text('{"score": 80, "items": "oops"}', encoding="utf-8")
    code, out, err = run(capsys, "check", str(workdir / "qinghe_2024_weak.txt"), "--baseline", str(broken))
    assert code == 2 and out == "" and "基线文件" in err and str(broken) in err


HOSTILE_REPORT = """某县2023年法治政府建设情况报告
一、主要举措和成效
（一）执法 <script>alert(1)</script> [点我](javascript:alert(1)) <a href="javascript:alert(2)">链接</a> {{ 7*7 }} &amp; &lt;b&gt; | 表格 | *粗体* _斜体_ `代码`
全年办理行政复议案件12件，<img src=x onerror=alert(1)>纠错率8%。
二、存在的不足和原因
::error file=x,line=1::伪造的注解 %0A 仍是文本
三、2024年工作安排
继续推进法治政府建设。
某县人民政府
2024年1月20日
"""


def test_hostile_report_is_inert(capsys, workdir):
    report = workdir / "hostile <b>&amp;.txt"
    report.write_text(HOSTILE_REPORT, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(report), "--format", "markdown", "--fail-under", "0", "--fail-on", "never")
    assert code == 0
    for raw in ("<script", "<a ", "<img", "<b>", "javascript:", "{{ 7*7 }}"):
        assert raw not in out, raw
    code, out, _ = run(capsys, "check", str(report), "--format", "github", "--fail-under", "0")
    lines = out.splitlines()
    assert lines and all(line.startswith(("::notice ", "::warning ", "::error ")) for line in lines)
    assert not any(line.startswith("::error file=x") for line in lines)


def test_annotation_lines_are_file_lines(tmp_path):
    from scorer.commands.check import file_line_mapper
    from scorer.ingest import read_report

    # Blank lines, CRLF and full-width characters: normalisation changes all three.
    content = "某县２０２３年法治政府建设情况报告\r\n\r\n\r\n一、主要举措和成效\r\n\r\n全年办理行政复议案件１２件。\r\n\r\n二、存在的不足和原因\r\n"
    path = tmp_path / "r.txt"
    path.write_bytes(content.encode("utf-8"))
    raw = read_report(path)
    line_for = file_line_mapper(raw)
    assert line_for is not None
    file_lines = content.split("\r\n")
    for needle, expected in (("全年办理行政复议案件12件", 6), ("二、存在的不足", 8), ("某县", 1)):
        offset = raw.text.index(needle)
        assert line_for(offset) == expected
        assert file_lines[expected - 1].startswith(needle[:2])
    # The normalised text has fewer lines: the naive count would be wrong here.
    assert raw.text.count("\n", 0, raw.text.index("二、存在的不足")) + 1 != 8


def test_github_lines_point_into_the_file(capsys, workdir):
    # The weak example with a blank line after every line and CRLF line ends.
    original = (workdir / "qinghe_2024_weak.txt").read_text(encoding="utf-8").split("\n")
    report = workdir / "spaced.txt"
    report.write_bytes("\r\n\r\n".join(original).encode("utf-8"))
    data = check_json(capsys, report, "--fail-under", "0", "--fail-on", "never")
    code, out, _ = run(capsys, "check", str(report), "--format", "github", "--fail-under", "0", "--fail-on", "never")
    file_lines = report.read_bytes().decode("utf-8").split("\r\n")
    titles = {i["title"]: i for i in data["items"]}
    checked = 0
    for line in out.splitlines():
        found = re.search(r"line=(\d+),title=fzscore [^：]+：(.*?)::", line)
        if not found or found.group(2).replace("%2C", ",").replace("%3A", ":") not in titles:
            continue
        item = titles[found.group(2).replace("%2C", ",").replace("%3A", ":")]
        evidence = [e for e in item["evidence"]] + [e for p in item["parts"] for e in p["evidence"]]
        if not evidence:
            continue
        first = min(evidence, key=lambda e: e["start"])
        probe = re.sub(r"\W", "", first["text"])[:6]
        assert probe in re.sub(r"\W", "", unicodedata.normalize("NFKC", file_lines[int(found.group(1)) - 1]))
        checked += 1
    assert checked >= 3
